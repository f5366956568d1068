//! What a caller sets and sees per request, against a scripted loopback server (`support/`):
//! per-request options, response metadata, tokens that change, hooks, redirects, content types,
//! and the client's static guarantees. The client's hardening is in `client.rs`.

mod support;

use std::time::Duration;

use futures_util::TryStreamExt;
use intercom_api_runtime::http::{self, StatusCode};
use intercom_api_runtime::{AttemptInfo, Error, Hook, RetryPolicy, Token, bytes};
use serde_json::json;
use support::*;

// ---------------------------------------------------------------------------------------------
// Per-request options
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn per_request_headers_query_and_retries_apply_to_every_attempt() {
    let server = Server::script(vec![Reply::text(503, "busy"), Reply::json(200, json!({"id": "1"}))]).await;
    // The client never retries; this request does.
    let client = server.client(RetryPolicy::never());
    let thing = client
        .request(GetThing("1".into()))
        .retry(fast_retries())
        .header("x-trace-id", "t-1")
        .header("intercom-version", "2.13")
        .query("include", "a b,c")
        .query("n", 2)
        .send()
        .await
        .unwrap();
    assert_eq!(thing["id"], "1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.target, "/things/1?include=a%20b%2Cc&n=2");
        assert_eq!(request.header("x-trace-id"), Some("t-1"));
        assert_eq!(request.header("intercom-version"), Some("2.13"), "the request's own value replaces the operation's");
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    }
    // The client's own settings are unchanged.
    let server = Server::script(vec![Reply::text(503, "busy"), Reply::json(200, json!({}))]).await;
    let error = api_error(server.client(RetryPolicy::never()).send(&GetThing("1".into())).await);
    assert_eq!(error.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_per_request_timeout_replaces_the_clients() {
    let server = Server::script(vec![Reply::json(200, json!({})).after(Duration::from_secs(3))]).await;
    let started = std::time::Instant::now();
    let error =
        server.client(RetryPolicy::never()).request(GetThing("1".into())).timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn an_invalid_per_request_header_fails_the_call_before_sending() {
    let server = Server::script(vec![]).await;
    let error = server.client(RetryPolicy::never()).request(GetThing("1".into())).header("x-bad", "a\nb").send().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidRequest(why) if why.contains("header value")), "{error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn pages_carry_the_per_request_options() {
    let server = Server::script(vec![cursor_page(&["1"], Some("A")), cursor_page(&["2"], None)]).await;
    let items: Vec<_> = server
        .client(RetryPolicy::never())
        .request(ListThings::default())
        .header("x-job", "export")
        .query("tag", "vip")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, ["1", "2"]);
    assert_eq!(server.targets(), ["/things?tag=vip", "/things?starting_after=A&tag=vip"]);
    assert!(server.requests().iter().all(|r| r.header("x-job") == Some("export")));
}

// ---------------------------------------------------------------------------------------------
// Response metadata
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_response_has_its_status_headers_request_id_and_rate_limit() {
    let server = Server::script(vec![
        Reply::json(201, json!({"id": "1"}))
            .header("X-Request-Id", "r-1")
            .header("X-RateLimit-Limit", 10000)
            .header("X-RateLimit-Remaining", 9990)
            .header("X-RateLimit-Reset", 1_736_201_600),
        Reply::json(200, json!({})).header("X-RateLimit-Remaining", "many").header("X-RateLimit-Reset", "soon"),
    ])
    .await;
    let client = server.client(RetryPolicy::never());
    let response = client.request(GetThing("1".into())).send_with_response().await.unwrap();
    assert_eq!(response.output["id"], "1");
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.request_id(), Some("r-1"));
    assert_eq!(response.headers["content-type"], "application/json");
    let limit = response.rate_limit().unwrap();
    assert_eq!((limit.limit, limit.remaining), (Some(10_000), Some(9_990)));
    assert_eq!(limit.reset, Some(std::time::UNIX_EPOCH + Duration::from_secs(1_736_201_600)));

    // Odd values are no value, not an error.
    let response = client.request(GetThing("1".into())).send_with_response().await.unwrap();
    assert_eq!((response.request_id(), response.rate_limit()), (None, None));
}

