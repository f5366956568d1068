//! Semantic differences between two lowered APIs (two revisions of one version, or two
//! versions), in the terms a user of the generated crates sees: operations, types, fields and
//! enum values, each classified as breaking or not. Built from the IR only, never a text diff.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::*;
use crate::output::GeneratedFile;

/// What changed between two APIs.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The two sides, as shown to the reader (`2.7 @ 8889625` → `2.7 @ main`).
    pub from: String,
    /// The newer side (`2.7 @ main`); `from` is the older one.
    pub to: String,
    /// Every change, sorted as [`compare`] sorts them: operations, then types, by name.
    pub changes: Vec<Change>,
    /// How much the generated crate changes, when both sides were generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<SizeChange>,
    /// Things the reader must know about how the report was made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Whether an operation or type was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only the newer side has it.
    Added,
    /// Only the older side has it.
    Removed,
    /// Both sides have it and it differs; [`Change::detail`] says how.
    Changed,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// An operation, matched across the sides by method and path.
    Operation,
    /// A type, matched across the sides by its spec name.
    Type,
}

/// One change, on one operation or type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Whether it is about an operation or a type.
    pub subject: Subject,
    /// `GET /contacts` for an operation, the spec name for a type.
    pub name: String,
    /// The Rust name (`ListContacts`, `Contact`), on the newer side when it exists.
    pub rust: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What changed, for `Changed` (`field \`email\`: now required`); empty otherwise.
    pub detail: String,
    /// Code that compiled against the old crate may not compile, or may now fail at runtime.
    pub breaking: bool,
}

/// The size of the change of generated files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SizeChange {
    /// Files only the newer crate has.
    pub files_added: usize,
    /// Files only the older crate has.
    pub files_removed: usize,
    /// Files both crates have, with different contents.
    pub files_changed: usize,
    /// Lines the newer files have more of, counted by content (a moved line is not counted).
    pub lines_added: usize,
    /// Lines the older files have more of, counted the same way.
    pub lines_removed: usize,
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// The version the published crates move to for this change, from `current`, under the
    /// README's policy: a breaking change bumps the minor version while 0.x (the major one from
    /// 1.0), any other change the patch version; no change keeps it. `None` when `current` is
    /// not `major.minor.patch`.
    pub fn proposed_version(&self, current: &str) -> Option<String> {
        let mut parts = current.split('.').map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        Some(if self.changes.is_empty() {
            current.to_owned()
        } else if self.breaking() == 0 {
            format!("{major}.{minor}.{}", patch + 1)
        } else if major == 0 {
            format!("0.{}.0", minor + 1)
        } else {
            format!("{}.0.0", major + 1)
        })
    }

    /// The report for people: one line per change, operations first.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{} → {}: {} change{}, {} breaking\n",
            self.from,
            self.to,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.breaking()
        );
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        for (subject, title) in [(Subject::Operation, "operations"), (Subject::Type, "types")] {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.subject == subject).collect();
            if changes.is_empty() {
                continue;
            }
            out.push_str(&format!("  {title}:\n"));
            for c in changes {
                let mark = match c.kind {
                    ChangeKind::Added => "+",
                    ChangeKind::Removed => "-",
                    ChangeKind::Changed => "~",
                };
                let rust = if c.rust.is_empty() { String::new() } else { format!(" ({})", c.rust) };
                let detail = if c.detail.is_empty() { String::new() } else { format!(": {}", c.detail) };
                let breaking = if c.breaking { "  [breaking]" } else { "" };
                out.push_str(&format!("    {mark} {}{rust}{detail}{breaking}\n", c.name));
            }
        }
        if let Some(size) = &self.generated {
            out.push_str(&format!(
                "  generated code: {} files added, {} removed, {} changed; +{} -{} lines\n",
                size.files_added, size.files_removed, size.files_changed, size.lines_added, size.lines_removed
            ));
        }
        out
    }

    /// The report as JSON (`--format json`), with the number of breaking changes added as
    /// `breaking`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(map) = value.as_object_mut() {
            map.insert("breaking".to_owned(), self.breaking().into());
        }
        value
    }
}

/// Every change from `old` to `new`, sorted: operations, then types, by name.
pub fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    compare_operations(old, new, &mut changes);
    compare_types(old, new, &mut changes);
    changes.sort();
    changes
}

fn op_key(op: &Operation) -> String {
    format!("{} {}", op.http_method, op.path)
}

