//! `cargo xtask bench`: the performance figures, printed in one run as lines to paste into the
//! README's performance section.
//!
//! Parts, in the order they run (`--only PART[,PART…]` picks some; every part but `peers` runs
//! by default, and `--peers` adds it):
//!
//! - `generator`: generation time per pinned version, next to parsing its YAML alone;
//! - `compile`: crate-only rebuild and check times of each generated crate, whole (and built
//!   from scratch without incremental caches, as a registry dependency is), with no tag, and
//!   one tag; under them, an empty crate on the runtime, the floor no generated code goes under;
//! - `clean-build`: a clean dev build of a small program using `intercom-api` (the whole 2.12
//!   module, one tag of it, the whole Unstable module) next to the same program written
//!   against reqwest, tokio, serde and serde_json directly: the SDK's own share of a user's
//!   first build;
//! - `runtime`: criterion (`tests/benches/runtime.rs`): typed decode vs `serde_json::Value`
//!   (a contact list, and a list of tagged-union items),
//!   the client vs bare reqwest;
//! - `memory`: the generator's peak resident memory per version, and allocations per decoded
//!   item of the same two lists, typed vs `serde_json::Value` (`tests/benches/allocations.rs`);
//! - `peers`: crate-only rebuild of each generated crate next to the crate another generator,
//!   openapi-to-rust, makes from the same effective description (installed under the target
//!   dir on first use; not run in CI).
//!
//! This file holds the options, the `generator`, `compile` and `runtime` parts and the timing
//! helpers; `clean-build`, `memory` and `peers` have a file each.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use intercom_codegen::{REGENERATE, Workspace};

use crate::workspace::{cargo, open};

mod clean_build;
mod memory;
mod peers;

use clean_build::clean_builds;
use memory::{PEAK_RSS_CHILD, memory, peak_rss_child};
use peers::peers;

/// Every part, in the order a run prints them.
const PARTS: [&str; 6] = ["generator", "compile", "clean-build", "runtime", "memory", "peers"];

/// Runs of the generator per version (the median is printed).
const GENERATOR_RUNS: usize = 7;

/// `cargo xtask bench [--only PART[,PART…]] [--peers]`.
pub fn run(args: &[&str]) -> Result<ExitCode, String> {
    if let [PEAK_RSS_CHILD, id] = args {
        return peak_rss_child(id);
    }
    let parts = parts(args)?;
    // Timings of a debug build mean nothing: run the release build of this task.
    if cfg!(debug_assertions) {
        let status = cargo()
            .args(["run", "--release", "--quiet", "--package", "xtask", "--", "bench"])
            .args(args)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        return Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE });
    }
    let ws = open()?;
    let target = target_dir(&ws.root)?;
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            println!();
        }
        match part {
            "generator" => generator(&ws)?,
            "compile" => compile(&ws, &target)?,
            "clean-build" => clean_builds(&ws, &target)?,
            "runtime" => runtime(&target)?,
            "memory" => memory(&ws)?,
            "peers" => peers(&ws, &target)?,
            _ => unreachable!("parts() returns known parts"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The parts to run, in `PARTS` order.
fn parts(args: &[&str]) -> Result<Vec<&'static str>, String> {
    let mut only: Option<Vec<&str>> = None;
    let mut peers = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--peers" => peers = true,
            "--only" => {
                let value = rest.next().ok_or("`--only` needs a value")?;
                let picked: Vec<&str> = value.split(',').collect();
                if let Some(unknown) = picked.iter().find(|p| !PARTS.contains(p)) {
                    return Err(format!("--only takes {} (or several, comma-separated), not `{unknown}`", PARTS.join(", ")));
                }
                only = Some(picked);
            }
            other => return Err(format!("unknown option `{other}`; bench takes --only PART[,PART…] and --peers")),
        }
    }
    Ok(PARTS
        .into_iter()
        .filter(|part| match &only {
            Some(picked) => picked.contains(part) || (peers && *part == "peers"),
            None => *part != "peers" || peers,
        })
        .collect())
}

/// The directory cargo builds this workspace into, found the way cargo finds it:
/// `CARGO_TARGET_DIR` (relative to the current directory), else what `cargo metadata` says
/// (which also reads `build.target-dir` from cargo's configuration).
fn target_dir(root: &Path) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
        return Ok(cwd.join(dir));
    }
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    metadata["target_directory"].as_str().map(PathBuf::from).ok_or_else(|| "cargo metadata gave no target_directory".to_owned())
}

