//! The `models` module of a version's crate: one file per component with its inline types,
//! and the shared constants. Structs are plain data with one `Serialize` line and one
//! `Deserialize` arm per field calling the runtime; string enums and constants are plain
//! items whose serde impls call `runtime::enums`; unions dispatch on their discriminator.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::{Paths, doc_attrs_or, format_file, format_in_parallel, gate_attr, ident, type_tokens};
use crate::ir::*;
use crate::output::GeneratedFile;

/// The files of a `models` module: `mod.rs`, one file per component (with its inline types),
/// and the shared constants.
pub fn models_module(api: &Api, header: &str) -> Result<Vec<GeneratedFile>, String> {
    let mut by_module: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
    for (index, def) in api.types.iter().enumerate() {
        by_module.entry(def.module.as_str()).or_default().push(TypeId(index));
    }
    let mut files = Vec::new();
    let mut mod_items = Vec::new();
    let groups: Vec<(&str, &Vec<TypeId>)> = by_module.iter().map(|(m, ids)| (*m, ids)).collect();
    files.extend(format_in_parallel(&groups, |(module, ids)| {
        let items: Vec<TokenStream> = ids.iter().map(|id| type_item(api, *id)).collect();
        Ok(GeneratedFile::new(format!("{module}.rs"), format_file(header, quote!(#(#items)*))?))
    })?);
    for (module, ids) in &by_module {
        let module_ident = ident(module);
        if *module == CONSTANTS_MODULE {
            mod_items.push(quote! {
                #[doc = " Single-value enums: zero-sized types that are filled in for you and always serialize to their one value."]
                pub mod #module_ident;
            });
        } else {
            // A file's types are reached together (see `lower::usage`): one gate for all.
            let gate = gate_attr(api, &api.get(ids[0]).usage.gate);
            let names = ids.iter().map(|id| ident(&api.get(*id).name));
            mod_items.push(quote! {
                #gate
                mod #module_ident;
                #gate
                pub use self::#module_ident::{#(#names),*};
            });
        }
    }
    let doc = format!(" The types of the Intercom API {} ({}), one per schema.", api.version.id, api.version.spec_version);
    files.push(GeneratedFile::new("mod.rs", format_file(header, quote! { #![doc = #doc] #(#mod_items)* })?));
    Ok(files)
}

/// A named type's items: the struct, enum, constant, union or alias with its impls.
pub(super) fn type_item(api: &Api, id: TypeId) -> TokenStream {
    let def = api.get(id);
    let head = ItemHead::of(def);
    match &def.kind {
        TypeKind::Struct(s) => struct_item(api, def, head, s),
        TypeKind::Enum(variants) => enum_item(def, head, variants),
        TypeKind::Constant { value } => constant_item(head, value),
        TypeKind::Union(union) => union_item(api, def, head, union),
        TypeKind::Alias(target) => {
            let ItemHead { name, docs, alias, .. } = head;
            let ty = type_tokens(api, target, Paths::InModels);
            quote! {
                #docs
                #alias
                pub type #name = #ty;
            }
        }
    }
}

/// What a type's item starts with: its name, docs, `doc(alias)` (the spec's name, where it
/// differs) and `#[deprecated]`.
struct ItemHead {
    name: Ident,
    docs: TokenStream,
    alias: Option<TokenStream>,
    deprecated: Option<TokenStream>,
}

impl ItemHead {
    fn of(def: &TypeDef) -> ItemHead {
        let docs = doc_attrs_or(def.docs.as_deref(), &format!("The spec's `{}`.", def.spec_name));
        // rustdoc rejects an alias equal to the item's name.
        let alias = (def.name != def.spec_name).then(|| {
            let spec_name = &def.spec_name;
            quote!(#[doc(alias = #spec_name)])
        });
        let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
        ItemHead { name: ident(&def.name), docs, alias, deprecated }
    }
}

/// A struct: its fields, the field of undeclared keys, a constructor or `Default`, and its
/// serde impls.
fn struct_item(api: &Api, def: &TypeDef, head: ItemHead, s: &Struct) -> TokenStream {
    let ItemHead { name, docs, alias, deprecated } = head;
    let paths = Paths::InModels;
    let fields = s.fields.iter().map(|f| field(api, f, paths));
    let extra = ident(&s.extra);
    let default = s.defaultable.then(|| quote!(Default,));
    let constructor = (!s.defaultable).then(|| constructor(api, &name, s, paths));
    let serde = SerdeDerives::of(&def.usage);
    let serialize = struct_serialize(&name, s, SerdeDerives::gate(serde.serialize, "serialize"));
    let deserialize = struct_deserialize(&name, &def.spec_name, s, SerdeDerives::gate(serde.deserialize, "deserialize"));
    quote! {
        #docs
        #alias
        #deprecated
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
            #[doc = " Keys the spec does not declare, kept as received and sent back unchanged."]
            pub #extra: ::intercom_api_runtime::de::Extra,
        }
        #constructor
        #serialize
        #deserialize
    }
}

/// A string enum with its fallback `Unknown`, its values and its serde impls.
fn enum_item(def: &TypeDef, head: ItemHead, variants: &[EnumVariant]) -> TokenStream {
    let ItemHead { name, docs, alias, deprecated } = head;
    let names: Vec<Ident> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    let docs_of = variants.iter().map(|v| format!(" `{}`", v.wire.replace('`', "'")));
    let type_name = def.name.as_str();
    quote! {
        #docs
        #alias
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #docs_of] #names,)*
            #[doc = " A value this version of the crate does not know, kept as it was received."]
            Unknown(String),
        }

        impl #name {
            #[doc = " Every value this version of the crate knows, as sent on the wire."]
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            #[doc = " The value as it is sent on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#names => #wires,)*
                    Self::Unknown(other) => other,
                }
            }

            #[doc = " The variant for a wire value; unknown values become `Unknown`."]
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#wires => Self::#names,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::intercom_api_runtime::enums::string(deserializer, Self::from_wire, Self::VALUES, #type_name)
            }
        }
    }
}

/// A constant: a zero-sized type that always is `value`.
fn constant_item(head: ItemHead, value: &str) -> TokenStream {
    let ItemHead { name, alias, .. } = head;
    let doc = format!(" Always `{}`: filled in when you construct a value, and when a response leaves it out.", value.replace('`', "'"));
    quote! {
        #[doc = #doc]
        #alias
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name;

        impl #name {
            #[doc = " The one value."]
            pub const VALUE: &'static str = #value;
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(Self::VALUE)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::intercom_api_runtime::enums::constant(deserializer, Self::VALUE).map(|()| Self)
            }
        }
    }
}

/// A union: one variant per form, the fallback `Unknown`, and how a value is matched to a form.
fn union_item(api: &Api, def: &TypeDef, head: ItemHead, union: &Union) -> TokenStream {
    let ItemHead { name, docs, alias, deprecated } = head;
    let paths = Paths::InModels;
    let variants = union.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = boxed(type_tokens(api, &v.ty, paths), v.boxed);
        let docs = doc_attrs_or(v.docs.as_deref(), &format!("The `{}` form.", v.name));
        quote!(#docs #vname(#ty),)
    });
    let mut serde = SerdeDerives::of(&def.usage);
    let (how, decode) = union_decode(api, &name, union, &mut serde);
    let separator = def.docs.is_some().then(|| quote!(#[doc = ""]));
    let (derived, optional) = (serde.derived(), serde.optional());
    let untagged = serde.container_attr(quote!(untagged));
    quote! {
        #docs
        #separator
        #[doc = #how]
        #alias
        #deprecated
        #[derive(Debug, Clone, PartialEq, #derived)]
        #[non_exhaustive]
        // The forms are the spec's; boxing the big ones would change every caller.
        #[allow(clippy::large_enum_variant)]
        #optional
        #untagged
        pub enum #name {
            #(#variants)*
            #[doc = " A value that matches none of the forms above, kept as it was received."]
            Unknown(::serde_json::Value),
        }
        #decode
    }
}

/// How a union's docs say it is decoded, and its `Deserialize` impl: the forms tried in order,
/// or picked by the discriminator's value. Records in `serde` that it is decoded by hand.
fn union_decode(api: &Api, name: &Ident, union: &Union, serde: &mut SerdeDerives) -> (String, Option<TokenStream>) {
    let paths = Paths::InModels;
    match &union.discriminator {
        None => {
            let forms = union.variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = type_tokens(api, &v.ty, paths);
                let wrap = if v.boxed { quote!(|x| Self::#vname(Box::new(x))) } else { quote!(Self::#vname) };
                // Scalars as struct fields decode them: tolerantly, except in the strict pass.
                if v.ty.is_lenient() && !v.boxed {
                    quote!(|v| ::intercom_api_runtime::de::lenient::<#ty, _>(v).map(#wrap),)
                } else {
                    quote!(|v| <#ty as ::serde::Deserialize>::deserialize(v).map(#wrap),)
                }
            });
            // Decoded by hand, not derived.
            let gate = serde.deserialize_by_hand();
            let decode = quote! {
                #gate
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        ::intercom_api_runtime::decode_untagged(deserializer, &[#(#forms)*], Self::Unknown)
                    }
                }
            };
            let how = " Decoding takes the first form the value matches exactly as the spec declares it, else the first it matches \
                           tolerantly with no `Unknown` inside, else the first it matches at all (see \
                           `intercom_api_runtime::decode_untagged`); a value that matches none is kept in `Unknown`.";
            (how.to_owned(), Some(decode))
        }
        Some(property) => {
            let arms = union.variants.iter().flat_map(|v| {
                let vname = ident(&v.name);
                let wrap = if v.boxed { quote!(|x| Self::#vname(Box::new(x))) } else { quote!(Self::#vname) };
                v.tags.iter().map(move |tag| quote!((#tag, |v| ::intercom_api_runtime::decode_form(v).map(#wrap)),))
            });
            // Decoded by hand, not derived.
            let gate = serde.deserialize_by_hand();
            let decode = quote! {
                #gate
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        ::intercom_api_runtime::decode_by_tag(deserializer, #property, &[#(#arms)*], Self::Unknown)
                    }
                }
            };
            (format!(" The `{property}` property names the form; a value with another `{property}` is kept in `Unknown`."), Some(decode))
        }
    }
}

/// A type's serde derives: what it travels as, always; the rest behind the crate's
/// `serialize` and `deserialize` features. Every derive is compile time each user pays.
struct SerdeDerives {
    serialize: bool,
    deserialize: bool,
    /// `Deserialize` is implemented by hand: derive it under neither.
    deserialize_by_hand: bool,
}

impl SerdeDerives {
    fn of(usage: &Usage) -> SerdeDerives {
        SerdeDerives { serialize: usage.sent, deserialize: usage.received, deserialize_by_hand: false }
    }

    /// Inside `#[derive(…)]`, each with a trailing comma.
    fn derived(&self) -> TokenStream {
        let serialize = self.serialize.then(|| quote!(::serde::Serialize,));
        let deserialize = (self.deserialize && !self.deserialize_by_hand).then(|| quote!(::serde::Deserialize,));
        quote!(#serialize #deserialize)
    }

    /// `#[cfg_attr(feature = …, derive(…))]` for the derives left to a feature.
    fn optional(&self) -> TokenStream {
        let serialize = (!self.serialize).then(|| quote!(#[cfg_attr(feature = "serialize", derive(::serde::Serialize))]));
        let deserialize = (!self.deserialize && !self.deserialize_by_hand)
            .then(|| quote!(#[cfg_attr(feature = "deserialize", derive(::serde::Deserialize))]));
        quote!(#serialize #deserialize)
    }

    /// A container attribute `#[serde(…)]`, present only where a serde derive is.
    fn container_attr(&self, inner: TokenStream) -> TokenStream {
        let deserialize_derived = !self.deserialize_by_hand;
        if self.serialize || (self.deserialize && deserialize_derived) {
            return quote!(#[serde(#inner)]);
        }
        match deserialize_derived {
            true => quote!(#[cfg_attr(any(feature = "serialize", feature = "deserialize"), serde(#inner))]),
            false => quote!(#[cfg_attr(feature = "serialize", serde(#inner))]),
        }
    }

    /// The `#[cfg]` of an impl written by hand: none when the type always has it, else the
    /// crate feature that adds it.
    fn gate(always: bool, feature: &str) -> TokenStream {
        if always { TokenStream::new() } else { quote!(#[cfg(feature = #feature)]) }
    }

    /// Takes `Deserialize` out of the derives; returns the gate of the impl written instead.
    fn deserialize_by_hand(&mut self) -> TokenStream {
        self.deserialize_by_hand = true;
        SerdeDerives::gate(self.deserialize, "deserialize")
    }
}

/// `new(required fields…)`: optional fields start empty and constants are filled in, so a
/// caller types only what the spec requires.
fn constructor(api: &Api, name: &Ident, s: &Struct, paths: Paths<'_>) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.presence == Presence::Required).collect();
    let params = required.iter().map(|f| {
        let field = ident(&f.name);
        let ty = type_tokens(api, &f.ty, paths);
        quote!(#field: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        match (f.presence, f.boxed) {
            (Presence::Required, true) => quote!(#field: Box::new(#field)),
            (Presence::Required, false) => quote!(#field),
            _ => quote!(#field: Default::default()),
        }
    });
    let extra = ident(&s.extra);
    quote! {
        impl #name {
            #[doc = " A value with the required fields; optional fields start empty and constants are filled in."]
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #extra: Default::default() }
            }
        }
    }
}

fn field(api: &Api, f: &Field, paths: Paths<'_>) -> TokenStream {
    let name = ident(&f.name);
    let docs = doc_attrs_or(f.docs.as_deref(), &format!("The `{}` property.", f.wire));
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    let inner = boxed(type_tokens(api, &f.ty, paths), f.boxed);
    let ty = match f.presence {
        Presence::Required | Presence::Constant => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::Patch => quote!(::intercom_api_runtime::Patch<#inner>),
    };
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

/// `Serialize` for a struct: one call per field, as its presence says, then the undeclared
/// keys (`intercom_api_runtime::ser`). The calls keep the first error for `end` to return,
/// so there is no `?` per field for the compiler to check.
fn struct_serialize(name: &Ident, s: &Struct, gate: TokenStream) -> TokenStream {
    let writes = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = f.wire.as_str();
        match f.presence {
            Presence::Required | Presence::RequiredNullable | Presence::Constant => quote!(object.field(#wire, &self.#field);),
            Presence::Optional => quote!(object.optional(#wire, &self.#field);),
            Presence::Patch => quote!(object.patch(#wire, &self.#field);),
        }
    });
    let extra = ident(&s.extra);
    let wires = s.fields.iter().map(|f| f.wire.as_str());
    quote! {
        #gate
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = ::intercom_api_runtime::ser::Object::new(serializer)?;
                #(#writes)*
                object.end(&self.#extra, &[#(#wires),*])
            }
        }
    }
}

/// `Deserialize` for a struct: a `match` from the index of each declared key to the setter
/// that stores its value, then the struct. A setter keeps its error for the next
/// `next_field` to return, so an arm is one call with no `?` to type-check. Finding keys,
/// tolerance, undeclared keys and missing-field errors are the runtime's
/// (`intercom_api_runtime::de`).
///
/// A struct with no required field starts as its `Default` and each value is written into
/// it; one with required fields reads them into locals first, so that a missing one is an
/// error rather than a made-up value. Writing into the struct is a fifth less work for the
/// decoder (one value to drop on an error, not one per field, and no moves at the end) and
/// less code to compile, so it is used wherever it can be.
fn struct_deserialize(name: &Ident, spec_name: &str, s: &Struct, gate: TokenStream) -> TokenStream {
    let wires = s.fields.iter().map(|f| f.wire.as_str());
    let extra = ident(&s.extra);
    let target = |f: &Field| {
        let field = ident(&f.name);
        if s.defaultable { quote!(__out.#field) } else { quote!(#field) }
    };
    let arms = s.fields.iter().enumerate().map(|(index, f)| {
        let index = Literal::usize_unsuffixed(index);
        let target = target(f);
        // Boxed fields hold a named type, never a scalar, so they are never lenient.
        let lenient = f.ty.is_lenient() && !f.boxed;
        let setter = match (f.presence, lenient) {
            (Presence::Required, true) => quote!(set_required_lenient),
            (Presence::Required, false) => quote!(set_required),
            (_, true) => quote!(set_lenient),
            (_, false) => quote!(set),
        };
        quote!(#index => __object.#setter(&mut #target),)
    });
    let loop_ = if s.fields.is_empty() {
        quote!(while __object.next_field()?.is_some() {
            __object.skip();
        })
    } else {
        quote! {
            while let Some(__field) = __object.next_field()? {
                match __field {
                    #(#arms)*
                    _ => __object.skip(),
                }
            }
        }
    };
    let body = if s.defaultable {
        quote! {
            let mut __out: Self = Default::default();
            #loop_
            __out.#extra = __object.into_extra();
            Ok(__out)
        }
    } else {
        let locals = s.fields.iter().map(|f| {
            let local = ident(&f.name);
            let start = match f.presence {
                Presence::Patch => quote!(::intercom_api_runtime::Patch::Absent),
                Presence::Constant => quote!(Default::default()),
                Presence::Required | Presence::RequiredNullable | Presence::Optional => quote!(None),
            };
            quote!(let mut #local = #start;)
        });
        let inits = s.fields.iter().enumerate().map(|(index, f)| {
            let index = Literal::usize_unsuffixed(index);
            let local = ident(&f.name);
            match f.presence {
                Presence::Required => quote!(#local: __object.required(#local, #index)?,),
                _ => quote!(#local,),
            }
        });
        quote! {
            #(#locals)*
            #loop_
            Ok(Self { #(#inits)* #extra: __object.into_extra() })
        }
    };
    quote! {
        #gate
        impl<'de> ::intercom_api_runtime::de::DecodeObject<'de> for #name {
            const NAME: &'static str = #spec_name;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            fn decode<M: ::serde::de::MapAccess<'de>>(mut __object: ::intercom_api_runtime::de::Object<'de, M>) -> Result<Self, M::Error> {
                #body
            }
        }
        #gate
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::intercom_api_runtime::de::object(deserializer)
            }
        }
    }
}

fn boxed(ty: TokenStream, boxed: bool) -> TokenStream {
    if boxed { quote!(Box<#ty>) } else { ty }
}
