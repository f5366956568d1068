//! Stage 1: load a description and resolve references.
//!
//! bytes → YAML → JSON value → reviewed overlay → normalisation → `openapiv3::OpenAPI`.
//! This module knows the document's shape; it makes no naming or typing decisions.

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostics, pointer_push};
use crate::overlay::{Applied, Overlay};

/// A parsed description, ready for lowering.
pub struct Spec {
    /// The parsed document, after the overlay and the `$ref` normalisation.
    pub openapi: OpenAPI,
    /// The overlay patches that were applied, in order.
    pub applied: Vec<Applied>,
    /// Schema `$ref`s whose sibling keywords (`nullable`, `description`, …) were kept by
    /// wrapping the reference in a one-element `allOf` (OpenAPI 3.0 would ignore them).
    pub wrapped_refs: usize,
}

/// The document as JSON with the version's overlay applied: what the generator reads, and
/// what a mock server must serve so that it agrees with the generated code.
pub fn effective_document(bytes: &[u8], overlay: Option<&Overlay>, diags: &mut Diagnostics) -> Option<(Value, Vec<Applied>)> {
    let mut document: Value = match serde_yaml::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            diags.error("#", format!("the file is not valid YAML: {e}. Check that it is an OpenAPI description."));
            return None;
        }
    };
    match document.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            diags.error(
                "#/openapi",
                format!(
                    "OpenAPI version {v} is not supported; the generator reads OpenAPI 3.0.x documents \
                     (Intercom publishes 3.0.1). Use a 3.0 edition of the description."
                ),
            );
            return None;
        }
        None if document.is_null() => {
            diags.error("#", "the file is empty; give the generator an OpenAPI 3.0 description.");
            return None;
        }
        None if document.get("swagger").is_some() => {
            diags.error(
                "#/swagger",
                "this is a Swagger 2.0 document; convert it to OpenAPI 3.0 first (for example with `swagger2openapi`).",
            );
            return None;
        }
        None => {
            diags.error("#/openapi", "the document has no `openapi: 3.0.x` field; it is not an OpenAPI 3.0 description.");
            return None;
        }
    }
    let applied = match overlay.map(|o| o.apply(&mut document)).transpose() {
        Ok(applied) => applied.unwrap_or_default(),
        Err(why) => {
            diags.error("#", format!("{why}. Fix or remove the patch in the version's overlay under specs/overlays/."));
            return None;
        }
    };
    Some((document, applied))
}

/// Parses `bytes` as an OpenAPI 3.0 description. Every failure is reported with a pointer and
/// returns `None`.
pub fn load(bytes: &[u8], overlay: Option<&Overlay>, diags: &mut Diagnostics) -> Option<Spec> {
    let (mut document, applied) = effective_document(bytes, overlay, diags)?;
    let mut wrapped_refs = 0;
    normalize_document(&mut document, &mut wrapped_refs);
    // The fast way first; only a document that does not fit is read again, tracking the path
    // to name the place.
    if let Ok(openapi) = OpenAPI::deserialize(&document) {
        return Some(Spec { openapi, applied, wrapped_refs });
    }
    let openapi: OpenAPI = match serde_path_to_error::deserialize(document) {
        Ok(o) => o,
        Err(e) => {
            let pointer = path_to_pointer(e.path());
            diags.error(
                pointer,
                format!(
                    "the document does not match the OpenAPI 3.0 schema: {}. Validate it (for example with \
                     `redocly lint`) and fix the place named.",
                    e.inner()
                ),
            );
            return None;
        }
    };
    Some(Spec { openapi, applied, wrapped_refs })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Walks schema positions and wraps `$ref`s that carry siblings into `allOf: [{$ref}]`, so
/// that `nullable: true` or a property's own description next to a reference is not lost.
fn normalize_document(document: &mut Value, wrapped: &mut usize) {
    if let Some(schemas) = document.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for schema in schemas.values_mut() {
            normalize_schema(schema, wrapped);
        }
    }
    for key in ["paths", "components"] {
        if let Some(v) = document.get_mut(key) {
            find_schema_keys(v, wrapped);
        }
    }
}

/// Outside schemas: every `schema` key holds a schema. Examples are data and are not entered.
fn find_schema_keys(value: &mut Value, wrapped: &mut usize) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "schema" => normalize_schema(child, wrapped),
                    "example" | "examples" | "schemas" => {}
                    _ => find_schema_keys(child, wrapped),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| find_schema_keys(v, wrapped)),
        _ => {}
    }
}

