//! The last lowering pass: which cargo features compile what, and which way each type travels.
//!
//! Both are computed from the operations by reachability, never listed by hand. A tag's
//! feature compiles the tag's operations and every type they reach through parameters, body,
//! output and pagination. Types emitted in one file are compiled together, so reaching one
//! reaches its file-mates (the shared constants excepted: they reach nothing). A type some
//! request sends always implements `Serialize`; one some response brings (or that nothing
//! sends) always implements `Deserialize`; the crate's `serialize` and `deserialize` features
//! add the other half everywhere.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::lower::CONSTANTS_MODULE;
use crate::naming::{self, Namespace};

/// Features of the generated crate that tags must not take.
const RESERVED_FEATURES: [&str; 5] = ["default", "client", "full", "serialize", "deserialize"];

pub fn analyse(api: &mut Api) {
    api.tags = tags(api);
    for op in &mut api.operations {
        let mut indices: Vec<usize> = op.tags_or_untagged().filter_map(|name| api.tags.iter().position(|t| t.name == name)).collect();
        indices.sort_unstable();
        indices.dedup();
        op.gate = Gate::Tags(indices);
    }

    let mut siblings: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
    for (index, def) in api.types.iter().enumerate() {
        if def.module != CONSTANTS_MODULE {
            siblings.entry(def.module.as_str()).or_default().push(TypeId(index));
        }
    }
    let edges: Vec<Vec<TypeId>> = (0..api.types.len()).map(|i| api.edges(TypeId(i)).into_iter().map(|(t, _)| t).collect()).collect();

    // Per tag, every type its operations reach, with file-mates.
    let mut reached_by: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    for (tag, counted) in api.tags.iter_mut().enumerate() {
        let mut stack = Vec::new();
        for op in &api.operations {
            if matches!(&op.gate, Gate::Tags(t) if t.contains(&tag)) {
                counted.operation_count += 1;
                roots(op, Direction::Both, &mut stack);
            }
        }
        while let Some(t) = stack.pop() {
            if reached_by[t.0].insert(tag) {
                counted.type_count += 1;
                stack.extend(edges[t.0].iter().copied());
                if let Some(mates) = siblings.get(api.types[t.0].module.as_str()) {
                    stack.extend(mates.iter().copied());
                }
            }
        }
    }

    let sent = closure(api, Direction::Sent, Vec::new());
    // What nothing sends is received, and so is everything it holds.
    let unsent = (0..api.types.len()).map(TypeId).filter(|t| !sent.contains(t)).collect();
    let received = closure(api, Direction::Received, unsent);
    for (index, def) in api.types.iter_mut().enumerate() {
        let gate = if def.module == CONSTANTS_MODULE {
            Gate::Always
        } else if reached_by[index].is_empty() {
            Gate::Full
        } else {
            Gate::Tags(reached_by[index].iter().copied().collect())
        };
        def.usage = Usage { gate, sent: sent.contains(&TypeId(index)), received: received.contains(&TypeId(index)) };
    }
}

/// The tags by feature name, each feature unique (clashes resolved in order of first use).
fn tags(api: &Api) -> Vec<Tag> {
    let mut features = Namespace::for_features();
    features.reserve(RESERVED_FEATURES);
    let mut out: Vec<Tag> = Vec::new();
    for op in &api.operations {
        for name in op.tags_or_untagged() {
            if out.iter().any(|t| t.name == name) {
                continue;
            }
            let (feature, _) = features.claim(&[naming::feature_name(name)]);
            out.push(Tag { name: name.to_owned(), feature, ..Tag::default() });
        }
    }
    out.sort_by(|a, b| a.feature.cmp(&b.feature));
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Sent,
    Received,
    Both,
}

/// The named types an operation uses directly, in one direction.
fn roots(op: &Operation, direction: Direction, out: &mut Vec<TypeId>) {
    let mut add = |ty: &TypeRef| ty.visit_named(&mut |t| out.push(t));
    if direction != Direction::Received {
        op.params.iter().for_each(|p| add(&p.ty));
        if let Some(body) = &op.body {
            add(&body.ty);
        }
    }
    if direction != Direction::Sent {
        let mut outputs = vec![&op.output];
        while let Some(output) = outputs.pop() {
            match output {
                Output::Json(ty) => add(ty),
                Output::ByStatus { variants, .. } => outputs.extend(variants.iter().map(|v| &*v.output)),
                Output::Empty | Output::Text | Output::Bytes(_) | Output::Redirect => {}
            }
        }
        if let Some(p) = &op.pagination {
            add(&p.item);
        }
    }
}

/// Every type some operation's input (or output), or one of `seeds`, reaches.
fn closure(api: &Api, direction: Direction, mut seeds: Vec<TypeId>) -> BTreeSet<TypeId> {
    for op in &api.operations {
        roots(op, direction, &mut seeds);
    }
    crate::ir::reachable(&api.types, seeds, false)
}
