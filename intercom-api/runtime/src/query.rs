//! The entries of an object-valued query parameter, in the order the value writes them.
//!
//! Going through `serde_json::Value` would give its map order instead: sorted by key, or the
//! insertion order when some crate in the build turns on serde_json's `preserve_order`. So the
//! same request would encode differently depending on the rest of a user's dependency tree.
//! This serializer keeps the value's own order: a generated struct's fields as the spec
//! declares them, a map's entries as it iterates them.

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeStruct};
use serde_json::Value;

/// `Some(entries)` when `value` serializes as a map or struct, else `None`.
pub(crate) fn entries<T: Serialize + ?Sized>(value: &T) -> Result<Option<Vec<(String, Value)>>, serde_json::Error> {
    match value.serialize(Entries) {
        Ok(entries) => Ok(Some(entries)),
        Err(Failure::NotAnObject) => Ok(None),
        Err(Failure::Json(error)) => Err(error),
    }
}

#[derive(Debug)]
enum Failure {
    NotAnObject,
    Json(serde_json::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotAnObject => f.write_str("not an object"),
            Failure::Json(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Failure {}

impl ser::Error for Failure {
    fn custom<T: std::fmt::Display>(message: T) -> Failure {
        Failure::Json(<serde_json::Error as ser::Error>::custom(message))
    }
}

struct Entries;

/// The collected entries; a map's key is kept until its value comes.
#[derive(Default)]
struct Collect {
    entries: Vec<(String, Value)>,
    key: Option<String>,
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(Failure::Json)
}

/// Every non-object value is refused with `NotAnObject`: the caller encodes it as a scalar or
/// list instead.
macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Failure> { Err(Failure::NotAnObject) })*
    };
}

impl ser::Serializer for Entries {
    type Ok = Vec<(String, Value)>;
    type Error = Failure;
    type SerializeSeq = Impossible<Self::Ok, Failure>;
    type SerializeTuple = Impossible<Self::Ok, Failure>;
    type SerializeTupleStruct = Impossible<Self::Ok, Failure>;
    type SerializeTupleVariant = Impossible<Self::Ok, Failure>;
    type SerializeMap = Collect;
    type SerializeStruct = Collect;
    type SerializeStructVariant = Impossible<Self::Ok, Failure>;

    not_an_object! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Failure> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Self::Ok, Failure> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Failure> {
        Err(Failure::NotAnObject)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Failure> {
        Err(Failure::NotAnObject)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Failure> {
        Err(Failure::NotAnObject)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Failure> {
        Err(Failure::NotAnObject)
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Failure> {
        Err(Failure::NotAnObject)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Collect, Failure> {
        Ok(Collect::default())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Collect, Failure> {
        Ok(Collect::default())
    }

    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Failure> {
        Err(Failure::NotAnObject)
    }
}

impl SerializeMap for Collect {
    type Ok = Vec<(String, Value)>;
    type Error = Failure;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Failure> {
        self.key = Some(match json(key)? {
            Value::String(key) => key,
            other => other.to_string(),
        });
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failure> {
        let key = self.key.take().unwrap_or_default();
        self.entries.push((key, json(value)?));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Failure> {
        Ok(self.entries)
    }
}

impl SerializeStruct for Collect {
    type Ok = Vec<(String, Value)>;
    type Error = Failure;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Failure> {
        self.entries.push((key.to_owned(), json(value)?));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Failure> {
        Ok(self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written `zeta` before `alpha`: neither sorted nor dependent on serde_json's features.
    struct Filter;

    impl Serialize for Filter {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("zeta", &1)?;
            map.serialize_entry("alpha", "a")?;
            map.end()
        }
    }

    #[test]
    fn an_object_keeps_the_order_it_writes() {
        let entries = entries(&Filter).unwrap().unwrap();
        assert_eq!(entries, vec![("zeta".to_owned(), Value::from(1)), ("alpha".to_owned(), Value::from("a"))]);
        assert_eq!(entries_of(&Some(Filter)).len(), 2);
    }

    #[test]
    fn anything_else_is_not_an_object() {
        assert!(entries(&5).unwrap().is_none());
        assert!(entries("text").unwrap().is_none());
        assert!(entries(&["a"]).unwrap().is_none());
        assert!(entries(&None::<Filter>).unwrap().is_none());
    }

    fn entries_of<T: Serialize>(value: &T) -> Vec<(String, Value)> {
        entries(value).unwrap().unwrap()
    }
}
