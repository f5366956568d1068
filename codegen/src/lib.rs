//! The generator behind the `intercom-api` crates.
//!
//! One direction of flow, one module per stage:
//! [`pins`] (which files) → [`spec`] (load, overlay, resolve) → [`lower`] (all naming and
//! typing decisions, producing the [`ir`]) → [`emit`] (tokens → syn → prettyplease) →
//! [`output`] (write or check the owned folders). See ARCHITECTURE.md at the workspace root.

#![deny(missing_docs)]

pub mod diagnostics;
pub mod diff;
pub mod drift;
pub mod emit;
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

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use diagnostics::Diagnostic;
pub use load::{Lowered, lower_bytes};
use output::Tree;
use pins::{Cache, Pin, PinError, Pins, Source};

/// The command that refreshes every generated file.
pub const REGENERATE: &str = "cargo xtask regenerate";

/// The generated example checkers used by the workspace tests.
pub const EXAMPLE_CHECKERS_DIR: &str = "tests/generated";

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// Reading the pins, a pinned file, an overlay or the fern corrections failed.
    Pin(PinError),
    /// The spec has errors; generation stopped.
    Spec {
        /// What was being generated (`Intercom API 2.12`, a spec file, `fixture unions`).
        what: String,
        /// Every diagnostic found, warnings included; only the errors are displayed.
        diagnostics: Vec<Diagnostic>,
    },
    /// The generator produced something that does not parse (a generator bug).
    Emit {
        /// What was being generated, or the file being read (`Intercom API 2.12`, a manifest).
        what: String,
        /// What went wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Pin(e) => write!(f, "{e}"),
            Error::Spec { what, diagnostics } => {
                let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == diagnostics::Severity::Error).collect();
                writeln!(f, "{what}: {} error(s); nothing was generated.", errors.len())?;
                for d in errors {
                    writeln!(f, "  {d}")?;
                }
                Ok(())
            }
            Error::Emit { what, message } => write!(f, "{what}: {message} (a generator bug: please report it)"),
            Error::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

impl From<PinError> for Error {
    fn from(e: PinError) -> Self {
        Error::Pin(e)
    }
}

/// The workspace: its root, pins, cache and spec source.
pub struct Workspace {
    /// The workspace root, where `Cargo.toml` and `specs/` are.
    pub root: PathBuf,
    /// The pins of `specs/versions.toml`.
    pub pins: Pins,
    /// The cache of pulled spec files (`.cache/`).
    pub cache: Cache,
    /// Where missing spec files are pulled from: `INTERCOM_OPENAPI_SOURCE`, else upstream.
    pub source: Source,
}

impl Workspace {
    /// Opens the workspace at `root`, taking the spec source from the environment.
    pub fn open(root: &Path) -> Result<Workspace, Error> {
        let pins = Pins::load(root)?;
        Ok(Workspace { root: root.to_path_buf(), pins, cache: Cache::new(root), source: Source::from_env(root) })
    }

    /// The pinned spec's bytes, pulled into the cache first when needed.
    pub fn spec_bytes(&self, pin: &Pin) -> Result<Vec<u8>, Error> {
        Ok(self.cache.read(&self.pins, pin, &self.source)?)
    }

    /// The version's overlay, if it has one.
    pub fn overlay(&self, pin: &Pin) -> Result<Option<overlay::Overlay>, Error> {
        let Some(rel) = &pin.overlay else { return Ok(None) };
        self.overlay_file(&self.root.join("specs").join(rel)).map(Some)
    }

    /// Reads an overlay file.
    pub fn overlay_file(&self, path: &Path) -> Result<overlay::Overlay, Error> {
        let path = path.to_path_buf();
        let text = std::fs::read_to_string(&path).map_err(|error| Error::Io { path: path.clone(), error })?;
        overlay::Overlay::parse(&text).map_err(|message| Error::Pin(PinError(format!("{}: {message}", path.display()))))
    }

    /// Loads and lowers one pinned version.
    pub fn lower_version(&self, pin: &Pin) -> Result<Lowered, Error> {
        let bytes = self.spec_bytes(pin)?;
        let overlay = self.overlay(pin)?;
        lower_bytes(&bytes, overlay.as_ref(), &pin.id, Some(&pin.intercom_version))
            .map_err(|diagnostics| Error::Spec { what: format!("Intercom API {}", pin.id), diagnostics })
    }

    /// The pinned document as JSON with the version's overlay applied (what a mock server
    /// must serve to agree with the generated crate).
    pub fn effective_document(&self, pin: &Pin) -> Result<serde_json::Value, Error> {
        let bytes = self.spec_bytes(pin)?;
        let overlay = self.overlay(pin)?;
        let mut diags = diagnostics::Diagnostics::default();
        spec::effective_document(&bytes, overlay.as_ref(), &mut diags)
            .map(|(document, _)| document)
            .ok_or_else(|| Error::Spec { what: format!("Intercom API {}", pin.id), diagnostics: diags.into_items() })
    }

