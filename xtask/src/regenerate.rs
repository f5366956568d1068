//! `cargo xtask regenerate [--check]`: every pinned version's crate, the facade and the
//! fixture crate, written or checked against the committed files.

use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::diagnostics::Severity;
use intercom_codegen::output::{Mode, Outcome};
use intercom_codegen::{REGENERATE, VersionReport};

use crate::workspace::open;

pub fn run(mode: Mode) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let report = intercom_codegen::regenerate(&ws, mode).map_err(|e| e.to_string())?;
    report.versions.iter().for_each(print_version);
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
            print_stale(outcome);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// What one version's crate holds, and what the generator changed or warned about on the way.
fn print_version(v: &VersionReport) {
    let warnings = v.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    println!(
        "{:<9} {} types, {} files, {} lines, {} examples, {} warnings  -> {}",
        v.pin.id, v.types, v.files, v.lines, v.examples, warnings, v.pin.crate_dir
    );
    let styles: Vec<String> = v.paginated.iter().map(|(style, n)| format!("{n} {}", style.label())).collect();
    println!("    {} operations, {} paginated ({})", v.operations, v.paginated.iter().map(|(_, n)| n).sum::<usize>(), styles.join(", "));
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

/// `--check` found committed files that differ from what the pinned specs produce.
fn print_stale(outcome: &Outcome) {
    eprintln!("generated code is stale:");
    for path in &outcome.changed {
        eprintln!("  differs: {}", path.display());
    }
    for path in &outcome.removed {
        eprintln!("  no longer generated: {}", path.display());
    }
    eprintln!("run `{REGENERATE}` and commit the result.");
}
