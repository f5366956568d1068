//! Emission of operations (one plain struct and one small `impl` each) and of the client's
//! tag groups. All behaviour is in `intercom-api-runtime`; this only says which field goes
//! where.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Paths, doc_attrs, doc_attrs_or, format_file, format_in_parallel, gate_attr, ident, type_tokens};
use crate::ir::*;
use crate::output::GeneratedFile;

/// The runtime crate, by absolute path.
fn rt() -> TokenStream {
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
    let groups: Vec<(&str, &Vec<&Operation>)> = by_module.iter().map(|(m, ops)| (*m, ops)).collect();
    files.extend(format_in_parallel(&groups, |(module, ops)| {
        let items = ops.iter().map(|op| operation_item(api, op));
        Ok(GeneratedFile::new(format!("{module}.rs"), format_file(header, quote!(#(#items)*))?))
    })?);
    for (module, ops) in &by_module {
        let module_ident = ident(module);
        let mut file_tags: Vec<usize> = ops.iter().flat_map(|op| gate_tags(&op.gate)).copied().collect();
        file_tags.sort_unstable();
        file_tags.dedup();
        let file_gate = gate_attr(api, &Gate::Tags(file_tags));
        let uses = ops.iter().map(|op| {
            let gate = gate_attr(api, &op.gate);
            let output = match &op.output {
                Output::ByStatus { name, .. } => Some(ident(name)),
                _ => None,
            };
            let names = std::iter::once(ident(&op.name)).chain(output);
            quote!(#gate pub use self::#module_ident::{#(#names),*};)
        });
        mod_items.push(quote! {
            #file_gate
            mod #module_ident;
            #(#uses)*
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

fn operation_item(api: &Api, op: &Operation) -> TokenStream {
    let rt = rt();
    let name = ident(&op.name);
    let gate = gate_attr(api, &op.gate);
    let docs = operation_docs(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let mut fields = Vec::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut writes = Vec::new();
    for p in &op.params {
        let field = ident(&p.name);
        let ty = type_tokens(api, &p.ty, Paths::Crate);
        let docs = doc_attrs_or(p.docs.as_deref(), &format!("The `{}` parameter.", p.wire));
        let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
        let wire = &p.wire;
        // A required single-value parameter is filled in; an optional one is still a choice.
        let constant = p.required && is_constant(api, &p.ty);
        if p.required || constant {
            let default = constant.then(|| serde_attr(quote!(default)));
            fields.push(quote! { #docs #deprecated #default pub #field: #ty, });
            if constant {
                inits.push(quote!(#field: ::std::default::Default::default()));
            } else {
                params.push(quote!(#field: impl ::std::convert::Into<#ty>));
                inits.push(quote!(#field: #field.into()));
            }
        } else {
            let serde = serde_attr(quote!(default, skip_serializing_if = "::std::option::Option::is_none"));
            fields.push(quote! {
                #docs #deprecated
                #serde
                pub #field: ::std::option::Option<#ty>,
            });
            inits.push(quote!(#field: ::std::option::Option::None));
            setters.push(quote! {
                #docs #deprecated
                pub fn #field(mut self, #field: impl ::std::convert::Into<#ty>) -> Self {
                    self.#field = ::std::option::Option::Some(#field.into());
                    self
                }
            });
        }
        writes.push(match p.location {
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
    if let Some(body) = &op.body {
        let field = ident(&body.name);
        let ty = type_tokens(api, &body.ty, Paths::Crate);
        if body.required {
            fields.push(quote! { #[doc = " The request body."] pub #field: #ty, });
            params.push(quote!(#field: impl ::std::convert::Into<#ty>));
            inits.push(quote!(#field: #field.into()));
        } else {
            let serde = serde_attr(quote!(default, skip_serializing_if = "::std::option::Option::is_none"));
            fields.push(quote! {
                #[doc = " The request body."]
                #serde
                pub #field: ::std::option::Option<#ty>,
            });
            inits.push(quote!(#field: ::std::option::Option::None));
            setters.push(quote! {
                #[doc = " The request body."]
                pub fn #field(mut self, #field: impl ::std::convert::Into<#ty>) -> Self {
                    self.#field = ::std::option::Option::Some(#field.into());
                    self
                }
            });
        }
        writes.push(body_write(api, body));
    }
    let write_body = quote! { #(#writes)* ::std::result::Result::Ok(()) };

    let output_ty = output_tokens(api, &op.output);
    let decode = decode_tokens(&op.output);
    let output_enum = match &op.output {
        Output::ByStatus { name: enum_name, variants } => {
            let tokens = status_enum(api, &op.name, enum_name, variants);
            Some(quote!(#gate #tokens))
        }
        _ => None,
    };
    let accept = match &op.output {
        Output::Text => quote!(
            const ACCEPT: &'static str = "text/plain";
        ),
        Output::Bytes(media) => quote!(const ACCEPT: &'static str = #media;),
        // No body is declared: whatever comes is not read, so its type is not checked.
        Output::Empty => quote!(
            const RESPONSE_MEDIA_TYPE: ::std::option::Option<&'static str> = ::std::option::Option::None;
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
            ) -> ::std::result::Result<Self::Output, #rt::Error> {
                #rt::decode::redirect(status, headers, body)
            }
        }
    });
    let id = &op.id;
    let method = ident(op.method.as_str());
    let path = &op.path;
    let pagination = op.pagination.as_ref().map(|p| {
        let tokens = paginated_impl(api, op, p);
        quote!(#gate #tokens)
    });
    let writes_used = if op.params.is_empty() && op.body.is_none() { quote!(let _ = request;) } else { TokenStream::new() };

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
        impl #rt::Operation for #name {
            type Output = #output_ty;
            const OPERATION_ID: &'static str = #id;
            const METHOD: #rt::http::Method = #rt::http::Method::#method;
            const PATH: &'static str = #path;
            const INTERCOM_VERSION: &'static str = crate::INTERCOM_VERSION;
            #accept

            // Inline: compiled where the operation is used, not for every operation of the crate.
            #[inline]
            fn write(&self, request: &mut #rt::RequestParts) -> ::std::result::Result<(), #rt::Error> {
                #writes_used
                #write_body
            }

            #[inline]
            fn decode(status: #rt::http::StatusCode, body: &[u8]) -> ::std::result::Result<Self::Output, #rt::Error> {
                #decode
            }
            #decode_response
        }

        #pagination
        #output_enum
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
    text.push_str(&format!("`{} {}` (operationId `{}`", op.method, op.path, op.id));
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
                quote! { if let ::std::option::Option::Some(body) = &self.#field { #fill } }
            }
        }
    }
}

fn multipart_part(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let wire = &f.wire;
    let file_name = Literal::string(&f.wire);
    if f.ty == TypeRef::Bytes {
        match f.presence {
            Presence::Required => quote!(form.file(#wire, #file_name, &body.#name);),
            Presence::Patch => quote! {
                if let ::std::option::Option::Some(bytes) = body.#name.as_option() { form.file(#wire, #file_name, bytes); }
            },
            _ => quote! {
                if let ::std::option::Option::Some(bytes) = &body.#name { form.file(#wire, #file_name, bytes); }
            },
        }
    } else if f.presence == Presence::Patch {
        quote!(form.text(#wire, &body.#name.as_option())?;)
    } else {
        quote!(form.text(#wire, &body.#name)?;)
    }
}

fn output_tokens(api: &Api, output: &Output) -> TokenStream {
    match output {
        Output::Empty => quote!(()),
        Output::Text => quote!(::std::string::String),
        Output::Bytes(_) => quote!(::std::vec::Vec<u8>),
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

/// A read of `steps` from `root` (a reference) as an expression of type `&T`, inside a
/// function returning `Option`.
fn read_chain(root: TokenStream, steps: &[Step]) -> TokenStream {
    let mut expr = root;
    let mut place = false;
    for step in steps {
        let field = ident(&step.field);
        (expr, place) = match step.presence {
            Presence::Required | Presence::Constant => (quote!(#expr.#field), true),
            Presence::Optional | Presence::RequiredNullable => (quote!(#expr.#field.as_ref()?), false),
            Presence::Patch => (quote!(#expr.#field.as_option()?), false),
        };
    }
    if place { quote!(&#expr) } else { expr }
}

/// An assignment of `value` at `steps` under `root` (mutable), creating the parts on the way.
fn write_chain(root: TokenStream, steps: &[Step], value: TokenStream) -> TokenStream {
    let rt = rt();
    let Some((last, init)) = steps.split_last() else { return TokenStream::new() };
    let mut expr = root;
    for step in init {
        let field = ident(&step.field);
        expr = match (step.presence, step.fill) {
            (Presence::Required | Presence::Constant, _) => quote!(#expr.#field),
            (Presence::Optional | Presence::RequiredNullable, true) => {
                quote!(#expr.#field.get_or_insert_with(::std::default::Default::default))
            }
            (Presence::Optional | Presence::RequiredNullable, false) => quote!(#expr.#field.as_mut()?),
            (Presence::Patch, true) => quote!(#expr.#field.get_or_insert_default()),
            (Presence::Patch, false) => quote!(#expr.#field.as_option_mut()?),
        };
    }
    let field = ident(&last.field);
    match last.presence {
        Presence::Required | Presence::Constant => quote!(#expr.#field = #value;),
        Presence::Optional | Presence::RequiredNullable => quote!(#expr.#field = ::std::option::Option::Some(#value);),
        Presence::Patch => quote!(#expr.#field = #rt::Patch::Value(#value);),
    }
}

fn paginated_impl(api: &Api, op: &Operation, p: &Pagination) -> TokenStream {
    let rt = rt();
    let name = ident(&op.name);
    let item = type_tokens(api, &p.item, Paths::Crate);
    let nullable_page = matches!(&op.output, Output::Json(TypeRef::Nullable(_)));
    let items_field = ident(&p.items[0].field);
    let optional_items = p.items[0].presence != Presence::Required;
    let take = if optional_items { quote!(page.#items_field.unwrap_or_default()) } else { quote!(page.#items_field) };
    let count =
        if optional_items { quote!(page.#items_field.as_ref().map_or(0, ::std::vec::Vec::len)) } else { quote!(page.#items_field.len()) };
    let (take, count, page_ref) = if nullable_page {
        (
            quote! { let ::std::option::Option::Some(page) = page else { return ::std::vec::Vec::new() }; #take },
            quote! { let ::std::option::Option::Some(page) = page else { return 0 }; #count },
            quote!(page.as_ref()?),
        )
    } else {
        (take, count, quote!(page))
    };
    let style = match p.style {
        PaginationStyle::Cursor => quote!(Cursor),
        PaginationStyle::PageNumber => quote!(PageNumber),
        PaginationStyle::Scroll => quote!(Scroll),
        PaginationStyle::Search => quote!(Search),
    };
    let next_value = match p.style {
        PaginationStyle::PageNumber => {
            let current = read_chain(page_ref.clone(), &p.next);
            let total = read_chain(page_ref, &p.total);
            quote!(#rt::next_page_number(*#current, *#total)?)
        }
        _ => {
            let cursor = read_chain(page_ref, &p.next);
            quote!(#rt::non_empty(#cursor)?)
        }
    };
    let assign = write_chain(quote!(next), &p.target, quote!(value));
    quote! {
        impl #rt::Paginated for #name {
            type Item = #item;
            const STYLE: #rt::PaginationStyle = #rt::PaginationStyle::#style;

            fn items(page: Self::Output) -> ::std::vec::Vec<Self::Item> {
                #take
            }

            fn item_count(page: &Self::Output) -> usize {
                #count
            }

            fn next_page(&self, page: &Self::Output) -> ::std::option::Option<Self> {
                let value = #next_value;
                let mut next = self.clone();
                #assign
                ::std::option::Option::Some(next)
            }
        }
    }
}

/// `client.rs`: the version's `Client`, with one accessor per tag that lists the tag's
/// operations as methods.
pub fn client_module(api: &Api, header: &str) -> Result<String, String> {
    let rt = rt();
    // By tag name (the order the groups were named in); each compiled with its tag's feature.
    let mut groups: Vec<(usize, &Tag)> = api.tags.iter().enumerate().collect();
    groups.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut accessor_fns = Vec::new();
    let mut group_items = Vec::new();
    for (index, tag_def) in groups {
        let tag = tag_def.name.as_str();
        let gate = gate_attr(api, &Gate::Tags(vec![index]));
        let accessor = ident(&tag_def.accessor);
        let group = ident(&tag_def.group);
        let accessor_doc = format!(" The operations tagged “{tag}”.");
        accessor_fns.push(quote! {
            #[doc = #accessor_doc]
            #gate
            pub fn #accessor(&self) -> #group<'_> {
                #group(&self.inner)
            }
        });
        let methods = tag_def.methods.iter().map(|named| {
            let op = &api.operations[named.operation];
            let method = ident(&named.method);
            let op_name = ident(&op.name);
            let output = match &op.output {
                Output::ByStatus { name, .. } => {
                    let name = ident(name);
                    quote!(crate::operations::#name)
                }
                other => output_tokens(api, other),
            };
            let summary = op.summary.clone().unwrap_or_else(|| format!("`{} {}`", op.method, op.path));
            let doc = format!(" {} (see [`{}`](crate::operations::{})).", summary.trim().trim_end_matches('.'), op.name, op.name);
            let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #method(&self, operation: crate::operations::#op_name)
                    -> impl ::std::future::Future<Output = ::std::result::Result<#output, #rt::Error>> + ::std::marker::Send + use<'a> {
                    self.0.send_owned(operation)
                }
            }
        });
        let group_doc = format!(" The operations tagged “{tag}”; get it with [`Client::{accessor}`].");
        group_items.push(quote! {
            #[doc = #group_doc]
            #gate
            #[derive(Debug, Clone, Copy)]
            pub struct #group<'a>(&'a #rt::Client);

            #gate
            impl<'a> #group<'a> {
                #(#methods)*
            }
        });
    }
    let client_doc = format!(
        " An Intercom API {} client: the runtime [`Client`]({rt_path}) (which it dereferences to, for `send`, \
         `pages` and `items`) with the operations grouped by the spec's tags.",
        api.version.id,
        rt_path = "intercom_api_runtime::Client"
    );
    format_file(
        header,
        quote! {
            #[doc = #client_doc]
            #[derive(Debug, Clone)]
            pub struct Client {
                inner: #rt::Client,
            }

            impl Client {
                #[doc = " A client for `token`, to configure (region, timeout, retries …) and `build`."]
                pub fn builder(token: impl ::std::convert::Into<::std::string::String>) -> #rt::ClientBuilder<Client> {
                    #rt::ClientBuilder::new(token)
                }

                #(#accessor_fns)*
            }

            impl ::std::convert::From<#rt::Client> for Client {
                fn from(inner: #rt::Client) -> Self {
                    Client { inner }
                }
            }

            impl ::std::ops::Deref for Client {
                type Target = #rt::Client;

                fn deref(&self) -> &#rt::Client {
                    &self.inner
                }
            }

            #(#group_items)*
        },
    )
}
