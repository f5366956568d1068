//! Valid inputs for an operation, taken from the spec's examples.
//!
//! The contract tests call every operation once with these. Many of Intercom's request
//! examples break their own schema (an integer where a string is declared, a required property
//! left out, a value outside its enum); a mock server that validates requests rejects those.
//! [`Sampler::conform`] keeps everything of an example that fits and repairs the rest from the
//! schema, recording each repair so the report says how far the examples were from valid.
//!
//! Samples are built when the harness is emitted, from the IR (which parameters and body an
//! operation takes, and the pointer to where the spec declares each) and the spec document;
//! the product's IR holds none of them.

use std::collections::BTreeSet;

use openapiv3::{MediaType, OpenAPI, ParameterData, ParameterSchemaOrContent, ReferenceOr, Schema};
use serde_json::{Map, Value};

use crate::ir::{Operation, Param};
use crate::spec::{Node, SchemaView};

/// An operation's sample: valid inputs (field name → JSON value), and how they were repaired.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// The required parameters, and the body when it is required or the spec shows one, by the
    /// name serde gives their field; an operation decodes from it.
    pub values: Map<String, Value>,
    /// How the values had to be repaired where the spec's examples break their schema.
    pub repairs: Vec<String>,
}

/// The sample of `op`: its required parameters (declared ones in order, then the path
/// parameters the spec does not declare) and its body, from the examples where the spec
/// declares them (`Param::pointer`, `Body::pointer`).
pub fn operation_sample(openapi: &OpenAPI, op: &Operation) -> Sample {
    let mut sampler = Sampler::new(openapi);
    let mut values = Map::new();
    let declared = op.params.iter().filter(|p| p.required && p.pointer.is_some());
    let undeclared = op.params.iter().filter(|p| p.required && p.pointer.is_none());
    for param in declared.chain(undeclared) {
        let value = match param.pointer.as_deref().and_then(|at| parameter_at(openapi, at)) {
            Some(data) => param_value(&mut sampler, data, param),
            None => Value::String("example".to_owned()),
        };
        values.insert(serde_name(&param.name), value);
    }
    if let Some(body) = &op.body {
        if let Some((content, schema)) = media_type_at(openapi, &body.pointer).and_then(|m| m.schema.as_ref().map(|s| (m, s))) {
            let example = content.example.clone().or_else(|| first_example(content.examples.values()));
            // An optional body is sent too when the spec shows one, so it is exercised.
            if body.required || example.is_some() {
                let value = sampler.conform(Node::from(schema), example.as_ref(), "body");
                values.insert(serde_name(&body.name), value);
            }
        }
    }
    Sample { values, repairs: sampler.repairs }
}

/// A declared parameter's value: its example made valid for its schema, or the example as it
/// is when the parameter has no schema (`content`).
fn param_value<'a>(sampler: &mut Sampler<'a>, data: &'a ParameterData, param: &Param) -> Value {
    let example = data.example.clone().or_else(|| first_example(data.examples.values()));
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => sampler.conform(Node::from(schema), example.as_ref(), &param.wire),
        ParameterSchemaOrContent::Content(_) => example.unwrap_or_else(|| Value::String("example".to_owned())),
    }
}

/// The value of the first of `examples` that has one inline.
fn first_example<'x>(mut examples: impl Iterator<Item = &'x ReferenceOr<openapiv3::Example>>) -> Option<Value> {
    examples.find_map(|e| e.as_item().and_then(|e| e.value.clone()))
}

/// The name serde gives a field (`r#type` → `type`): samples are decoded into operations.
fn serde_name(field: &str) -> String {
    field.trim_start_matches("r#").to_owned()
}

/// The reference tokens of a JSON pointer written as a URI fragment, unescaped (RFC 6901).
fn tokens(pointer: &str) -> Vec<String> {
    let Some(rest) = pointer.strip_prefix("#/") else { return Vec::new() };
    rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// The operation object at `#/paths/<path>/<method>`.
fn operation_at<'a>(openapi: &'a OpenAPI, path: &str, method: &str) -> Option<&'a openapiv3::Operation> {
    let item = openapi.paths.paths.get(path)?.as_item()?;
    item.iter().find(|(m, _)| *m == method).map(|(_, op)| op)
}

/// The parameter object at a pointer lowering recorded: under `#/components/parameters`, or in
/// the `parameters` of a path item or an operation.
fn parameter_at<'a>(openapi: &'a OpenAPI, pointer: &str) -> Option<&'a ParameterData> {
    let tokens = tokens(pointer);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let param = match tokens.as_slice() {
        ["components", "parameters", key] => openapi.components.as_ref()?.parameters.get(*key)?,
        ["paths", path, "parameters", i] => openapi.paths.paths.get(*path)?.as_item()?.parameters.get(i.parse::<usize>().ok()?)?,
        ["paths", path, method, "parameters", i] => operation_at(openapi, path, method)?.parameters.get(i.parse::<usize>().ok()?)?,
        _ => return None,
    };
    param.as_item().map(openapiv3::Parameter::parameter_data_ref)
}

