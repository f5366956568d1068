//! `Client::from_env` against the loopback server. Its own test binary, as it sets
//! environment variables, which no other thread may read meanwhile.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn a_client_from_the_environment_sends_its_token_to_its_base_url() {
    let server = Server::script(vec![Reply::json(200, json!({"id": "1"}))]).await;
    // SAFETY: the only test of this binary, and the server's task reads no variable.
    unsafe {
        std::env::remove_var("INTERCOM_API_KEY");
        std::env::set_var("INTERCOM_ACCESS_TOKEN", "tok-from-env");
        std::env::set_var("INTERCOM_BASE_URL", &server.url);
    }
    let client = intercom_api_runtime::Client::from_env().unwrap();
    assert_eq!(client.send(&GetThing("1".into())).await.unwrap()["id"], "1");
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer tok-from-env"));

    unsafe { std::env::remove_var("INTERCOM_ACCESS_TOKEN") };
    let error = intercom_api_runtime::Client::from_env().unwrap_err();
    assert!(error.to_string().contains("set INTERCOM_ACCESS_TOKEN"), "{error}");
}
