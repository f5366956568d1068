//! `cargo xtask every-version [--source DIR]`: every description of a local source generated,
//! pinned or not, and each crate `cargo check`ed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::Workspace;
use intercom_codegen::diagnostics::Severity;
use intercom_codegen::pins::Source;

use crate::flags::Options;
use crate::workspace::{cargo, open, runtime_dir};

/// Generates every description of the source and checks that each crate compiles.
pub fn run(options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let source = match options.source(&ws) {
        Source::Directory(dir) => dir,
        Source::Upstream => {
            return Err("every-version reads a local directory: pass --source DIR or set INTERCOM_OPENAPI_SOURCE".to_owned());
        }
    };
    let descriptions = source.join("descriptions");
    let versions = versions(&ws, &descriptions)?;
    let mut failed = Vec::new();
    for version in &versions {
        if !check(&ws, &descriptions, version)? {
            failed.push(version.clone());
        }
    }
    println!("{} versions in {:.1}s; {} failed", versions.len(), started.elapsed().as_secs_f64(), failed.len());
    Ok(if failed.is_empty() && !versions.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The directories of `descriptions` that hold a spec file, in version order: 2.7 < 2.12 < 0
/// (the moving pre-release last).
fn versions(ws: &Workspace, descriptions: &Path) -> Result<Vec<String>, String> {
    let mut versions: Vec<String> = std::fs::read_dir(descriptions)
        .map_err(|e| format!("cannot list {}: {e}", descriptions.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join(&ws.pins.upstream.file_name).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    versions.sort_by_key(|v| {
        let parts: Vec<u32> = v.split('.').filter_map(|p| p.parse().ok()).collect();
        (v == "0", parts)
    });
    Ok(versions)
}

/// The pinned version's overlay, else one kept for this directory alone.
fn overlay_file(ws: &Workspace, version: &str) -> Option<PathBuf> {
    let pinned = ws.pins.versions.iter().find(|p| p.path == format!("descriptions/{version}"));
    pinned.and_then(|p| ws.overlay_path(p)).or_else(|| Some(ws.root.join(format!("specs/overlays/{version}.toml"))).filter(|p| p.is_file()))
}

/// Generates one version's crate under `target/every-version/` and `cargo check`s it,
/// printing one line; false when either failed.
fn check(ws: &Workspace, descriptions: &Path, version: &str) -> Result<bool, String> {
    let out_root = ws.root.join("target/every-version");
    let spec = descriptions.join(version).join(&ws.pins.upstream.file_name);
    let name = format!("intercom-api-check-{}", version.replace('.', "-"));
    let out = out_root.join(version);
    let overlay_file = overlay_file(ws, version);
    let overlay = overlay_file.as_deref().map(|f| ws.overlay_file(f)).transpose().map_err(|e| e.to_string())?;
    let generated = match intercom_codegen::generate_crate(&spec, overlay.as_ref(), &out, &name, &runtime_dir()) {
        Ok(g) => g,
        Err(e) => {
            println!("{version:<6} FAILED to generate:\n{e}");
            return Ok(false);
        }
    };
    let warnings = generated.lowered.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    let checking = Instant::now();
    let check = cargo()
        .args(["check", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", out_root.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let verdict = if check.status.success() {
        "cargo check ok".to_owned()
    } else {
        format!("cargo check FAILED:\n{}", String::from_utf8_lossy(&check.stderr))
    };
    let overlay_note = match &overlay_file {
        Some(f) => {
            format!(", {} overlay patches from {}", generated.lowered.applied.len(), f.strip_prefix(&ws.root).unwrap_or(f).display())
        }
        None => String::new(),
    };
    println!(
        "{version:<6} {} types, {} operations, {} lines, 0 errors, {warnings} warnings{overlay_note}; {verdict} ({:.1}s)",
        generated.lowered.api.types.len(),
        generated.lowered.api.operations.len(),
        generated.lines,
        checking.elapsed().as_secs_f64()
    );
    Ok(check.status.success())
}
