//! Reviewed per-version fixes to an upstream description (`specs/overlays/<version>.toml`).
//!
//! An overlay is a list of RFC 6902 `add`, `replace` and `remove` operations, each with the
//! reason it exists. It is applied to the parsed document in memory; the pulled file is never
//! changed. A patch that no longer fits the document (its target is missing, or already there
//! for `add`) is an error, so an overlay cannot silently outlive the upstream bug it fixes.

use serde::Deserialize;
use serde_json::Value;

/// A version's overlay file: its patches, applied in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// The `[[patch]]` entries, in file order.
    #[serde(rename = "patch", default)]
    pub patches: Vec<OverlayPatch>,
}

/// One RFC 6902 operation and the reason it exists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayPatch {
    /// What the patch does at `path`.
    pub op: Op,
    /// A JSON pointer (RFC 6901) into the document, without the leading `#`.
    pub path: String,
    /// Why the fix is needed, as reviewed; shown in the generator's report.
    pub reason: String,
    /// The value to add or replace with (TOML, converted to JSON); none for `remove`.
    #[serde(default)]
    pub value: Option<toml::Value>,
    /// Set on a `replace` or `remove` that restructures a schema and so drops the examples
    /// inside it (the reason says why they go). Without it such a patch is refused, and a patch
    /// that points into an example is refused always: examples are evidence, never edited.
    #[serde(default)]
    pub drops_examples: bool,
}

/// An RFC 6902 operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Adds a value: a new object key, or an item inserted into an array (`-` appends).
    Add,
    /// Replaces a value that must exist.
    Replace,
    /// Removes a value that must exist.
    Remove,
}

/// A patch that was applied, for the generator's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What the patch did.
    pub op: Op,
    /// Where, as a URI fragment (`#/components/schemas/x`).
    pub pointer: String,
    /// The patch's reason, on one line.
    pub reason: String,
}

impl Overlay {
    /// Parses an overlay file's TOML text.
    pub fn parse(text: &str) -> Result<Overlay, String> {
        toml::from_str(text).map_err(|e| format!("not a valid overlay: {e}"))
    }

