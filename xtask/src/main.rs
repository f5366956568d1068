//! `cargo xtask <task>`: the maintainer's commands. Run `cargo xtask help` for the list.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::diagnostics::Severity;
use intercom_codegen::output::Mode;
use intercom_codegen::pins::Pulled;
use intercom_codegen::{Workspace, REGENERATE};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  regenerate [--check]        Generate every pinned version's crate, the facade and the
                              fixture crate. With --check, write nothing and fail when a
                              committed file differs from what the pinned specs produce.
  specs pull [--version ID]   Fetch the pinned spec files into .cache/ and verify their sha256.

Spec files come from INTERCOM_OPENAPI_SOURCE (a directory laid out like
intercom/Intercom-OpenAPI) when it is set, else from upstream over HTTPS.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regenerate"] => regenerate(Mode::Write),
        ["regenerate", "--check"] => regenerate(Mode::Check),
        ["specs", "pull"] => pull(None),
        ["specs", "pull", "--version", id] => pull(Some(id)),
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

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

fn open() -> Result<Workspace, String> {
    Workspace::open(&workspace_root()).map_err(|e| e.to_string())
}

fn pull(only: Option<&str>) -> Result<ExitCode, String> {
    let ws = open()?;
    println!("source: {}", ws.source.describe());
    for pin in &ws.pins.versions {
        if only.is_some_and(|id| id != pin.id) {
            continue;
        }
        let (path, pulled) = ws.cache.ensure(&ws.pins, pin, &ws.source).map_err(|e| e.to_string())?;
        let what = match pulled {
            Pulled::AlreadyCached => "cached",
            Pulled::Fetched => "pulled",
        };
        println!("{:<9} {what:<7} sha256 ok  {}", pin.id, path.strip_prefix(&ws.root).unwrap_or(&path).display());
    }
    if let Some(id) = only {
        ws.pins.get(id).map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn regenerate(mode: Mode) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let report = intercom_codegen::regenerate(&ws, mode).map_err(|e| e.to_string())?;
    for v in &report.versions {
        let warnings = v.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
        println!(
            "{:<9} {} types, {} files, {} lines, {} examples, {} warnings  -> {}",
            v.pin.id, v.types, v.files, v.lines, v.examples, warnings, v.pin.crate_dir
        );
        let styles: Vec<String> = v.paginated.iter().map(|(style, n)| format!("{n} {}", style.label())).collect();
        println!(
            "    {} operations, {} paginated ({})",
            v.operations,
            v.paginated.iter().map(|(_, n)| n).sum::<usize>(),
            styles.join(", ")
        );
        for patch in &v.applied {
            println!("    overlay applied: {:?} {}: {}", patch.op, patch.pointer, patch.reason);
        }
        if v.wrapped_refs > 0 {
            println!("    kept the siblings of {} schema $refs (nullable, description) by wrapping them in allOf", v.wrapped_refs);
        }
        for d in &v.diagnostics {
            println!("    {d}");
        }
    }
    let outcome = &report.outcome;
    let elapsed = started.elapsed();
    match mode {
        Mode::Write => {
            println!(
                "wrote {} changed files, removed {}, {} unchanged ({:.2}s)",
                outcome.changed.len(),
                outcome.removed.len(),
                outcome.unchanged,
                elapsed.as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check if outcome.is_clean() => {
            println!("generated code is up to date ({} files, {:.2}s)", outcome.unchanged, elapsed.as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Mode::Check => {
            eprintln!("generated code is stale:");
            for path in &outcome.changed {
                eprintln!("  differs: {}", path.display());
            }
            for path in &outcome.removed {
                eprintln!("  no longer generated: {}", path.display());
            }
            eprintln!("run `{REGENERATE}` and commit the result.");
            Ok(ExitCode::FAILURE)
        }
    }
}
