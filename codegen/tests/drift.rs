//! The drift report, on purpose-written changes to a small spec (`tests/drift/base.yaml`):
//! each test applies one change (as an RFC 6902 patch, the overlay format) and snapshots the
//! report's text and JSON. Review with `cargo insta review`, or update with
//! `INSTA_UPDATE=always cargo test -p intercom-codegen --test drift`.

use intercom_codegen::diff::{self, Report};
use intercom_codegen::output::GeneratedFile;
use intercom_codegen::overlay::Overlay;
use intercom_codegen::{emit, lower_bytes};

const BASE: &str = include_str!("drift/base.yaml");

fn files(api: &intercom_codegen::ir::Api) -> Vec<GeneratedFile> {
    let header = emit::rust_header("test", "");
    emit::version_crate(api, emit::CrateSetup::member("widgets"), &header, &header).expect("emits")
}

/// The report from the base to the base with `patches` (overlay TOML) applied.
fn report(patches: &str) -> Report {
    let old = lower_bytes(BASE.as_bytes(), None, "widgets", None).unwrap_or_else(|d| panic!("{d:?}"));
    let overlay = Overlay::parse(patches).unwrap_or_else(|e| panic!("{e}"));
    let new = lower_bytes(BASE.as_bytes(), Some(&overlay), "widgets", None).unwrap_or_else(|d| panic!("{d:?}"));
    Report {
        from: "base".to_owned(),
        to: "changed".to_owned(),
        changes: diff::compare(&old.api, &new.api),
        generated: Some(diff::size_change(&files(&old.api), &files(&new.api))),
        notes: Vec::new(),
    }
}

fn snapshot(name: &str, report: &Report) {
    insta::assert_snapshot!(format!("{name}_text"), report.render());
    insta::assert_snapshot!(format!("{name}_json"), serde_json::to_string_pretty(&report.to_json()).expect("JSON"));
}

#[test]
fn nothing_changed() {
    let r = report("");
    assert!(r.changes.is_empty());
    assert_eq!(r.generated.as_ref().map(|g| g.files_changed + g.files_added + g.files_removed), Some(0));
    snapshot("nothing_changed", &r);
}

#[test]
fn operation_added() {
    let r = report(
        r#"
[[patch]]
op = "add"
path = "/paths/~1widgets~1{id}/delete"
reason = "test"
value = { operationId = "deleteWidget", parameters = [{ name = "id", in = "path", required = true, schema = { type = "string" } }], responses = { "204" = { description = "Deleted." } } }
"#,
    );
    assert_eq!(r.breaking(), 0);
    snapshot("operation_added", &r);
}

#[test]
fn operation_removed() {
    let r = report(
        r#"
[[patch]]
op = "remove"
path = "/paths/~1widgets/post"
reason = "test"
"#,
    );
    assert!(r.breaking() > 0);
    snapshot("operation_removed", &r);
}

#[test]
fn request_field_made_required_breaks() {
    let r = report(
        r#"
[[patch]]
op = "replace"
path = "/components/schemas/widget_request/required"
reason = "test"
value = ["name", "color"]
"#,
    );
    assert_eq!(r.breaking(), 1);
    snapshot("field_made_required", &r);
}

#[test]
fn response_field_made_nullable() {
    let r = report(
        r#"
[[patch]]
op = "add"
path = "/components/schemas/widget/properties/name/nullable"
reason = "test"
value = true
"#,
    );
    snapshot("field_made_nullable", &r);
}

#[test]
fn field_type_changed() {
    let r = report(
        r#"
[[patch]]
op = "replace"
path = "/components/schemas/widget/properties/size/type"
reason = "test"
value = "string"
"#,
    );
    assert_eq!(r.breaking(), 1);
    snapshot("field_type_changed", &r);
}

#[test]
fn enum_value_added_and_removed() {
    let r = report(
        r#"
[[patch]]
op = "replace"
path = "/components/schemas/color/enum"
reason = "test"
value = ["red", "blue"]
"#,
    );
    assert_eq!(r.breaking(), 1, "{}", r.render());
    snapshot("enum_changed", &r);
}

#[test]
fn optional_response_field_added_does_not_break() {
    let r = report(
        r#"
[[patch]]
op = "add"
path = "/components/schemas/widget/properties/weight"
reason = "test"
value = { type = "number" }
"#,
    );
    assert_eq!(r.breaking(), 0);
    snapshot("optional_response_field_added", &r);
}

#[test]
fn operation_moved_to_a_tag_breaks_the_old_feature() {
    let r = report(
        r#"
[[patch]]
op = "add"
path = "/paths/~1widgets/get/tags"
value = ["Widgets"]
reason = "test"
"#,
    );
    let tags: Vec<_> = r.changes.iter().filter(|c| c.detail.starts_with("tags:")).collect();
    assert_eq!(tags.len(), 1, "{}", r.render());
    assert_eq!(tags[0].detail, "tags: Other → Widgets");
    assert!(tags[0].breaking, "the `other` feature no longer compiles it");
}
