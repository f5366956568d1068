use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::de::{self, Raw};
use crate::reread::{self, Failure};
use crate::strict::{self, Mode};

/// Decodes one form of a tagged union from the JSON text of its value.
pub type TaggedForm<T> = fn(&str) -> Result<T, serde_json::Error>;

/// Decodes a `oneOf` with a `discriminator`: reads the tag property and decodes the form it
/// names. A missing or unknown tag gives `unknown(value)`, so a new form never fails to decode;
/// a known tag whose body does not fit is an error that names the form.
///
/// The value is not buffered: from serde_json, the union gets the text of its value (as a
/// `RawValue`, borrowed from the body where it can be), reads it up to the tag (the first
/// `property` key, should it repeat) without allocating, and decodes the form from the same
/// text with serde_json, as the client decodes a body. serde_json's `Value` (what an untagged
/// union tries its forms on) hands over its text too; any other deserializer (serde's buffer
/// of a derived `#[serde(untagged)]` enum, say) hands over a value, written back as text.
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
    forms: &[(&str, TaggedForm<T>)],
    unknown: fn(Value) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let (text, value) = match de::raw(deserializer)? {
        Raw::Text(text) => (text, None),
        Raw::Value(value) => (Cow::Owned(value.to_string()), Some(value)),
    };
    // serde_json limits nesting to 128 levels per reader, but skims a raw value without
    // counting, and each union reads its form with a fresh reader: the text of a union inside
    // another is measured here, once, so that nested unions never nest deeper than two
    // readers' worth (the text of the outermost union is its own reader's to limit).
    if reread::enclosing_unions() == 1 && de::nests_deeper_than(&text, MAX_NESTING) {
        return Err(D::Error::custom(format_args!("the value nests more than {MAX_NESTING} levels deep")));
    }
    let _in_union = reread::InUnion::enter();
    let tag = tag_of(&text, property);
    match forms.iter().find(|(name, _)| tag.as_deref() == Some(*name)) {
        Some((name, decode)) => decode(&text).map_err(|e| D::Error::custom(format_args!("{property} = {name:?}: {e}"))),
        None if strict::unknown_refused() => Err(strict::refuse(format_args!("`{property}` names no known form"))),
        None => match value {
            Some(value) => Ok(unknown(value)),
            // serde_json skimmed the text: what that leaves unchecked (a number out of range,
            // say) is an error here, at the union's place.
            None => serde_json::from_str(&text).map(unknown).map_err(|e| {
                D::Error::custom(format_args!("a form this crate does not know, which JSON cannot hold: {}", de::without_position(&e)))
            }),
        },
    }
}

/// The nesting serde_json's reader allows (it refuses the 128th level).
const MAX_NESTING: usize = 127;

/// The value of `property` in the JSON text of an object, when it is a string; `None` for
/// anything else. Reads the text only up to the tag (the first key, in every answer Intercom
/// documents), without allocating unless the tag has escapes or is found.
fn tag_of<'t>(text: &'t str, property: &str) -> Option<Cow<'t, str>> {
    let mut tag = None;
    if text.trim_start().starts_with('{') {
        // Stopping at the tag leaves the object unfinished, which serde_json reports: that
        // error, and any other, leaves no tag.
        let _ = serde_json::Deserializer::from_str(text).deserialize_map(TagOf { property, tag: &mut tag });
    }
    tag
}

/// [`tag_of`]'s visitor.
struct TagOf<'p, 't> {
    property: &'p str,
    tag: &'p mut Option<Cow<'t, str>>,
}

