//! `cargo xtask bench`: the performance figures, printed in one run as lines to paste into the
//! README's performance section.
//!
//! Parts, in the order they run (`--only PART[,PART…]` picks some; every part but `peers` runs
//! by default, and `--peers` adds it):
//!
//! - `generator`: generation time per pinned version, next to parsing its YAML alone;
//! - `compile`: crate-only rebuild and check times of each generated crate, whole and one tag;
//! - `clean-build`: a clean dev build of a small program using `intercom-api` (the whole 2.12
//!   module, one tag of it, the whole Unstable module) next to the same program written
//!   against reqwest, tokio, serde and serde_json directly: the SDK's own share of a user's
//!   first build;
//! - `runtime`: criterion (`tests/benches/runtime.rs`): typed decode vs `serde_json::Value`,
//!   the client vs bare reqwest;
//! - `memory`: the generator's peak resident memory per version, and allocations per decoded
//!   contact, typed vs `serde_json::Value` (`tests/benches/allocations.rs`);
//! - `peers`: crate-only rebuild of each generated crate next to the crate another generator,
//!   openapi-to-rust, makes from the same effective description (installed under the target
//!   dir on first use; not run in CI).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use intercom_codegen::pins::Pin;
use intercom_codegen::{REGENERATE, Workspace};

use crate::workspace::{cargo, open};

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
            "compile" => compile(&ws)?,
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
fn compile(ws: &Workspace) -> Result<(), String> {
    println!("== compile (dev profile, crate only: touch src/lib.rs, then build; median of 3)");
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
        if let Some(largest) = lowered.api.tags.iter().max_by_key(|t| t.types).filter(|l| !picks.iter().any(|t| t.feature == l.feature)) {
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
    Ok(())
}

/// The SDK programs of the clean-build part: the facade's feature, and the module it enables.
const CLEAN_BUILDS: [(&str, &str); 3] = [("v2_12", "v2_12"), ("v2_12-contacts", "v2_12"), ("unstable", "unstable")];

/// Clean dev builds of a small program that fetches one contact, through `intercom-api`
/// (path dependency on this workspace's facade, default features, so the client) and through
/// its own calls to reqwest, tokio, serde and serde_json: what the SDK adds to a user's first
/// build. Each program sits under `<target>/bench/clean-build/`, with the workspace's
/// Cargo.lock (so every shared dependency has the version the SDK is tested with) and a
/// target dir emptied before it is built. Dependencies are fetched before the clock starts.
fn clean_builds(ws: &Workspace, target: &Path) -> Result<(), String> {
    println!(
        "== clean build (dev profile, `cargo build` of a small program in a fresh target dir; \
         baseline: the same program on reqwest + tokio + serde + serde_json alone)"
    );
    let root = target.join("bench/clean-build");
    // The workspace's reqwest line leaves TLS to the runtime's features; the baseline takes the
    // TLS the SDK's default client uses (rustls), so both programs build the same stack.
    let reqwest = workspace_dependency(&ws.root, "reqwest")?.replacen("features = [", "features = [\"rustls\", ", 1);
    let baseline = clean_build(&root.join("baseline"), &ws.root, &baseline_program(&reqwest))?;
    println!("{:<28} clean build {baseline:>6.1} s", "baseline");
    for (feature, module) in CLEAN_BUILDS {
        let time = clean_build(&root.join(feature), &ws.root, &sdk_program(&ws.root, feature, module))?;
        println!(
            "{:<28} clean build {time:>6.1} s   {:+.1} s, {:+.0} % over the baseline",
            format!("intercom-api {feature}"),
            time - baseline,
            (time / baseline - 1.0) * 100.0
        );
    }
    Ok(())
}

/// A program's files: `Cargo.toml` and `src/main.rs`.
struct Program {
    manifest: String,
    main: String,
}

/// tokio as both programs need it: the macros and the current-thread runtime.
const TOKIO: &str = r#"tokio = { version = "1", default-features = false, features = ["macros", "rt"] }"#;

fn baseline_program(reqwest: &str) -> Program {
    Program {
        manifest: format!(
            "[package]\nname = \"bench-baseline\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n# The workspace's own reqwest line.\n{reqwest}\n{TOKIO}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
             # Not a member of any workspace around it.\n[workspace]\n"
        ),
        main: r#"//! Fetches one contact with reqwest and decodes it with serde: the baseline.

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Contact {
    id: String,
    email: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("INTERCOM_TOKEN").unwrap_or_default();
    let client = reqwest::Client::builder().build()?;
    let response = client
        .get("https://api.intercom.io/contacts/1")
        .bearer_auth(token)
        .header("Intercom-Version", "2.12")
        .header("Accept", "application/json")
        .send()
        .await?
        .error_for_status()?;
    let contact: Contact = serde_json::from_slice(&response.bytes().await?)?;
    println!("{contact:?}");
    Ok(())
}
"#
        .to_owned(),
    }
}

fn sdk_program(root: &Path, feature: &str, module: &str) -> Program {
    let facade = root.join("intercom-api");
    Program {
        manifest: format!(
            "[package]\nname = \"bench-{feature}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nintercom-api = {{ path = {:?}, features = [{feature:?}] }}\n{TOKIO}\n\n\
             # Not a member of any workspace around it.\n[workspace]\n",
            facade.display().to_string()
        ),
        main: format!(
            r#"//! Fetches one contact through intercom-api (`{feature}`).

use intercom_api::{module}::Client;
use intercom_api::{module}::operations::ShowContact;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let token = std::env::var("INTERCOM_TOKEN").unwrap_or_default();
    let client = Client::builder(token).build()?;
    let contact = client.send(&ShowContact::new("1")).await?;
    println!("{{contact:?}}");
    Ok(())
}}
"#
        ),
    }
}

