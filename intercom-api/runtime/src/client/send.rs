//! Sending a call: the request prepared once, each attempt (token, hooks, the answer read up
//! to its limit), the answer decoded, and the pages of a listing.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, TryStreamExt};
use http::header::{AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, Method, StatusCode};
use tracing::Instrument;

use super::retry::{Attempt, Failure};
use super::{Client, MAX_ERROR_BODY_SIZE, X_REQUEST_ID};
use crate::error::Error;
use crate::hook::AttemptInfo;
use crate::operation::{Built, build, parse};
use crate::request::Options;
use crate::response::Response;
use crate::{Operation, Paginated, PaginationStyle};

/// A request made once per call and shared by its attempts: the URL parsed, the headers but
/// the token, the body shared without copying.
pub(crate) struct Prepared {
    pub(super) method: Method,
    pub(super) url: reqwest::Url,
    headers: HeaderMap,
    body: bytes::Bytes,
    /// The request's own headers set `Authorization`, which the client's token does not replace.
    own_auth: bool,
}

impl Prepared {
    /// What identifies a page: its request's URL and body (where search puts its cursor). A
    /// 64-bit hash, so a listing of any length costs 8 bytes a page.
    fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.url.as_str().hash(&mut hasher);
        self.body.hash(&mut hasher);
        hasher.finish()
    }
}

/// What the attempts of a call are labelled with, for the span and hooks.
#[derive(Clone, Copy)]
pub(super) struct Labels {
    pub(super) operation: &'static str,
    pub(super) path: &'static str,
}

impl Client {
    /// The request for `operation` with `options`' headers and query parameters.
    pub(crate) fn prepare<O: Operation>(&self, operation: &O, options: &Options) -> Result<Prepared, Error> {
        if let Some(why) = &options.invalid {
            return Err(Error::InvalidRequest(why.clone()));
        }
        let Built { mut uri, mut headers, body } = build(operation, &self.inner.base_url)?;
        if !options.query.is_empty() {
            uri.push(if uri.contains('?') { '&' } else { '?' });
            uri.push_str(&options.query);
        }
        let url = reqwest::Url::parse(&uri).map_err(|e| Error::InvalidRequest(format!("`{uri}` is not a valid request URI: {e}")))?;
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        let mut previous = None;
        for (name, value) in &options.headers {
            // The request's own values replace the operation's.
            if previous != Some(name) {
                headers.remove(name);
                previous = Some(name);
            }
            headers.append(name.clone(), value.clone());
        }
        let own_auth = options.headers.contains_key(AUTHORIZATION);
        Ok(Prepared { method: O::METHOD, url, headers, body: bytes::Bytes::from(body), own_auth })
    }

    /// The pages of a list operation, each sent with `options`.
    pub(crate) fn pages_with<O>(&self, operation: O, options: Options) -> impl Stream<Item = Result<O::Output, Error>> + Send + 'static
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
    {
        let shared = Arc::new((self.clone(), options));
        let first = shared.0.prepare(&operation, &shared.1);
        let mut seen = HashSet::new();
        if let Ok(first) = &first {
            seen.insert(first.key());
        }
        stream::try_unfold((Some((operation, first)), seen), move |(next, mut seen)| {
            let shared = shared.clone();
            async move {
                let (client, options) = &*shared;
                let Some((operation, prepared)) = next else { return Ok(None) };
                let page = client.execute::<O>(prepared, options, O::STYLE == PaginationStyle::Scroll).await?.output;
                // The end: an empty page, no next page, or a next page already fetched (a
                // server that ignores the cursor, or sends cursors in a cycle A → B → A, would
                // otherwise loop forever).
                let following = if O::item_count(&page) == 0 { None } else { operation.next_page(&page) };
                let following = following.map(|op| {
                    let prepared = client.prepare(&op, options);
                    (op, prepared)
                });
                let following = following.filter(|(_, prepared)| match prepared {
                    Ok(prepared) if !seen.insert(prepared.key()) => {
                        tracing::warn!(operation = O::OPERATION_ID, uri = %prepared.url, "the next page is one already fetched; the listing ends here");
                        false
                    }
                    _ => true,
                });
                Ok(Some((page, (following, seen))))
            }
        })
    }

