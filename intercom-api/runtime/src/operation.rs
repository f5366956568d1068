//! Sans-IO operations: every generated operation turns into an [`http::Request`] and parses an
//! [`http::Response`] without any HTTP client, so any client can send it.

use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, ContentTypeError, DecodeError, Error, header_request_id, snippet};

/// Characters left as they are in path segments and query components (RFC 3986 unreserved).
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// One Intercom API operation with its inputs: a generated type per operation implements it.
///
/// [`to_request`](Operation::to_request) and [`parse_response`](Operation::parse_response)
/// are all a client needs; [`Client`](crate::Client) is one such client.
///
/// ```
/// # use intercom_api_runtime::{Operation, RequestParts, Error};
/// # use http::{Method, StatusCode};
/// # struct GetMe;
/// # impl Operation for GetMe {
/// #     type Output = serde_json::Value;
/// #     const OPERATION_ID: &'static str = "identifyAdmin";
/// #     const METHOD: Method = Method::GET;
/// #     const PATH: &'static str = "/me";
/// #     const INTERCOM_VERSION: &'static str = "2.12";
/// #     fn write(&self, _: &mut RequestParts) -> Result<(), Error> { Ok(()) }
/// #     fn decode(status: StatusCode, body: &[u8]) -> Result<Self::Output, Error> {
/// #         intercom_api_runtime::decode::json(status, body)
/// #     }
/// # }
/// let request = GetMe.to_request("https://api.intercom.io")?;
/// assert_eq!(request.uri(), "https://api.intercom.io/me");
/// assert_eq!(request.headers()["intercom-version"], "2.12");
/// // … send it with any client, adding `Authorization: Bearer <token>` …
/// let response = http::Response::builder().status(200).body(br#"{"type":"admin"}"#.to_vec()).unwrap();
/// let me = GetMe::parse_response(response)?;
/// assert_eq!(me["type"], "admin");
/// # Ok::<(), intercom_api_runtime::Error>(())
/// ```
pub trait Operation {
    /// What a success response decodes into.
    type Output;
    /// The spec's `operationId` (or, where the spec has none, a name made from method and path).
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template, as in the spec (`/contacts/{id}`).
    const PATH: &'static str;
    /// The `Intercom-Version` header the generated crate is pinned to; sent on every request.
    const INTERCOM_VERSION: &'static str;
    /// The `Accept` header: the media type of the success response.
    const ACCEPT: &'static str = "application/json";
    /// The media type the spec declares for a success body, checked against the answer's
    /// `Content-Type` before decoding: a success whose body comes in another type (an HTML
    /// page from a proxy or a captive portal, where JSON was expected) is
    /// [`Error::ContentType`], not a decode error. An answer without `Content-Type`, or
    /// without a body, is not checked; `None` checks nothing (an operation whose spec declares
    /// no body). `application/octet-stream` and `*/*` accept any type, and JSON accepts any
    /// JSON type (`application/problem+json`, …). Defaults to [`ACCEPT`](Operation::ACCEPT).
    const RESPONSE_MEDIA_TYPE: Option<&'static str> = Some(Self::ACCEPT);

    /// Writes the operation's inputs (path parameters, query, headers, body). Generated.
    #[doc(hidden)]
    fn write(&self, request: &mut RequestParts) -> Result<(), Error>;

    /// Decodes the body of a success response. Generated.
    #[doc(hidden)]
    fn decode(status: StatusCode, body: &[u8]) -> Result<Self::Output, Error>;

    /// Reads a success (2xx) or redirect (3xx) answer. The default checks the
    /// [`RESPONSE_MEDIA_TYPE`](Operation::RESPONSE_MEDIA_TYPE) and decodes the body with
    /// [`decode`](Operation::decode), and treats a redirect as an [`Error::Api`] that keeps its
    /// `Location`. Generated only where the answer is not a body: an operation answering with a
    /// redirect has [`Redirect`] as its output and calls [`decode::redirect`] here.
    #[doc(hidden)]
    fn decode_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<Self::Output, Error> {
        if status.is_redirection() {
            return Err(Error::Api(Box::new(ApiError::from_parts(status, headers, body))));
        }
        if let Some(expected) = Self::RESPONSE_MEDIA_TYPE {
            check_media_type(Self::OPERATION_ID, expected, status, headers, body)?;
        }
        Self::decode(status, body)
    }

