//! Stage 2's output: the intermediate representation of one API version.
//!
//! Every naming and typing decision is made while building this (in `lower`); emission reads
//! only this. Types live in an arena and refer to each other by [`TypeId`], so recursion and
//! sharing need no special cases. Everything is ordered, so output is deterministic.

use std::collections::BTreeSet;

use serde_json::Value;

/// One API version, lowered.
#[derive(Debug, Clone)]
pub struct Api {
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
    /// The operations under the tag.
    pub operations: usize,
    /// The types its operations reach.
    pub types: usize,
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
    pub operation: usize,
    pub method: String,
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
    pub gate: Gate,
    /// Some request (a body or a parameter) sends it: it always implements `Serialize`.
    pub sent: bool,
    /// Some response brings it, or nothing sends it: it always implements `Deserialize`.
    pub received: bool,
}

#[derive(Debug, Clone)]
pub struct VersionInfo {
    /// The project's id for the version (`2.12`, `unstable`).
    pub id: String,
    /// `info.title` and `info.version` of the description.
    pub title: String,
    pub spec_version: String,
    /// The `Intercom-Version` header value.
    pub intercom_version: String,
    pub description: Option<String>,
    /// The spec's `servers`.
    pub servers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, unique in its module.
    pub name: String,
    /// The name in the spec (component name, or a dotted path for inline types).
    pub spec_name: String,
    /// Where the type was defined.
    pub pointer: String,
    /// The file (module) the type is emitted in.
    pub module: String,
    pub docs: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// Filled in once every operation is known.
    pub usage: Usage,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum with a fallback variant that keeps unknown values.
    Enum(Vec<EnumVariant>),
    /// A single-value enum: a zero-sized type that always serializes to `value`.
    Constant {
        value: String,
    },
    /// `oneOf`/`anyOf`, with a fallback that keeps any other JSON value.
    Union(Union),
    /// A named schema that is another type (`pub type X = …`).
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The field that keeps the keys the schema does not declare (`extra`, unless a property
    /// has that name).
    pub extra: String,
    /// Every field can be left out, so the struct has a `Default`.
    pub defaultable: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: TypeRef,
    pub presence: Presence,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// The property's schema allows `null`.
    pub nullable: bool,
    /// The field's type is behind a `Box` because it reaches back to its parent.
    pub boxed: bool,
    pub docs: Option<String>,
    pub deprecated: bool,
}

/// How a field's absence and `null` are represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required and nullable: `Option<T>`, `None` serialized as `null`.
    RequiredNullable,
    /// Optional: `Option<T>`, `None` left out.
    Optional,
    /// Optional and nullable in a request payload: absent, null or a value.
    Patch,
    /// A constant: filled in when missing, always serialized.
    Constant,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the form (`discriminator.propertyName`); every variant
    /// then has a `tag`. Without one, forms are tried in order.
    pub discriminator: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    /// The discriminator values that select this form (a `mapping` may give several); empty
    /// when forms are tried in order.
    pub tags: Vec<String>,
    pub ty: TypeRef,
    pub boxed: bool,
    pub docs: Option<String>,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    String,
    Integer,
    Number,
    Boolean,
    /// Any JSON value.
    Json,
    /// A JSON object of unknown shape.
    JsonObject,
    /// Raw bytes (`format: binary`).
    Bytes,
    Named(TypeId),
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// `Option<T>`: used where a value may be `null` outside a struct field (examples,
    /// list items, map values).
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The named types this refers to without a `Vec` or map in between.
    pub fn direct_target(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Nullable(inner) => inner.direct_target(),
            _ => None,
        }
    }

    /// A scalar, or a list, map or `Option` of scalars: decoded with the runtime's lossless
    /// tolerance of the other shapes the live API sends (`"5017691"` for an integer).
    pub fn is_lenient(&self) -> bool {
        match self {
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.is_lenient(),
            TypeRef::Json | TypeRef::JsonObject | TypeRef::Bytes | TypeRef::Named(_) => false,
        }
    }

    /// Every named type this mentions.
    pub fn visit_named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            TypeRef::Named(id) => f(*id),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.visit_named(f),
            _ => {}
        }
    }
}

/// An example from the spec and the type it must decode into.
#[derive(Debug, Clone)]
pub struct Example {
    pub pointer: String,
    pub ty: TypeRef,
    pub value: Value,
}

/// The module of the constants shared by every tag (`type: contact` and the like).
pub const CONSTANTS_MODULE: &str = "constants";

impl Api {
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
                if def.module == CONSTANTS_MODULE { format!("{CONSTANTS_MODULE}::{}", def.name) } else { def.name.clone() }
            }
            TypeRef::List(inner) => format!("Vec<{}>", self.rust_type(inner)),
            TypeRef::Map(inner) => format!("BTreeMap<String, {}>", self.rust_type(inner)),
            TypeRef::Nullable(inner) => format!("Option<{}>", self.rust_type(inner)),
        }
    }

    /// Every type a definition mentions, with whether it is held directly: see [`edges`].
    pub fn edges(&self, id: TypeId) -> Vec<(TypeId, bool)> {
        edges(&self.types, id)
    }
}

