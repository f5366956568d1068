//! The test harness's generated code, apart from the product: per version, the example
//! checker (decode and re-encode each spec example through its type) and the contract calls
//! (every operation once, built from its sample), and the registries that wire every version
//! into `tests/tests/examples.rs` and `contract.rs`. It reads the IR, and the spec document for
//! the samples ([`samples`]), and emits through the same formatting as the crates, into
//! `tests/generated/`. The crate that compiles every fixture spec's output is built here too
//! ([`fixtures`]).

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use proc_macro2::Literal;
use quote::quote;

use crate::emit::{Paths, absolute_path, format_file, ident, type_tokens};
use crate::ir::*;

pub mod fixtures;
pub mod samples;

/// A function `check(key, value)` that round-trips `value` through the Rust type named by
/// `key` ([`Api::rust_type`]), for every type that has an example. Used by the example test;
/// `crate_path` is where the test reaches the version (`intercom_api::v2_12`).
pub fn example_checker(api: &Api, crate_path: &str, header: &str) -> Result<String, String> {
    let mut arms = BTreeMap::new();
    for example in &api.examples {
        arms.entry(api.rust_type(&example.ty))
            .or_insert_with(|| (type_tokens(api, &example.ty, Paths::External(crate_path)), example.ty.is_lenient()));
    }
    // A scalar example stands for a field's value, which decodes leniently.
    let arms = arms.iter().map(|(key, (ty, lenient))| {
        let check = if *lenient { quote!(roundtrip_lenient) } else { quote!(roundtrip) };
        quote!(#key => Some(super::#check::<#ty>(value, expected)),)
    });
    format_file(
        header,
        quote! {
            #[doc = " Decodes `value` as the type named `key` and compares its encoding with `expected`; `None` for an unknown key."]
            pub fn check(key: &str, value: &::serde_json::Value, expected: &::serde_json::Value) -> Option<super::Outcome> {
                match key {
                    #(#arms)*
                    _ => None,
                }
            }
        },
    )
}

/// `call_all(harness)`: every operation once, built from its sample (valid inputs taken from
/// the spec's examples in `openapi`, the document `api` was lowered from; see [`samples`]) and
/// sent through the harness. Used by the contract test.
pub fn contract_calls(api: &Api, openapi: &OpenAPI, crate_path: &str, header: &str) -> Result<String, String> {
    let krate = absolute_path(crate_path);
    let calls = api.operations.iter().map(|op| {
        let name = ident(&op.name);
        let id = &op.id;
        let sample = samples::operation_sample(openapi, op);
        let repairs = Literal::usize_unsuffixed(sample.repairs.len());
        let sample = serde_json::Value::Object(sample.values).to_string();
        let has_success = op.has_success;
        quote!(harness.call::<#krate::operations::#name>(#id, #sample, #repairs, #has_success).await;)
    });
    let count = Literal::usize_unsuffixed(api.operations.len());
    format_file(
        header,
        quote! {
            #[doc = " How many operations the version has."]
            pub const OPERATIONS: usize = #count;

            #[doc = " Calls every operation once through `harness`."]
            pub async fn call_all(harness: &mut super::Harness) {
                #(#calls)*
            }
        },
    )
}

/// One version as the test harness sees it: its module name and Intercom version id.
pub struct HarnessVersion<'a> {
    /// The version's module in the facade (`v2_12`), which also names its generated test files.
    pub module: &'a str,
    /// The project's id for the version (`2.12`), passed to the contract test's `run`.
    pub id: &'a str,
}

/// The example test's registry (`tests/generated/examples.rs`): every version's checker
/// module, and `checker(module)` to pick one. Adding a version adds its line here.
pub fn example_registry(versions: &[HarnessVersion], header: &str) -> Result<String, String> {
    let mods = versions.iter().map(|v| {
        let module = ident(v.module);
        let file = format!("{}.rs", v.module);
        quote!(#[path = #file] mod #module;)
    });
    let arms = versions.iter().map(|v| {
        let (key, module) = (v.module, ident(v.module));
        quote!(#key => Some(#module::check),)
    });
    format_file(
        header,
        quote! {
            use super::{roundtrip, roundtrip_lenient, Outcome};

            #(#mods)*

            #[doc = " A version's example checker: `check(type key, example, expected encoding)`."]
            pub type Checker = fn(&str, &::serde_json::Value, &::serde_json::Value) -> Option<Outcome>;

            #[doc = " The checker of the version module `module`, `None` for one that is not generated."]
            pub fn checker(module: &str) -> Option<Checker> {
                match module {
                    #(#arms)*
                    _ => None,
                }
            }
        },
    )
}

/// The contract test's registry (`tests/generated/contract.rs`): every version's calls and
/// its two tests (Prism static and dynamic).
pub fn contract_registry(versions: &[HarnessVersion], header: &str) -> Result<String, String> {
    let module_of = |v: &HarnessVersion| ident(&format!("contract_{}", v.module));
    let mods = versions.iter().map(|v| {
        let module = module_of(v);
        let file = format!("contract_{}.rs", v.module);
        quote!(#[path = #file] mod #module;)
    });
    let arms = versions.iter().map(|v| {
        let (key, module) = (v.module, module_of(v));
        quote!(#key => #module::call_all(harness).await,)
    });
    let tests = versions.iter().map(|v| {
        let (key, id, module) = (v.module, v.id, module_of(v));
        let fixed = ident(&format!("{}_static", v.module));
        let dynamic = ident(&format!("{}_dynamic", v.module));
        quote! {
            #[test]
            fn #fixed() {
                run(#id, #key, false, #module::OPERATIONS);
            }

            #[test]
            fn #dynamic() {
                run(#id, #key, true, #module::OPERATIONS);
            }
        }
    });
    format_file(
        header,
        quote! {
            use super::{run, Harness};

            #(#mods)*

            #[doc = " Calls every operation of the version module `module` through `harness`."]
            pub async fn call_all(module: &str, harness: &mut Harness) {
                match module {
                    #(#arms)*
                    other => panic!("no contract calls are generated for {other}: run `cargo xtask regenerate`"),
                }
            }

            #(#tests)*
        },
    )
}
