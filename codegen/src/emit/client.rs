//! `client.rs` of a version's crate: its `Client`, with one accessor per tag returning a group
//! whose methods are the tag's operations.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{output_tokens, rt};
use super::{format_file, gate_attr, ident};
use crate::ir::*;

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
        let (accessor_fn, group_item) = tag_group(api, index, tag_def);
        accessor_fns.push(accessor_fn);
        group_items.push(group_item);
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
                pub fn builder(token: impl Into<String>) -> #rt::ClientBuilder<Client> {
                    #rt::ClientBuilder::new(token)
                }

                #(#accessor_fns)*
            }

            impl From<#rt::Client> for Client {
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

/// The client's accessor for the tag `tag_def` (index `index` in [`Api::tags`]), and the group
/// type it returns, with one method per operation of the tag.
fn tag_group(api: &Api, index: usize, tag_def: &Tag) -> (TokenStream, TokenStream) {
    let rt = rt();
    let tag = tag_def.name.as_str();
    let gate = gate_attr(api, &Gate::Tags(vec![index]));
    let accessor = ident(&tag_def.accessor);
    let group = ident(&tag_def.group);
    let accessor_doc = format!(" The operations tagged “{tag}”.");
    let accessor_fn = quote! {
        #[doc = #accessor_doc]
        #gate
        pub fn #accessor(&self) -> #group<'_> {
            #group(&self.inner)
        }
    };
    let methods = tag_def.methods.iter().map(|named| group_method(api, named));
    let group_doc = format!(" The operations tagged “{tag}”; get it with [`Client::{accessor}`].");
    let group_item = quote! {
        #[doc = #group_doc]
        #gate
        #[derive(Debug, Clone, Copy)]
        pub struct #group<'a>(&'a #rt::Client);

        #gate
        impl<'a> #group<'a> {
            #(#methods)*
        }
    };
    (accessor_fn, group_item)
}

/// A group's method for one operation: takes the operation, sends it, returns its output.
fn group_method(api: &Api, named: &GroupMethod) -> TokenStream {
    let rt = rt();
    let op = &api.operations[named.operation];
    let method = ident(&named.name);
    let op_name = ident(&op.name);
    let output = match &op.output {
        Output::ByStatus { name, .. } => {
            let name = ident(name);
            quote!(crate::operations::#name)
        }
        other => output_tokens(api, other),
    };
    let summary = op.summary.clone().unwrap_or_else(|| format!("`{} {}`", op.http_method, op.path));
    let doc = format!(" {} (see [`{}`](crate::operations::{})).", summary.trim().trim_end_matches('.'), op.name, op.name);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #[doc = #doc]
        #deprecated
        pub fn #method(&self, operation: crate::operations::#op_name)
            -> impl Future<Output = Result<#output, #rt::Error>> + Send + use<'a> {
            self.0.send_owned(operation)
        }
    }
}
