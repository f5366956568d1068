//! Configuring a client: region or base URL, token or token provider, timeouts, deadline,
//! body limit, retries and hooks; and the checks `build` makes.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use super::{Client, DEFAULT_MAX_BODY_SIZE, Inner, RetryPolicy};
use crate::auth::{Auth, Token, TokenProvider};
use crate::error::Error;
use crate::hook::Hook;

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
}
