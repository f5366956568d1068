//! Serde behaviour for generated string enums and constants, written once.
//!
//! A generated string enum is a plain `enum` with one variant per wire value and
//! `Unknown(String)` for the others, so a response never fails to decode because Intercom added
//! a value; its `from_wire` / `as_str` map the values. A constant (`type: contact`) is a
//! zero-sized struct: written as its one value, and whatever came in its place is accepted.
//!
//! ```
//! use intercom_api_runtime::enums;
//!
//! #[derive(Debug, PartialEq)]
//! enum Role { User, Unknown(String) }
//!
//! impl Role {
//!     fn from_wire(value: &str) -> Role {
//!         match value { "user" => Role::User, other => Role::Unknown(other.to_owned()) }
//!     }
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Role {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
//!         enums::string(deserializer, Role::from_wire, "Role")
//!     }
//! }
//!
//! let role: Role = serde_json::from_str("\"visitor\"").unwrap();
//! assert_eq!(role, Role::Unknown("visitor".to_owned()));
//! assert!(serde_json::from_str::<Role>("3").is_err());
//! assert!(enums::constant(&mut serde_json::Deserializer::from_str("\"company\"")).is_ok());
//! ```

use std::fmt;

use serde::Deserializer;
use serde::de::{IgnoredAny, Visitor};

/// Decodes a string enum: a string, mapped by `from_wire` (which keeps unknown values). `name`
/// is the type's, for the error when the value is not a string.
pub fn string<'de, D: Deserializer<'de>, T>(deserializer: D, from_wire: fn(&str) -> T, name: &'static str) -> Result<T, D::Error> {
    deserializer.deserialize_str(StrVisitor(from_wire, name))
}

/// Decodes what stands in a constant's place: anything, accepted and dropped (a union with a
/// `discriminator` reads the tag itself, see [`decode_by_tag`](crate::decode_by_tag)).
pub fn constant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
    deserializer.deserialize_ignored_any(IgnoredAny).map(|_| ())
}

struct StrVisitor<T>(fn(&str) -> T, &'static str);

impl<T> Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string ({})", self.1)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.0)(value))
    }
}
