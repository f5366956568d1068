//! [`Extra`]: the keys of an object that its type does not declare.

use std::fmt;
use std::sync::OnceLock;

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;

use super::raw::{Raw, raw, without_position};

/// The keys of an object that its type does not declare, kept in the order they were received
/// and encoded back unchanged, after the declared fields.
///
/// Reading one by name gives its last value (as JSON parsers do with a repeated key);
/// indexing a missing key gives `null`, as indexing a `serde_json::Value` does.
///
/// ```
/// use intercom_api_runtime::de::Extra;
///
/// let mut extra = Extra::new();
/// extra.insert("beta", true);
/// assert_eq!(extra["beta"], true);
/// assert!(extra["missing"].is_null());
/// assert_eq!(extra.get("beta").and_then(|v| v.as_bool()), Some(true));
/// ```
///
/// Decoding keeps the undeclared keys as the JSON text they came in, and parses that text
/// into values only when they are first read: most are never read, and copying text is much
/// cheaper than building values. So undeclared keys can be kept only when decoding JSON
/// (`serde_json`, from bytes, a reader or a `Value`), the one format Intercom speaks.
#[derive(Default, Clone)]
pub struct Extra {
    // Boxed, so that a struct with no undeclared keys (most of them) pays one pointer and no
    // allocation: nested structs are stored inline, and big lists of them are moved as they grow.
    kept: Option<Box<Kept>>,
}

#[derive(Default, Clone)]
struct Kept {
    /// `"key":value` pairs joined by commas, as received (keys re-escaped); the source of
    /// `entries` until that is set.
    text: String,
    /// The entries, parsed from `text` when first read, and the only truth after that.
    entries: OnceLock<Vec<(String, Value)>>,
}

impl Extra {
    /// No keys.
    pub fn new() -> Extra {
        Extra::default()
    }

    /// The value of `key`, the last one if it came more than once.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries().iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` (replacing every earlier value of it) and returns the value it had.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let old = self.remove(&key);
        self.entries_mut().push((key, value.into()));
        old
    }

    /// Takes `key` out, returning its last value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut old = None;
        self.entries_mut().retain_mut(|(k, v)| {
            if k == key {
                old = Some(std::mem::take(v));
                false
            } else {
                true
            }
        });
        old
    }

    /// How many keys were kept (a repeated key counts each time).
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no key was kept.
    pub fn is_empty(&self) -> bool {
        match &self.kept {
            None => true,
            Some(kept) => match kept.entries.get() {
                Some(entries) => entries.is_empty(),
                None => kept.text.is_empty(),
            },
        }
    }

    /// The keys and values, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries().iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Writes every key but those in `declared` into `map`. Keys as decoded and never edited
    /// are written as the very JSON text they came in (numbers of any size or precision, key
    /// order inside objects, repeated keys); once edited, from their values.
    pub(crate) fn serialize_into<M: serde::ser::SerializeMap>(&self, map: &mut M, declared: &[&str]) -> Result<(), M::Error> {
        match &self.kept {
            Some(kept) if !kept.text.is_empty() => {
                let object = format!("{{{}}}", kept.text);
                let entries = serde_json::from_str::<Entries<&RawValue>>(&object).map_err(serde::ser::Error::custom)?;
                for (key, value) in entries.0.iter().filter(|(key, _)| !declared.contains(&key.as_str())) {
                    map.serialize_entry(key, value)?;
                }
            }
            _ => {
                for (key, value) in self.iter().filter(|(key, _)| !declared.contains(key)) {
                    map.serialize_entry(key, value)?;
                }
            }
        }
        Ok(())
    }

    /// Appends one undeclared key while decoding; [`push_value`](Self::push_value) follows.
    pub(super) fn push_key(&mut self, key: &str) {
        let kept = self.kept.get_or_insert_with(|| {
            // Most objects with undeclared keys have a few: grow once or twice, not ten times.
            Box::new(Kept { text: String::with_capacity(256), entries: OnceLock::new() })
        });
        debug_assert!(kept.entries.get().is_none(), "pushed while decoding only");
        let text = &mut kept.text;
        if !text.is_empty() {
            text.push(',');
        }
        if key.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            // Rare: let serde_json escape it (a `str` always encodes).
            text.push_str(&serde_json::to_string(key).unwrap_or_default());
        } else {
            text.push('"');
            text.push_str(key);
            text.push('"');
        }
        text.push(':');
    }

    /// Appends the JSON text of the value of the key just pushed.
    pub(super) fn push_value(&mut self, value: &str) {
        if let Some(kept) = &mut self.kept {
            kept.text.push_str(value);
        }
    }

    /// Reads the value of the key just pushed and appends its JSON text.
    pub(super) fn value_seed(&mut self) -> ValueSeed<'_> {
        ValueSeed(self)
    }

    fn entries(&self) -> &[(String, Value)] {
        match &self.kept {
            None => &[],
            Some(kept) => kept.entries.get_or_init(|| parse(&kept.text)),
        }
    }

    fn entries_mut(&mut self) -> &mut Vec<(String, Value)> {
        let kept = self.kept.get_or_insert_with(Box::default);
        kept.entries.get_or_init(|| parse(&kept.text));
        kept.text = String::new();
        kept.entries.get_mut().expect("set just above")
    }
}

