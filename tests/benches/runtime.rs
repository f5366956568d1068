//! Runtime benchmarks (criterion), run by `cargo xtask bench` (which prints the ratios):
//!
//! - decode: a list of 2,000 contacts (each the spec's own `GET /contacts/{id}` example) into
//!   the generated `ContactList` as the client decodes a body (`runtime::decode::json`),
//!   against `serde_json::from_slice::<Value>` (what `reqwest::Response::json` does) on the
//!   same bytes; and a list of 2,000 news items (the spec's `GET /news/news_items` example),
//!   each a form of the tagged union `PaginatedResponseDataItem`, into `PaginatedResponse`,
//!   also with each item's tag last (the union then reads the whole item to find it);
//! - client: `GET /contacts/{id}` through the generated operation and the client, against
//!   bare reqwest sending the same request and decoding the same type, both to a loopback
//!   server answering a canned contact.

mod common;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use intercom_api::v2_12::models::{ContactList, PaginatedResponse, PaginatedResponseDataItem, ShowContactResponse};
use intercom_api::v2_12::operations::ShowContact;
use intercom_api_runtime::http::StatusCode;
use intercom_api_runtime::{Client, RetryPolicy, decode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use common::{CONTACTS, NEWS_ITEMS, contact_list_bytes, example_contact, news_item_list_bytes, news_item_list_tag_last_bytes};

fn decode(c: &mut Criterion) {
    let contacts = contact_list_bytes(CONTACTS);
    let news_items = news_item_list_bytes(NEWS_ITEMS);
    // The typed decode must see every item in its own form, or the comparison means nothing.
    let typed: ContactList = serde_json::from_slice(&contacts).expect("the list decodes");
    assert_eq!(typed.data.as_ref().map(Vec::len), Some(CONTACTS));
    let typed: PaginatedResponse = serde_json::from_slice(&news_items).expect("the list decodes");
    let data = typed.data.expect("the list has data");
    assert_eq!(data.len(), NEWS_ITEMS);
    assert!(data.iter().all(|item| matches!(item, PaginatedResponseDataItem::NewsItem(_))));
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(contacts.len() as u64));
    // Typed: as the client decodes a body. Value: as `reqwest::Response::json` does.
    group.bench_with_input(BenchmarkId::new("typed", "contact_list"), &contacts, |b, bytes| {
        b.iter(|| decode::json::<ContactList>(StatusCode::OK, bytes).expect("decodes"))
    });
    group.bench_with_input(BenchmarkId::new("value", "contact_list"), &contacts, |b, bytes| {
        b.iter(|| serde_json::from_slice::<Value>(bytes).expect("decodes"))
    });
    group.throughput(Throughput::Bytes(news_items.len() as u64));
    group.bench_with_input(BenchmarkId::new("typed", "news_item_list"), &news_items, |b, bytes| {
        b.iter(|| decode::json::<PaginatedResponse>(StatusCode::OK, bytes).expect("decodes"))
    });
    group.bench_with_input(BenchmarkId::new("value", "news_item_list"), &news_items, |b, bytes| {
        b.iter(|| serde_json::from_slice::<Value>(bytes).expect("decodes"))
    });
    let tag_last = news_item_list_tag_last_bytes(NEWS_ITEMS);
    group.bench_with_input(BenchmarkId::new("typed", "news_item_list_tag_last"), &tag_last, |b, bytes| {
        b.iter(|| decode::json::<PaginatedResponse>(StatusCode::OK, bytes).expect("decodes"))
    });
    group.finish();
}

/// A keep-alive HTTP/1.1 server that answers every request with `body`.
async fn canned_server(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
    let response: std::sync::Arc<Vec<u8>> = std::sync::Arc::new([head.as_bytes(), &body].concat());
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

fn client(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let base = runtime.block_on(canned_server(serde_json::to_vec(&example_contact()).expect("JSON")));
    let client = Client::builder("bench-token")
        .base_url(&base)
        .retry(RetryPolicy::never())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    // The same request with the same timeout; bare reqwest only skips what the client adds
    // (the typed operation, retries, the span, error mapping).
    let bare = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("reqwest");
    let url = format!("{base}/contacts/63a07ddf05a32042dffac965");
    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    group.bench_function("intercom_client", |b| {
        b.iter(|| runtime.block_on(client.send(&ShowContact::new("63a07ddf05a32042dffac965"))).expect("a contact"))
    });
    group.bench_function("bare_reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = bare
                    .get(&url)
                    .bearer_auth("bench-token")
                    .header("Intercom-Version", "2.12")
                    .header("Accept", "application/json")
                    .send()
                    .await
                    .expect("sent");
                let bytes = response.bytes().await.expect("body");
                serde_json::from_slice::<ShowContactResponse>(&bytes).expect("a contact")
            })
        })
    });
    group.finish();
}

criterion_group!(benches, decode, client);
criterion_main!(benches);