/// The media type object of a request body at a pointer lowering recorded: under
/// `#/components/requestBodies`, or an operation's `requestBody`.
fn media_type_at<'a>(openapi: &'a OpenAPI, pointer: &str) -> Option<&'a MediaType> {
    let tokens = tokens(pointer);
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let (body, media) = match tokens.as_slice() {
        ["components", "requestBodies", name, "content", media] => (openapi.components.as_ref()?.request_bodies.get(*name)?, *media),
        ["paths", path, method, "requestBody", "content", media] => (operation_at(openapi, path, method)?.request_body.as_ref()?, *media),
        _ => return None,
    };
    body.as_item()?.content.get(media)
}

/// An alternative's properties, its required names, and whether it admits no others.
type Shape<'a> = (Vec<(String, Node<'a>)>, BTreeSet<String>, bool);

/// How deep synthesized values go before recursion is cut with an empty value.
const MAX_DEPTH: usize = 12;

/// Makes an operation's sample values valid against their schemas, noting each repair.
pub struct Sampler<'a> {
    openapi: &'a OpenAPI,
    /// The repairs made so far, one line each naming the value; they become
    /// [`Sample::repairs`].
    pub repairs: Vec<String>,
}

impl<'a> Sampler<'a> {
    /// A sampler for the schemas of `openapi`, with no repairs yet.
    pub fn new(openapi: &'a OpenAPI) -> Sampler<'a> {
        Sampler { openapi, repairs: Vec::new() }
    }

    /// `value` made valid for `node`, or a value synthesized from the schema (its own
    /// example first) when there is none. `at` names the value in repair notes.
    pub fn conform(&mut self, node: Node<'a>, value: Option<&Value>, at: &str) -> Value {
        self.conform_at(node, value, at, 0)
    }

    fn repair(&mut self, at: &str, what: String) {
        self.repairs.push(format!("`{at}`: {what}"));
    }

    /// Whether `value` fits `node` without repairs.
    fn fits(&self, node: Node<'a>, value: &Value, depth: usize) -> bool {
        let mut probe = Sampler { openapi: self.openapi, repairs: Vec::new() };
        probe.conform_at(node, Some(value), "", depth);
        probe.repairs.is_empty()
    }

    fn conform_at(&mut self, node: Node<'a>, value: Option<&Value>, at: &str, depth: usize) -> Value {
        let Some(schema) = node.resolve(self.openapi) else { return value.cloned().unwrap_or(Value::Null) };
        let view = SchemaView::of(schema);
        if depth > MAX_DEPTH {
            return value.cloned().unwrap_or_else(|| empty_of(&view));
        }
        // No value given: start from the schema's own example, which may need repairs too.
        let own_example;
        let value = match value {
            Some(v) => Some(v),
            None => {
                own_example = schema.schema_data.example.clone();
                own_example.as_ref()
            }
        };
        if value.is_some_and(Value::is_null) && schema.schema_data.nullable {
            return Value::Null;
        }
        if !view.enumeration.is_empty() {
            if let Some(v) = value.filter(|v| view.enumeration.contains(v)) {
                return v.clone();
            }
            let first = view.enumeration.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null);
            if let Some(v) = value {
                self.repair(at, format!("{v} is not one of the enum's values; using {first}"));
            }
            return first;
        }
        let alternatives: Vec<Node<'a>> = view.one_of.iter().chain(view.any_of).map(Node::from).collect();
        if !alternatives.is_empty() && !view.has_properties() {
            if let Some(v) = value {
                if let Some(fit) = alternatives.iter().find(|alt| self.fits(**alt, v, depth + 1)) {
                    return self.conform_at(*fit, Some(v), at, depth + 1);
                }
            }
            let first = alternatives.iter().copied().find(|alt| !only_required(*alt, self.openapi)).unwrap_or(alternatives[0]);
            return self.conform_at(first, value, at, depth + 1);
        }
        // `properties` on a `type: string` schema (a spec slip) do not make it an object.
        if matches!(view.ty, None | Some("object")) && (!view.all_of.is_empty() || view.has_properties() || view.ty == Some("object")) {
            return self.object(schema, value, at, depth);
        }
        match view.ty {
            Some("string") => self.string(&view, value, at),
            Some("integer") => self.integer(value, at),
            Some("number") => self.number(value, at),
            Some("boolean") => self.boolean(value, at),
            Some("array") => self.array(&view, value, at, depth),
            _ => value.cloned().unwrap_or_else(|| Value::String("example".to_owned())),
        }
    }

