//! Access tokens: a fixed one, or one asked for before every attempt (a refreshed OAuth token).

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use http::HeaderValue;

use crate::error::Error;

/// An access token. Its `Debug` output hides it, and it is sent as a sensitive header, which
/// HTTP tooling does not log.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The `Authorization: Bearer …` header carrying the token.
    pub(crate) fn header(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.0))
            .map_err(|_| Error::InvalidRequest("the token holds characters a header cannot carry".to_owned()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Where the client gets its token: asked before every attempt, retries included, so a token
/// refreshed meanwhile is the one sent. Give one to
/// [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider).
///
/// Any `Fn() -> impl Future<Output = Result<Token, Error>>` is a provider, as is a
/// [`Token`] (which never changes). The provider is asked for every attempt, so it should keep
/// the token until it expires rather than fetch a new one each time. An error it returns ends
/// the call, unretried.
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use intercom_api_runtime::{Client, Token};
///
/// // Refreshed elsewhere (an OAuth refresh task) and read before every attempt.
/// let current = Arc::new(RwLock::new(Token::new("first-token")));
/// let shared = current.clone();
/// let client = Client::builder_with_token_provider(move || {
///     let token = shared.read().unwrap().clone();
///     async move { Ok(token) }
/// })
/// .build()?;
/// # let _ = (client, current);
/// # Ok::<(), intercom_api_runtime::Error>(())
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The token for the next attempt.
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Token, Error>> + Send + 'static,
{
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(self())
    }
}

impl TokenProvider for Token {
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// What a client authenticates with.
#[derive(Clone)]
pub(crate) enum Auth {
    /// A fixed token, made into its header once.
    Static(HeaderValue),
    /// A provider, asked before every attempt.
    Provider(Arc<dyn TokenProvider>),
}

impl Auth {
    /// The `Authorization` header for the next attempt.
    pub(crate) async fn header(&self) -> Result<HeaderValue, Error> {
        match self {
            Auth::Static(header) => Ok(header.clone()),
            Auth::Provider(provider) => provider.token().await?.header(),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Static(_) => f.write_str("Token(<redacted>)"),
            Auth::Provider(_) => f.write_str("TokenProvider"),
        }
    }
}
