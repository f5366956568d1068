//! The JSON text of one value, as serde_json hands it over: what [`Extra`](super::Extra)
//! keeps and what a tagged union reads its tag from and decodes its form from.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The name serde_json gives the newtype struct `RawValue` deserializes as. A deserializer
/// of serde_json that knows it hands over the value's text, borrowed from the input when it
/// can; any other calls [`Visitor::visit_newtype_struct`], where the value is read as a
/// `Value`. A test checks the name against serde_json.
pub(crate) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// One value as it was read.
pub(crate) enum Raw<'de> {
    /// Its JSON text, whose syntax serde_json checked (skimmed: see `extra::needs_full_read`
    /// for what that leaves unchecked); borrowed from the input unless read from an
    /// `io::Read`.
    Text(Cow<'de, str>),
    /// The value, from any other deserializer (serde's buffer of a derived
    /// `#[serde(untagged)]` enum, say; serde_json's `Value` gives its text).
    Value(Value),
}

/// Reads one value as its JSON text where the deserializer can give it.
///
/// The text is returned, not handed to a callback inside the read, so that whatever the
/// caller does with it fails at the value's own place: serde_json gives the text as the one
/// entry of a map, whose key `serde_path_to_error` would otherwise add to the path.
pub(crate) fn raw<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Raw<'de>, D::Error> {
    deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawVisitor)
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    /// serde_json's form of a raw value: one entry whose value is the text.
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Raw<'de>, M::Error> {
        if map.next_key::<IgnoredAny>()?.is_none() {
            return Err(M::Error::invalid_length(0, &self));
        }
        map.next_value_seed(TextSeed).map(Raw::Text)
    }

    /// Any other deserializer, which cannot give a `RawValue`: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw<'de>, D::Error> {
        Value::deserialize(deserializer).map(Raw::Value)
    }
}

/// Whether the JSON text nests arrays and objects more than `limit` levels deep (a value
/// serde_json has checked the syntax of: brackets inside strings do not count).
pub(crate) fn nests_deeper_than(text: &str, limit: usize) -> bool {
    // No text of `2 * limit` bytes can: most are shorter.
    if text.len() <= 2 * limit {
        return false;
    }
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    for &byte in text.as_bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' if depth == limit => return true,
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    false
}

/// An error's message without serde_json's `at line 1 column N`, for an error of a reader of
/// a value's own text: its line and column count from the start of the value, not of the body,
/// whose own place the body's reader adds.
pub(crate) fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(bare) if error.line() > 0 => bare.to_owned(),
        _ => message,
    }
}

/// The text in serde_json's raw-value entry.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the JSON text of a value")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a `Box<RawValue>` through a deserializer that only records the newtype name
    /// serde_json asks for.
    struct NameProbe<'a>(&'a mut &'static str);

    impl<'de> Deserializer<'de> for NameProbe<'_> {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only a newtype struct"))
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, _: V) -> Result<V::Value, Self::Error> {
            *self.0 = name;
            Err(serde::de::Error::custom("recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    #[test]
    fn the_raw_value_name_is_serde_jsons() {
        // Were it not, undeclared values and tagged unions would still decode, through the
        // slower fallback.
        let mut name = "";
        assert!(Box::<serde_json::value::RawValue>::deserialize(NameProbe(&mut name)).is_err());
        assert_eq!(name, RAW_VALUE_TOKEN);
    }
}
