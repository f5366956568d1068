//! Runtime behaviour of the async client (`intercom-api/runtime/src/client/`), sending real
//! generated 2.12 operations to a scripted HTTP/1.1 server on loopback that records every
//! request it receives.
//!
//! Covered: 429 retries (after `Retry-After`, after `X-RateLimit-Reset`, and returned at once
//! when the wait is too long); 5xx retries (GET only unless told otherwise, attempts bounded);
//! timeouts; connection errors; the four pagination styles (cursor, page number, scroll,
//! search); the headers of every request and a token that shows in no `Debug` or error text;
//! and the details of API and decode errors.

mod scripted_server;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use intercom_api::v2_12::models::{
    SearchRequest, SearchRequestQuery, SingleFilterSearchRequest, SingleFilterSearchRequestOperator, SingleFilterSearchRequestValue,
    StartingAfterPaging,
};
use intercom_api::v2_12::operations::{IdentifyAdmin, ListAllCompanies, ListConversations, ScrollOverAllCompanies, SearchContacts};
use intercom_api_runtime::http::StatusCode;
use intercom_api_runtime::{ApiErrorItem, Client, Error, Patch, RetryPolicy, SNIPPET_LIMIT};
use serde_json::{Value, json};

use scripted_server::*;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Retries with 1–5 ms backoffs, so retry tests take no time.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn admin() -> Reply {
    Reply::json(200, json!({"type": "admin", "id": "991", "name": "Ada", "email": "ada@example.com"}))
}

fn error_list(request_id: &str, code: &str, message: &str) -> Value {
    json!({"type": "error.list", "request_id": request_id, "errors": [{"code": code, "message": message}]})
}

/// A `company.list` page (`POST /companies/list`).
fn companies(ids: &[&str], page: i64, total_pages: i64) -> Reply {
    let data: Vec<Value> = ids.iter().map(|id| json!({"type": "company", "id": id})).collect();
    Reply::json(
        200,
        json!({"type": "list", "data": data, "total_count": 5,
               "pages": {"type": "pages", "page": page, "per_page": 2, "total_pages": total_pages}}),
    )
}

/// `pages` with an optional `next.starting_after` cursor.
fn cursor_pages(next: Option<&str>) -> Value {
    match next {
        Some(cursor) => json!({"type": "pages", "per_page": 2, "next": {"per_page": 2, "starting_after": cursor}}),
        None => json!({"type": "pages", "per_page": 2}),
    }
}

fn company_ids(companies: &[intercom_api::v2_12::models::Company]) -> Vec<String> {
    companies.iter().map(|c| c.id.clone().unwrap_or_default()).collect()
}

fn targets(server: &Server) -> Vec<String> {
    server.requests().into_iter().map(|r| r.target).collect()
}

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> intercom_api_runtime::ApiError {
    match result {
        Err(Error::Api(e)) => *e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Rate limits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let server =
        Server::script(vec![Reply::json(429, error_list("r-429", "rate_limit_exceeded", "slow down")).header("Retry-After", 1), admin()])
            .await;
    let me = server.client(fast_retries()).send(&IdentifyAdmin::new()).await.unwrap();
    assert_eq!(me.and_then(|a| a.id).as_deref(), Some("991"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The 1 s asked for, not the 1–5 ms backoff.
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(990), "retried after {waited:?}");
    assert!(waited < Duration::from_secs(3), "retried after {waited:?}");
}

#[tokio::test]
async fn a_429_is_retried_after_the_rate_limit_reset_time_even_for_post() {
    // A 429 was not acted on, so even a POST is tried again. The reset time is a whole Unix
    // second 1–2 s ahead of the moment the server answers.
    let server = Server::start(|n, _| match n {
        0 => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
            Reply::json(429, error_list("r-429", "rate_limit_exceeded", "slow down")).header("X-RateLimit-Reset", now + 2)
        }
        _ => companies(&["a"], 1, 1),
    })
    .await;
    let page = server.client(fast_retries()).send(&ListAllCompanies::new()).await.unwrap();
    assert_eq!(company_ids(&page.data.unwrap()), ["a"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "POST"));
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(900), "retried after {waited:?}");
    assert!(waited < Duration::from_secs(4), "retried after {waited:?}");
}