    /// Sends `prepared`, made by an `O`, with `options`, and reads the answer; `scroll` when it
    /// is a page of a scroll listing, which is never retried once it may have reached Intercom
    /// (Intercom moves the scroll cursor when it answers, so a retry with the same
    /// `scroll_param` would return the next page and skip one).
    pub(crate) async fn execute<O: Operation>(
        &self,
        prepared: Result<Prepared, Error>,
        options: &Options,
        scroll: bool,
    ) -> Result<Response<O::Output>, Error> {
        let span = tracing::info_span!(
            "intercom.request",
            operation = O::OPERATION_ID,
            method = %O::METHOD,
            path = O::PATH,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let fields = span.clone();
        let labels = Labels { operation: O::OPERATION_ID, path: O::PATH };
        async move {
            let prepared = prepared?;
            let lost = |error: Error| if scroll { Error::ScrollInterrupted(Box::new(error)) } else { error };
            let response = match self.send_with_retries(&prepared, options, scroll, labels, &fields).await {
                Ok(response) => response,
                Err(Failure { error, sent: true, .. }) => return Err(lost(error)),
                Err(Failure { error, sent: false, .. }) => return Err(error),
            };
            let (parts, body) = response.into_parts();
            // A 429 was not acted on, so the cursor did not move; any other answer may have
            // moved it, whatever it says.
            let rate_limited = parts.status == StatusCode::TOO_MANY_REQUESTS;
            let output = parse::<O>(parts.status, &parts.headers, &body).map_err(|e| if rate_limited { e } else { lost(e) })?;
            Ok(Response::new(output, parts.status, parts.headers))
        }
        .instrument(span)
        .await
    }

    /// One attempt: the token, the hooks, the request, and the answer read up to the limit.
    pub(super) async fn attempt(
        &self,
        prepared: &Prepared,
        timeout: Duration,
        span: &tracing::Span,
        info: Option<&AttemptInfo>,
    ) -> Attempt {
        let mut headers = prepared.headers.clone();
        if !prepared.own_auth {
            match self.inner.auth.header().await {
                Ok(auth) => headers.insert(AUTHORIZATION, auth),
                Err(error) => return unsent(error),
            };
        }
        let mut request = match self.outgoing(prepared, headers, info) {
            Ok(request) => request,
            Err(outcome) => return *outcome,
        };
        *request.timeout_mut() = Some(timeout);
        match self.inner.http.execute(request).await {
            Ok(response) => self.answer(response, span).await,
            Err(e) => classify(e),
        }
    }

    /// The request to send: `prepared` with `headers`, through the hooks when there are any
    /// (`info`). `Err` is the attempt's outcome when none goes out: a hook answered or refused
    /// (boxed: it is rare, and large).
    fn outgoing(&self, prepared: &Prepared, headers: HeaderMap, info: Option<&AttemptInfo>) -> Result<reqwest::Request, Box<Attempt>> {
        let Some(info) = info else {
            let mut request = reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
            *request.headers_mut() = headers;
            if !prepared.body.is_empty() {
                *request.body_mut() = Some(prepared.body.clone().into());
            }
            return Ok(request);
        };
        let mut request = http::Request::new(prepared.body.clone());
        *request.method_mut() = prepared.method.clone();
        *request.uri_mut() = match prepared.url.as_str().parse() {
            Ok(uri) => uri,
            Err(e) => return Err(Box::new(unsent(Error::InvalidRequest(format!("`{}` is not a valid request URI: {e}", prepared.url))))),
        };
        *request.headers_mut() = headers;
        for hook in &self.inner.hooks {
            match hook.on_request(info, &mut request) {
                Ok(None) => {}
                Ok(Some(response)) => return Err(Box::new(Attempt::Done(response))),
                Err(error) => return Err(Box::new(unsent(error))),
            }
        }
        reqwest::Request::try_from(request).map_err(|e| Box::new(classify(e)))
    }

    /// The answer to an attempt, its body read up to the limit; `span` records its status and
    /// request id.
    async fn answer(&self, mut response: reqwest::Response, span: &tracing::Span) -> Attempt {
        let inner = &self.inner;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if !span.is_disabled() {
            span.record("status", status.as_u16());
            // Every attempt records its own id (empty when the answer has none).
            span.record("request_id", headers.get(X_REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or(""));
        }
        // Reading stops at the limit: a success body beyond it is an error, an error body is
        // cut (it only feeds the error's list and snippet).
        let limit = if status.is_success() { inner.max_body_size } else { inner.max_body_size.min(MAX_ERROR_BODY_SIZE) };
        let too_large = |headers: &http::HeaderMap| {
            let request_id = headers.get(X_REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned);
            Attempt::Failed(Failure::last(Error::BodyTooLarge { limit, status, request_id }))
        };
        let declared = response.content_length().and_then(|n| usize::try_from(n).ok());
        if status.is_success() && declared.is_some_and(|n| n > limit) {
            return too_large(&headers);
        }
        let bytes = match read_body(&mut response, limit, declared).await {
            Ok(Body::Whole(b)) => b,
            Ok(Body::Cut(b)) if !status.is_success() => b,
            Ok(Body::Cut(_)) => return too_large(&headers),
            Err(e) => return classify(e),
        };
        let mut out = http::Response::new(bytes);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Attempt::Done(out)
    }
}

/// An attempt that sent nothing: no token, or a hook said no.
fn unsent(error: Error) -> Attempt {
    Attempt::Failed(Failure { error, sent: false, retryable: false })
}

/// An attempt whose transport failed, sorted.
fn classify(e: reqwest::Error) -> Attempt {
    Attempt::Failed(Failure::from_reqwest(e))
}

/// The items of a stream of pages.
pub(crate) fn items_of<O>(
    pages: impl Stream<Item = Result<O::Output, Error>> + Send + 'static,
) -> impl Stream<Item = Result<O::Item, Error>> + Send + 'static
where
    O: Paginated,
    O::Item: Send,
{
    pages.map_ok(|page| stream::iter(O::items(page).into_iter().map(Ok))).try_flatten()
}

/// A body as read by [`read_body`].
enum Body {
    /// All of it.
    Whole(bytes::Bytes),
    /// Its first `limit` bytes: there was more.
    Cut(bytes::Bytes),
}

/// Reads a body chunk by chunk, stopping once it passes `limit` bytes. A body that comes in
/// one chunk (the common case) is kept as it came, without a copy.
async fn read_body(response: &mut reqwest::Response, limit: usize, declared: Option<usize>) -> Result<Body, reqwest::Error> {
    let mut first = bytes::Bytes::new();
    let mut joined: Option<Vec<u8>> = None;
    while let Some(chunk) = response.chunk().await? {
        let so_far = joined.as_ref().map_or(first.len(), Vec::len);
        if so_far + chunk.len() > limit {
            let mut all = joined.unwrap_or_else(|| first.to_vec());
            all.extend_from_slice(&chunk[..limit - so_far]);
            return Ok(Body::Cut(all.into()));
        }
        match &mut joined {
            Some(all) => all.extend_from_slice(&chunk),
            None if first.is_empty() => first = chunk,
            None => {
                let mut all = Vec::with_capacity(declared.unwrap_or(0).clamp(so_far + chunk.len(), limit));
                all.extend_from_slice(&first);
                all.extend_from_slice(&chunk);
                joined = Some(all);
            }
        }
    }
    Ok(Body::Whole(joined.map_or(first, bytes::Bytes::from)))
}
