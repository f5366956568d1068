use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Decodes one form of a union from its JSON value.
type FormDecoder<T> = fn(Value) -> Result<T, serde_json::Error>;

/// Decodes a `oneOf` with a `discriminator`: reads the tag property and decodes the form it
/// names. A missing or unknown tag gives `unknown(value)`, so a new form never fails to decode;
/// a known tag whose body does not fit is an error that names the form.
///
/// ```
/// use intercom_api_runtime::decode_by_tag;
/// use serde::Deserialize;
///
/// #[derive(Debug, PartialEq, Deserialize)]
/// struct Text { value: String }
/// #[derive(Debug, PartialEq)]
/// enum Attribute { Text(Text), Unknown(serde_json::Value) }
///
/// impl<'de> Deserialize<'de> for Attribute {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         decode_by_tag(d, "type", &[("text", |v| serde_json::from_value(v).map(Attribute::Text))], Attribute::Unknown)
///     }
/// }
///
/// let text: Attribute = serde_json::from_str(r#"{"type": "text", "value": "hi"}"#).unwrap();
/// assert_eq!(text, Attribute::Text(Text { value: "hi".into() }));
/// let new: Attribute = serde_json::from_str(r#"{"type": "emoji"}"#).unwrap();
/// assert!(matches!(new, Attribute::Unknown(_)));
/// ```
pub fn decode_by_tag<'de, D, T>(
    deserializer: D,
    property: &str,
    forms: &[(&str, FormDecoder<T>)],
    unknown: fn(Value) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let tag = value.get(property).and_then(Value::as_str);
    match forms.iter().find(|(name, _)| Some(*name) == tag) {
        Some((name, decode)) => decode(value).map_err(|e| D::Error::custom(format_args!("{property} = {name:?}: {e}"))),
        None => Ok(unknown(value)),
    }
}