#[tokio::test]
async fn errors_report_the_rate_limit_too() {
    let server = Server::script(vec![
        Reply::json(429, error_list("r-429", "rate_limit_exceeded", "slow down"))
            .header("X-RateLimit-Limit", 1000)
            .header("X-RateLimit-Remaining", 0)
            .header("X-RateLimit-Reset", 4_000_000_000u64),
    ])
    .await;
    let error = server.client(fast_retries()).send(&GetThing("1".into())).await.unwrap_err();
    let limit = error.rate_limit().expect("the 429's rate limit");
    assert_eq!((limit.limit, limit.remaining), (Some(1000), Some(0)));
    assert!(limit.reset_in().unwrap() > Duration::from_secs(60));
    assert_eq!(error.as_api().unwrap().rate_limit(), Some(limit));
    assert_eq!(server.requests().len(), 1, "a wait past the policy's longest comes back at once");
}

// ---------------------------------------------------------------------------------------------
// Tokens that change
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_token_provider_is_asked_before_every_attempt() {
    let server = Server::script(vec![Reply::text(503, "busy"), Reply::json(200, json!({"id": "1"}))]).await;
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let client = intercom_api_runtime::Client::builder_with_token_provider(move || {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        async move { Ok(Token::new(format!("refreshed-{n}"))) }
    })
    .base_url(&server.url)
    .retry(fast_retries())
    .build()
    .unwrap();
    client.send(&GetThing("1".into())).await.unwrap();
    let sent: Vec<_> = server.requests().iter().map(|r| r.header("authorization").unwrap().to_owned()).collect();
    assert_eq!(sent, ["Bearer refreshed-1", "Bearer refreshed-2"]);
    assert!(!format!("{client:?}").contains("refreshed"), "{client:?}");
}

