//! Helpers shared by the workspace-level tests.

use std::path::{Path, PathBuf};

use intercom_codegen::pins::SOURCE_ENV;
use intercom_codegen::Workspace;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The workspace, with the spec source from the environment. Panics with a message that says
/// how to make the pinned specs available when they cannot be had.
pub fn workspace() -> Workspace {
    let ws = Workspace::open(&root()).unwrap_or_else(|e| panic!("{e}"));
    for pin in &ws.pins.versions {
        if let Err(e) = ws.cache.ensure(&ws.pins, pin, &ws.source) {
            panic!(
                "this test needs the pinned Intercom OpenAPI descriptions and could not get them:\n{e}\n\
                 Run `cargo xtask specs pull` with network access, or set {SOURCE_ENV} to a local \
                 mirror (for example `{SOURCE_ENV}=../shared/intercom-openapi`)."
            );
        }
    }
    ws
}
