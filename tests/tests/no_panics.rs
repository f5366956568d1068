//! Property tests: the generator never panics, and whatever it emits parses with `syn` and
//! formats with `prettyplease` (emission does both and returns an error otherwise).
//!
//! - Mutated copies of the real specs: the pinned 2.7 description (overlay applied) with a few
//!   random edits: nodes removed, replaced by values of another type, `$ref`s broken or turned
//!   into cycles, names given symbols and keywords.
//! - Random small specs: schemas built from every construct the generator knows (objects,
//!   enums of words and symbols, nullable, `oneOf`/`anyOf`/`allOf`, `$ref`s between
//!   components, maps, arrays) with names that collide and are not identifiers, and operations
//!   that use them.
//!
//! Case counts are bounded for CI (`PROPTEST_CASES` raises them). A failure is shrunk by
//! proptest and saved under `tests/proptest-regressions/`, which is committed and replayed
//! first on every run.

use std::sync::OnceLock;

use intercom_codegen::{emit, lower_bytes};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Lowers and emits; panics (failing the property) only when emission returns an error, which
/// means the generator produced Rust that does not parse.
fn generate(document: &Value) {
    let bytes = serde_json::to_vec(document).expect("JSON");
    if let Ok(lowered) = lower_bytes(&bytes, None, "prop", None) {
        let header = emit::rust_header("proptest", "");
        if let Err(message) = emit::version_crate(&lowered.api, emit::CrateSetup::member("prop"), &header, &header) {
            panic!("emitted code does not parse: {message}");
        }
    }
}

/// The bounded case count CI runs, unless `PROPTEST_CASES` asks for another.
fn cases(ci: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(ci)
}

// ---- mutated real specs ---------------------------------------------------------------

fn real_spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let ws = intercom_tests::workspace();
        let pin = ws.pins.get("2.7").expect("2.7 is pinned");
        ws.effective_document(pin).unwrap_or_else(|e| panic!("{e}"))
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    BreakRef,
    SelfRef,
    RenameKey(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Mostly replacements that keep an OpenAPI document (so emission is exercised); the edits
    // that make it invalid (dangling or cyclic `$ref`s, removed components) less often.
    prop_oneof![
        1 => Just(Mutation::Remove),
        6 => prop_oneof![
            Just(Value::Null),
            Just(json!(42)),
            Just(json!("text")),
            Just(json!([])),
            Just(json!({})),
            Just(json!({"type": "array"})),
            Just(json!({"oneOf": []})),
            Just(json!({"enum": ["=", "!=", "<", "~"]})),
            Just(json!({"type": "object", "nullable": true, "properties": {"type": {"type": "string", "enum": ["a"]}}})),
            Just(json!({"allOf": [{"$ref": "#/components/schemas/contact"}, {"type": "object", "properties": {"x": {"type": "integer"}}}]})),
            Just(json!({"anyOf": [{"$ref": "#/components/schemas/contact"}, {"required": ["id"]}]})),
            Just(json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/admin"}})),
            Just(json!({"type": "string", "format": "date-time", "nullable": true})),
        ]
        .prop_map(Mutation::Replace),
        1 => Just(Mutation::BreakRef),
        1 => Just(Mutation::SelfRef),
        1 => prop_oneof![Just("type"), Just("Self"), Just("1st value"), Just("a-b c"), Just("ü"), Just("")].prop_map(|s| Mutation::RenameKey(s.to_owned())),
    ]
}

/// Walks the schemas: a component, then into properties, items, `additionalProperties` and
/// alternatives, stopping where `choices` say; returns the path to a schema node.
fn pick_schema(document: &Value, choices: &[usize]) -> Vec<String> {
    let schemas = &document["components"]["schemas"];
    let Some(map) = schemas.as_object().filter(|m| !m.is_empty()) else { return Vec::new() };
    let Some((&first, rest)) = choices.split_first() else { return Vec::new() };
    let (name, mut node) = map.iter().nth(first % map.len()).expect("in range");
    let mut path = vec!["components".to_owned(), "schemas".to_owned(), name.clone()];
    for &choice in rest {
        let mut children: Vec<(Vec<String>, &Value)> = Vec::new();
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            children.extend(props.iter().map(|(k, v)| (vec!["properties".to_owned(), k.clone()], v)));
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = node.get(key).filter(|c| c.is_object()) {
                children.push((vec![key.to_owned()], child));
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for (i, child) in node.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
                children.push((vec![key.to_owned(), i.to_string()], child));
            }
        }
        if children.is_empty() || choice % (children.len() + 1) == children.len() {
            break;
        }
        let (steps, child) = children.swap_remove(choice % (children.len() + 1));
        path.extend(steps);
        node = child;
    }
    path
}

/// Walks from the root, taking the child at `choices[i] % len` at each level, and returns
/// the path of object keys / array indices to the node reached.
fn pick_path(root: &Value, choices: &[usize]) -> Vec<String> {
    let mut path = Vec::new();
    let mut node = root;
    for &choice in choices {
        let next = match node {
            Value::Object(map) if !map.is_empty() => {
                let (key, child) = map.iter().nth(choice % map.len()).expect("in range");
                path.push(key.clone());
                child
            }
            Value::Array(items) if !items.is_empty() => {
                let i = choice % items.len();
                path.push(i.to_string());
                &items[i]
            }
            _ => break,
        };
        node = next;
    }
    path
}