fn normalize_schema(schema: &mut Value, wrapped: &mut usize) {
    let Value::Object(map) = schema else { return };
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.shift_remove("$ref").expect("checked above");
        let mut inner = serde_json::Map::new();
        inner.insert("$ref".to_owned(), reference);
        map.insert("allOf".to_owned(), Value::Array(vec![Value::Object(inner)]));
        *wrapped += 1;
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            normalize_schema(child, wrapped);
        }
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        props.values_mut().for_each(|p| normalize_schema(p, wrapped));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(|p| normalize_schema(p, wrapped));
        }
    }
}

/// The component name a local schema reference points at.
pub fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// A schema or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    /// A `$ref`, as written (`#/components/schemas/contact`).
    Ref(&'a str),
    /// A schema written in place.
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Node<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Node<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Inline(s),
        }
    }
}

impl<'a> Node<'a> {
    /// The schema itself, following references to components.
    pub fn resolve(self, openapi: &'a OpenAPI) -> Option<&'a Schema> {
        let mut node = self;
        for _ in 0..32 {
            match node {
                Node::Inline(schema) => return Some(schema),
                Node::Ref(reference) => node = Node::from(component(openapi, component_name(reference)?)?),
            }
        }
        None
    }
}

/// A schema seen through one uniform shape, whatever `openapiv3` variant holds it.
pub struct SchemaView<'a> {
    /// The keywords every kind of schema shares (`nullable`, `description`, `example`, …).
    pub data: &'a SchemaData,
    /// `string`, `integer`, `number`, `boolean`, `object`, `array`, or none.
    pub ty: Option<&'a str>,
    /// A string with `format: binary`: raw bytes.
    pub binary: bool,
    /// The `format` (`date-time`, `email`, `uri`, …).
    pub format: Option<&'a str>,
    /// Enum values as JSON, `null` included.
    pub enumeration: Vec<Value>,
    /// The declared properties, by name.
    pub properties: Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    /// The names listed in `required`.
    pub required: &'a [String],
    /// `additionalProperties`, when given.
    pub additional: Option<&'a AdditionalProperties>,
    /// The item schema of an array.
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// The `oneOf` alternatives.
    pub one_of: &'a [ReferenceOr<Schema>],
    /// The `allOf` parts.
    pub all_of: &'a [ReferenceOr<Schema>],
    /// The `anyOf` alternatives.
    pub any_of: &'a [ReferenceOr<Schema>],
}

impl<'a> SchemaView<'a> {
    /// Reads `schema` into the one shape, whatever its kind.
    pub fn of(schema: &'a Schema) -> SchemaView<'a> {
        let mut view = SchemaView {
            data: &schema.schema_data,
            ty: None,
            binary: false,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional: None,
            items: None,
            one_of: &[],
            all_of: &[],
            any_of: &[],
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.ty = Some("string");
                view.binary = matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary));
                view.format = match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
                    VariantOrUnknownOrEmpty::Unknown(other) => Some(other.as_str()),
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                view.enumeration = s.enumeration.iter().map(|v| v.clone().map_or(Value::Null, Value::String)).collect();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.ty = Some("integer");
                view.enumeration = i.enumeration.iter().map(|v| v.map_or(Value::Null, Value::from)).collect();
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.ty = Some("number");
                view.enumeration = n.enumeration.iter().map(|v| v.map_or(Value::Null, Value::from)).collect();
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.ty = Some("boolean");
                view.enumeration = b.enumeration.iter().map(|v| v.map_or(Value::Null, Value::from)).collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.ty = Some("object");
                view.properties = Some(&o.properties);
                view.required = &o.required;
                view.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.ty = Some("array");
                view.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.ty = any.typ.as_deref();
                view.binary = any.format.as_deref() == Some("binary");
                view.format = any.format.as_deref();
                view.enumeration = any.enumeration.clone();
                view.properties = (!any.properties.is_empty()).then_some(&any.properties);
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.one_of = &any.one_of;
                view.all_of = &any.all_of;
                view.any_of = &any.any_of;
            }
        }
        view
    }

    /// Whether the schema declares at least one property.
    pub fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }
}

/// Looks a component schema up by name.
pub fn component<'a>(openapi: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Schema>> {
    openapi.components.as_ref()?.schemas.get(name)
}