fn output_text(api: &Api, output: &Output) -> String {
    match output {
        Output::Empty => "()".to_owned(),
        Output::Text => "String".to_owned(),
        Output::Bytes(_) => "Vec<u8>".to_owned(),
        Output::Redirect => "Redirect".to_owned(),
        Output::Json(ty) => api.rust_type(ty),
        Output::ByStatus { name, variants } => {
            let forms: Vec<String> = variants.iter().map(|v| format!("{} {}", v.status, output_text(api, &v.output))).collect();
            format!("{name}({})", forms.join(" | "))
        }
    }
}

fn compare_operations(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let old_ops: BTreeMap<String, &Operation> = old.operations.iter().map(|o| (op_key(o), o)).collect();
    let new_ops: BTreeMap<String, &Operation> = new.operations.iter().map(|o| (op_key(o), o)).collect();
    let change = |op: &Operation, kind: ChangeKind, detail: String, breaking: bool| Change {
        subject: Subject::Operation,
        name: op_key(op),
        rust: op.name.to_string(),
        kind,
        detail,
        breaking,
    };
    for (key, op) in &old_ops {
        if !new_ops.contains_key(key) {
            out.push(change(op, ChangeKind::Removed, String::new(), true));
        }
    }
    for (key, op) in &new_ops {
        let Some(before) = old_ops.get(key) else {
            out.push(change(op, ChangeKind::Added, String::new(), false));
            continue;
        };
        for (detail, breaking) in operation_changes(old, before, new, op) {
            out.push(change(op, ChangeKind::Changed, detail, breaking));
        }
    }
}

/// What changed in an operation both sides have, each with whether it breaks callers.
fn operation_changes(old: &Api, before: &Operation, new: &Api, op: &Operation) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if before.name != op.name {
        out.push((format!("renamed from {}", before.name), true));
    }
    out.extend(param_changes(old, before, new, op));
    out.extend(body_changes(old, before, new, op));
    // A tag dropped takes the operation out of that tag's feature and client group.
    let (tags_before, tags_now): (Vec<&str>, Vec<&str>) = (before.tags_or_untagged().collect(), op.tags_or_untagged().collect());
    if tags_before != tags_now {
        let dropped = tags_before.iter().any(|t| !tags_now.contains(t));
        out.push((format!("tags: {} → {}", tags_before.join(", "), tags_now.join(", ")), dropped));
    }
    let (o0, o1) = (output_text(old, &before.output), output_text(new, &op.output));
    if o0 != o1 {
        out.push((format!("response: {o0} → {o1}"), true));
    }
    match (&before.pagination, &op.pagination) {
        (None, Some(p)) => out.push((format!("now paginated ({})", p.style.label()), false)),
        (Some(p), None) => out.push((format!("no longer paginated (was {})", p.style.label()), true)),
        (Some(a), Some(b)) if a.style != b.style => out.push((format!("pagination: {} → {}", a.style.label(), b.style.label()), true)),
        _ => {}
    }
    out
}

/// What changed in an operation's parameters (matched by place and wire name).
fn param_changes(old: &Api, before: &Operation, new: &Api, op: &Operation) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let params = |o: &Operation| -> BTreeMap<(u8, WireName), Param> {
        o.params.iter().map(|p| ((p.location.rank(), p.wire.clone()), p.clone())).collect()
    };
    let (was, now) = (params(before), params(op));
    for (key, p) in &was {
        if !now.contains_key(key) {
            out.push((format!("{} parameter `{}` removed", p.location.word(), p.wire), true));
        }
    }
    for (key, p) in &now {
        let place = p.location.word();
        match was.get(key) {
            None => out
                .push((format!("{place} parameter `{}` added ({})", p.wire, if p.required { "required" } else { "optional" }), p.required)),
            Some(q) => {
                let (t0, t1) = (old.rust_type(&q.ty), new.rust_type(&p.ty));
                if t0 != t1 {
                    out.push((format!("{place} parameter `{}`: type {t0} → {t1}", p.wire), true));
                }
                if q.required != p.required {
                    let now = if p.required { "now required" } else { "now optional" };
                    out.push((format!("{place} parameter `{}`: {now}", p.wire), true));
                }
            }
        }
    }
    out
}

/// What changed in an operation's request body.
fn body_changes(old: &Api, before: &Operation, new: &Api, op: &Operation) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    match (&before.body, &op.body) {
        (None, Some(b)) => out.push((
            format!("request body added ({}, {})", new.rust_type(&b.ty), if b.required { "required" } else { "optional" }),
            b.required,
        )),
        (Some(_), None) => out.push(("request body removed".to_owned(), true)),
        (Some(a), Some(b)) => {
            let (t0, t1) = (old.rust_type(&a.ty), new.rust_type(&b.ty));
            if t0 != t1 {
                out.push((format!("request body: type {t0} → {t1}"), true));
            }
            if a.required != b.required {
                let now = if b.required { "now required" } else { "now optional" };
                out.push((format!("request body: {now}"), true));
            }
        }
        (None, None) => {}
    }
    out
}

