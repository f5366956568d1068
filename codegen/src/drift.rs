//! Drift between the pins and their source, one-step pin updates, and diffs between pinned
//! versions. Every report is built from the IR of both sides (see [`crate::diff`]).

use std::path::PathBuf;

use crate::diff::{self, Report};
use crate::output::GeneratedFile;
use crate::pins::{self, Pin, Source};
use crate::{Error, Lowered, REGENERATE, Workspace, emit, fern, lower_bytes};

/// A side of a comparison: a lowered API and the crate it generates.
struct Side {
    lowered: Lowered,
    files: Vec<GeneratedFile>,
}

fn side(pin: &Pin, lowered: Lowered) -> Result<Side, Error> {
    // The header names no origin, so the size counts only what the spec changes.
    let header = emit::rust_header(REGENERATE, "");
    let files = emit::version_crate(&lowered.api, emit::CrateSetup::member(&pin.crate_name), &header, &header.replace("// ", "# "))
        .map_err(|message| Error::Emit { what: format!("Intercom API {}", pin.id), message })?;
    Ok(Side { lowered, files })
}

fn report(from: String, old: &Side, to: String, new: &Side, notes: Vec<String>) -> Report {
    Report {
        from,
        to,
        changes: diff::compare(&old.lowered.api, &new.lowered.api),
        generated: Some(diff::size_change(&old.files, &new.files)),
        notes,
    }
}

/// Lowers another revision of `pin`'s file with the version's overlay. When the overlay no
/// longer applies (upstream fixed or moved what it patches) the file is lowered without it,
/// and the report says so.
fn lower_revision(ws: &Workspace, pin: &Pin, bytes: &[u8]) -> Result<(Lowered, Vec<String>), Error> {
    let overlay = ws.overlay(pin)?;
    let what = format!("Intercom API {} (new revision)", pin.id);
    match lower_bytes(bytes, overlay.as_ref(), &pin.id, Some(&pin.intercom_version)) {
        Ok(lowered) => Ok((lowered, Vec::new())),
        Err(diagnostics) if overlay.is_some() => {
            let why: Vec<String> =
                diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).map(ToString::to_string).collect();
            let lowered = lower_bytes(bytes, None, &pin.id, Some(&pin.intercom_version))
                .map_err(|diagnostics| Error::Spec { what: what.clone(), diagnostics })?;
            let note = format!(
                "specs/{} does not apply to the new revision ({}); it is compared without the overlay: \
                 update or remove the patches upstream has made unnecessary",
                pin.overlay.as_deref().unwrap_or_default(),
                why.join("; ")
            );
            Ok((lowered, vec![note]))
        }
        Err(diagnostics) => Err(Error::Spec { what, diagnostics }),
    }
}

fn short(commit: &str) -> &str {
    crate::pins::short_hash(commit, 7)
}

/// What `drift` found for one version.
pub enum Drift {
    /// The source holds the pinned file.
    None {
        /// The file's sha256, the pinned one.
        sha256: String,
    },
    /// The source holds another revision; the report says what it changes.
    Found {
        /// What the source's revision changes, compared with the pinned one.
        report: Box<Report>,
        /// The sha256 of the source's revision.
        sha256: String,
        /// Where the revision was read: a file path or a URL.
        origin: String,
    },
}

/// Compares `pin` with the current revision in `source`.
pub fn drift(ws: &Workspace, pin: &Pin, source: &Source) -> Result<Drift, Error> {
    let current = source.current(&ws.pins, pin)?;
    if current.sha256 == pin.sha256 {
        return Ok(Drift::None { sha256: current.sha256 });
    }
    let old = side(pin, ws.lower_version(pin)?)?;
    let (lowered, notes) = lower_revision(ws, pin, &current.bytes)?;
    let new = side(pin, lowered)?;
    let to = match source {
        Source::Upstream => format!("{} @ upstream HEAD", pin.id),
        Source::Directory(_) => format!("{} @ {}", pin.id, current.origin),
    };
    let report = report(format!("{} @ {}", pin.id, short(&pin.commit)), &old, to, &new, notes);
    Ok(Drift::Found { report: Box::new(report), sha256: current.sha256, origin: current.origin })
}

