//! The per-tag cargo features and the serde directions, computed by reachability on a small
//! spec (`tests/features/tags.yaml`), and what the emitted crate makes of them.

use intercom_codegen::ir::{Api, Gate, Usage};
use intercom_codegen::{emit, lower_bytes};

const SPEC: &str = include_str!("features/tags.yaml");

fn api() -> Api {
    lower_bytes(SPEC.as_bytes(), None, "features", None).unwrap_or_else(|d| panic!("{d:?}")).api
}

fn usage<'a>(api: &'a Api, spec_name: &str) -> &'a Usage {
    &api.types.iter().find(|t| t.spec_name == spec_name).unwrap_or_else(|| panic!("no type {spec_name}")).usage
}

/// The features of a gate, by name.
fn features(api: &Api, gate: &Gate) -> Vec<String> {
    match gate {
        Gate::Tags(tags) => tags.iter().map(|t| api.tags[*t].feature.clone()).collect(),
        Gate::Full => vec!["full".to_owned()],
        Gate::Always => Vec::new(),
    }
}

#[test]
fn tags_become_features_in_name_order_with_untagged_operations_under_other() {
    let api = api();
    let tags: Vec<(&str, &str, usize)> = api.tags.iter().map(|t| (t.name.as_str(), t.feature.as_str(), t.operation_count)).collect();
    assert_eq!(tags, [("Gadgets", "gadgets", 2), ("Other", "other", 1), ("Widgets", "widgets", 2)]);
    let gates: Vec<(&str, Vec<String>)> = api.operations.iter().map(|op| (op.id.as_str(), features(&api, &op.gate))).collect();
    assert_eq!(
        gates,
        [
            ("listWidgets", vec!["widgets".to_owned()]),
            ("createGadget", vec!["gadgets".to_owned()]),
            ("showShared", vec!["gadgets".to_owned(), "widgets".to_owned()]),
            ("ping", vec!["other".to_owned()]),
        ]
    );
}

#[test]
fn a_type_is_compiled_by_every_tag_that_reaches_it_and_an_unused_one_by_full_only() {
    let api = api();
    let gate = |name: &str| features(&api, &usage(&api, name).gate);
    assert_eq!(gate("widget_list"), ["widgets"]);
    // Reached through widget_list → widget → person, and through gadget → person.
    assert_eq!(gate("person"), ["gadgets", "widgets"]);
    // An inline type is compiled with its parent's file.
    assert_eq!(gate("widget.size"), ["widgets"]);
    // A parameter's type counts, and so does a request body's.
    assert_eq!(gate("colour"), ["gadgets", "widgets"]);
    assert_eq!(gate("shared"), ["gadgets", "widgets"]);
    assert_eq!(gate("orphan"), ["full"]);
    let widgets = api.tags.iter().find(|t| t.feature == "widgets").expect("widgets");
    assert_eq!(widgets.type_count, 6, "widget_list, widget, widget.size, person, colour, shared");
}

#[test]
fn types_derive_only_the_serde_half_their_direction_needs() {
    let api = api();
    let dir = |name: &str| (usage(&api, name).sent, usage(&api, name).received);
    assert_eq!(dir("gadget_request"), (true, false));
    assert_eq!(dir("gadget"), (false, true));
    assert_eq!(dir("person"), (false, true));
    assert_eq!(dir("colour"), (true, false));
    // Nothing sends it: a model of something Intercom sends.
    assert_eq!(dir("orphan"), (false, true));
}

#[test]
fn the_emitted_crate_gates_models_operations_and_client_groups() {
    let api = api();
    let header = emit::rust_header("test", "");
    let files = emit::version_crate(&api, emit::CrateSetup::member("features"), &header, &header).expect("emits");
    let file = |path: &str| files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents.as_str();
    let manifest = file("Cargo.toml");
    assert!(manifest.contains("default = [\"client\", \"rustls\", \"full\"]"), "{manifest}");
    assert!(manifest.contains("client = [\"intercom-api-runtime/client-core\"]"), "{manifest}");
    assert!(manifest.contains("full = [\"gadgets\", \"other\", \"widgets\"]"), "{manifest}");
    assert!(manifest.contains("# “Widgets”: 2 operations, 6 of "), "{manifest}");
    let models = file("src/models/mod.rs");
    assert!(models.contains("#[cfg(any(feature = \"gadgets\", feature = \"widgets\"))]\nmod person;"), "{models}");
    assert!(models.contains("#[cfg(feature = \"full\")]\nmod orphan;"), "{models}");
    let gadget = file("src/models/gadget_request.rs");
    assert!(gadget.contains("}\n\nimpl ::serde::Serialize for GadgetRequest {"), "{gadget}");
    assert!(gadget.contains("#[cfg(feature = \"deserialize\")]\nimpl<'de> ::serde::Deserialize<'de> for GadgetRequest {"), "{gadget}");
    let client = file("src/client.rs");
    assert!(client.contains("#[cfg(feature = \"widgets\")]\n    pub fn widgets(&self)"), "{client}");
    let operations = file("src/operations/mod.rs");
    assert!(operations.contains("#[cfg(any(feature = \"gadgets\", feature = \"widgets\"))]\npub use self::"), "{operations}");
    // A module is gated once; inside, only an operation fewer tags compile is gated again.
    let gadgets = file("src/operations/gadgets.rs");
    assert!(!gadgets.contains("#[cfg(feature"), "{gadgets}");
    let widgets = file("src/operations/widgets.rs");
    assert!(widgets.contains("#[cfg(feature = \"widgets\")]\n#[derive(Debug, Clone, PartialEq)]"), "{widgets}");
    assert!(!widgets.contains("#[cfg(any("), "{widgets}");
}
