//! What becomes of a decode that fails, per thread: whether it is read again to name the place.
//!
//! A body is decoded fast, and only a failure is decoded again with the JSON path tracked
//! ([`decode::json`](crate::decode::json)). A tagged union decodes its form from the text of
//! its value with a reader of its own, so it does the same for the place inside the form. Left
//! to itself, each level of nested unions would read every level below it again, fast and
//! then tracked: 2^depth decodes of a body with one bad field at the bottom. So a reader says
//! what becomes of a failure beneath it, and each union decodes its form accordingly: a union
//! with nothing above it fast, then once more tracked on failure; below a reader that discards
//! or re-reads failures, fast only; below a tracked decode, tracked at once. Each level is
//! then read at most twice each time the body is (and the client reads a failing body twice).
//!
//! The state is per thread, set for the duration of a read (decoding never leaves the thread it
//! started on) and restored when its [`Scope`] is dropped, also on unwinding.

use std::cell::Cell;

use serde::de::DeserializeOwned;

/// What becomes of a failure of the decode running on this thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// It is reported as it is: a form that fails is decoded again, tracking the path.
    Reported,
    /// A reader above throws it away (an untagged union trying forms) or decodes the whole
    /// again (the client's fast pass): fail fast.
    Discarded,
    /// A reader above is tracking the path: track it at once.
    Tracked,
}

thread_local! {
    static FAILURE: Cell<Failure> = const { Cell::new(Failure::Reported) };
    static UNIONS: Cell<u32> = const { Cell::new(0) };
}

/// What becomes of a failure of the decode running on this thread.
pub(crate) fn failure() -> Failure {
    FAILURE.with(Cell::get)
}

/// A read in which failures become `failure`, from [`Scope::enter`] until dropped.
pub(crate) struct Scope {
    before: Failure,
}

impl Scope {
    pub(crate) fn enter(failure: Failure) -> Scope {
        Scope { before: FAILURE.with(|f| f.replace(failure)) }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        FAILURE.with(|f| f.set(self.before));
    }
}

/// A read that failed: the JSON path where (empty when not tracked), and why.
pub(crate) struct Failed {
    pub(crate) path: String,
    pub(crate) error: serde_json::Error,
}

/// Decodes a JSON body fast and, should that fail, again tracking the JSON path to say where,
/// unless a reader above discards the failure (fast only) or tracks the path itself (tracked
/// at once). The body is checked to be UTF-8 once, whole, so that serde_json reads it as text
/// and does not check every string it meets again (a tenth of a large list's decode).
pub(crate) fn read<T: DeserializeOwned>(json: &[u8]) -> Result<T, Failed> {
    match std::str::from_utf8(json) {
        Ok(text) => read_text(text),
        // Not text: the tracked read says where.
        Err(_) => {
            let _tracked = Scope::enter(Failure::Tracked);
            tracked(json)
        }
    }
}

/// [`read`] of a text: the client's body, and a tagged union's form.
pub(crate) fn read_text<T: DeserializeOwned>(text: &str) -> Result<T, Failed> {
    let failure = failure();
    if failure != Failure::Tracked {
        let fast = {
            let _fast = Scope::enter(Failure::Discarded);
            serde_json::from_str(text)
        };
        match fast {
            Ok(value) => return Ok(value),
            Err(error) if failure == Failure::Discarded => return Err(Failed { path: String::new(), error }),
            Err(_) => {}
        }
    }
    let _tracked = Scope::enter(Failure::Tracked);
    tracked(text.as_bytes())
}

/// serde_json tracking the path, for an error that names the place.
fn tracked<T: DeserializeOwned>(json: &[u8]) -> Result<T, Failed> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let value =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Failed { path: e.path().to_string(), error: e.into_inner() })?;
    deserializer.end().map_err(|error| Failed { path: String::new(), error })?;
    Ok(value)
}

/// How many tagged unions are decoding a form on this thread, around the one asking.
pub(crate) fn enclosing_unions() -> u32 {
    UNIONS.with(Cell::get)
}

/// A tagged union decoding its form, from [`InUnion::enter`] until dropped.
pub(crate) struct InUnion(());

impl InUnion {
    pub(crate) fn enter() -> InUnion {
        UNIONS.with(|n| n.set(n.get() + 1));
        InUnion(())
    }
}

impl Drop for InUnion {
    fn drop(&mut self) {
        UNIONS.with(|n| n.set(n.get() - 1));
    }
}
