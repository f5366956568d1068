//! Every example in each pinned spec decodes into its generated type, and encoding it back
//! gives the same JSON, keys the spec does not declare included, up to omitted nulls and the
//! scalars the runtime accepts losslessly in another shape (`"5017691"` for an integer is
//! encoded back as `5017691`; the test counts them). Examples that contradict their own spec are listed
//! with a reason in `tests/examples-allowlist.toml`; an entry that no longer fails is an error
//! too, so the list cannot go stale.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every version's generated checker, and `checker(module)`.
#[rustfmt::skip]
#[path = "../generated/examples.rs"]
mod versions;

/// The result of round-tripping one example.
type Outcome = Result<(), String>;

fn roundtrip<T: DeserializeOwned + Serialize + std::fmt::Debug>(value: &Value, expected: &Value) -> Outcome {
    let decoded: T = decode(value)?;
    if let Some(at) = union_fallback(&format!("{decoded:?}")) {
        return Err(format!("a union matched none of its forms and fell back to `Unknown`: …{at}…"));
    }
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("encoding failed: {e}"))?;
    match first_difference(expected, &encoded, String::new()) {
        None => Ok(()),
        Some(diff) => Err(format!("re-encoded JSON differs: {diff}")),
    }
}

fn roundtrip_lenient<T: for<'de> intercom_api_runtime::de::Lenient<'de> + Serialize>(value: &Value, expected: &Value) -> Outcome {
    let decoded: T = intercom_api_runtime::de::lenient(value).map_err(|e| format!("decoding failed: {e}"))?;
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("encoding failed: {e}"))?;
    match first_difference(expected, &encoded, String::new()) {
        None => Ok(()),
        Some(diff) => Err(format!("re-encoded JSON differs: {diff}")),
    }
}

/// Where a union's `Unknown` form holds a value, in a decoded value's `Debug` text: a
/// `serde_json::Value` inside `Unknown(…)` (a string enum's `Unknown("…")` is not one). An
/// example re-encodes the same through `Unknown`, so without this check a form that no
/// longer decodes its own example would pass unseen.
fn union_fallback(debug: &str) -> Option<&str> {
    const VALUES: [&str; 6] = ["Object {", "Array [", "String(", "Number(", "Bool(", "Null)"];
    debug.match_indices("Unknown(").find_map(|(at, pattern)| {
        let rest = &debug[at + pattern.len()..];
        VALUES.iter().any(|v| rest.starts_with(v)).then(|| {
            let end = (at + 80).min(debug.len());
            let end = (end..=debug.len()).find(|i| debug.is_char_boundary(*i)).unwrap_or(debug.len());
            &debug[at..end]
        })
    })
}

/// Decodes from the example's JSON text, as the client decodes a body (undeclared values are
/// kept through serde_json's raw text then, not through a `Value`).
fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    let text = serde_json::to_string(value).map_err(|e| format!("the example does not encode: {e}"))?;
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text))
        .map_err(|e| format!("decoding failed at `{}`: {}", e.path(), e.inner()))
}

/// Where two JSON values differ, ignoring object entries whose value is `null` and treating
/// numbers as equal when they are numerically equal.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let (va, vb) = (x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null));
                if let Some(d) = first_difference(va, vb, format!("{at}/{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (va, vb))| first_difference(va, vb, format!("{at}/{i}")))
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
        _ if a == b => None,
        _ => Some(format!("at `{at}`: example has {}, re-encoded has {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    // The last char boundary at or before byte 80 (`str::floor_char_boundary` is newer than the MSRV).
    let end = (0..=80.min(s.len())).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
    if s.len() > 80 { format!("{}…", &s[..end]) } else { s }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowList {
    #[serde(default, rename = "allow")]
    entries: Vec<Allowed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Allowed {
    version: String,
    pointer: String,
    reason: String,
}

#[test]
fn every_spec_example_round_trips_through_its_generated_type() {
    let ws = intercom_tests::workspace();
    let allow_path = intercom_tests::root().join("tests/examples-allowlist.toml");
    let allow: AllowList =
        toml::from_str(&std::fs::read_to_string(&allow_path).expect("read the allow-list")).expect("parse the allow-list");
    let mut allowed: BTreeMap<(String, String), &Allowed> = BTreeMap::new();
    for entry in &allow.entries {
        assert!(!entry.reason.trim().is_empty(), "allow-list entry {} has no reason", entry.pointer);
        allowed.insert((entry.version.clone(), entry.pointer.clone()), entry);
    }

    let mut problems = Vec::new();
    for pin in &ws.pins.versions {
        let check = versions::checker(&pin.module)
            .unwrap_or_else(|| panic!("no example checker is generated for version module {}: run `cargo xtask regenerate`", pin.module));
        let lowered = ws.lower_version(pin).unwrap_or_else(|e| panic!("{e}"));
        let api = &lowered.api;
        let (mut passed, mut excused, mut converted) = (0, 0, 0);
        for example in &api.examples {
            let key = api.rust_type(&example.ty);
            let (expected, scalars) = intercom_tests::expected_encoding(api, &example.ty, &example.value);
            converted += scalars.len();
            let outcome = check(&key, &example.value, &expected).unwrap_or_else(|| {
                Err(format!("no checker arm for type {key}: the example checker is stale, run `cargo xtask regenerate`"))
            });
            let allowed_here = allowed.remove(&(pin.id.clone(), example.pointer.to_string()));
            match (outcome, allowed_here) {
                (Ok(()), None) => passed += 1,
                (Err(_), Some(_)) => excused += 1,
                (Err(why), None) => problems.push(format!("{} {} ({key}): {why}", pin.id, example.pointer)),
                (Ok(()), Some(_)) => {
                    problems.push(format!("{} {} now round-trips: remove it from tests/examples-allowlist.toml", pin.id, example.pointer))
                }
            }
        }
        println!(
            "examples {}: {} checked, {} round-trip, {} allow-listed as contradicting the spec; {} scalars decoded from another shape",
            pin.id,
            api.examples.len(),
            passed,
            excused,
            converted
        );
    }
    for ((version, pointer), _) in allowed {
        problems.push(format!("allow-list entry {version} {pointer} matches no example in the spec"));
    }
    assert!(problems.is_empty(), "{} example problem(s):\n{}", problems.len(), problems.join("\n"));
}
