//! Stage 2's output: the intermediate representation of one API version.
//!
//! Every naming and typing decision is made while building this (in `lower`); emission reads
//! only this. Types live in an arena and refer to each other by [`TypeId`], so recursion and
//! sharing need no special cases. Everything is ordered, so output is deterministic.
//!
//! This file holds the version as a whole (its tags, gates and usage); the type arena and the
//! one edge relation of the type graph are in `types.rs`, operations and pagination in
//! `operations.rs`, all re-exported here.

mod names;
mod operations;
mod types;

pub use names::*;
pub use operations::*;
pub use types::*;

/// One API version, lowered.
#[derive(Debug, Clone)]
pub struct Api {
    /// Which version this is, and what the spec's `info` and `servers` say about it.
    pub version: VersionInfo,
    /// The type arena, in emission order.
    pub types: Vec<TypeDef>,
    /// Every example found in the spec, with the type it must decode into.
    pub examples: Vec<Example>,
    /// Every operation, in path order.
    pub operations: Vec<Operation>,
    /// The spec's tags by feature name, each a cargo feature of the generated crate.
    pub tags: Vec<Tag>,
}

/// The tag of operations the spec gives none.
pub const UNTAGGED: &str = "Other";

/// A spec tag, and the cargo feature that compiles its operations and the types they reach.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tag {
    /// As the spec spells it (`AI Content`); operations without a tag are under `Other`.
    pub name: String,
    /// The feature (`ai-content`).
    pub feature: String,
    /// How many operations are under the tag.
    pub operation_count: usize,
    /// How many types its operations reach.
    pub type_count: usize,
    /// The `operations` module file of the operations whose first tag this is; `None` when
    /// every operation of the tag lives under another one.
    pub module: Option<String>,
    /// The client's accessor for the tag (`client.contacts()`).
    pub accessor: String,
    /// The type the accessor returns (`Contacts`).
    pub group: String,
    /// The group's methods, one per operation of the tag, in operation order.
    pub methods: Vec<GroupMethod>,
}

/// One method of a client group: the operation (an index into [`Api::operations`]) and its
/// name in the group, unique there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMethod {
    /// The operation: an index into [`Api::operations`].
    pub operation: usize,
    /// The method's name in the group (`list_contacts`), unique there.
    pub name: String,
}

/// Which cargo features compile an item, decided by reachability from the operations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Gate {
    /// Always compiled (the shared constants).
    #[default]
    Always,
    /// Compiled when any of these tags' features is on (indices into [`Api::tags`]).
    Tags(Vec<usize>),
    /// Reached by no operation: compiled with the `full` feature only.
    Full,
}

/// How a type is used: which features compile it and which way it travels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// The features that compile the type (its `#[cfg]`).
    pub gate: Gate,
    /// Some request (a body or a parameter) sends it: it always implements `Serialize`.
    pub sent: bool,
    /// Some response brings it, or nothing sends it: it always implements `Deserialize`.
    pub received: bool,
}

/// The version an [`Api`] was lowered from, as the generated crate's docs and constants
/// describe it.
#[derive(Debug, Clone)]
pub struct VersionInfo {
    /// The project's id for the version (`2.12`, `unstable`).
    pub id: String,
    /// `info.title` of the description.
    pub title: String,
    /// The description's `info.version`.
    pub spec_version: String,
    /// The `Intercom-Version` header value.
    pub intercom_version: String,
    /// The description's `info.description`, if it has one.
    pub description: Option<String>,
    /// The spec's `servers`.
    pub servers: Vec<String>,
}

/// The module of the constants shared by every tag (`type: contact` and the like).
pub const CONSTANTS_MODULE: &str = "constants";

/// The runtime's items a version crate re-exports at its root, beside its client's items
/// (`pub use client::*`), which these would hide: no client group takes their names.
pub const ROOT_REEXPORTS: &[&str] =
    &["ApiError", "ApiErrorItem", "DecodeError", "Error", "Operation", "Paginated", "PaginationStyle", "Patch"];

/// The same, re-exported only with the client.
pub const ROOT_CLIENT_REEXPORTS: &[&str] = &["ClientBuilder", "Region", "RetryPolicy"];

impl Api {
    /// The definition behind `id`.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// A type as a user of the generated crate writes it, relative to `models`
    /// (`Option<Vec<Contact>>`, `BTreeMap<String, constants::Contact>`, `serde_json::Value`):
    /// the one spelling used by drift and diff reports and the example checker's keys.
    pub fn rust_type(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Integer => "i64".into(),
            TypeRef::Number => "f64".into(),
            TypeRef::Boolean => "bool".into(),
            TypeRef::Json => "serde_json::Value".into(),
            TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
            TypeRef::Bytes => "Vec<u8>".into(),
            TypeRef::Named(id) => {
                let def = self.get(*id);
                if def.module == CONSTANTS_MODULE { format!("{CONSTANTS_MODULE}::{}", def.name) } else { def.name.to_string() }
            }
            TypeRef::List(inner) => format!("Vec<{}>", self.rust_type(inner)),
            TypeRef::Map(inner) => format!("BTreeMap<String, {}>", self.rust_type(inner)),
            TypeRef::Nullable(inner) => format!("Option<{}>", self.rust_type(inner)),
        }
    }

    /// A struct field's type as a user of the generated crate writes it, its presence
    /// included (`Option<String>`, `Patch<i64>`); see [`Api::rust_type`].
    pub fn rust_field_type(&self, field: &Field) -> String {
        let inner = self.rust_type(&field.ty);
        match field.presence {
            Presence::Required | Presence::Constant => inner,
            Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
            Presence::Patch => format!("Patch<{inner}>"),
        }
    }

    /// Every type a definition mentions, with whether it is held directly: see [`edges`].
    pub fn edges(&self, id: TypeId) -> Vec<(TypeId, bool)> {
        edges(&self.types, id)
    }
}
