//! Decoding generated structs: tolerant of what the live API really sends, keeping what the
//! spec does not declare, and cheap to compile.
//!
//! A generated struct implements [`DecodeObject`]: one `match` from field index to a setter
//! call that stores the value, and the struct built from what was stored. Everything else
//! lives here, once: finding a key among the struct's wire names, keeping undeclared keys
//! ([`Extra`]), the error for a missing required field, and the lossless scalar tolerance of
//! [`Lenient`]:
//!
//! - an integer field accepts a string of decimal digits (`"5017691"`) and a number with no
//!   fraction (`5.0`);
//! - a number field accepts a numeric string (`"1.5"`);
//! - a string field accepts a number, kept as its decimal text (`5017691` → `"5017691"`);
//! - a boolean field accepts `"true"` and `"false"`.
//!
//! Nothing lossy is accepted: `"abc"` or `"1.5"` for an integer, or `"yes"` for a boolean, is
//! still an error, and the error names the field's JSON path. Encoding always writes the type
//! the spec declares.
//!
//! ```
//! use intercom_api_runtime::de::{self, DecodeObject, Extra, Object};
//!
//! #[derive(Debug, PartialEq)]
//! struct Team { id: String, size: Option<i64>, extra: Extra }
//!
//! impl<'de> DecodeObject<'de> for Team {
//!     const NAME: &'static str = "team";
//!     const FIELDS: &'static [&'static str] = &["id", "size"];
//!     fn decode<M: serde::de::MapAccess<'de>>(mut object: Object<'de, M>) -> Result<Self, M::Error> {
//!         let (mut id, mut size) = (None, None);
//!         while let Some(field) = object.next_field()? {
//!             match field {
//!                 0 => object.set_required_lenient(&mut id),
//!                 1 => object.set_lenient(&mut size),
//!                 _ => object.skip(),
//!             }
//!         }
//!         Ok(Team { id: object.required(id, 0)?, size, extra: object.into_extra() })
//!     }
//! }
//! impl<'de> serde::Deserialize<'de> for Team {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         de::object(deserializer)
//!     }
//! }
//!
//! let team: Team = serde_json::from_str(r#"{"id": 814, "size": "12", "color": "red"}"#).unwrap();
//! assert_eq!(team.id, "814");
//! assert_eq!(team.size, Some(12));
//! assert_eq!(team.extra["color"], "red");
//! assert!(serde_json::from_str::<Team>(r#"{"id": "1", "size": "twelve"}"#).is_err());
//! assert!(serde_json::from_str::<Team>(r#"{"size": 1}"#).is_err());
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};

mod extra;
mod keys;
mod raw;

use crate::strict;

pub use extra::Extra;
#[doc(hidden)]
pub use keys::Keys;
pub(crate) use raw::{Raw, nests_deeper_than, raw, without_position};

/// A generated struct's decoding: its wire names and how one object fills it.
pub trait DecodeObject<'de>: Sized {
    /// The spec's name of the type, for error messages.
    const NAME: &'static str;
    /// The wire names of the declared fields; [`Object::next_field`] yields indices into this.
    const FIELDS: &'static [&'static str];
    /// The table that finds a key among [`FIELDS`](Self::FIELDS), built at compile time.
    #[doc(hidden)]
    const KEYS: Keys = Keys::new(Self::FIELDS);
    /// Reads the object's fields and builds the value. It calls [`Object::next_field`] until
    /// that returns `None` or an error: a setter's error waits for that call.
    fn decode<M: MapAccess<'de>>(object: Object<'de, M>) -> Result<Self, M::Error>;
}

/// Decodes a JSON object into a [`DecodeObject`]: what a generated `Deserialize` calls.
pub fn object<'de, D: Deserializer<'de>, T: DecodeObject<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: DecodeObject<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object", T::NAME)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<T, M::Error> {
        let keys: &'static Keys = const { &T::KEYS };
        T::decode(Object { map, keys, fields: T::FIELDS, next: 0, extra: Extra::new(), error: None, marker: PhantomData })
    }
}

