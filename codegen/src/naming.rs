//! Every Rust name the generator emits is decided here.
//!
//! Type and variant names are heck's UpperCamelCase of the spec name; fields are snake_case.
//! Wire names that are symbols (`=`, `!=`, `~`) are spelled out; names that are keywords or
//! start with a digit are made legal. Collisions are resolved by [`Namespace`], which is
//! deterministic because names are claimed in spec order.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Words for symbols, so that `!=` becomes `NotEqual` and `~` becomes `Tilde`.
const SYMBOL_WORDS: &[(char, &str)] = &[
    ('=', "Equal"),
    ('!', "Not"),
    ('<', "Less"),
    ('>', "Greater"),
    ('~', "Tilde"),
    ('^', "Caret"),
    ('$', "Dollar"),
    ('*', "Star"),
    ('+', "Plus"),
    ('-', "Minus"),
    ('&', "And"),
    ('|', "Or"),
    ('%', "Percent"),
    ('@', "At"),
    ('#', "Hash"),
    ('/', "Slash"),
    ('.', "Dot"),
    (':', "Colon"),
    ('?', "Question"),
];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield",
];

/// Spells out a wire value that has no letters or digits (`!=` → `NotEqual`).
fn spell_symbols(wire: &str) -> Option<String> {
    if wire.chars().any(char::is_alphanumeric) {
        return None;
    }
    let mut out = String::new();
    for c in wire.chars() {
        match SYMBOL_WORDS.iter().find(|(s, _)| *s == c) {
            Some((_, word)) => out.push_str(word),
            None if c.is_whitespace() => {}
            None => out.push_str(&format!("U{:04X}", c as u32)),
        }
    }
    Some(if out.is_empty() { "Empty".to_owned() } else { out })
}

