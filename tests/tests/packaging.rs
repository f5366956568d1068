//! What the published crates promise: the MSRV holds for every dependency they lock, and each
//! ships the workspace's licence.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// `major.minor` of a `rust-version`, comparable.
fn version(text: &str) -> (u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn metadata() -> Value {
    let root = intercom_tests::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args(["metadata", "--format-version", "1", "--all-features", "--locked", "--offline"])
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// Every locked dependency (normal and build, not dev) of a published crate declares a
/// `rust-version` no newer than the workspace's, so a user on the MSRV can build.
#[test]
fn every_dependency_of_a_published_crate_honours_the_msrv() {
    let meta = metadata();
    let packages: BTreeMap<&str, &Value> = meta["packages"].as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap(), p)).collect();
    let members: BTreeSet<&str> = meta["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    let published: Vec<&str> = members.iter().copied().filter(|id| packages[id]["publish"] != serde_json::json!([])).collect();
    let ours = packages[published[0]]["rust_version"].as_str().expect("published crates declare a rust-version");
    let nodes: BTreeMap<&str, &Value> =
        meta["resolve"]["nodes"].as_array().unwrap().iter().map(|n| (n["id"].as_str().unwrap(), n)).collect();
    let mut seen = BTreeSet::new();
    let mut todo = published.clone();
    let mut problems = Vec::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let package = packages[id];
        match package["rust_version"].as_str() {
            Some(theirs) if version(theirs) > version(ours) => {
                problems.push(format!("{} {} needs Rust {theirs}", package["name"], package["version"]))
            }
            None if members.contains(id) => problems.push(format!("{} declares no rust-version", package["name"])),
            _ => {}
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let runtime = dep["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"] != "dev");
            if runtime {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(seen.len() > published.len(), "the walk found no dependencies");
    assert!(
        problems.is_empty(),
        "the MSRV is {ours}, but the lock holds:\n{}\nrun `cargo update` (resolver 3 picks versions that honour rust-version), or raise the MSRV",
        problems.join("\n")
    );
}

/// The published crates are the members that may be published; each ships the licence.
#[test]
fn every_published_crate_ships_the_workspace_licence() {
    let meta = metadata();
    let root = intercom_tests::root();
    let licence = std::fs::read_to_string(root.join("LICENSE")).expect("read LICENSE");
    let members: BTreeSet<&str> = meta["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    let mut published = 0;
    for package in meta["packages"].as_array().unwrap() {
        if !members.contains(package["id"].as_str().unwrap()) || package["publish"] == serde_json::json!([]) {
            continue;
        }
        published += 1;
        let manifest = std::path::Path::new(package["manifest_path"].as_str().unwrap());
        let shipped = manifest.with_file_name("LICENSE");
        let text = std::fs::read_to_string(&shipped).unwrap_or_else(|e| panic!("{} ships no LICENSE: {e}", package["name"]));
        assert_eq!(text, licence, "{} is not the workspace's LICENSE", shipped.display());
        for key in ["description", "documentation", "readme", "rust_version", "license"] {
            assert!(package[key].is_string(), "{} has no `{key}`", package["name"]);
        }
        assert!(package["keywords"].as_array().is_some_and(|k| !k.is_empty()), "{} has no keywords", package["name"]);
        assert!(package["categories"].as_array().is_some_and(|c| !c.is_empty()), "{} has no categories", package["name"]);
        assert!(package["repository"].is_null() || !package["repository"].as_str().unwrap().contains("invalid"));
    }
    assert!(published >= 3, "the runtime, the facade and the generated crates are published: found {published}");
}