fn apply(document: &mut Value, path: &[String], mutation: &Mutation) {
    let Some((last, parent_path)) = path.split_last() else { return };
    let mut parent = &mut *document;
    for step in parent_path {
        parent = match parent {
            Value::Object(map) => map.get_mut(step).expect("picked"),
            Value::Array(items) => &mut items[step.parse::<usize>().expect("index")],
            _ => return,
        };
    }
    let self_pointer = format!("#/{}", path.iter().map(|p| p.replace('~', "~0").replace('/', "~1")).collect::<Vec<_>>().join("/"));
    match (parent, mutation) {
        (Value::Object(map), Mutation::Remove) => {
            map.remove(last);
        }
        (Value::Array(items), Mutation::Remove) => {
            items.remove(last.parse::<usize>().expect("index"));
        }
        (Value::Object(map), Mutation::RenameKey(new)) => {
            if let Some(v) = map.remove(last) {
                map.insert(new.clone(), v);
            }
        }
        (parent, mutation) => {
            let slot = match parent {
                Value::Object(map) => map.get_mut(last).expect("picked"),
                Value::Array(items) => &mut items[last.parse::<usize>().expect("index")],
                _ => return,
            };
            *slot = match mutation {
                Mutation::Replace(v) => v.clone(),
                Mutation::BreakRef => json!({"$ref": "#/components/schemas/does_not_exist"}),
                Mutation::SelfRef => json!({"$ref": self_pointer}),
                Mutation::Remove | Mutation::RenameKey(_) => return,
            };
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_specs_never_break_the_generator(
        edits in prop::collection::vec((prop::bool::weighted(0.85), prop::collection::vec(any::<usize>(), 1..9), mutation()), 1..4)
    ) {
        let mut document = real_spec().clone();
        for (in_schemas, choices, mutation) in &edits {
            // Most edits land in the schemas, where a document stays an OpenAPI document and
            // the generator's typing decisions are exercised; the rest go anywhere.
            let (path, mutation) = if *in_schemas {
                // A schema is replaced by another schema, not by a bare value.
                let mutation = match mutation {
                    Mutation::Replace(v) if !v.is_object() => Mutation::Replace(json!({"nullable": true})),
                    other => other.clone(),
                };
                (pick_schema(&document, choices), mutation)
            } else {
                (pick_path(&document, choices), mutation.clone())
            };
            apply(&mut document, &path, &mutation);
        }
        generate(&document);
    }
}

// ---- random small specs -----------------------------------------------------------------

const COMPONENTS: &[&str] = &["contact", "Contact", "ticket.type", "ticket_type", "type", "Self", "2nd", "a b"];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["id", "type", "name", "Type", "self", "r#", "", "=", "!=", "1", "a-b", "a b", "new", "value"])
            .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean"]).prop_map(|t| json!({"type": t})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({"type": "string", "format": "date-time", "nullable": true})),
        prop::collection::vec(name(), 1..4).prop_map(|values| json!({"type": "string", "enum": values})),
        prop::sample::select(COMPONENTS.to_vec()).prop_map(|c| json!({"$ref": format!("#/components/schemas/{c}")})),
        Just(json!({})),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (prop::collection::btree_map(name(), inner.clone(), 0..4), prop::collection::vec(name(), 0..3), any::<bool>()).prop_map(
                |(properties, required, nullable)| {
                    json!({"type": "object", "properties": properties, "required": required, "nullable": nullable})
                }
            ),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            inner.clone().prop_map(|value| json!({"type": "object", "additionalProperties": value})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|forms| json!({"oneOf": forms})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|forms| json!({"anyOf": forms})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|parts| json!({"allOf": parts})),
            (inner, name()).prop_map(|(discriminated, tag)| json!({
                "oneOf": [discriminated], "discriminator": {"propertyName": tag}
            })),
        ]
    })
}

fn small_spec() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(schema(), COMPONENTS.len()),
        prop::collection::vec((name(), prop::option::of(schema()), schema(), any::<bool>()), 0..4),
    )
        .prop_map(|(schemas, operations)| {
            let components: Map<String, Value> = COMPONENTS.iter().map(|c| (*c).to_owned()).zip(schemas).collect();
            let mut paths = Map::new();
            for (i, (id, body, response, with_id)) in operations.into_iter().enumerate() {
                let path = if with_id { format!("/things{i}/{{id}}") } else { format!("/things{i}") };
                let mut op = json!({"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}});
                if !id.is_empty() {
                    op["operationId"] = json!(id);
                }
                if let Some(body) = body {
                    op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": body}}});
                }
                op["parameters"] = json!([{"name": "per_page", "in": "query", "schema": {"type": "integer"}}]);
                paths.insert(path, json!({"post": op}));
            }
            json!({
                "openapi": "3.0.3",
                "info": {"title": "random", "version": "1"},
                "paths": paths,
                "components": {"schemas": components},
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn random_small_specs_never_break_the_generator(document in small_spec()) {
        generate(&document);
    }
}
