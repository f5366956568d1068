//! The client's `tracing` span, in a test binary of its own: a subscriber set for one thread
//! and the global callsite interest cache do not mix with tests running in parallel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use intercom_api::v2_12::operations::IdentifyAdmin;
use intercom_api_runtime::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "tok_s3cr3t-do-not-leak";
const ADMIN: &str = r#"{"type":"admin","id":"1"}"#;

/// Answers each connection with the next canned response; returns the base URL.
async fn serve(responses: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for response in responses {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            socket.write_all(response.as_bytes()).await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    url
}

/// Every request runs in one `intercom.request` span carrying the operation, method, path
/// template, status, attempt and request id.
#[tokio::test]
async fn each_request_has_a_tracing_span_with_its_fields() {
    use std::collections::BTreeMap;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};

    #[derive(Default)]
    struct Fields(BTreeMap<String, String>);
    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}").trim_matches('"').to_owned());
        }
    }
    /// A span's name and fields.
    type Span = (String, BTreeMap<String, String>);
    /// Keeps the fields of every span by id (ids are 1, 2, …).
    #[derive(Default, Clone)]
    struct Capture(Arc<Mutex<Vec<Span>>>);
    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields::default();
            span.record(&mut fields);
            let mut spans = self.0.lock().unwrap();
            spans.push((span.metadata().name().to_owned(), fields.0));
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut fields = Fields::default();
            values.record(&mut fields);
            self.0.lock().unwrap()[span.into_u64() as usize - 1].1.extend(fields.0);
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &tracing::Event<'_>) {}
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let base_url = serve(vec![
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_owned(),
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req-42\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ADMIN}",
            ADMIN.len()
        ),
    ])
    .await;
    let policy = RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5));
    let client = Client::builder(TOKEN).base_url(base_url).retry(policy).build().unwrap();
    client.send(&IdentifyAdmin::new()).await.unwrap();
    let spans = capture.0.lock().unwrap();
    let requests: Vec<&BTreeMap<String, String>> = spans.iter().filter(|(name, _)| name == "intercom.request").map(|(_, f)| f).collect();
    assert_eq!(requests.len(), 1, "one span per request, retries included: {spans:?}");
    let fields = requests[0];
    assert_eq!(fields.get("operation").map(String::as_str), Some("identifyAdmin"));
    assert_eq!(fields.get("method").map(String::as_str), Some("GET"));
    assert_eq!(fields.get("path").map(String::as_str), Some("/me"));
    assert_eq!(fields.get("status").map(String::as_str), Some("200"));
    assert_eq!(fields.get("attempt").map(String::as_str), Some("2"));
    assert_eq!(fields.get("request_id").map(String::as_str), Some("req-42"));
    assert!(!format!("{spans:?}").contains(TOKEN), "the token is in no span");
}
