//! Encoding generated structs: each field as its presence says, then the undeclared keys the
//! value was decoded with, so a value read from a response is sent back whole.
//!
//! ```
//! use intercom_api_runtime::{de::Extra, ser::Object, Patch};
//!
//! struct Update { name: Option<String>, email: Patch<String>, role: String, extra: Extra }
//!
//! impl serde::Serialize for Update {
//!     fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
//!         let mut object = Object::new(serializer)?;
//!         object.optional("name", &self.name);
//!         object.patch("email", &self.email);
//!         object.field("role", &self.role);
//!         object.end(&self.extra, &["name", "email", "role"])
//!     }
//! }
//!
//! let mut extra = Extra::new();
//! extra.insert("beta", true);
//! let update = Update { name: None, email: Patch::Null, role: "user".into(), extra };
//! assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"email":null,"role":"user","beta":true}"#);
//! ```

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::Patch;
use crate::de::Extra;

/// A JSON object being written field by field.
///
/// The field methods return nothing: the first error is kept, later fields are not written,
/// and [`end`](Self::end) returns it, so a generated `Serialize` is one call per field with
/// no `?` to type-check.
pub struct Object<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Object<M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(serializer: S) -> Result<Object<M>, M::Error> {
        Ok(Object { map: serializer.serialize_map(None)?, error: None })
    }

    /// A field that is always written: required fields (`null` when a nullable one is `None`)
    /// and constants.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(name, value) {
                self.error = Some(error);
            }
        }
    }

    /// An optional field: left out when `None`.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }

    /// A [`Patch`] field: left out when absent, `null` when null.
    pub fn patch<T: Serialize>(&mut self, name: &'static str, value: &Patch<T>) {
        match value {
            Patch::Absent => {}
            Patch::Null => self.field(name, &()),
            Patch::Value(value) => self.field(name, value),
        }
    }

    /// Writes the undeclared keys and ends the object, or returns the first error a field met.
    /// A key in `declared` (the type's own wire names) is left out: the field says it, and a
    /// JSON object holds each key once.
    pub fn end(mut self, extra: &Extra, declared: &[&str]) -> Result<M::Ok, M::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        extra.serialize_into(&mut self.map, declared)?;
        self.map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Refused;

    impl Serialize for Refused {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    struct Pair {
        first: Option<Refused>,
        second: &'static str,
    }

    impl Serialize for Pair {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Object::new(serializer)?;
            object.optional("first", &self.first);
            object.field("second", &self.second);
            object.end(&Extra::new(), &["first", "second"])
        }
    }

    #[test]
    fn the_first_field_error_is_what_end_returns() {
        let error = serde_json::to_string(&Pair { first: Some(Refused), second: "b" }).unwrap_err();
        assert_eq!(error.to_string(), "refused");
        assert_eq!(serde_json::to_string(&Pair { first: None, second: "b" }).unwrap(), r#"{"second":"b"}"#);
    }
}
