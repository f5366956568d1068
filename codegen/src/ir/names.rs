//! The three kinds of string the IR keeps apart: a Rust identifier the generated code uses
//! ([`RustIdent`]), a name as JSON spells it on the wire ([`WireName`]), and where something
//! is in the spec ([`JsonPointer`]). A field has both a Rust name and a wire name, and a type
//! both a name and a pointer; their own types make mixing them up a compile error.
//!
//! Each reads as a `str` (`Deref`, [`as_str`](RustIdent::as_str), `Display`), so reading one
//! needs no conversion; making one says which it is.

use std::fmt;
use std::ops::Deref;

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> $name {
                $name(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0
            }
        }

        impl From<&$name> for String {
            fn from(name: &$name) -> String {
                name.0.clone()
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_newtype! {
    /// A name in the generated Rust code: a type (`ListContacts`), field (`created_at`,
    /// `r#type`) or variant, made by [`naming`](crate::naming) and unique in its scope.
    RustIdent
}

string_newtype! {
    /// A name as JSON spells it: a property's key (`created_at`, `type`) or a string enum's
    /// value, exactly as the spec declares it.
    WireName
}

string_newtype! {
    /// Where something is in the spec, as a URI fragment (`#/components/schemas/contact`):
    /// what diagnostics, reports and the test harness name and look up.
    JsonPointer
}
