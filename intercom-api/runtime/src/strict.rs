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
//! Strictness is a per-thread flag, set for the duration of the strict pass (decoding never
//! leaves the thread it started on), and read only where the decoder would otherwise
//! tolerate something, so the usual path never looks at it.

use std::cell::Cell;

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Whether decoding on this thread is in a strict pass.
pub(crate) fn active() -> bool {
    STRICT.with(Cell::get)
}

/// A strict pass, from [`Strict::enter`] until the value is dropped (also on unwinding).
pub(crate) struct Strict {
    before: bool,
}

impl Strict {
    pub(crate) fn enter() -> Strict {
        Strict { before: STRICT.with(|s| s.replace(true)) }
    }
}

impl Drop for Strict {
    fn drop(&mut self) {
        STRICT.with(|s| s.set(self.before));
    }
}

/// The error for what only a tolerant pass accepts.
pub(crate) fn refuse<E: serde::de::Error>(what: std::fmt::Arguments<'_>) -> E {
    E::custom(format_args!("{what} (not exactly as the spec declares it)"))
}