#[tokio::test]
async fn a_429_asking_for_longer_than_the_longest_wait_is_returned_at_once() {
    let server =
        Server::script(vec![Reply::json(429, error_list("r-429", "rate_limit_exceeded", "slow down")).header("Retry-After", 30), admin()])
            .await;
    let client = server.client(fast_retries().with_max_rate_limit_wait(Duration::from_secs(5)));
    let started = Instant::now();
    let error = api_error(client.send(&IdentifyAdmin::new()).await);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error.retry_after, Some(Duration::from_secs(30)));
    assert_eq!(error.request_id.as_deref(), Some("r-429"));
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 2. Server errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_is_retried_for_get() {
    let server = Server::script(vec![Reply::text(503, "<html>Service Unavailable</html>"), admin()]).await;
    let me = server.client(fast_retries()).send(&IdentifyAdmin::new()).await.unwrap();
    assert_eq!(me.and_then(|a| a.name).as_deref(), Some("Ada"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_503_is_not_retried_for_post() {
    // A retry would succeed, so only a client that does not retry fails here.
    let server = Server::script(vec![Reply::text(503, "<html>Service Unavailable</html>"), companies(&["a"], 1, 1)]).await;
    let error = api_error(server.client(fast_retries()).send(&ListAllCompanies::new()).await);
    assert_eq!(error.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error.body_snippet.as_deref(), Some("<html>Service Unavailable</html>"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_503_is_retried_for_post_when_the_policy_allows_it() {
    let server = Server::script(vec![Reply::text(503, "<html>Service Unavailable</html>"), companies(&["a"], 1, 1)]).await;
    let client = server.client(fast_retries().with_retry_non_idempotent(true));
    let page = client.send(&ListAllCompanies::new()).await.unwrap();
    assert_eq!(company_ids(&page.data.unwrap()), ["a"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.method == "POST" && r.target == "/companies/list"));
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Server::start(|_, _| Reply::text(503, "<html>Service Unavailable</html>")).await;
    let error = api_error(server.client(fast_retries().with_max_attempts(3)).send(&IdentifyAdmin::new()).await);
    assert_eq!(error.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests().len(), 3);

    // And a rate limit that never lifts is not waited out forever either.
    let server = Server::start(|_, _| Reply::json(429, error_list("r", "rate_limit_exceeded", "no")).header("Retry-After", 0)).await;
    let error = api_error(server.client(fast_retries().with_max_attempts(2)).send(&IdentifyAdmin::new()).await);
    assert_eq!(error.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// 3. Timeouts, 4. connection errors
// ---------------------------------------------------------------------------------------------

fn client_with_timeout(url: &str, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::builder(TOKEN).base_url(url).timeout(timeout).retry(retry).build().unwrap()
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let server = Server::script(vec![admin().after(Duration::from_secs(3))]).await;
    let client = client_with_timeout(&server.url, Duration::from_millis(200), RetryPolicy::never());
    let started = Instant::now();
    let error = client.send(&IdentifyAdmin::new()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_timeout_is_retried_for_get_but_not_for_post() {
    let server = Server::script(vec![admin().after(Duration::from_secs(3)), admin()]).await;
    let client = client_with_timeout(&server.url, Duration::from_millis(200), fast_retries());
    let me = client.send(&IdentifyAdmin::new()).await.unwrap();
    assert_eq!(me.and_then(|a| a.id).as_deref(), Some("991"));
    assert_eq!(server.requests().len(), 2);

    let server = Server::script(vec![companies(&["a"], 1, 1).after(Duration::from_secs(3)), companies(&["a"], 1, 1)]).await;
    let client = client_with_timeout(&server.url, Duration::from_millis(200), fast_retries());
    let error = client.send(&ListAllCompanies::new()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

/// A base URL on a port nothing listens on.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let client = client_with_timeout(&closed_port_url(), Duration::from_secs(5), RetryPolicy::never());
    let error = client.send(&IdentifyAdmin::new()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");

    // Retried (a GET) and still refused: the last transport error comes back.
    let client = client_with_timeout(&closed_port_url(), Duration::from_secs(5), fast_retries().with_max_attempts(3));
    let error = client.send(&IdentifyAdmin::new()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// 5. Pagination
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cursor_pagination_follows_starting_after_to_the_last_page() {
    let conversations = |ids: &[&str], next: Option<&str>| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"type": "conversation", "id": id})).collect();
        Reply::json(200, json!({"type": "conversation.list", "conversations": data, "total_count": 5, "pages": cursor_pages(next)}))
    };
    let server = Server::script(vec![
        conversations(&["1", "2"], Some("cur-1")),
        conversations(&["3", "4"], Some("cur-2")),
        conversations(&["5"], None),
    ])
    .await;
    let items = server.client(RetryPolicy::never()).collect_items(ListConversations::new().per_page(2)).await.unwrap();
    let ids: Vec<Value> = items.iter().map(|item| serde_json::to_value(item).unwrap()["id"].clone()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        targets(&server),
        ["/conversations?per_page=2", "/conversations?per_page=2&starting_after=cur-1", "/conversations?per_page=2&starting_after=cur-2",]
    );
}

#[tokio::test]
async fn page_number_pagination_stops_at_the_total() {
    let server = Server::script(vec![companies(&["a", "b"], 1, 3), companies(&["c", "d"], 2, 3), companies(&["e"], 3, 3)]).await;
    let items: Vec<_> = server.client(RetryPolicy::never()).items(ListAllCompanies::new().per_page(2)).try_collect().await.unwrap();
    assert_eq!(company_ids(&items), ["a", "b", "c", "d", "e"]);
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "POST"));
    assert_eq!(targets(&server), ["/companies/list?per_page=2", "/companies/list?page=2&per_page=2", "/companies/list?page=3&per_page=2"]);
}

#[tokio::test]
async fn scroll_pagination_stops_at_an_empty_page() {
    let scroll = |ids: &[&str], param: &str| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"type": "company", "id": id})).collect();
        Reply::json(200, json!({"type": "list", "data": data, "scroll_param": param}))
    };
    let server = Server::script(vec![scroll(&["a", "b"], "s-1"), scroll(&["c"], "s-2"), scroll(&[], "s-3")]).await;
    let pages: Vec<_> = server.client(RetryPolicy::never()).pages(ScrollOverAllCompanies::new()).try_collect().await.unwrap();
    let per_page: Vec<Vec<String>> = pages.into_iter().map(|p| company_ids(&p.unwrap().data.unwrap())).collect();
    assert_eq!(per_page, [vec!["a", "b"], vec!["c"], vec![]]);
    assert_eq!(targets(&server), ["/companies/scroll", "/companies/scroll?scroll_param=s-1", "/companies/scroll?scroll_param=s-2"]);
}

#[tokio::test]
async fn search_pagination_puts_the_cursor_in_the_body() {
    let contacts = |ids: &[&str], next: Option<&str>| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"type": "contact", "id": id, "role": "user"})).collect();
        Reply::json(200, json!({"type": "list", "data": data, "total_count": 3, "pages": cursor_pages(next)}))
    };
    let server = Server::script(vec![contacts(&["c1", "c2"], Some("cur-1")), contacts(&["c3"], None)]).await;
    let filter = SingleFilterSearchRequest {
        field: Some("role".into()),
        operator: Some(SingleFilterSearchRequestOperator::Equal),
        value: Patch::Value(SingleFilterSearchRequestValue::String("user".into())),
        ..Default::default()
    };
    let mut body = SearchRequest::new(SearchRequestQuery::SingleFilterSearchRequest(filter));
    body.pagination = Patch::Value(StartingAfterPaging { per_page: Some(2), ..Default::default() });
    let items = server.client(RetryPolicy::never()).collect_items(SearchContacts::new().body(body)).await.unwrap();
    let ids: Vec<String> = items.iter().map(|c| c.id.clone().unwrap_or_default()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let query = json!({"field": "role", "operator": "=", "value": "user"});
    for r in &requests {
        assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/contacts/search"));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    assert_eq!(requests[0].json(), json!({"query": query, "pagination": {"per_page": 2}}));
    assert_eq!(requests[1].json(), json!({"query": query, "pagination": {"per_page": 2, "starting_after": "cur-1"}}));
}

// ---------------------------------------------------------------------------------------------
// 6. Headers and the token
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn requests_carry_the_token_the_version_and_a_user_agent() {
    let server = Server::script(vec![admin()]).await;
    server.client(RetryPolicy::never()).send(&IdentifyAdmin::new()).await.unwrap();
    let requests = server.requests();
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/me"));
    assert_eq!(r.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(r.header("intercom-version"), Some("2.12"));
    assert_eq!(r.header("accept"), Some("application/json"));
    let user_agent = r.header("user-agent").unwrap_or_default();
    assert!(user_agent.starts_with("intercom-api-rs/"), "user agent {user_agent:?}");
}

#[tokio::test]
async fn the_token_shows_in_no_debug_or_error_text() {
    let server = Server::script(vec![Reply::json(401, error_list("r-401", "unauthorized", "Access Token Invalid"))]).await;
    let client = server.client(RetryPolicy::never());
    let builder = Client::builder(TOKEN);
    let unauthorized = client.send(&IdentifyAdmin::new()).await.unwrap_err();
    assert_eq!(unauthorized.status(), Some(StatusCode::UNAUTHORIZED));
    let refused = client_with_timeout(&closed_port_url(), Duration::from_secs(5), RetryPolicy::never())
        .send(&IdentifyAdmin::new())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Transport(_)), "{refused:?}");

    let texts = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{builder:?}"),
        format!("{unauthorized}"),
        format!("{unauthorized:?}"),
        format!("{refused}"),
        format!("{refused:?}"),
    ];
    for text in &texts {
        assert!(!text.contains(TOKEN) && !text.contains("s3cr3t"), "the token leaks: {text}");
    }
    // The token did go out, so its absence above means something.
    assert_eq!(server.requests()[0].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

// ---------------------------------------------------------------------------------------------
// 7. Error details
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_error_list_gives_the_request_id_and_the_errors() {
    let server = Server::script(vec![
        Reply::json(404, error_list("req-404", "not_found", "Resource Not Found")).header("X-Request-Id", "header-id"),
        Reply::text(502, "<html>Bad Gateway</html>").header("X-Request-Id", "req-502"),
    ])
    .await;
    let client = server.client(RetryPolicy::never());

    let error = api_error(client.send(&IdentifyAdmin::new()).await);
    assert_eq!(error.status, StatusCode::NOT_FOUND);
    // The body's id wins over the header's.
    assert_eq!(error.request_id.as_deref(), Some("req-404"));
    assert_eq!(error.errors, [ApiErrorItem { code: "not_found".into(), message: Some("Resource Not Found".into()), field: None }]);
    assert_eq!(error.body_snippet, None);
    assert_eq!(error.retry_after, None);
    assert_eq!(error.to_string(), "Intercom answered 404 Not Found (request req-404): not_found: Resource Not Found");

    // A body that is no error list: the id comes from the header, the body is kept.
    let error = api_error(client.send(&IdentifyAdmin::new()).await);
    assert_eq!(error.status, StatusCode::BAD_GATEWAY);
    assert_eq!(error.request_id.as_deref(), Some("req-502"));
    assert!(error.errors.is_empty());
    assert_eq!(error.body_snippet.as_deref(), Some("<html>Bad Gateway</html>"));
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_decode_error_naming_the_field() {
    let padding = "x".repeat(4 * SNIPPET_LIMIT);
    let body = json!({"type": "list", "total_count": 1, "note": padding, "data": [],
                      "pages": {"type": "pages", "page": 1, "total_pages": "three"}});
    let server = Server::script(vec![Reply::json(200, body)]).await;
    let error = server.client(RetryPolicy::never()).send(&ListAllCompanies::new()).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("expected Error::Decode, got {error:?}") };
    assert_eq!(decode.status, StatusCode::OK);
    assert_eq!(decode.path, "pages.total_pages");
    assert!(decode.message.contains("three") || decode.message.contains("string"), "{}", decode.message);
    // The snippet is the start of the body, bounded.
    let sent = server.requests().len();
    assert_eq!(sent, 1);
    assert!(decode.body_snippet.starts_with('{'), "{}", decode.body_snippet);
    assert!(decode.body_snippet.len() <= SNIPPET_LIMIT + 64, "snippet of {} bytes", decode.body_snippet.len());
    assert!(error.to_string().contains("`pages.total_pages`"), "{error}");
}

/// The client's regions are the spec's `servers`, in every version.
#[test]
fn regions_are_the_servers_of_every_spec() {
    use intercom_api_runtime::Region;
    let regions: Vec<&str> = Region::ALL.iter().map(|r| r.base_url()).collect();
    assert_eq!(intercom_api::v2_7::SERVERS, regions.as_slice());
    assert_eq!(intercom_api::v2_12::SERVERS, regions.as_slice());
    assert_eq!(intercom_api::unstable::SERVERS, regions.as_slice());
}

/// A server that ignores the cursor (answering the same `next` again) ends the stream instead
/// of looping forever.
#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_stream() {
    let page = |ids: &[&str]| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"type": "conversation", "id": id})).collect();
        Reply::json(
            200,
            json!({"type": "conversation.list", "conversations": data, "total_count": 9, "pages": cursor_pages(Some("stuck"))}),
        )
    };
    let server = Server::script(vec![page(&["1"]), page(&["2"]), page(&["3"])]).await;
    let items = server.client(RetryPolicy::never()).collect_items(ListConversations::new()).await.unwrap();
    assert_eq!(items.len(), 2, "the first page, then the page after `stuck` once");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn tag_group_futures_outlive_the_group_and_run_together() {
    let server = Server::start(|_, _| admin()).await;
    let client = intercom_api::v2_12::Client::from(server.client(fast_retries()));
    // Each future comes from a temporary group (`client.admins()`) and is awaited later.
    let first = client.admins().identify_admin(IdentifyAdmin::new());
    let second = client.admins().identify_admin(IdentifyAdmin::new());
    let (first, second) = futures::join!(first, second);
    for me in [first, second] {
        assert_eq!(me.unwrap().and_then(|a| a.id).as_deref(), Some("991"));
    }
    assert_eq!(server.requests().len(), 2);
}

