//! Schemas to types: references, scalars, lists, maps, string enums and constants, and the
//! examples met on the way. Objects are in `objects.rs`, unions in `unions.rs`.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::objects::ObjectShape;
use super::unions::only_constrains;
use super::{LoweredRef, Lowering, Site};
use crate::diagnostics::pointer_push;
use crate::ir::*;
use crate::naming::{self, Namespace};
use crate::spec::{self, Node, SchemaView};

impl<'a> Lowering<'a, '_> {
    pub(super) fn lower_node(&mut self, node: Node<'a>, site: Site) -> LoweredRef {
        match node {
            Node::Ref(reference) => self.lower_ref(reference, &site.pointer),
            Node::Inline(schema) => {
                let pointer = site.pointer.clone();
                let reusable = site.target.is_none();
                if reusable {
                    if let Some(done) = self.lowered_inline.get(&pointer) {
                        return done.clone();
                    }
                }
                let lowered = self.lower_schema(schema, site);
                if reusable {
                    self.lowered_inline.insert(pointer.clone(), lowered.clone());
                }
                if let Some(example) = &schema.schema_data.example {
                    self.record_example(pointer_push(&pointer, "example"), &lowered, example.clone());
                }
                lowered
            }
        }
    }
    pub(super) fn record_example(&mut self, pointer: String, lowered: &LoweredRef, value: Value) {
        let ty = if lowered.nullable { TypeRef::Nullable(Box::new(lowered.ty.clone())) } else { lowered.ty.clone() };
        self.examples.push(Example { pointer: pointer.into(), ty, value });
    }
    pub(super) fn lower_ref(&mut self, reference: &str, pointer: &str) -> LoweredRef {
        let at = pointer_push(pointer, "$ref");
        let Some(name) = spec::component_name(reference) else {
            if reference.starts_with('#') {
                self.diags.error(
                    at,
                    format!("`{reference}` does not point into #/components/schemas; only schema components can be referenced here."),
                );
            } else {
                self.diags.error(at, format!("`{reference}` is an external reference; bundle the description into one file first (for example with `redocly bundle`)."));
            }
            return LoweredRef::plain(TypeRef::Json);
        };
        match self.components.get(name) {
            Some(&id) => LoweredRef { ty: TypeRef::Named(id), nullable: self.nullable_components.contains(&id) },
            None => {
                self.diags.error(
                    at,
                    format!("`{reference}` points at a schema the document does not define; define it, or add it in the version's overlay under specs/overlays/."),
                );
                LoweredRef::plain(TypeRef::Json)
            }
        }
    }
    pub(super) fn lower_schema(&mut self, schema: &'a Schema, mut site: Site) -> LoweredRef {
        let view = SchemaView::of(schema);
        let nullable = view.data.nullable || view.enumeration.iter().any(Value::is_null);
        let with_nullable = |ty| LoweredRef { ty, nullable };

        let alternatives: Vec<Node<'a>> = view.one_of.iter().chain(view.any_of).map(Node::from).collect();
        let alternatives_only_require = !alternatives.is_empty() && alternatives.iter().all(|a| only_constrains(*a));

        if !alternatives.is_empty() && !alternatives_only_require {
            if alternatives.len() == 1 && view.all_of.is_empty() && !view.has_properties() {
                let inner = self.lower_node(alternatives[0], site);
                return LoweredRef { ty: inner.ty, nullable: nullable || inner.nullable };
            }
            return with_nullable(self.lower_union(schema, &view, &alternatives, site));
        }

        if !view.all_of.is_empty() {
            if view.all_of.len() == 1 && !view.has_properties() {
                let inner = self.lower_node(Node::from(&view.all_of[0]), site);
                return LoweredRef { ty: inner.ty, nullable: nullable || inner.nullable };
            }
            let mut shape = ObjectShape::default();
            self.gather(Node::Inline(schema), &site.pointer, &mut shape, 0);
            let id = self.new_type(&mut site, "Object", schema);
            self.started_inline(&site, id, nullable);
            self.fill_struct(id, shape, &site);
            return with_nullable(TypeRef::Named(id));
        }

        let strings: Option<Vec<&str>> = view.enumeration.iter().filter(|v| !v.is_null()).map(Value::as_str).collect();
        if let Some(values) = strings.filter(|v| !v.is_empty() && matches!(view.ty, None | Some("string"))) {
            return with_nullable(self.lower_enum(schema, &values, site));
        }

        let ty = match view.ty {
            Some("string") if view.binary => TypeRef::Bytes,
            Some("string") => TypeRef::String,
            Some("integer") => TypeRef::Integer,
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            Some("array") => match view.items {
                Some(items) => {
                    let child = site.child("items", "Item", "[]");
                    let item = self.lower_node(Node::from(items), child);
                    TypeRef::List(Box::new(nullable_in_container(item)))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            _ if view.has_properties() => {
                let mut shape = ObjectShape::default();
                self.gather(Node::Inline(schema), &site.pointer, &mut shape, 0);
                let id = self.new_type(&mut site, "Object", schema);
                self.started_inline(&site, id, nullable);
                self.fill_struct(id, shape, &site);
                TypeRef::Named(id)
            }
            Some("object") | None => match view.additional {
                Some(AdditionalProperties::Schema(value)) => {
                    let child = site.child("additionalProperties", "Value", ".*");
                    let value = self.lower_node(Node::from(value.as_ref()), child);
                    TypeRef::Map(Box::new(nullable_in_container(value)))
                }
                Some(AdditionalProperties::Any(true)) => TypeRef::Map(Box::new(TypeRef::Json)),
                _ if view.ty == Some("object") => TypeRef::JsonObject,
                _ => TypeRef::Json,
            },
            Some(other) => {
                self.diags.warn(&site.pointer, format!("unknown schema type `{other}`; typed as any JSON value."));
                TypeRef::Json
            }
        };
        with_nullable(ty)
    }
    /// Records an inline type as lowered as soon as it has an id, before its fields are: a
    /// property that reaches back to it (through `allOf` or a union) then refers to it
    /// instead of lowering it again, forever.
    pub(super) fn started_inline(&mut self, site: &Site, id: TypeId, nullable: bool) {
        if site.target.is_none() {
            self.lowered_inline.insert(site.pointer.clone(), LoweredRef { ty: TypeRef::Named(id), nullable });
        }
    }
    pub(super) fn lower_enum(&mut self, schema: &Schema, values: &[&str], mut site: Site) -> TypeRef {
        if values.len() == 1 {
            return TypeRef::Named(self.constant(values[0], &mut site));
        }
        let mut variant_names = Namespace::default();
        variant_names.reserve(["Unknown"]);
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for wire in values {
            if !seen.insert(*wire) {
                continue;
            }
            let base = naming::type_name(wire);
            let (name, _) = variant_names.claim(&[base.clone(), format!("{base}Value")]);
            variants.push(EnumVariant { name: name.into(), wire: (*wire).into() });
        }
        let id = self.new_type(&mut site, "Enum", schema);
        self.types[id.0].kind = TypeKind::Enum(variants);
        TypeRef::Named(id)
    }
    /// A single-value enum. Inline ones share one type per value in the constants module; a
    /// component keeps its own name.
    pub(super) fn constant(&mut self, value: &str, site: &mut Site) -> TypeId {
        if let Some(id) = site.target.take() {
            self.types[id.0].kind = TypeKind::Constant { value: value.to_owned() };
            return id;
        }
        if let Some(&id) = self.constants.get(value) {
            return id;
        }
        let natural = naming::type_name(value);
        let (name, _) = self.constant_names.claim(&naming::candidates(&natural, "Value"));
        let id = self.push_type(TypeDef {
            name: name.into(),
            spec_name: value.to_owned(),
            pointer: site.pointer.as_str().into(),
            module: CONSTANTS_MODULE.to_owned(),
            docs: None,
            deprecated: false,
            kind: TypeKind::Constant { value: value.to_owned() },
            usage: Usage::default(),
        });
        self.constants.insert(value.to_owned(), id);
        id
    }
    pub(super) fn media_examples(&mut self, content: &openapiv3::MediaType, at: &str, lowered: &LoweredRef) {
        if let Some(example) = &content.example {
            self.record_example(pointer_push(at, "example"), lowered, example.clone());
        }
        for (name, example) in &content.examples {
            let pointer = pointer_push(&pointer_push(at, "examples"), name);
            let example = match example {
                ReferenceOr::Item(e) => Some(e),
                ReferenceOr::Reference { reference } => {
                    let key = reference.rsplit('/').next().unwrap_or_default();
                    self.openapi.components.as_ref().and_then(|c| c.examples.get(key)).and_then(|e| e.as_item())
                }
            };
            match example.and_then(|e| e.value.clone()) {
                Some(value) => self.record_example(pointer_push(&pointer, "value"), lowered, value),
                None => self.diags.warn(pointer, "the example has no inline `value`; it cannot be checked."),
            }
        }
    }
}

/// A list item or map value that may be null is `Option<T>`.
pub(super) fn nullable_in_container(lowered: LoweredRef) -> TypeRef {
    if lowered.nullable && !matches!(lowered.ty, TypeRef::Json) { TypeRef::Nullable(Box::new(lowered.ty)) } else { lowered.ty }
}
