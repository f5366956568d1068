//! `cargo xtask drift` (each pin against the source's current file, and Intercom's SDK
//! corrections) and `diff` (the same report between two pinned versions).

use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::drift::Drift;
use intercom_codegen::pins::short_hash;

use crate::flags::Options;
use crate::workspace::open;

/// Exit status of `drift` when it could not check.
pub const CANNOT_CHECK: u8 = 2;

/// Exit status 0 when no pin drifted and every SDK correction is accounted for, else 1.
pub fn drift(options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let source = options.source(&ws);
    let pins = options.pins(&ws)?;
    let mut reports = Vec::new();
    let mut found = false;
    for pin in &pins {
        match intercom_codegen::drift::drift(&ws, pin, &source).map_err(|e| e.to_string())? {
            Drift::None { sha256 } => {
                if !options.json() {
                    println!("{:<9} no drift: {} has the pinned file (sha256 {})", pin.id, source.describe(), short_hash(&sha256, 12));
                }
                reports.push(serde_json::json!({ "version": pin.id, "drift": false, "sha256": sha256 }));
            }
            Drift::Found { report, sha256, origin } => {
                found = true;
                if !options.json() {
                    println!(
                        "{:<9} DRIFT: {origin} has sha256 {}, the pin {}",
                        pin.id,
                        short_hash(&sha256, 12),
                        short_hash(&pin.sha256, 12)
                    );
                    print!("{}", report.render());
                }
                reports.push(
                    serde_json::json!({ "version": pin.id, "drift": true, "sha256": sha256, "origin": origin, "report": report.to_json() }),
                );
            }
        }
    }
    let checked: Vec<&str> = pins.iter().map(|p| p.id.as_str()).collect();
    let fern = intercom_codegen::drift::fern_drift(&ws, &source, &checked).map_err(|e| e.to_string())?;
    if !fern.is_empty() {
        found = true;
        if !options.json() {
            println!("fern      DRIFT: {} of Intercom's SDK corrections not accounted for", fern.len());
            fern.iter().for_each(|line| println!("  {line}"));
        }
    }
    if options.json() {
        let json = serde_json::json!({ "drift": found, "versions": reports, "fern": fern });
        println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
    } else {
        println!("checked in {:.2}s", started.elapsed().as_secs_f64());
    }
    Ok(if found { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// What moving from pinned version `from` to `to` changes for a user.
pub fn diff(from: &str, to: &str, options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let ws = open()?;
    let report = intercom_codegen::drift::diff_versions(&ws, from, to).map_err(|e| e.to_string())?;
    if options.json() {
        println!("{}", serde_json::to_string_pretty(&report.to_json()).unwrap_or_default());
    } else {
        print!("{}", report.render());
        println!("compared in {:.2}s", started.elapsed().as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}