#[tokio::test]
async fn a_failing_token_provider_ends_the_call_unsent() {
    let server = Server::script(vec![Reply::json(200, json!({}))]).await;
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .token_provider(|| async { Err(Error::InvalidRequest("the refresh token was revoked".to_owned())) })
        .base_url(&server.url)
        .retry(fast_retries())
        .build()
        .unwrap();
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    assert!(error.to_string().contains("revoked"), "{error}");
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Hooks
// ---------------------------------------------------------------------------------------------

/// Signs every request (a header from its method, path and body) and records every answer.
#[derive(Default)]
struct Recorder {
    seen: std::sync::Mutex<Vec<(u32, Result<u16, String>)>>,
}

impl Hook for Recorder {
    fn on_request(
        &self,
        info: &AttemptInfo,
        request: &mut http::Request<bytes::Bytes>,
    ) -> Result<Option<http::Response<bytes::Bytes>>, Error> {
        assert_eq!(info.operation, "createThing");
        let signature = format!("{}:{}:{}", request.method(), request.uri().path(), request.body().len());
        request.headers_mut().insert("x-signature", signature.parse().unwrap());
        assert!(request.headers().contains_key("authorization"), "hooks see the request as it will go");
        Ok(None)
    }

    fn on_response(&self, info: &AttemptInfo, outcome: Result<&http::Response<bytes::Bytes>, &Error>) {
        self.seen.lock().unwrap().push((info.attempt, outcome.map(|r| r.status().as_u16()).map_err(|e| e.to_string())));
    }
}

#[tokio::test]
async fn hooks_see_and_change_every_attempt() {
    let server = Server::script(vec![Reply::text(502, "bad gateway"), Reply::json(200, json!({"id": "2"}))]).await;
    let recorder = std::sync::Arc::new(Recorder::default());
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(&server.url)
        .retry(fast_retries().with_retry_non_idempotent(true))
        .hook(recorder.clone())
        .build()
        .unwrap();
    let created = client.send(&CreateThing).await.unwrap();
    assert_eq!(created["id"], "2");
    for request in server.requests() {
        assert_eq!(request.header("x-signature"), Some("POST:/things:12"));
    }
    assert_eq!(*recorder.seen.lock().unwrap(), [(1, Ok(502)), (2, Ok(200))]);
}

/// Answers every request itself: a client that never reaches the network, for tests.
struct Canned;

impl Hook for Canned {
    fn on_request(&self, info: &AttemptInfo, _: &mut http::Request<bytes::Bytes>) -> Result<Option<http::Response<bytes::Bytes>>, Error> {
        let body = format!(r#"{{"id": "mocked", "operation": "{}"}}"#, info.operation);
        let response = http::Response::builder().status(200).header("content-type", "application/json").body(body.into()).unwrap();
        Ok(Some(response))
    }
}

#[tokio::test]
async fn a_hook_can_answer_in_place_of_intercom() {
    // Nothing listens there: only the hook answers.
    let client = intercom_api_runtime::Client::builder(TOKEN).base_url(closed_port_url()).hook(Canned).build().unwrap();
    let thing = client.send(&GetThing("1".into())).await.unwrap();
    assert_eq!((thing["id"].as_str(), thing["operation"].as_str()), (Some("mocked"), Some("getThing")));
}

// ---------------------------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_operation_reads_its_location_without_following_it() {
    let server =
        Server::script(vec![Reply::bare(302, b"").header("Location", "https://recordings.example/signed?sig=abc"), Reply::bare(302, b"")])
            .await;
    let client = server.client(RetryPolicy::never());
    let redirect = client.send(&ShowRecording("c-1".into())).await.unwrap();
    assert_eq!(redirect.status, StatusCode::FOUND);
    assert_eq!(redirect.location, "https://recordings.example/signed?sig=abc");
    // A redirect to nowhere is a decode error naming the operation.
    let error = client.send(&ShowRecording("c-1".into())).await.unwrap_err();
    assert!(matches!(&error, Error::Decode(e) if e.operation == "showCallRecording" && e.message.contains("Location")), "{error:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_redirect_for_another_operation_is_an_error_that_keeps_its_location() {
    let server = Server::script(vec![Reply::text(302, "").header("Location", "https://elsewhere.example/things/1")]).await;
    let error = api_error(server.client(fast_retries()).send(&GetThing("1".into())).await);
    assert_eq!(error.status, StatusCode::FOUND);
    assert_eq!(error.header("location"), Some("https://elsewhere.example/things/1"));
    // Not followed (the token would go with it), not retried.
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Content-Type
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_success_in_another_media_type_is_a_content_type_error() {
    let server = Server::script(vec![
        Reply::text(200, "<html><body>Please sign in to the hotel wifi</body></html>").header("X-Request-Id", "r-proxy"),
        // Any JSON type is JSON, and a missing Content-Type is not checked.
        Reply::raw(200, "application/vnd.intercom+json; charset=utf-8", br#"{"id": "1"}"#.to_vec()),
        Reply::bare(200, br#"{"id": "2"}"#),
    ])
    .await;
    let client = server.client(fast_retries());
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    let Error::ContentType(e) = &error else { panic!("expected a content-type error, got {error:?}") };
    assert_eq!((e.status, e.operation, e.content_type.as_str(), e.expected), (StatusCode::OK, "getThing", "text/html", "application/json"));
    assert!(e.body_snippet.contains("hotel wifi"));
    assert_eq!(error.request_id(), Some("r-proxy"));
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert!(error.to_string().contains("getThing") && error.to_string().contains("text/html"), "{error}");

    assert_eq!(client.send(&GetThing("1".into())).await.unwrap()["id"], "1");
    assert_eq!(client.send(&GetThing("1".into())).await.unwrap()["id"], "2");
    assert_eq!(server.requests().len(), 3, "a content-type error is not retried");
}

#[tokio::test]
async fn an_answer_without_a_body_needs_no_content_type() {
    let server = Server::script(vec![Reply::bare(204, b""), Reply::bare(200, b""), Reply::text(200, "OK")]).await;
    let client = server.client(RetryPolicy::never());
    for _ in 0..3 {
        client.send(&DeleteThing("1".into())).await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Static guarantees
// ---------------------------------------------------------------------------------------------

/// Fails to compile when the client, its errors, or a future or stream it returns stops being
/// usable across threads (`tokio::spawn`).
#[test]
fn the_client_and_everything_it_returns_can_cross_threads() {
    fn shared<T: Clone + Send + Sync + 'static>() {}
    fn sendable<T: Send + 'static>(_: T) {}
    fn sendable_ref<T: Send>(_: &T) {}
    shared::<intercom_api_runtime::Client>();
    sendable(intercom_api_runtime::Client::builder(TOKEN));
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    error::<Error>();

    let client = intercom_api_runtime::Client::builder(TOKEN).build().unwrap();
    let op = GetThing("1".into());
    sendable_ref(&client.send(&op));
    sendable_ref(&client.send_owned(op.clone()));
    sendable(client.pages(ScrollThings::default()));
    sendable(client.items(ListThings::default()));
    sendable_ref(&client.collect_items(ListThings::default()));
    sendable_ref(&client.request(op.clone()).timeout(Duration::from_secs(1)).send());
    sendable_ref(&client.request(op.clone()).send_with_response());
    sendable(client.request(ScrollThings::default()).header("x-a", "b").pages());
    sendable(client.request(ListThings::default()).query("a", 1).items());
    shared::<intercom_api_runtime::Response<serde_json::Value>>();
    fn shared_any<T: Send + Sync + 'static + ?Sized>() {}
    shared_any::<dyn Hook>();
    shared_any::<dyn intercom_api_runtime::TokenProvider>();
    shared::<intercom_api_runtime::RateLimit>();
    shared::<intercom_api_runtime::Redirect>();
}
