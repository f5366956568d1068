//! Helpers shared by the workspace-level tests.

use std::path::{Path, PathBuf};

use intercom_codegen::pins::SOURCE_ENV;
use intercom_codegen::Workspace;

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

/// `value` without the object keys that the generated type for `ty` does not declare (the
/// spec's schemas allow additional properties; the generated structs ignore them), and the
/// JSON pointers of the keys removed.
pub fn without_undeclared(api: &Api, ty: &TypeRef, value: &Value) -> (Value, Vec<String>) {
    let mut dropped = Vec::new();
    let pruned = prune(api, ty, value, String::new(), &mut dropped);
    (pruned, dropped)
}

fn prune(api: &Api, ty: &TypeRef, value: &Value, at: String, dropped: &mut Vec<String>) -> Value {
    match (ty, value) {
        (TypeRef::Nullable(inner), _) => prune(api, inner, value, at, dropped),
        (TypeRef::List(inner), Value::Array(items)) => Value::Array(
            items.iter().enumerate().map(|(i, v)| prune(api, inner, v, format!("{at}/{i}"), dropped)).collect(),
        ),
        (TypeRef::Map(inner), Value::Object(map)) => Value::Object(
            map.iter().map(|(k, v)| (k.clone(), prune(api, inner, v, format!("{at}/{k}"), dropped))).collect(),
        ),
        (TypeRef::Named(id), _) => match &api.get(*id).kind {
            TypeKind::Alias(target) => prune(api, target, value, at, dropped),
            TypeKind::Struct(s) => {
                let Value::Object(map) = value else { return value.clone() };
                let mut out = serde_json::Map::new();
                for (key, v) in map {
                    match s.fields.iter().find(|f| &f.wire == key) {
                        Some(field) => {
                            out.insert(key.clone(), prune(api, &field.ty, v, format!("{at}/{key}"), dropped));
                        }
                        None => dropped.push(format!("{at}/{key}")),
                    }
                }
                // Constants are filled in when missing: the re-encoded value has them.
                for field in s.fields.iter().filter(|f| f.presence == Presence::Constant && !map.contains_key(&f.wire)) {
                    if let TypeRef::Named(c) = &field.ty {
                        if let TypeKind::Constant { value } = &api.get(*c).kind {
                            out.insert(field.wire.clone(), Value::String(value.clone()));
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
                        union.variants.iter().find(|v| v.tag.as_deref() == tag)
                    }
                    // Untagged forms are tried in order: the first struct whose required
                    // fields are all present is the one serde picks.
                    None => union.variants.iter().find(|v| struct_fits(api, &v.ty, map)),
                };
                match chosen {
                    Some(variant) => prune(api, &variant.ty, value, at, dropped),
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
            TypeKind::Struct(s) => s.fields.iter().filter(|f| f.presence == Presence::Required).all(|f| map.contains_key(&f.wire)),
            _ => false,
        },
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => true,
        _ => false,
    }
}
