//! `cargo xtask specs pull` and `specs update`: the pinned spec files in `.cache/`, and moving
//! the pins.

use std::process::ExitCode;

use intercom_codegen::diff::Report;
use intercom_codegen::drift::Update;
use intercom_codegen::output::Mode;
use intercom_codegen::pins::{Pulled, short_hash};

use crate::flags::Options;
use crate::regenerate;
use crate::workspace::open;

/// Fetches the pinned files (all, or the one of version `only`) and verifies their sha256.
pub fn pull(only: Option<&str>) -> Result<ExitCode, String> {
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

/// Moves the pin(s) to the source's revision (or `--commit`), prints what that changes and
/// the crate version it calls for, and regenerates when a pin moved.
pub fn update(options: &Options) -> Result<ExitCode, String> {
    let ws = open()?;
    let source = options.source(&ws);
    let mut moved = false;
    for pin in options.pins(&ws)? {
        match intercom_codegen::drift::update(&ws, pin, &source, options.get("--commit")).map_err(|e| e.to_string())? {
            Update::Current => println!("{:<9} already pinned to the source's revision ({})", pin.id, short_hash(&pin.commit, 12)),
            Update::Moved { commit, sha256, report } => {
                moved = true;
                println!("{:<9} pin moved to {} (sha256 {})", pin.id, short_hash(&commit, 12), short_hash(&sha256, 12));
                print!("{}", report.render());
                print_proposed_version(&report, &ws.crate_version().map_err(|e| e.to_string())?);
            }
        }
    }
    if moved {
        // The pins changed on disk: regenerate from the new ones.
        return regenerate::run(Mode::Write);
    }
    Ok(ExitCode::SUCCESS)
}

/// The shared crate version the report's changes call for, next to the `current` one.
fn print_proposed_version(report: &Report, current: &str) {
    match report.proposed_version(current) {
        Some(next) if next != current => println!(
            "proposed version: {current} → {next} ({} breaking change{}); set it in [workspace.package] of Cargo.toml",
            report.breaking(),
            if report.breaking() == 1 { "" } else { "s" }
        ),
        _ => println!("proposed version: {current}, unchanged"),
    }
}