    /// The workspace's `LICENSE`, which every published crate ships.
    pub fn license(&self) -> Result<String, Error> {
        let path = self.root.join("LICENSE");
        std::fs::read_to_string(&path).map_err(|error| Error::Io { path, error })
    }

    /// The version every published crate shares: `[workspace.package] version` of the root
    /// `Cargo.toml`.
    pub fn crate_version(&self) -> Result<String, Error> {
        let path = self.root.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).map_err(|error| Error::Io { path: path.clone(), error })?;
        let manifest: toml::Table =
            toml::from_str(&text).map_err(|e| Error::Emit { what: path.display().to_string(), message: e.to_string() })?;
        manifest
            .get("workspace")
            .and_then(|w| w.get("package"))
            .and_then(|p| p.get("version"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| Error::Emit { what: path.display().to_string(), message: "`[workspace.package] version` is not set".to_owned() })
    }

    /// Where a generated file says it came from.
    pub fn origin(&self, pin: &Pin) -> String {
        format!(
            "Intercom API {} ({} at {}@{})",
            pin.id,
            pin.upstream_file(&self.pins.upstream),
            self.pins.upstream.repository,
            &pin.commit[..pin.commit.len().min(12)]
        )
    }
}

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
    let tree = Tree {
        root: out.to_path_buf(),
        foreign: vec![PathBuf::from("target"), PathBuf::from("Cargo.lock")],
        files: files.into_iter().map(|f| (PathBuf::from(f.path), f.contents)).collect(),
    };
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
    let crate_tree = Tree {
        root: PathBuf::from(&pin.crate_dir),
        foreign: Vec::new(),
        files: files.into_iter().map(|f| (PathBuf::from(f.path), f.contents)).collect(),
    };
    // The harness reaches every version through the facade, so that adding a version needs no
    // new dependency of the tests crate.
    let crate_path = format!("intercom_api::{}", pin.module);
    let checker = harness::example_checker(&lowered.api, &crate_path, &rust_header).map_err(emit_err)?;
    let contract = harness::contract_calls(&lowered.api, &lowered.openapi, &crate_path, &rust_header).map_err(emit_err)?;
    let checker_tree = Tree {
        root: PathBuf::from(EXAMPLE_CHECKERS_DIR),
        foreign: Vec::new(),
        files: vec![
            (PathBuf::from(format!("{}.rs", pin.module)), checker),
            (PathBuf::from(format!("contract_{}.rs", pin.module)), contract),
        ],
    };
    Ok(VersionOutput { pin: pin.clone(), lowered, trees: vec![crate_tree, checker_tree] })
}

/// The registries that wire every version's checker and contract calls into the tests.
fn harness_registries(ws: &Workspace) -> Result<Vec<(PathBuf, String)>, Error> {
    let header = emit::rust_header(REGENERATE, "specs/versions.toml");
    let versions: Vec<harness::HarnessVersion> =
        ws.pins.versions.iter().map(|pin| harness::HarnessVersion { module: &pin.module, id: &pin.id }).collect();
    let emit_err = |message| Error::Emit { what: "the test harness registries".to_owned(), message };
    Ok(vec![
        (PathBuf::from("examples.rs"), harness::example_registry(&versions, &header).map_err(emit_err)?),
        (PathBuf::from("contract.rs"), harness::contract_registry(&versions, &header).map_err(emit_err)?),
    ])
}

