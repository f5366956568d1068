//! What the runtime benchmarks share: the lists both decode benchmarks read.

use serde_json::{Value, json};

/// How many contacts the decoded list holds.
pub const CONTACTS: usize = 2_000;

/// The spec's example contact (2.12, `GET /contacts/{id}`).
pub fn example_contact() -> Value {
    let ws = intercom_tests::workspace();
    let pin = ws.pins.get("2.12").expect("2.12 is pinned");
    let doc = ws.effective_document(pin).unwrap_or_else(|e| panic!("{e}"));
    let examples = &doc["paths"]["/contacts/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["examples"];
    examples.as_object().and_then(|e| e.values().next()).map(|e| e["value"].clone()).expect("an example contact")
}

/// A `ContactList` of `count` copies of the example contact, each with its own id, as JSON.
pub fn contact_list_bytes(count: usize) -> Vec<u8> {
    let contact = example_contact();
    let data: Vec<Value> = (0..count)
        .map(|i| {
            let mut c = contact.clone();
            c["id"] = json!(format!("{i:024x}"));
            c
        })
        .collect();
    let list = json!({"type": "list", "data": data, "total_count": count, "pages": {"type": "pages", "page": 1, "per_page": count, "total_pages": 1}});
    serde_json::to_vec(&list).expect("JSON")
}

/// How many news items the decoded union list holds.
pub const NEWS_ITEMS: usize = 2_000;

/// A `PaginatedResponse` of `count` copies of the spec's example news item (2.12,
/// `GET /news/news_items`), each with its own id, as JSON. Every item is a form of the
/// tagged union `PaginatedResponseDataItem`, chosen by its `type`.
pub fn news_item_list_bytes(count: usize) -> Vec<u8> {
    news_items(count, false)
}

/// The same list with each item's `type` moved last: the union reads the whole item to find
/// its tag (the spec's examples, like Intercom's answers, put it first).
#[allow(dead_code, reason = "the allocations benchmark, which shares this module, does not read it")]
pub fn news_item_list_tag_last_bytes(count: usize) -> Vec<u8> {
    news_items(count, true)
}

fn news_items(count: usize, tag_last: bool) -> Vec<u8> {
    let ws = intercom_tests::workspace();
    let pin = ws.pins.get("2.12").expect("2.12 is pinned");
    let doc = ws.effective_document(pin).unwrap_or_else(|e| panic!("{e}"));
    let examples = &doc["paths"]["/news/news_items"]["get"]["responses"]["200"]["content"]["application/json"]["examples"];
    let example = examples.as_object().and_then(|e| e.values().next()).map(|e| &e["value"]).expect("an example list");
    let item = example["data"][0].clone();
    assert_eq!(item["type"], "news-item", "the example's first item is a news item");
    let data: Vec<Value> = (0..count)
        .map(|i| {
            let mut item = item.clone();
            item["id"] = json!(i.to_string());
            if tag_last {
                let object = item.as_object_mut().expect("an object");
                let tag = object.shift_remove("type").expect("a type");
                object.insert("type".to_owned(), tag);
            }
            item
        })
        .collect();
    let list = json!({"type": "list", "data": data, "total_count": count, "pages": {"type": "pages", "page": 1, "per_page": count, "total_pages": 1}});
    serde_json::to_vec(&list).expect("JSON")
}
