//! The client's hardening against a scripted loopback server (`support/`): scroll pages never
//! retried once they may have reached Intercom, bounded bodies, cursor cycles, which
//! transport errors are retried, timeouts and deadlines, waits Intercom asks for, https, and
//! what errors keep.

mod support;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use intercom_api_runtime::http::StatusCode;
use intercom_api_runtime::{Error, RetryPolicy};
use serde_json::json;
use support::*;

// ---------------------------------------------------------------------------------------------
// Scroll pages are never retried once they may have reached Intercom
// ---------------------------------------------------------------------------------------------

/// Walks a scroll listing, returning the ids of each page and the error that ended it.
async fn walk_scroll(server: &Server, retry: RetryPolicy) -> (Vec<Vec<String>>, Option<Error>) {
    let mut pages = std::pin::pin!(server.client(retry).pages(ScrollThings::default()));
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => ids.push(page.data.iter().map(|v| v.as_str().unwrap().to_owned()).collect()),
            Err(e) => return (ids, Some(e)),
        }
    }
    (ids, None)
}

#[tokio::test]
async fn a_scroll_page_lost_to_a_dropped_connection_is_not_retried() {
    // Intercom moved its cursor when it got request 2; a retry with s-1 would get page 3.
    let server = Server::script(vec![scroll_page(&["a"], "s-1"), Reply::Hangup, scroll_page(&["c"], "s-3"), scroll_page(&[], "s-4")]).await;
    let (pages, error) = walk_scroll(&server, fast_retries()).await;
    assert_eq!(pages, [vec!["a".to_owned()]]);
    let error = error.expect("the scroll must end with an error");
    assert!(matches!(&error, Error::ScrollInterrupted(inner) if matches!(**inner, Error::Transport(_))), "{error:?}");
    assert!(error.to_string().contains("restart it from the first page"), "{error}");
    assert_eq!(server.targets(), ["/companies/scroll", "/companies/scroll?scroll_param=s-1"]);

    // The same drop on a plain GET is retried.
    let server = Server::script(vec![Reply::Hangup, Reply::json(200, json!({"id": "1"}))]).await;
    let thing = server.client(fast_retries()).send(&GetThing("1".into())).await.unwrap();
    assert_eq!(thing["id"], "1");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_scroll_page_answered_500_is_not_retried_and_says_to_restart() {
    let server = Server::script(vec![
        scroll_page(&["a"], "s-1"),
        Reply::json(
            500,
            error_list("r-500", "server_error", "Request failed due to an internal network error. Please restart the scroll operation."),
        ),
        scroll_page(&["c"], "s-3"),
    ])
    .await;
    let (pages, error) = walk_scroll(&server, fast_retries()).await;
    assert_eq!(pages.len(), 1);
    let error = error.unwrap();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(error.as_api().and_then(|e| e.request_id.as_deref()), Some("r-500"));
    assert!(matches!(error, Error::ScrollInterrupted(_)), "{error:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_scroll_page_that_times_out_is_not_retried() {
    let server = Server::script(vec![scroll_page(&["a"], "s-1").after(Duration::from_secs(3)), scroll_page(&["b"], "s-2")]).await;
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(&server.url)
        .timeout(Duration::from_millis(200))
        .retry(fast_retries())
        .build()
        .unwrap();
    let error = client.pages(ScrollThings::default()).try_collect::<Vec<_>>().await.unwrap_err();
    assert!(matches!(&error, Error::ScrollInterrupted(inner) if matches!(**inner, Error::Timeout)), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limited_scroll_page_is_retried_because_the_cursor_did_not_move() {
    let server = Server::script(vec![
        scroll_page(&["a"], "s-1"),
        Reply::json(429, error_list("r-429", "rate_limit_exceeded", "slow down")).header("Retry-After", 0),
        scroll_page(&["b"], "s-2"),
        scroll_page(&[], "s-3"),
    ])
    .await;
    let (pages, error) = walk_scroll(&server, fast_retries()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(pages, [vec!["a".to_owned()], vec!["b".to_owned()], vec![]]);
    assert_eq!(
        server.targets(),
        [
            "/companies/scroll",
            "/companies/scroll?scroll_param=s-1",
            "/companies/scroll?scroll_param=s-1",
            "/companies/scroll?scroll_param=s-2"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Bodies are read up to a limit
// ---------------------------------------------------------------------------------------------

fn client_with_body_limit(server: &Server, limit: usize) -> intercom_api_runtime::Client {
    intercom_api_runtime::Client::builder(TOKEN)
        .base_url(&server.url)
        .timeout(Duration::from_secs(10))
        .max_body_size(limit)
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn reading_a_body_stops_at_the_limit() {
    // A body that never ends: a client that reads it all would wait for the 10 s timeout.
    let server = Server::script(vec![Reply::Stall { status: 200, prefix: vec![b' '; 4096] }]).await;
    let started = std::time::Instant::now();
    let error = client_with_body_limit(&server, 1024).send(&GetThing("1".into())).await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { limit: 1024, status: StatusCode::OK, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(error.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn a_declared_length_beyond_the_limit_is_refused_and_one_within_it_is_read() {
    let big = json!({"id": "x".repeat(2000)});
    let server = Server::script(vec![Reply::json(200, big.clone()).header("X-Request-Id", "r-big"), Reply::json(200, big.clone())]).await;
    let error = client_with_body_limit(&server, 1024).send(&GetThing("1".into())).await.unwrap_err();
    assert!(matches!(&error, Error::BodyTooLarge { request_id: Some(id), .. } if id == "r-big"), "{error:?}");
    assert!(error.to_string().contains("1024-byte limit") && error.to_string().contains("r-big"), "{error}");
    let thing = client_with_body_limit(&server, 4096).send(&GetThing("1".into())).await.unwrap();
    assert_eq!(thing, big);
}

#[tokio::test]
async fn an_error_body_is_cut_at_the_limit_and_the_error_still_comes_back() {
    // An error body that never ends is cut at 64 KiB: the 502 comes back, not a timeout.
    let server = Server::script(vec![Reply::Stall { status: 502, prefix: vec![b'x'; 100 << 10] }]).await;
    let started = std::time::Instant::now();
    let error = api_error(client_with_body_limit(&server, 1 << 20).send(&GetThing("1".into())).await);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(error.status, StatusCode::BAD_GATEWAY);
    let snippet = error.body_snippet.unwrap();
    assert!(snippet.ends_with(&format!("({} bytes in all)", 64 << 10)), "{}", &snippet[snippet.len() - 40..]);
}

// ---------------------------------------------------------------------------------------------
// Cursor cycles
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_cursor_cycle_ends_the_listing() {
    // first → A → B → A: the second A is a page already fetched.
    let server = Server::script(vec![
        cursor_page(&["1"], Some("A")),
        cursor_page(&["2"], Some("B")),
        cursor_page(&["3"], Some("A")),
        cursor_page(&["2 again"], Some("B")),
    ])
    .await;
    let items: Vec<_> = server.client(RetryPolicy::never()).items(ListThings::default()).try_collect().await.unwrap();
    assert_eq!(items, ["1", "2", "3"]);
    assert_eq!(server.targets(), ["/things", "/things?starting_after=A", "/things?starting_after=B"]);

    // A cursor that does not move ends it, as before.
    let server = Server::script(vec![cursor_page(&["1"], Some("A")), cursor_page(&["2"], Some("A"))]).await;
    let first = ListThings { starting_after: Some("A".into()) };
    let items: Vec<_> = server.client(RetryPolicy::never()).items(first).try_collect().await.unwrap();
    assert_eq!(items, ["1"]);
    assert_eq!(server.targets(), ["/things?starting_after=A"]);
}

// ---------------------------------------------------------------------------------------------
// Transport errors: retryable or final
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn too_many_redirects_are_not_retried() {
    // The client does not follow redirects; one given that does stops after 10.
    let server = Server::start(|_, _| Reply::text(302, "").header("Location", "/loop")).await;
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(&server.url)
        .http_client(reqwest::Client::new())
        .retry(fast_retries().with_max_attempts(3))
        .build()
        .unwrap();
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    // One attempt: the request and reqwest's 10 redirects; three attempts would be 33.
    assert_eq!(server.requests().len(), 11);
}

#[tokio::test]
async fn a_tls_failure_is_not_retried() {
    // A server that answers a TLS handshake in plain text.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            use tokio::io::AsyncWriteExt;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
        }
    });
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(format!("https://{address}"))
        .retry(fast_retries().with_max_attempts(3))
        .build()
        .unwrap();
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_connection_never_made_is_retried_even_for_post() {
    // Refused until a server starts on the port, 100 ms in.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap().to_string();
    drop(closed);
    let later = address.clone();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Server::start_on(&later, |_, _| Reply::json(200, json!({"id": "new"}))).await
    });
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(format!("http://{address}"))
        .retry(RetryPolicy::default().with_backoff(Duration::from_millis(20), Duration::from_millis(50)).with_max_attempts(100))
        .build()
        .unwrap();
    let created = client.send(&CreateThing).await.unwrap();
    assert_eq!(created["id"], "new");
    let server = server.await.unwrap();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].method, "POST");

    // A POST whose connection was made and then cut is not retried: it may have acted.
    let server = Server::script(vec![Reply::Hangup, Reply::json(200, json!({"id": "twice"}))]).await;
    let error = server.client(fast_retries()).send(&CreateThing).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Connect timeout and overall deadline
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_deadline_bounds_the_whole_call_across_retries() {
    // Every answer is a slow 503: 100 attempts would take 15 s.
    let server = Server::start(|_, _| Reply::text(503, "busy").after(Duration::from_millis(150))).await;
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(&server.url)
        .timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(600))
        .retry(RetryPolicy::default().with_backoff(Duration::from_millis(20), Duration::from_millis(50)).with_max_attempts(100))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(300) && took < Duration::from_millis(1500), "took {took:?}");
    assert!(matches!(&error, Error::Timeout) || error.status() == Some(StatusCode::SERVICE_UNAVAILABLE), "{error:?}");
    let sent = server.requests().len();
    assert!((2..=6).contains(&sent), "{sent} requests");

    // One slow answer, well inside the attempt timeout but past the deadline.
    let server = Server::script(vec![Reply::json(200, json!({})).after(Duration::from_secs(3))]).await;
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(&server.url)
        .timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_times_out_on_the_connect_timeout() {
    // A listener that never accepts, with its queue full: a new connection's SYN is dropped,
    // so connecting hangs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    let _listener = socket.listen(0).unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_millis(200), tokio::net::TcpStream::connect(address)).await {
            fillers.push(stream);
        }
    }
    let client = intercom_api_runtime::Client::builder(TOKEN)
        .base_url(format!("http://{address}"))
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_millis(200))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.send(&GetThing("1".into())).await.unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Waits Intercom asks for
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_waits_for_its_retry_after() {
    let server =
        Server::script(vec![Reply::text(503, "down for maintenance").header("Retry-After", 1), Reply::json(200, json!({"id": "1"}))]).await;
    let thing = server.client(fast_retries()).send(&GetThing("1".into())).await.unwrap();
    assert_eq!(thing["id"], "1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The 1 s asked for, not the 1–5 ms backoff.
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(990) && waited < Duration::from_secs(3), "retried after {waited:?}");

    // One asking for longer than the policy allows comes back at once.
    let server = Server::script(vec![Reply::text(503, "down").header("Retry-After", 120), Reply::json(200, json!({}))]).await;
    let error = api_error(server.client(fast_retries()).send(&GetThing("1".into())).await);
    assert_eq!((error.status, error.retry_after), (StatusCode::SERVICE_UNAVAILABLE, Some(Duration::from_secs(120))));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limit_reset_is_read_on_the_servers_clock() {
    // The server's clock is a day ahead of ours; its reset is 1 s after its own `Date`. Read
    // on the local clock, the wait would be a day and the 429 would come back at once.
    let server = Server::start(|n, _| {
        let ahead = std::time::SystemTime::now() + Duration::from_secs(86_400);
        let reset = ahead.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 1;
        match n {
            0 => Reply::json(429, error_list("r", "rate_limit_exceeded", "slow down"))
                .header("Date", httpdate::fmt_http_date(ahead))
                .header("X-RateLimit-Reset", reset),
            _ => Reply::json(200, json!({"id": "1"})),
        }
    })
    .await;
    let thing = server.client(fast_retries()).send(&GetThing("1".into())).await.unwrap();
    assert_eq!(thing["id"], "1");
    let requests = server.requests();
    let waited = requests[1].at - requests[0].at;
    assert!(waited < Duration::from_secs(3), "retried after {waited:?}");
}

// ---------------------------------------------------------------------------------------------
// What errors keep
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn api_errors_keep_the_headers_and_decode_errors_say_where_they_come_from() {
    let server = Server::script(vec![
        Reply::json(409, error_list("r-409", "conflict", "exists")).header("Location", "/things/7").header("X-RateLimit-Remaining", 12),
        Reply::raw(200, "application/json", Vec::new()).header("X-Request-Id", "r-empty"),
        Reply::raw(204, "application/json", Vec::new()).header("X-Request-Id", "r-204"),
    ])
    .await;
    let client = server.client(RetryPolicy::never());

    let error = api_error(client.send(&GetThing("7".into())).await);
    assert_eq!(error.header("location"), Some("/things/7"));
    assert_eq!(error.header("x-ratelimit-remaining"), Some("12"));

    for (status, id) in [(StatusCode::OK, "r-empty"), (StatusCode::NO_CONTENT, "r-204")] {
        let error = client.send(&GetThing("7".into())).await.unwrap_err();
        let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
        assert_eq!((decode.operation, decode.status, decode.request_id.as_deref()), ("getThing", status, Some(id)));
        assert_eq!(error.request_id(), Some(id));
        assert_eq!(error.headers().and_then(|h| h.get("x-request-id")).unwrap(), id);
        let text = error.to_string();
        assert!(text.starts_with(&format!("getThing: the {status} response (request {id}) does not decode: the body is empty")), "{text}");
    }
}
