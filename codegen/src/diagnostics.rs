//! Problems found in a spec, each with the JSON pointer where it was found.

use std::fmt;

/// How serious a diagnostic is: whether generation can go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; the construct was degraded or renamed.
    Warning,
    /// Generation stops.
    Error,
}

/// One problem found in a spec: how serious it is, where it is, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether it stops generation (`Error`) or is only reported (`Warning`).
    pub severity: Severity,
    /// A JSON pointer into the spec, written as a URI fragment (`#/components/schemas/x`).
    pub pointer: String,
    /// What is wrong and what to do, as one or two sentences.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.pointer, self.message)
    }
}

/// Collects diagnostics while one spec is processed.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a warning at `pointer`: generation goes on.
    pub fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, message);
    }

    /// Adds an error at `pointer`: nothing is generated from the spec.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, pointer, message);
    }

    /// Adds a diagnostic, unless the same one (same place, same words) is already there: a
    /// schema reached twice is reported once.
    fn push(&mut self, severity: Severity, pointer: impl Into<String>, message: impl Into<String>) {
        let diagnostic = Diagnostic { severity, pointer: pointer.into(), message: message.into() };
        if !self.items.contains(&diagnostic) {
            self.items.push(diagnostic);
        }
    }

    /// Whether any diagnostic so far is an error, so generation must stop.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The diagnostics so far, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Takes the diagnostics out, in the order found.
    pub fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }

    /// How many diagnostics of `severity` there are.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{escaped}")
}
