//! Stage 2: lower a loaded spec into the IR, making every naming and typing decision.
//!
//! Components are named first, in spec order, so an inline type can never take a component's
//! name; inline types are named after their parent and property, with a kind suffix (and then
//! a number) when that name is taken. Each rename is reported as a warning.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::diagnostics::{Diagnostics, pointer_push};
use crate::ir::*;
use crate::naming::{self, Namespace};
use crate::spec::{self, Node, SchemaView};

/// The module that holds constant (single-value enum) types shared by the whole version.
pub use crate::ir::CONSTANTS_MODULE;

mod groups;
mod operations;
mod pagination;
mod usage;

/// What the lowering needs to know about the version besides the document.
pub struct VersionInput<'a> {
    /// The project's id for the version (`2.12`), kept as `VersionInfo::id`.
    pub id: &'a str,
    /// The pinned `Intercom-Version`, checked against the spec's default; `None` for specs
    /// that are not pinned (fixtures, `cargo xtask generate`).
    pub intercom_version: Option<&'a str>,
}

/// Lowers `openapi` into the IR. Problems go to `diags`; lowering always finishes, degrading
/// what it cannot type to `serde_json::Value`.
pub fn lower(openapi: &OpenAPI, version: &VersionInput<'_>, diags: &mut Diagnostics) -> Api {
    let mut cx = Lowering {
        openapi,
        diags,
        types: Vec::new(),
        components: IndexMap::new(),
        nullable_components: BTreeSet::new(),
        names: Namespace::for_types(),
        constant_names: Namespace::for_types(),
        constants: BTreeMap::new(),
        modules: Namespace::default(),
        examples: Vec::new(),
        request_roots: Vec::new(),
        lowered_inline: HashMap::new(),
        operations: Vec::new(),
        operation_names: Namespace::for_types(),
        intercom_version: String::new(),
        merging: Vec::new(),
    };
    cx.modules.claim(&[CONSTANTS_MODULE.to_owned()]);
    let intercom_version = check_version_default(openapi, version, cx.diags);
    cx.intercom_version = intercom_version.clone();
    cx.declare_components();
    cx.lower_components();
    cx.lower_operations();
    cx.finish();
    pagination::detect(&cx.types, &mut cx.operations, cx.diags);
    let info = &openapi.info;
    let mut api = Api {
        version: VersionInfo {
            id: version.id.to_owned(),
            title: info.title.clone(),
            spec_version: info.version.clone(),
            intercom_version,
            description: info.description.clone(),
            servers: openapi.servers.iter().map(|s| s.url.clone()).collect(),
        },
        types: cx.types,
        examples: cx.examples,
        operations: cx.operations,
        tags: Vec::new(),
    };
    usage::analyse(&mut api);
    groups::name(&mut api);
    api
}

/// The `Intercom-Version` the crate sends: the pin, checked against the spec's default.
fn check_version_default(openapi: &OpenAPI, version: &VersionInput<'_>, diags: &mut Diagnostics) -> String {
    let default = spec::component(openapi, "intercom_version")
        .and_then(|s| s.as_item())
        .and_then(|s| s.schema_data.default.as_ref())
        .and_then(Value::as_str);
    let Some(pinned) = version.intercom_version else { return default.unwrap_or_default().to_owned() };
    match default {
        Some(d) if d == pinned => {}
        Some(d) => diags.error(
            "#/components/schemas/intercom_version/default",
            format!(
                "the spec's Intercom-Version default is `{d}` but specs/versions.toml pins `{}`; \
                 update `intercom_version` in the pin so the crate sends what the spec documents.",
                pinned
            ),
        ),
        None => diags.warn(
            "#/components/schemas/intercom_version",
            format!("the spec has no `intercom_version` default; the crate sends the pinned `{pinned}`."),
        ),
    }
    pinned.to_owned()
}

struct Lowering<'a, 'd> {
    openapi: &'a OpenAPI,
    diags: &'d mut Diagnostics,
    types: Vec<TypeDef>,
    components: IndexMap<String, TypeId>,
    nullable_components: BTreeSet<TypeId>,
    names: Namespace,
    constant_names: Namespace,
    /// Constant value → its shared type.
    constants: BTreeMap<String, TypeId>,
    modules: Namespace,
    examples: Vec<Example>,
    request_roots: Vec<TypeRef>,
    /// Inline schemas already lowered, by pointer: a property that `allOf` merges into several
    /// structs, or a union's own properties merged into each form, is typed once.
    lowered_inline: HashMap<String, Lowered>,
    operations: Vec<Operation>,
    /// Names of the `operations` module: operation types and their output enums.
    operation_names: Namespace,
    /// The `Intercom-Version` every request sends.
    intercom_version: String,
    /// Components whose `allOf` parts are being merged, outermost first (cycle detection).
    merging: Vec<String>,
}

