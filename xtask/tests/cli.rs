//! `cargo xtask drift`, `diff` and `specs update`, end to end through the binary: exit codes,
//! and reports that name exactly the changes made to a copy of a pinned spec.
//!
//! Needs the pinned specs from a local mirror: `INTERCOM_OPENAPI_SOURCE` (`.ci/run` sets it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

/// The mirror of upstream the pins come from.
fn mirror() -> PathBuf {
    let dir = std::env::var("INTERCOM_OPENAPI_SOURCE").unwrap_or_else(|_| {
        panic!(
            "these tests need the pinned Intercom OpenAPI descriptions from a local mirror: set \
             INTERCOM_OPENAPI_SOURCE (for example INTERCOM_OPENAPI_SOURCE=../shared/intercom-openapi)."
        )
    });
    workspace().join(dir)
}

fn xtask(args: &[&str], root: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).env("INTERCOM_OPENAPI_SOURCE", mirror());
    if let Some(root) = root {
        command.env("XTASK_WORKSPACE", root);
    }
    command.output().expect("run xtask")
}

/// How many versions `specs/versions.toml` pins: one "no drift" line each.
fn pinned_versions() -> usize {
    let pins = std::fs::read_to_string(workspace().join("specs/versions.toml")).expect("read specs/versions.toml");
    pins.lines().filter(|line| line.trim() == "[[version]]").count()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A fresh scratch directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A source laid out like upstream whose 2.7 file has two changes: an operation added and a
/// request field made required.
fn modified_source(name: &str) -> PathBuf {
    let dir = scratch(name);
    let file = "descriptions/2.7/api.intercom.io.yaml";
    let original = std::fs::read_to_string(mirror().join(file)).expect("the pinned 2.7 file");
    let changed = original
        .replacen("      title: Create Contact Request Payload\n", "      title: Create Contact Request Payload\n      required:\n      - role\n", 1)
        .replacen(
            "\npaths:\n",
            "\npaths:\n  \"/ping\":\n    get:\n      operationId: ping\n      summary: Ping\n      responses:\n        '200':\n          description: ok\n",
            1,
        );
    assert_ne!(original, changed, "the edits must apply");
    std::fs::create_dir_all(dir.join("descriptions/2.7")).expect("mkdir");
    std::fs::write(dir.join(file), changed).expect("write");
    copy_dir(&mirror().join("fern"), &dir.join("fern"));
    dir
}

#[test]
fn no_drift_against_the_pinned_mirror() {
    let out = xtask(&["drift"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(text(&out).matches("no drift").count(), pinned_versions(), "{}", text(&out));
}

#[test]
fn drift_reports_exactly_the_changes_made() {
    let source = modified_source("drift-source");
    let out = xtask(&["drift", "--version", "2.7", "--source", source.to_str().expect("utf-8")], None);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains(": 2 changes, 1 breaking"), "{report}");
    assert!(report.contains("    + GET /ping (Ping)\n"), "{report}");
    assert!(
        report.contains(
            "    ~ create_contact_request (CreateContactRequest): field `role`: now required, type Option<String> → String  [breaking]\n"
        ),
        "{report}"
    );

    let out = xtask(&["drift", "--version", "2.7", "--source", source.to_str().expect("utf-8"), "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let changes = &json["versions"][0]["report"]["changes"];
    assert_eq!(changes.as_array().map(Vec::len), Some(2), "{json:#}");
    assert_eq!(json["versions"][0]["report"]["breaking"], 1);
}

#[test]
fn drift_reports_a_new_fern_correction() {
    let source = scratch("drift-fern");
    copy_dir(&mirror(), &source);
    let file = source.join("fern/openapi-overrides.yml");
    let original = std::fs::read_to_string(&file).expect("the stable fern file");
    let changed = original.replacen(
        "components:\n  schemas:\n",
        "components:\n  schemas:\n    brand_new_schema:\n      properties:\n        id: {type: string}\n",
        1,
    );
    assert_ne!(original, changed, "the edit must apply");
    std::fs::write(&file, changed).expect("write");
    let out = xtask(&["drift", "--source", source.to_str().expect("utf-8")], None);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert_eq!(report.matches("no drift").count(), pinned_versions(), "the descriptions did not change: {report}");
    assert!(
        report.contains("+ fern/openapi-overrides.yml /components/schemas/brand_new_schema/properties/id: a new correction"),
        "{report}"
    );
}

#[test]
fn drift_that_cannot_be_checked_exits_2() {
    let empty = scratch("drift-empty");
    let out = xtask(&["drift", "--source", empty.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot read"), "{}", text(&out));
}

#[test]
fn diff_between_versions_lists_what_was_added() {
    let out = xtask(&["diff", "2.7", "2.12"], None);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.starts_with("2.7 @ 8889625 → 2.12 @ 8889625: "), "{report}");
    assert!(report.contains("    + POST /tickets (CreateTicket)\n"), "{report}");
    assert!(report.contains("    + ticket (Ticket)\n"), "{report}");
}

#[test]
fn specs_update_moves_the_pin_regenerates_and_reports() {
    // A copy of everything regeneration reads and writes, so the real workspace is untouched.
    let root = scratch("update-workspace");
    for dir in ["specs", "intercom-api", "tests/generated", "tests/fixture-models", "codegen/tests/fixtures"] {
        copy_dir(&workspace().join(dir), &root.join(dir));
    }
    // The shared crate version and the licence the published crates ship.
    for file in ["Cargo.toml", "LICENSE"] {
        std::fs::copy(workspace().join(file), root.join(file)).expect("copy");
    }
    let source = modified_source("update-source");
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let out = xtask(&["specs", "update", "--version", "2.7", "--commit", commit, "--source", source.to_str().expect("utf-8")], Some(&root));
    let report = text(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("2.7       pin moved to 0123456789ab"), "{report}");
    assert!(report.contains("    + GET /ping (Ping)\n"), "{report}");
    // One breaking change (`role` now required): a minor bump while 0.x.
    assert!(report.contains("proposed version: 0.1.0 → 0.2.0 (1 breaking change)"), "{report}");

    let pins = std::fs::read_to_string(root.join("specs/versions.toml")).expect("pins");
    assert!(pins.contains(&format!("commit = \"{commit}\"")), "{pins}");
    let generated = std::fs::read_to_string(root.join("intercom-api/v2_7/src/operations/mod.rs")).expect("operations");
    assert!(generated.contains("Ping"), "the regenerated crate has the new operation");

    // The pin now names the source's revision: a second update has nothing to do.
    let out = xtask(&["specs", "update", "--version", "2.7", "--commit", commit, "--source", source.to_str().expect("utf-8")], Some(&root));
    assert!(text(&out).contains("already pinned"), "{}", text(&out));
}

#[test]
fn generate_makes_a_crate_from_any_spec_and_stops_on_errors() {
    let fixtures = workspace().join("codegen/tests");
    let out = scratch("generate-good");
    let run = xtask(
        &["generate", "--spec", fixtures.join("drift/base.yaml").to_str().expect("utf-8"), "--out", out.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run));
    assert!(text(&run).contains("generated-base: "), "{}", text(&run));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("a manifest");
    assert!(manifest.contains("[workspace]"), "a standalone crate: {manifest}");
    assert!(out.join("src/operations/mod.rs").is_file());

    let out = scratch("generate-bad");
    let run = xtask(
        &["generate", "--spec", fixtures.join("bad/dangling_ref.yaml").to_str().expect("utf-8"), "--out", out.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("error: #/components/schemas/contact/properties/role/$ref: "), "{}", text(&run));
    assert!(text(&run).contains("1 error(s), 0 warning(s); nothing was generated"), "{}", text(&run));
    assert!(!out.join("Cargo.toml").exists(), "nothing is written on errors");

    let run = xtask(&["generate", "--spec", "/no/such/spec.yaml", "--out", out.to_str().expect("utf-8")], None);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(text(&run).contains("/no/such/spec.yaml: No such file or directory"), "{}", text(&run));
}
