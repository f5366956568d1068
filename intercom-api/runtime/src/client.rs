//! The async client: reqwest with rustls, bearer auth, regions, timeouts, retries, tracing and
//! pagination. Every generated operation is sent through [`Client::send`].

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, Stream, TryStreamExt};
use http::{HeaderValue, Method, StatusCode};
use tracing::Instrument;

use crate::error::Error;
use crate::{Operation, Paginated, PaginationStyle};

/// Where Intercom hosts a workspace: the `servers` of Intercom's OpenAPI descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// `https://api.intercom.io`
    #[default]
    Us,
    /// `https://api.eu.intercom.io`
    Eu,
    /// `https://api.au.intercom.io`
    Au,
}

impl Region {
    /// Every region, in the order of the spec's `servers`.
    pub const ALL: [Region; 3] = [Region::Us, Region::Eu, Region::Au];

    /// The region's API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }
}

/// An access token. Its `Debug` output hides it, and it is sent as a sensitive header, which
/// HTTP tooling does not log.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// When a failed attempt is tried again.
///
/// Rate-limited requests (429) are always retried, after `Retry-After` or
/// `X-RateLimit-Reset`. Server errors (5xx), timeouts and connections reset or closed before
/// the answer are retried only for GET, PUT, DELETE and HEAD unless
/// [`retry_non_idempotent`](RetryPolicy::retry_non_idempotent) is set: Intercom has no
/// idempotency keys, so a retried POST can act twice. A connection that could not be made
/// (refused, timed out) is retried for every method, as nothing was sent. Errors that would
/// only repeat are never retried: DNS and TLS failures (a bad certificate), an invalid URL,
/// too many redirects.
///
/// The pages of a scroll listing ([`PaginationStyle::Scroll`], walked with
/// [`Client::pages`]/[`Client::items`]) are retried only when Intercom cannot have seen the
/// request (a refused connection, or a 429): Intercom moves the scroll cursor when it answers,
/// so a retry of a lost page would return the next one. Any other failure ends the scroll
/// with [`Error::ScrollInterrupted`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, including the first (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it, with full jitter.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// The longest wait a 429 or 503 may ask for (`Retry-After`, `X-RateLimit-Reset`); an
    /// answer asking for longer is returned.
    pub max_rate_limit_wait: Duration,
    /// Also retry POST and PATCH after server errors, timeouts and connection errors.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_rate_limit_wait: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn never() -> RetryPolicy {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// This policy with `max_attempts` attempts in all.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> RetryPolicy {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// This policy with a different first and longest backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> RetryPolicy {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// This policy with a different longest rate-limit wait.
    pub fn with_max_rate_limit_wait(mut self, wait: Duration) -> RetryPolicy {
        self.max_rate_limit_wait = wait;
        self
    }

    /// This policy, retrying POST and PATCH too.
    pub fn with_retry_non_idempotent(mut self, retry: bool) -> RetryPolicy {
        self.retry_non_idempotent = retry;
        self
    }

    fn may_retry_failure(&self, method: &Method) -> bool {
        self.retry_non_idempotent || matches!(*method, Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS)
    }

    /// Exponential backoff with full jitter before attempt `attempt + 1`.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = exp.min(self.max_backoff);
        cap.mul_f64(fastrand::f64())
    }
}

