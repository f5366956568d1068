//! Objects to structs: properties gathered across `allOf` parts (cycles reported), then one
//! field per property with its presence.

use std::collections::BTreeSet;

use openapiv3::Schema;

use super::unions::only_constrains;
use super::{Lowering, Site, docs_of};
use crate::diagnostics::pointer_push;
use crate::ir::*;
use crate::naming::{self, Namespace};
use crate::spec::{self, Node, SchemaView};

impl<'a> Lowering<'a, '_> {
    /// Gathers the properties of `node` and of everything it `allOf`-includes.
    pub(super) fn gather(&mut self, node: Node<'a>, pointer: &str, shape: &mut ObjectShape<'a>, depth: usize) {
        if depth > 32 {
            self.diags.error(pointer, "allOf nests more than 32 levels deep (a cycle?); the rest is ignored.");
            return;
        }
        match node {
            Node::Ref(reference) => {
                let target = spec::component_name(reference).and_then(|n| spec::component(self.openapi, n).map(|s| (n, s)));
                match target {
                    Some((name, _)) if self.merging.iter().any(|m| m == name) => {
                        self.diags.error(
                            pointer,
                            format!(
                                "`{reference}` merges a schema into itself through allOf ({} → {name}); \
                                 remove the reference, or put the shared part in a schema of its own.",
                                self.merging.join(" → ")
                            ),
                        );
                    }
                    Some((name, schema)) => {
                        let at = pointer_push("#/components/schemas", name);
                        self.merging.push(name.to_owned());
                        self.gather(Node::from(schema), &at, shape, depth + 1);
                        self.merging.pop();
                    }
                    None => {
                        self.lower_ref(reference, pointer);
                    }
                }
            }
            Node::Inline(schema) => {
                let view = SchemaView::of(schema);
                for (index, part) in view.all_of.iter().enumerate() {
                    let at = pointer_push(&pointer_push(pointer, "allOf"), &index.to_string());
                    self.gather(Node::from(part), &at, shape, depth + 1);
                }
                self.gather_own(schema, pointer, shape);
                let alternatives = view.one_of.iter().chain(view.any_of);
                if depth > 0 && alternatives.clone().any(|a| !only_constrains(Node::from(a))) {
                    self.diags.warn(
                        pointer,
                        "a oneOf/anyOf inside an allOf part cannot be merged into one struct; its alternatives are left out of the merged type.",
                    );
                }
            }
        }
    }
    /// The properties and `required` list written on the schema itself.
    pub(super) fn gather_own(&mut self, schema: &'a Schema, pointer: &str, shape: &mut ObjectShape<'a>) {
        let view = SchemaView::of(schema);
        if let Some(props) = view.properties {
            let at = pointer_push(pointer, "properties");
            for (wire, prop) in props {
                ObjectShape::upsert(shape, wire, Node::from(prop), pointer_push(&at, wire));
            }
        }
        shape.required.extend(view.required.iter().cloned());
    }
    pub(super) fn fill_struct(&mut self, id: TypeId, shape: ObjectShape<'a>, site: &Site) {
        let parent = self.types[id.0].name.clone();
        let parent_spec = self.types[id.0].spec_name.clone();
        let mut field_names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, node, pointer) in shape.properties {
            let base = naming::type_name(&wire);
            let child = Site {
                pointer: pointer.clone(),
                base: format!("{parent}{base}"),
                spec_name: format!("{parent_spec}.{wire}"),
                module: site.module.clone(),
                target: None,
            };
            let lowered = self.lower_node(node, child);
            let (name, renamed) = field_names.claim(&[naming::field_name(&wire)]);
            if renamed {
                self.diags.warn(
                    &pointer,
                    format!("two properties map to the field name {}; this one is named {name}.", naming::field_name(&wire)),
                );
            }
            let (docs, deprecated) = match node {
                Node::Inline(s) => (docs_of(&s.schema_data), s.schema_data.deprecated),
                Node::Ref(_) => (None, false),
            };
            let required = shape.required.contains(&wire);
            let is_constant = matches!(lowered.ty, TypeRef::Named(t) if matches!(self.types[t.0].kind, TypeKind::Constant { .. }));
            let presence = match (is_constant, required, lowered.nullable) {
                (true, _, false) => Presence::Constant,
                (_, true, false) => Presence::Required,
                (_, true, true) => Presence::RequiredNullable,
                (_, false, _) => Presence::Optional,
            };
            fields.push(Field {
                name: name.into(),
                wire: wire.into(),
                ty: lowered.ty,
                presence,
                required,
                nullable: lowered.nullable,
                boxed: false,
                docs,
                deprecated,
            });
        }
        for wire in &shape.required {
            if !fields.iter().any(|f| f.wire == *wire) {
                self.diags.warn(&site.pointer, format!("`{wire}` is listed as required but has no property schema; it is ignored."));
            }
        }
        let (extra, _) = field_names.claim(&["extra".to_owned(), "extra_fields".to_owned()]);
        self.types[id.0].kind = TypeKind::Struct(Struct { fields, extra, defaultable: false });
    }
}

/// The properties of an object, gathered across `allOf` parts.
#[derive(Default)]
pub(super) struct ObjectShape<'a> {
    properties: Vec<(String, Node<'a>, String)>,
    required: BTreeSet<String>,
}

impl ObjectShape<'_> {
    fn upsert<'b>(shape: &mut ObjectShape<'b>, wire: &str, node: Node<'b>, pointer: String) {
        match shape.properties.iter_mut().find(|(w, _, _)| w == wire) {
            Some(slot) => *slot = (wire.to_owned(), node, pointer),
            None => shape.properties.push((wire.to_owned(), node, pointer)),
        }
    }
}
