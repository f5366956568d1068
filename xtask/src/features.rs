//! `cargo xtask features [--version ID]`: the feature combinations a user is likely to pick,
//! each `cargo check`ed on the generated crates.

use std::process::ExitCode;
use std::time::Instant;

use crate::flags::Options;
use crate::workspace::{cargo, open};

/// The feature combinations a user is likely to pick, checked: each tag alone (with the
/// client), no tag at all, and everything without the client, alone and with each serde half
/// (the workspace's own tests build with both halves on).
pub fn run(options: &Options) -> Result<ExitCode, String> {
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