/// Configures a [`Client`], or a generated crate's client (`C`), which wraps one.
pub struct ClientBuilder<C = Client> {
    token: Token,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Option<Duration>,
    max_body_size: usize,
    allow_insecure_http: bool,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    wraps: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("max_body_size", &self.max_body_size)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: US region, 60 s timeout, [`RetryPolicy::default`].
    pub fn new(token: impl Into<String>) -> Self {
        ClientBuilder {
            token: Token::new(token),
            base_url: Region::Us.base_url().to_owned(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            deadline: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            allow_insecure_http: false,
            user_agent: concat!("intercom-api-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            wraps: PhantomData,
        }
    }

    /// Sends to `region` (the default is [`Region::Us`]).
    pub fn region(mut self, region: Region) -> Self {
        self.base_url = region.base_url().to_owned();
        self
    }

    /// Sends to a custom base URL (a proxy, a mock server). It must be `https`, or `http` to a
    /// loopback host (`localhost`, `127.0.0.1`, `[::1]`), unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) says otherwise: the token goes with
    /// every request.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Accepts an `http` base URL to any host, sending the token in plain text (a proxy on a
    /// trusted network). Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How long one attempt may take, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long making a connection (TCP and TLS) may take (default 10 s). A connection that
    /// could not be made is retried, for any method. It applies to the client this builder
    /// makes, not to one given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole call may take, every attempt and every wait between them included
    /// (default: no limit but the attempts' own). A call that reaches it ends with
    /// [`Error::Timeout`], or with the last failure when the next wait would pass it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The largest success body read, in bytes (default 64 MiB). The body is read as it
    /// arrives and reading stops at the limit: a larger one is [`Error::BodyTooLarge`]. Error
    /// bodies are read up to 64 KiB (or this limit, if lower) and cut there, which is enough for
    /// Intercom's error list.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The `User-Agent` header (default `intercom-api-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through this `reqwest::Client` (its pools, proxies and TLS settings). Build it with
    /// `redirect(reqwest::redirect::Policy::none())`, as the client does: an operation answering
    /// with a redirect ([`Redirect`](crate::Redirect)) must see it, and a redirect followed with
    /// the token could take it elsewhere.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// When to retry (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client.
    pub fn build(self) -> Result<C, Error> {
        check_base_url(&self.base_url, self.allow_insecure_http)?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.token.0))
            .map_err(|_| Error::InvalidRequest("the token holds characters a header cannot carry".to_owned()))?;
        auth.set_sensitive(true);
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::InvalidRequest(format!("`{}` is not a valid User-Agent", self.user_agent)))?;
        let http = match self.http {
            Some(http) => http,
            None => new_http_client(self.connect_timeout).map_err(|e| Error::Transport(Box::new(e)))?,
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url.trim_end_matches('/').to_owned(),
                auth,
                user_agent,
                timeout: self.timeout,
                deadline: self.deadline,
                max_body_size: self.max_body_size,
                retry: self.retry,
            }),
        }))
    }
}

/// The reqwest client a builder makes: redirects are not followed (an operation answering with
/// one reads it, any other reports it with its `Location`).
fn new_http_client(connect_timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder().connect_timeout(connect_timeout).redirect(reqwest::redirect::Policy::none()).build()
}

/// An `https` URL, or `http` to a loopback host or when `insecure` allows it.
fn check_base_url(base_url: &str, insecure: bool) -> Result<(), Error> {
    let invalid = |why: &str| Err(Error::InvalidRequest(format!("the base URL `{base_url}` {why}")));
    let Ok(uri) = base_url.parse::<http::Uri>() else { return invalid("is not a URL") };
    let Some(host) = uri.host() else { return invalid("has no host") };
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if insecure || is_loopback(host) => Ok(()),
        Some("http") => invalid(
            "is http: the token would cross the network in plain text. Use https, or \
             ClientBuilder::allow_insecure_http(true) to accept that",
        ),
        _ => invalid("is neither https nor http"),
    }
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An Intercom API client. Cheap to clone (the connection pool is shared).
///
/// ```no_run
/// # async fn run() -> Result<(), intercom_api_runtime::Error> {
/// use intercom_api_runtime::{Client, Region};
/// let client = Client::builder(std::env::var("INTERCOM_TOKEN").unwrap()).region(Region::Eu).build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    deadline: Option<Duration>,
    max_body_size: usize,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &"<redacted>")
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// The default [`ClientBuilder::max_body_size`]: well above Intercom's largest pages.
const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

/// How much of an error body is read: its error list, or the start of an HTML page.
const MAX_ERROR_BODY_SIZE: usize = 64 << 10;

enum Attempt {
    Done(http::Response<bytes::Bytes>),
    Failed(Failure),
}

/// A request that got no usable answer.
struct Failure {
    error: Error,
    /// The request may have reached Intercom (false only when the connection was never made).
    sent: bool,
    /// Trying again may help: a refused, reset or dropped connection, or a timeout. A DNS
    /// failure, a TLS failure, a bad URL or too many redirects would fail the same way again.
    retryable: bool,
}

