//! The workspace the generator works in: its pins, cache of pulled specs, overlays, licence
//! and the version every published crate shares.

use std::path::{Path, PathBuf};

use crate::pins::{Cache, Pin, PinError, Pins, Source};
use crate::{Error, Lowered, diagnostics, lower_bytes, overlay, spec};

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

    /// Where the version's overlay file is, if it has one (`specs/overlays/<v>.toml`).
    pub fn overlay_path(&self, pin: &Pin) -> Option<PathBuf> {
        pin.overlay.as_ref().map(|rel| self.root.join("specs").join(rel))
    }

    /// The version's overlay, if it has one.
    pub fn overlay(&self, pin: &Pin) -> Result<Option<overlay::Overlay>, Error> {
        self.overlay_path(pin).map(|path| self.overlay_file(&path)).transpose()
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
            crate::pins::short_hash(&pin.commit, 12)
        )
    }
}
