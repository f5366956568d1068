//! The `memory` part: the generator's peak resident memory per version, each in a fresh process
//! of this binary, and the allocations of decoding the benchmarks' lists.

use std::process::{Command, ExitCode};

use intercom_codegen::Workspace;

use crate::workspace::{cargo, open};

/// The hidden argument that makes this binary the memory part's child: `bench --peak-rss-of ID`.
pub(super) const PEAK_RSS_CHILD: &str = "--peak-rss-of";

/// The generator's peak resident memory per version, each measured in a fresh process of this
/// binary, and the allocations of decoding the benchmarks' lists (`tests/benches/allocations.rs`).
pub(super) fn memory(ws: &Workspace) -> Result<(), String> {
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
    let lists = report["lists"].as_array().ok_or_else(|| format!("the allocations report has no lists: {line}"))?;
    for list in lists {
        let items = list["items"].as_f64().unwrap_or(f64::NAN);
        let per_item = |decoder: &str, key: &str| list[decoder][key].as_f64().unwrap_or(f64::NAN) / items;
        println!(
            "decode   allocations per item of {}: typed {:.1} ({:.1} KiB asked, {:.1} KiB kept)   serde_json::Value {:.1} ({:.1} KiB asked, {:.1} KiB kept)   typed/Value {:.2}x",
            list["list"].as_str().unwrap_or("?"),
            per_item("typed", "allocations"),
            per_item("typed", "bytes") / 1024.0,
            per_item("typed", "kept") / 1024.0,
            per_item("value", "allocations"),
            per_item("value", "bytes") / 1024.0,
            per_item("value", "kept") / 1024.0,
            per_item("typed", "allocations") / per_item("value", "allocations"),
        );
    }
    Ok(())
}

/// The memory part's child: generates one pinned version in memory (what `regenerate` does
/// for it, without writing) and prints its own peak RSS in KiB. The process reads its own
/// `VmHWM` once the work is done: the standard library cannot read a child's peak after it
/// exits (that needs `wait4` and so the libc crate), and reading a child's /proc file from
/// the parent races with its exit. Prints a reason instead where /proc is missing.
pub(super) fn peak_rss_child(id: &str) -> Result<ExitCode, String> {
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
