//! The generator behind the `intercom-api` crates.
//!
//! One direction of flow, one module per stage:
//! [`pins`] (which files) → [`spec`] (load, overlay, resolve) → [`lower`] (all naming and
//! typing decisions, producing the [`ir`]) → [`emit`] (tokens → syn → prettyplease) →
//! [`output`] (write or check the owned folders). See ARCHITECTURE.md at the workspace root.
//!
//! This file is the orchestration: one pinned version ([`generate_version`]), any description
//! ([`generate_crate`]), and everything at once ([`regenerate`]). The workspace ([`Workspace`]),
//! the error ([`Error`]), loading and lowering ([`lower_bytes`]) and the test harness
//! ([`harness`]) have modules of their own.

#![deny(missing_docs)]

pub mod diagnostics;
pub mod diff;
pub mod drift;
pub mod emit;
mod error;
pub mod fern;
pub mod harness;
pub mod ir;
mod load;
pub mod lower;
pub mod naming;
pub mod output;
pub mod overlay;
pub mod pins;
pub mod spec;
mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use diagnostics::Diagnostic;
pub use error::Error;
pub use load::{Lowered, lower_bytes};
use output::{GeneratedFile, Tree};
use pins::Pin;
pub use workspace::Workspace;

/// The command that refreshes every generated file.
pub const REGENERATE: &str = "cargo xtask regenerate";

/// The generated example checkers used by the workspace tests.
pub const EXAMPLE_CHECKERS_DIR: &str = "tests/generated";

/// What `generate_crate` made.
pub struct GeneratedCrate {
    /// The lowered spec, with its warnings.
    pub lowered: Lowered,
    /// How many files the crate has.
    pub files: usize,
    /// How many lines those files have in all.
    pub lines: usize,
}

/// Generates one crate from any OpenAPI 3.0 file into `out` (`cargo xtask generate`): no pin,
/// and an overlay only when given. The crate depends on the runtime at `runtime` and is a workspace of its own.
/// Spec errors come back as `Error::Spec` with every diagnostic; nothing is written then.
pub fn generate_crate(
    spec_file: &Path,
    overlay: Option<&overlay::Overlay>,
    out: &Path,
    crate_name: &str,
    runtime: &Path,
) -> Result<GeneratedCrate, Error> {
    let bytes = std::fs::read(spec_file).map_err(|error| Error::Io { path: spec_file.to_path_buf(), error })?;
    let what = spec_file.display().to_string();
    let id =
        spec_file.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| crate_name.to_owned());
    let lowered = lower_bytes(&bytes, overlay, &id, None).map_err(|diagnostics| Error::Spec { what: what.clone(), diagnostics })?;
    let header = emit::rust_header("cargo xtask generate", &what);
    let runtime_path = runtime.display().to_string();
    let setup = emit::CrateSetup { crate_name, runtime_path: &runtime_path, standalone: true, published: None };
    let files = emit::version_crate(&lowered.api, setup, &header, &header.replace("// ", "# "))
        .map_err(|message| Error::Emit { what: what.clone(), message })?;
    let lines = files.iter().map(|f| f.contents.lines().count()).sum();
    let tree = Tree { root: out.to_path_buf(), foreign: vec![PathBuf::from("target"), PathBuf::from("Cargo.lock")], files };
    let count = tree.files.len();
    let mut outcome = output::Outcome::default();
    output::sync(Path::new(""), &tree, output::Mode::Write, &mut outcome).map_err(|error| Error::Io { path: out.to_path_buf(), error })?;
    Ok(GeneratedCrate { lowered, files: count, lines })
}

/// One version's generated crate and example checker.
pub struct VersionOutput {
    /// The version's pin.
    pub pin: Pin,
    /// The lowered spec, with its warnings.
    pub lowered: Lowered,
    /// The crate's folder first, then the version's example checker and contract calls (in
    /// `tests/generated`).
    pub trees: Vec<Tree>,
}

/// Generates one pinned version.
pub fn generate_version(ws: &Workspace, pin: &Pin) -> Result<VersionOutput, Error> {
    let lowered = ws.lower_version(pin)?;
    let origin = ws.origin(pin);
    let rust_header = emit::rust_header(REGENERATE, &origin);
    let toml_header = rust_header.replace("// ", "# ");
    let emit_err = |message| Error::Emit { what: format!("Intercom API {}", pin.id), message };
    let license = ws.license()?;
    let version = ws.crate_version()?;
    let published = emit::Published {
        repository: &ws.pins.upstream.repository,
        commit: &pin.commit,
        version: &version,
        module: &pin.module,
        license: &license,
    };
    let setup = emit::CrateSetup::member(&pin.crate_name).published(published);
    let files = emit::version_crate(&lowered.api, setup, &rust_header, &toml_header).map_err(emit_err)?;
    let crate_tree = Tree { root: PathBuf::from(&pin.crate_dir), foreign: Vec::new(), files };
    // The harness reaches every version through the facade, so that adding a version needs no
    // new dependency of the tests crate.
    let crate_path = format!("intercom_api::{}", pin.module);
    let checker = harness::example_checker(&lowered.api, &crate_path, &rust_header).map_err(emit_err)?;
    let contract = harness::contract_calls(&lowered.api, &lowered.openapi, &crate_path, &rust_header).map_err(emit_err)?;
    let checker_tree = Tree {
        root: PathBuf::from(EXAMPLE_CHECKERS_DIR),
        foreign: Vec::new(),
        files: vec![
            GeneratedFile::new(format!("{}.rs", pin.module), checker),
            GeneratedFile::new(format!("contract_{}.rs", pin.module), contract),
        ],
    };
    Ok(VersionOutput { pin: pin.clone(), lowered, trees: vec![crate_tree, checker_tree] })
}

