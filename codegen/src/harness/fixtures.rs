//! The generator's own fixture specs (`codegen/tests/fixtures`), and the crate that compiles
//! their output (`tests/fixture-models`), so that a snapshot that is not valid Rust cannot pass.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::emit::{self, Manifest};
use crate::output::{GeneratedFile, Tree};
use crate::{Error, REGENERATE, ir, lower_bytes, naming};

/// Where fixture specs for the generator's own tests live, relative to the workspace root.
pub const FIXTURES_DIR: &str = "codegen/tests/fixtures";
/// The crate that compiles every fixture's output.
pub const FIXTURE_CRATE_DIR: &str = "tests/fixture-models";

/// A fixture spec for the generator's tests.
pub struct Fixture {
    /// The file name without `.yaml` (`unions`): the fixture's version id, and its module in
    /// the fixture crate.
    pub name: String,
    /// The spec file's contents.
    pub bytes: Vec<u8>,
}

/// Every fixture spec, by name.
pub fn fixtures(root: &Path) -> Result<Vec<Fixture>, Error> {
    let dir = root.join(FIXTURES_DIR);
    let io = |error| Error::Io { path: dir.clone(), error };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let bytes = std::fs::read(&path).map_err(|error| Error::Io { path: path.clone(), error })?;
        out.push(Fixture { name, bytes });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The models module a fixture generates, paths relative to the module's folder.
pub fn fixture_models(fixture: &Fixture) -> Result<Vec<GeneratedFile>, Error> {
    fixture_output(fixture).map(|(files, _)| files)
}

/// The whole crate a fixture generates as a member of this workspace (`intercom-fixture-<name>`):
/// models, operations, client, `src/lib.rs` and `Cargo.toml`, paths relative to the crate.
pub fn fixture_version_crate(fixture: &Fixture) -> Result<Vec<GeneratedFile>, Error> {
    let what = format!("fixture {}", fixture.name);
    let lowered =
        lower_bytes(&fixture.bytes, None, &fixture.name, None).map_err(|diagnostics| Error::Spec { what: what.clone(), diagnostics })?;
    let header = emit::rust_header(REGENERATE, &format!("{FIXTURES_DIR}/{}.yaml", fixture.name));
    let crate_name = format!("intercom-fixture-{}", fixture.name);
    emit::version_crate(&lowered.api, emit::CrateSetup::member(&crate_name), &header, &header.replace("// ", "# "))
        .map_err(|message| Error::Emit { what, message })
}

/// A fixture's models module and its tags, from one lowering.
fn fixture_output(fixture: &Fixture) -> Result<(Vec<GeneratedFile>, Vec<ir::Tag>), Error> {
    let lowered = lower_bytes(&fixture.bytes, None, &fixture.name, None)
        .map_err(|diagnostics| Error::Spec { what: format!("fixture {}", fixture.name), diagnostics })?;
    let header = emit::rust_header(REGENERATE, &format!("{FIXTURES_DIR}/{}.yaml", fixture.name));
    let files =
        emit::models_module(&lowered.api, &header).map_err(|message| Error::Emit { what: format!("fixture {}", fixture.name), message })?;
    Ok((files, lowered.api.tags))
}

/// The crate that compiles every fixture's output, so a snapshot that is not valid Rust
/// cannot pass.
pub fn fixture_crate(root: &Path) -> Result<Tree, Error> {
    let header = emit::rust_header(REGENERATE, FIXTURES_DIR);
    let mut files = Vec::new();
    let mut lib = format!(
        "{header}//! The generator's output for each fixture spec in `{FIXTURES_DIR}`, compiled.\n#![allow(deprecated, dead_code)]\n#![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]\n"
    );
    let mut tag_features = BTreeSet::new();
    for fixture in fixtures(root)? {
        let (models, tags) = fixture_output(&fixture)?;
        tag_features.extend(tags.into_iter().map(|t| t.feature));
        let module = naming::module_name(&fixture.name);
        lib.push_str(&format!("\npub mod {module} {{\n    pub mod models;\n}}\n"));
        files.extend(models.into_iter().map(|file| file.under(&format!("src/{module}/models"))));
    }
    files.push(GeneratedFile::new("src/lib.rs", lib));
    files.push(GeneratedFile::new("Cargo.toml", manifest(&header.replace("// ", "# "), &tag_features)));
    files.sort();
    Ok(Tree { root: PathBuf::from(FIXTURE_CRATE_DIR), foreign: Vec::new(), files })
}

/// The fixture crate's `Cargo.toml`: every model compiled, as a version's `full` does, with
/// both serde halves.
fn manifest(toml_header: &str, tag_features: &BTreeSet<String>) -> String {
    let quoted: Vec<String> = tag_features.iter().map(|f| format!("\"{f}\"")).collect();
    let mut features =
        format!("default = [\"full\", \"serialize\", \"deserialize\"]\nfull = [{}]\nserialize = []\ndeserialize = []\n", quoted.join(", "));
    for feature in tag_features {
        features.push_str(&format!("{feature} = []\n"));
    }
    Manifest {
        header: toml_header,
        package: "name = \"intercom-fixture-models\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n".to_owned(),
        lib: Some("doctest = false\n"),
        features,
        dependencies: "intercom-api-runtime = { path = \"../../intercom-api/runtime\" }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n".to_owned(),
        dev_dependencies: None,
        docs_rs: false,
        standalone: false,
    }
    .render()
}
