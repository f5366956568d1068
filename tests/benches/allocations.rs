//! Allocations of decoding, run by `cargo xtask bench` (which prints them per item): the
//! same lists as the `decode` benchmark in `runtime.rs` (2,000 contacts, 2,000 news items),
//! each decoded once into its generated type and once into `serde_json::Value`, under a
//! global allocator that counts. A separate binary, so that the counting never slows the
//! timed benchmarks.
//!
//! Prints one JSON line: per list and decoder, the allocator calls (`alloc` and `realloc`),
//! the bytes they asked for, and the bytes still held by the decoded value.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use intercom_api::v2_12::models::{ContactList, PaginatedResponse};
use intercom_api_runtime::decode;
use intercom_api_runtime::http::StatusCode;
use serde_json::{Value, json};

use common::{CONTACTS, NEWS_ITEMS, contact_list_bytes, news_item_list_bytes};

/// The system allocator, counting calls and bytes.
struct Counting;

static CALLS: AtomicUsize = AtomicUsize::new(0);
static REQUESTED: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        REQUESTED.fetch_add(layout.size(), Relaxed);
        LIVE.fetch_add(layout.size(), Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        REQUESTED.fetch_add(layout.size(), Relaxed);
        LIVE.fetch_add(layout.size(), Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        REQUESTED.fetch_add(new_size, Relaxed);
        LIVE.fetch_add(new_size, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Decodes `bytes` once into `T` (after one untimed, uncounted decode, so one-time
/// initialisation is not counted) and reports what that decode allocated.
fn count<T>(bytes: &[u8], decode: impl Fn(&[u8]) -> T) -> Value {
    drop(decode(bytes));
    let (calls, requested, live) = (CALLS.load(Relaxed), REQUESTED.load(Relaxed), LIVE.load(Relaxed));
    let decoded = decode(bytes);
    let report = json!({
        "allocations": CALLS.load(Relaxed) - calls,
        "bytes": REQUESTED.load(Relaxed) - requested,
        "kept": LIVE.load(Relaxed).saturating_sub(live),
    });
    drop(decoded);
    report
}

/// The report of one list: its size, then what decoding it typed and as a `Value` allocated.
fn list<T>(name: &str, items: usize, bytes: &[u8], decode_typed: impl Fn(&[u8]) -> T) -> Value {
    json!({
        "list": name,
        "items": items,
        "json_bytes": bytes.len(),
        // As the runtime benchmark decodes: typed as the client does, Value as reqwest does.
        "typed": count(bytes, decode_typed),
        "value": count(bytes, |b| serde_json::from_slice::<Value>(b).expect("decodes")),
    })
}

fn main() {
    let contacts = contact_list_bytes(CONTACTS);
    let news_items = news_item_list_bytes(NEWS_ITEMS);
    // The typed decode must see every item, or the comparison means nothing.
    let typed: ContactList = serde_json::from_slice(&contacts).expect("the list decodes");
    assert_eq!(typed.data.as_ref().map(Vec::len), Some(CONTACTS));
    let typed: PaginatedResponse = serde_json::from_slice(&news_items).expect("the list decodes");
    assert_eq!(typed.data.as_ref().map(Vec::len), Some(NEWS_ITEMS));
    drop(typed);
    let report = json!({
        "lists": [
            list("ContactList", CONTACTS, &contacts, |b| decode::json::<ContactList>(StatusCode::OK, b).expect("decodes")),
            list("PaginatedResponse of news items", NEWS_ITEMS, &news_items, |b| {
                decode::json::<PaginatedResponse>(StatusCode::OK, b).expect("decodes")
            }),
        ],
    });
    println!("{report}");
}