    /// The request for this operation against `base_url` (`https://api.intercom.io`, or the
    /// URL of a proxy). Authentication is the sender's job: add `Authorization: Bearer …`.
    fn to_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        let built = build(self, base_url)?;
        let mut request = http::Request::builder()
            .method(Self::METHOD)
            .uri(&built.uri)
            .body(built.body)
            .map_err(|e| Error::InvalidRequest(format!("`{}` is not a valid request URI: {e}", built.uri)))?;
        *request.headers_mut() = built.headers;
        Ok(request)
    }

    /// The typed output of a response: the decoded body for a success status, else
    /// [`Error::Api`] with Intercom's error list. A success whose `Content-Type` is not the one
    /// the spec declares is [`Error::ContentType`].
    fn parse_response<B: AsRef<[u8]>>(response: http::Response<B>) -> Result<Self::Output, Error>
    where
        Self: Sized,
    {
        parse::<Self>(response.status(), response.headers(), response.body().as_ref())
    }
}

/// [`Operation::parse_response`] on the parts of a response, which the client keeps.
pub(crate) fn parse<O: Operation + ?Sized>(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<O::Output, Error> {
    if status.is_success() || status.is_redirection() {
        O::decode_response(status, headers, body).map_err(|e| e.in_response(O::OPERATION_ID, headers))
    } else {
        Err(Error::Api(Box::new(ApiError::from_parts(status, headers, body))))
    }
}

/// A request as the client sends it: the URI as text (parsed once, by whoever sends it).
pub(crate) struct Built {
    pub(crate) uri: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// The parts of `operation`'s request against `base_url`.
pub(crate) fn build<O: Operation + ?Sized>(operation: &O, base_url: &str) -> Result<Built, Error> {
    let mut parts = RequestParts::new(O::PATH);
    operation.write(&mut parts)?;
    parts.build(base_url, O::INTERCOM_VERSION, O::ACCEPT)
}

/// A success body whose `Content-Type` is not `expected` (compared by type and subtype; any
/// JSON type is JSON) is an error; a body without one, or no body, passes.
fn check_media_type(
    operation: &'static str,
    expected: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Error> {
    if body.is_empty() {
        return Ok(());
    }
    let Some(received) = headers.get(CONTENT_TYPE) else { return Ok(()) };
    let text = received.to_str().unwrap_or("");
    if media_type_accepts(expected, text) {
        return Ok(());
    }
    Err(Error::ContentType(Box::new(ContentTypeError {
        status,
        content_type: String::from_utf8_lossy(received.as_bytes()).into_owned(),
        expected,
        operation,
        request_id: header_request_id(headers),
        body_snippet: snippet(body),
        headers: headers.clone(),
    })))
}

/// Whether a body of media type `received` (a `Content-Type` value) is what `expected`
/// declares.
fn media_type_accepts(expected: &str, received: &str) -> bool {
    fn essence(media_type: &str) -> &str {
        media_type.split(';').next().unwrap_or("").trim()
    }
    let (expected, received) = (essence(expected), essence(received));
    let is_json = |t: &str| {
        t.eq_ignore_ascii_case("application/json")
            || (t.len() > 5 && t.is_char_boundary(t.len() - 5) && t[t.len() - 5..].eq_ignore_ascii_case("+json"))
    };
    if expected == "*/*" || expected.eq_ignore_ascii_case("application/octet-stream") {
        return true;
    }
    if is_json(expected) {
        return is_json(received);
    }
    match expected.strip_suffix("/*") {
        Some(kind) => received.split('/').next().is_some_and(|r| r.eq_ignore_ascii_case(kind)),
        None => expected.eq_ignore_ascii_case(received),
    }
}

/// The answer of an operation that redirects: a 3xx whose `Location` says where the resource
/// is (Intercom's call recordings and reporting-data downloads point to a short-lived signed
/// URL). The client does not follow redirects; fetch the `location` yourself, without the
/// Intercom token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    /// The status (`302 Found`, …).
    pub status: StatusCode,
    /// The `Location` header, as sent.
    pub location: String,
}

/// How a query parameter is laid out (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form`: arrays repeat the name (or join with commas without `explode`);
    /// objects spread their properties (or `name=k,v,…` without `explode`).
    Form {
        /// The spec's `explode` (default `true` for `form`).
        explode: bool,
    },
    /// `style: deepObject`: `name[key]=value`.
    DeepObject,
}

/// The parts of a request an operation writes into.
#[derive(Debug)]
pub struct RequestParts {
    path: String,
    /// Names and values, percent-encoded.
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl RequestParts {
    fn new(template: &str) -> RequestParts {
        RequestParts { path: template.to_owned(), query: Vec::new(), headers: Vec::new(), content_type: None, body: Vec::new() }
    }

    /// Fills `{name}` in the path with `value`, percent-encoded.
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let text = scalar_text(name, to_value(name, value)?)?;
        // `.` and `..` would be resolved by URL parsing and send the request to another
        // endpoint (`/contacts/1/tags/..` is `/contacts/1/`); an empty value drops a segment.
        if matches!(text.as_str(), "" | "." | "..") {
            return Err(Error::InvalidRequest(format!("path parameter `{name}` cannot be {text:?}")));
        }
        // `{name}`, found without building the placeholder.
        let at = self.path.match_indices('{').map(|(i, _)| i).find(|&i| {
            let rest = &self.path[i + 1..];
            rest.starts_with(name) && rest[name.len()..].starts_with('}')
        });
        let Some(at) = at else { return Err(Error::InvalidRequest(format!("the path has no parameter `{name}`"))) };
        let mut path = String::with_capacity(self.path.len() + text.len() * 3);
        path.push_str(&self.path[..at]);
        path.extend(utf8_percent_encode(&text, COMPONENT));
        path.push_str(&self.path[at + name.len() + 2..]);
        self.path = path;
        Ok(())
    }

    /// Adds a query parameter; `None` (JSON `null`) adds nothing. An object's entries go in the
    /// order the value writes them (a generated struct's: the spec's), whatever serde_json's
    /// features in the build.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) -> Result<(), Error> {
        let invalid = |e: serde_json::Error| Error::InvalidRequest(format!("`{name}` cannot be encoded: {e}"));
        if let Some(entries) = crate::query::entries(value).map_err(invalid)? {
            self.query_object(name, entries, style)?;
            return Ok(());
        }
        let value = to_value(name, value)?;
        match (&value, style) {
            (Value::Null, _) => {}
            (Value::Array(items), QueryStyle::Form { explode: true }) => {
                for item in items {
                    self.query.push((encode(name), encode(&scalar(name, item)?)));
                }
            }
            // Joined with commas, each value percent-encoded (its own commas too), so
            // `["a,b", "c"]` is `a%2Cb,c` and not the same as `["a", "b", "c"]`.
            (Value::Array(items), _) => {
                let joined = items.iter().map(|i| Ok(encode(&scalar(name, i)?))).collect::<Result<Vec<_>, Error>>()?.join(",");
                self.query.push((encode(name), joined));
            }
            (scalar_value, _) => self.query.push((encode(name), encode(&scalar(name, scalar_value)?))),
        }
        Ok(())
    }

    fn query_object(&mut self, name: &str, entries: Vec<(String, Value)>, style: QueryStyle) -> Result<(), Error> {
        match style {
            QueryStyle::Form { explode: true } => {
                for (key, item) in entries.iter().filter(|(_, item)| !item.is_null()) {
                    self.query.push((encode(key), encode(&scalar(key, item)?)));
                }
            }
            QueryStyle::Form { explode: false } => {
                let mut parts = Vec::new();
                for (key, item) in &entries {
                    parts.push(encode(key));
                    parts.push(encode(&scalar(key, item)?));
                }
                self.query.push((encode(name), parts.join(",")));
            }
            QueryStyle::DeepObject => {
                for (key, item) in entries.iter().filter(|(_, item)| !item.is_null()) {
                    self.query.push((encode(&format!("{name}[{key}]")), encode(&scalar(key, item)?)));
                }
            }
        }
        Ok(())
    }

    /// Adds a header; `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if value.is_null() {
            return Ok(());
        }
        let text = scalar(name, &value)?;
        let value = HeaderValue::from_str(&text).map_err(|_| Error::InvalidRequest(format!("header `{name}` cannot hold {text:?}")))?;
        self.headers.push((HeaderName::from_static(name), value));
        Ok(())
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        self.body = serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("the body cannot be encoded: {e}")))?;
        self.content_type = Some("application/json".to_owned());
        Ok(())
    }

    /// Sends a `multipart/form-data` body.
    pub fn multipart(&mut self, form: Multipart) {
        self.content_type = Some(format!("multipart/form-data; boundary={}", form.boundary));
        self.body = form.finish();
    }

    /// The URI, headers and body: `Intercom-Version` and `Accept`, the operation's own headers
    /// (an `Accept` of its own replaces the default), and the body's `Content-Type`.
    fn build(self, base_url: &str, intercom_version: &'static str, accept: &'static str) -> Result<Built, Error> {
        let base_url = base_url.trim_end_matches('/');
        let query_len: usize = self.query.iter().map(|(name, value)| name.len() + value.len() + 2).sum();
        let mut uri = String::with_capacity(base_url.len() + self.path.len() + query_len);
        uri.push_str(base_url);
        uri.push_str(&self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            uri.push(if i == 0 { '?' } else { '&' });
            uri.push_str(name);
            uri.push('=');
            uri.push_str(value);
        }
        let mut headers = HeaderMap::with_capacity(4 + self.headers.len());
        headers.insert(INTERCOM_VERSION, static_value("Intercom-Version", intercom_version)?);
        headers.insert(ACCEPT, static_value("Accept", accept)?);
        if let Some(content_type) = self.content_type {
            let value = HeaderValue::try_from(content_type).map_err(|_| Error::InvalidRequest("invalid Content-Type".to_owned()))?;
            headers.insert(CONTENT_TYPE, value);
        }
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        Ok(Built { uri, headers, body: self.body })
    }

    #[cfg(test)]
    fn into_request(
        self,
        base_url: &str,
        method: Method,
        intercom_version: &'static str,
        accept: &'static str,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let built = self.build(base_url, intercom_version, accept)?;
        let mut request = http::Request::builder().method(method).uri(&built.uri).body(built.body).unwrap();
        *request.headers_mut() = built.headers;
        Ok(request)
    }
}

