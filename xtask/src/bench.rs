//! `cargo xtask bench`: the performance figures, printed in one run.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use intercom_codegen::REGENERATE;

use crate::{cargo, open};

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn run_timed(command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let out = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("{command:?} failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// `target/criterion/<path>/new/estimates.json` → mean in nanoseconds.
fn criterion_mean(root: &Path, path: &str) -> Result<f64, String> {
    let file = root.join("target/criterion").join(path).join("new/estimates.json");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    json["mean"]["point_estimate"].as_f64().ok_or_else(|| format!("{}: no mean", file.display()))
}

pub fn bench(only: Option<&str>) -> Result<ExitCode, String> {
    // Timings of a debug build mean nothing: run the release build of this task.
    if cfg!(debug_assertions) {
        let status = cargo()
            .args(["run", "--release", "--quiet", "--package", "xtask", "--", "bench"])
            .args(only.map(|part| ["--only", part]).into_iter().flatten())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        return Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let ws = open()?;
    const RUNS: usize = 7;
    if let Some(part) = only.filter(|p| !["generator", "compile", "runtime"].contains(p)) {
        return Err(format!("--only takes generator, compile or runtime, not `{part}`"));
    }
    let wanted = |part: &str| only.is_none_or(|o| o == part);
    if wanted("generator") {
        println!("== generator (release, median of {RUNS} runs; floor = parsing the YAML alone)");
        let mut total = 0.0;
        for pin in &ws.pins.versions {
            let bytes = ws.spec_bytes(pin).map_err(|e| e.to_string())?;
            let overlay = ws.overlay(pin).map_err(|e| e.to_string())?;
            let mut parse = Vec::new();
            let mut generate = Vec::new();
            let mut lower = Vec::new();
            for _ in 0..RUNS {
                let started = Instant::now();
                let _: serde_json::Value = serde_yaml::from_slice(&bytes).map_err(|e| e.to_string())?;
                parse.push(started.elapsed().as_secs_f64());
                let started = Instant::now();
                let lowered = intercom_codegen::lower_bytes(&bytes, overlay.as_ref(), &pin.id, Some(&pin.intercom_version))
                    .map_err(|_| format!("{} does not lower", pin.id))?;
                lower.push(started.elapsed().as_secs_f64());
                let header = intercom_codegen::emit::rust_header(REGENERATE, "");
                intercom_codegen::emit::version_crate(
                    &lowered.api,
                    intercom_codegen::emit::CrateSetup::member(&pin.crate_name),
                    &header,
                    &header,
                )?;
                generate.push(started.elapsed().as_secs_f64());
            }
            let lower = median(lower);
            let (p, g) = (median(parse), median(generate));
            total += g;
            println!(
                "{:<9} generate {:>4.0} ms (load + lower {:>3.0} ms, emit {:>3.0} ms)   YAML parse {:>3.0} ms   ratio {:.2}x",
                pin.id,
                g * 1e3,
                lower * 1e3,
                (g - lower) * 1e3,
                p * 1e3,
                g / p
            );
        }
        println!("all versions: {:.0} ms", total * 1e3);
    }
    if wanted("compile") {
        println!("\n== compile (dev profile, crate only: touch src/lib.rs, then build; median of 3)");
        for pin in &ws.pins.versions {
            let lib = ws.root.join(&pin.crate_dir).join("src/lib.rs");
            let lines: usize = walk_lines(&ws.root.join(&pin.crate_dir).join("src"));
            let lowered = ws.lower_version(pin).map_err(|e| e.to_string())?;
            let types = lowered.api.types.len();
            let full = rebuild_times(&lib, &pin.crate_name, None)?;
            println!(
                "{:<9} full crate        rebuild {:>5.2} s   check {:>5.2} s   {lines} lines, {} operations, {types} types",
                pin.id,
                full.0,
                full.1,
                lowered.api.operations.len()
            );
            // A typical tag, and the one that reaches the most types (the worst case).
            let mut picks: Vec<&intercom_codegen::ir::Tag> = lowered.api.tags.iter().filter(|t| t.feature == "contacts").collect();
            if let Some(largest) = lowered.api.tags.iter().max_by_key(|t| t.types)
                && !picks.iter().any(|t| t.feature == largest.feature)
            {
                picks.push(largest);
            }
            for tag in picks {
                let (build, check) = rebuild_times(&lib, &pin.crate_name, Some(&format!("client,{}", tag.feature)))?;
                println!(
                    "{:<9} tag {:<13} rebuild {:>5.2} s   check {:>5.2} s   {:>3.0} % of the full rebuild ({} operations, {} of {types} types)",
                    "",
                    tag.feature,
                    build,
                    check,
                    build / full.0 * 100.0,
                    tag.operations,
                    tag.types
                );
            }
        }
    }
    if !wanted("runtime") {
        return Ok(ExitCode::SUCCESS);
    }
    println!("\n== runtime (criterion, tests/benches/runtime.rs)");
    let status = cargo()
        .args(["bench", "--quiet", "-p", "intercom-tests", "--bench", "runtime", "--", "--noplot"])
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err("the runtime benchmarks failed".to_owned());
    }
    let typed = criterion_mean(&ws.root, "decode/typed/contact_list")?;
    let value = criterion_mean(&ws.root, "decode/value/contact_list")?;
    println!(
        "decode   typed ContactList {:.2} ms   serde_json::Value {:.2} ms   typed throughput {:.2}x Value's",
        typed / 1e6,
        value / 1e6,
        value / typed
    );
    let ours = criterion_mean(&ws.root, "client/intercom_client")?;
    let bare = criterion_mean(&ws.root, "client/bare_reqwest")?;
    println!(
        "client   {:.0} requests/s   bare reqwest {:.0} requests/s   overhead {:+.1} %",
        1e9 / ours,
        1e9 / bare,
        (ours / bare - 1.0) * 100.0
    );
    Ok(ExitCode::SUCCESS)
}

/// Median crate-only rebuild and check times of `package` (default features, or `features`
/// alone): touch `lib`, then build (check).
fn rebuild_times(lib: &Path, package: &str, features: Option<&str>) -> Result<(f64, f64), String> {
    let run = |task: &str| -> Result<f64, String> {
        let mut command = cargo();
        command.args([task, "--quiet", "-p", package]);
        if let Some(features) = features {
            command.args(["--no-default-features", "--features", features]);
        }
        run_timed(&mut command)
    };
    run("build")?;
    run("check")?;
    let (mut build, mut check) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        touch(lib)?;
        build.push(run("build")?);
        touch(lib)?;
        check.push(run("check")?);
    }
    Ok((median(build), median(check)))
}

fn touch(file: &Path) -> Result<(), String> {
    let text = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    std::fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))
}

fn walk_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            let path = e.path();
            if path.is_dir() { walk_lines(&path) } else { std::fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0) }
        })
        .sum()
}
