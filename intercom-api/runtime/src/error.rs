//! The one error type of every call, whether sent by [`Client`](crate::Client) or parsed by
//! [`Operation::parse_response`](crate::Operation::parse_response).

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::response::RateLimit;

/// How many entries of an `error.list` an [`ApiError`] keeps, so a huge list cannot bloat an
/// error or its message.
pub(crate) const MAX_ERRORS: usize = 32;

/// How many bytes of a body an error keeps, so a huge response cannot bloat an error.
pub const SNIPPET_LIMIT: usize = 512;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Intercom answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Intercom answered with a success status but the body is not what the spec says.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// No response within the configured timeout.
    #[error("the request timed out")]
    Timeout,
    /// The request could not be sent or the response could not be read (DNS, TLS, refused
    /// or reset connections).
    #[error("transport error: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A page of a scroll listing ([`PaginationStyle::Scroll`](crate::PaginationStyle::Scroll))
    /// failed after its request may have reached Intercom. Intercom moves a scroll's cursor
    /// when it answers, so the page may be lost, and asking again with the same
    /// `scroll_param` would skip it: such a page is never retried, and the scroll must be
    /// restarted from its first page (without `scroll_param`). Holds the error that ended it.
    #[error(
        "the scroll cannot go on, restart it from the first page (Intercom moves the scroll cursor when it answers, so a page may be lost): {0}"
    )]
    ScrollInterrupted(Box<Error>),
    /// Intercom answered with a success status and a body in a media type the operation does
    /// not read (an HTML page from a proxy or a captive portal where JSON was expected): the
    /// body was not decoded.
    #[error(transparent)]
    ContentType(Box<ContentTypeError>),
    /// A success body larger than the client's
    /// [`max_body_size`](crate::ClientBuilder::max_body_size); reading stopped at the limit.
    #[error("the {status} response body is larger than the {limit}-byte limit{}", request_suffix(request_id))]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The status of the response.
        status: StatusCode,
        /// Intercom's id for the request (`X-Request-Id`), if it sent one.
        request_id: Option<String>,
    },
    /// The request could not be built from the operation's inputs (an invalid base URL or a
    /// value that cannot be encoded).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::ContentType(e) => Some(e.status),
            Error::ScrollInterrupted(e) => e.status(),
            Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Intercom's id for the request, when an answer came with one; quote it to Intercom
    /// support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::ContentType(e) => e.request_id.as_deref(),
            Error::BodyTooLarge { request_id, .. } => request_id.as_deref(),
            Error::ScrollInterrupted(e) => e.request_id(),
            _ => None,
        }
    }

    /// The headers of the answer, when one came and was kept (`Location`, `X-RateLimit-*`, …).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::Decode(e) => Some(&e.headers),
            Error::ContentType(e) => Some(&e.headers),
            Error::ScrollInterrupted(e) => e.headers(),
            _ => None,
        }
    }

    /// The rate-limit state the answer reported (`X-RateLimit-*`), when an answer came with it.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.headers().and_then(RateLimit::from_headers)
    }

    /// Adds what only the response knows to a decode error: the operation, the request id and
    /// the headers.
    pub(crate) fn in_response(mut self, operation: &'static str, headers: &HeaderMap) -> Error {
        if let Error::Decode(e) = &mut self {
            if e.operation.is_empty() {
                e.operation = operation;
            }
            if e.request_id.is_none() {
                e.request_id = header_request_id(headers);
            }
            if e.headers.is_empty() {
                e.headers = headers.clone();
            }
        }
        self
    }

    /// The API error, if Intercom answered with a failure status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::ScrollInterrupted(e) => e.as_api(),
            _ => None,
        }
    }
}

/// ` (request <id>)`, or nothing.
fn request_suffix(request_id: &Option<String>) -> String {
    request_id.as_ref().map(|id| format!(" (request {id})")).unwrap_or_default()
}

