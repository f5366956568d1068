//! When a call is tried again: the policy, how a failed attempt is sorted, and the loop of
//! attempts with its waits, hooks and deadline.

use std::time::Duration;

use http::{Method, StatusCode};

use super::Client;
use super::send::{Labels, Prepared};
use crate::error::Error;
use crate::hook::AttemptInfo;
use crate::request::Options;

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
/// The pages of a scroll listing ([`PaginationStyle::Scroll`](crate::PaginationStyle::Scroll), walked with
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

    /// How long to wait before trying again after `outcome` of attempt `attempt`, or `None`
    /// when it is the answer: a 429 after what it asks (within [`max_rate_limit_wait`]), a
    /// server error or a failure worth retrying after a backoff when the method allows it (a
    /// page of a scroll listing, `scroll`, only when Intercom cannot have seen it).
    ///
    /// [`max_rate_limit_wait`]: RetryPolicy::max_rate_limit_wait
    fn wait_before_retry(&self, outcome: &Attempt, attempt: u32, scroll: bool, method: &Method) -> Option<Duration> {
        let last = attempt >= self.max_attempts;
        match outcome {
            Attempt::Done(response) if response.status() == StatusCode::TOO_MANY_REQUESTS && !last => {
                let asked = crate::error::retry_after(response.headers(), std::time::SystemTime::now());
                match asked {
                    Some(wait) if wait > self.max_rate_limit_wait => None,
                    // A reset time already past (clock skew) must not retry at once.
                    Some(wait) => Some(wait.max(self.backoff(attempt))),
                    None => Some(self.backoff(attempt)),
                }
            }
            Attempt::Done(response) if response.status().is_server_error() && !last && !scroll && self.may_retry_failure(method) => {
                // A 503 may say when to come back, like a 429.
                let asked = (response.status() == StatusCode::SERVICE_UNAVAILABLE)
                    .then(|| crate::error::retry_after(response.headers(), std::time::SystemTime::now()))
                    .flatten();
                match asked {
                    Some(wait) if wait > self.max_rate_limit_wait => None,
                    Some(wait) => Some(wait.max(self.backoff(attempt))),
                    None => Some(self.backoff(attempt)),
                }
            }
            // A connection never made is retried whatever the method: nothing was acted on.
            Attempt::Failed(Failure { retryable: true, sent, .. }) if !last && (!*sent || (!scroll && self.may_retry_failure(method))) => {
                Some(self.backoff(attempt))
            }
            _ => None,
        }
    }
}

/// What one attempt came to: an answer (of any status), or none.
pub(super) enum Attempt {
    Done(http::Response<bytes::Bytes>),
    Failed(Failure),
}

/// A request that got no usable answer.
pub(super) struct Failure {
    pub(super) error: Error,
    /// The request may have reached Intercom (false only when the connection was never made).
    pub(super) sent: bool,
    /// Trying again may help: a refused, reset or dropped connection, or a timeout. A DNS
    /// failure, a TLS failure, a bad URL or too many redirects would fail the same way again.
    pub(super) retryable: bool,
}

impl Failure {
    /// A failure that trying again cannot mend.
    pub(super) fn last(error: Error) -> Failure {
        Failure { error, sent: true, retryable: false }
    }

    /// Sorts a reqwest error.
    pub(super) fn from_reqwest(e: reqwest::Error) -> Failure {
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
    /// Sends with retries; `span` is the request's span, whose fields are filled in here (it
    /// is passed, not taken from the current context, so the fields never land elsewhere).
    pub(super) async fn send_with_retries(
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
            let wait = policy.wait_before_retry(&outcome, attempt, scroll, &prepared.method);
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
