//! `cargo xtask <task>`: the maintainer's commands. Run `cargo xtask help` for the list.

mod bench;
mod drift;
mod flags;
mod generate;
mod regenerate;
mod specs;
mod workspace;

use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::diagnostics::Severity;
use intercom_codegen::output::Mode;
use intercom_codegen::pins::Source;

use crate::flags::Options;
use crate::workspace::{cargo, open, runtime_dir};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  regenerate [--check]        Generate every pinned version's crate, the facade and the
                              fixture crate. With --check, write nothing and fail when a
                              committed file differs from what the pinned specs produce.
  specs pull [--version ID]   Fetch the pinned spec files into .cache/ and verify their sha256.
  specs update [--version ID] [--commit SHA] [--source DIR]
                              Move the pin(s) to SHA (default: the source's head commit),
                              pull, regenerate, and print the report of what changed.
  drift [--version ID] [--source DIR] [--format text|json]
                              Compare each pin with the source's current file and report
                              what changed in terms of the generated crates.
                              Exit status: 0 no drift, 1 drift found, 2 could not check.
  generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]
                              Generate one crate from any OpenAPI 3.0 file (no pin).
                              Errors name their place in the spec and stop it.
  every-version [--source DIR]
                              Generate every description in DIR/descriptions/*/ (default:
                              INTERCOM_OPENAPI_SOURCE), with the pinned version's overlay or
                              specs/overlays/<dir>.toml, and `cargo check` each crate.
  features [--version ID]     `cargo check` each generated crate with each tag feature alone
                              (and the client), with no tag, and with `full` and no client,
                              alone and with each serde half.
  bench [--only PART[,PART...]] [--peers]
                              Print the performance figures. Parts: generator (time per
                              version next to the YAML-parse floor), compile (crate-only
                              rebuild and check of each generated crate), clean-build (a
                              user program's clean build with the SDK vs reqwest + serde
                              alone), runtime (criterion: typed decode vs serde_json::Value,
                              the client vs bare reqwest), memory (generator peak RSS,
                              allocations per decoded contact), peers (rebuild vs the crate
                              openapi-to-rust generates; only with --peers or --only peers).
  diff FROM TO [--format text|json]
                              The same report between two pinned versions (e.g. 2.7 2.12):
                              what moving from one to the other changes for a user.

Spec files come from INTERCOM_OPENAPI_SOURCE (a directory laid out like
intercom/Intercom-OpenAPI) when it is set, else from upstream over HTTPS. --source DIR
overrides that for the side being compared with the pins.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regenerate"] => regenerate::run(Mode::Write),
        ["regenerate", "--check"] => regenerate::run(Mode::Check),
        ["specs", "pull"] => specs::pull(None),
        ["specs", "pull", "--version", id] => specs::pull(Some(id)),
        ["specs", "update", rest @ ..] => Options::parse(rest, &["--version", "--commit", "--source"]).and_then(|o| specs::update(&o)),
        ["drift", rest @ ..] => match Options::parse(rest, &["--version", "--source", "--format"]).and_then(|o| drift::drift(&o)) {
            Ok(code) => return code,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(drift::CANNOT_CHECK);
            }
        },
        ["generate", rest @ ..] => Options::parse(rest, &["--spec", "--out", "--name", "--overlay"]).and_then(|o| generate::run(&o)),
        ["bench", rest @ ..] => bench::run(rest),
        ["features", rest @ ..] => Options::parse(rest, &["--version"]).and_then(|o| features(&o)),
        ["every-version", rest @ ..] => Options::parse(rest, &["--source"]).and_then(|o| every_version(&o)),
        ["diff", from, to, rest @ ..] if !from.starts_with('-') && !to.starts_with('-') => {
            Options::parse(rest, &["--format"]).and_then(|o| drift::diff(from, to, &o))
        }
        [] | ["help"] | ["--help"] | ["-h"] => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("unknown task: {}\n\n{HELP}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Generates every description of the source and checks that each crate compiles.
fn every_version(options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let source = match options.source(&ws) {
        Source::Directory(dir) => dir,
        Source::Upstream => {
            return Err("every-version reads a local directory: pass --source DIR or set INTERCOM_OPENAPI_SOURCE".to_owned());
        }
    };
    let descriptions = source.join("descriptions");
    let mut versions: Vec<String> = std::fs::read_dir(&descriptions)
        .map_err(|e| format!("cannot list {}: {e}", descriptions.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join(&ws.pins.upstream.file_name).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // 2.7 < 2.12 < 0 (the moving pre-release last).
    versions.sort_by_key(|v| {
        let parts: Vec<u32> = v.split('.').filter_map(|p| p.parse().ok()).collect();
        (v == "0", parts)
    });
    let out_root = ws.root.join("target/every-version");
    let target_dir = out_root.join("target");
    let mut failed = Vec::new();
    for version in &versions {
        let spec = descriptions.join(version).join(&ws.pins.upstream.file_name);
        let name = format!("intercom-api-check-{}", version.replace('.', "-"));
        let out = out_root.join(version);
        // The pinned version's overlay, else one kept for this directory alone.
        let pinned = ws.pins.versions.iter().find(|p| p.path == format!("descriptions/{version}"));
        let overlay_file = match pinned.and_then(|p| p.overlay.clone()) {
            Some(rel) => Some(ws.root.join("specs").join(rel)),
            None => Some(ws.root.join(format!("specs/overlays/{version}.toml"))).filter(|p| p.is_file()),
        };
        let overlay = overlay_file.as_deref().map(|f| ws.overlay_file(f)).transpose().map_err(|e| e.to_string())?;
        let generated = match intercom_codegen::generate_crate(&spec, overlay.as_ref(), &out, &name, &runtime_dir()) {
            Ok(g) => g,
            Err(e) => {
                println!("{version:<6} FAILED to generate:\n{e}");
                failed.push(version.clone());
                continue;
            }
        };
        let warnings = generated.lowered.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
        let checking = Instant::now();
        let check = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(["check", "--quiet", "--manifest-path"])
            .arg(out.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let verdict = if check.status.success() {
            "cargo check ok".to_owned()
        } else {
            failed.push(version.clone());
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
    }
    println!("{} versions in {:.1}s; {} failed", versions.len(), started.elapsed().as_secs_f64(), failed.len());
    Ok(if failed.is_empty() && !versions.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The feature combinations a user is likely to pick, checked: each tag alone (with the
/// client), no tag at all, and everything without the client, alone and with each serde half
/// (the workspace's own tests build with both halves on).
fn features(options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let mut failed = Vec::new();
    let mut checked = 0;
    for pin in options.pins(&ws)? {
        let lowered = ws.lower_version(pin).map_err(|e| e.to_string())?;
        let mut sets: Vec<String> = ["client", "full", "full,serialize", "full,deserialize"].map(str::to_owned).to_vec();
        sets.extend(lowered.api.tags.iter().map(|t| format!("client,{}", t.feature)));
        let version_started = Instant::now();
        for set in &sets {
            let out = cargo()
                .args(["check", "--quiet", "--package", &pin.crate_name, "--no-default-features", "--features", set])
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            checked += 1;
            if !out.status.success() {
                eprintln!("{} --features {set}: FAILED\n{}", pin.crate_name, String::from_utf8_lossy(&out.stderr));
                failed.push(format!("{} --features {set}", pin.crate_name));
            }
        }
        println!(
            "{:<9} {} feature sets checked ({} tags) in {:.1}s",
            pin.id,
            sets.len(),
            lowered.api.tags.len(),
            version_started.elapsed().as_secs_f64()
        );
    }
    println!("{checked} feature sets in {:.1}s; {} failed", started.elapsed().as_secs_f64(), failed.len());
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
