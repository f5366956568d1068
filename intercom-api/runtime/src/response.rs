//! What a success answer says besides its body: status, headers, request id and rate limit.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, StatusCode};

use crate::error::seconds;

/// A decoded answer with its metadata, from
/// [`RequestBuilder::send_with_response`](crate::RequestBuilder::send_with_response).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub output: T,
    /// The status of the answer.
    pub status: StatusCode,
    /// The headers of the answer.
    pub headers: HeaderMap,
}

impl<T> Response<T> {
    /// A response (for tests and hooks; the client makes them).
    pub fn new(output: T, status: StatusCode, headers: HeaderMap) -> Response<T> {
        Response { output, status, headers }
    }

    /// Intercom's id for the request (`X-Request-Id`); quote it to Intercom support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("x-request-id").and_then(|v| v.to_str().ok())
    }

    /// The rate-limit state the answer reported (`X-RateLimit-*`), if it did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(&self.headers)
    }

    /// The decoded body, without the metadata.
    pub fn into_output(self) -> T {
        self.output
    }

    /// The same metadata with another output.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { output: f(self.output), status: self.status, headers: self.headers }
    }
}

/// Intercom's rate-limit headers, sent with every answer: how many requests the window allows,
/// how many are left, and when the window resets. Each is `None` when its header is missing or
/// unreadable (not a whole non-negative number; the reset may be fractional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets (a Unix time in seconds on the wire).
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// The rate limit in `headers`; `None` when none of the three headers is readable.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let count = |name: &str| header(name).and_then(|v| v.parse::<u64>().ok());
        let reset = header("x-ratelimit-reset").and_then(seconds).and_then(|s| UNIX_EPOCH.checked_add(s));
        let limit = RateLimit { limit: count("x-ratelimit-limit"), remaining: count("x-ratelimit-remaining"), reset };
        (limit != RateLimit::default()).then_some(limit)
    }

    /// How long until the window resets, by the local clock (zero once it has passed).
    pub fn reset_in(&self) -> Option<Duration> {
        self.reset.map(|at| at.duration_since(SystemTime::now()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (http::HeaderName::from_static(name), value.parse().unwrap())).collect()
    }

    #[test]
    fn rate_limits_are_read_and_odd_values_are_none() {
        let limit = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "10000"),
            ("x-ratelimit-remaining", " 9999 "),
            ("x-ratelimit-reset", "1736201600"),
        ]))
        .unwrap();
        assert_eq!(limit.limit, Some(10_000));
        assert_eq!(limit.remaining, Some(9_999));
        assert_eq!(limit.reset, Some(UNIX_EPOCH + Duration::from_secs(1_736_201_600)));
        assert_eq!(limit.reset_in(), Some(Duration::ZERO), "in the past");

        let odd = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "-1"),
            ("x-ratelimit-remaining", "lots"),
            ("x-ratelimit-reset", "1e999"),
        ]));
        assert_eq!(odd, None);
        let partial = RateLimit::from_headers(&headers(&[("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "12.5")])).unwrap();
        assert_eq!((partial.limit, partial.remaining), (None, Some(3)));
        assert_eq!(partial.reset, Some(UNIX_EPOCH + Duration::from_millis(12_500)));
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
    }
}