/// A failure status from Intercom, with the spec's `error.list` body when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Intercom's id for the request (from the body, else the `X-Request-Id` header); quote it
    /// to Intercom support.
    pub request_id: Option<String>,
    /// The errors of the spec's `error` schema (`errors[]`), empty when the body has none; at
    /// most the first 32.
    pub errors: Vec<ApiErrorItem>,
    /// How long Intercom asks to wait before retrying (`Retry-After`, else
    /// `X-RateLimit-Reset`), for 429 responses.
    pub retry_after: Option<Duration>,
    /// The start of the body when it is not an `error.list`, at most [`SNIPPET_LIMIT`] bytes.
    pub body_snippet: Option<String>,
    /// The answer's headers (`Location`, `X-RateLimit-Limit`/`-Remaining`/`-Reset`, …).
    pub headers: HeaderMap,
}

/// One entry of an `error.list`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiErrorItem {
    /// What kind of error (`unauthorized`, `parameter_not_found`, …); empty if none was sent.
    #[serde(default)]
    pub code: String,
    /// A human-readable description.
    #[serde(default)]
    pub message: Option<String>,
    /// The field or parameter in error.
    #[serde(default)]
    pub field: Option<String>,
}

#[derive(Deserialize)]
struct ErrorList {
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    errors: Vec<ApiErrorItem>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<ApiErrorItem>, D::Error> {
    Ok(Option::<Vec<ApiErrorItem>>::deserialize(deserializer)?.unwrap_or_default())
}

impl ApiError {
    /// Reads a failure response. Never fails: a body that is not an `error.list` is kept as
    /// a snippet.
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
        let header_id = header_request_id(headers);
        let (request_id, mut errors, body_snippet) = match serde_json::from_slice::<ErrorList>(body) {
            // An `error.list` says it all; any other JSON body is kept as it came.
            Ok(list) if !list.errors.is_empty() => (list.request_id.or(header_id), list.errors, None),
            Ok(list) => (list.request_id.or(header_id), Vec::new(), (!body.is_empty()).then(|| snippet(body))),
            Err(_) => (header_id, Vec::new(), (!body.is_empty()).then(|| snippet(body))),
        };
        errors.truncate(MAX_ERRORS);
        // Intercom sends rate-limit headers on every answer; a wait only means something when
        // the answer says "try again later".
        let wait = matches!(status.as_u16(), 429 | 503).then(|| retry_after(headers, std::time::SystemTime::now())).flatten();
        ApiError { status, request_id, errors, retry_after: wait, body_snippet, headers: headers.clone() }
    }

    /// A header of the answer, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The rate-limit state the answer reported (`X-RateLimit-*`), if it did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(&self.headers)
    }
}

/// The `X-Request-Id` header.
pub(crate) fn header_request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Intercom answered {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request {id})")?;
        }
        for (i, e) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            f.write_str(&e.code)?;
            if let Some(m) = &e.message {
                write!(f, ": {m}")?;
            }
            if let Some(field) = &e.field {
                write!(f, " (field `{field}`)")?;
            }
        }
        if let Some(s) = &self.body_snippet {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success response whose body does not decode into the operation's output type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Where in the body decoding failed, as a JSON path (`data[3].email`); empty for the root.
    pub path: String,
    /// What was wrong there.
    pub message: String,
    /// The start of the body, at most [`SNIPPET_LIMIT`] bytes.
    pub body_snippet: String,
    /// The operation the response answers (its `operationId`); empty when the body was decoded
    /// by hand rather than by [`Operation::parse_response`](crate::Operation::parse_response).
    pub operation: &'static str,
    /// Intercom's id for the request (`X-Request-Id`), if it sent one.
    pub request_id: Option<String>,
    /// The answer's headers.
    pub headers: HeaderMap,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.operation.is_empty() {
            write!(f, "{}: ", self.operation)?;
        }
        write!(f, "the {} response{} does not decode", self.status, request_suffix(&self.request_id))?;
        if self.body_snippet.is_empty() {
            // serde's own words ("EOF while parsing a value") do not say the body was empty.
            return write!(f, ": the body is empty ({})", self.message);
        }
        let at = if self.path.is_empty() || self.path == "." { "the body".to_owned() } else { format!("`{}`", self.path) };
        write!(f, " at {at}: {}; body starts: {}", self.message, self.body_snippet)
    }
}

impl std::error::Error for DecodeError {}

