//! Operations: parameters, bodies, outputs and how a list operation pages.

use super::{Gate, JsonPointer, Presence, RustIdent, TypeRef, UNTAGGED, WireName};

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
    pub name: RustIdent,
    /// The Rust method name the operation asks for (`list_contacts`); each client group
    /// de-duplicates it into [`GroupMethod::name`](super::GroupMethod::name).
    pub rust_method: String,
    /// The spec's `operationId`, or the name made for an operation without one.
    pub id: String,
    /// `GET`, `POST`, …
    pub http_method: HttpMethod,
    /// The path template (`/contacts/{id}`).
    pub path: String,
    /// Where the operation is in the spec (`#/paths/~1contacts/get`), for diagnostics.
    pub pointer: JsonPointer,
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
        self.tags_or_untagged().next().unwrap_or(UNTAGGED)
    }

    /// The operation's tags in order, or [`UNTAGGED`] alone when it has none: the tags whose
    /// features compile it and whose client groups hold it.
    pub fn tags_or_untagged(&self) -> impl Iterator<Item = &str> {
        let untagged = self.tags.is_empty().then_some(UNTAGGED);
        self.tags.iter().map(String::as_str).chain(untagged)
    }
}

/// One parameter of an operation: a field of the operation's struct.
#[derive(Debug, Clone)]
pub struct Param {
    /// The field name on the operation.
    pub name: RustIdent,
    /// The name on the wire.
    pub wire: WireName,
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
    pub pointer: Option<JsonPointer>,
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
    pub name: RustIdent,
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
    pub pointer: JsonPointer,
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
    pub field: RustIdent,
    /// How the field holds its value, which decides how it is read and written (plain, `Option`
    /// or `Patch`).
    pub presence: Presence,
    /// On the way to a target: a missing value here is created with `Default` (else a next
    /// page cannot be asked for).
    pub fill: bool,
}