/// Writes `program` into `dir` with the workspace's Cargo.lock, fetches its dependencies,
/// empties its target dir and times `cargo build`.
fn clean_build(dir: &Path, root: &Path, program: &Program) -> Result<f64, String> {
    let write = |path: PathBuf, text: &[u8]| std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    write(dir.join("Cargo.toml"), program.manifest.as_bytes())?;
    write(dir.join("src/main.rs"), program.main.as_bytes())?;
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("{}: {e}", root.join("Cargo.lock").display()))?;
    write(dir.join("Cargo.lock"), &lock)?;
    let manifest = dir.join("Cargo.toml");
    let target = dir.join("target");
    let in_program = |task: &str| {
        let mut command = cargo();
        command.args([task, "--quiet", "--manifest-path"]).arg(&manifest).env("CARGO_TARGET_DIR", &target);
        command
    };
    run_timed(&mut in_program("fetch"))?;
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    run_timed(&mut in_program("build"))
}

/// The line `name = …` of the workspace's `[workspace.dependencies]`.
fn workspace_dependency(root: &Path, name: &str) -> Result<String, String> {
    manifest_section(root, "[workspace.dependencies]")?
        .lines()
        .find(|line| line.split('=').next().is_some_and(|key| key.trim() == name))
        .map(str::to_owned)
        .ok_or_else(|| format!("no `{name}` in the workspace's [workspace.dependencies]"))
}