/// One object being decoded: yields the index of each declared key, keeps the others.
pub struct Object<'de, M: MapAccess<'de>> {
    map: M,
    keys: &'static Keys,
    fields: &'static [&'static str],
    /// Where the next key is looked for first: keys usually come in the declared order.
    next: usize,
    extra: Extra,
    /// The first error a setter met; `next_field` returns it.
    error: Option<M::Error>,
    marker: PhantomData<&'de ()>,
}

impl<'de, M: MapAccess<'de>> Object<'de, M> {
    /// The index of the next declared key; undeclared keys on the way are kept in the extra
    /// fields. `None` at the end of the object. The error of the last field's setter, if it
    /// had one, comes first.
    pub fn next_field(&mut self) -> Result<Option<usize>, M::Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        loop {
            let seed = KeySeed { keys: self.keys, expected: self.next, extra: &mut self.extra };
            match self.map.next_key_seed(seed)? {
                None => return Ok(None),
                Some(Key::Declared(index)) => {
                    self.next = index + 1;
                    return Ok(Some(index));
                }
                Some(Key::Undeclared) if strict::active() => {
                    return Err(strict::refuse(format_args!("a key the type does not declare")));
                }
                Some(Key::Undeclared) => {
                    self.map.next_value_seed(self.extra.value_seed())?;
                }
            }
        }
    }

    // The setters return nothing: an error waits in `self.error` for `next_field`, so a
    // generated `match` arm is one call, without a `?` for every field to type-check.

    /// Stores the current field's value in `slot`, decoded as its type says.
    pub fn set<T: Deserialize<'de>>(&mut self, slot: &mut T) {
        let read = self.map.next_value();
        self.keep(read, |value| *slot = value);
    }

    /// Stores the current field's value in `slot`, a scalar decoded with [`Lenient`] tolerance.
    pub fn set_lenient<T: Lenient<'de>>(&mut self, slot: &mut T) {
        let read = self.map.next_value_seed(LenientSeed(PhantomData));
        self.keep(read, |value| *slot = value);
    }

    /// Stores a required field's value in `slot`, decoded as its type says.
    pub fn set_required<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) {
        let read = self.map.next_value();
        self.keep(read, |value| *slot = Some(value));
    }

    /// Stores a required field's value in `slot`, a scalar decoded with [`Lenient`] tolerance.
    pub fn set_required_lenient<T: Lenient<'de>>(&mut self, slot: &mut Option<T>) {
        let read = self.map.next_value_seed(LenientSeed(PhantomData));
        self.keep(read, |value| *slot = Some(value));
    }

    /// Skips the current field's value.
    pub fn skip(&mut self) {
        let read = self.map.next_value::<IgnoredAny>();
        self.keep(read, drop);
    }

    /// Hands a value read to `store`, or keeps its error for `next_field`.
    fn keep<T>(&mut self, read: Result<T, M::Error>, store: impl FnOnce(T)) {
        match read {
            Ok(value) => store(value),
            Err(error) => self.error = Some(error),
        }
    }

    /// A required field's value, or the error that names it.
    pub fn required<T>(&self, value: Option<T>, index: usize) -> Result<T, M::Error> {
        value.ok_or_else(|| M::Error::missing_field(self.fields.get(index).copied().unwrap_or("?")))
    }

    /// The undeclared keys met. Called once `next_field` has returned `None`, when no
    /// setter's error can be waiting.
    pub fn into_extra(self) -> Extra {
        debug_assert!(self.error.is_none(), "into_extra before next_field returned the setter's error");
        self.extra
    }
}

enum Key {
    Declared(usize),
    /// Its name is pushed to the extra fields already.
    Undeclared,
}

struct KeySeed<'a> {
    keys: &'static Keys,
    expected: usize,
    extra: &'a mut Extra,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match self.keys.find(key, self.expected) {
            Some(index) => Key::Declared(index),
            None => {
                self.extra.push_key(key);
                Key::Undeclared
            }
        })
    }
}

