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
    /// The operation: an index into [`Api::operations`].
    pub operation: usize,
    /// The method's name in the group (`list_contacts`), unique there.
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

/// A type of the arena: an index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// One named type of the generated `models` module (struct, string enum, constant, union or
/// alias), with where it came from and how it is used.
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
    /// The schema's `description` (else its `title`), emitted as the type's rustdoc.
    pub docs: Option<String>,
    /// The schema is `deprecated`: the type gets `#[deprecated]`.
    pub deprecated: bool,
    /// What the type is, with its fields, values or forms.
    pub kind: TypeKind,
    /// Filled in once every operation is known.
    pub usage: Usage,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with declared properties (`allOf` parts merged): one field per property.
    Struct(Struct),
    /// A string enum with a fallback variant that keeps unknown values.
    Enum(Vec<EnumVariant>),
    /// A single-value enum: a zero-sized type that always serializes to `value`.
    Constant {
        /// The one value, as sent on the wire.
        value: String,
    },
    /// `oneOf`/`anyOf`, with a fallback that keeps any other JSON value.
    Union(Union),
    /// A named schema that is another type (`pub type X = …`).
    Alias(TypeRef),
}

/// A struct's contents: one field per property, in the spec's order, plus the field for
/// undeclared keys.
#[derive(Debug, Clone)]
pub struct Struct {
    /// The declared properties, in the spec's order.
    pub fields: Vec<Field>,
    /// The field that keeps the keys the schema does not declare (`extra`, unless a property
    /// has that name).
    pub extra: String,
    /// Every field can be left out, so the struct has a `Default`.
    pub defaultable: bool,
}

/// One property of a struct: a field of the generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust field name (`created_at`, `r#type`), unique in the struct.
    pub name: String,
    /// The property's name in JSON.
    pub wire: String,
    /// The value's type, before `presence` wraps it in `Option` or `Patch` (and `boxed` in
    /// `Box`).
    pub ty: TypeRef,
    /// How absence and `null` are represented: from `required`, `nullable`, and whether a
    /// request body reaches the struct (`Patch`).
    pub presence: Presence,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// The property's schema allows `null`.
    pub nullable: bool,
    /// The field's type is behind a `Box` because it reaches back to its parent.
    pub boxed: bool,
    /// The property's `description` (else its `title`); `None` for a bare `$ref`.
    pub docs: Option<String>,
    /// The property is `deprecated`: the field gets `#[deprecated]`.
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

/// One value of a string enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The Rust variant name, unique in the enum (`Unknown` is kept for the fallback).
    pub name: String,
    /// The value as sent and received.
    pub wire: String,
}

/// A `oneOf`/`anyOf`: its forms, and how a value is matched to one.
#[derive(Debug, Clone)]
pub struct Union {
    /// One form per alternative, in the spec's order.
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the form (`discriminator.propertyName`); every variant
    /// then has a `tag`. Without one, forms are tried in order.
    pub discriminator: Option<String>,
}

/// One form of a union: a variant of the generated enum.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name: the alternative's `title`, else named after its type; unique in
    /// the union (`Unknown` is kept for the fallback).
    pub name: String,
    /// The discriminator values that select this form (a `mapping` may give several); empty
    /// when forms are tried in order.
    pub tags: Vec<String>,
    /// The form's type.
    pub ty: TypeRef,
    /// The form's type is behind a `Box` because it reaches back to the union.
    pub boxed: bool,
    /// The inline alternative's `description` (else its `title`); `None` for a `$ref`.
    pub docs: Option<String>,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A JSON string: `String`.
    String,
    /// A JSON integer: `i64`.
    Integer,
    /// A JSON number: `f64`.
    Number,
    /// A JSON boolean: `bool`.
    Boolean,
    /// Any JSON value.
    Json,
    /// A JSON object of unknown shape.
    JsonObject,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// A named type of the arena.
    Named(TypeId),
    /// A JSON array: `Vec<T>`.
    List(Box<TypeRef>),
    /// An object with arbitrary keys (`additionalProperties`): `BTreeMap<String, T>`.
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
    /// Where the example is in the spec (a JSON pointer); the example test reports it and its
    /// allow-list names it.
    pub pointer: String,
    /// The type it must decode into (`Nullable` where the schema allows `null`).
    pub ty: TypeRef,
    /// The example as JSON.
    pub value: Value,
}

/// The module of the constants shared by every tag (`type: contact` and the like).
pub const CONSTANTS_MODULE: &str = "constants";

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
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
    /// `TRACE`
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
    /// Where the operation is in the spec (`#/paths/~1contacts/get`), for diagnostics.
    pub pointer: String,
    /// The spec's tags, in order; the first decides where the operation's docs live.
    pub tags: Vec<String>,
    /// The features that compile it: its tags'.
    pub gate: Gate,
    /// The spec's `summary`: the first line of the operation type's docs and of its client
    /// method's.
    pub summary: Option<String>,
    /// The spec's `description`, in the operation type's docs after the summary.
    pub docs: Option<String>,
    /// The operation is `deprecated`: its type and client method get `#[deprecated]`.
    pub deprecated: bool,
    /// Path, query and header parameters, in that order.
    pub params: Vec<Param>,
    /// The request body, if the operation takes one (from the first JSON or multipart media
    /// type).
    pub body: Option<Body>,
    /// What a success response decodes into.
    pub output: Output,
    /// The spec lists a 2xx response (some list only a redirect or errors).
    pub has_success: bool,
    /// How the operation pages, if it does: set by the pagination pass, read by emission (the
    /// `Paginated` impl) and the reports.
    pub pagination: Option<Pagination>,
}