impl<'t> Visitor<'t> for TagOf<'_, 't> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'t>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(is_tag) = map.next_key_seed(KeyIs(self.property))? {
            if is_tag {
                let raw: &'t RawValue = map.next_value()?;
                *self.tag = string_of(raw.get());
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Whether a key is the tag property.
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// The string a JSON value's text holds, if it is one.
fn string_of(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') { serde_json::from_str::<String>(raw).ok().map(Cow::Owned) } else { Some(Cow::Borrowed(inner)) }
}

/// Decodes the form a tag names from the JSON text of the union's value, for
/// [`decode_by_tag`]: an error says where inside the form it happened (`at \`created_at\`:
/// …`), which the union's own place in the answer precedes.
pub fn decode_form<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    // As the client decodes a body (`reread::read`), with the client's two readers, so no more
    // code is compiled for them.
    reread::read_text(text).map_err(|failed| {
        let inner = de::without_position(&failed.error);
        match failed.path.as_str() {
            "" | "." => serde_json::Error::custom(inner),
            path => serde_json::Error::custom(format_args!("at `{path}`: {inner}")),
        }
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
    // A form that fails is only the next one's turn: no reader inside need say where.
    let _discarded = reread::Scope::enter(Failure::Discarded);
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
    use crate::de::{DecodeObject, Extra, Object};
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

    /// A tagged union of the single filter (`"kind": "single"`) and a text form.
    #[derive(Debug, PartialEq)]
    enum Tagged {
        Single(Single),
        Text(Text),
        Unknown(Value),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Text {
        text: String,
    }

    impl<'de> Deserialize<'de> for Tagged {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_by_tag(
                deserializer,
                "kind",
                &[("single", |v| decode_form(v).map(Tagged::Single)), ("text", |v| decode_form(v).map(Tagged::Text))],
                Tagged::Unknown,
            )
        }
    }

    #[test]
    fn the_tag_is_read_wherever_it_is() {
        // Not the first key, after nested values that hold the key themselves.
        let late: Tagged = parse(r#"{"field": "a", "deep": {"kind": "text"}, "list": [{"kind": 1}], "kind": "single"}"#);
        assert!(matches!(&late, Tagged::Single(s) if s.field.as_deref() == Some("a") && s.extra.contains_key("deep")), "{late:?}");
        // An escaped tag; a repeated tag key, whose first value counts.
        assert_eq!(parse::<Tagged>(r#"{"kind": "t\u0065xt", "text": "x"}"#), Tagged::Text(Text { text: "x".into() }));
        assert_eq!(parse::<Tagged>(r#"{"kind": "text", "text": "x", "kind": "single"}"#), Tagged::Text(Text { text: "x".into() }));
        // No string tag, or no object: an unknown form, kept whole.
        for unknown in
            [r#"{"kind": 1, "text": "x"}"#, r#"{"kind": null}"#, r#"{"kinds": "text"}"#, r#"{"kind": "emoji"}"#, "[1]", r#""text""#, "7"]
        {
            assert_eq!(parse::<Tagged>(unknown), Tagged::Unknown(parse(unknown)), "{unknown}");
        }
        // Inside a pass that refuses `Unknown`, an unknown tag is refused.
        let _strict = strict::Pass::enter(Mode::NoUnknown);
        assert!(serde_json::from_str::<Tagged>(r#"{"kind": "emoji"}"#).is_err());
    }

    #[test]
    fn every_deserializer_gives_the_same_union() {
        let text = r#"{"kind": "single", "field": "a", "value": "7", "new": [1, {"b": 2.5}]}"#;
        let from_str: Tagged = parse(text);
        let from_reader: Tagged = serde_json::from_reader(text.as_bytes()).unwrap();
        let from_value: Tagged = Tagged::deserialize(parse::<Value>(text)).unwrap();
        let from_borrowed_value: Tagged = Tagged::deserialize(&parse::<Value>(text)).unwrap();
        let tracked: Tagged = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).unwrap();
        // serde's own buffer (a derived untagged enum), which hands over a value, not text.
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(untagged)]
        enum Buffered {
            Union(Tagged),
        }
        let Buffered::Union(buffered) = parse::<Buffered>(text);
        let Buffered::Union(unknown) = parse::<Buffered>(r#"{"kind": "emoji", "n": 2.5}"#);
        assert_eq!(unknown, Tagged::Unknown(parse(r#"{"kind": "emoji", "n": 2.5}"#)));
        for union in [&from_reader, &from_value, &from_borrowed_value, &tracked, &buffered] {
            assert_eq!(union, &from_str);
        }
        let Tagged::Single(single) = from_str else { panic!("{from_str:?}") };
        assert_eq!((single.value, &single.extra["new"]), (Some(7), &parse::<Value>(r#"[1, {"b": 2.5}]"#)));
    }

    /// A recursive tagged union, `{"kind": "not", "of": …}` or `{"kind": "leaf", "n": 1}`,
    /// counting its decodes.
    #[derive(Debug, PartialEq)]
    enum Expr {
        Not(Box<Not>),
        Leaf(Leaf),
        Unknown(Value),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Not {
        of: Expr,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Leaf {
        n: i64,
    }

    thread_local! {
        static DECODES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    impl<'de> Deserialize<'de> for Expr {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            DECODES.with(|n| n.set(n.get() + 1));
            decode_by_tag(
                deserializer,
                "kind",
                &[("not", |v| decode_form(v).map(|x| Expr::Not(Box::new(x)))), ("leaf", |v| decode_form(v).map(Expr::Leaf))],
                Expr::Unknown,
            )
        }
    }

    fn nested(depth: usize, leaf: &str) -> String {
        format!("{}{{\"kind\": \"leaf\", \"n\": {leaf}}}{}", r#"{"kind": "not", "of": "#.repeat(depth), "}".repeat(depth))
    }

    #[test]
    fn nested_unions_read_a_bad_body_a_bounded_number_of_times() {
        // One bad field 12 unions down: each level is decoded fast, then once more tracked to
        // say where (the client's own retry, too), not again at every level above it (which
        // would be 2^13 decodes).
        let body = nested(12, r#""x""#);
        DECODES.with(|n| n.set(0));
        let Err(crate::Error::Decode(e)) = crate::decode::json::<Expr>(http::StatusCode::OK, body.as_bytes()) else { panic!("an error") };
        // The client's fast pass (each union fast, failing at once), then its tracked pass
        // (each union tracking at once).
        assert_eq!(DECODES.with(std::cell::Cell::get), 2 * 13);
        assert!(e.message.contains("at `of`: ") && e.message.contains("at `n`: invalid type: string"), "{}", e.message);
        // A good one is read once.
        DECODES.with(|n| n.set(0));
        assert!(crate::decode::json::<Expr>(http::StatusCode::OK, nested(12, "1").as_bytes()).is_ok());
        assert_eq!(DECODES.with(std::cell::Cell::get), 13);
    }

    #[test]
    fn unions_inside_unions_nest_no_deeper_than_json_readers_allow() {
        // serde_json reads 127 levels; a union inside a union starts a reader of its own, so
        // its value is measured: deeper is an error, not a stack overflow. `nested(d, …)` is
        // d + 1 levels deep, and its second union's value d.
        assert!(serde_json::from_str::<Expr>(&nested(127, "1")).is_ok());
        assert!(serde_json::from_str::<Expr>(&nested(128, "1")).is_err());
        assert!(serde_json::from_str::<Expr>(&nested(3_000, "1")).is_err());
        // The deepest nesting allowed, read the slowest way (a bad leaf: fast, then tracked),
        // on a test thread's stack.
        let Err(crate::Error::Decode(e)) = crate::decode::json::<Expr>(http::StatusCode::OK, nested(127, r#""x""#).as_bytes()) else {
            panic!("a decode error")
        };
        assert!(e.message.contains("invalid type: string"), "{}", e.message);
        // Brackets in strings, escaped quotes and backslashes do not count.
        let padded = |text: &str| format!("{text}{}", " ".repeat(16));
        assert!(!de::nests_deeper_than(&padded(r#"{"a": "[[[[[[[[", "b": [[]]}"#), 3));
        assert!(!de::nests_deeper_than(&padded(r#"{"a": "\"[[[[[[", "b": "x\\", "c": [[]]}"#), 3));
        assert!(de::nests_deeper_than(&padded("[[[[]]]]"), 3) && !de::nests_deeper_than(&padded("[[[]]]"), 3));
    }

    #[test]
    fn floats_keep_their_value_through_an_untagged_union() {
        // An untagged union tries its forms on a `Value`, whose text a tagged form reads again:
        // every double must read back as itself.
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Reading {
            n: f64,
        }
        #[derive(Debug, PartialEq)]
        enum Tagged2 {
            Reading(Reading),
            Unknown(Value),
        }
        impl<'de> Deserialize<'de> for Tagged2 {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                decode_by_tag(deserializer, "kind", &[("reading", |v| decode_form(v).map(Tagged2::Reading))], Tagged2::Unknown)
            }
        }
        #[derive(Debug, PartialEq)]
        enum Either {
            Tagged(Tagged2),
            Unknown(Value),
        }
        impl<'de> Deserialize<'de> for Either {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                decode_untagged(deserializer, &[|v| Tagged2::deserialize(v).map(Either::Tagged)], Either::Unknown)
            }
        }
        for n in ["922.87434157181951", "0.30000000000000004", "1.7976931348623157e308", "5e-324", "123456789.12345679"] {
            let direct: f64 = n.parse().unwrap();
            let through: Either = parse(&format!(r#"{{"kind": "reading", "n": {n}}}"#));
            assert_eq!(through, Either::Tagged(Tagged2::Reading(Reading { n: direct })), "{n}");
        }
    }

    #[test]
    fn a_form_that_does_not_fit_is_an_error_at_the_union_that_names_the_form_and_the_place_inside() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<Tagged>,
        }
        let body = br#"{"data": [{"kind": "text", "text": "x"}, {"kind": "single", "operator": "=", "field": [1]}]}"#;
        let Err(crate::Error::Decode(e)) = crate::decode::json::<Page>(http::StatusCode::OK, body) else { panic!("a decode error") };
        assert_eq!(e.path, "data[1]");
        // The place inside the form, without serde_json's line and column inside the form's
        // own text; the body's are the reader's.
        assert!(e.message.starts_with(r#"kind = "single": at `field`: invalid type: sequence, expected "#), "{}", e.message);
        assert_eq!(e.message.matches("column").count(), 1, "{}", e.message);
        // An unknown form that JSON cannot hold is an error too, not a panic.
        let huge = br#"{"data": [{"kind": "emoji", "size": 1e400}]}"#;
        let Err(crate::Error::Decode(e)) = crate::decode::json::<Page>(http::StatusCode::OK, huge) else { panic!("a decode error") };
        assert_eq!(e.path, "data[0]");
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
