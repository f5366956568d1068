//! Loading and lowering one description: [`spec`](crate::spec) then [`lower`](crate::lower),
//! with what was found on the way. The document is kept beside the IR for the test harness,
//! which builds its samples from the spec's examples; the product reads only the IR.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::{ir, lower, overlay, spec};

/// A lowered spec with what was found on the way.
pub struct Lowered {
    /// The IR.
    pub api: ir::Api,
    /// The document the IR was lowered from (overlay applied, `$ref`s normalised): read only by
    /// the test harness ([`harness::samples`](crate::harness::samples)).
    pub openapi: openapiv3::OpenAPI,
    /// The warnings found (an error would have stopped lowering).
    pub diagnostics: Vec<Diagnostic>,
    /// The overlay patches applied, in order.
    pub applied: Vec<overlay::Applied>,
    /// How many schema `$ref`s had their sibling keywords kept by wrapping them in `allOf` (see
    /// [`spec::Spec::wrapped_refs`]).
    pub wrapped_refs: usize,
}

/// Loads and lowers a description. Errors stop it; warnings come back with the IR.
pub fn lower_bytes(
    bytes: &[u8],
    overlay: Option<&overlay::Overlay>,
    id: &str,
    intercom_version: Option<&str>,
) -> Result<Lowered, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let Some(spec) = spec::load(bytes, overlay, &mut diags) else { return Err(diags.into_items()) };
    let api = lower::lower(&spec.openapi, &lower::VersionInput { id, intercom_version }, &mut diags);
    if diags.has_errors() {
        return Err(diags.into_items());
    }
    Ok(Lowered { api, openapi: spec.openapi, diagnostics: diags.into_items(), applied: spec.applied, wrapped_refs: spec.wrapped_refs })
}
