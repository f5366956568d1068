//! Any bytes as a spec: the generator must report problems, never panic, and whatever it emits
//! must parse with `syn` and format with `prettyplease` (emission returns an error otherwise).
#![no_main]

use intercom_codegen::{emit, lower_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(lowered) = lower_bytes(data, None, "fuzz", None) {
        let header = emit::rust_header("fuzz", "");
        if let Err(message) = emit::version_crate(&lowered.api, emit::CrateSetup::member("fuzz"), &header, &header) {
            panic!("emitted code does not parse: {message}");
        }
    }
});
