//! A scripted HTTP/1.1 server on loopback that records every request, and hand-written
//! operations to send to it (the runtime's tests do not compile a generated crate).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use intercom_api_runtime::http::HeaderMap;
use intercom_api_runtime::http::{Method, StatusCode};
use intercom_api_runtime::{Client, Error, Operation, Paginated, PaginationStyle, QueryStyle, Redirect, RequestParts, RetryPolicy, decode};
use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const TOKEN: &str = "tok_s3cr3t-do-not-leak";

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the server finished reading it.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What the server does once it has read a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers, after `delay`.
    Answer { status: u16, headers: Vec<(String, String)>, body: Vec<u8>, delay: Duration },
    /// Sends the head and `prefix` of a chunked body, then never finishes it.
    Stall { status: u16, prefix: Vec<u8> },
    /// Closes the connection without answering: the request reached the server and the
    /// answer was lost.
    Hangup,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply::raw(status, "application/json", body.to_string().into_bytes())
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply::raw(status, "text/html", body.as_bytes().to_vec())
    }

    pub fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply::Answer { status, headers: vec![("Content-Type".into(), content_type.into())], body, delay: Duration::ZERO }
    }

    /// An answer without `Content-Type`.
    pub fn bare(status: u16, body: &[u8]) -> Reply {
        Reply::Answer { status, headers: Vec::new(), body: body.to_vec(), delay: Duration::ZERO }
    }

    pub fn header(mut self, name: &str, value: impl ToString) -> Reply {
        if let Reply::Answer { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_string()));
        }
        self
    }

    pub fn after(mut self, wait: Duration) -> Reply {
        if let Reply::Answer { delay, .. } = &mut self {
            *delay = wait;
        }
        self
    }
}

type Answer = dyn Fn(usize, &Request) -> Reply + Send + Sync;

/// A loopback HTTP/1.1 server: one request per connection, answered by a closure of the
/// request's index (0-based) and the request, and recorded.
pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub async fn start(answer: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_on("127.0.0.1:0", answer).await
    }

    /// [`start`](Self::start), listening on `address`.
    pub async fn start_on(address: &str, answer: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind(address).await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer: Arc<Answer> = Arc::new(answer);
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (recorded, answer) = (recorded.clone(), answer.clone());
                tokio::spawn(async move {
                    // The client may hang up first (timeouts); that is not the server's failure.
                    let _ = serve(stream, &recorded, &*answer).await;
                });
            }
        });
        Server { url, requests }
    }

    /// Answers with `replies` in order. A request beyond the script gets a 418, which no
    /// client retries, so an unexpected request fails the test.
    pub async fn script(replies: Vec<Reply>) -> Server {
        Server::start(move |n, _| replies.get(n).cloned().unwrap_or_else(|| Reply::text(418, "unscripted request"))).await
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn targets(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.target).collect()
    }

    pub fn client(&self, retry: RetryPolicy) -> Client {
        Client::builder(TOKEN).base_url(&self.url).timeout(Duration::from_secs(10)).retry(retry).build().unwrap()
    }
}

async fn serve(mut stream: TcpStream, recorded: &Mutex<Vec<Request>>, answer: &Answer) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    let n = {
        let mut recorded = recorded.lock().unwrap();
        recorded.push(request.clone());
        recorded.len() - 1
    };
    match answer(n, &request) {
        Reply::Answer { status, headers, body, delay } => {
            tokio::time::sleep(delay).await;
            let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Whatever");
            let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
        Reply::Stall { status, prefix } => {
            let head = format!(
                "HTTP/1.1 {status} Whatever\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(format!("{:x}\r\n", prefix.len()).as_bytes()).await?;
            stream.write_all(&prefix).await?;
            stream.write_all(b"\r\n").await?;
            stream.flush().await?;
            // Never finishes the body (the test ends first).
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        }
        Reply::Hangup => Ok(()),
    }
}

/// Reads the head up to `\r\n\r\n`, then `Content-Length` bytes of body.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Some(Request { method, target, headers, body, at: Instant::now() }))
}

/// Retries with 1–5 ms backoffs, so retry tests take no time.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn error_list(request_id: &str, code: &str, message: &str) -> Value {
    serde_json::json!({"type": "error.list", "request_id": request_id, "errors": [{"code": code, "message": message}]})
}

pub fn api_error(result: Result<impl std::fmt::Debug, Error>) -> intercom_api_runtime::ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// A base URL on a port nothing listens on.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

// ---------------------------------------------------------------------------------------------
// Operations, written as the generator writes them
// ---------------------------------------------------------------------------------------------

/// `GET /things/{id}`, answering any JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct GetThing(pub String);

