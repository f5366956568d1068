//! The pass over the whole type graph once every type is known: `Patch` presence in request
//! payloads, inferred discriminators, and `Box` where a type holds itself.

use std::collections::BTreeSet;

use super::Lowering;
use crate::diagnostics::Diagnostics;
use crate::ir::*;

impl Lowering<'_, '_> {
    /// Marks optional nullable fields of request payloads `Patch`, infers discriminators, and
    /// boxes what a type holds of itself.
    pub(super) fn finish(&mut self) {
        // Optional + nullable fields of request payloads can say absent, null or a value.
        let mut roots = Vec::new();
        for root in &self.request_roots {
            root.visit_named(&mut |t| roots.push(t));
        }
        for id in crate::ir::reachable(&self.types, roots, false) {
            if let TypeKind::Struct(s) = &mut self.types[id.0].kind {
                for field in &mut s.fields {
                    if field.presence == Presence::Optional && field.nullable {
                        field.presence = Presence::Patch;
                    }
                }
            }
        }

        infer_discriminators(&mut self.types, self.diags);

        // A type held directly (not through a Vec or map) by something it reaches is boxed.
        let types = &self.types;
        let held: Vec<BTreeSet<TypeId>> = (0..types.len()).map(|i| crate::ir::reachable(types, [TypeId(i)], true)).collect();
        let reaches = |from: TypeId, to: TypeId| held[from.0].contains(&to);
        let mut kinds = Vec::with_capacity(types.len());
        for (index, def) in types.iter().enumerate() {
            let me = TypeId(index);
            let mut kind = def.kind.clone();
            match &mut kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        field.boxed = field.ty.direct_target().is_some_and(|t| reaches(t, me));
                    }
                    s.defaultable = s.fields.iter().all(|f| f.presence != Presence::Required);
                }
                TypeKind::Union(u) => {
                    for v in &mut u.variants {
                        v.boxed = v.ty.direct_target().is_some_and(|t| reaches(t, me));
                    }
                }
                TypeKind::Alias(ty) if ty.direct_target().is_some_and(|t| reaches(t, me)) => {
                    self.diags.error(&def.pointer, "the schema is defined as itself with no object in between; give it a concrete type.");
                    *ty = TypeRef::Json;
                }
                _ => {}
            }
            kinds.push(kind);
        }
        for (def, kind) in self.types.iter_mut().zip(kinds) {
            def.kind = kind;
        }
    }
}

/// The constant properties every value of `ty` carries: a struct's constant fields, or those
/// all forms of a union share (a union of three contact-reply forms, each `type: user`).
fn constants_of(types: &[TypeDef], ty: &TypeRef, depth: usize) -> Vec<(String, String)> {
    if depth > 8 {
        return Vec::new();
    }
    match ty {
        TypeRef::Nullable(inner) => constants_of(types, inner, depth + 1),
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Alias(target) => constants_of(types, target, depth + 1),
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| match (&f.ty, f.presence) {
                    (TypeRef::Named(c), Presence::Constant) => match &types[c.0].kind {
                        TypeKind::Constant { value } => Some((f.wire.to_string(), value.clone())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            TypeKind::Union(union) => {
                let mut forms = union.variants.iter().map(|v| constants_of(types, &v.ty, depth + 1));
                let Some(first) = forms.next() else { return Vec::new() };
                forms.fold(first, |shared, form| shared.into_iter().filter(|c| form.contains(c)).collect())
            }
            TypeKind::Enum(_) | TypeKind::Constant { .. } => Vec::new(),
        },
        _ => Vec::new(),
    }
}
/// A union without a `discriminator` whose forms all have a constant at the same property,
/// each a different value (`type: news-item` | `type: newsfeed`), is told apart by that
/// property. Constants accept any value when decoding, so trying forms in order could not.
fn infer_discriminators(types: &mut [TypeDef], diags: &mut Diagnostics) {
    for index in 0..types.len() {
        let TypeKind::Union(union) = &types[index].kind else { continue };
        if union.discriminator.is_some() || union.variants.len() < 2 {
            continue;
        }
        let per_variant: Vec<Vec<(String, String)>> = union.variants.iter().map(|v| constants_of(types, &v.ty, 0)).collect();
        let found = per_variant[0].iter().map(|(p, _)| p.clone()).find(|property| {
            let values: Option<Vec<&String>> =
                per_variant.iter().map(|cs| cs.iter().find(|(p, _)| p == property).map(|(_, v)| v)).collect();
            values.is_some_and(|vs| vs.iter().collect::<BTreeSet<_>>().len() == vs.len())
        });
        let Some(property) = found else { continue };
        let pointer = types[index].pointer.clone();
        let TypeKind::Union(union) = &mut types[index].kind else { continue };
        for (variant, constants) in union.variants.iter_mut().zip(&per_variant) {
            variant.tags = constants.iter().filter(|(p, _)| *p == property).map(|(_, v)| v.clone()).collect();
        }
        diags.warn(pointer, format!("the union has no discriminator; its forms are told apart by their constant `{property}`."));
        union.discriminator = Some(property);
    }
}
