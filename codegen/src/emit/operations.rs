//! Emission of operations: one plain struct and one small `impl` each (the `Paginated` impl
//! is in `pagination.rs`, the client's tag groups in `client.rs`). All behaviour is in
//! `intercom-api-runtime`; this only says which field goes where.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::pagination::paginated_impl;
use super::{Paths, doc_attrs, doc_attrs_or, format_file, format_in_parallel, gate_attr, ident, type_tokens};
use crate::ir::*;
use crate::output::GeneratedFile;

/// The runtime crate, by absolute path.
pub(super) fn rt() -> TokenStream {
    quote!(::intercom_api_runtime)
}

/// The module each operation lives in, by its first tag (named in `lower::groups`).
fn tag_modules(api: &Api) -> BTreeMap<&str, &str> {
    api.tags.iter().filter_map(|tag| tag.module.as_deref().map(|module| (tag.name.as_str(), module))).collect()
}

/// The files of the `operations` module: `mod.rs` and one file per tag.
pub fn operations_module(api: &Api, header: &str) -> Result<Vec<GeneratedFile>, String> {
    let modules = tag_modules(api);
    let mut by_module: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        by_module.entry(modules[op.first_tag()]).or_default().push(op);
    }
    let mut files = Vec::new();
    let mut mod_items = Vec::new();
    // A module is gated once, by every tag of its operations; an operation inside is gated
    // again only when fewer tags compile it (one shared with another tag's module).
    let groups: Vec<(&str, Gate, &Vec<&Operation>)> = by_module.iter().map(|(m, ops)| (*m, module_gate(ops), ops)).collect();
    files.extend(format_in_parallel(&groups, |(module, module_gate, ops)| {
        let items = ops.iter().map(|op| operation_item(api, op, module_gate));
        Ok(GeneratedFile::new(format!("{module}.rs"), format_file(header, quote!(#(#items)*))?))
    })?);
    for (module, module_gate, ops) in &groups {
        let module_ident = ident(module);
        let file_gate = gate_attr(api, module_gate);
        let names = |op: &Operation| {
            let output = match &op.output {
                Output::ByStatus { name, .. } => Some(ident(name)),
                _ => None,
            };
            std::iter::once(ident(&op.name)).chain(output).collect::<Vec<_>>()
        };
        let (whole, narrower): (Vec<&&Operation>, Vec<&&Operation>) = ops.iter().partition(|op| op.gate == *module_gate);
        let whole: Vec<Ident> = whole.into_iter().flat_map(|op| names(op)).collect();
        let whole = (!whole.is_empty()).then(|| quote!(#file_gate pub use self::#module_ident::{#(#whole),*};));
        let narrower = narrower.into_iter().map(|op| {
            let gate = gate_attr(api, &op.gate);
            let names = names(op);
            quote!(#gate pub use self::#module_ident::{#(#names),*};)
        });
        mod_items.push(quote! {
            #file_gate
            mod #module_ident;
            #whole
            #(#narrower)*
        });
    }
    let doc = format!(
        " Every operation of the Intercom API {}: one type per operation, built with `new` and setters, sent with \
         [`Client::send`](crate::Client) or turned into an `http::Request` with \
         [`Operation::to_request`](intercom_api_runtime::Operation::to_request).",
        api.version.id
    );
    files.push(GeneratedFile::new("mod.rs", format_file(header, quote! { #![doc = #doc] #(#mod_items)* })?));
    Ok(files)
}

/// The gate of a module: every tag of its operations.
fn module_gate(ops: &[&Operation]) -> Gate {
    let mut tags: Vec<usize> = ops.iter().flat_map(|op| gate_tags(&op.gate)).copied().collect();
    tags.sort_unstable();
    tags.dedup();
    Gate::Tags(tags)
}

/// The tags of an operation's gate (an operation is always gated by its tags).
fn gate_tags(gate: &Gate) -> &[usize] {
    match gate {
        Gate::Tags(tags) => tags,
        Gate::Always | Gate::Full => &[],
    }
}

/// An operation's fields carry serde attributes only where a serde derive is on.
fn serde_attr(inner: TokenStream) -> TokenStream {
    quote!(#[cfg_attr(any(feature = "serialize", feature = "deserialize"), serde(#inner))])
}

/// One operation's items: its struct, `new` and setters, its `Operation` impl, and its
/// `Paginated` impl and output enum when it has them; gated only where `module_gate`, its
/// module's, compiles more than it.
fn operation_item(api: &Api, op: &Operation, module_gate: &Gate) -> TokenStream {
    let rt = rt();
    let name = ident(&op.name);
    let gate = if op.gate == *module_gate { TokenStream::new() } else { gate_attr(api, &op.gate) };
    let docs = operation_docs(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let Inputs { fields, params, inits, setters, writes } = inputs(api, op);
    let operation_impl = operation_impl(api, op, quote! { #(#writes)* Ok(()) });
    let output_enum = match &op.output {
        Output::ByStatus { name: enum_name, variants } => {
            let tokens = status_enum(api, &op.name, enum_name, variants);
            Some(quote!(#gate #tokens))
        }
        _ => None,
    };
    let pagination = op.pagination.as_ref().map(|p| {
        let tokens = paginated_impl(api, op, p);
        quote!(#gate #tokens)
    });

    quote! {
        #docs
        #deprecated
        #gate
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serialize", derive(::serde::Serialize))]
        #[cfg_attr(feature = "deserialize", derive(::serde::Deserialize))]
        pub struct #name {
            #(#fields)*
        }

        #gate
        impl #name {
            #[doc = " The operation with its required inputs; set optional ones with the methods below."]
            #[allow(clippy::new_without_default)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }

        #gate
        impl #rt::Operation for #name #operation_impl

        #pagination
        #output_enum
    }
}

/// What an operation's inputs (parameters, then the body) put in its struct and impls.
#[derive(Default)]
struct Inputs {
    /// The struct's fields.
    fields: Vec<TokenStream>,
    /// The arguments of `new`: the required inputs.
    params: Vec<TokenStream>,
    /// `new`'s field initialisers.
    inits: Vec<TokenStream>,
    /// One setter per optional input.
    setters: Vec<TokenStream>,
    /// The statements of `Operation::write` that put each input on the request.
    writes: Vec<TokenStream>,
}

fn inputs(api: &Api, op: &Operation) -> Inputs {
    let mut inputs = Inputs::default();
    for p in &op.params {
        param_input(api, p, &mut inputs);
    }
    if let Some(body) = &op.body {
        body_input(api, body, &mut inputs);
    }
    inputs
}

fn param_input(api: &Api, p: &Param, inputs: &mut Inputs) {
    let rt = rt();
    let field = ident(&p.name);
    let ty = type_tokens(api, &p.ty, Paths::Crate);
    let docs = doc_attrs_or(p.docs.as_deref(), &format!("The `{}` parameter.", p.wire));
    let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
    let wire = p.wire.as_str();
    // A required single-value parameter is filled in; an optional one is still a choice.
    let constant = p.required && is_constant(api, &p.ty);
    if p.required || constant {
        let default = constant.then(|| serde_attr(quote!(default)));
        inputs.fields.push(quote! { #docs #deprecated #default pub #field: #ty, });
        if constant {
            inputs.inits.push(quote!(#field: Default::default()));
        } else {
            inputs.params.push(quote!(#field: impl Into<#ty>));
            inputs.inits.push(quote!(#field: #field.into()));
        }
    } else {
        let serde = serde_attr(quote!(default, skip_serializing_if = "Option::is_none"));
        inputs.fields.push(quote! {
            #docs #deprecated
            #serde
            pub #field: Option<#ty>,
        });
        inputs.inits.push(quote!(#field: None));
        inputs.setters.push(quote! {
            #docs #deprecated
            pub fn #field(mut self, #field: impl Into<#ty>) -> Self {
                self.#field = Some(#field.into());
                self
            }
        });
    }
    inputs.writes.push(match p.location {
        ParamLocation::Path => quote!(request.path_param(#wire, &self.#field)?;),
        ParamLocation::Query(style) => {
            let style = match style {
                QueryStyle::Form { explode } => quote!(#rt::QueryStyle::Form { explode: #explode }),
                QueryStyle::DeepObject => quote!(#rt::QueryStyle::DeepObject),
            };
            quote!(request.query(#wire, &self.#field, #style)?;)
        }
        ParamLocation::Header => {
            let wire = wire.to_ascii_lowercase();
            quote!(request.header(#wire, &self.#field)?;)
        }
    });
}

fn body_input(api: &Api, body: &Body, inputs: &mut Inputs) {
    let field = ident(&body.name);
    let ty = type_tokens(api, &body.ty, Paths::Crate);
    if body.required {
        inputs.fields.push(quote! { #[doc = " The request body."] pub #field: #ty, });
        inputs.params.push(quote!(#field: impl Into<#ty>));
        inputs.inits.push(quote!(#field: #field.into()));
    } else {
        let serde = serde_attr(quote!(default, skip_serializing_if = "Option::is_none"));
        inputs.fields.push(quote! {
            #[doc = " The request body."]
            #serde
            pub #field: Option<#ty>,
        });
        inputs.inits.push(quote!(#field: None));
        inputs.setters.push(quote! {
            #[doc = " The request body."]
            pub fn #field(mut self, #field: impl Into<#ty>) -> Self {
                self.#field = Some(#field.into());
                self
            }
        });
    }
    inputs.writes.push(body_write(api, body));
}

/// The body (braces included) of the operation's `Operation` impl; `write_body` is what
/// `write` does once the request is checked for use.
fn operation_impl(api: &Api, op: &Operation, write_body: TokenStream) -> TokenStream {
    let rt = rt();
    let output_ty = output_tokens(api, &op.output);
    let decode = decode_tokens(&op.output);
    let accept = match &op.output {
        Output::Text => quote!(
            const ACCEPT: &'static str = "text/plain";
        ),
        Output::Bytes(media) => quote!(const ACCEPT: &'static str = #media;),
        // No body is declared: whatever comes is not read, so its type is not checked.
        Output::Empty => quote!(
            const RESPONSE_MEDIA_TYPE: Option<&'static str> = None;
        ),
        _ => TokenStream::new(),
    };
    // A redirect is read from the status and `Location`, not from a body.
    let decode_response = matches!(op.output, Output::Redirect).then(|| {
        quote! {
            #[inline]
            fn decode_response(
                status: #rt::http::StatusCode,
                headers: &#rt::http::HeaderMap,
                body: &[u8],
            ) -> Result<Self::Output, #rt::Error> {
                #rt::decode::redirect(status, headers, body)
            }
        }
    });
    let id = &op.id;
    let method = ident(op.http_method.as_str());
    let path = &op.path;
    let writes_used = if op.params.is_empty() && op.body.is_none() { quote!(let _ = request;) } else { TokenStream::new() };
    quote! {
        {
            type Output = #output_ty;
            const OPERATION_ID: &'static str = #id;
            const METHOD: #rt::http::Method = #rt::http::Method::#method;
            const PATH: &'static str = #path;
            const INTERCOM_VERSION: &'static str = crate::INTERCOM_VERSION;
            #accept

            // Inline: compiled where the operation is used, not for every operation of the crate.
            #[inline]
            fn write(&self, request: &mut #rt::RequestParts) -> Result<(), #rt::Error> {
                #writes_used
                #write_body
            }

            #[inline]
            fn decode(status: #rt::http::StatusCode, body: &[u8]) -> Result<Self::Output, #rt::Error> {
                #decode
            }
            #decode_response
        }
    }
}

fn is_constant(api: &Api, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(id) if matches!(api.get(*id).kind, TypeKind::Constant { .. }))
}

fn operation_docs(op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim());
        text.push_str("\n\n");
    }
    if let Some(docs) = &op.docs {
        text.push_str(docs.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}` (operationId `{}`", op.http_method, op.path, op.id));
    if !op.tags.is_empty() {
        text.push_str(&format!("; tags: {}", op.tags.join(", ")));
    }
    text.push(')');
    if let Some(p) = &op.pagination {
        text.push_str(&format!(
            "\n\nPaginated ({}): walk every page with `Client::pages` or every result with `Client::items`.",
            p.style.label()
        ));
    }
    doc_attrs(Some(&text))
}

/// How the body goes on the wire.
fn body_write(api: &Api, body: &Body) -> TokenStream {
    let rt = rt();
    let field = ident(&body.name);
    match body.media {
        BodyMedia::Json => quote!(request.json(&self.#field)?;),
        BodyMedia::Multipart => {
            let parts: Vec<TokenStream> = match &body.ty {
                TypeRef::Named(id) => match &api.get(*id).kind {
                    TypeKind::Struct(s) => s.fields.iter().map(multipart_part).collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let fill = quote! {
                let mut form = #rt::Multipart::new();
                #(#parts)*
                request.multipart(form);
            };
            if body.required {
                quote! { { let body = &self.#field; #fill } }
            } else {
                quote! { if let Some(body) = &self.#field { #fill } }
            }
        }
    }
}

fn multipart_part(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let wire = f.wire.as_str();
    let file_name = Literal::string(wire);
    if f.ty == TypeRef::Bytes {
        match f.presence {
            Presence::Required => quote!(form.file(#wire, #file_name, &body.#name);),
            Presence::Patch => quote! {
                if let Some(bytes) = body.#name.as_option() { form.file(#wire, #file_name, bytes); }
            },
            _ => quote! {
                if let Some(bytes) = &body.#name { form.file(#wire, #file_name, bytes); }
            },
        }
    } else if f.presence == Presence::Patch {
        quote!(form.text(#wire, &body.#name.as_option())?;)
    } else {
        quote!(form.text(#wire, &body.#name)?;)
    }
}

pub(super) fn output_tokens(api: &Api, output: &Output) -> TokenStream {
    match output {
        Output::Empty => quote!(()),
        Output::Text => quote!(String),
        Output::Bytes(_) => quote!(Vec<u8>),
        Output::Redirect => quote!(::intercom_api_runtime::Redirect),
        Output::Json(ty) => type_tokens(api, ty, Paths::Crate),
        Output::ByStatus { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

fn decoder(output: &Output) -> TokenStream {
    let rt = rt();
    match output {
        Output::Empty => quote!(#rt::decode::empty),
        Output::Text => quote!(#rt::decode::text),
        Output::Bytes(_) => quote!(#rt::decode::bytes),
        // Only a redirect answers; `decode_response` reads it, so a body is never expected.
        Output::Redirect => quote!(#rt::decode::unexpected),
        _ => quote!(#rt::decode::json),
    }
}

fn decode_tokens(output: &Output) -> TokenStream {
    let rt = rt();
    match output {
        Output::ByStatus { name, variants } => {
            let name = ident(name);
            let arms = variants.iter().map(|v| {
                let status = v.status;
                let variant = ident(&v.name);
                let decode = decoder(&v.output);
                match *v.output {
                    Output::Empty => quote!(#status => #decode(status, body).map(|()| #name::#variant),),
                    _ => quote!(#status => #decode(status, body).map(#name::#variant),),
                }
            });
            quote! {
                match status.as_u16() {
                    #(#arms)*
                    _ => #rt::decode::unexpected(status, body),
                }
            }
        }
        other => {
            let decode = decoder(other);
            quote!(#decode(status, body))
        }
    }
}

fn status_enum(api: &Api, op_name: &str, name: &str, variants: &[StatusVariant]) -> TokenStream {
    let name = ident(name);
    let doc = format!(" The success responses of [`{op_name}`], by status.");
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = format!(" `{}`", v.status);
        match &*v.output {
            Output::Empty => quote!(#[doc = #doc] #variant,),
            other => {
                let ty = output_tokens(api, other);
                quote!(#[doc = #doc] #variant(#ty),)
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}
