//! The async client: reqwest, bearer auth (a token or a provider), regions, timeouts, retries,
//! hooks, tracing and pagination. Every generated operation is sent through [`Client::send`]
//! or [`Client::request`].

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, TryStreamExt};
use http::header::{AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use tracing::Instrument;

use crate::auth::{Auth, Token, TokenProvider};
use crate::error::Error;
use crate::hook::{AttemptInfo, Hook};
use crate::operation::{Built, build, parse};
use crate::request::{Options, RequestBuilder};
use crate::response::Response;
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
    auth: Result<Auth, Error>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Option<Duration>,
    max_body_size: usize,
    allow_insecure_http: bool,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    wraps: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.auth)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("deadline", &self.deadline)
            .field("max_body_size", &self.max_body_size)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: US region, 60 s timeout, [`RetryPolicy::default`].
    pub fn new(token: impl Into<String>) -> Self {
        Self::with_auth(Token::new(token).header().map(Auth::Static))
    }

    /// A builder whose token comes from `provider`, asked before every attempt (a refreshed
    /// OAuth token); see [`TokenProvider`].
    pub fn with_token_provider(provider: impl TokenProvider) -> Self {
        Self::with_auth(Ok(Auth::Provider(Arc::new(provider))))
    }

    /// A builder configured from the environment: the token from `INTERCOM_ACCESS_TOKEN`
    /// (or `INTERCOM_API_KEY`, the name Intercom's own SDKs read, when the first is unset), and
    /// the base URL from `INTERCOM_BASE_URL` when it is set (a proxy, a mock server; else the US
    /// region). An error when no token is set, or when it is empty.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env), reading variables with `var`.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let token = var(TOKEN_VARIABLE).or_else(|| var(SDK_TOKEN_VARIABLE)).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "no Intercom access token: set {TOKEN_VARIABLE} (or {SDK_TOKEN_VARIABLE}) to a token from Intercom's Developer Hub"
            ))
        })?;
        let builder = Self::new(token.trim());
        Ok(match var(BASE_URL_VARIABLE) {
            Some(url) => builder.base_url(url.trim()),
            None => builder,
        })
    }

    fn with_auth(auth: Result<Auth, Error>) -> Self {
        ClientBuilder {
            auth,
            base_url: Region::Us.base_url().to_owned(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            deadline: None,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            allow_insecure_http: false,
            user_agent: concat!("intercom-api-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            wraps: PhantomData,
        }
    }

    /// Takes the token from `provider`, asked before every attempt, instead of a fixed one.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.auth = Ok(Auth::Provider(Arc::new(provider)));
        self
    }

    /// Adds a [`Hook`], which sees every attempt; hooks run in the order they are added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
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
        let auth = self.auth?;
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
                hooks: self.hooks,
            }),
        }))
    }
}

/// The variable [`ClientBuilder::from_env`] reads the token from.
const TOKEN_VARIABLE: &str = "INTERCOM_ACCESS_TOKEN";
/// The variable Intercom's own SDKs read the token from, read when [`TOKEN_VARIABLE`] is unset.
const SDK_TOKEN_VARIABLE: &str = "INTERCOM_API_KEY";
/// The variable [`ClientBuilder::from_env`] reads a base URL from.
const BASE_URL_VARIABLE: &str = "INTERCOM_BASE_URL";

/// The reqwest client a builder makes: redirects are not followed (an operation answering with
/// one reads it, any other reports it with its `Location`), and with the TLS backend the
/// features chose (native-tls when both it and rustls are compiled in, as reqwest does).
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
/// let client = Client::builder(std::env::var("INTERCOM_ACCESS_TOKEN").unwrap()).region(Region::Eu).build()?;
/// // or, from INTERCOM_ACCESS_TOKEN (and INTERCOM_BASE_URL, when set):
/// let client = Client::from_env()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    user_agent: HeaderValue,
    timeout: Duration,
    deadline: Option<Duration>,
    max_body_size: usize,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.auth)
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry", &self.inner.retry)
            .field("hooks", &self.inner.hooks.len())
            .finish()
    }
}

/// `X-Request-Id`, Intercom's id for a request.
const X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");

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