/// `Intercom-Version`.
const INTERCOM_VERSION: HeaderName = HeaderName::from_static("intercom-version");

/// A header value from a constant, without copying it.
fn static_value(name: &str, value: &'static str) -> Result<HeaderValue, Error> {
    if value.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
        Ok(HeaderValue::from_static(value))
    } else {
        Err(Error::InvalidRequest(format!("`{name}` cannot hold {value:?}")))
    }
}

/// A `multipart/form-data` body, part by part.
#[derive(Debug)]
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Multipart::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Multipart {
        Multipart { boundary: format!("intercom-api-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)), body: Vec::new() }
    }

    /// Adds a text field; `None` (JSON `null`) adds nothing.
    pub fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        if value.is_null() {
            return Ok(());
        }
        let text = match &value {
            Value::Object(_) | Value::Array(_) => value.to_string(),
            other => scalar(name, other)?,
        };
        self.part(name, None, "text/plain; charset=utf-8", text.as_bytes());
        Ok(())
    }

    /// Adds a file field.
    pub fn file(&mut self, name: &str, file_name: &str, bytes: &[u8]) {
        self.part(name, Some(file_name), "application/octet-stream", bytes);
    }

    fn part(&mut self, name: &str, file_name: Option<&str>, content_type: &str, bytes: &[u8]) {
        // A CR or LF would end the header line and let a name write headers of its own; they
        // are percent-encoded, as browsers do (WHATWG multipart/form-data encoding).
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace('\r', "%0D").replace('\n', "%0A");
        self.body.extend_from_slice(format!("--{}\r\nContent-Disposition: form-data; name=\"{}\"", self.boundary, quote(name)).as_bytes());
        if let Some(file_name) = file_name {
            self.body.extend_from_slice(format!("; filename=\"{}\"", quote(file_name)).as_bytes());
        }
        self.body.extend_from_slice(format!("\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
    }

    fn finish(mut self) -> Vec<u8> {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body
    }
}

/// A query name or value, percent-encoded.
fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidRequest(format!("`{name}` cannot be encoded: {e}")))
}

