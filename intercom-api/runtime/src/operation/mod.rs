//! Sans-IO operations: every generated operation turns into an [`http::Request`] and parses an
//! [`http::Response`] without any HTTP client, so any client can send it.
//!
//! This file holds the [`Operation`] trait and how an answer is checked; what an operation
//! writes into is in `parts.rs` (path, query, headers, JSON body) and `multipart.rs`, and the
//! decoders of success bodies in `decode.rs`.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, Method, StatusCode};

use crate::error::{ApiError, ContentTypeError, Error, header_request_id, snippet};

/// Decoders for success bodies, called by generated [`Operation::decode`] impls.
pub mod decode;
mod multipart;
mod parts;

pub use multipart::Multipart;
#[cfg(feature = "client-core")]
pub(crate) use parts::COMPONENT;
pub use parts::{QueryStyle, RequestParts};

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