/// Reads one value as JSON text into the extra fields, without a copy of its own.
pub(super) struct ValueSeed<'a>(&'a mut Extra);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match raw(deserializer)? {
            Raw::Text(text) => {
                // serde_json skims a raw value: it checks its syntax, not what reading it as a
                // value checks. The few texts that could fail that (an exponent, a long run of
                // digits, a `\uD800`–`\uDFFF` escape, deep nesting) are read in full here, so
                // that a kept value always reads back, and one that cannot is a decode error
                // at its place.
                if needs_full_read(text.as_bytes()) {
                    serde_json::from_str::<Value>(&text).map_err(|e| {
                        D::Error::custom(format_args!("an undeclared value that JSON cannot hold: {}", without_position(&e)))
                    })?;
                }
                self.0.push_value(&text);
            }
            // Any other deserializer: serde's own buffer of an untagged union's value, say.
            Raw::Value(value) => self.0.push_value(&value.to_string()),
        }
        Ok(())
    }
}

/// Whether reading `text`, a JSON value whose syntax serde_json has checked, as a `Value`
/// could fail: a number with an exponent or of more than 300 digits (out of an `f64`'s range),
/// a surrogate escape (unpaired, maybe), or nesting deeper than serde_json reads. Everything
/// else reads back for sure.
fn needs_full_read(text: &[u8]) -> bool {
    match text.first() {
        // Most kept values: a string without escapes, a number, `true`, `false` or `null`.
        Some(b'"') => text.contains(&b'\\') && scan(text),
        Some(b'-' | b'0'..=b'9') => text.len() > 300 || text.iter().any(|b| matches!(b, b'e' | b'E')),
        Some(b'{' | b'[') => scan(text),
        _ => false,
    }
}