/// The cargo features that compile an item.
fn gate_features(api: &Api, gate: &Gate) -> BTreeSet<String> {
    match gate {
        Gate::Always => BTreeSet::new(),
        Gate::Full => BTreeSet::from(["full".to_owned()]),
        Gate::Tags(tags) => tags.iter().filter_map(|t| api.tags.get(*t)).map(|t| t.feature.clone()).collect(),
    }
}

/// What a type's features and serde derives lose: each is code that stops compiling for
/// someone.
fn usage_changes(old: &Api, before: &TypeDef, new: &Api, def: &TypeDef) -> Vec<String> {
    let mut lost = Vec::new();
    // String enums and constants implement both halves whatever their use.
    let derives = matches!(def.kind, TypeKind::Struct(_) | TypeKind::Union(_));
    if derives && before.usage.sent && !def.usage.sent {
        lost.push("`Serialize` now needs the `serialize` feature".to_owned());
    }
    if derives && before.usage.received && !def.usage.received {
        lost.push("`Deserialize` now needs the `deserialize` feature".to_owned());
    }
    let (was, now) = (gate_features(old, &before.usage.gate), gate_features(new, &def.usage.gate));
    if def.usage.gate != Gate::Always {
        // `full` turns every tag on, so it never stops compiling anything.
        let dropped: Vec<&str> = was.iter().filter(|f| *f != "full" && !now.contains(*f)).map(String::as_str).collect();
        if !dropped.is_empty() {
            lost.push(format!("no longer compiled by feature {}", dropped.join(", ")));
        }
    }
    lost
}

fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Constant { .. } => "constant",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
    }
}

fn compare_types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let by_name =
        |api: &Api| -> BTreeMap<String, TypeId> { api.types.iter().enumerate().map(|(i, t)| (t.spec_name.clone(), TypeId(i))).collect() };
    let (old_types, new_types) = (by_name(old), by_name(new));
    let change = |def: &TypeDef, kind: ChangeKind, detail: String, breaking: bool| Change {
        subject: Subject::Type,
        name: def.spec_name.clone(),
        rust: def.name.to_string(),
        kind,
        detail,
        breaking,
    };
    for (name, id) in &old_types {
        if !new_types.contains_key(name) {
            out.push(change(old.get(*id), ChangeKind::Removed, String::new(), true));
        }
    }
    for (name, id) in &new_types {
        let def = new.get(*id);
        let Some(before_id) = old_types.get(name) else {
            out.push(change(def, ChangeKind::Added, String::new(), false));
            continue;
        };
        let before = old.get(*before_id);
        for lost in usage_changes(old, before, new, def) {
            out.push(change(def, ChangeKind::Changed, lost, true));
        }
        for (detail, breaking) in kind_changes(old, before, new, def) {
            out.push(change(def, ChangeKind::Changed, detail, breaking));
        }
        if before.name != def.name {
            out.push(change(def, ChangeKind::Changed, format!("Rust name {} → {}", before.name, def.name), true));
        }
    }
}

/// What changed in what a type is (its fields, values, forms, constant or target, or its
/// kind), each with whether it breaks callers.
fn kind_changes(old: &Api, before: &TypeDef, new: &Api, def: &TypeDef) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    match (&before.kind, &def.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => out.extend(field_changes(old, a, new, b)),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            let values = |v: &[EnumVariant]| -> BTreeSet<WireName> { v.iter().map(|e| e.wire.clone()).collect() };
            let (was, now) = (values(a), values(b));
            for v in was.difference(&now) {
                out.push((format!("enum value `{v}` removed"), true));
            }
            // Generated enums are `#[non_exhaustive]`: a `match` has a wildcard arm already.
            for v in now.difference(&was) {
                out.push((format!("enum value `{v}` added"), false));
            }
        }
        (TypeKind::Union(a), TypeKind::Union(b)) => {
            let forms = |u: &Union| -> BTreeSet<String> { u.variants.iter().map(|v| v.name.clone()).collect() };
            let (was, now) = (forms(a), forms(b));
            for v in was.difference(&now) {
                out.push((format!("form `{v}` removed"), true));
            }
            for v in now.difference(&was) {
                out.push((format!("form `{v}` added"), false));
            }
        }
        (TypeKind::Constant { value: a }, TypeKind::Constant { value: b }) if a != b => {
            out.push((format!("constant `{a}` → `{b}`"), true));
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            let (t0, t1) = (old.rust_type(a), new.rust_type(b));
            if t0 != t1 {
                out.push((format!("type {t0} → {t1}"), true));
            }
        }
        (a, b) if kind_word(a) != kind_word(b) => {
            out.push((format!("was a {}, now a {}", kind_word(a), kind_word(b)), true));
        }
        _ => {}
    }
    out
}