/// The facade crate `intercom-api`: per pinned version, a feature for all of it
/// (`v2_12`), one per tag (`v2_12-contacts`), and the module.
pub fn facade(ws: &Workspace, tags: &BTreeMap<String, Vec<ir::Tag>>, license: &str, version: &str) -> Tree {
    let header = emit::rust_header(REGENERATE, "specs/versions.toml");
    let toml_header = header.replace("// ", "# ");
    let mut features = String::from("[features]\ndefault = [\"client\"]\n");
    let forwarded = |feature: &str| -> String {
        let list: Vec<String> = ws.pins.versions.iter().map(|pin| format!("\"{}?/{feature}\"", pin.crate_name)).collect();
        list.join(", ")
    };
    let client_feature = format!("\"intercom-api-runtime/client-core\", {}", forwarded("client"));
    let serde_features = format!(
        "# `Serialize` on response types too, and `Deserialize` on request types and operations.\nserialize = [{}]\ndeserialize = [{}]\n",
        forwarded("serialize"),
        forwarded("deserialize")
    );
    let mut deps =
        format!("[dependencies]\nintercom-api-runtime = {{ path = \"runtime\", version = \"{version}\", default-features = false }}\n");
    let mut lib = String::new();
    let mut tag_features = String::new();
    for pin in &ws.pins.versions {
        let dir = pin.crate_dir.strip_prefix("intercom-api/").unwrap_or(&pin.crate_dir);
        let krate = &pin.crate_name;
        features.push_str(&format!("{} = [\"dep:{krate}\", \"{krate}/full\"]\n", pin.module));
        let mut enabling = vec![format!("feature = \"{}\"", pin.module)];
        tag_features.push_str(&format!("# Intercom API {}, one tag at a time.\n", pin.id));
        for tag in tags.get(&pin.id).map(Vec::as_slice).unwrap_or_default() {
            let feature = format!("{}-{}", pin.module, tag.feature);
            tag_features.push_str(&format!("{feature} = [\"dep:{krate}\", \"{krate}/{}\"]\n", tag.feature));
            enabling.push(format!("feature = \"{feature}\""));
        }
        deps.push_str(&format!("{krate} = {{ path = \"{dir}\", version = \"{version}\", optional = true, default-features = false }}\n"));
        lib.push_str(&format!(
            "\n/// Intercom API {} (`Intercom-Version: {}`). Enabled by the `{}` feature (all of it) or a\n/// `{}-<tag>` feature (one tag's operations and the types they reach).\n#[cfg(any({}))]\npub use {} as {};\n",
            pin.id,
            pin.intercom_version,
            pin.module,
            pin.module,
            enabling.join(", "),
            krate.replace('-', "_"),
            pin.module
        ));
    }
    let every_version: Vec<String> = ws.pins.versions.iter().map(|pin| format!("\"{}\"", pin.module)).collect();
    features.push_str(&format!(
        "# Every version, whole: for the workspace's tests and for exploring (an app picks one).\nall-versions = [{}]\n",
        every_version.join(", ")
    ));
    features.push_str(&format!(
        "# The async client, with rustls (aws-lc-rs and the platform's verifier). Without a client\n\
         # feature every crate is sans-IO: operations become `http` requests, for any HTTP client.\n\
         client = [\"rustls\"]\n\
         # The client's TLS, as reqwest names it: pick one with `default-features = false`.\n\
         rustls = [\"client-core\", \"intercom-api-runtime/rustls\"]\n\
         # rustls without a crypto provider: install one before building a client.\n\
         rustls-no-provider = [\"client-core\", \"intercom-api-runtime/rustls-no-provider\"]\n\
         # The platform's TLS (OpenSSL on Linux, which needs its development files to build).\n\
         native-tls = [\"client-core\", \"intercom-api-runtime/native-tls\"]\n\
         # The client without a TLS backend (bring your own `reqwest::Client`).\n\
         client-core = [{client_feature}]\n{serde_features}{tag_features}"
    ));
    let cargo = format!(
        "{toml_header}[package]\nname = \"intercom-api\"\nversion.workspace = true\nedition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\ndescription = \"Typed Rust SDK for the Intercom REST API: models, operations and an async client, one module per API version.\"\ndocumentation = \"https://docs.rs/intercom-api\"\nreadme = \"README.md\"\nkeywords = [\"intercom\", \"api\", \"sdk\", \"client\"]\ncategories = [\"api-bindings\", \"web-programming::http-client\"]\n\n{features}\n{deps}\n[dev-dependencies]\n# The README's examples are doctests.\nfutures = \"0.3\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n"
    );
    let lib = format!(
        "{header}#![doc = include_str!(\"../README.md\")]\n#![forbid(unsafe_code)]\n#![cfg_attr(docsrs, feature(doc_cfg))]\n\n/// The hand-written runtime shared by every version.\npub use intercom_api_runtime as runtime;\n#[cfg(feature = \"client-core\")]\npub use intercom_api_runtime::{{AttemptInfo, Client, ClientBuilder, Hook, RequestBuilder, Region, RetryPolicy, Token, TokenProvider}};\npub use intercom_api_runtime::{{ApiError, ContentTypeError, DecodeError, Error, Operation, Paginated, RateLimit, Redirect, Response}};\n{lib}"
    );
    let mut foreign: Vec<PathBuf> =
        ws.pins.versions.iter().map(|p| PathBuf::from(p.crate_dir.strip_prefix("intercom-api/").unwrap_or(&p.crate_dir))).collect();
    foreign.extend(["runtime", "README.md"].map(PathBuf::from));
    Tree {
        root: PathBuf::from("intercom-api"),
        foreign,
        files: vec![
            (PathBuf::from("Cargo.toml"), cargo),
            (PathBuf::from("LICENSE"), license.to_owned()),
            (PathBuf::from("src/lib.rs"), lib),
        ],
    }
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
        versions.push(VersionReport {
            pin: pin.clone(),
            types: out.lowered.api.types.len(),
            examples: out.lowered.api.examples.len(),
            files: crate_tree.files.len(),
            lines: crate_tree.files.iter().map(|(_, c)| c.lines().count()).sum(),
            diagnostics: out.lowered.diagnostics,
            applied: out.lowered.applied,
            wrapped_refs: out.lowered.wrapped_refs,
            operations: out.lowered.api.operations.len(),
            paginated: [
                ir::PaginationStyle::Cursor,
                ir::PaginationStyle::PageNumber,
                ir::PaginationStyle::Scroll,
                ir::PaginationStyle::Search,
            ]
            .into_iter()
            .map(|style| {
                (style, out.lowered.api.operations.iter().filter(|o| o.pagination.as_ref().is_some_and(|p| p.style == style)).count())
            })
            .collect(),
        });
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