/// Where a schema is being lowered, and what a type made for it is called.
#[derive(Clone)]
struct Site {
    pointer: String,
    /// The Rust name a new type for this schema would get.
    base: String,
    spec_name: String,
    module: String,
    /// A component whose definition this is: a named type made here *is* that component.
    target: Option<TypeId>,
}

impl Site {
    fn child(&self, token: &str, base_suffix: &str, spec_suffix: &str) -> Site {
        Site {
            pointer: pointer_push(&self.pointer, token),
            base: format!("{}{}", self.base, base_suffix),
            spec_name: format!("{}{}", self.spec_name, spec_suffix),
            module: self.module.clone(),
            target: None,
        }
    }
}

#[derive(Clone)]
struct Lowered {
    ty: TypeRef,
    nullable: bool,
}

impl Lowered {
    fn plain(ty: TypeRef) -> Lowered {
        Lowered { ty, nullable: false }
    }
}

/// The properties of an object, gathered across `allOf` parts.
#[derive(Default)]
struct ObjectShape<'a> {
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

impl<'a> Lowering<'a, '_> {
    // ---- components -------------------------------------------------------------------

    fn declare_components(&mut self) {
        let Some(components) = &self.openapi.components else { return };
        for (spec_name, schema) in &components.schemas {
            let (name, renamed) = self.names.claim(&[naming::type_name(spec_name), format!("{}Schema", naming::type_name(spec_name))]);
            let pointer = pointer_push("#/components/schemas", spec_name);
            if renamed {
                self.diags.warn(
                    &pointer,
                    format!("the Rust name {} is taken by an earlier schema; this one is named {name}.", naming::type_name(spec_name)),
                );
            }
            let (module, _) = self.modules.claim(&[naming::module_name(&name)]);
            let id = self.push_type(TypeDef {
                name,
                spec_name: spec_name.clone(),
                pointer,
                module,
                docs: None,
                deprecated: false,
                kind: TypeKind::Alias(TypeRef::Json),
                usage: Usage::default(),
            });
            if let ReferenceOr::Item(s) = schema {
                if s.schema_data.nullable {
                    self.nullable_components.insert(id);
                }
            }
            self.components.insert(spec_name.clone(), id);
        }
    }

    fn lower_components(&mut self) {
        let Some(components) = &self.openapi.components else { return };
        for (spec_name, schema) in &components.schemas {
            let id = self.components[spec_name];
            let def = &self.types[id.0];
            let site = Site {
                pointer: def.pointer.clone(),
                base: def.name.clone(),
                spec_name: spec_name.clone(),
                module: def.module.clone(),
                target: Some(id),
            };
            let lowered = self.lower_node(Node::from(schema), site);
            if lowered.ty != TypeRef::Named(id) {
                let ty = if lowered.nullable && !self.nullable_components.contains(&id) {
                    TypeRef::Nullable(Box::new(lowered.ty))
                } else {
                    lowered.ty
                };
                self.types[id.0].kind = TypeKind::Alias(ty);
            }
            if let ReferenceOr::Item(s) = schema {
                let def = &mut self.types[id.0];
                def.docs = docs_of(&s.schema_data);
                def.deprecated = s.schema_data.deprecated;
            }
        }
    }

    fn push_type(&mut self, def: TypeDef) -> TypeId {
        self.types.push(def);
        TypeId(self.types.len() - 1)
    }

    /// The type a new named type at `site` gets: the site's component, or a fresh inline one.
    fn new_type(&mut self, site: &mut Site, kind_suffix: &str, schema: &Schema) -> TypeId {
        if let Some(id) = site.target.take() {
            return id;
        }
        let candidates = [site.base.clone(), format!("{}{kind_suffix}", site.base)];
        let (name, renamed) = self.names.claim(&candidates);
        if renamed {
            self.diags.warn(
                &site.pointer,
                format!(
                    "the inline type's natural name {} is taken (by a component or an earlier inline type); it is named {name}.",
                    site.base
                ),
            );
        }
        self.push_type(TypeDef {
            name,
            spec_name: site.spec_name.clone(),
            pointer: site.pointer.clone(),
            module: site.module.clone(),
            docs: docs_of(&schema.schema_data),
            deprecated: schema.schema_data.deprecated,
            kind: TypeKind::Alias(TypeRef::Json),
            usage: Usage::default(),
        })
    }

    // ---- schemas ----------------------------------------------------------------------

    fn lower_node(&mut self, node: Node<'a>, site: Site) -> Lowered {
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

    fn record_example(&mut self, pointer: String, lowered: &Lowered, value: Value) {
        let ty = if lowered.nullable { TypeRef::Nullable(Box::new(lowered.ty.clone())) } else { lowered.ty.clone() };
        self.examples.push(Example { pointer, ty, value });
    }

    fn lower_ref(&mut self, reference: &str, pointer: &str) -> Lowered {
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
            return Lowered::plain(TypeRef::Json);
        };
        match self.components.get(name) {
            Some(&id) => Lowered { ty: TypeRef::Named(id), nullable: self.nullable_components.contains(&id) },
            None => {
                self.diags.error(
                    at,
                    format!("`{reference}` points at a schema the document does not define; define it, or add it in the version's overlay under specs/overlays/."),
                );
                Lowered::plain(TypeRef::Json)
            }
        }
    }

    fn lower_schema(&mut self, schema: &'a Schema, mut site: Site) -> Lowered {
        let view = SchemaView::of(schema);
        let nullable = view.data.nullable || view.enumeration.iter().any(Value::is_null);
        let with_nullable = |ty| Lowered { ty, nullable };

        let alternatives: Vec<Node<'a>> = view.one_of.iter().chain(view.any_of).map(Node::from).collect();
        let alternatives_only_require = !alternatives.is_empty() && alternatives.iter().all(|a| only_constrains(*a));

        if !alternatives.is_empty() && !alternatives_only_require {
            if alternatives.len() == 1 && view.all_of.is_empty() && !view.has_properties() {
                let inner = self.lower_node(alternatives[0], site);
                return Lowered { ty: inner.ty, nullable: nullable || inner.nullable };
            }
            return with_nullable(self.lower_union(schema, &view, &alternatives, site));
        }

        if !view.all_of.is_empty() {
            if view.all_of.len() == 1 && !view.has_properties() {
                let inner = self.lower_node(Node::from(&view.all_of[0]), site);
                return Lowered { ty: inner.ty, nullable: nullable || inner.nullable };
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
    fn started_inline(&mut self, site: &Site, id: TypeId, nullable: bool) {
        if site.target.is_none() {
            self.lowered_inline.insert(site.pointer.clone(), Lowered { ty: TypeRef::Named(id), nullable });
        }
    }

    fn lower_enum(&mut self, schema: &Schema, values: &[&str], mut site: Site) -> TypeRef {
        if values.len() == 1 {
            return TypeRef::Named(self.constant(values[0], &mut site));
        }
        let mut variant_names = Namespace::default();
        variant_names.claim(&["Unknown".to_owned()]);
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for wire in values {
            if !seen.insert(*wire) {
                continue;
            }
            let base = naming::type_name(wire);
            let (name, _) = variant_names.claim(&[base.clone(), format!("{base}Value")]);
            variants.push(EnumVariant { name, wire: (*wire).to_owned() });
        }
        let id = self.new_type(&mut site, "Enum", schema);
        self.types[id.0].kind = TypeKind::Enum(variants);
        TypeRef::Named(id)
    }

    /// A single-value enum. Inline ones share one type per value in the constants module; a
    /// component keeps its own name.
    fn constant(&mut self, value: &str, site: &mut Site) -> TypeId {
        if let Some(id) = site.target.take() {
            self.types[id.0].kind = TypeKind::Constant { value: value.to_owned() };
            return id;
        }
        if let Some(&id) = self.constants.get(value) {
            return id;
        }
        let (name, _) = self.constant_names.claim(&[naming::type_name(value)]);
        let id = self.push_type(TypeDef {
            name,
            spec_name: value.to_owned(),
            pointer: site.pointer.clone(),
            module: CONSTANTS_MODULE.to_owned(),
            docs: None,
            deprecated: false,
            kind: TypeKind::Constant { value: value.to_owned() },
            usage: Usage::default(),
        });
        self.constants.insert(value.to_owned(), id);
        id
    }

    fn lower_union(&mut self, schema: &'a Schema, view: &SchemaView<'a>, alternatives: &[Node<'a>], mut site: Site) -> TypeRef {
        let id = self.new_type(&mut site, "Union", schema);
        self.started_inline(&site, id, view.data.nullable || view.enumeration.iter().any(Value::is_null));
        let parent = self.types[id.0].name.clone();
        let list = if view.one_of.is_empty() { "anyOf" } else { "oneOf" };
        let own = view.has_properties() || !view.all_of.is_empty();
        let mut variant_names = Namespace::default();
        variant_names.claim(&["Unknown".to_owned()]);
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
                Lowered::plain(TypeRef::Named(vid))
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
    fn is_union_ref(&self, node: Node<'a>) -> bool {
        let Node::Ref(reference) = node else { return false };
        let Some(ReferenceOr::Item(schema)) = spec::component_name(reference).and_then(|n| spec::component(self.openapi, n)) else {
            return false;
        };
        let view = SchemaView::of(schema);
        view.one_of.iter().chain(view.any_of).any(|a| !only_constrains(Node::from(a)))
    }

    fn variant_name_for(&self, ty: &TypeRef, parent: &str) -> String {
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
                    _ => name.clone(),
                }
            }
        }
    }

    // ---- objects ----------------------------------------------------------------------

    /// Gathers the properties of `node` and of everything it `allOf`-includes.
    fn gather(&mut self, node: Node<'a>, pointer: &str, shape: &mut ObjectShape<'a>, depth: usize) {
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
    fn gather_own(&mut self, schema: &'a Schema, pointer: &str, shape: &mut ObjectShape<'a>) {
        let view = SchemaView::of(schema);
        if let Some(props) = view.properties {
            let at = pointer_push(pointer, "properties");
            for (wire, prop) in props {
                ObjectShape::upsert(shape, wire, Node::from(prop), pointer_push(&at, wire));
            }
        }
        shape.required.extend(view.required.iter().cloned());
    }

    fn fill_struct(&mut self, id: TypeId, shape: ObjectShape<'a>, site: &Site) {
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
                name,
                wire,
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
            if !fields.iter().any(|f| &f.wire == wire) {
                self.diags.warn(&site.pointer, format!("`{wire}` is listed as required but has no property schema; it is ignored."));
            }
        }
        let (extra, _) = field_names.claim(&["extra".to_owned(), "extra_fields".to_owned()]);
        self.types[id.0].kind = TypeKind::Struct(Struct { fields, extra, defaultable: false });
    }

    fn media_examples(&mut self, content: &openapiv3::MediaType, at: &str, lowered: &Lowered) {
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

    // ---- whole-API passes -------------------------------------------------------------

    fn finish(&mut self) {
        // Optional + nullable fields of request payloads can say absent, null or a value.
        let mut roots = Vec::new();
        for root in &self.request_roots {
            root.visit_named(&mut |t| roots.push(t));
        }
        for id in crate::ir::reachable(&self.types, roots, false) {
            if let TypeKind::Struct(s) = &mut self.types[id.0].kind {
                for field in &mut s.fields {
                    if field.presence == Presence::Optional && field.nullable {
                        field.presence = Presence::Patch;
                    }
                }
            }
        }

        infer_discriminators(&mut self.types, self.diags);

        // A type held directly (not through a Vec or map) by something it reaches is boxed.
        let types = &self.types;
        let held: Vec<BTreeSet<TypeId>> = (0..types.len()).map(|i| crate::ir::reachable(types, [TypeId(i)], true)).collect();
        let reaches = |from: TypeId, to: TypeId| held[from.0].contains(&to);
        let mut kinds = Vec::with_capacity(types.len());
        for (index, def) in types.iter().enumerate() {
            let me = TypeId(index);
            let mut kind = def.kind.clone();
            match &mut kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        field.boxed = field.ty.direct_target().is_some_and(|t| reaches(t, me));
                    }
                    s.defaultable = s.fields.iter().all(|f| f.presence != Presence::Required);
                }
                TypeKind::Union(u) => {
                    for v in &mut u.variants {
                        v.boxed = v.ty.direct_target().is_some_and(|t| reaches(t, me));
                    }
                }
                TypeKind::Alias(ty) if ty.direct_target().is_some_and(|t| reaches(t, me)) => {
                    self.diags.error(&def.pointer, "the schema is defined as itself with no object in between; give it a concrete type.");
                    *ty = TypeRef::Json;
                }
                _ => {}
            }
            kinds.push(kind);
        }
        for (def, kind) in self.types.iter_mut().zip(kinds) {
            def.kind = kind;
        }
    }
}