impl Failure {
    /// A failure that trying again cannot mend.
    fn last(error: Error) -> Failure {
        Failure { error, sent: true, retryable: false }
    }

    /// Sorts a reqwest error.
    fn from_reqwest(e: reqwest::Error) -> Failure {
        // A connect error (refused, DNS, TLS handshake) means nothing reached Intercom.
        let sent = !e.is_connect();
        let retryable = e.is_timeout() || (!(e.is_builder() || e.is_redirect() || e.is_dns() || e.is_decode()) && is_transient(&e));
        let error = if e.is_timeout() { Error::Timeout } else { Error::Transport(Box::new(e.without_url())) };
        Failure { error, sent, retryable }
    }
}

/// Whether the cause of a transport error is a connection refused, reset, cut or timed out
/// (worth retrying), rather than a certificate, a protocol error or anything else.
fn is_transient(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::*;
    let mut cause = Some(error);
    while let Some(e) = cause {
        let transient_io = e.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                ConnectionRefused
                    | ConnectionReset
                    | ConnectionAborted
                    | NotConnected
                    | BrokenPipe
                    | UnexpectedEof
                    | TimedOut
                    | HostUnreachable
                    | NetworkUnreachable
                    | AddrNotAvailable
            )
        });
        // The connection closed before the answer came, or before the request went out.
        let closed = e.downcast_ref::<hyper::Error>().is_some_and(|h| h.is_incomplete_message() || h.is_canceled());
        if transient_io || closed {
            return true;
        }
        cause = e.source();
    }
    false
}

impl Client {
    /// A client for `token`, to configure.
    pub fn builder(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(token)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `operation`, retrying as the [`RetryPolicy`] allows, and decodes the response.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Output, Error> {
        self.send_request::<O>(operation.to_request(&self.inner.base_url), false).await
    }

    /// Sends `request`, made by an `O`; `scroll` when it is a page of a scroll listing, which is
    /// never retried once it may have reached Intercom (Intercom moves the scroll cursor when it
    /// answers, so a retry with the same `scroll_param` would return the next page and skip one).
    async fn send_request<O: Operation>(&self, request: Result<http::Request<Vec<u8>>, Error>, scroll: bool) -> Result<O::Output, Error> {
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
        async move {
            let request = request?;
            let lost = |error: Error| if scroll { Error::ScrollInterrupted(Box::new(error)) } else { error };
            let response = match self.send_with_retries(request, scroll, &fields).await {
                Ok(response) => response,
                Err(Failure { error, sent: true, .. }) => return Err(lost(error)),
                Err(Failure { error, sent: false, .. }) => return Err(error),
            };
            // A 429 was not acted on, so the cursor did not move; any other answer may have
            // moved it, whatever it says.
            let rate_limited = response.status() == StatusCode::TOO_MANY_REQUESTS;
            O::parse_response(response).map_err(|e| if rate_limited { e } else { lost(e) })
        }
        .instrument(span)
        .await
    }

    /// Sends with retries; `span` is the request's span, whose fields are filled in here (it
    /// is passed, not taken from the current context, so the fields never land elsewhere).
    async fn send_with_retries(
        &self,
        request: http::Request<Vec<u8>>,
        scroll: bool,
        span: &tracing::Span,
    ) -> Result<http::Response<bytes::Bytes>, Failure> {
        let (parts, body) = request.into_parts();
        // Shared by every attempt without copying.
        let body = bytes::Bytes::from(body);
        let policy = &self.inner.retry;
        let deadline = self.inner.deadline.map(|d| tokio::time::Instant::now() + d);
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            let outcome = match deadline {
                Some(at) => tokio::time::timeout_at(at, self.attempt(&parts, &body, span))
                    .await
                    .unwrap_or_else(|_| Attempt::Failed(Failure::last(Error::Timeout))),
                None => self.attempt(&parts, &body, span).await,
            };
            let last = attempt >= policy.max_attempts;
            let wait = match &outcome {
                Attempt::Done(response) if response.status() == StatusCode::TOO_MANY_REQUESTS && !last => {
                    let asked = crate::error::retry_after(response.headers(), std::time::SystemTime::now());
                    match asked {
                        Some(wait) if wait > policy.max_rate_limit_wait => None,
                        // A reset time already past (clock skew) must not retry at once.
                        Some(wait) => Some(wait.max(policy.backoff(attempt))),
                        None => Some(policy.backoff(attempt)),
                    }
                }
                Attempt::Done(response)
                    if response.status().is_server_error() && !last && !scroll && policy.may_retry_failure(&parts.method) =>
                {
                    // A 503 may say when to come back, like a 429.
                    let asked = (response.status() == StatusCode::SERVICE_UNAVAILABLE)
                        .then(|| crate::error::retry_after(response.headers(), std::time::SystemTime::now()))
                        .flatten();
                    match asked {
                        Some(wait) if wait > policy.max_rate_limit_wait => None,
                        Some(wait) => Some(wait.max(policy.backoff(attempt))),
                        None => Some(policy.backoff(attempt)),
                    }
                }
                // A connection never made is retried whatever the method: nothing was acted on.
                Attempt::Failed(Failure { retryable: true, sent, .. })
                    if !last && (!*sent || (!scroll && policy.may_retry_failure(&parts.method))) =>
                {
                    Some(policy.backoff(attempt))
                }
                _ => None,
            };
            // No wait that would end past the deadline: the last failure is the answer.
            let wait = wait.filter(|wait| deadline.is_none_or(|at| tokio::time::Instant::now() + *wait < at));
            match (wait, outcome) {
                (Some(wait), outcome) => {
                    let why = match &outcome {
                        Attempt::Done(r) => r.status().to_string(),
                        Attempt::Failed(f) => f.error.to_string(),
                    };
                    tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, %why, "retrying Intercom request");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                (None, Attempt::Done(response)) => return Ok(response),
                (None, Attempt::Failed(failure)) => return Err(failure),
            }
        }
    }