/// Generation time per pinned version, next to parsing its YAML alone.
fn generator(ws: &Workspace) -> Result<(), String> {
    const RUNS: usize = GENERATOR_RUNS;
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
    Ok(())
}

/// Crate-only rebuild and check times of each generated crate: whole, with a typical tag and
/// with the tag that reaches the most types.
fn compile(ws: &Workspace, target: &Path) -> Result<(), String> {
    println!("== compile (dev profile, crate only: touch src/lib.rs, then build; median of 3)");
    let empty = empty_crate(ws, target)?;
    println!("empty crate on the runtime   rebuild {empty:>5.2} s   (cargo, rustc and the runtime's metadata: under every line below)");
    for pin in &ws.pins.versions {
        let lib = ws.root.join(&pin.crate_dir).join("src/lib.rs");
        let lines: usize = walk_lines(&ws.root.join(&pin.crate_dir).join("src"));
        let lowered = ws.lower_version(pin).map_err(|e| e.to_string())?;
        let types = lowered.api.types.len();
        let full = rebuild_times(&lib, &pin.crate_name, None)?;
        println!(
            "{:<9} full crate        rebuild {:>5.2} s   check {:>5.2} s   not incremental {:>5.2} s   \
             {lines} lines, {} operations, {types} types",
            pin.id,
            full.build,
            full.check,
            full.scratch,
            lowered.api.operations.len()
        );
        // No tag at all: the crate's `lib.rs` and the client alone, the floor under any tag.
        let floor = rebuild_times(&lib, &pin.crate_name, Some("client"))?;
        println!(
            "{:<9} no tag (floor)    rebuild {:>5.2} s   check {:>5.2} s   not incremental {:>5.2} s   \
             {:>3.0} % of the full rebuild ({:.0} % not incremental)",
            "",
            floor.build,
            floor.check,
            floor.scratch,
            floor.build / full.build * 100.0,
            floor.scratch / full.scratch * 100.0
        );
        // A typical tag, and the one that reaches the most types (the worst case).
        let mut picks: Vec<&intercom_codegen::ir::Tag> = lowered.api.tags.iter().filter(|t| t.feature == "contacts").collect();
        if let Some(largest) =
            lowered.api.tags.iter().max_by_key(|t| t.type_count).filter(|l| !picks.iter().any(|t| t.feature == l.feature))
        {
            picks.push(largest);
        }
        for tag in picks {
            let times = rebuild_times(&lib, &pin.crate_name, Some(&format!("client,{}", tag.feature)))?;
            println!(
                "{:<9} tag {:<13} rebuild {:>5.2} s   check {:>5.2} s   not incremental {:>5.2} s   \
                 {:>3.0} % of the full crate, {:>3.0} % over the floor (not incremental: {:.0} %, {:.0} %) \
                 ({} operations, {} of {types} types)",
                "",
                tag.feature,
                times.build,
                times.check,
                times.scratch,
                times.build / full.build * 100.0,
                (times.build - floor.build) / (full.build - floor.build) * 100.0,
                times.scratch / full.scratch * 100.0,
                (times.scratch - floor.scratch) / (full.scratch - floor.scratch) * 100.0,
                tag.operation_count,
                tag.type_count
            );
        }
    }
    Ok(())
}

/// The crate-only rebuild of an empty library on the runtime's client (the no-tag floor's
/// dependencies): what starting cargo and rustc and loading the dependencies' metadata cost,
/// which no generated code can go under. It sits under `<target>/bench/empty-crate/` with
/// the workspace's Cargo.lock.
fn empty_crate(ws: &Workspace, target: &Path) -> Result<f64, String> {
    let dir = target.join("bench/empty-crate");
    let runtime = ws.root.join("intercom-api/runtime");
    // Built with the workspace's dev profile, as the generated crates are.
    let profile = clean_build::manifest_section(&ws.root, "[profile.dev]")?;
    let manifest = format!(
        "[package]\nname = \"bench-empty-crate\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nintercom-api-runtime = {{ path = {:?}, default-features = false, features = [\"client-core\"] }}\n\n\
         {profile}\n# Not a member of any workspace around it.\n[workspace]\n",
        runtime.display().to_string()
    );
    let source = "//! Nothing: the floor of a crate on the runtime.\n\npub use intercom_api_runtime::Client;\n";
    clean_build::write_crate(&dir, &ws.root, &manifest, "src/lib.rs", source)?;
    let mut build = cargo();
    build.args(["build", "--quiet", "--manifest-path"]).arg(dir.join("Cargo.toml")).env("CARGO_TARGET_DIR", target);
    Ok(crate_only(&dir.join("src/lib.rs"), 3, &mut [build])?[0])
}