/// A scalar (or a list, map or `Option` of scalars) that decodes from the other JSON shapes
/// the live API uses for it, where nothing is lost. See the [module](self) for the rules.
pub trait Lenient<'de>: Sized {
    /// Decodes the value, tolerating the shapes above.
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// A [`DeserializeSeed`] that decodes `T` with [`Lenient`] tolerance.
pub struct LenientSeed<T>(PhantomData<T>);

impl<T> Default for LenientSeed<T> {
    fn default() -> Self {
        LenientSeed(PhantomData)
    }
}

impl<'de, T: Lenient<'de>> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_lenient(deserializer)
    }
}

/// Decodes `T` leniently from any deserializer, e.g. `lenient::<i64, _>(&mut json)`.
pub fn lenient<'de, T: Lenient<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_lenient(deserializer)
}

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, or a string of decimal digits")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a number with a fraction for an integer")));
        }
        // Exactly representable whole numbers only: 5.0 is 5, 5.5 is an error.
        const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
        if v.fract() == 0.0 && v.abs() <= LIMIT { Ok(v as i64) } else { Err(E::invalid_value(Unexpected::Float(v), &self)) }
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a string for an integer")));
        }
        let digits = v.strip_prefix('-').unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::invalid_value(Unexpected::Str(v), &self));
        }
        v.parse().map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

impl<'de> Lenient<'de> for i64 {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(IntegerVisitor)
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or a string holding one")
    }

    /// Integers a double holds exactly (all up to 2^53, and some beyond); another would come
    /// back with other digits, so it is an error.
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<f64, E> {
        let f = v as f64;
        if f as i128 == v as i128 { Ok(f) } else { Err(E::invalid_value(Unexpected::Signed(v), &"a number a double holds exactly")) }
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<f64, E> {
        let f = v as f64;
        if f as u128 == v as u128 { Ok(f) } else { Err(E::invalid_value(Unexpected::Unsigned(v), &"a number a double holds exactly")) }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<f64, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a string for a number")));
        }
        // JSON's number grammar only: no `inf`, `NaN`, `+1` or `.5`.
        let json_number = serde_json::from_str::<serde_json::Number>(v.trim()).ok();
        json_number.and_then(|n| n.as_f64()).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

impl<'de> Lenient<'de> for f64 {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(NumberVisitor)
    }
}

struct BooleanVisitor;

impl Visitor<'_> for BooleanVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, or \"true\" or \"false\"")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a string for a boolean")));
        }
        match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Lenient<'de> for bool {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(BooleanVisitor)
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, or a number kept as its decimal text")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a number for a string")));
        }
        Ok(v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a number for a string")));
        }
        Ok(v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
        if strict::active() {
            return Err(strict::refuse(format_args!("a number for a string")));
        }
        // A whole number this large arrived as an integer too long for 64 bits, and the float
        // has lost its digits: no text would be exact.
        if v.fract() == 0.0 && v.abs() >= 9_007_199_254_740_992.0 {
            return Err(E::invalid_value(Unexpected::Float(v), &self));
        }
        // serde_json's own spelling of the number (`1.5`, `100.0`).
        serde_json::Number::from_f64(v).map(|n| n.to_string()).ok_or_else(|| E::invalid_value(Unexpected::Float(v), &self))
    }
}

impl<'de> Lenient<'de> for String {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(StringVisitor)
    }
}

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::deserialize_lenient(deserializer).map(Some)
    }
}

impl<'de, T: Lenient<'de>> Lenient<'de> for Option<T> {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

impl<'de, T: Lenient<'de>> Lenient<'de> for crate::Patch<T> {
    /// Present: `Null` or `Value`; an absent field never reaches decoding.
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<crate::Patch<T>, D::Error> {
        Option::<T>::deserialize_lenient(deserializer).map(crate::Patch::from)
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(LenientSeed(PhantomData))? {
            out.push(item);
        }
        Ok(out)
    }
}