/// Contact ids are strings like `67506132d5eefd6f04e7d08e`: the spec typed the notes path
/// parameter as an integer, so no real contact's notes could be listed or added. The ids a
/// response carries go into the next call unchanged.
#[tokio::test]
async fn notes_of_a_real_contact_can_be_listed_created_and_read() {
    use intercom_api::v2_12::models::CreateNoteRequest;
    use intercom_api::v2_12::operations::{CreateNote, ListNotes, RetrieveNote};
    let contact = "67506132d5eefd6f04e7d08e";
    let note = json!({
        "type": "note", "id": "34", "created_at": 1733590000, "body": "<p>Hello</p>",
        "contact": {"type": "contact", "id": contact},
        "author": {"type": "admin", "id": "991267493", "name": "Ciaran Lee", "email": "admin@example.com",
                   "away_mode_enabled": false, "away_mode_reassign": false, "has_inbox_seat": true, "team_ids": [814865]}
    });
    let list = json!({"type": "list", "data": [note.clone()], "total_count": 1,
                      "pages": {"type": "pages", "next": null, "page": 1, "per_page": 50, "total_pages": 1}});
    let server = Server::script(vec![Reply::json(200, list), Reply::json(200, note.clone()), Reply::json(200, note)]).await;
    let client = server.client(RetryPolicy::never());

    let notes = client.send(&ListNotes::new(contact)).await.unwrap();
    let listed = &notes.data.as_deref().unwrap()[0];
    assert_eq!(listed.contact.as_ref().and_then(|c| c.id.as_deref()), Some(contact));
    let author = listed.author.as_ref().and_then(|a| a.id.clone()).unwrap();
    let mut body = CreateNoteRequest::new("<p>Hello</p>".into());
    body.admin_id = Some(author);
    let created = client.send(&CreateNote::new(contact).body(body)).await.unwrap();
    let read = client.send(&RetrieveNote::new(created.id.clone().unwrap())).await.unwrap();
    assert_eq!(read.id.as_deref(), Some("34"));
    assert_eq!(read.author.and_then(|a| a.team_ids), Some(vec!["814865".to_owned()]));

    let requests = server.requests();
    let targets: Vec<(&str, &str)> = requests.iter().map(|r| (r.method.as_str(), r.target.as_str())).collect();
    assert_eq!(
        targets,
        [("GET", "/contacts/67506132d5eefd6f04e7d08e/notes"), ("POST", "/contacts/67506132d5eefd6f04e7d08e/notes"), ("GET", "/notes/34")]
    );
    assert_eq!(requests[1].json(), json!({"body": "<p>Hello</p>", "admin_id": "991267493"}));
}