/// The constant properties every value of `ty` carries: a struct's constant fields, or those
/// all forms of a union share (a union of three contact-reply forms, each `type: user`).
fn constants_of(types: &[TypeDef], ty: &TypeRef, depth: usize) -> Vec<(String, String)> {
    if depth > 8 {
        return Vec::new();
    }
    match ty {
        TypeRef::Nullable(inner) => constants_of(types, inner, depth + 1),
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Alias(target) => constants_of(types, target, depth + 1),
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| match (&f.ty, f.presence) {
                    (TypeRef::Named(c), Presence::Constant) => match &types[c.0].kind {
                        TypeKind::Constant { value } => Some((f.wire.clone(), value.clone())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            TypeKind::Union(union) => {
                let mut forms = union.variants.iter().map(|v| constants_of(types, &v.ty, depth + 1));
                let Some(first) = forms.next() else { return Vec::new() };
                forms.fold(first, |shared, form| shared.into_iter().filter(|c| form.contains(c)).collect())
            }
            TypeKind::Enum(_) | TypeKind::Constant { .. } => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A union without a `discriminator` whose forms all have a constant at the same property,
/// each a different value (`type: news-item` | `type: newsfeed`), is told apart by that
/// property. Constants accept any value when decoding, so trying forms in order could not.
fn infer_discriminators(types: &mut [TypeDef], diags: &mut Diagnostics) {
    for index in 0..types.len() {
        let TypeKind::Union(union) = &types[index].kind else { continue };
        if union.discriminator.is_some() || union.variants.len() < 2 {
            continue;
        }
        let per_variant: Vec<Vec<(String, String)>> = union.variants.iter().map(|v| constants_of(types, &v.ty, 0)).collect();
        let found = per_variant[0].iter().map(|(p, _)| p.clone()).find(|property| {
            let values: Option<Vec<&String>> =
                per_variant.iter().map(|cs| cs.iter().find(|(p, _)| p == property).map(|(_, v)| v)).collect();
            values.is_some_and(|vs| vs.iter().collect::<BTreeSet<_>>().len() == vs.len())
        });
        let Some(property) = found else { continue };
        let pointer = types[index].pointer.clone();
        let TypeKind::Union(union) = &mut types[index].kind else { continue };
        for (variant, constants) in union.variants.iter_mut().zip(&per_variant) {
            variant.tags = constants.iter().filter(|(p, _)| *p == property).map(|(_, v)| v.clone()).collect();
        }
        diags.warn(pointer, format!("the union has no discriminator; its forms are told apart by their constant `{property}`."));
        union.discriminator = Some(property);
    }
}

/// A list item or map value that may be null is `Option<T>`.
fn nullable_in_container(lowered: Lowered) -> TypeRef {
    if lowered.nullable && !matches!(lowered.ty, TypeRef::Json) { TypeRef::Nullable(Box::new(lowered.ty)) } else { lowered.ty }
}

/// An alternative that adds only constraints (`required`, a title, a description) and no
/// shape of its own, as in `anyOf: [{required: [email]}, {required: [external_id]}]`.
fn only_constrains(node: Node<'_>) -> bool {
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

fn docs_of(data: &openapiv3::SchemaData) -> Option<String> {
    let text = data.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let title = data.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    text.or(title).map(str::to_owned)
}

/// Every operation in path order, then method order as written.
pub fn operations(openapi: &OpenAPI) -> Vec<(&str, &'static str, &openapiv3::Operation)> {
    let mut out = Vec::new();
    for (path, item) in &openapi.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let method: &'static str = match method {
                "get" => "get",
                "put" => "put",
                "post" => "post",
                "delete" => "delete",
                "options" => "options",
                "head" => "head",
                "patch" => "patch",
                "trace" => "trace",
                _ => continue,
            };
            out.push((path.as_str(), method, op));
        }
    }
    out
}
