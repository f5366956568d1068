//! How generated types behave, on the compiled fixture output (tests/fixture-models).

use intercom_api_runtime::Patch;
use intercom_fixture_models::{composition, enums, objects, unions};
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
    let set = UpdateThing { name: Patch::Value("x".into()), size: Some(3), ..Default::default() };
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
    // A known tag whose form does not fit: the error names the form and the place inside it.
    let bad = serde_json::from_value::<FeedEntry>(json!({"type": "news-item", "title": ["t"]})).unwrap_err().to_string();
    assert!(bad.starts_with(r#"type = "news-item": at `title`: "#), "{bad}");
}

#[test]
fn every_discriminator_mapping_value_selects_its_form() {
    use unions::models::SearchResult;
    for kind in ["content_snippet", "external_content", "file_source_content"] {
        let result: SearchResult = serde_json::from_value(json!({"content_type": kind, "title": "t"})).unwrap();
        assert!(matches!(&result, SearchResult::SnippetResult(s) if s.title.as_deref() == Some("t")), "{kind}: {result:?}");
    }
    let article: SearchResult = serde_json::from_value(json!({"content_type": "article", "url": "u"})).unwrap();
    assert!(matches!(article, SearchResult::ArticleResult(_)), "{article:?}");
    let other: SearchResult = serde_json::from_value(json!({"content_type": "video"})).unwrap();
    assert!(matches!(other, SearchResult::Unknown(_)), "{other:?}");
}

#[test]
fn scalars_in_another_shape_decode_losslessly_and_encode_as_declared() {
    use objects::models::Contact;
    let contact: Contact = serde_json::from_value(json!({
        "id": 814, "name": null, "owner_id": "5017691", "score": "1.5", "active": "true", "tags": [1, "a"]
    }))
    .unwrap();
    assert_eq!(contact.id, "814");
    assert_eq!(contact.owner_id, 5017691);
    assert_eq!(contact.score, Some(1.5));
    assert_eq!(contact.active, Some(true));
    assert_eq!(contact.tags.as_deref(), Some(&["1".to_owned(), "a".to_owned()][..]));
    let encoded = serde_json::to_value(&contact).unwrap();
    assert_eq!(encoded, json!({"id": "814", "name": null, "owner_id": 5017691, "score": 1.5, "active": true, "tags": ["1", "a"]}));
}

#[test]
fn lossy_scalars_are_errors_that_name_the_field() {
    use objects::models::Contact;
    for (field, bad) in [("owner_id", json!("abc")), ("owner_id", json!(1.5)), ("active", json!("yes")), ("id", json!(true))] {
        let mut value = json!({"id": "c1", "name": "n", "owner_id": 1});
        value[field] = bad.clone();
        let json = value.to_string();
        let error = serde_path_to_error::deserialize::<_, Contact>(&mut serde_json::Deserializer::from_str(&json)).unwrap_err();
        assert_eq!(error.path().to_string(), field, "{field} = {bad}: {error}");
    }
    let missing = serde_json::from_value::<Contact>(json!({"id": "c1", "name": "n"})).unwrap_err();
    assert!(missing.to_string().contains("missing field `owner_id`"), "{missing}");
}

#[test]
fn undeclared_fields_are_kept_and_sent_back_unchanged() {
    use objects::models::Contact;
    let value = json!({"id": "c1", "name": "n", "owner_id": 1, "brand_new": {"nested": [1, 2]}, "flag": false});
    let contact: Contact = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(contact.extra["brand_new"], json!({"nested": [1, 2]}));
    assert_eq!(contact.extra.len(), 2);
    assert_eq!(serde_json::to_value(&contact).unwrap(), value);

    // A declared key put into `extra` by hand does not override the field.
    let mut contact = contact;
    contact.extra.insert("id", "other");
    assert_eq!(serde_json::to_value(&contact).unwrap()["id"], "c1");
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
