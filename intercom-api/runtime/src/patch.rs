use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A request field that is optional *and* nullable: it can be left alone ([`Patch::Absent`],
/// not sent), cleared ([`Patch::Null`], sent as `null`) or set ([`Patch::Value`]).
///
/// ```
/// use intercom_api_runtime::Patch;
///
/// let keep: Patch<String> = Patch::Absent;
/// let clear: Patch<String> = Patch::Null;
/// let set = Patch::from("hello".to_owned());
/// assert!(keep.is_absent());
/// assert_eq!(clear.as_option(), None);
/// assert_eq!(set.as_option().map(String::as_str), Some("hello"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Leave the field out of the request.
    #[default]
    Absent,
    /// Send `null`, clearing the field.
    Null,
    /// Send this value.
    Value(T),
}

impl<T> Patch<T> {
    /// `true` for [`Patch::Absent`]; generated structs skip such fields when serializing.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, mutably, if one is set.
    pub fn as_option_mut(&mut self) -> Option<&mut T> {
        match self {
            Patch::Value(v) => Some(v),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, set to `T::default()` first unless one is set.
    pub fn get_or_insert_default(&mut self) -> &mut T
    where
        T: Default,
    {
        if !matches!(self, Patch::Value(_)) {
            *self = Patch::Value(T::default());
        }
        match self {
            Patch::Value(v) => v,
            Patch::Absent | Patch::Null => unreachable!("just set to a value"),
        }
    }

    /// The value, if one is set.
    pub fn into_option(self) -> Option<T> {
        match self {
            Patch::Value(v) => Some(v),
            Patch::Absent | Patch::Null => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `None` becomes [`Patch::Null`]: an explicit option means "send it".
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Null, Patch::Value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(v) => v.serialize(serializer),
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present field is `Null` or `Value`; a missing one is `Absent` through
    /// `#[serde(default)]` on the field.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Patch::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        name: Patch<String>,
    }

    #[test]
    fn absent_is_omitted_null_is_sent_value_is_sent() {
        let json = |name| serde_json::to_string(&Update { name }).unwrap();
        assert_eq!(json(Patch::Absent), "{}");
        assert_eq!(json(Patch::Null), r#"{"name":null}"#);
        assert_eq!(json(Patch::Value("x".into())), r#"{"name":"x"}"#);
    }

    #[test]
    fn decoding_tells_the_three_apart() {
        let parse = |s| serde_json::from_str::<Update>(s).unwrap().name;
        assert_eq!(parse("{}"), Patch::Absent);
        assert_eq!(parse(r#"{"name":null}"#), Patch::Null);
        assert_eq!(parse(r#"{"name":"x"}"#), Patch::Value("x".to_owned()));
    }
}
