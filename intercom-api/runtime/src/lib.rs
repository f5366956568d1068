//! The hand-written runtime shared by every generated Intercom API crate.
//!
//! Generated code is data: structs, enums and thin impls. Everything that behaves lives here
//! once:
//! - [`Operation`]: sans-IO requests and responses, for any HTTP client;
//! - [`Client`] (feature `client`, on by default): reqwest with rustls, regions, timeouts,
//!   retries, `tracing` spans and pagination ([`Paginated`]);
//! - [`Error`]: API errors with Intercom's error list, decode errors with the JSON path,
//!   timeouts and transport errors;
//! - decoding and encoding of generated structs ([`de`], [`ser`]): lossless tolerance of
//!   scalars the live API sends in another shape, and undeclared fields kept;
//! - the absent/null/value type of request payloads ([`Patch`]), and the serde behaviour of
//!   string enums ([`string_enum!`]) and constants ([`constant!`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod client;
pub mod de;
mod enums;
mod error;
#[cfg(feature = "client")]
mod hook;
mod operation;
mod pagination;
mod patch;
#[cfg(feature = "client")]
mod request;
mod response;
pub mod ser;
mod union;

#[cfg(feature = "client")]
pub use auth::{Token, TokenProvider};
#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, Region, RetryPolicy};
#[doc(hidden)]
pub use enums::__StrVisitor;
pub use error::{ApiError, ApiErrorItem, ContentTypeError, DecodeError, Error, SNIPPET_LIMIT};
#[cfg(feature = "client")]
pub use hook::{AttemptInfo, Hook};
pub use operation::{Multipart, Operation, QueryStyle, Redirect, RequestParts, decode};
pub use pagination::{Paginated, PaginationStyle, next_page_number, non_empty};
pub use patch::Patch;
#[cfg(feature = "client")]
pub use request::RequestBuilder;
pub use response::{RateLimit, Response};
pub use union::decode_by_tag;

/// Re-exported so generated crates and users agree on the versions.
#[cfg(feature = "client")]
pub use bytes;
/// Re-exported so generated crates and users agree on the versions.
pub use http;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