/// UpperCamelCase for a type or variant, always a legal identifier.
pub fn type_name(spec: &str) -> String {
    if let Some(spelled) = spell_symbols(spec) {
        return spelled;
    }
    let mut name = spec.to_upper_camel_case();
    name.retain(|c| c.is_alphanumeric() || c == '_');
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// snake_case for a field or module; keywords come back as raw identifiers (`r#type`),
/// except those that cannot be raw, which get a trailing underscore.
pub fn field_name(spec: &str) -> String {
    let base = match spell_symbols(spec) {
        Some(spelled) => spelled.to_snake_case(),
        None => spec.to_snake_case(),
    };
    let mut name: String = base.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if matches!(name.as_str(), "self" | "super" | "crate" | "_") {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// A cargo feature name for a tag: lower-case ASCII words joined by `-` (`AI Content` →
/// `ai-content`), never empty, never starting with a `-`.
pub fn feature_name(spec: &str) -> String {
    let kebab = spec.to_kebab_case();
    let mut name = String::new();
    for c in kebab.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    while name.ends_with('-') {
        name.pop();
    }
    if name.is_empty() { "tag".to_owned() } else { name }
}

/// The name as it appears in a module path or file name (no `r#`).
pub fn module_name(spec: &str) -> String {
    let name = field_name(spec);
    match name.strip_prefix("r#") {
        Some(bare) => format!("{bare}_"),
        None => name,
    }
}

/// The names Rust's prelude brings into every module (edition 2024, the generated crates'),
/// which no generated type, constant, operation or client group takes: emitted code writes
/// `Option`, `String` or `Result` as users do, and a user's `use models::*` shadows nothing
/// of std's. A schema that is called one of them is named with its kind's suffix
/// (`OptionSchema`).
pub const PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Whether `name` is one of [`PRELUDE`].
pub fn in_prelude(name: &str) -> bool {
    PRELUDE.contains(&name)
}

/// Why a name a namespace refused was taken, for a diagnostic: a prelude name, or an
/// earlier claim (`earlier`, say "by an earlier schema").
pub fn taken_by(name: &str, earlier: &str) -> String {
    if in_prelude(name) { "is a name of Rust's prelude, which generated code uses".to_owned() } else { format!("is taken {earlier}") }
}

/// The names to claim for `natural`: itself, and, should it be a prelude name, itself with
/// its kind's `suffix` (a clash with another item is numbered instead: `Contact2`).
pub fn candidates(natural: &str, suffix: &str) -> Vec<String> {
    if in_prelude(natural) { vec![natural.to_owned(), format!("{natural}{suffix}")] } else { vec![natural.to_owned()] }
}

/// A set of names in one scope, handing out unique ones in call order: the one way every
/// name the generator makes (types, modules, accessors, methods, features) is de-duplicated.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
    /// Between a clashing name and its number: none for Rust names (`Contact2`), `-` for
    /// cargo features (`contacts-2`).
    separator: &'static str,
}

impl Namespace {
    /// A namespace for types: the names of Rust's prelude are never handed out ([`PRELUDE`]).
    pub fn for_types() -> Namespace {
        let mut names = Namespace::default();
        names.reserve(PRELUDE.iter().copied());
        names
    }

    /// A namespace for cargo features, where a clash is numbered after a hyphen (`contacts-2`).
    pub fn for_features() -> Namespace {
        Namespace { separator: "-", ..Namespace::default() }
    }

    /// Takes each of `names` out of the namespace, so none is ever handed out.
    pub fn reserve<'n>(&mut self, names: impl IntoIterator<Item = &'n str>) {
        self.taken.extend(names.into_iter().map(str::to_owned));
    }

    /// Claims the first free name among `candidates`, then `last` with 2, 3, … appended.
    /// Returns the name and whether it differs from the first candidate.
    pub fn claim(&mut self, candidates: &[String]) -> (String, bool) {
        for candidate in candidates {
            if self.taken.insert(candidate.clone()) {
                return (candidate.clone(), candidate != &candidates[0]);
            }
        }
        let last = candidates.last().cloned().unwrap_or_else(|| "Value".to_owned());
        let mut n = 2;
        loop {
            let candidate = format!("{last}{}{n}", self.separator);
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_upper_camel() {
        assert_eq!(type_name("contact_list"), "ContactList");
        assert_eq!(type_name("Create Contact Request Payload"), "CreateContactRequestPayload");
        assert_eq!(type_name("conversation.list"), "ConversationList");
        assert_eq!(type_name("2fa"), "V2fa");
        assert_eq!(type_name("pt-BR"), "PtBr");
    }

    #[test]
    fn symbols_are_spelled_out() {
        assert_eq!(type_name("="), "Equal");
        assert_eq!(type_name("!="), "NotEqual");
        assert_eq!(type_name("!~"), "NotTilde");
        assert_eq!(type_name("<"), "Less");
        assert_eq!(type_name(""), "Empty");
    }

    #[test]
    fn fields_are_legal_snake_case() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("pt-BR"), "pt_br");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("createdAt"), "created_at");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(module_name("type"), "type_");
        assert_eq!(feature_name("AI Content"), "ai-content");
        assert_eq!(feature_name("Help Center"), "help-center");
        assert_eq!(feature_name("Ticket Type Attributes"), "ticket-type-attributes");
        assert_eq!(feature_name("Über — Ops"), "ber-ops");
        assert_eq!(feature_name("***"), "tag");
    }

    #[test]
    fn namespace_resolves_collisions_in_order() {
        let mut ns = Namespace::for_types();
        assert_eq!(ns.claim(&["TicketType".into()]), ("TicketType".into(), false));
        assert_eq!(ns.claim(&["TicketType".into(), "TicketTypeEnum".into()]), ("TicketTypeEnum".into(), true));
        assert_eq!(ns.claim(&["TicketType".into(), "TicketTypeEnum".into()]), ("TicketTypeEnum2".into(), true));
        // No type takes a prelude name: emitted code writes them short.
        assert_eq!(ns.claim(&candidates("String", "Value")), ("StringValue".into(), true));
        assert_eq!(ns.claim(&candidates("Contact", "Value")), ("Contact".into(), false));
        assert_eq!(ns.claim(&["Option".into()]), ("Option2".into(), true));
        assert!(taken_by("Option", "by an earlier schema").contains("prelude"));
        assert_eq!(taken_by("Contact", "by an earlier schema"), "is taken by an earlier schema");
    }
}