/// [`scalar`], taking the value (a string is not copied).
fn scalar_text(name: &str, value: Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s),
        other => scalar(name, &other),
    }
}

/// A JSON scalar as a parameter string; nested values are sent as JSON text.
fn scalar(name: &str, value: &Value) -> Result<String, Error> {
    Ok(match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => return Err(Error::InvalidRequest(format!("`{name}` cannot be null"))),
        nested => nested.to_string(),
    })
}

/// Decoders for success bodies, called by generated [`Operation::decode`] impls.
pub mod decode {
    use super::*;

    /// A JSON body; a failure names the JSON path where decoding stopped.
    pub fn json<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
        // The fast path: plain serde_json. Only a failure is decoded again, tracking the path.
        // The body is checked to be UTF-8 once, whole, so that serde_json reads it as text and
        // does not check every string it meets again (a tenth of a large list's decode).
        if let Ok(text) = std::str::from_utf8(body) {
            if let Ok(value) = serde_json::from_str(text) {
                return Ok(value);
            }
        }
        let failure = |path: String, message: String| {
            Error::Decode(Box::new(DecodeError { status, path, message, body_snippet: snippet(body), ..Default::default() }))
        };
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            failure(path, e.into_inner().to_string())
        })?;
        deserializer.end().map_err(|e| failure(String::new(), e.to_string()))?;
        Ok(value)
    }

    /// A `text/plain` body.
    pub fn text(status: StatusCode, body: &[u8]) -> Result<String, Error> {
        String::from_utf8(body.to_vec()).map_err(|e| {
            Error::Decode(Box::new(DecodeError {
                status,
                path: String::new(),
                message: e.to_string(),
                body_snippet: snippet(body),
                ..Default::default()
            }))
        })
    }

    /// A body of any other media type (a file download): the raw bytes.
    pub fn bytes(_status: StatusCode, body: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(body.to_vec())
    }

    /// A response without a body: whatever came is ignored.
    pub fn empty(_status: StatusCode, _body: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    /// A redirect's `Location`, for an operation whose output is [`Redirect`] (its
    /// [`decode_response`](Operation::decode_response)). A success that is not a redirect
    /// means the HTTP client followed it (the client given to
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) must not), and a
    /// redirect without `Location` says nowhere: both are [`Error::Decode`].
    pub fn redirect(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<Redirect, Error> {
        let failure = |message: &str| {
            Error::Decode(Box::new(DecodeError { status, message: message.to_owned(), body_snippet: snippet(body), ..Default::default() }))
        };
        if !status.is_redirection() {
            return Err(failure("a redirect (3xx with `Location`) was expected; was it followed? Send without following redirects"));
        }
        let location = headers.get(http::header::LOCATION).ok_or_else(|| failure("the redirect has no `Location`"))?;
        let location = location.to_str().map_err(|_| failure("the redirect's `Location` is not text"))?;
        Ok(Redirect { status, location: location.to_owned() })
    }

    /// A status the operation's spec does not list among its successes.
    pub fn unexpected<T>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
        Err(Error::Decode(Box::new(DecodeError {
            status,
            path: String::new(),
            message: format!("the spec lists no {status} response for this operation"),
            body_snippet: snippet(body),
            ..Default::default()
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> RequestParts {
        RequestParts::new("/contacts/{id}/notes")
    }

    #[test]
    fn path_parameters_are_percent_encoded() {
        let mut p = parts();
        p.path_param("id", "a b/c").unwrap();
        let r = p.into_request("https://api.intercom.io/", Method::GET, "2.12", "application/json").unwrap();
        assert_eq!(r.uri(), "https://api.intercom.io/contacts/a%20b%2Fc/notes");
        assert!(parts().path_param("nope", "x").is_err());
        for hostile in ["", ".", ".."] {
            assert!(matches!(parts().path_param("id", hostile), Err(Error::InvalidRequest(_))), "{hostile:?}");
        }
    }

    #[test]
    fn query_styles() {
        let mut p = parts();
        p.query("per_page", &Some(5), QueryStyle::Form { explode: true }).unwrap();
        p.query("skip", &None::<i64>, QueryStyle::Form { explode: true }).unwrap();
        p.query("ids", &["a", "b"], QueryStyle::Form { explode: true }).unwrap();
        p.query("tags", &["x", "y"], QueryStyle::Form { explode: false }).unwrap();
        p.query("filter", &serde_json::json!({"email": "a@b.c"}), QueryStyle::Form { explode: true }).unwrap();
        p.query("deep", &serde_json::json!({"k": 1}), QueryStyle::DeepObject).unwrap();
        p.path_param("id", &7).unwrap();
        let r = p.into_request("http://h", Method::GET, "2.12", "application/json").unwrap();
        assert_eq!(r.uri(), "http://h/contacts/7/notes?per_page=5&ids=a&ids=b&tags=x,y&email=a%40b.c&deep%5Bk%5D=1");
    }

    #[test]
    fn commas_inside_unexploded_values_are_encoded_and_the_separators_are_not() {
        let uri = |value: serde_json::Value| {
            let mut p = RequestParts::new("/things");
            p.query("ids", &value, QueryStyle::Form { explode: false }).unwrap();
            p.into_request("http://h", Method::GET, "2.12", "application/json").unwrap().uri().to_string()
        };
        assert_eq!(uri(serde_json::json!(["a,b", "c"])), "http://h/things?ids=a%2Cb,c");
        assert_eq!(uri(serde_json::json!(["a", "b", "c"])), "http://h/things?ids=a,b,c");
        assert_eq!(uri(serde_json::json!({"k,1": "v,2", "n": "%"})), "http://h/things?ids=k%2C1,v%2C2,n,%25");
    }

    #[test]
    fn headers_body_and_version() {
        let mut p = parts();
        p.path_param("id", "1").unwrap();
        p.header("accept", "application/octet-stream").unwrap();
        p.json(&serde_json::json!({"a": 1})).unwrap();
        let r = p.into_request("http://h", Method::POST, "2.12", "application/json").unwrap();
        assert_eq!(r.headers()["intercom-version"], "2.12");
        assert_eq!(r.headers()["accept"], "application/octet-stream");
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(r.body(), br#"{"a":1}"#);
    }

    #[test]
    fn multipart_bodies_hold_text_and_files() {
        let mut form = Multipart::new();
        form.text("finalize", "false").unwrap();
        form.text("absent", &None::<String>).unwrap();
        form.file("catalog", "catalog.json", b"[]");
        let boundary = form.boundary.clone();
        let body = String::from_utf8(form.finish()).unwrap();
        assert_eq!(
            body,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"finalize\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfalse\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"catalog\"; filename=\"catalog.json\"\r\nContent-Type: application/octet-stream\r\n\r\n[]\r\n\
                 --{boundary}--\r\n"
            )
        );
    }

    #[test]
    fn multipart_names_cannot_break_out_of_their_header() {
        let mut form = Multipart::new();
        form.text("a\r\nContent-Type: text/html", "x").unwrap();
        form.file("f\"ile", "evil\r\n\r\nbody.txt", b"1");
        let body = String::from_utf8(form.finish()).unwrap();
        assert!(body.contains("name=\"a%0D%0AContent-Type: text/html\""), "{body}");
        assert!(body.contains("name=\"f\\\"ile\"; filename=\"evil%0D%0A%0D%0Abody.txt\""), "{body}");
        // Each part has exactly its two header lines.
        assert_eq!(body.matches("\r\nContent-Type: ").count(), 2, "{body}");
    }

    #[test]
    fn decode_errors_name_the_path_and_keep_a_snippet() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<Item>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            id: String,
        }
        let body = br#"{"data":[{"id":"1"},{"id":2}]}"#;
        let Err(Error::Decode(e)) = decode::json::<Page>(StatusCode::OK, body) else { panic!("expected a decode error") };
        assert_eq!(e.path, "data[1].id");
        assert_eq!(e.body_snippet, String::from_utf8_lossy(body));
        assert!(matches!(decode::json::<Page>(StatusCode::OK, b"{\"data\":[]} trailing"), Err(Error::Decode(_))));
    }
}