/// The registries that wire every version's checker and contract calls into the tests.
fn harness_registries(ws: &Workspace) -> Result<Vec<GeneratedFile>, Error> {
    let header = emit::rust_header(REGENERATE, "specs/versions.toml");
    let versions: Vec<harness::HarnessVersion> =
        ws.pins.versions.iter().map(|pin| harness::HarnessVersion { module: &pin.module, id: &pin.id }).collect();
    let emit_err = |message| Error::Emit { what: "the test harness registries".to_owned(), message };
    Ok(vec![
        GeneratedFile::new("examples.rs", harness::example_registry(&versions, &header).map_err(emit_err)?),
        GeneratedFile::new("contract.rs", harness::contract_registry(&versions, &header).map_err(emit_err)?),
    ])
}

/// The facade crate `intercom-api` ([`emit::facade_crate`]), its hand-written runtime and
/// README left alone.
pub fn facade(ws: &Workspace, tags: &BTreeMap<String, Vec<ir::Tag>>, license: &str, version: &str) -> Tree {
    let header = emit::rust_header(REGENERATE, "specs/versions.toml");
    let dir = |pin: &Pin| pin.crate_dir.strip_prefix("intercom-api/").unwrap_or(&pin.crate_dir).to_owned();
    let dirs: Vec<String> = ws.pins.versions.iter().map(dir).collect();
    let versions: Vec<emit::FacadeVersion> = ws
        .pins
        .versions
        .iter()
        .zip(&dirs)
        .map(|(pin, dir)| emit::FacadeVersion {
            id: &pin.id,
            intercom_version: &pin.intercom_version,
            module: &pin.module,
            crate_name: &pin.crate_name,
            dir,
            tags: tags.get(&pin.id).map(Vec::as_slice).unwrap_or_default(),
        })
        .collect();
    let mut foreign: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
    foreign.extend(["runtime", "README.md"].map(PathBuf::from));
    Tree { root: PathBuf::from("intercom-api"), foreign, files: emit::facade_crate(&versions, &header, license, version) }
}

/// What [`regenerate`] did for one version.
pub struct VersionReport {
    /// The version's pin.
    pub pin: Pin,
    /// How many types the IR has.
    pub types: usize,
    /// How many spec examples the IR holds for the example test.
    pub examples: usize,
    /// How many files the version's crate has.
    pub files: usize,
    /// How many lines those files have in all.
    pub lines: usize,
    /// The warnings lowering found.
    pub diagnostics: Vec<Diagnostic>,
    /// The overlay patches applied, in order.
    pub applied: Vec<overlay::Applied>,
    /// How many schema `$ref`s had their sibling keywords kept by wrapping them in `allOf`.
    pub wrapped_refs: usize,
    /// How many operations the IR has.
    pub operations: usize,
    /// Paginated operations per style.
    pub paginated: Vec<(ir::PaginationStyle, usize)>,
}

impl VersionReport {
    fn new(pin: &Pin, lowered: Lowered, crate_tree: &Tree) -> VersionReport {
        let api = &lowered.api;
        let paginated =
            [ir::PaginationStyle::Cursor, ir::PaginationStyle::PageNumber, ir::PaginationStyle::Scroll, ir::PaginationStyle::Search]
                .into_iter()
                .map(|style| (style, api.operations.iter().filter(|o| o.pagination.as_ref().is_some_and(|p| p.style == style)).count()))
                .collect();
        VersionReport {
            pin: pin.clone(),
            types: api.types.len(),
            examples: api.examples.len(),
            files: crate_tree.files.len(),
            lines: crate_tree.files.iter().map(|f| f.contents.lines().count()).sum(),
            operations: api.operations.len(),
            paginated,
            diagnostics: lowered.diagnostics,
            applied: lowered.applied,
            wrapped_refs: lowered.wrapped_refs,
        }
    }
}

/// What [`regenerate`] did.
pub struct RegenerateReport {
    /// One report per pinned version, in pin order.
    pub versions: Vec<VersionReport>,
    /// What writing or checking every owned folder found.
    pub outcome: output::Outcome,
}

/// Generates every pinned version, the facade and the fixture crate, and writes them or
/// checks them against the committed files.
pub fn regenerate(ws: &Workspace, mode: output::Mode) -> Result<RegenerateReport, Error> {
    let mut trees = Vec::new();
    let mut versions = Vec::new();
    let mut checker_files = Vec::new();
    let mut tags = BTreeMap::new();
    for pin in &ws.pins.versions {
        let out = generate_version(ws, pin)?;
        tags.insert(pin.id.clone(), out.lowered.api.tags.clone());
        let mut trees_of_version = out.trees.into_iter();
        let crate_tree = trees_of_version.next().expect("a crate tree");
        checker_files.extend(trees_of_version.flat_map(|t| t.files));
        versions.push(VersionReport::new(pin, out.lowered, &crate_tree));
        trees.push(crate_tree);
    }
    checker_files.extend(harness_registries(ws)?);
    checker_files.sort();
    trees.push(Tree { root: PathBuf::from(EXAMPLE_CHECKERS_DIR), foreign: Vec::new(), files: checker_files });
    let license = ws.license()?;
    trees.push(facade(ws, &tags, &license, &ws.crate_version()?));
    trees.push(harness::fixtures::fixture_crate(&ws.root)?);
    let mut outcome = output::Outcome::default();
    for tree in &trees {
        output::sync(&ws.root, tree, mode, &mut outcome).map_err(|error| Error::Io { path: ws.root.join(&tree.root), error })?;
    }
    Ok(RegenerateReport { versions, outcome })
}
