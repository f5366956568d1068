//! What the runtime benchmarks share: the contact list both decode benchmarks read.

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
