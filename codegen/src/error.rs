//! Why generation failed: the one error type of the generator's entry points.

use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Severity};
use crate::pins::PinError;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the pins, a pinned file, an overlay or the fern corrections failed.
    #[error("{0}")]
    Pin(#[from] PinError),
    /// The spec has errors; generation stopped.
    #[error("{}", spec_errors(.what, .diagnostics))]
    Spec {
        /// What was being generated (`Intercom API 2.12`, a spec file, `fixture unions`).
        what: String,
        /// Every diagnostic found, warnings included; only the errors are displayed.
        diagnostics: Vec<Diagnostic>,
    },
    /// The generator produced something that does not parse (a generator bug).
    #[error("{what}: {message} (a generator bug: please report it)")]
    Emit {
        /// What was being generated, or the file being read (`Intercom API 2.12`, a manifest).
        what: String,
        /// What went wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {error}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
}

/// How many errors the spec has, then one line each; the warnings are left to the report.
fn spec_errors(what: &str, diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    let mut out = format!("{what}: {} error(s); nothing was generated.\n", errors.len());
    for d in errors {
        out.push_str(&format!("  {d}\n"));
    }
    out
}