/// [`needs_full_read`] for any value: one pass over the bytes, outside and inside strings.
fn scan(text: &[u8]) -> bool {
    let (mut depth, mut digits, mut in_string, mut i) = (0u32, 0u32, false, 0);
    while let Some(&b) = text.get(i) {
        if in_string {
            match b {
                b'"' => in_string = false,
                b'\\' => {
                    let surrogate = text.get(i + 1) == Some(&b'u')
                        && matches!(text.get(i + 2), Some(b'd' | b'D'))
                        && matches!(text.get(i + 3), Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'));
                    if surrogate {
                        return true;
                    }
                    i += 1;
                }
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > 100 {
                        return true;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'e' | b'E' if digits > 0 => return true,
                _ => {}
            }
            digits = if b.is_ascii_digit() || (digits > 0 && b == b'.') { digits + 1 } else { 0 };
            if digits > 300 {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// The entries of `text`, in order, a repeated key kept each time. Every value was checked
/// when it was kept (see [`needs_full_read`]); should one still not read, the others do.
fn parse(text: &str) -> Vec<(String, Value)> {
    if text.is_empty() {
        return Vec::new();
    }
    let object = format!("{{{text}}}");
    match serde_json::from_str::<Entries<Value>>(&object) {
        Ok(entries) => entries.0,
        Err(_) => serde_json::from_str::<Entries<&RawValue>>(&object)
            .map(|entries| entries.0.into_iter().filter_map(|(k, v)| Some((k, serde_json::from_str(v.get()).ok()?))).collect())
            .unwrap_or_default(),
    }
}

#[derive(Debug)]
struct Entries<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entries<V>, D::Error> {
        struct EntriesVisitor<V>(std::marker::PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Entries<V>, M::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor(std::marker::PhantomData))
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        self.entries() == other.entries()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Extra {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Extra {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Extra {
        let entries: Vec<(String, Value)> = iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Extra { kept: Some(Box::new(Kept { text: String::new(), entries: OnceLock::from(entries) })) }
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(mut self) -> Self::IntoIter {
        std::mem::take(self.entries_mut()).into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(pairs: &[(&str, &str)]) -> Extra {
        let mut extra = Extra::new();
        for (key, value) in pairs {
            extra.push_key(key);
            extra.push_value(value);
        }
        extra
    }

    #[test]
    fn kept_text_reads_as_values_in_order_with_the_last_of_a_repeated_key() {
        let extra = decoded(&[("a", "1"), ("quote\"d", r#"{"x": [true, null]}"#), ("a", "\"two\"")]);
        assert_eq!(extra.len(), 3);
        assert_eq!(extra["a"], "two");
        assert_eq!(extra["quote\"d"]["x"][0], true);
        let keys: Vec<&str> = extra.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "quote\"d", "a"]);
    }

    #[test]
    fn values_are_kept_as_text_from_every_kind_of_deserializer() {
        let text = r#"{"a": [1, {"b": "c\"d"}], "e": null}"#;
        let mut from_str = Extra::new();
        from_str.push_key("v");
        from_str.value_seed().deserialize(&mut serde_json::Deserializer::from_str(text)).unwrap();
        let mut from_reader = Extra::new();
        from_reader.push_key("v");
        from_reader.value_seed().deserialize(&mut serde_json::Deserializer::from_reader(text.as_bytes())).unwrap();
        let mut from_value = Extra::new();
        from_value.push_key("v");
        from_value.value_seed().deserialize(serde_json::from_str::<Value>(text).unwrap()).unwrap();
        for extra in [&from_str, &from_reader, &from_value] {
            assert_eq!(extra["v"], serde_json::from_str::<Value>(text).unwrap());
        }
    }

    #[test]
    fn values_json_cannot_hold_are_refused_when_kept_and_the_rest_reads_back() {
        for bad in ["1e400", r#""\ud800""#, &format!("{}1{}", "[".repeat(200), "]".repeat(200))] {
            let mut extra = Extra::new();
            extra.push_key("x");
            let kept = extra.value_seed().deserialize(&mut serde_json::Deserializer::from_str(bad));
            assert!(kept.is_err(), "{bad:.20}");
        }
        for fine in ["1e3", "-0.5E-2", r#""\ud83d\ude00 e1""#, "[true, false, 12]", &"9".repeat(40)] {
            assert!(!needs_full_read(fine.as_bytes()) || serde_json::from_str::<Value>(fine).is_ok(), "{fine}");
            let mut extra = Extra::new();
            extra.push_key("x");
            extra.value_seed().deserialize(&mut serde_json::Deserializer::from_str(fine)).unwrap();
            assert_eq!(extra["x"], serde_json::from_str::<Value>(fine).unwrap());
        }
        assert!(needs_full_read(b"[1E5]") && needs_full_read(br#""\uDBFF""#) && !needs_full_read(br#"{"a\"e": "1e9"}"#));
        // Should a kept text still fail to read, one bad entry does not take the others.
        assert_eq!(decoded(&[("a", "1"), ("b", "1e400"), ("c", "2")]).len(), 2);
    }

    #[test]
    fn untouched_keys_are_written_back_as_the_text_they_came_in() {
        let text = r#"{"big": 123456789012345678901234567890, "f": 1.50, "obj": {"z": 1, "a": 2}, "dup": {"k": 1, "k": 2}}"#;
        let mut extra = Extra::new();
        for (key, value) in serde_json::from_str::<Entries<&RawValue>>(text).unwrap().0 {
            extra.push_key(&key);
            extra.push_value(value.get());
        }
        let write = |extra: &Extra| {
            let mut out = Vec::new();
            let mut serializer = serde_json::Serializer::new(&mut out);
            let mut map = serde::Serializer::serialize_map(&mut serializer, None).unwrap();
            extra.serialize_into(&mut map, &["f"]).unwrap();
            serde::ser::SerializeMap::end(map).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(write(&extra), r#"{"big":123456789012345678901234567890,"obj":{"z": 1, "a": 2},"dup":{"k": 1, "k": 2}}"#);
        // Reading changes nothing; an edit writes values from then on.
        assert!(extra["big"].is_number());
        assert!(write(&extra).contains("123456789012345678901234567890"));
        extra.insert("new", 1);
        assert!(write(&extra).ends_with(r#""new":1}"#));
    }

    #[test]
    fn edits_apply_to_decoded_text() {
        let mut extra = decoded(&[("a", "1"), ("b", "2")]);
        assert_eq!(extra.insert("a", 3), Some(Value::from(1)));
        assert_eq!(extra.remove("b"), Some(Value::from(2)));
        assert_eq!(extra, [("a", 3)].into_iter().collect());
        assert!(!extra.is_empty());
        assert!(Extra::new().is_empty() && decoded(&[]).is_empty());
    }
}