/// A success response whose `Content-Type` is not the media type the operation reads (see
/// [`Operation::RESPONSE_MEDIA_TYPE`](crate::Operation::RESPONSE_MEDIA_TYPE)).
#[derive(Debug, Clone, PartialEq)]
pub struct ContentTypeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Content-Type` that came.
    pub content_type: String,
    /// The media type the operation reads.
    pub expected: &'static str,
    /// The operation the response answers (its `operationId`).
    pub operation: &'static str,
    /// Intercom's (or the proxy's) id for the request (`X-Request-Id`), if it sent one.
    pub request_id: Option<String>,
    /// The start of the body, at most [`SNIPPET_LIMIT`] bytes.
    pub body_snippet: String,
    /// The answer's headers.
    pub headers: HeaderMap,
}

impl fmt::Display for ContentTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the {} response{} is `{}`, not `{}` (a proxy's page?); body starts: {}",
            self.operation,
            self.status,
            request_suffix(&self.request_id),
            self.content_type,
            self.expected,
            self.body_snippet
        )
    }
}

impl std::error::Error for ContentTypeError {}

/// The first [`SNIPPET_LIMIT`] bytes of a body, cut at a character boundary.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET_LIMIT {
        return text.into_owned();
    }
    let mut end = SNIPPET_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], body.len())
}

/// The wait a 429 or 503 asks for: `Retry-After` in seconds or as an HTTP date, else
/// `X-RateLimit-Reset` (a Unix time in seconds).
///
/// Times are measured against the answer's own `Date` header when it has one, so a local clock
/// that is off does not change the wait; `now` is used only without it. Fractional seconds are
/// kept; a time already past is no wait; a negative, non-numeric or absurdly large value is
/// ignored (the next source, or the client's backoff, applies).
pub fn retry_after(headers: &HeaderMap, now: std::time::SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let now = header("date").and_then(|d| httpdate::parse_http_date(d).ok()).unwrap_or(now);
    let until = |at: std::time::SystemTime| at.duration_since(now).unwrap_or_default();
    if let Some(value) = header("retry-after") {
        if let Some(seconds) = seconds(value) {
            return Some(seconds);
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(until(at));
        }
    }
    let reset = seconds(header("x-ratelimit-reset")?)?;
    // A hostile or broken value must not overflow the clock.
    Some(until(std::time::UNIX_EPOCH.checked_add(reset)?))
}

/// A non-negative number of seconds, whole or fractional, that a `Duration` can hold.
pub(crate) fn seconds(value: &str) -> Option<Duration> {
    if let Ok(whole) = value.parse::<u64>() {
        return Some(Duration::from_secs(whole));
    }
    let seconds = value.parse::<f64>().ok().filter(|s| *s >= 0.0)?;
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lists_are_read_and_other_bodies_kept_as_snippets() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "from-header".parse().unwrap());
        let body = br#"{"type":"error.list","request_id":"abc","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#;
        let e = ApiError::from_parts(StatusCode::UNAUTHORIZED, &headers, body);
        assert_eq!(e.request_id.as_deref(), Some("abc"));
        assert_eq!(e.errors[0].code, "unauthorized");
        assert_eq!(e.to_string(), "Intercom answered 401 Unauthorized (request abc): unauthorized: Access Token Invalid");

        let e = ApiError::from_parts(StatusCode::BAD_GATEWAY, &headers, b"<html>bad gateway</html>");
        assert_eq!(e.request_id.as_deref(), Some("from-header"));
        assert!(e.errors.is_empty());
        assert_eq!(e.body_snippet.as_deref(), Some("<html>bad gateway</html>"));
    }

    #[test]
    fn snippets_are_bounded_at_a_character_boundary() {
        let body = "é".repeat(SNIPPET_LIMIT);
        let s = snippet(body.as_bytes());
        assert!(s.len() < SNIPPET_LIMIT + 40, "{}", s.len());
        assert!(s.ends_with(&format!("({} bytes in all)", body.len())));
    }

    #[test]
    fn retry_after_prefers_the_header_then_the_reset_time() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_000);
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", "1010".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(10)));
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3)));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(10)));
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
        headers.remove("retry-after");
        headers.insert("x-ratelimit-reset", u64::MAX.to_string().parse().unwrap());
        assert_eq!(retry_after(&headers, now), None, "an absurd reset time is ignored, not a panic");
    }

    #[test]
    fn odd_waits_are_read_or_ignored_and_never_panic() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_000);
        let wait = |pairs: &[(&'static str, &str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, value.parse().unwrap());
            }
            retry_after(&headers, now)
        };
        assert_eq!(wait(&[("retry-after", "1.5")]), Some(Duration::from_millis(1500)));
        assert_eq!(wait(&[("x-ratelimit-reset", "1002.25")]), Some(Duration::from_millis(2250)));
        // Negative: ignored, the next source applies.
        assert_eq!(wait(&[("retry-after", "-5")]), None);
        assert_eq!(wait(&[("retry-after", "-5"), ("x-ratelimit-reset", "1004")]), Some(Duration::from_secs(4)));
        assert_eq!(wait(&[("x-ratelimit-reset", "-1004")]), None);
        for absurd in ["1e300", "inf", "NaN", "18446744073709551616"] {
            assert_eq!(wait(&[("retry-after", absurd)]), None, "{absurd}");
        }
        // In the past: no wait.
        assert_eq!(wait(&[("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT")]), Some(Duration::ZERO));
        assert_eq!(wait(&[("x-ratelimit-reset", "990")]), Some(Duration::ZERO));
        assert_eq!(wait(&[("retry-after", "Thu, 01 Jan 1970 00:16:40 GMT")]), Some(Duration::ZERO));
        assert_eq!(wait(&[("retry-after", "Thu, 01 Jan 1970 00:17:00 GMT")]), Some(Duration::from_secs(20)));
    }

    #[test]
    fn waits_are_measured_on_the_servers_clock_when_it_sends_one() {
        // The local clock is an hour behind Intercom's: the answer's `Date` decides.
        let local = std::time::UNIX_EPOCH + Duration::from_secs(10_000 - 3_600);
        let mut headers = HeaderMap::new();
        headers.insert("date", httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(10_000)).parse().unwrap());
        headers.insert("x-ratelimit-reset", "10005".parse().unwrap());
        assert_eq!(retry_after(&headers, local), Some(Duration::from_secs(5)));
        let at = httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(10_007));
        headers.insert("retry-after", at.parse().unwrap());
        assert_eq!(retry_after(&headers, local), Some(Duration::from_secs(7)));
        // An unreadable `Date` falls back to the local clock.
        headers.insert("date", "yesterday".parse().unwrap());
        assert_eq!(retry_after(&headers, local), Some(Duration::from_secs(3_607)));
    }

    #[test]
    fn error_lists_are_bounded() {
        let items: Vec<_> = (0..1000).map(|i| serde_json::json!({"code": format!("e{i}")})).collect();
        let body = serde_json::json!({"type": "error.list", "errors": items}).to_string();
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &HeaderMap::new(), body.as_bytes());
        assert_eq!(e.errors.len(), MAX_ERRORS);
        assert_eq!(e.errors[0].code, "e0");
    }

    #[test]
    fn api_errors_keep_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("location", "/contacts/1".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        let e = ApiError::from_parts(StatusCode::CONFLICT, &headers, b"");
        assert_eq!(e.header("location"), Some("/contacts/1"));
        assert_eq!(Error::Api(Box::new(e)).headers().and_then(|h| h.get("x-ratelimit-remaining")).unwrap(), "0");
    }

    #[test]
    fn only_answers_that_say_wait_carry_a_wait() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(ApiError::from_parts(StatusCode::NOT_FOUND, &headers, b"").retry_after, None);
        assert_eq!(ApiError::from_parts(StatusCode::TOO_MANY_REQUESTS, &headers, b"").retry_after, Some(Duration::from_secs(3)));
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &headers, br#"{"request_id":"x","errors":[{"message":"no code"}]}"#);
        assert_eq!((e.request_id.as_deref(), e.errors.len()), (Some("x"), 1));
        let e = ApiError::from_parts(StatusCode::BAD_REQUEST, &headers, br#"{"request_id":"y","errors":null}"#);
        assert_eq!(e.request_id.as_deref(), Some("y"));
    }
}
