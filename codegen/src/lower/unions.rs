//! `oneOf`/`anyOf` to unions: one form per alternative, the parent's own properties merged
//! into each, and the discriminator values that select a form.

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::objects::ObjectShape;
use super::schemas::nullable_in_container;
use super::{LoweredRef, Lowering, Site, docs_of};
use crate::diagnostics::pointer_push;
use crate::ir::*;
use crate::naming::{self, Namespace};
use crate::spec::{self, Node, SchemaView};

impl<'a> Lowering<'a, '_> {
    pub(super) fn lower_union(&mut self, schema: &'a Schema, view: &SchemaView<'a>, alternatives: &[Node<'a>], mut site: Site) -> TypeRef {
        let id = self.new_type(&mut site, "Union", schema);
        self.started_inline(&site, id, view.data.nullable || view.enumeration.iter().any(Value::is_null));
        let parent = self.types[id.0].name.clone();
        let list = if view.one_of.is_empty() { "anyOf" } else { "oneOf" };
        let own = view.has_properties() || !view.all_of.is_empty();
        let mut variant_names = Namespace::default();
        variant_names.reserve(["Unknown"]);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let title = match alternative {
                Node::Inline(s) => s.schema_data.title.clone(),
                Node::Ref(_) => None,
            };
            let suffix = title.as_deref().map(naming::type_name).unwrap_or_else(|| format!("Variant{}", index + 1));
            let mut child = Site {
                pointer: pointer_push(&pointer_push(&site.pointer, list), &index.to_string()),
                base: format!("{parent}{suffix}"),
                spec_name: format!("{}|{}", site.spec_name, index),
                module: site.module.clone(),
                target: None,
            };
            let lowered = if own && self.is_union_ref(*alternative) {
                // A union cannot be merged into a struct: the form is the referenced union, and
                // only the parent's own properties are lost. Say so.
                self.diags.warn(
                    &child.pointer,
                    "this alternative is itself a oneOf/anyOf and cannot be merged with the parent's own properties; the form is the referenced union without them.",
                );
                self.lower_node(*alternative, child.clone())
            } else if own {
                // The parent's own properties hold for every alternative: merge them in.
                let mut shape = ObjectShape::default();
                self.gather_own(schema, &site.pointer, &mut shape);
                self.gather(*alternative, &child.pointer, &mut shape, 0);
                let variant_schema = match alternative {
                    Node::Inline(s) => *s,
                    Node::Ref(_) => schema,
                };
                let vid = self.new_type(&mut child, "Object", variant_schema);
                self.fill_struct(vid, shape, &child);
                LoweredRef::plain(TypeRef::Named(vid))
            } else {
                self.lower_node(*alternative, child)
            };
            let natural = match &title {
                Some(t) => naming::type_name(t),
                None => self.variant_name_for(&lowered.ty, &parent),
            };
            let (name, _) = variant_names.claim(&[natural]);
            let docs = match alternative {
                Node::Inline(s) => docs_of(&s.schema_data),
                Node::Ref(_) => None,
            };
            // Every mapping value that names this form selects it; without one, the
            // component's name does.
            let tags = match (alternative, &view.data.discriminator) {
                (Node::Ref(reference), Some(d)) => {
                    let mapped: Vec<String> =
                        d.mapping.iter().filter(|(_, target)| target.as_str() == *reference).map(|(value, _)| value.clone()).collect();
                    if mapped.is_empty() { vec![spec::component_name(reference).unwrap_or(reference).to_owned()] } else { mapped }
                }
                _ => Vec::new(),
            };
            variants.push(UnionVariant { name, tags, ty: nullable_in_container(lowered), boxed: false, docs });
        }
        let discriminator = view.data.discriminator.as_ref().map(|d| d.property_name.clone());
        let discriminator = match discriminator {
            Some(_) if variants.iter().any(|v| v.tags.is_empty()) => {
                self.diags.warn(
                    pointer_push(&site.pointer, "discriminator"),
                    "the discriminator applies only to `$ref` alternatives and this union has inline ones; its forms are tried in order instead.",
                );
                None
            }
            other => other,
        };
        self.types[id.0].kind = TypeKind::Union(Union { variants, discriminator });
        TypeRef::Named(id)
    }
    /// A reference to a component that is a union (a `oneOf`/`anyOf` with shapes).
    pub(super) fn is_union_ref(&self, node: Node<'a>) -> bool {
        let Node::Ref(reference) = node else { return false };
        let Some(ReferenceOr::Item(schema)) = spec::component_name(reference).and_then(|n| spec::component(self.openapi, n)) else {
            return false;
        };
        let view = SchemaView::of(schema);
        view.one_of.iter().chain(view.any_of).any(|a| !only_constrains(Node::from(a)))
    }
    pub(super) fn variant_name_for(&self, ty: &TypeRef, parent: &str) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Integer => "Integer".into(),
            TypeRef::Number => "Number".into(),
            TypeRef::Boolean => "Boolean".into(),
            TypeRef::Json => "Value".into(),
            TypeRef::JsonObject => "Object".into(),
            TypeRef::Bytes => "Bytes".into(),
            TypeRef::Map(_) => "Map".into(),
            TypeRef::List(inner) => format!("{}List", self.variant_name_for(inner, parent)),
            TypeRef::Nullable(inner) => self.variant_name_for(inner, parent),
            TypeRef::Named(id) => {
                let name = &self.types[id.0].name;
                match name.strip_prefix(parent) {
                    Some(rest) if !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
                    _ => name.to_string(),
                }
            }
        }
    }
}

/// An alternative that adds only constraints (`required`, a title, a description) and no
/// shape of its own, as in `anyOf: [{required: [email]}, {required: [external_id]}]`.
pub(super) fn only_constrains(node: Node<'_>) -> bool {
    let Node::Inline(schema) = node else { return false };
    let view = SchemaView::of(schema);
    matches!(view.ty, None | Some("object"))
        && !view.has_properties()
        && view.items.is_none()
        && view.additional.is_none()
        && view.enumeration.is_empty()
        && view.one_of.is_empty()
        && view.all_of.is_empty()
        && view.any_of.is_empty()
        && !view.required.is_empty()
}
