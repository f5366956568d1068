//! Generator output for small fixture specs, one per construct, as insta snapshots. The same
//! output is compiled as the `intercom-fixture-models` crate (tests/fixture-models), which
//! `cargo xtask regenerate --check` keeps in step, so a snapshot that is not valid Rust fails.

use std::path::Path;

use intercom_codegen::harness::fixtures::{FIXTURES_DIR, fixture_models, fixtures};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen sits in the workspace")
}

#[test]
fn fixture_output_matches_snapshots() {
    let fixtures = fixtures(root()).expect("read the fixtures");
    assert!(fixtures.len() >= 5, "expected the fixture specs in {}", FIXTURES_DIR);
    for fixture in &fixtures {
        let files = fixture_models(fixture).unwrap_or_else(|e| panic!("{e}"));
        let text: String = files.iter().map(|f| format!("==> {} <==\n{}\n", f.path, f.contents)).collect();
        insta::assert_snapshot!(fixture.name.as_str(), text);
    }
}

#[test]
fn fixture_diagnostics_match_snapshots() {
    for fixture in fixtures(root()).expect("read the fixtures") {
        let lowered = intercom_codegen::lower_bytes(&fixture.bytes, None, &fixture.name, None).unwrap_or_else(|d| panic!("{d:?}"));
        let text: String = lowered.diagnostics.iter().map(|d| format!("{d}\n")).collect();
        insta::assert_snapshot!(format!("{}-diagnostics", fixture.name), text);
    }
}
