//! The client's cost per request, against bare reqwest (criterion; `cargo bench -p
//! intercom-api-runtime --bench client`).
//!
//! Both send `GET /contacts/{id}` to a keep-alive loopback server answering a made-up 2 KB
//! contact and decode it into the same type; bare reqwest skips
//! only what the client adds (the operation, the token, retries, the span, error mapping). The
//! same comparison with a generated operation is `tests/benches/runtime.rs`, which needs a
//! generated crate.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use intercom_api_runtime::http::{Method, StatusCode};
use intercom_api_runtime::{Client, Error, Operation, RequestParts, RetryPolicy, decode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A made-up object shaped like an API answer (about 2 KB: ids, text, timestamps, nulls and
/// nested lists). Not the spec's example, which stays out of the repository.
fn answer_body() -> &'static [u8] {
    let mut object = serde_json::Map::new();
    object.insert("type".into(), "contact".into());
    object.insert("id".into(), "5f1a2b3c4d5e6f7a8b9c0d1e".into());
    for i in 0..24 {
        object.insert(format!("text_{i}"), format!("value number {i}").into());
        object.insert(format!("time_{i}"), (1_700_000_000 + i).into());
        object.insert(format!("empty_{i}"), Value::Null);
    }
    for list in ["tags", "notes", "companies"] {
        let entries =
            serde_json::json!({"type": "list", "data": [], "url": format!("/contacts/5f1a/{list}"), "total_count": 0, "has_more": false});
        object.insert(list.into(), entries);
    }
    Vec::leak(serde_json::to_vec(&Value::Object(object)).expect("JSON"))
}

/// `GET /contacts/{id}`, as the generator writes it.
struct ShowContact(String);

impl Operation for ShowContact {
    type Output = Value;
    const OPERATION_ID: &'static str = "ShowContact";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/contacts/{id}";
    const INTERCOM_VERSION: &'static str = "2.12";

    #[inline]
    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.path_param("id", &self.0)
    }

    #[inline]
    fn decode(status: StatusCode, body: &[u8]) -> Result<Value, Error> {
        decode::json(status, body)
    }
}

/// A keep-alive HTTP/1.1 server that answers every request with `body`.
async fn canned_server(body: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nX-Request-Id: 000r1a2b3c\r\n\
         X-RateLimit-Limit: 10000\r\nX-RateLimit-Remaining: 9999\r\nX-RateLimit-Reset: 1736201600\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let response: std::sync::Arc<Vec<u8>> = std::sync::Arc::new([head.as_bytes(), body].concat());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut pending = Vec::new();
                loop {
                    let Ok(n) = socket.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    // GET requests have no body: one request per blank line.
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if socket.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

/// The two ways of sending the same request, on one runtime and one server.
struct Senders {
    runtime: tokio::runtime::Runtime,
    client: Client,
    bare: reqwest::Client,
    url: String,
}

impl Senders {
    fn new() -> Senders {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let base = runtime.block_on(canned_server(answer_body()));
        let client = Client::builder("bench-token")
            .base_url(&base)
            .retry(RetryPolicy::never())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let bare = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("reqwest");
        let url = format!("{base}/contacts/63a07ddf05a32042dffac965");
        Senders { runtime, client, bare, url }
    }

    fn client(&self) -> Value {
        self.runtime.block_on(self.client.send(&ShowContact("63a07ddf05a32042dffac965".to_owned()))).expect("a contact")
    }

    fn bare(&self) -> Value {
        self.runtime.block_on(async {
            let response = self
                .bare
                .get(&self.url)
                .bearer_auth("bench-token")
                .header("Intercom-Version", "2.12")
                .header("Accept", "application/json")
                .send()
                .await
                .expect("sent");
            let bytes = response.bytes().await.expect("body");
            serde_json::from_slice::<Value>(&bytes).expect("a contact")
        })
    }
}

fn client(c: &mut Criterion) {
    let senders = Senders::new();
    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    group.bench_function("intercom_client", |b| b.iter(|| senders.client()));
    group.bench_function("bare_reqwest", |b| b.iter(|| senders.bare()));
    group.finish();
}

criterion_group!(benches, client);

fn main() {
    let Ok(way) = std::env::var("BENCH_LOOP") else {
        benches();
        Criterion::default().configure_from_args().final_summary();
        return;
    };
    let n: usize = std::env::var("BENCH_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let senders = Senders::new();
    for _ in 0..n {
        std::hint::black_box(if way == "bare" { senders.bare() } else { senders.client() });
    }
}
