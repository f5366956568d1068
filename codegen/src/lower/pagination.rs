//! Finds how list operations paginate, from the structure of their inputs and output alone.
//!
//! | style       | the operation takes                  | the page has                    |
//! |-------------|--------------------------------------|---------------------------------|
//! | search      | body `pagination.starting_after`     | `pages.next.starting_after`     |
//! | scroll      | query `scroll_param`                 | `scroll_param`                  |
//! | cursor      | query `starting_after`               | `pages.next.starting_after`     |
//! | page number | query `page`                         | `pages.page`, `pages.total_pages` |
//!
//! and every style needs one list of results on the page (the only array, else `data`).
//! An output that looks like a page but whose operation takes no cursor or page is reported.

use crate::diagnostics::Diagnostics;
use crate::ir::*;

pub(super) fn detect(types: &[TypeDef], operations: &mut [Operation], diags: &mut Diagnostics) {
    for op in operations.iter_mut() {
        op.pagination = detect_one(types, op, diags);
    }
}

fn detect_one(types: &[TypeDef], op: &Operation, diags: &mut Diagnostics) -> Option<Pagination> {
    let Output::Json(output) = &op.output else { return None };
    let page = struct_of(types, output)?;
    let pages = field(page, "pages");
    let pages_struct = pages.and_then(|f| struct_of(types, &f.ty));
    let next = pages_struct.and_then(|p| field(p, "next"));
    let next_cursor =
        next.and_then(|n| struct_of(types, &n.ty)).and_then(|n| field(n, "starting_after")).filter(|f| is_string(types, &f.ty));
    let scroll = field(page, "scroll_param").filter(|f| is_string(types, &f.ty));
    let query = |wire: &str| op.params.iter().find(|p| p.wire == wire && matches!(p.location, ParamLocation::Query(_)));
    let body_cursor = op.body.as_ref().and_then(|body| {
        let body_struct = struct_of(types, &body.ty)?;
        let pagination = field(body_struct, "pagination")?;
        let pagination_struct = struct_of(types, &pagination.ty)?;
        let cursor = field(pagination_struct, "starting_after").filter(|f| is_string(types, &f.ty))?;
        Some((body, body_struct.defaultable, pagination, pagination_struct.defaultable, cursor))
    });

    let step = |f: &Field| Step { field: f.name.clone(), presence: f.presence, fill: false };
    let param_step =
        |p: &Param| Step { field: p.name.clone(), presence: if p.required { Presence::Required } else { Presence::Optional }, fill: false };
    let cursor_path = || Some(vec![step(pages?), step(next?), step(next_cursor?)]);

    let (style, next_path, total, target) = if let (Some((body, body_default, pagination, pagination_default, cursor)), Some(next)) =
        (body_cursor, cursor_path())
    {
        // A search without a body has no query to page through; a missing `pagination` is made.
        let body_step = Step {
            field: body.name.clone(),
            presence: if body.required { Presence::Required } else { Presence::Optional },
            fill: body_default,
        };
        let pagination_step = Step { fill: pagination_default, ..step(pagination) };
        (PaginationStyle::Search, next, Vec::new(), vec![body_step, pagination_step, step(cursor)])
    } else if let (Some(param), Some(scroll)) = (query("scroll_param"), scroll) {
        (PaginationStyle::Scroll, vec![step(scroll)], Vec::new(), vec![param_step(param)])
    } else if let (Some(param), Some(next)) = (query("starting_after"), cursor_path()) {
        (PaginationStyle::Cursor, next, Vec::new(), vec![param_step(param)])
    } else if let (Some(param), Some(pages_struct), Some(pages)) = (query("page").filter(|p| p.ty == TypeRef::Integer), pages_struct, pages)
    {
        let current = field(pages_struct, "page").filter(|f| f.ty == TypeRef::Integer)?;
        let total = field(pages_struct, "total_pages").filter(|f| f.ty == TypeRef::Integer)?;
        (PaginationStyle::PageNumber, vec![step(pages), step(current)], vec![step(pages), step(total)], vec![param_step(param)])
    } else {
        if pages.is_some() || scroll.is_some() {
            diags.warn(
                &op.pointer,
                "the response is a page (`pages`), but the operation takes no `starting_after`, `page`, `scroll_param` or body \
                 `pagination`; it is not paginated. Declare the parameter in the spec (or the version's overlay) to page it.",
            );
        }
        return None;
    };

    let lists: Vec<&Field> = page.fields.iter().filter(|f| matches!(f.ty, TypeRef::List(_))).collect();
    let items = match lists.as_slice() {
        [only] => *only,
        several => match several.iter().find(|f| f.wire == "data") {
            Some(data) => *data,
            None => {
                diags.warn(&op.pointer, format!("the {} page has no single list of results; it is not paginated.", style.label()));
                return None;
            }
        },
    };
    let TypeRef::List(item) = &items.ty else { return None };
    Some(Pagination { style, items: vec![step(items)], item: (**item).clone(), next: next_path, total, target })
}

fn struct_of<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t Struct> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            TypeRef::Nullable(inner) => ty = inner,
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Struct(s) => return Some(s),
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

fn is_string(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String => true,
        TypeRef::Nullable(inner) => is_string(types, inner),
        TypeRef::Named(id) => matches!(&types[id.0].kind, TypeKind::Alias(t) if is_string(types, t)),
        _ => false,
    }
}

fn field<'s>(s: &'s Struct, wire: &str) -> Option<&'s Field> {
    s.fields.iter().find(|f| f.wire == wire)
}