/// Corrections in the source's fern files (Intercom's SDK fixes of the spec) that
/// `specs/fern-corrections.toml` does not account for, and entries for corrections fern no
/// longer makes, one line each, for the fern files that speak for `versions`.
pub fn fern_drift(ws: &Workspace, source: &Source, versions: &[&str]) -> Result<Vec<String>, Error> {
    let path = ws.root.join("specs/fern-corrections.toml");
    let text = std::fs::read_to_string(&path).map_err(|error| Error::Io { path: path.clone(), error })?;
    let corrections = fern::Corrections::parse(&text).map_err(|e| Error::Pin(pins::PinError(format!("{}: {e}", path.display()))))?;
    let mut lines = Vec::new();
    for (file, pinned) in &corrections.files {
        if !pinned.versions.iter().any(|v| versions.contains(&v.as_str())) {
            continue;
        }
        let (bytes, origin) = source.repository_file(&ws.pins, &format!("fern/{file}"))?;
        let document =
            fern::parse_fern(&String::from_utf8_lossy(&bytes)).map_err(|e| Error::Pin(pins::PinError(format!("{origin}: {e}"))))?;
        let (new, stale) = fern::undecided(&corrections, file, &document);
        for unit in new {
            lines.push(format!(
                "+ fern/{file} {}: a new correction; adopt it in the overlays or decline it in specs/fern-corrections.toml",
                unit.pointer
            ));
        }
        for pointer in stale {
            lines.push(format!(
                "- fern/{file} {pointer}: fern no longer makes this correction; remove its entry (and any patch adopting it)"
            ));
        }
    }
    Ok(lines)
}

/// The report between two pinned versions: what a user moving from `from` to `to` meets.
pub fn diff_versions(ws: &Workspace, from: &str, to: &str) -> Result<Report, Error> {
    let (a, b) = (ws.pins.get(from)?, ws.pins.get(to)?);
    let old = side(a, ws.lower_version(a)?)?;
    let new = side(b, ws.lower_version(b)?)?;
    Ok(report(format!("{} @ {}", a.id, short(&a.commit)), &old, format!("{} @ {}", b.id, short(&b.commit)), &new, Vec::new()))
}

/// What `update` did for one version.
pub enum Update {
    /// The pin already names the source's revision.
    Current,
    /// `specs/versions.toml` now pins `commit`; the file is in the cache.
    Moved {
        /// The commit now pinned.
        commit: String,
        /// The sha256 of the file at that commit, now pinned.
        sha256: String,
        /// What the new revision changes, compared with the old pin.
        report: Box<Report>,
    },
}

/// Moves `pin` to `commit` (else the source's head commit): fetches the file, rewrites the pin,
/// caches the file and reports what changed. Regenerating is the caller's next step.
pub fn update(ws: &Workspace, pin: &Pin, source: &Source, commit: Option<&str>) -> Result<Update, Error> {
    let commit = match commit {
        Some(c) => c.to_owned(),
        None => source.head_commit(&ws.pins)?,
    };
    let fetched = source.at_commit(&ws.pins, pin, &commit)?;
    if fetched.sha256 == pin.sha256 && commit == pin.commit {
        return Ok(Update::Current);
    }
    let old = side(pin, ws.lower_version(pin)?)?;
    let (lowered, notes) = lower_revision(ws, pin, &fetched.bytes)?;
    let new = side(pin, lowered)?;
    let report = report(format!("{} @ {}", pin.id, short(&pin.commit)), &old, format!("{} @ {}", pin.id, short(&commit)), &new, notes);

    let file = ws.root.join("specs/versions.toml");
    let text = std::fs::read_to_string(&file).map_err(|error| Error::Io { path: file.clone(), error })?;
    let rewritten = pins::rewrite_pin(&text, &pin.id, &commit, &fetched.sha256)?;
    let moved = Pin { commit: commit.clone(), sha256: fetched.sha256.clone(), ..pin.clone() };
    ws.cache.store(&ws.pins, &moved, &fetched.bytes)?;
    std::fs::write(&file, rewritten).map_err(|error| Error::Io { path: PathBuf::from(&file), error })?;
    Ok(Update::Moved { commit, sha256: fetched.sha256, report: Box::new(report) })
}
