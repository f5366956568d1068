//! Helpers shared by the workspace-level tests.

use std::path::{Path, PathBuf};

use intercom_codegen::Workspace;
use intercom_codegen::pins::SOURCE_ENV;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The workspace, with the spec source from the environment. Panics with a message that says
/// how to make the pinned specs available when they cannot be had.
pub fn workspace() -> Workspace {
    let ws = Workspace::open(&root()).unwrap_or_else(|e| panic!("{e}"));
    for pin in &ws.pins.versions {
        if let Err(e) = ws.cache.ensure(&ws.pins, pin, &ws.source) {
            panic!(
                "this test needs the pinned Intercom OpenAPI descriptions and could not get them:\n{e}\n\
                 Run `cargo xtask specs pull` with network access, or set {SOURCE_ENV} to a local \
                 mirror (for example `{SOURCE_ENV}=../shared/intercom-openapi`)."
            );
        }
    }
    ws
}

use intercom_codegen::ir::{Api, Presence, TypeKind, TypeRef};
use serde_json::Value;

/// What encoding a decoded `value` of type `ty` must give back: the value itself, with every
/// scalar the runtime accepted in another shape written as the spec types it (`"5017691"` →
/// `5017691` for an integer; see `intercom_api_runtime::de`) and missing constants filled in;
/// and the JSON pointers of the scalars so converted. Undeclared keys stay: they round-trip.
pub fn expected_encoding(api: &Api, ty: &TypeRef, value: &Value) -> (Value, Vec<String>) {
    let mut converted = Vec::new();
    let expected = expect(api, ty, value, String::new(), &mut converted);
    (expected, converted)
}

/// The value the runtime's lenient decoding gives a scalar of type `ty`, when it differs from
/// `value` in shape (`"5017691"` → `5017691` for an integer): the runtime's own rules, read
/// back as JSON.
fn convert_scalar(ty: &TypeRef, value: &Value) -> Option<Value> {
    use intercom_api_runtime::de::lenient;
    let converted = match ty {
        TypeRef::Integer => lenient::<i64, _>(value).ok().map(Value::from),
        TypeRef::Number => lenient::<f64, _>(value).ok().and_then(serde_json::Number::from_f64).map(Value::Number),
        TypeRef::String => lenient::<String, _>(value).ok().map(Value::from),
        TypeRef::Boolean => lenient::<bool, _>(value).ok().map(Value::from),
        _ => None,
    }?;
    let same = match (&converted, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    };
    (!same).then_some(converted)
}

fn expect(api: &Api, ty: &TypeRef, value: &Value, at: String, converted: &mut Vec<String>) -> Value {
    if let Some(scalar) = convert_scalar(ty, value) {
        converted.push(at);
        return scalar;
    }
    match (ty, value) {
        (TypeRef::Nullable(inner), _) => expect(api, inner, value, at, converted),
        (TypeRef::List(inner), Value::Array(items)) => {
            Value::Array(items.iter().enumerate().map(|(i, v)| expect(api, inner, v, format!("{at}/{i}"), converted)).collect())
        }
        (TypeRef::Map(inner), Value::Object(map)) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), expect(api, inner, v, format!("{at}/{k}"), converted))).collect())
        }
        (TypeRef::Named(id), _) => match &api.get(*id).kind {
            TypeKind::Alias(target) => expect(api, target, value, at, converted),
            TypeKind::Struct(s) => {
                let Value::Object(map) = value else { return value.clone() };
                let mut out = serde_json::Map::new();
                for (key, v) in map {
                    let v = match s.fields.iter().find(|f| &f.wire == key) {
                        // Boxed fields hold named types, which are never scalars.
                        Some(field) => expect(api, &field.ty, v, format!("{at}/{key}"), converted),
                        None => v.clone(),
                    };
                    out.insert(key.clone(), v);
                }
                // Constants are filled in when missing: the re-encoded value has them.
                for field in s.fields.iter().filter(|f| f.presence == Presence::Constant && !map.contains_key(f.wire.as_str())) {
                    if let TypeRef::Named(c) = &field.ty {
                        if let TypeKind::Constant { value } = &api.get(*c).kind {
                            out.insert(field.wire.to_string(), Value::String(value.clone()));
                        }
                    }
                }
                Value::Object(out)
            }
            TypeKind::Union(union) => {
                let Value::Object(map) = value else { return value.clone() };
                let chosen = match &union.discriminator {
                    Some(property) => {
                        let tag = map.get(property).and_then(Value::as_str);
                        union.variants.iter().find(|v| v.tags.iter().any(|t| Some(t.as_str()) == tag))
                    }
                    // Untagged forms are tried in order: the first struct whose required
                    // fields are all present is the one serde picks.
                    None => union.variants.iter().find(|v| struct_fits(api, &v.ty, map)),
                };
                match chosen {
                    Some(variant) => expect(api, &variant.ty, value, at, converted),
                    None => value.clone(),
                }
            }
            TypeKind::Enum(_) | TypeKind::Constant { .. } => value.clone(),
        },
        _ => value.clone(),
    }
}

fn struct_fits(api: &Api, ty: &TypeRef, map: &serde_json::Map<String, Value>) -> bool {
    match ty {
        TypeRef::Nullable(inner) => struct_fits(api, inner, map),
        TypeRef::Named(id) => match &api.get(*id).kind {
            TypeKind::Alias(target) => struct_fits(api, target, map),
            TypeKind::Struct(s) => s.fields.iter().filter(|f| f.presence == Presence::Required).all(|f| map.contains_key(f.wire.as_str())),
            _ => false,
        },
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => true,
        _ => false,
    }
}
