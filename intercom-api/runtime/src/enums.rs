//! Serde behaviour for generated string enums and constants, written once.
//!
//! A generated string enum is a plain `enum` with one variant per wire value and
//! `Unknown(String)` for the others, so a response never fails to decode because Intercom added
//! a value; its `from_wire` / `as_str` map the values. A constant (`type: contact`) is a
//! zero-sized struct: written as its one value, and whatever came in its place is accepted.
//! Only while an untagged union chooses its form ([`decode_untagged`](crate::decode_untagged))
//! must an enum's value be known and a constant's be its own.
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
//!         enums::string(deserializer, Role::from_wire, &["user"], "Role")
//!     }
//! }
//!
//! let role: Role = serde_json::from_str("\"visitor\"").unwrap();
//! assert_eq!(role, Role::Unknown("visitor".to_owned()));
//! assert!(serde_json::from_str::<Role>("3").is_err());
//! assert!(enums::constant(&mut serde_json::Deserializer::from_str("\"company\""), "contact").is_ok());
//! ```

use std::fmt;

use serde::Deserializer;
use serde::de::{IgnoredAny, Visitor};

use crate::strict;

/// Decodes a string enum: a string, mapped by `from_wire` (which keeps unknown values). `known`
/// lists the values the enum declares, which only an untagged union's strict pass (see
/// [`decode_untagged`](crate::decode_untagged)) insists on; `name` is the type's, for errors.
pub fn string<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    from_wire: fn(&str) -> T,
    known: &'static [&'static str],
    name: &'static str,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(StrVisitor { from_wire, known, name })
}

/// Decodes what stands in a constant's place: anything, accepted and dropped (a union with a
/// `discriminator` reads the tag itself, see [`decode_by_tag`](crate::decode_by_tag)), except
/// in an untagged union's strict pass, where it must be `value`.
pub fn constant<'de, D: Deserializer<'de>>(deserializer: D, value: &'static str) -> Result<(), D::Error> {
    if strict::unknown_refused() {
        return deserializer.deserialize_str(ConstantVisitor(value));
    }
    deserializer.deserialize_ignored_any(IgnoredAny).map(|_| ())
}

struct StrVisitor<T> {
    from_wire: fn(&str) -> T,
    known: &'static [&'static str],
    name: &'static str,
}

impl<T> Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string ({})", self.name)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        if strict::unknown_refused() && !self.known.contains(&value) {
            return Err(strict::refuse(format_args!("{value:?} is not a known {}", self.name)));
        }
        Ok((self.from_wire)(value))
    }
}

struct ConstantVisitor(&'static str);

impl Visitor<'_> for ConstantVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<(), E> {
        if value == self.0 { Ok(()) } else { Err(E::invalid_value(serde::de::Unexpected::Str(value), &self)) }
    }
}
