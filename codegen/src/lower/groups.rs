//! Naming the operations' homes: per tag, the `operations` module file its operations live in,
//! the client accessor (`client.contacts()`), the group type it returns (`Contacts`) and the
//! group's method per operation. Decided here, once, after usage analysis has gated every
//! operation; emission only reads the names.

use std::collections::BTreeMap;

use crate::ir::{Api, Gate, GroupMethod, ROOT_CLIENT_REEXPORTS, ROOT_REEXPORTS};
use crate::naming::{self, Namespace};

/// Names every tag's module, accessor, group type and methods.
pub fn name(api: &mut Api) {
    name_modules(api);
    name_client_groups(api);
}

/// An operation lives in the module of its first tag; modules are claimed in the order tags
/// first appear, so adding an operation never renames an existing module.
fn name_modules(api: &mut Api) {
    let mut names = Namespace::default();
    names.reserve(["mod"]);
    let mut module_of: BTreeMap<String, String> = BTreeMap::new();
    for op in &api.operations {
        let tag = op.first_tag();
        if !module_of.contains_key(tag) {
            let (module, _) = names.claim(&[naming::module_name(tag)]);
            module_of.insert(tag.to_owned(), module);
        }
    }
    for tag in &mut api.tags {
        tag.module = module_of.remove(&tag.name);
    }
}

/// Accessors must not shadow the runtime client's methods (the generated client dereferences
/// to it) nor the generated client's own `new` and `inner`; group types take no prelude name
/// nor the name of a runtime item the crate root re-exports, which would hide them from its
/// `pub use client::*`. Groups are claimed in tag-name order, each group's methods in
/// operation order.
fn name_client_groups(api: &mut Api) {
    let mut accessors = Namespace::default();
    accessors.reserve(intercom_api_runtime::CLIENT_METHODS.iter().chain(&["inner", "new"]).copied());
    let mut group_types = Namespace::for_types();
    group_types.reserve(["Client"].iter().chain(ROOT_REEXPORTS).chain(ROOT_CLIENT_REEXPORTS).copied());
    let mut order: Vec<usize> = (0..api.tags.len()).collect();
    order.sort_by(|a, b| api.tags[*a].name.cmp(&api.tags[*b].name));
    for index in order {
        let tag_name = api.tags[index].name.clone();
        let (accessor, _) = accessors.claim(&[naming::field_name(&tag_name)]);
        let type_name = naming::type_name(&tag_name);
        let (group, _) = group_types.claim(&[type_name.clone(), format!("{type_name}Operations")]);
        let mut methods_ns = Namespace::default();
        let methods = api
            .operations
            .iter()
            .enumerate()
            .filter(|(_, op)| matches!(&op.gate, Gate::Tags(tags) if tags.contains(&index)))
            .map(|(operation, op)| GroupMethod { operation, name: methods_ns.claim(std::slice::from_ref(&op.rust_method)).0 })
            .collect();
        let tag = &mut api.tags[index];
        tag.accessor = accessor;
        tag.group = group;
        tag.methods = methods;
    }
}
