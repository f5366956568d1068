//! What every task shares: the workspace it works on and the cargo it runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use intercom_codegen::Workspace;

/// The workspace root: `XTASK_WORKSPACE` when set (tests run tasks on a copy), else the
/// workspace this binary was built in.
pub fn root() -> PathBuf {
    match std::env::var_os("XTASK_WORKSPACE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf(),
    }
}

/// The workspace at [`root`]: its pins, cache, overlays and source.
pub fn open() -> Result<Workspace, String> {
    Workspace::open(&root()).map_err(|e| e.to_string())
}

/// The runtime crate, which generated crates depend on by path.
pub fn runtime_dir() -> PathBuf {
    root().join("intercom-api/runtime")
}

/// The cargo that runs this task (`CARGO`), else the one on the `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}
