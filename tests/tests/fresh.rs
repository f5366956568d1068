//! The committed generated code is exactly what the pinned specs produce.

use intercom_codegen::output::Mode;

#[test]
fn committed_generated_code_is_fresh() {
    let ws = intercom_tests::workspace();
    let report = intercom_codegen::regenerate(&ws, Mode::Check).unwrap_or_else(|e| panic!("{e}"));
    let outcome = &report.outcome;
    let mut stale: Vec<String> = outcome.changed.iter().map(|p| format!("  differs: {}", p.display())).collect();
    stale.extend(outcome.removed.iter().map(|p| format!("  no longer generated: {}", p.display())));
    assert!(
        stale.is_empty(),
        "the committed generated code is stale:\n{}\nRun `{}` and commit the result.",
        stale.join("\n"),
        intercom_codegen::REGENERATE
    );
    assert!(outcome.unchanged > 0, "nothing was compared");
}

#[test]
fn regenerating_twice_is_byte_identical() {
    let ws = intercom_tests::workspace();
    let pin = &ws.pins.versions[0];
    let first = intercom_codegen::generate_version(&ws, pin).unwrap_or_else(|e| panic!("{e}"));
    let second = intercom_codegen::generate_version(&ws, pin).unwrap_or_else(|e| panic!("{e}"));
    let files = |o: &intercom_codegen::VersionOutput| o.trees.iter().flat_map(|t| t.files.clone()).collect::<Vec<_>>();
    assert_eq!(files(&first), files(&second));
}
