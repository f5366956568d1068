//! Serde behaviour for generated string enums and constants, written once.

/// Defines a string enum that keeps values it does not know.
///
/// Each listed variant maps to one wire string; any other string decodes into
/// `Unknown(String)` and serializes back unchanged, so a response never fails to decode
/// because Intercom added a value.
///
/// ```
/// intercom_api_runtime::string_enum! {
///     /// A contact's role.
///     pub enum Role {
///         /// `user`
///         User = "user",
///         /// `lead`
///         Lead = "lead",
///     }
/// }
/// let role: Role = serde_json::from_str("\"visitor\"").unwrap();
/// assert_eq!(role, Role::Unknown("visitor".to_owned()));
/// assert_eq!(serde_json::to_string(&role).unwrap(), "\"visitor\"");
/// assert_eq!(Role::Lead.as_str(), "lead");
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept as it was received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// The variant for a wire value; unknown values become `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::__StrVisitor(Self::from_wire, stringify!($name)))
            }
        }
    };
}

/// Defines a zero-sized type for a single-value enum (`type: contact`).
///
/// It is `Default`, so it is filled in when a value is constructed, and a field of this type
/// carries `#[serde(default)]`, so a response that leaves it out still decodes. Decoding never
/// fails because of it: whatever the server sent in its place is accepted and dropped (a
/// union with a `discriminator` reads the tag itself, see [`decode_by_tag`](crate::decode_by_tag)).
///
/// ```
/// intercom_api_runtime::constant! {
///     /// Always `contact`.
///     pub struct Contact = "contact";
/// }
/// assert_eq!(serde_json::to_string(&Contact).unwrap(), "\"contact\"");
/// assert!(serde_json::from_str::<Contact>("\"contact\"").is_ok());
/// assert!(serde_json::from_str::<Contact>("\"company\"").is_ok());
/// ```
#[macro_export]
macro_rules! constant {
    (
        $(#[$meta:meta])*
        pub struct $name:ident = $wire:literal;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl $name {
            /// The one value.
            pub const VALUE: &'static str = $wire;
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str($wire)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <$crate::__private::serde::de::IgnoredAny as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(|_| $name)
            }
        }
    };
}

#[doc(hidden)]
pub struct __StrVisitor<T>(pub fn(&str) -> T, pub &'static str);

impl<T> serde::de::Visitor<'_> for __StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a string ({})", self.1)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.0)(value))
    }
}