/// The criterion benchmarks of `tests/benches/runtime.rs`, read back from `target`.
fn runtime(target: &Path) -> Result<(), String> {
    println!("== runtime (criterion, tests/benches/runtime.rs)");
    let status = cargo()
        .args(["bench", "--quiet", "-p", "intercom-tests", "--bench", "runtime", "--", "--noplot"])
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err("the runtime benchmarks failed".to_owned());
    }
    for (list, name) in [("contact_list", "ContactList"), ("news_item_list", "PaginatedResponse of news items (a tagged union each)")] {
        let typed = criterion_mean(target, &format!("decode/typed/{list}"))?;
        let value = criterion_mean(target, &format!("decode/value/{list}"))?;
        println!(
            "decode   typed {name} {:.2} ms   serde_json::Value {:.2} ms   typed throughput {:.2}x Value's",
            typed / 1e6,
            value / 1e6,
            value / typed
        );
    }
    let tag_last = criterion_mean(target, "decode/typed/news_item_list_tag_last")?;
    let value = criterion_mean(target, "decode/value/news_item_list")?;
    println!("decode   the same, each item's tag last {:.2} ms   typed throughput {:.2}x Value's", tag_last / 1e6, value / tag_last);
    let ours = criterion_mean(target, "client/intercom_client")?;
    let bare = criterion_mean(target, "client/bare_reqwest")?;
    println!(
        "client   {:.0} requests/s   bare reqwest {:.0} requests/s   overhead {:+.1} %",
        1e9 / ours,
        1e9 / bare,
        (ours / bare - 1.0) * 100.0
    );
    Ok(())
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

pub(super) fn run_timed(command: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let out = command.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("{command:?} failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// `<target>/criterion/<path>/new/estimates.json` → mean in nanoseconds.
fn criterion_mean(target: &Path, path: &str) -> Result<f64, String> {
    let file = target.join("criterion").join(path).join("new/estimates.json");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    json["mean"]["point_estimate"].as_f64().ok_or_else(|| format!("{}: no mean", file.display()))
}

/// Median crate-only times of one build of a generated crate.
struct RebuildTimes {
    /// `cargo build`, incremental (the dev profile's default for a workspace member).
    build: f64,
    /// `cargo check`, incremental.
    check: f64,
    /// `cargo build` with `CARGO_INCREMENTAL=0`: the whole crate compiled, as cargo compiles a
    /// dependency from a registry, and what a user pays once.
    scratch: f64,
}

/// Median crate-only times of `package` (default features, or `features` alone): touch
/// `lib`, then build, check, and build without incremental caches.
fn rebuild_times(lib: &Path, package: &str, features: Option<&str>) -> Result<RebuildTimes, String> {
    let command = |task: &str| {
        let mut command = cargo();
        command.args([task, "--quiet", "-p", package]);
        if let Some(features) = features {
            command.args(["--no-default-features", "--features", features]);
        }
        command
    };
    let mut scratch = command("build");
    scratch.env("CARGO_INCREMENTAL", "0");
    match crate_only(lib, 3, &mut [command("build"), command("check"), scratch])?[..] {
        [build, check, scratch] => Ok(RebuildTimes { build, check, scratch }),
        _ => unreachable!("one median per command"),
    }
}

/// Median times of `runs` crate-only rebuilds by each command: each runs once untimed (so
/// dependencies are built and never timed), then, `runs` times in turn, `lib` is touched and
/// the command timed.
pub(super) fn crate_only(lib: &Path, runs: usize, commands: &mut [Command]) -> Result<Vec<f64>, String> {
    for command in commands.iter_mut() {
        run_timed(command)?;
    }
    let mut samples = vec![Vec::new(); commands.len()];
    for _ in 0..runs {
        for (command, samples) in commands.iter_mut().zip(&mut samples) {
            touch(lib)?;
            samples.push(run_timed(command)?);
        }
    }
    Ok(samples.into_iter().map(median).collect())
}

fn touch(file: &Path) -> Result<(), String> {
    let text = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    std::fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))
}

pub(super) fn walk_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| {
            let path = e.path();
            if path.is_dir() { walk_lines(&path) } else { std::fs::read_to_string(&path).map(|t| t.lines().count()).unwrap_or(0) }
        })
        .sum()
}
