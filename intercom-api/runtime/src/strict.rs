//! Strict decoding: how an untagged union chooses among forms that would all decode.
//!
//! The decoder is tolerant (scalars in another lossless shape, unknown enum values and union
//! forms kept in `Unknown`, undeclared keys kept in `extra`), so several forms of an untagged
//! union can accept one value. [`decode_untagged`](crate::decode_untagged) therefore tries
//! each form first *strictly*, exactly as the spec declares it: no tolerated scalar shape,
//! no unknown enum value, no `Unknown` union form, no undeclared key, and every constant
//! equal to its value. The first form that matches exactly wins; only when none does are the
//! forms tried again tolerantly, in order, and then `Unknown` keeps the value.
//!
//! Between the two, a value that no form matches exactly is tried once more with tolerance
//! but without any `Unknown` inside (no unknown enum value, tag or union form, every constant
//! equal to its value), so a form that decodes the value fully wins over an earlier one that
//! takes it only by keeping a part of it as `Unknown`: an untagged union that is itself a form
//! of another would otherwise always "accept" the value through its own `Unknown`.
//!
//! The pass is a per-thread mode, set for the duration of a pass (decoding never leaves the
//! thread it started on), and read only where the decoder would otherwise tolerate something,
//! so the usual path never looks at it.

use std::cell::Cell;

/// How much the decoder tolerates on this thread.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Mode {
    /// Everything lossless: the usual decoding, and a union's last pass.
    Tolerant,
    /// Scalars in another shape and undeclared keys, but no `Unknown` and no constant with
    /// another value.
    NoUnknown,
    /// Exactly as the spec declares it.
    Strict,
}

thread_local! {
    static MODE: Cell<Mode> = const { Cell::new(Mode::Tolerant) };
}

/// The pass decoding on this thread is in.
pub(crate) fn mode() -> Mode {
    MODE.with(Cell::get)
}

/// Whether decoding on this thread is in a strict pass.
pub(crate) fn active() -> bool {
    mode() == Mode::Strict
}

/// Whether an `Unknown` fallback (enum value, tag, union form) or a constant with another
/// value would fail the pass this thread is in.
pub(crate) fn unknown_refused() -> bool {
    mode() >= Mode::NoUnknown
}

/// A pass in a [`Mode`], from [`Pass::enter`] until the value is dropped (also on unwinding).
pub(crate) struct Pass {
    before: Mode,
}

impl Pass {
    pub(crate) fn enter(mode: Mode) -> Pass {
        Pass { before: MODE.with(|m| m.replace(mode)) }
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        MODE.with(|m| m.set(self.before));
    }
}

/// The error for what only a tolerant pass accepts.
pub(crate) fn refuse<E: serde::de::Error>(what: std::fmt::Arguments<'_>) -> E {
    E::custom(format_args!("{what} (not exactly as the spec declares it)"))
}
