//! Generator output for small fixture specs, one per construct, as insta snapshots: each
//! fixture's models module, its diagnostics, and the rest of the crate it generates (manifest,
//! `lib.rs`, operations, client). The models are compiled as the `intercom-fixture-models`
//! crate (tests/fixture-models), which `cargo xtask regenerate --check` keeps in step, so a
//! snapshot that is not valid Rust fails.

use std::path::Path;

use intercom_codegen::harness::fixtures::{FIXTURES_DIR, fixture_models, fixture_version_crate, fixtures};
use intercom_codegen::output::GeneratedFile;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen sits in the workspace")
}

#[test]
fn fixture_output_matches_snapshots() {
    let fixtures = fixtures(root()).expect("read the fixtures");
    assert!(fixtures.len() >= 5, "expected the fixture specs in {}", FIXTURES_DIR);
    for fixture in &fixtures {
        let files = fixture_models(fixture).unwrap_or_else(|e| panic!("{e}"));
        let text = concatenated(&files);
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

/// The whole crate but its models (snapshotted above): `Cargo.toml`, `src/lib.rs`, the
/// `operations` module and the client.
#[test]
fn fixture_crates_match_snapshots() {
    for fixture in fixtures(root()).expect("read the fixtures") {
        let files = fixture_version_crate(&fixture).unwrap_or_else(|e| panic!("{e}"));
        let rest: Vec<GeneratedFile> = files.into_iter().filter(|f| !f.path.starts_with("src/models/")).collect();
        let text = concatenated(&rest);
        insta::assert_snapshot!(format!("{}-crate", fixture.name), text);
    }
}

/// Files one after the other, each under a `==> path <==` line.
fn concatenated(files: &[GeneratedFile]) -> String {
    files.iter().map(|f| format!("==> {} <==\n{}\n", f.path, f.contents)).collect()
}
