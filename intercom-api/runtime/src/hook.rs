//! Hooks: code of yours that sees every attempt, before it is sent and once it is answered.

use std::time::Instant;

use bytes::Bytes;
use http::Method;

use crate::error::Error;

/// What a [`Hook`] is told about an attempt.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptInfo {
    /// The operation's `operationId`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template (`/contacts/{id}`): a label for metrics that does not grow with ids.
    pub path: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// When the attempt started (before [`Hook::on_request`]).
    pub started: Instant,
}

/// Code that sees every attempt the client makes, retries included: to sign or tag requests,
/// count and time answers, or answer in place of Intercom in tests. Register hooks with
/// [`ClientBuilder::hook`](crate::ClientBuilder::hook); they run in that order.
///
/// [`on_request`](Hook::on_request) gets the request as it will be sent (token, headers and
/// body included) and may change it, answer it itself, or fail it;
/// [`on_response`](Hook::on_response) gets the answer (any status, before the client reads it or
/// decides to retry) or the failure. Both run on the task sending the request: keep them quick,
/// and never block.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use intercom_api_runtime::bytes::Bytes;
/// use intercom_api_runtime::{AttemptInfo, Client, Error, Hook, http};
///
/// /// Tags every request, and counts the attempts that failed.
/// #[derive(Default)]
/// struct Metrics {
///     failures: AtomicU64,
/// }
///
/// impl Hook for Metrics {
///     fn on_request(&self, _: &AttemptInfo, request: &mut http::Request<Bytes>) -> Result<Option<http::Response<Bytes>>, Error> {
///         request.headers_mut().insert("x-caller", http::HeaderValue::from_static("billing"));
///         Ok(None) // send it
///     }
///
///     fn on_response(&self, info: &AttemptInfo, outcome: Result<&http::Response<Bytes>, &Error>) {
///         if !outcome.is_ok_and(|r| r.status().is_success()) {
///             self.failures.fetch_add(1, Ordering::Relaxed);
///         }
///         let _took = info.started.elapsed();
///     }
/// }
///
/// let metrics = Arc::new(Metrics::default());
/// let client = Client::builder("token").hook(metrics.clone()).build()?;
/// # let _ = client;
/// # Ok::<(), Error>(())
/// ```
///
/// # A client for tests
///
/// Code that takes a [`Client`](crate::Client) can be tested without Intercom: point the
/// client at a server of your own (`base_url("http://127.0.0.1:…")`, plain http being accepted
/// on loopback), or give it a hook that answers every request itself. Everything after the
/// answer (status checks, retries, decoding, errors) runs as it would against Intercom.
///
/// ```
/// use intercom_api_runtime::bytes::Bytes;
/// use intercom_api_runtime::{AttemptInfo, Client, Error, Hook, Operation, RequestParts, http};
///
/// /// Intercom as a test needs it: every admin is Ada, and there is no contact.
/// struct FakeIntercom;
///
/// impl Hook for FakeIntercom {
///     fn on_request(&self, _: &AttemptInfo, request: &mut http::Request<Bytes>) -> Result<Option<http::Response<Bytes>>, Error> {
///         let (status, body) = match request.uri().path() {
///             "/me" => (200, r#"{"type": "admin", "name": "Ada"}"#),
///             _ => (404, r#"{"type": "error.list", "errors": [{"code": "not_found"}]}"#),
///         };
///         let answer = http::Response::builder().status(status).header("content-type", "application/json");
///         Ok(Some(answer.body(Bytes::from(body)).unwrap()))
///     }
/// }
///
/// # struct IdentifyAdmin;
/// # impl Operation for IdentifyAdmin {
/// #     type Output = serde_json::Value;
/// #     const OPERATION_ID: &'static str = "identifyAdmin";
/// #     const METHOD: http::Method = http::Method::GET;
/// #     const PATH: &'static str = "/me";
/// #     const INTERCOM_VERSION: &'static str = "2.12";
/// #     fn write(&self, _: &mut RequestParts) -> Result<(), Error> { Ok(()) }
/// #     fn decode(status: http::StatusCode, body: &[u8]) -> Result<Self::Output, Error> {
/// #         intercom_api_runtime::decode::json(status, body)
/// #     }
/// # }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let client = Client::builder("test-token").hook(FakeIntercom).build()?;
/// let me = client.send(&IdentifyAdmin).await?;
/// assert_eq!(me["name"], "Ada");
/// # Ok::<(), Error>(())
/// # }).unwrap();
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Before an attempt is sent, with the request as it will go. Return `Ok(None)` to send
    /// it, `Ok(Some(response))` to answer it without sending anything (later hooks'
    /// `on_request` are skipped; the answer is read like Intercom's, retries included), or an
    /// error to end the call with it, unretried.
    fn on_request(&self, info: &AttemptInfo, request: &mut http::Request<Bytes>) -> Result<Option<http::Response<Bytes>>, Error> {
        let _ = (info, request);
        Ok(None)
    }

    /// After an attempt, with its answer (whatever the status; the body read up to the
    /// client's limit) or why it got none.
    fn on_response(&self, info: &AttemptInfo, outcome: Result<&http::Response<Bytes>, &Error>) {
        let _ = (info, outcome);
    }
}

/// A shared hook, so its owner can read what it gathered.
impl<H: Hook + ?Sized> Hook for std::sync::Arc<H> {
    fn on_request(&self, info: &AttemptInfo, request: &mut http::Request<Bytes>) -> Result<Option<http::Response<Bytes>>, Error> {
        (**self).on_request(info, request)
    }

    fn on_response(&self, info: &AttemptInfo, outcome: Result<&http::Response<Bytes>, &Error>) {
        (**self).on_response(info, outcome)
    }
}