impl Operation {
    /// The tag whose `operations` module the operation lives in: its first, or [`UNTAGGED`].
    pub fn first_tag(&self) -> &str {
        self.tags.first().map(String::as_str).unwrap_or(UNTAGGED)
    }
}

/// One parameter of an operation: a field of the operation's struct.
#[derive(Debug, Clone)]
pub struct Param {
    /// The field name on the operation.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// Where it goes in the request.
    pub location: ParamLocation,
    /// The value's type; the field of an optional parameter is an `Option` of it.
    pub ty: TypeRef,
    /// Required by the spec, or a path parameter: an argument of `new`; else an `Option` field
    /// with a setter.
    pub required: bool,
    /// The parameter's `description`.
    pub docs: Option<String>,
    /// The parameter is `deprecated`: its field and setter get `#[deprecated]`.
    pub deprecated: bool,
    /// Where the parameter object is in the spec, its `$ref` followed
    /// (`#/components/parameters/…` or `#/paths/…/parameters/<i>`); `None` for a path
    /// parameter the spec does not declare. The test harness reads its example and schema there.
    pub pointer: Option<String>,
}

/// Where a parameter goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// Into the path template (`{id}`); always required.
    Path,
    /// Into the query string, laid out in the given style.
    Query(QueryStyle),
    /// A request header.
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

/// How a query parameter is laid out (the spec's `style` and `explode`), as the runtime's
/// `QueryStyle` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`: arrays repeat the name, or join their values with commas without `explode`.
    Form {
        /// The spec's `explode` (`true` unless it says otherwise).
        explode: bool,
    },
    /// `style: deepObject`: `name[key]=value`.
    DeepObject,
}

/// The request body of an operation: a field of the operation's struct.
#[derive(Debug, Clone)]
pub struct Body {
    /// The field name on the operation (`body` unless a parameter has it).
    pub name: String,
    /// The body's type.
    pub ty: TypeRef,
    /// The spec's `requestBody.required`: an argument of `new`; else an `Option` field with a
    /// setter.
    pub required: bool,
    /// How the body is encoded.
    pub media: BodyMedia,
    /// Where the chosen media type object is in the spec, its `$ref` followed
    /// (`…/requestBody/content/application~1json`). The test harness reads its example and
    /// schema there.
    pub pointer: String,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    /// Any JSON media type: the body is serialized as JSON.
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
    /// A JSON body, decoded into the type (`Nullable` where the schema allows `null`).
    Json(TypeRef),
    /// Several 2xx responses with different bodies: an enum with one variant per status.
    ByStatus {
        /// The enum's name in the `operations` module (`…Output`).
        name: String,
        /// One variant per 2xx status, in status order.
        variants: Vec<StatusVariant>,
    },
}

/// One variant of an [`Output::ByStatus`] enum: a success status and what its body decodes
/// into.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    /// The status code (`201`).
    pub status: u16,
    /// The variant name: the status's reason phrase (`Created`), else `Status` and the code
    /// (`Status207`).
    pub name: String,
    /// `Output::Empty`, `Output::Text` or `Output::Json`.
    pub output: Box<Output>,
}

/// How a list operation pages, found from the structure of its inputs and output.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Which of the four styles; also the generated `Paginated::STYLE`.
    pub style: PaginationStyle,
    /// The page's list of results.
    pub items: Vec<Step>,
    /// The type of one result: the item type of the page's list (`Paginated::Item`).
    pub item: TypeRef,
    /// Where the next cursor is (`Cursor`, `Search`, `Scroll`), or the current page number
    /// (`PageNumber`).
    pub next: Vec<Step>,
    /// The total page count (`PageNumber` only).
    pub total: Vec<Step>,
    /// Where the operation takes the cursor or page: a parameter, or a path into the body.
    pub target: Vec<Step>,
}

/// The four ways Intercom's list operations page, as the runtime's `PaginationStyle` names
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaginationStyle {
    /// `starting_after` in the query; the next cursor in `pages.next.starting_after`.
    Cursor,
    /// `page` in the query; `pages.page` of `pages.total_pages` in the response.
    PageNumber,
    /// `scroll_param` in the query and in the response.
    Scroll,
    /// `pagination.starting_after` in the request body; the next cursor in
    /// `pages.next.starting_after`.
    Search,
}

impl PaginationStyle {
    /// The style in words (`page number`), for reports and docs.
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
    /// The Rust name of the field: on the page for `items`, `next` and `total`; on the
    /// operation for the first step of `target`.
    pub field: String,
    /// How the field holds its value, which decides how it is read and written (plain, `Option`
    /// or `Patch`).
    pub presence: Presence,
    /// On the way to a target: a missing value here is created with `Default` (else a next
    /// page cannot be asked for).
    pub fill: bool,
}
