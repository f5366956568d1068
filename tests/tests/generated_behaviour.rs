//! How generated types behave, on the compiled fixture output (tests/fixture-models).

use intercom_api_runtime::Patch;
use intercom_fixture_models::{composition, enums, unions};
use serde_json::json;

#[test]
fn constructors_take_only_required_fields_and_fill_in_constants() {
    let filter = enums::models::Filter::new(enums::models::FilterOperator::NotEqual);
    assert_eq!(serde_json::to_value(&filter).unwrap(), json!({"operator": "!=", "type": "filter"}));
    let thing = composition::models::Thing::new("t1".into());
    assert_eq!(serde_json::to_value(&thing).unwrap(), json!({"id": "t1"}));
}

#[test]
fn constants_never_fail_decoding() {
    let missing: enums::models::Filter = serde_json::from_value(json!({"operator": "~"})).unwrap();
    assert_eq!(missing.operator, enums::models::FilterOperator::Tilde);
    let other: enums::models::Filter = serde_json::from_value(json!({"operator": "=", "type": "something-else"})).unwrap();
    assert_eq!(serde_json::to_value(&other).unwrap()["type"], "filter");
}

#[test]
fn unknown_enum_values_round_trip() {
    let state: enums::models::State = serde_json::from_value(json!("archived")).unwrap();
    assert_eq!(state, enums::models::State::Unknown("archived".into()));
    assert_eq!(serde_json::to_value(&state).unwrap(), json!("archived"));
}

#[test]
fn request_fields_that_are_optional_and_nullable_say_absent_null_or_value() {
    use composition::models::UpdateThing;
    let absent = UpdateThing::default();
    assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    let clear = UpdateThing { name: Patch::Null, ..Default::default() };
    assert_eq!(serde_json::to_value(&clear).unwrap(), json!({"name": null}));
    let set = UpdateThing { name: Patch::Value("x".into()), size: Some(3) };
    assert_eq!(serde_json::to_value(&set).unwrap(), json!({"name": "x", "size": 3}));
}

#[test]
fn unions_pick_their_form_by_tag_and_keep_unknown_forms() {
    use unions::models::{Attribute, FeedEntry};
    let feed: FeedEntry = serde_json::from_value(json!({"type": "newsfeed", "name": "n"})).unwrap();
    assert!(matches!(feed, FeedEntry::Newsfeed(_)), "{feed:?}");
    let item: FeedEntry = serde_json::from_value(json!({"type": "news-item", "title": "t"})).unwrap();
    assert!(matches!(item, FeedEntry::NewsItem(_)), "{item:?}");
    let attr: Attribute = serde_json::from_value(json!({"data_type": "integer"})).unwrap();
    assert!(matches!(attr, Attribute::NumberAttribute(_)), "{attr:?}");
    let new_form: Attribute = serde_json::from_value(json!({"data_type": "emoji"})).unwrap();
    assert!(matches!(new_form, Attribute::Unknown(_)), "{new_form:?}");
}

#[test]
fn datetime_decodes_both_forms() {
    use unions::models::Datetime;
    let iso: Datetime = serde_json::from_value(json!("2024-01-01T00:00:00Z")).unwrap();
    assert!(matches!(iso, Datetime::String(_)));
    let unix: Datetime = serde_json::from_value(json!(1717020740)).unwrap();
    assert_eq!(unix, Datetime::Integer(1717020740));
}

#[test]
fn recursive_fields_are_boxed_and_decode() {
    let thing: composition::models::Thing =
        serde_json::from_value(json!({"id": "a", "parent": {"id": "b"}, "children": [{"id": "c"}], "owner": null})).unwrap();
    assert_eq!(thing.parent.as_ref().map(|p| p.id.as_str()), Some("b"));
    assert_eq!(thing.children.as_ref().map(Vec::len), Some(1));
}
