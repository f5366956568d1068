//! One call with options of its own: [`Client::request`](crate::Client::request).

use std::fmt;
use std::time::Duration;

use futures_util::Stream;
use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::utf8_percent_encode;

use crate::client::{Client, RetryPolicy, items_of};
use crate::error::Error;
use crate::operation::COMPONENT;
use crate::response::Response;
use crate::{Operation, Paginated};

/// What a call changes of the client's settings. Empty for [`Client::send`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    /// Headers set on every attempt, replacing the operation's of the same name.
    pub(crate) headers: HeaderMap,
    /// Query parameters added after the operation's, percent-encoded and joined with `&`.
    pub(crate) query: String,
    /// Why a header given could not be sent: the call fails with it.
    pub(crate) invalid: Option<String>,
}

/// An operation with options of its own, from [`Client::request`]: send it once
/// ([`send`](Self::send), or [`send_with_response`](Self::send_with_response) for the status,
/// headers, request id and rate limit), or walk its pages ([`pages`](Self::pages),
/// [`items`](Self::items)), every page with the same options.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'a, O> {
    client: &'a Client,
    operation: O,
    options: Options,
}

impl<O> fmt::Debug for RequestBuilder<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder").field("client", self.client).field("options", &self.options).finish_non_exhaustive()
    }
}

impl<'a, O: Operation> RequestBuilder<'a, O> {
    pub(crate) fn new(client: &'a Client, operation: O) -> Self {
        RequestBuilder { client, operation, options: Options::default() }
    }

    /// How long each attempt may take, instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// How long the whole call may take, retries included, instead of the client's
    /// [`deadline`](crate::ClientBuilder::deadline). For [`pages`](Self::pages), each page's.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.options.deadline = Some(deadline);
        self
    }

    /// When to retry, instead of the client's [`RetryPolicy`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.options.retry = Some(retry);
        self
    }

    /// Adds a header to every attempt, replacing the operation's or the client's of the same
    /// name (`Authorization` included: the client's token is then not sent). A name or value
    /// that cannot be a header fails the call with [`Error::InvalidRequest`].
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: fmt::Display,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: fmt::Display,
    {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.options.headers.append(name, value);
            }
            (Err(e), _) => self.options.invalid = Some(format!("invalid header name: {e}")),
            (_, Err(e)) => self.options.invalid = Some(format!("invalid header value: {e}")),
        }
        self
    }

    /// Adds a query parameter after the operation's (one the spec does not declare yet),
    /// percent-encoded.
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Self {
        let query = &mut self.options.query;
        if !query.is_empty() {
            query.push('&');
        }
        query.extend(utf8_percent_encode(name, COMPONENT));
        query.push('=');
        query.extend(utf8_percent_encode(&value.to_string(), COMPONENT));
        self
    }

    /// Sends the operation and decodes the answer, as [`Client::send`] does.
    pub async fn send(self) -> Result<O::Output, Error> {
        self.send_with_response().await.map(Response::into_output)
    }

    /// Sends the operation and decodes the answer, with its status, headers, request id and
    /// rate limit.
    pub async fn send_with_response(self) -> Result<Response<O::Output>, Error> {
        let prepared = self.client.prepare(&self.operation, &self.options);
        self.client.execute::<O>(prepared, &self.options, false).await
    }

    /// The pages of a list operation, as [`Client::pages`], each sent with these options.
    pub fn pages(self) -> impl Stream<Item = Result<O::Output, Error>> + Send + 'static
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
    {
        self.client.pages_with(self.operation, self.options)
    }

    /// Every result of a list operation, as [`Client::items`], each page sent with these
    /// options.
    pub fn items(self) -> impl Stream<Item = Result<O::Item, Error>> + Send + 'static
    where
        O: Paginated + PartialEq + Send + Sync + 'static,
        O::Output: Send,
        O::Item: Send,
    {
        items_of::<O>(self.pages())
    }
}