/// The section `header` of the workspace's Cargo.toml, header included, up to the next one
/// (less the comments that open the next one).
fn manifest_section(root: &Path, header: &str) -> Result<String, String> {
    let file = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut lines = text.lines().skip_while(|line| line.trim() != header);
    let first = lines.next().ok_or_else(|| format!("{}: no {header}", file.display()))?;
    let mut body: Vec<&str> = lines.take_while(|line| !line.starts_with('[')).collect();
    // Comments at its end introduce the next section.
    while body.last().is_some_and(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) {
        body.pop();
    }
    Ok(format!("{first}\n{}\n", body.join("\n")))
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
    let typed = criterion_mean(target, "decode/typed/contact_list")?;
    let value = criterion_mean(target, "decode/value/contact_list")?;
    println!(
        "decode   typed ContactList {:.2} ms   serde_json::Value {:.2} ms   typed throughput {:.2}x Value's",
        typed / 1e6,
        value / 1e6,
        value / typed
    );
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

/// The hidden argument that makes this binary the memory part's child: `bench --peak-rss-of ID`.
const PEAK_RSS_CHILD: &str = "--peak-rss-of";

/// The generator's peak resident memory per version, each measured in a fresh process of this
/// binary, and the allocations of decoding a contact list (`tests/benches/allocations.rs`).
fn memory(ws: &Workspace) -> Result<(), String> {
    println!("== memory (generator: peak RSS of a fresh process generating one version; decode: allocator calls)");
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    for pin in &ws.pins.versions {
        let out = Command::new(&exe).args(["bench", PEAK_RSS_CHILD, &pin.id]).output().map_err(|e| format!("{}: {e}", exe.display()))?;
        if !out.status.success() {
            return Err(format!("generating {} in a child process failed:\n{}", pin.id, String::from_utf8_lossy(&out.stderr)));
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let yaml = ws.spec_bytes(pin).map_err(|e| e.to_string())?.len();
        match stdout.trim().parse::<f64>() {
            Ok(kib) => {
                println!("{:<9} generator peak RSS {:>5.0} MiB   (spec: {:.1} MiB of YAML)", pin.id, kib / 1024.0, yaml as f64 / 1048576.0)
            }
            Err(_) => println!("{:<9} generator peak RSS not measured: {}", pin.id, stdout.trim()),
        }
    }
    let out = cargo()
        .args(["bench", "--quiet", "-p", "intercom-tests", "--bench", "allocations"])
        .output()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("the allocations benchmark failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr)));
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| format!("the allocations benchmark printed no report:\n{stdout}"))?;
    let report: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("the allocations report: {e}"))?;
    let contacts = report["contacts"].as_f64().unwrap_or(f64::NAN);
    let per_contact = |decoder: &str, key: &str| report[decoder][key].as_f64().unwrap_or(f64::NAN) / contacts;
    println!(
        "decode   allocations per contact: typed ContactList {:.1} ({:.1} KiB asked, {:.1} KiB kept)   serde_json::Value {:.1} ({:.1} KiB asked, {:.1} KiB kept)   typed/Value {:.2}x",
        per_contact("typed", "allocations"),
        per_contact("typed", "bytes") / 1024.0,
        per_contact("typed", "kept") / 1024.0,
        per_contact("value", "allocations"),
        per_contact("value", "bytes") / 1024.0,
        per_contact("value", "kept") / 1024.0,
        per_contact("typed", "allocations") / per_contact("value", "allocations"),
    );
    Ok(())
}

/// The memory part's child: generates one pinned version in memory (what `regenerate` does
/// for it, without writing) and prints its own peak RSS in KiB. The process reads its own
/// `VmHWM` once the work is done: the standard library cannot read a child's peak after it
/// exits (that needs `wait4` and so the libc crate), and reading a child's /proc file from
/// the parent races with its exit. Prints a reason instead where /proc is missing.
fn peak_rss_child(id: &str) -> Result<ExitCode, String> {
    let ws = open()?;
    let pin = ws.pins.get(id).map_err(|e| e.to_string())?;
    let generated = intercom_codegen::generate_version(&ws, pin).map_err(|e| e.to_string())?;
    std::hint::black_box(&generated);
    match std::fs::read_to_string("/proc/self/status") {
        Ok(status) => {
            let kib = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .ok_or("/proc/self/status has no VmHWM")?;
            println!("{kib}");
        }
        Err(e) => println!("/proc/self/status: {e} (Linux only)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The peer generator, pinned.
const PEER: &str = "openapi-to-rust";
const PEER_VERSION: &str = "0.23.0";
/// Crate-only rebuilds per side in the peers part (the median is printed).
const PEER_RUNS: usize = 5;

/// Crate-only rebuild of each generated crate next to the crate openapi-to-rust generates
/// from the same effective description (pinned file plus overlay), in one run. The peer is
/// installed into `<target>/peers` on first use; its crates sit in `<target>/peers/<module>`.
/// A spec the peer cannot generate, or whose output does not compile, is reported on its line.
fn peers(ws: &Workspace, target: &Path) -> Result<(), String> {
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

/// `<target>/criterion/<path>/new/estimates.json` → mean in nanoseconds.
fn criterion_mean(target: &Path, path: &str) -> Result<f64, String> {
    let file = target.join("criterion").join(path).join("new/estimates.json");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    json["mean"]["point_estimate"].as_f64().ok_or_else(|| format!("{}: no mean", file.display()))
}

/// Median crate-only rebuild and check times of `package` (default features, or `features`
/// alone): touch `lib`, then build (check).
fn rebuild_times(lib: &Path, package: &str, features: Option<&str>) -> Result<(f64, f64), String> {
    let command = |task: &str| {
        let mut command = cargo();
        command.args([task, "--quiet", "-p", package]);
        if let Some(features) = features {
            command.args(["--no-default-features", "--features", features]);
        }
        command
    };
    match crate_only(lib, 3, &mut [command("build"), command("check")])?[..] {
        [build, check] => Ok((build, check)),
        _ => unreachable!("one median per command"),
    }
}

/// Median times of `runs` crate-only rebuilds by each command: each runs once untimed (so
/// dependencies are built and never timed), then, `runs` times in turn, `lib` is touched and
/// the command timed.
fn crate_only(lib: &Path, runs: usize, commands: &mut [Command]) -> Result<Vec<f64>, String> {
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
