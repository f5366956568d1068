use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::strict::{self, Mode};

/// Decodes one form of a union from its JSON value.
type FormDecoder<T> = fn(Value) -> Result<T, serde_json::Error>;

/// Decodes a `oneOf` with a `discriminator`: reads the tag property and decodes the form it
/// names. A missing or unknown tag gives `unknown(value)`, so a new form never fails to decode;
/// a known tag whose body does not fit is an error that names the form.
///
/// ```
/// use intercom_api_runtime::{decode_by_tag, decode_form};
/// use serde::Deserialize;
///
/// #[derive(Debug, PartialEq, Deserialize)]
/// struct Text { value: String }
/// #[derive(Debug, PartialEq)]
/// enum Attribute { Text(Text), Unknown(serde_json::Value) }
///
/// impl<'de> Deserialize<'de> for Attribute {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         decode_by_tag(d, "type", &[("text", |v| decode_form(v).map(Attribute::Text))], Attribute::Unknown)
///     }
/// }
///
/// let text: Attribute = serde_json::from_str(r#"{"type": "text", "value": "hi"}"#).unwrap();
/// assert_eq!(text, Attribute::Text(Text { value: "hi".into() }));
/// let new: Attribute = serde_json::from_str(r#"{"type": "emoji"}"#).unwrap();
/// assert!(matches!(new, Attribute::Unknown(_)));
/// let bad = serde_json::from_str::<Attribute>(r#"{"type": "text", "value": [1]}"#).unwrap_err();
/// assert!(bad.to_string().starts_with(r#"type = "text": at `value`: invalid type"#), "{bad}");
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
        None if strict::unknown_refused() => Err(strict::refuse(format_args!("`{property}` names no known form"))),
        None => Ok(unknown(value)),
    }
}

/// Decodes the form a tag names, for [`decode_by_tag`]: an error says where inside the form
/// it happened (`at \`created_at\`: …`), which the union's own place in the answer
/// precedes.
pub fn decode_form<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." { inner } else { serde_json::Error::custom(format_args!("at `{path}`: {inner}")) }
    })
}

/// Decodes one form of an untagged union from its JSON value.
pub type UntaggedForm<T> = fn(&Value) -> Result<T, serde_json::Error>;

/// Decodes a `oneOf` without a `discriminator`: the first form that decodes the value exactly
/// as the spec declares it, else the first that decodes it tolerantly with no `Unknown` inside
/// (no unknown enum value, tag or union form), else the first that decodes it at all, else
/// `unknown(value)`.
///
/// The decoder is tolerant, so several forms can accept one value: a filter with `"operator":
/// "AND"` decodes as a single filter whose operator is an unknown value, although it is the
/// list form. "Exactly" means no scalar in a tolerated shape, no unknown enum value or union
/// form, no undeclared key, and every constant equal to its value.
///
/// ```
/// use intercom_api_runtime::decode_untagged;
/// use serde::Deserialize;
///
/// #[derive(Debug, PartialEq)]
/// enum Size { Count(i64), Label(String), Unknown(serde_json::Value) }
///
/// impl<'de> Deserialize<'de> for Size {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         let count = |v: &serde_json::Value| i64::deserialize(v).map(Size::Count);
///         let label = |v: &serde_json::Value| String::deserialize(v).map(Size::Label);
///         decode_untagged(d, &[count, label], Size::Unknown)
///     }
/// }
///
/// assert_eq!(serde_json::from_str::<Size>("3").unwrap(), Size::Count(3));
/// assert_eq!(serde_json::from_str::<Size>("\"big\"").unwrap(), Size::Label("big".into()));
/// assert!(matches!(serde_json::from_str::<Size>("[]").unwrap(), Size::Unknown(_)));
/// ```
pub fn decode_untagged<'de, D, T>(deserializer: D, forms: &[UntaggedForm<T>], unknown: fn(Value) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let outer = strict::mode();
    for mode in [Mode::Strict, Mode::NoUnknown] {
        if mode < outer {
            // Inside another union's pass: this one may not tolerate more than it does.
            break;
        }
        let _pass = strict::Pass::enter(mode);
        if let Some(decoded) = forms.iter().find_map(|form| form(&value).ok()) {
            return Ok(decoded);
        }
    }
    if outer > Mode::Tolerant {
        return Err(strict::refuse(format_args!("a value that matches no form")));
    }
    match forms.iter().find_map(|form| form(&value).ok()) {
        Some(decoded) => Ok(decoded),
        None => Ok(unknown(value)),
    }
}

#[cfg(test)]
mod tests {
    use serde::de::MapAccess;

    use super::*;
    use crate::de::{self, DecodeObject, Extra, Object};
    use crate::enums;

    #[derive(Debug, PartialEq)]
    enum Operator {
        Equals,
        Unknown(String),
    }

    impl Operator {
        fn from_wire(value: &str) -> Operator {
            if value == "=" { Operator::Equals } else { Operator::Unknown(value.to_owned()) }
        }
    }