    /// `value` as an integer: a number, or a string or float read as one.
    fn integer(&mut self, value: Option<&Value>, at: &str) -> Value {
        match value {
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Value::Number(n.clone()),
            Some(v) => {
                let parsed = v.as_str().and_then(|s| s.trim().parse::<i64>().ok()).or_else(|| v.as_f64().map(|f| f as i64));
                let fixed = parsed.unwrap_or(1);
                self.repair(at, format!("{v} is not an integer; using {fixed}"));
                Value::from(fixed)
            }
            None => Value::from(1),
        }
    }

    /// `value` as a number: a number, or a string read as one.
    fn number(&mut self, value: Option<&Value>, at: &str) -> Value {
        match value {
            Some(Value::Number(n)) => Value::Number(n.clone()),
            Some(v) => {
                let fixed = v.as_str().and_then(|s| s.trim().parse::<f64>().ok()).unwrap_or(1.0);
                self.repair(at, format!("{v} is not a number; using {fixed}"));
                Value::from(fixed)
            }
            None => Value::from(1),
        }
    }

    /// `value` as a boolean: a boolean, or the string `"true"`.
    fn boolean(&mut self, value: Option<&Value>, at: &str) -> Value {
        match value {
            Some(Value::Bool(b)) => Value::Bool(*b),
            Some(v) => {
                let fixed = v.as_str() == Some("true");
                self.repair(at, format!("{v} is not a boolean; using {fixed}"));
                Value::Bool(fixed)
            }
            None => Value::Bool(true),
        }
    }