    async fn attempt(&self, parts: &http::request::Parts, body: &bytes::Bytes, span: &tracing::Span) -> Attempt {
        let inner = &self.inner;
        let mut request = inner.http.request(parts.method.clone(), parts.uri.to_string()).timeout(inner.timeout);
        if !body.is_empty() {
            request = request.body(body.clone());
        }
        for (name, value) in &parts.headers {
            request = request.header(name, value);
        }
        request =
            request.header(http::header::AUTHORIZATION, inner.auth.clone()).header(http::header::USER_AGENT, inner.user_agent.clone());
        let classify = |e: reqwest::Error| Attempt::Failed(Failure::from_reqwest(e));
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return classify(e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        span.record("status", status.as_u16());
        // Every attempt records its own id (empty when the answer has none).
        span.record("request_id", headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or(""));
        // Reading stops at the limit: a success body beyond it is an error, an error body is
        // cut (it only feeds the error's list and snippet).
        let limit = if status.is_success() { inner.max_body_size } else { inner.max_body_size.min(MAX_ERROR_BODY_SIZE) };
        let too_large = |headers: &http::HeaderMap| {
            let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
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

    /// [`send`](Self::send), taking the operation by value. The generated tag groups' methods
    /// return this: being generic, it is compiled only for the operations a program uses.
    pub async fn send_owned<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        self.send(&operation).await
    }

    /// The pages of a list operation, from `operation`'s page to the last. The stream ends
    /// after the first error.
    pub fn pages<O>(&self, operation: O) -> impl Stream<Item = Result<O::Output, Error>> + Send + 'static
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
    {
        let client = self.clone();
        let request = operation.to_request(&client.inner.base_url);
        let mut seen = HashSet::new();
        if let Ok(request) = &request {
            seen.insert(request_key(request));
        }
        stream::try_unfold((Some((operation, request)), seen), move |(next, mut seen)| {
            let client = client.clone();
            async move {
                let Some((operation, request)) = next else { return Ok(None) };
                let page = client.send_request::<O>(request, O::STYLE == PaginationStyle::Scroll).await?;
                // The end: an empty page, no next page, or a next page already fetched (a
                // server that ignores the cursor, or sends cursors in a cycle A → B → A, would
                // otherwise loop forever).
                let following = if O::item_count(&page) == 0 { None } else { operation.next_page(&page) };
                let following = following.map(|op| {
                    let request = op.to_request(&client.inner.base_url);
                    (op, request)
                });
                let following = following.filter(|(_, request)| match request {
                    Ok(request) if !seen.insert(request_key(request)) => {
                        tracing::warn!(operation = O::OPERATION_ID, uri = %request.uri(), "the next page is one already fetched; the listing ends here");
                        false
                    }
                    _ => true,
                });
                Ok(Some((page, (following, seen))))
            }
        })
    }

    /// Every result of a list operation, page after page.
    pub fn items<O>(&self, operation: O) -> impl Stream<Item = Result<O::Item, Error>> + Send + 'static
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
        O::Item: Send,
    {
        self.pages(operation).map_ok(|page| stream::iter(O::items(page).into_iter().map(Ok))).try_flatten()
    }

    /// Every result of a list operation, collected.
    pub async fn collect_items<O>(&self, operation: O) -> Result<Vec<O::Item>, Error>
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
        O::Item: Send,
    {
        self.items(operation).try_collect().await
    }
}

/// What identifies a page: its request's URI and body (where search puts its cursor). A 64-bit
/// hash, so a listing of any length costs 8 bytes a page.
fn request_key(request: &http::Request<Vec<u8>>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    request.uri().hash(&mut hasher);
    request.body().hash(&mut hasher);
    hasher.finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_token() {
        let client = Client::builder("secret-token-123").build().unwrap();
        let text = format!("{client:?} {:?}", Token::new("secret-token-123"));
        assert!(!text.contains("secret-token-123"), "{text}");
    }

    /// How a request to `url` fails.
    async fn failure(url: &str) -> Failure {
        Failure::from_reqwest(reqwest::Client::new().get(url).send().await.unwrap_err())
    }

    #[tokio::test]
    async fn transport_errors_are_sorted_into_retryable_and_final() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = format!("http://{}/", closed.local_addr().unwrap());
        drop(closed);
        let f = failure(&refused).await;
        assert!(f.retryable && !f.sent, "refused: {:?}", f.error);

        // A connection closed after the request was read, before any answer.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            while let Ok((mut stream, _)) = listener.accept().await {
                let _ = stream.read(&mut [0u8; 4096]).await;
            }
        });
        let f = failure(&format!("http://{address}/")).await;
        assert!(f.retryable && f.sent, "hung up: {:?}", f.error);

        let f = failure("https://no-such-host.invalid/").await;
        assert!(!f.retryable && !f.sent, "DNS: {:?}", f.error);
        let f = failure("ftp://example.com/").await;
        assert!(!f.retryable, "scheme: {:?}", f.error);
    }

    #[test]
    fn base_urls_must_be_https_except_on_loopback() {
        let build = |url: &str, insecure: bool| Client::builder("t").base_url(url).allow_insecure_http(insecure).build();
        for ok in [
            "https://api.intercom.io",
            "https://proxy.example:8443/intercom",
            "http://127.0.0.1:4010",
            "http://localhost:8080",
            "http://[::1]:80",
            "http://127.8.9.1",
        ] {
            assert!(build(ok, false).is_ok(), "{ok}");
        }
        for plain in ["http://api.intercom.io", "http://10.0.0.5:8080", "http://localhost.example.com", "http://127.0.0.1.nip.io"] {
            let Err(Error::InvalidRequest(why)) = build(plain, false) else { panic!("{plain} accepted") };
            assert!(why.contains("plain text") && why.contains("allow_insecure_http"), "{why}");
            assert!(build(plain, true).is_ok(), "{plain} refused despite the opt-out");
        }
        for bad in ["ftp://api.intercom.io", "api.intercom.io", "", "https://"] {
            assert!(matches!(build(bad, true), Err(Error::InvalidRequest(_))), "{bad:?} accepted");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_millis(250));
        for attempt in 1..10 {
            assert!(policy.backoff(attempt) <= Duration::from_millis(250));
        }
        assert!(!policy.may_retry_failure(&Method::POST));
        assert!(policy.clone().with_retry_non_idempotent(true).may_retry_failure(&Method::POST));
        assert!(policy.may_retry_failure(&Method::GET));
    }
}
