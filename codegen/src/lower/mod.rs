//! Stage 2: lower a loaded spec into the IR, making every naming and typing decision.
//!
//! Components are named first, in spec order, so an inline type can never take a component's
//! name; inline types are named after their parent and property, with a kind suffix (and then
//! a number) when that name is taken. Each rename is reported as a warning.
//!
//! This file holds the pass order and the state they share, and the components; schemas
//! (`schemas.rs`), unions (`unions.rs`), objects (`objects.rs`), operations
//! (`operations.rs`) and the whole-graph passes (`finish.rs`, `pagination.rs`, `usage.rs`,
//! `groups.rs`) each have a file.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::diagnostics::{Diagnostics, pointer_push};
use crate::ir::*;
use crate::naming::{self, Namespace};
use crate::spec::{self, Node};

/// The module that holds constant (single-value enum) types shared by the whole version.
pub use crate::ir::CONSTANTS_MODULE;

mod finish;
mod groups;
mod objects;
mod operations;
mod pagination;
mod schemas;
mod unions;
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
    cx.modules.reserve([CONSTANTS_MODULE]);
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
    lowered_inline: HashMap<String, LoweredRef>,
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

/// What lowering a schema gives: the type it is used as, and whether it allows `null` (which
/// a field keeps as its presence rather than in the type). Not [`crate::Lowered`], the whole
/// lowered description.
#[derive(Clone)]
struct LoweredRef {
    ty: TypeRef,
    nullable: bool,
}

impl LoweredRef {
    fn plain(ty: TypeRef) -> LoweredRef {
        LoweredRef { ty, nullable: false }
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
                    format!(
                        "the Rust name {} {}; this one is named {name}.",
                        naming::type_name(spec_name),
                        naming::taken_by(&naming::type_name(spec_name), "by an earlier schema")
                    ),
                );
            }
            let (module, _) = self.modules.claim(&[naming::module_name(&name)]);
            let id = self.push_type(TypeDef {
                name: name.into(),
                spec_name: spec_name.clone(),
                pointer: pointer.into(),
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
                pointer: def.pointer.to_string(),
                base: def.name.to_string(),
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
                    "the inline type's natural name {} {}; it is named {name}.",
                    site.base,
                    naming::taken_by(&site.base, "(by a component or an earlier inline type)")
                ),
            );
        }
        self.push_type(TypeDef {
            name: name.into(),
            spec_name: site.spec_name.clone(),
            pointer: site.pointer.as_str().into(),
            module: site.module.clone(),
            docs: docs_of(&schema.schema_data),
            deprecated: schema.schema_data.deprecated,
            kind: TypeKind::Alias(TypeRef::Json),
            usage: Usage::default(),
        })
    }
}

/// A schema's `description`, else its `title`: the rustdoc of what it becomes.
fn docs_of(data: &openapiv3::SchemaData) -> Option<String> {
    let text = data.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let title = data.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    text.or(title).map(str::to_owned)
}