    /// Applies every patch in order. On failure nothing is reported as applied and the error
    /// names the patch.
    pub fn apply(&self, document: &mut Value) -> Result<Vec<Applied>, String> {
        let mut applied = Vec::with_capacity(self.patches.len());
        for (index, patch) in self.patches.iter().enumerate() {
            apply_one(document, patch).map_err(|why| format!("overlay patch #{} ({:?} {}): {why}", index + 1, patch.op, patch.path))?;
            applied.push(Applied {
                op: patch.op,
                pointer: format!("#{}", patch.path),
                reason: patch.reason.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
        Ok(applied)
    }
}

/// Examples are records of what the API sent or took: evidence, never edited to pass. A patch
/// may not point into one, and a `replace` or `remove` may not change or drop one that sits
/// inside what it replaces.
fn touches_an_example(document: &Value, patch: &OverlayPatch, new: Option<&Value>) -> Result<(), String> {
    const REFUSED: &str = "an overlay never edits an example (examples are evidence of what the API sent or took); \
                           make the crate decode it instead (a type fix, or a row in tests/examples-allowlist.toml)";
    let segments: Vec<&str> = patch.path.split('/').collect();
    if segments.windows(2).any(|w| is_example_key(w[0], w[1])) {
        return Err(REFUSED.into());
    }
    if patch.op == Op::Add {
        return Ok(());
    }
    let Some(old) = document.pointer(&patch.path) else { return Ok(()) };
    let new = if patch.op == Op::Remove { &Value::Null } else { new.unwrap_or(&Value::Null) };
    let mut kept = Vec::new();
    examples_within(old, String::new(), &mut kept);
    let dropped = kept.into_iter().find(|(at, example)| new.pointer(at) != Some(*example));
    match (dropped, patch.drops_examples) {
        (Some((at, _)), false) => Err(format!(
            "{REFUSED}; it changes the example at {}{at} (a patch that restructures a schema says so with \
             `drops_examples = true` and why in its reason)",
            patch.path
        )),
        (None, true) => Err("`drops_examples` is set, but the patch keeps every example; remove the flag".into()),
        _ => Ok(()),
    }
}

/// Whether `key`, found under `parent`, holds examples (and is not a property of that name).
fn is_example_key(parent: &str, key: &str) -> bool {
    (key == "example" || key == "examples") && parent != "properties"
}

/// Every example inside `value`, with its pointer relative to `value`.
fn examples_within<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            let parent = at.rsplit('/').next().unwrap_or("");
            for (key, child) in map {
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                if is_example_key(parent, key) {
                    out.push((pointer, child));
                } else {
                    examples_within(child, pointer, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                examples_within(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn apply_one(document: &mut Value, patch: &OverlayPatch) -> Result<(), String> {
    // The value as JSON, converted once: the example check and the operation both read it.
    let new = patch.value.as_ref().map(serde_json::to_value).transpose().map_err(|e| format!("its value is not JSON: {e}"))?;
    touches_an_example(document, patch, new.as_ref())?;
    let (parent_path, last) = split_pointer(&patch.path)?;
    let value = || new.clone().ok_or("the patch has no `value`");
    let parent = document.pointer_mut(&parent_path).ok_or_else(|| format!("the parent {parent_path} is not in the document"))?;
    match (patch.op, parent) {
        (Op::Add, Value::Object(map)) => {
            if map.contains_key(&last) {
                return Err("the target already exists upstream; the overlay is obsolete, remove this patch".into());
            }
            map.insert(last, value()?);
        }
        (Op::Replace, Value::Object(map)) => {
            let slot = map.get_mut(&last).ok_or("the target is not in the document; the overlay is obsolete")?;
            *slot = value()?;
        }
        (Op::Remove, Value::Object(map)) => {
            map.shift_remove(&last).ok_or("the target is not in the document; the overlay is obsolete")?;
        }
        (op, Value::Array(items)) => {
            let index = if last == "-" && op == Op::Add {
                items.len()
            } else {
                last.parse::<usize>().map_err(|_| format!("`{last}` is not an array index"))?
            };
            match op {
                Op::Add if index <= items.len() => items.insert(index, value()?),
                Op::Replace if index < items.len() => items[index] = value()?,
                Op::Remove if index < items.len() => {
                    items.remove(index);
                }
                _ => return Err(format!("index {index} is out of range")),
            }
        }
        _ => return Err("the parent is neither an object nor an array".into()),
    }
    Ok(())
}

fn split_pointer(pointer: &str) -> Result<(String, String), String> {
    if !pointer.starts_with('/') {
        return Err("the path must be a JSON pointer starting with `/`".into());
    }
    let cut = pointer.rfind('/').unwrap_or(0);
    let last = pointer[cut + 1..].replace("~1", "/").replace("~0", "~");
    Ok((pointer[..cut].to_owned(), last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> Overlay {
        Overlay::parse(text).unwrap()
    }

    #[test]
    fn adds_a_missing_schema_and_reports_it() {
        let mut doc = json!({"components": {"schemas": {"a": {}}}});
        let applied =
            overlay("[[patch]]\nop = \"add\"\npath = \"/components/schemas/b\"\nreason = \"missing\"\nvalue = { type = \"object\" }\n")
                .apply(&mut doc)
                .unwrap();
        assert_eq!(doc["components"]["schemas"]["b"], json!({"type": "object"}));
        assert_eq!(applied[0].pointer, "#/components/schemas/b");
    }

    #[test]
    fn an_add_whose_target_exists_is_obsolete() {
        let mut doc = json!({"components": {"schemas": {"a": {}}}});
        let err =
            overlay("[[patch]]\nop = \"add\"\npath = \"/components/schemas/a\"\nreason = \"r\"\nvalue = 1\n").apply(&mut doc).unwrap_err();
        assert!(err.contains("obsolete"), "{err}");
    }

    #[test]
    fn examples_are_never_edited() {
        let doc = json!({"s": {"type": "integer", "example": "12", "properties": {"example": {"type": "string"}}}});
        let refused = |text: &str| overlay(text).apply(&mut doc.clone()).unwrap_err();
        let err = refused("[[patch]]\nop = \"replace\"\npath = \"/s/example\"\nreason = \"r\"\nvalue = 12\n");
        assert!(err.contains("never edits an example"), "{err}");
        let err = refused("[[patch]]\nop = \"replace\"\npath = \"/s\"\nreason = \"r\"\nvalue = { type = \"string\" }\n");
        assert!(err.contains("/s/example"), "{err}");
        refused("[[patch]]\nop = \"remove\"\npath = \"/s\"\nreason = \"r\"\n");
        // A restructuring patch says that it drops examples, and only when it does.
        overlay("[[patch]]\nop = \"remove\"\npath = \"/s\"\nreason = \"r\"\ndrops_examples = true\n").apply(&mut doc.clone()).unwrap();
        let err = refused("[[patch]]\nop = \"remove\"\npath = \"/s/type\"\nreason = \"r\"\ndrops_examples = true\n");
        assert!(err.contains("remove the flag"), "{err}");
        refused("[[patch]]\nop = \"replace\"\npath = \"/s/example\"\nreason = \"r\"\nvalue = 12\ndrops_examples = true\n");
        // Retyping keeps the example; a property named `example` is not one.
        let mut fixed = doc.clone();
        overlay("[[patch]]\nop = \"replace\"\npath = \"/s/type\"\nreason = \"r\"\nvalue = \"string\"\n").apply(&mut fixed).unwrap();
        overlay("[[patch]]\nop = \"remove\"\npath = \"/s/properties/example\"\nreason = \"r\"\n").apply(&mut fixed).unwrap();
        overlay("[[patch]]\nop = \"replace\"\npath = \"/s\"\nreason = \"r\"\nvalue = { type = \"string\", example = \"12\" }\n")
            .apply(&mut fixed)
            .unwrap();
    }

    #[test]
    fn replace_and_remove_need_their_target() {
        let mut doc = json!({"a": {"b": 1}});
        let err = overlay("[[patch]]\nop = \"remove\"\npath = \"/a/c\"\nreason = \"r\"\n").apply(&mut doc).unwrap_err();
        assert!(err.contains("not in the document"), "{err}");
        overlay("[[patch]]\nop = \"replace\"\npath = \"/a/b\"\nreason = \"r\"\nvalue = 2\n").apply(&mut doc).unwrap();
        assert_eq!(doc, json!({"a": {"b": 2}}));
    }
}