/// A request made once per call and shared by its attempts: the URL parsed, the headers but
/// the token, the body shared without copying.
pub(crate) struct Prepared {
    method: Method,
    url: reqwest::Url,
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
struct Labels {
    operation: &'static str,
    path: &'static str,
}

impl Client {
    /// A client for `token`, to configure.
    pub fn builder(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(token)
    }

    /// A client whose token comes from `provider`, asked before every attempt (a refreshed OAuth
    /// token), to configure; see [`TokenProvider`].
    pub fn builder_with_token_provider(provider: impl TokenProvider) -> ClientBuilder {
        ClientBuilder::with_token_provider(provider)
    }

    /// A client configured from the environment, with the defaults otherwise; see
    /// [`ClientBuilder::from_env`] (`INTERCOM_ACCESS_TOKEN`, `INTERCOM_BASE_URL`).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `operation`, retrying as the [`RetryPolicy`] allows, and decodes the response.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Output, Error> {
        let options = Options::default();
        self.execute::<O>(self.prepare(operation, &options), &options, false).await.map(Response::into_output)
    }

    /// `operation` with options of its own (timeout, retries, extra headers and query
    /// parameters), to send with its answer's metadata ([`Response`]), or to page through.
    ///
    /// ```no_run
    /// # use intercom_api_runtime::{Client, Operation, Error};
    /// # async fn run<O: Operation>(client: Client, operation: O) -> Result<(), Error> where O::Output: std::fmt::Debug {
    /// use std::time::Duration;
    /// use intercom_api_runtime::RetryPolicy;
    ///
    /// let response = client
    ///     .request(operation)
    ///     .timeout(Duration::from_secs(5))
    ///     .retry(RetryPolicy::never())
    ///     .header("x-trace-id", "abc")
    ///     .send_with_response()
    ///     .await?;
    /// println!("{:?} (request {:?}, {:?} left)", response.output, response.request_id(),
    ///          response.rate_limit().and_then(|r| r.remaining));
    /// # Ok(()) }
    /// ```
    pub fn request<O: Operation>(&self, operation: O) -> RequestBuilder<'_, O> {
        RequestBuilder::new(self, operation)
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
        self.pages_with(operation, Options::default())
    }

    /// Every result of a list operation, page after page.
    pub fn items<O>(&self, operation: O) -> impl Stream<Item = Result<O::Item, Error>> + Send + 'static
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
        O::Item: Send,
    {
        items_of::<O>(self.pages(operation))
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

    /// Sends with retries; `span` is the request's span, whose fields are filled in here (it
    /// is passed, not taken from the current context, so the fields never land elsewhere).
    async fn send_with_retries(
        &self,
        prepared: &Prepared,
        options: &Options,
        scroll: bool,
        labels: Labels,
        span: &tracing::Span,
    ) -> Result<http::Response<bytes::Bytes>, Failure> {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let deadline = options.deadline.or(self.inner.deadline).map(|d| tokio::time::Instant::now() + d);
        let hooks = &self.inner.hooks;
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            let info = (!hooks.is_empty()).then(|| AttemptInfo {
                operation: labels.operation,
                method: prepared.method.clone(),
                path: labels.path,
                attempt,
                started: std::time::Instant::now(),
            });
            let outcome = match deadline {
                Some(at) => tokio::time::timeout_at(at, self.attempt(prepared, timeout, span, info.as_ref()))
                    .await
                    .unwrap_or_else(|_| Attempt::Failed(Failure::last(Error::Timeout))),
                None => self.attempt(prepared, timeout, span, info.as_ref()).await,
            };
            if let Some(info) = &info {
                let seen = match &outcome {
                    Attempt::Done(response) => Ok(response),
                    Attempt::Failed(failure) => Err(&failure.error),
                };
                for hook in hooks {
                    hook.on_response(info, seen);
                }
            }
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
                    if response.status().is_server_error() && !last && !scroll && policy.may_retry_failure(&prepared.method) =>
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
                    if !last && (!*sent || (!scroll && policy.may_retry_failure(&prepared.method))) =>
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

    /// One attempt: the token, the hooks, the request, and the answer read up to the limit.
    async fn attempt(&self, prepared: &Prepared, timeout: Duration, span: &tracing::Span, info: Option<&AttemptInfo>) -> Attempt {
        let inner = &self.inner;
        // Nothing is sent when there is no token or a hook says no.
        let unsent = |error: Error| Attempt::Failed(Failure { error, sent: false, retryable: false });
        let mut headers = prepared.headers.clone();
        if !prepared.own_auth {
            match inner.auth.header().await {
                Ok(auth) => headers.insert(AUTHORIZATION, auth),
                Err(error) => return unsent(error),
            };
        }
        let classify = |e: reqwest::Error| Attempt::Failed(Failure::from_reqwest(e));
        let mut request = match info {
            None => {
                let mut request = reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
                *request.headers_mut() = headers;
                if !prepared.body.is_empty() {
                    *request.body_mut() = Some(prepared.body.clone().into());
                }
                request
            }
            Some(info) => {
                let mut request = http::Request::new(prepared.body.clone());
                *request.method_mut() = prepared.method.clone();
                *request.uri_mut() = match prepared.url.as_str().parse() {
                    Ok(uri) => uri,
                    Err(e) => return unsent(Error::InvalidRequest(format!("`{}` is not a valid request URI: {e}", prepared.url))),
                };
                *request.headers_mut() = headers;
                for hook in &inner.hooks {
                    match hook.on_request(info, &mut request) {
                        Ok(None) => {}
                        Ok(Some(response)) => return Attempt::Done(response),
                        Err(error) => return unsent(error),
                    }
                }
                match reqwest::Request::try_from(request) {
                    Ok(request) => request,
                    Err(e) => return classify(e),
                }
            }
        };
        *request.timeout_mut() = Some(timeout);
        let mut response = match inner.http.execute(request).await {
            Ok(r) => r,
            Err(e) => return classify(e),
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_token() {
        let client = Client::builder("secret-token-123").build().unwrap();
        let builder = Client::builder("secret-token-123");
        let text = format!("{client:?} {builder:?} {:?}", Token::new("secret-token-123"));
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
    fn the_environment_gives_the_token_and_the_base_url() {
        let from = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
            ClientBuilder::<Client>::from_vars(move |name| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
        };
        let Err(Error::InvalidRequest(why)) = from(&[("INTERCOM_ACCESS_TOKEN", "  ")]) else { panic!("a blank token was accepted") };
        assert!(why.contains("INTERCOM_ACCESS_TOKEN") && why.contains("INTERCOM_API_KEY"), "{why}");
        let builder = from(&[("INTERCOM_ACCESS_TOKEN", "tok-a\n"), ("INTERCOM_API_KEY", "tok-b")]).unwrap();
        assert_eq!(builder.base_url, "https://api.intercom.io");
        assert!(matches!(&builder.auth, Ok(Auth::Static(v)) if v == "Bearer tok-a"));
        assert!(!format!("{builder:?}").contains("tok-a"));
        let builder = from(&[("INTERCOM_API_KEY", "tok-b"), ("INTERCOM_BASE_URL", "http://127.0.0.1:4010")]).unwrap();
        assert!(matches!(&builder.auth, Ok(Auth::Static(v)) if v == "Bearer tok-b"));
        assert_eq!(builder.base_url, "http://127.0.0.1:4010");
        assert!(builder.build().is_ok());
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

#[cfg(test)]
mod method_list {
    /// `CLIENT_METHODS` is what `impl Client` defines: the generator reads the list to keep
    /// tag accessors from shadowing a method.
    #[test]
    fn the_listed_client_methods_are_the_methods() {
        let source = include_str!("client.rs");
        let mut methods = Vec::new();
        let mut inside = false;
        for line in source.lines() {
            if line == "impl Client {" {
                inside = true;
            } else if inside && line == "}" {
                inside = false;
            } else if inside {
                let signature = line.trim_start_matches("    ");
                if let Some(rest) = signature.strip_prefix("pub fn ").or_else(|| signature.strip_prefix("pub async fn ")) {
                    methods.push(rest.split(['(', '<']).next().unwrap_or_default().to_owned());
                }
            }
        }
        methods.sort();
        let mut listed: Vec<String> = crate::CLIENT_METHODS.iter().map(|m| (*m).to_owned()).collect();
        listed.sort();
        assert_eq!(listed, methods, "update CLIENT_METHODS in lib.rs");
    }
}
