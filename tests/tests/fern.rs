//! Intercom's own SDKs correct the spec in `fern/openapi-overrides.yml` (stable versions,
//! written against 2.14) and `fern/preview-openapi-overrides.yml` (Unstable). Every correction
//! that changes the wire or decoding is accounted for per version in
//! `specs/fern-corrections.toml`: adopted (the overlay says the same), already so, absent,
//! widened, or declined with a reason. This test reads the fern files from
//! `INTERCOM_OPENAPI_SOURCE` and fails on a correction no decision covers and on a decision the
//! descriptions contradict, so a new upstream correction cannot go unnoticed.

use std::collections::BTreeMap;

use intercom_codegen::fern::{self, Corrections};
use intercom_codegen::pins::SOURCE_ENV;

#[test]
fn every_fern_correction_is_adopted_or_declined_per_version() {
    let ws = intercom_tests::workspace();
    let source = std::env::var(SOURCE_ENV).unwrap_or_else(|_| {
        panic!(
            "this test reads Intercom's SDK corrections (fern/*.yml) from the upstream Intercom-OpenAPI repository; \
             set {SOURCE_ENV} to a local mirror of it (for example `{SOURCE_ENV}=../shared/intercom-openapi`)."
        )
    });
    let root = intercom_tests::root();
    let text = std::fs::read_to_string(root.join("specs/fern-corrections.toml")).expect("read specs/fern-corrections.toml");
    let corrections = Corrections::parse(&text).unwrap_or_else(|e| panic!("specs/fern-corrections.toml: {e}"));
    let fern: BTreeMap<String, serde_json::Value> = corrections
        .files
        .keys()
        .map(|file| {
            let path = root.join(&source).join("fern").join(file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}; is {SOURCE_ENV} a mirror of Intercom-OpenAPI?", path.display()));
            let sha256 = intercom_codegen::pins::sha256_hex(text.as_bytes());
            assert_eq!(
                sha256,
                corrections.files[file].sha256,
                "{} is not the revision specs/fern-corrections.toml was decided against: run `cargo xtask drift` to list \
                 its new corrections, decide them, and record the new sha256",
                path.display()
            );
            (file.clone(), fern::parse_fern(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        })
        .collect();
    let mut problems = Vec::new();
    for pin in &ws.pins.versions {
        let bytes = ws.spec_bytes(pin).unwrap_or_else(|e| panic!("{e}"));
        let mut diags = intercom_codegen::diagnostics::Diagnostics::default();
        let (raw, _) = intercom_codegen::spec::effective_document(&bytes, None, &mut diags).expect("the pinned description reads");
        let patched = ws.effective_document(pin).unwrap_or_else(|e| panic!("{e}"));
        problems.extend(fern::check(&corrections, &pin.id, &fern, &raw, &patched));
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for decision in corrections.corrections.iter().filter_map(|c| c.versions.get(&pin.id)) {
            *counts.entry(format!("{:?}", decision.decision).to_lowercase()).or_default() += 1;
        }
        let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!("fern {}: {}", pin.id, counts.join(", "));
    }
    assert!(problems.is_empty(), "{} fern correction problem(s):\n{}", problems.len(), problems.join("\n"));
}
