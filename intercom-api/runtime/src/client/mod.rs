//! The async client: reqwest, bearer auth (a token or a provider), regions, timeouts, retries,
//! hooks, tracing and pagination. Every generated operation is sent through [`Client::send`]
//! or [`Client::request`].
//!
//! This file holds the client and its public methods; configuring one is in `builder.rs`,
//! when a call is tried again in `retry.rs`, and sending one (the request prepared once, each
//! attempt, the answer read up to its limit, the pages of a listing) in `send.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{Stream, TryStreamExt};
use http::HeaderValue;

use crate::auth::{Auth, TokenProvider};
use crate::error::Error;
use crate::hook::Hook;
use crate::request::{Options, RequestBuilder};
use crate::response::Response;
use crate::{Operation, Paginated};

mod builder;
mod retry;
mod send;

pub use builder::{ClientBuilder, Region};
pub use retry::RetryPolicy;
pub(crate) use send::items_of;

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
    ///
    /// The future says it is `Send` here, where the compiler proves it once for every
    /// operation; a generated method that returns it then only reads that bound. Left to be
    /// inferred from the `async` body, the proof was redone for each of the Unstable crate's
    /// 287 methods, a fifth of that crate's build.
    #[allow(clippy::manual_async_fn, reason = "an `async fn` cannot say its future is `Send`")]
    pub fn send_owned<O>(&self, operation: O) -> impl Future<Output = Result<O::Output, Error>> + Send
    where
        O: Operation + Send + Sync,
        O::Output: Send,
    {
        async move { self.send(&operation).await }
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
}

#[cfg(test)]
mod method_list {
    /// `CLIENT_METHODS` is what `impl Client` defines: the generator reads the list to keep
    /// tag accessors from shadowing a method.
    #[test]
    fn the_listed_client_methods_are_the_methods() {
        // Every file of the module that may hold an `impl Client`.
        let sources = [include_str!("mod.rs"), include_str!("builder.rs"), include_str!("retry.rs"), include_str!("send.rs")];
        let mut methods = Vec::new();
        let mut inside = false;
        for line in sources.iter().flat_map(|source| source.lines()) {
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
