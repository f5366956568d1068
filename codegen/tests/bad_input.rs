//! Golden messages for bad input: every file in `tests/bad/` is lowered and its diagnostics
//! (errors stop generation, warnings do not) are snapshotted, with whether a crate would be
//! generated. Each message names its place in the spec (a JSON pointer) and what to do.
//! Update with `INSTA_UPDATE=always cargo test -p intercom-codegen --test bad_input`.

use std::path::Path;

use intercom_codegen::diagnostics::Severity;
use intercom_codegen::{emit, lower_bytes};

fn outcome(bytes: &[u8]) -> String {
    let (diagnostics, generated) = match lower_bytes(bytes, None, "bad", None) {
        Ok(lowered) => {
            // Whatever lowers must also emit code that parses and formats.
            let header = emit::rust_header("test", "");
            let files = emit::version_crate(&lowered.api, emit::CrateSetup::member("bad"), &header, &header);
            assert!(files.is_ok(), "emission failed: {files:?}");
            (lowered.diagnostics, true)
        }
        Err(diagnostics) => (diagnostics, false),
    };
    let mut out = format!("generated: {generated}\n");
    for d in &diagnostics {
        out.push_str(&format!("{d}\n"));
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    assert_eq!(generated, errors == 0, "errors and only errors stop generation");
    assert!(diagnostics.iter().all(|d| d.pointer.starts_with('#')), "every diagnostic has a JSON pointer");
    out
}

#[test]
fn bad_inputs_are_reported_with_their_place() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("tests/bad").filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    assert!(files.len() >= 12, "the bad-input suite is missing cases");
    for file in files {
        let name = file.file_stem().expect("a name").to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).expect("readable");
        insta::assert_snapshot!(name, outcome(&bytes));
    }
}