/// What changed in a struct's fields (matched by wire name).
fn field_changes(old: &Api, a: &Struct, new: &Api, b: &Struct) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let fields = |s: &Struct| -> BTreeMap<WireName, Field> { s.fields.iter().map(|f| (f.wire.clone(), f.clone())).collect() };
    let (was, now) = (fields(a), fields(b));
    for (wire, _) in was.iter().filter(|(w, _)| !now.contains_key(*w)) {
        out.push((format!("field `{wire}` removed"), true));
    }
    for (wire, f) in &now {
        let Some(g) = was.get(wire) else {
            let required = f.presence == Presence::Required;
            let what = if required { "required" } else { "optional" };
            // A required field is an argument of the type's `new`, so its signature
            // changes, whichever way the type travels; an optional one is only more
            // to read (struct literals are outside the semver promise, README).
            out.push((format!("field `{wire}` added ({what})"), required));
            continue;
        };
        let (t0, t1) = (old.rust_field_type(g), new.rust_field_type(f));
        let mut details = Vec::new();
        if g.required != f.required {
            details.push(if f.required { "now required" } else { "now optional" }.to_owned());
        }
        if g.nullable != f.nullable {
            details.push(if f.nullable { "now nullable" } else { "no longer nullable" }.to_owned());
        }
        if t0 != t1 {
            details.push(format!("type {t0} → {t1}"));
        }
        if details.is_empty() {
            continue;
        }
        // A different Rust type breaks code that reads or builds the field; a field
        // that becomes required or optional changes the arguments of `new`.
        let breaking = t0 != t1 || f.required != g.required;
        out.push((format!("field `{wire}`: {}", details.join(", ")), breaking));
    }
    out
}

/// How much the generated files change: files added, removed and changed, and lines added and
/// removed (each line counted by content, so moved lines count as neither).
pub fn size_change(old: &[GeneratedFile], new: &[GeneratedFile]) -> SizeChange {
    let old: BTreeMap<&str, &str> = old.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
    let new: BTreeMap<&str, &str> = new.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
    let mut size = SizeChange::default();
    let lines = |text: &str| -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for line in text.lines() {
            *counts.entry(line.to_owned()).or_insert(0) += 1;
        }
        counts
    };
    for path in old.keys().chain(new.keys()).collect::<BTreeSet<_>>() {
        let (a, b) = (old.get(path).copied().unwrap_or(""), new.get(path).copied().unwrap_or(""));
        match (old.contains_key(path), new.contains_key(path)) {
            (true, false) => size.files_removed += 1,
            (false, true) => size.files_added += 1,
            _ if a != b => size.files_changed += 1,
            _ => continue,
        }
        let (la, lb) = (lines(a), lines(b));
        for (line, n) in &lb {
            size.lines_added += n.saturating_sub(la.get(line).copied().unwrap_or(0));
        }
        for (line, n) in &la {
            size.lines_removed += n.saturating_sub(lb.get(line).copied().unwrap_or(0));
        }
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(breaking: &[bool]) -> Report {
        let change = |breaking: bool| Change {
            subject: Subject::Type,
            name: "contact".into(),
            rust: "Contact".into(),
            kind: ChangeKind::Changed,
            detail: String::new(),
            breaking,
        };
        Report {
            from: "a".into(),
            to: "b".into(),
            changes: breaking.iter().map(|b| change(*b)).collect(),
            generated: None,
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_proposed_version_follows_the_semver_policy() {
        assert_eq!(report(&[]).proposed_version("0.3.1").as_deref(), Some("0.3.1"));
        assert_eq!(report(&[false, false]).proposed_version("0.3.1").as_deref(), Some("0.3.2"));
        assert_eq!(report(&[false, true]).proposed_version("0.3.1").as_deref(), Some("0.4.0"));
        assert_eq!(report(&[true]).proposed_version("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(report(&[false]).proposed_version("1.2.3").as_deref(), Some("1.2.4"));
        assert_eq!(report(&[true]).proposed_version("1.2"), None);
    }
}
