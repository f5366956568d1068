//! The hand-written runtime shared by every generated Intercom API crate.
//!
//! Generated code is data: structs, enums and thin impls. Everything that behaves lives here
//! once: the absent/null/value type of request payloads ([`Patch`]), and the serde behaviour
//! of string enums ([`string_enum!`]) and constants ([`constant!`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod enums;

#[doc(hidden)]
pub use enums::__StrVisitor;
mod patch;
mod union;

pub use patch::Patch;
pub use union::decode_by_tag;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
