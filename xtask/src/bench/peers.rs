//! The `peers` part: crate-only rebuilds of each generated crate next to the crate another
//! generator, openapi-to-rust, makes from the same effective description.

use std::path::{Path, PathBuf};
use std::process::Command;

use intercom_codegen::Workspace;
use intercom_codegen::pins::Pin;

use super::clean_build::manifest_section;
use super::{crate_only, walk_lines};
use crate::workspace::cargo;

/// The peer generator, pinned.
const PEER: &str = "openapi-to-rust";
const PEER_VERSION: &str = "0.23.0";
/// Crate-only rebuilds per side in the peers part (the median is printed).
const PEER_RUNS: usize = 5;

/// Crate-only rebuild of each generated crate next to the crate openapi-to-rust generates
/// from the same effective description (pinned file plus overlay), in one run. The peer is
/// installed into `<target>/peers` on first use; its crates sit in `<target>/peers/<module>`.
/// A spec the peer cannot generate, or whose output does not compile, is reported on its line.
pub(super) fn peers(ws: &Workspace, target: &Path) -> Result<(), String> {
    println!("== peers ({PEER} {PEER_VERSION}; dev profile, crate only: touch src/lib.rs, then build; median of {PEER_RUNS})");
    let root = target.join("peers");
    let bin = install_peer(&root)?;
    for pin in &ws.pins.versions {
        let crate_dir = ws.root.join(&pin.crate_dir);
        let mut build = cargo();
        build.args(["build", "--quiet", "-p", &pin.crate_name]);
        let ours = crate_only(&crate_dir.join("src/lib.rs"), PEER_RUNS, &mut [build])?[0];
        let ours_lines = walk_lines(&crate_dir.join("src"));
        let peer = peer_crate(ws, pin, &bin, &root)?.and_then(|dir| {
            let mut build = cargo();
            build.args(["build", "--quiet", "--manifest-path"]).arg(dir.join("Cargo.toml")).env("CARGO_TARGET_DIR", root.join("target"));
            let time = crate_only(&dir.join("src/lib.rs"), PEER_RUNS, &mut [build])
                .map_err(|e| format!("its crate does not build: {}", first_error(&e)))?[0];
            Ok((time, walk_lines(&dir.join("src"))))
        });
        match peer {
            Ok((time, lines)) => println!(
                "{:<9} rebuild ours {ours:>5.2} s   {PEER} {time:>5.2} s   ours/peer {:.2}   ({ours_lines} lines, {PEER} {lines} lines)",
                pin.id,
                ours / time
            ),
            Err(why) => println!("{:<9} rebuild ours {ours:>5.2} s   {PEER}: {why}   ({ours_lines} lines)", pin.id),
        }
    }
    Ok(())
}

/// The peer's binary in `<root>/bin`, installed there first unless it already is.
fn install_peer(root: &Path) -> Result<PathBuf, String> {
    let bin = root.join("bin").join(PEER);
    let version = Command::new(&bin).arg("--version").output().ok().filter(|o| o.status.success());
    if version.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == format!("{PEER} {PEER_VERSION}")) {
        return Ok(bin);
    }
    eprintln!("installing {PEER} {PEER_VERSION} into {} (once)", root.display());
    let status = cargo()
        .args(["install", "--root"])
        .arg(root)
        .args([PEER, "--version", PEER_VERSION, "--locked"])
        // Built in cargo's own temporary directory, not among this workspace's artifacts.
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!("cargo install {PEER} {PEER_VERSION} failed"));
    }
    Ok(bin)
}

/// Generates the peer's crate for `pin` into `<root>/<module>`: the effective description
/// as JSON, the peer's `src/generated` module under a `lib.rs` that mounts it, and a
/// Cargo.toml made of the dependencies the peer lists in `REQUIRED_DEPS.toml` and the
/// workspace's `[profile.dev]`. The inner
/// error says why the peer could not; the outer one is ours.
fn peer_crate(ws: &Workspace, pin: &Pin, bin: &Path, root: &Path) -> Result<Result<PathBuf, String>, String> {
    let dir = root.join(&pin.module);
    let generated = dir.join("src/generated");
    if generated.exists() {
        std::fs::remove_dir_all(&generated).map_err(|e| format!("{}: {e}", generated.display()))?;
    }
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |path: PathBuf, text: &[u8]| std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    let document = ws.effective_document(pin).map_err(|e| e.to_string())?;
    let spec = dir.join("spec.json");
    write(spec.clone(), &serde_json::to_vec(&document).map_err(|e| e.to_string())?)?;
    let out = Command::new(bin)
        .arg("generate")
        .arg(&spec)
        .arg("--output-dir")
        .arg(&generated)
        .args(["--module-name", "generated", "--quiet"])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    if !out.status.success() {
        let why = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
        return Ok(Err(format!("cannot generate it: {}", first_error(&why))));
    }
    let deps_file = generated.join("REQUIRED_DEPS.toml");
    let Ok(deps) = std::fs::read_to_string(&deps_file) else {
        return Ok(Err(format!("wrote no {}", deps_file.display())));
    };
    let name = format!("peer-{}", pin.module.replace('_', "-"));
    // Built with the workspace's dev profile, as ours are.
    let profile = manifest_section(&ws.root, "[profile.dev]")?;
    let manifest = format!(
        "[package]\nname = {name:?}\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n{deps}\n{profile}\n\
         # Not a member of any workspace around it.\n[workspace]\n"
    );
    write(dir.join("Cargo.toml"), manifest.as_bytes())?;
    write(dir.join("src/lib.rs"), b"pub mod generated;\n")?;
    Ok(Ok(dir))
}

/// The first line of `message` that reads as an error, else its first line.
fn first_error(message: &str) -> String {
    let lines = || message.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines().find(|l| l.starts_with("error")).or_else(|| lines().next()).unwrap_or("no message");
    let errors = message.lines().filter(|l| l.starts_with("error") && !l.contains("could not compile")).count();
    if errors > 1 { format!("{first} (and {} more)", errors - 1) } else { first.to_owned() }
}