    /// `value` as an array of `view`'s items, each conformed; a single value is wrapped.
    fn array(&mut self, view: &SchemaView<'a>, value: Option<&Value>, at: &str, depth: usize) -> Value {
        let Some(items) = view.items else { return value.cloned().unwrap_or(Value::Array(Vec::new())) };
        match value {
            Some(Value::Array(values)) => Value::Array(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.conform_at(Node::from(items), Some(v), &format!("{at}[{i}]"), depth + 1))
                    .collect(),
            ),
            Some(v) => {
                self.repair(at, format!("{} is not an array; wrapping it", short(v)));
                Value::Array(vec![self.conform_at(Node::from(items), Some(v), &format!("{at}[0]"), depth + 1)])
            }
            None => Value::Array(vec![self.conform_at(Node::from(items), None, &format!("{at}[0]"), depth + 1)]),
        }
    }

    fn string(&mut self, view: &SchemaView<'_>, value: Option<&Value>, at: &str) -> Value {
        let format = view.format.unwrap_or("");
        // A file: the generated type holds bytes, which serde reads from an array of numbers.
        // The sample file is an empty JSON array.
        if view.binary {
            return Value::Array(b"[]".iter().map(|b| Value::from(*b)).collect());
        }
        let text = match value {
            Some(Value::String(s)) => s.clone(),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                self.repair(at, format!("{v} is not a string; using \"{v}\""));
                v.to_string()
            }
            Some(v) => {
                self.repair(at, format!("{} is not a string; using an example string", short(v)));
                return Value::String(string_for(format).to_owned());
            }
            None => return Value::String(string_for(format).to_owned()),
        };
        if fits_format(format, &text) {
            Value::String(text)
        } else {
            let fixed = string_for(format);
            self.repair(at, format!("{text:?} is not a valid `{format}`; using {fixed:?}"));
            Value::String(fixed.to_owned())
        }
    }

    fn object(&mut self, schema: &'a Schema, value: Option<&Value>, at: &str, depth: usize) -> Value {
        let mut properties = Vec::new();
        let mut required = BTreeSet::new();
        let mut closed = false;
        gather(Node::Inline(schema), self.openapi, &mut properties, &mut required, &mut closed, 0);
        let given_keys: BTreeSet<String> = match value {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            _ => BTreeSet::new(),
        };
        // Properties next to `oneOf`/`anyOf` alternatives (`anyOf: [{required: [email]}, …]`):
        // the value must satisfy one alternative too; take the one it is closest to.
        let view = SchemaView::of(schema);
        let alternatives: Vec<Node<'a>> = view.one_of.iter().chain(view.any_of).map(Node::from).collect();
        let shapes: Vec<Shape<'a>> = alternatives
            .iter()
            .map(|alt| {
                let (mut props, mut req, mut closed) = (Vec::new(), BTreeSet::new(), false);
                gather(*alt, self.openapi, &mut props, &mut req, &mut closed, 1);
                (props, req, closed)
            })
            .collect();
        if let Some((props, req, alt_closed)) = shapes.into_iter().min_by_key(|(_, req, _)| req.difference(&given_keys).count()) {
            for (name, node) in props {
                if !properties.iter().any(|(n, _)| *n == name) {
                    properties.push((name, node));
                }
            }
            required.extend(req);
            closed |= alt_closed;
        }
        let given = match value {
            Some(Value::Object(map)) => map.clone(),
            Some(v) => {
                self.repair(at, format!("{} is not an object; building one", short(v)));
                Map::new()
            }
            None => Map::new(),
        };
        let mut out = Map::new();
        for (key, v) in &given {
            let child = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
            match properties.iter().find(|(name, _)| name == key) {
                Some((_, node)) => {
                    let fixed = self.conform_at(*node, Some(v), &child, depth + 1);
                    out.insert(key.clone(), fixed);
                }
                None if closed => self.repair(&child, "is not a declared property; dropping it".to_owned()),
                None => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        for name in &required {
            if out.contains_key(name) {
                continue;
            }
            let Some((_, node)) = properties.iter().find(|(n, _)| n == name) else { continue };
            let child = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
            if value.is_some() {
                self.repair(&child, "the required property is missing; adding one".to_owned());
            }
            let made = self.conform_at(*node, None, &child, depth + 1);
            out.insert(name.clone(), made);
        }
        Value::Object(out)
    }
}

/// The properties and required names of an object schema, across `allOf`.
fn gather<'a>(
    node: Node<'a>,
    openapi: &'a OpenAPI,
    properties: &mut Vec<(String, Node<'a>)>,
    required: &mut BTreeSet<String>,
    closed: &mut bool,
    depth: usize,
) {
    let Some(schema) = node.resolve(openapi) else { return };
    if depth > MAX_DEPTH {
        return;
    }
    let view = SchemaView::of(schema);
    for part in view.all_of {
        gather(Node::from(part), openapi, properties, required, closed, depth + 1);
    }
    if let Some(own) = view.properties {
        for (name, prop) in own {
            if !properties.iter().any(|(n, _)| n == name) {
                properties.push((name.clone(), Node::from(prop)));
            }
        }
    }
    required.extend(view.required.iter().cloned());
    if matches!(view.additional, Some(openapiv3::AdditionalProperties::Any(false))) {
        *closed = true;
    }
}

/// An alternative that only lists required properties (`anyOf: [{required: [email]}]`).
fn only_required(node: Node<'_>, openapi: &OpenAPI) -> bool {
    node.resolve(openapi).is_some_and(|s| {
        let v = SchemaView::of(s);
        v.ty.is_none() && !v.has_properties() && !v.required.is_empty()
    })
}

fn empty_of(view: &SchemaView<'_>) -> Value {
    match view.ty {
        Some("array") => Value::Array(Vec::new()),
        Some("string") => Value::String(String::new()),
        Some("integer" | "number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        _ => Value::Object(Map::new()),
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 40 { format!("{}…", &text[..text.char_indices().nth(40).map_or(text.len(), |(i, _)| i)]) } else { text }
}

/// A string that is valid for `format`.
fn string_for(format: &str) -> &'static str {
    match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        _ => "example",
    }
}

/// Whether `text` is valid for `format`, as strictly as a validating mock server checks it.
fn fits_format(format: &str, text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 3 && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2 && parts.iter().all(|p| digits(p))
    };
    match format {
        "date" => date(text),
        "date-time" => {
            let Some((d, t)) = text.split_once(['T', 't']) else { return false };
            let zone_ok = t.ends_with(['Z', 'z']) || t.rfind(['+', '-']).is_some_and(|i| i >= 8);
            date(d)
                && t.len() >= 8
                && t.as_bytes()[..8].iter().enumerate().all(|(i, b)| if i == 2 || i == 5 { *b == b':' } else { b.is_ascii_digit() })
                && zone_ok
        }
        "email" => text.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !text.contains(' ')),
        "uri" | "url" => text.split_once("://").is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty() && !text.contains(' ')),
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_checked_like_a_validating_server() {
        assert!(fits_format("date-time", "2024-01-01T00:00:00Z"));
        assert!(fits_format("date-time", "2024-01-01T00:00:00+02:00"));
        assert!(!fits_format("date-time", "1663597260"));
        assert!(!fits_format("email", "not an email"));
        assert!(fits_format("uuid", "123e4567-e89b-12d3-a456-426614174000"));
        assert!(!fits_format("uuid", "abc"));
        assert!(fits_format("whatever", "x"));
    }
}
