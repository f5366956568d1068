//! The hand-written runtime shared by every generated Intercom API crate.
//!
//! Generated code is data: structs, enums and thin impls. Everything that behaves lives here
//! once:
//! - [`Operation`]: sans-IO requests and responses, for any HTTP client;
//! - [`Client`] (feature `client`, on by default): reqwest, regions, timeouts, retries,
//!   per-request options ([`RequestBuilder`]), answers with their metadata ([`Response`],
//!   [`RateLimit`]), fixed or refreshed tokens ([`TokenProvider`]), [`Hook`]s, `tracing` spans
//!   and pagination ([`Paginated`]);
//! - TLS: `rustls` (with `client`, the default), `rustls-no-provider` (bring a crypto
//!   provider) or `native-tls` (the platform's; preferred when both are on), each of which
//!   brings the client; `client-core` is the client with no TLS of its own;
//! - [`Error`]: API errors with Intercom's error list, decode errors with the JSON path,
//!   timeouts and transport errors;
//! - decoding and encoding of generated structs ([`de`], [`ser`]): lossless tolerance of
//!   scalars the live API sends in another shape, and undeclared fields kept;
//! - the absent/null/value type of request payloads ([`Patch`]), and the serde behaviour of
//!   string enums and constants ([`enums`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "client-core")]
mod auth;
#[cfg(feature = "client-core")]
mod client;
pub mod de;
pub mod enums;
mod error;
#[cfg(feature = "client-core")]
mod hook;
mod operation;
mod pagination;
mod patch;
mod query;
#[cfg(feature = "client-core")]
mod request;
mod reread;
mod response;
pub mod ser;
mod strict;
mod union;

#[cfg(feature = "client-core")]
pub use auth::{Token, TokenProvider};
#[cfg(feature = "client-core")]
pub use client::{Client, ClientBuilder, Region, RetryPolicy};
pub use error::{ApiError, ApiErrorItem, ContentTypeError, DecodeError, Error, SNIPPET_LIMIT};
#[cfg(feature = "client-core")]
pub use hook::{AttemptInfo, Hook};
pub use operation::{Multipart, Operation, QueryStyle, Redirect, RequestParts, decode};
pub use pagination::{Paginated, PaginationStyle, next_page_number, non_empty};
pub use patch::Patch;
#[cfg(feature = "client-core")]
pub use request::RequestBuilder;
pub use response::{RateLimit, Response};
pub use union::{TaggedForm, UntaggedForm, decode_by_tag, decode_form, decode_untagged};

/// The names of [`Client`]'s methods (feature `client-core`). A generated client dereferences
/// to the runtime's, so the generator never names a tag accessor after one of them; a test
/// keeps this list equal to the methods.
#[doc(hidden)]
pub const CLIENT_METHODS: &[&str] =
    &["builder", "builder_with_token_provider", "from_env", "base_url", "send", "request", "send_owned", "pages", "items", "collect_items"];

/// Re-exported so generated crates and users agree on the versions.
#[cfg(feature = "client-core")]
pub use bytes;
/// Re-exported so generated crates and users agree on the versions.
pub use http;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