/// The type graph's one edge relation: every type the definition `id` mentions, with whether it
/// is held directly (no `Vec` or map in between). Lowering's passes, usage analysis and the
/// reports all walk it, through this and [`reachable`].
pub fn edges(types: &[TypeDef], id: TypeId) -> Vec<(TypeId, bool)> {
    let mut out = Vec::new();
    let mut add = |ty: &TypeRef| {
        let direct = ty.direct_target();
        ty.visit_named(&mut |t| out.push((t, Some(t) == direct)));
    };
    match &types[id.0].kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| add(&v.ty)),
        TypeKind::Alias(t) => add(t),
        TypeKind::Enum(_) | TypeKind::Constant { .. } => {}
    }
    out
}

/// Every type reachable from `roots` (the roots included), following every edge, or only
/// direct ones (`direct_only`: what a value holds inline, where a cycle needs a `Box`).
pub fn reachable(types: &[TypeDef], roots: impl IntoIterator<Item = TypeId>, direct_only: bool) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = roots.into_iter().collect();
    while let Some(t) = stack.pop() {
        if seen.insert(t) {
            stack.extend(edges(types, t).into_iter().filter(|(_, direct)| *direct || !direct_only).map(|(t, _)| t));
        }
    }
    seen
}

/// The HTTP methods an OpenAPI path item can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
}

impl HttpMethod {
    /// The method of an OpenAPI path item key (`get`, `post`, …); `None` for other keys.
    pub fn from_path_item_key(key: &str) -> Option<HttpMethod> {
        Some(match key {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "patch" => HttpMethod::Patch,
            "head" => HttpMethod::Head,
            "options" => HttpMethod::Options,
            "trace" => HttpMethod::Trace,
            _ => return None,
        })
    }

    /// As HTTP spells it, which is also the name of `http::Method`'s constant (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation (a path and method).
#[derive(Debug, Clone)]
pub struct Operation {
    /// The Rust type name (`ListContacts`).
    pub name: String,
    /// The client method name (`list_contacts`).
    pub method_name: String,
    /// The spec's `operationId`, or the name made for an operation without one.
    pub id: String,
    /// `GET`, `POST`, …
    pub method: HttpMethod,
    /// The path template (`/contacts/{id}`).
    pub path: String,
    pub pointer: String,
    /// The spec's tags, in order; the first decides where the operation's docs live.
    pub tags: Vec<String>,
    /// The features that compile it: its tags'.
    pub gate: Gate,
    pub summary: Option<String>,
    pub docs: Option<String>,
    pub deprecated: bool,
    /// Path, query and header parameters, in that order.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub output: Output,
    /// The spec lists a 2xx response (some list only a redirect or errors).
    pub has_success: bool,
    pub pagination: Option<Pagination>,
    /// Valid inputs taken from the spec's examples (field name → JSON value), for the
    /// contract tests.
    pub sample: serde_json::Map<String, Value>,
    /// How the sample had to be repaired where the spec's examples break their schema.
    pub sample_repairs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// The field name on the operation.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query(QueryStyle),
    Header,
}

impl ParamLocation {
    /// Path, then query, then header: the order parameters are kept in.
    pub fn rank(self) -> u8 {
        match self {
            ParamLocation::Path => 0,
            ParamLocation::Query(_) => 1,
            ParamLocation::Header => 2,
        }
    }

    /// `path`, `query` or `header`, for messages and names.
    pub fn word(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query(_) => "query",
            ParamLocation::Header => "header",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form { explode: bool },
    DeepObject,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// The field name on the operation (`body` unless a parameter has it).
    pub name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub media: BodyMedia,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    Json,
    /// `multipart/form-data`: each field of the body struct is a part; `Bytes` fields are files.
    Multipart,
}

/// What a success response decodes into.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// No body: `()`.
    Empty,
    /// `text/plain`: `String`.
    Text,
    /// Any other media type (`application/octet-stream`, `audio/mpeg`): the raw bytes.
    Bytes(String),
    /// No success, only a redirect (`302` to a signed URL): its `Location`, not followed.
    Redirect,
    Json(TypeRef),
    /// Several 2xx responses with different bodies: an enum with one variant per status.
    ByStatus {
        name: String,
        variants: Vec<StatusVariant>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    pub status: u16,
    pub name: String,
    /// `Output::Empty`, `Output::Text` or `Output::Json`.
    pub output: Box<Output>,
}

/// How a list operation pages, found from the structure of its inputs and output.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub style: PaginationStyle,
    /// The page's list of results.
    pub items: Vec<Step>,
    pub item: TypeRef,
    /// Where the next cursor is (`Cursor`, `Search`, `Scroll`), or the current page number
    /// (`PageNumber`).
    pub next: Vec<Step>,
    /// The total page count (`PageNumber` only).
    pub total: Vec<Step>,
    /// Where the operation takes the cursor or page: a parameter, or a path into the body.
    pub target: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaginationStyle {
    Cursor,
    PageNumber,
    Scroll,
    Search,
}

impl PaginationStyle {
    pub fn label(self) -> &'static str {
        match self {
            PaginationStyle::Cursor => "cursor",
            PaginationStyle::PageNumber => "page number",
            PaginationStyle::Scroll => "scroll",
            PaginationStyle::Search => "search",
        }
    }
}

/// One field access on a path through generated structs.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub field: String,
    pub presence: Presence,
    /// On the way to a target: a missing value here is created with `Default` (else a next
    /// page cannot be asked for).
    pub fill: bool,
}
