//! The `Paginated` impl of a list operation: how to take a page's items, and how to make the
//! request for the next page from the cursor or page number the page holds.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::rt;
use super::{Paths, ident, type_tokens};
use crate::ir::*;

/// `impl Paginated` for the operation `op`, which pages as `p` says.
pub(super) fn paginated_impl(api: &Api, op: &Operation, p: &Pagination) -> TokenStream {
    let rt = rt();
    let name = ident(&op.name);
    let item = type_tokens(api, &p.item, Paths::Crate);
    let nullable_page = matches!(&op.output, Output::Json(TypeRef::Nullable(_)));
    let items_field = ident(&p.items[0].field);
    let optional_items = p.items[0].presence != Presence::Required;
    let take = if optional_items { quote!(page.#items_field.unwrap_or_default()) } else { quote!(page.#items_field) };
    let count = if optional_items { quote!(page.#items_field.as_ref().map_or(0, Vec::len)) } else { quote!(page.#items_field.len()) };
    let (take, count, page_ref) = if nullable_page {
        (
            quote! { let Some(page) = page else { return Vec::new() }; #take },
            quote! { let Some(page) = page else { return 0 }; #count },
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

            fn items(page: Self::Output) -> Vec<Self::Item> {
                #take
            }

            fn item_count(page: &Self::Output) -> usize {
                #count
            }

            fn next_page(&self, page: &Self::Output) -> Option<Self> {
                let value = #next_value;
                let mut next = self.clone();
                #assign
                Some(next)
            }
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
                quote!(#expr.#field.get_or_insert_with(Default::default))
            }
            (Presence::Optional | Presence::RequiredNullable, false) => quote!(#expr.#field.as_mut()?),
            (Presence::Patch, true) => quote!(#expr.#field.get_or_insert_default()),
            (Presence::Patch, false) => quote!(#expr.#field.as_option_mut()?),
        };
    }
    let field = ident(&last.field);
    match last.presence {
        Presence::Required | Presence::Constant => quote!(#expr.#field = #value;),
        Presence::Optional | Presence::RequiredNullable => quote!(#expr.#field = Some(#value);),
        Presence::Patch => quote!(#expr.#field = #rt::Patch::Value(#value);),
    }
}