impl<'de, T: Lenient<'de>> Lenient<'de> for Vec<T> {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(ListVisitor(PhantomData))
    }
}

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient<'de>> Visitor<'de> for MapVisitor<T> {
    type Value = BTreeMap<String, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<BTreeMap<String, T>, M::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(LenientSeed(PhantomData))?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

impl<'de, T: Lenient<'de>> Lenient<'de> for BTreeMap<String, T> {
    fn deserialize_lenient<D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: for<'de> Lenient<'de>>(json: &str) -> Result<T, serde_json::Error> {
        lenient(&mut serde_json::Deserializer::from_str(json))
    }

    #[derive(Debug)]
    struct Team {
        id: String,
        size: Option<i64>,
        extra: Extra,
    }

    impl<'de> DecodeObject<'de> for Team {
        const NAME: &'static str = "team";
        const FIELDS: &'static [&'static str] = &["id", "size"];
        fn decode<M: MapAccess<'de>>(mut object: Object<'de, M>) -> Result<Self, M::Error> {
            let (mut id, mut size) = (None, None);
            while let Some(field) = object.next_field()? {
                match field {
                    0 => object.set_required_lenient(&mut id),
                    1 => object.set_lenient(&mut size),
                    _ => object.skip(),
                }
            }
            Ok(Team { id: object.required(id, 0)?, size, extra: object.into_extra() })
        }
    }

    impl<'de> Deserialize<'de> for Team {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    #[test]
    fn undeclared_keys_are_kept_from_every_kind_of_json_input() {
        let json = r#"{"lead": {"a": [1, "x\"y"]}, "id": "7", "b\u00e9ta": null, "size": 3}"#;
        let from_str: Team = serde_json::from_str(json).unwrap();
        let from_reader: Team = serde_json::from_reader(json.as_bytes()).unwrap();
        let from_value: Team = serde_json::from_value(serde_json::from_str(json).unwrap()).unwrap();
        let tracked: Team = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(json)).unwrap();
        for team in [&from_str, &from_reader, &from_value, &tracked] {
            assert_eq!((team.id.as_str(), team.size), ("7", Some(3)));
            assert_eq!(team.extra["lead"]["a"][1], "x\"y");
            assert!(team.extra.contains_key("b\u{e9}ta") && team.extra["b\u{e9}ta"].is_null());
            assert_eq!(team.extra.len(), 2);
        }
    }

    #[test]
    fn a_bad_field_after_undeclared_keys_is_reported_at_its_path() {
        let json = r#"{"teams": [{"other": {"deep": [1]}, "id": "1", "size": "twelve"}]}"#;
        #[derive(Debug, serde::Deserialize)]
        struct Teams {
            #[allow(dead_code)]
            teams: Vec<Team>,
        }
        let error = serde_path_to_error::deserialize::<_, Teams>(&mut serde_json::Deserializer::from_str(json)).unwrap_err();
        assert_eq!(error.path().to_string(), "teams[0].size");
        // A setter keeps its error until the next key is asked for: it is still reported at
        // the field, and nothing after it is read (the text after it is not even JSON).
        let json = r#"{"teams": [{"size": "twelve", "id": "1", "other": 2}]}"#;
        let error = serde_path_to_error::deserialize::<_, Teams>(&mut serde_json::Deserializer::from_str(json)).unwrap_err();
        assert_eq!(error.path().to_string(), "teams[0].size");
        let error = serde_json::from_str::<Team>(r#"{"size": "twelve", "id": !!!"#).unwrap_err();
        assert!(error.to_string().contains("twelve"), "{error}");
        // An undeclared value JSON cannot hold is reported at its own key, not inside
        // serde_json's raw-value entry.
        let json = r#"{"teams": [{"id": "1", "huge": 1e400}]}"#;
        let error = serde_path_to_error::deserialize::<_, Teams>(&mut serde_json::Deserializer::from_str(json)).unwrap_err();
        assert_eq!(error.path().to_string(), "teams[0].huge");
    }

    #[test]
    fn undeclared_keys_are_kept_inside_an_untagged_union() {
        // serde buffers an untagged union's value and replays it through its own
        // deserializer, which knows nothing of serde_json's raw values.
        #[derive(Debug, serde::Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Avatar {
            Url(String),
            Team(Team),
            Unknown(serde_json::Value),
        }
        let avatar: Avatar = serde_json::from_str(r#"{"id": "1", "size": 2, "shape": {"r": [1.5]}}"#).unwrap();
        let Avatar::Team(team) = avatar else { panic!("decoded as {avatar:?}") };
        assert_eq!(team.extra["shape"]["r"][0], 1.5);
        assert!(matches!(serde_json::from_str::<Avatar>(r#""https://x""#).unwrap(), Avatar::Url(_)));
        assert!(matches!(serde_json::from_str::<Avatar>(r#"{"size": 2}"#).unwrap(), Avatar::Unknown(_)));
    }

    #[test]
    fn integers_take_digit_strings_and_whole_floats_only() {
        assert_eq!(parse::<i64>("5017691").unwrap(), 5017691);
        assert_eq!(parse::<i64>("\"5017691\"").unwrap(), 5017691);
        assert_eq!(parse::<i64>("\"-12\"").unwrap(), -12);
        assert_eq!(parse::<i64>("5.0").unwrap(), 5);
        for bad in ["\"abc\"", "\"\"", "\"1.5\"", "\" 1\"", "\"+1\"", "1.5", "true", "\"99999999999999999999\"", "18446744073709551615"] {
            assert!(parse::<i64>(bad).is_err(), "{bad} must not decode as an integer");
        }
    }

    #[test]
    fn numbers_take_numeric_strings() {
        assert_eq!(parse::<f64>("\"1.5\"").unwrap(), 1.5);
        assert_eq!(parse::<f64>("3").unwrap(), 3.0);
        assert_eq!(parse::<f64>("9007199254740993").ok(), None, "2^53 + 1 has no double");
        assert_eq!(parse::<f64>("-9007199254740992").unwrap(), -9007199254740992.0);
        for bad in ["\"NaN\"", "\"inf\"", "\"one\"", "\".5\"", "false", "18446744073709551615"] {
            assert!(parse::<f64>(bad).is_err(), "{bad} must not decode as a number");
        }
    }

    #[test]
    fn strings_take_numbers_as_their_text() {
        assert_eq!(parse::<String>("5017691").unwrap(), "5017691");
        assert_eq!(parse::<String>("-3").unwrap(), "-3");
        assert_eq!(parse::<String>("1.5").unwrap(), "1.5");
        assert_eq!(parse::<String>("\"x\"").unwrap(), "x");
        assert!(parse::<String>("true").is_err());
        assert!(parse::<String>("123456789012345678901234").is_err(), "a float has lost its digits");
        assert!(parse::<String>("{}").is_err());
    }

    #[test]
    fn booleans_take_their_spelling_only() {
        assert!(parse::<bool>("\"true\"").unwrap());
        assert!(!parse::<bool>("\"false\"").unwrap());
        for bad in ["\"yes\"", "\"True\"", "1", "\"1\""] {
            assert!(parse::<bool>(bad).is_err(), "{bad} must not decode as a boolean");
        }
    }

    #[test]
    fn containers_are_lenient_inside() {
        assert_eq!(parse::<Option<i64>>("null").unwrap(), None);
        assert_eq!(parse::<Option<i64>>("\"7\"").unwrap(), Some(7));
        assert_eq!(parse::<Vec<String>>("[1, \"a\"]").unwrap(), vec!["1".to_owned(), "a".to_owned()]);
        let map = parse::<BTreeMap<String, Option<bool>>>(r#"{"a": "true", "b": null}"#).unwrap();
        assert_eq!(map["a"], Some(true));
        assert_eq!(map["b"], None);
        assert!(parse::<Vec<i64>>("[1, \"x\"]").is_err());
    }
}