impl Operation for GetThing {
    type Output = Value;
    const OPERATION_ID: &'static str = "getThing";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things/{id}";
    const INTERCOM_VERSION: &'static str = "2.12";

    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.path_param("id", &self.0)
    }

    fn decode(status: StatusCode, body: &[u8]) -> Result<Value, Error> {
        decode::json(status, body)
    }
}

/// `POST /things`, answering any JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateThing;

impl Operation for CreateThing {
    type Output = Value;
    const OPERATION_ID: &'static str = "createThing";
    const METHOD: Method = Method::POST;
    const PATH: &'static str = "/things";
    const INTERCOM_VERSION: &'static str = "2.12";

    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.json(&serde_json::json!({"name": "x"}))
    }

    fn decode(status: StatusCode, body: &[u8]) -> Result<Value, Error> {
        decode::json(status, body)
    }
}

/// `DELETE /things/{id}`, answering no body (the spec declares none).
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteThing(pub String);

impl Operation for DeleteThing {
    type Output = ();
    const OPERATION_ID: &'static str = "deleteThing";
    const METHOD: Method = Method::DELETE;
    const PATH: &'static str = "/things/{id}";
    const INTERCOM_VERSION: &'static str = "2.12";
    const RESPONSE_MEDIA_TYPE: Option<&'static str> = None;

    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.path_param("id", &self.0)
    }

    fn decode(status: StatusCode, body: &[u8]) -> Result<(), Error> {
        decode::empty(status, body)
    }
}

/// `GET /calls/{id}/recording`: answers with a redirect to the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowRecording(pub String);

impl Operation for ShowRecording {
    type Output = Redirect;
    const OPERATION_ID: &'static str = "showCallRecording";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/calls/{id}/recording";
    const INTERCOM_VERSION: &'static str = "2.12";

    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.path_param("id", &self.0)
    }

    fn decode(status: StatusCode, body: &[u8]) -> Result<Redirect, Error> {
        decode::unexpected(status, body)
    }

    fn decode_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<Redirect, Error> {
        decode::redirect(status, headers, body)
    }
}

/// A page of a list: `data`, and the cursor of the next page (scroll or cursor style).
#[derive(Debug, Deserialize)]
pub struct Page {
    pub data: Vec<Value>,
    #[serde(default)]
    pub scroll_param: Option<String>,
    #[serde(default)]
    pub next: Option<String>,
}

/// `GET /companies/scroll`: a scroll listing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScrollThings {
    pub scroll_param: Option<String>,
}

impl Operation for ScrollThings {
    type Output = Page;
    const OPERATION_ID: &'static str = "scrollThings";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/companies/scroll";
    const INTERCOM_VERSION: &'static str = "2.12";

    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.query("scroll_param", &self.scroll_param, QueryStyle::Form { explode: true })
    }

    fn decode(status: StatusCode, body: &[u8]) -> Result<Page, Error> {
        decode::json(status, body)
    }
}

impl Paginated for ScrollThings {
    type Item = Value;
    const STYLE: PaginationStyle = PaginationStyle::Scroll;

    fn items(page: Page) -> Vec<Value> {
        page.data
    }

    fn item_count(page: &Page) -> usize {
        page.data.len()
    }

    fn next_page(&self, page: &Page) -> Option<Self> {
        Some(ScrollThings { scroll_param: Some(page.scroll_param.clone()?) })
    }
}

/// `GET /things`: a cursor listing (`starting_after`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListThings {
    pub starting_after: Option<String>,
}

impl Operation for ListThings {
    type Output = Page;
    const OPERATION_ID: &'static str = "listThings";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/things";
    const INTERCOM_VERSION: &'static str = "2.12";

    fn write(&self, request: &mut RequestParts) -> Result<(), Error> {
        request.query("starting_after", &self.starting_after, QueryStyle::Form { explode: true })
    }

    fn decode(status: StatusCode, body: &[u8]) -> Result<Page, Error> {
        decode::json(status, body)
    }
}

impl Paginated for ListThings {
    type Item = Value;
    const STYLE: PaginationStyle = PaginationStyle::Cursor;

    fn items(page: Page) -> Vec<Value> {
        page.data
    }

    fn item_count(page: &Page) -> usize {
        page.data.len()
    }

    fn next_page(&self, page: &Page) -> Option<Self> {
        Some(ListThings { starting_after: Some(page.next.clone()?) })
    }
}

/// A scroll page with `ids` and the next `scroll_param`.
pub fn scroll_page(ids: &[&str], param: &str) -> Reply {
    Reply::json(200, serde_json::json!({"data": ids, "scroll_param": param}))
}

/// A cursor page with `ids` and the next cursor.
pub fn cursor_page(ids: &[&str], next: Option<&str>) -> Reply {
    Reply::json(200, serde_json::json!({"data": ids, "next": next}))
}
