//! The type arena: named types, their shapes, uses of them ([`TypeRef`]), and the one edge
//! relation of the type graph ([`edges`], [`reachable`]).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{JsonPointer, RustIdent, Usage, WireName};

/// A type of the arena: an index into [`Api::types`](super::Api::types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// One named type of the generated `models` module (struct, string enum, constant, union or
/// alias), with where it came from and how it is used.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, unique in its module.
    pub name: RustIdent,
    /// The name in the spec (component name, or a dotted path for inline types).
    pub spec_name: String,
    /// Where the type was defined.
    pub pointer: JsonPointer,
    /// The file (module) the type is emitted in.
    pub module: String,
    /// The schema's `description` (else its `title`), emitted as the type's rustdoc.
    pub docs: Option<String>,
    /// The schema is `deprecated`: the type gets `#[deprecated]`.
    pub deprecated: bool,
    /// What the type is, with its fields, values or forms.
    pub kind: TypeKind,
    /// Filled in once every operation is known.
    pub usage: Usage,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with declared properties (`allOf` parts merged): one field per property.
    Struct(Struct),
    /// A string enum with a fallback variant that keeps unknown values.
    Enum(Vec<EnumVariant>),
    /// A single-value enum: a zero-sized type that always serializes to `value`.
    Constant {
        /// The one value, as sent on the wire.
        value: String,
    },
    /// `oneOf`/`anyOf`, with a fallback that keeps any other JSON value.
    Union(Union),
    /// A named schema that is another type (`pub type X = …`).
    Alias(TypeRef),
}

/// A struct's contents: one field per property, in the spec's order, plus the field for
/// undeclared keys.
#[derive(Debug, Clone)]
pub struct Struct {
    /// The declared properties, in the spec's order.
    pub fields: Vec<Field>,
    /// The field that keeps the keys the schema does not declare (`extra`, unless a property
    /// has that name).
    pub extra: String,
    /// Every field can be left out, so the struct has a `Default`.
    pub defaultable: bool,
}

/// One property of a struct: a field of the generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust field name (`created_at`, `r#type`), unique in the struct.
    pub name: RustIdent,
    /// The property's name in JSON.
    pub wire: WireName,
    /// The value's type, before `presence` wraps it in `Option` or `Patch` (and `boxed` in
    /// `Box`).
    pub ty: TypeRef,
    /// How absence and `null` are represented: from `required`, `nullable`, and whether a
    /// request body reaches the struct (`Patch`).
    pub presence: Presence,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// The property's schema allows `null`.
    pub nullable: bool,
    /// The field's type is behind a `Box` because it reaches back to its parent.
    pub boxed: bool,
    /// The property's `description` (else its `title`); `None` for a bare `$ref`.
    pub docs: Option<String>,
    /// The property is `deprecated`: the field gets `#[deprecated]`.
    pub deprecated: bool,
}

/// How a field's absence and `null` are represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Required, not nullable: `T`.
    Required,
    /// Required and nullable: `Option<T>`, `None` serialized as `null`.
    RequiredNullable,
    /// Optional: `Option<T>`, `None` left out.
    Optional,
    /// Optional and nullable in a request payload: absent, null or a value.
    Patch,
    /// A constant: filled in when missing, always serialized.
    Constant,
}

/// One value of a string enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The Rust variant name, unique in the enum (`Unknown` is kept for the fallback).
    pub name: RustIdent,
    /// The value as sent and received.
    pub wire: WireName,
}

/// A `oneOf`/`anyOf`: its forms, and how a value is matched to one.
#[derive(Debug, Clone)]
pub struct Union {
    /// One form per alternative, in the spec's order.
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the form (`discriminator.propertyName`); every variant
    /// then has a `tag`. Without one, forms are tried in order.
    pub discriminator: Option<String>,
}

/// One form of a union: a variant of the generated enum.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name: the alternative's `title`, else named after its type; unique in
    /// the union (`Unknown` is kept for the fallback).
    pub name: String,
    /// The discriminator values that select this form (a `mapping` may give several); empty
    /// when forms are tried in order.
    pub tags: Vec<String>,
    /// The form's type.
    pub ty: TypeRef,
    /// The form's type is behind a `Box` because it reaches back to the union.
    pub boxed: bool,
    /// The inline alternative's `description` (else its `title`); `None` for a `$ref`.
    pub docs: Option<String>,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A JSON string: `String`.
    String,
    /// A JSON integer: `i64`.
    Integer,
    /// A JSON number: `f64`.
    Number,
    /// A JSON boolean: `bool`.
    Boolean,
    /// Any JSON value.
    Json,
    /// A JSON object of unknown shape.
    JsonObject,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// A named type of the arena.
    Named(TypeId),
    /// A JSON array: `Vec<T>`.
    List(Box<TypeRef>),
    /// An object with arbitrary keys (`additionalProperties`): `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: used where a value may be `null` outside a struct field (examples,
    /// list items, map values).
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The named types this refers to without a `Vec` or map in between.
    pub fn direct_target(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Nullable(inner) => inner.direct_target(),
            _ => None,
        }
    }

    /// A scalar, or a list, map or `Option` of scalars: decoded with the runtime's lossless
    /// tolerance of the other shapes the live API sends (`"5017691"` for an integer).
    pub fn is_lenient(&self) -> bool {
        match self {
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.is_lenient(),
            TypeRef::Json | TypeRef::JsonObject | TypeRef::Bytes | TypeRef::Named(_) => false,
        }
    }

    /// Every named type this mentions.
    pub fn visit_named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            TypeRef::Named(id) => f(*id),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.visit_named(f),
            _ => {}
        }
    }
}

/// An example from the spec and the type it must decode into.
#[derive(Debug, Clone)]
pub struct Example {
    /// Where the example is in the spec (a JSON pointer); the example test reports it and its
    /// allow-list names it.
    pub pointer: JsonPointer,
    /// The type it must decode into (`Nullable` where the schema allows `null`).
    pub ty: TypeRef,
    /// The example as JSON.
    pub value: Value,
}

/// The type graph's one edge relation: every type the definition `id` mentions, with whether it
/// is held directly (no `Vec` or map in between). Lowering's passes, usage analysis and the
/// reports all walk it, through this and [`reachable`].
pub fn edges(types: &[TypeDef], id: TypeId) -> Vec<(TypeId, bool)> {
    let mut out = Vec::new();
    let mut add = |ty: &TypeRef| {
        let direct = ty.direct_target();
        ty.visit_named(&mut |t| out.push((t, Some(t) == direct)));
    };
    match &types[id.0].kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| add(&v.ty)),
        TypeKind::Alias(t) => add(t),
        TypeKind::Enum(_) | TypeKind::Constant { .. } => {}
    }
    out
}

/// Every type reachable from `roots` (the roots included), following every edge, or only
/// direct ones (`direct_only`: what a value holds inline, where a cycle needs a `Box`).
pub fn reachable(types: &[TypeDef], roots: impl IntoIterator<Item = TypeId>, direct_only: bool) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<TypeId> = roots.into_iter().collect();
    while let Some(t) = stack.pop() {
        if seen.insert(t) {
            stack.extend(edges(types, t).into_iter().filter(|(_, direct)| *direct || !direct_only).map(|(t, _)| t));
        }
    }
    seen
}
