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
//!         object.optional("name", &self.name)?;
//!         object.patch("email", &self.email)?;
//!         object.field("role", &self.role)?;
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
pub struct Object<M> {
    map: M,
}

impl<M: SerializeMap> Object<M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(serializer: S) -> Result<Object<M>, M::Error> {
        Ok(Object { map: serializer.serialize_map(None)? })
    }

    /// A field that is always written: required fields (`null` when a nullable one is `None`)
    /// and constants.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), M::Error> {
        self.map.serialize_entry(name, value)
    }

    /// An optional field: left out when `None`.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => self.map.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// A [`Patch`] field: left out when absent, `null` when null.
    pub fn patch<T: Serialize>(&mut self, name: &'static str, value: &Patch<T>) -> Result<(), M::Error> {
        match value {
            Patch::Absent => Ok(()),
            Patch::Null => self.map.serialize_entry(name, &()),
            Patch::Value(value) => self.map.serialize_entry(name, value),
        }
    }

    /// Writes the undeclared keys and ends the object. A key in `declared` (the type's own wire
    /// names) is left out: the field says it, and a JSON object holds each key once.
    pub fn end(mut self, extra: &Extra, declared: &[&str]) -> Result<M::Ok, M::Error> {
        extra.serialize_into(&mut self.map, declared)?;
        self.map.end()
    }
}