    impl<'de> Deserialize<'de> for Operator {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            enums::string(deserializer, Operator::from_wire, &["="], "Operator")
        }
    }

    /// `{"field", "operator", "value"}`, every key optional, as Intercom's search filter.
    #[derive(Debug, PartialEq)]
    struct Single {
        field: Option<String>,
        operator: Option<Operator>,
        value: Option<i64>,
        extra: Extra,
    }

    impl<'de> DecodeObject<'de> for Single {
        const NAME: &'static str = "single";
        const FIELDS: &'static [&'static str] = &["field", "operator", "value"];
        fn decode<M: MapAccess<'de>>(mut object: Object<'de, M>) -> Result<Self, M::Error> {
            let (mut field, mut operator, mut value) = (None, None, None);
            while let Some(index) = object.next_field()? {
                match index {
                    0 => object.set_lenient(&mut field),
                    1 => object.set(&mut operator),
                    2 => object.set_lenient(&mut value),
                    _ => object.skip(),
                }
            }
            Ok(Single { field, operator, value, extra: object.into_extra() })
        }
    }

    impl<'de> Deserialize<'de> for Single {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            de::object(deserializer)
        }
    }

    #[derive(Debug, PartialEq)]
    enum Filter {
        Single(Single),
        Several(Vec<Single>),
        Text(String),
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for Filter {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_untagged(
                deserializer,
                &[
                    |v| Single::deserialize(v).map(Filter::Single),
                    |v| Vec::<Single>::deserialize(v).map(Filter::Several),
                    |v| String::deserialize(v).map(Filter::Text),
                ],
                Filter::Unknown,
            )
        }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Query {
        // Two forms, both of which decode `{"operator": "AND", ...}` tolerantly.
        query: Nested,
    }

    #[derive(Debug, PartialEq)]
    enum Nested {
        Single(Single),
        Group(Group),
        Unknown(Value),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Group {
        operator: String,
        value: Vec<Filter>,
    }

    impl<'de> Deserialize<'de> for Nested {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_untagged(
                deserializer,
                &[|v| Single::deserialize(v).map(Nested::Single), |v| Group::deserialize(v).map(Nested::Group)],
                Nested::Unknown,
            )
        }
    }

    fn parse<T: for<'de> Deserialize<'de>>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_form_matching_exactly_wins_over_an_earlier_tolerant_one() {
        // The single filter would take it, with an unknown operator and an undeclared key;
        // the group matches exactly.
        let query: Query = parse(r#"{"query": {"operator": "AND", "value": [{"field": "a", "operator": "=", "value": 1}]}}"#);
        let Nested::Group(group) = query.query else { panic!("{query:?}") };
        assert!(matches!(&group.value[0], Filter::Single(s) if s.operator == Some(Operator::Equals)));
        let exact: Filter = parse(r#"{"field": "a", "operator": "=", "value": 1}"#);
        assert!(matches!(exact, Filter::Single(_)));
    }

    #[test]
    fn with_no_exact_match_the_first_tolerant_form_wins_and_then_unknown() {
        // A digit string for the integer, an unknown operator, an undeclared key: tolerated.
        let tolerant: Filter = parse(r#"{"value": "7", "operator": "~", "new": true}"#);
        let Filter::Single(single) = tolerant else { panic!("{tolerant:?}") };
        assert_eq!((single.value, single.operator), (Some(7), Some(Operator::Unknown("~".into()))));
        assert_eq!(single.extra["new"], true);
        assert!(matches!(parse::<Filter>("12"), Filter::Unknown(_)));
        // Inside a strict pass, an inner union refuses rather than falling back to `Unknown`,
        // and the strict flag is off again afterwards.
        assert!(!strict::active());
        let query: Query = parse(r#"{"query": {"operator": "OR", "value": [12]}}"#);
        assert!(matches!(query.query, Nested::Group(ref g) if matches!(g.value[0], Filter::Unknown(_))), "{query:?}");
        assert!(!strict::active());
    }

    /// A union that is a form of another: an integer or a string, else the single filter.
    #[derive(Debug, PartialEq)]
    enum Scalar {
        Count(i64),
        Label(String),
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for Scalar {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_untagged(
                deserializer,
                &[|v| i64::deserialize(v).map(Scalar::Count), |v| String::deserialize(v).map(Scalar::Label)],
                Scalar::Unknown,
            )
        }
    }

    #[derive(Debug, PartialEq)]
    enum ScalarOrFilter {
        Scalar(Scalar),
        Filter(Single),
        Unknown(Value),
    }

    impl<'de> Deserialize<'de> for ScalarOrFilter {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_untagged(
                deserializer,
                &[|v| Scalar::deserialize(v).map(ScalarOrFilter::Scalar), |v| Single::deserialize(v).map(ScalarOrFilter::Filter)],
                ScalarOrFilter::Unknown,
            )
        }
    }

    #[test]
    fn a_form_that_decodes_fully_wins_over_one_that_keeps_the_value_as_unknown() {
        // Not exact (an undeclared key): the scalar union would "accept" it as its own
        // `Unknown`, but the filter decodes it without one.
        let filter: ScalarOrFilter = parse(r#"{"field": "a", "new": 1}"#);
        let ScalarOrFilter::Filter(single) = filter else { panic!("{filter:?}") };
        assert_eq!((single.field.as_deref(), &single.extra["new"]), (Some("a"), &Value::from(1)));
        // An unknown operator needs an `Unknown` either way: the first form that takes it.
        let unknown: ScalarOrFilter = parse(r#"{"operator": "~"}"#);
        assert!(matches!(unknown, ScalarOrFilter::Scalar(Scalar::Unknown(_))), "{unknown:?}");
        assert_eq!(parse::<ScalarOrFilter>(r#""7""#), ScalarOrFilter::Scalar(Scalar::Label("7".into())));
        assert!(!strict::unknown_refused());
    }

    #[test]
    fn constants_are_checked_only_when_choosing_a_form() {
        let mut json = serde_json::Deserializer::from_str(r#""company""#);
        assert!(enums::constant(&mut json, "contact").is_ok());
        let _strict = strict::Pass::enter(Mode::Strict);
        let mut json = serde_json::Deserializer::from_str(r#""company""#);
        assert!(enums::constant(&mut json, "contact").is_err());
        let mut json = serde_json::Deserializer::from_str(r#""contact""#);
        assert!(enums::constant(&mut json, "contact").is_ok());
    }
}
