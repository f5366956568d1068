//! Writes generated files, or checks that the committed ones are what the generator makes.
//!
//! Each generated folder is owned whole: a file in it that the generator did not produce this
//! time is deleted (in write mode) or reported as stale (in check mode).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Whether to write files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what differs and delete the files no longer produced.
    Write,
    /// Change nothing; only report what writing would change.
    Check,
}

/// One generated file: where it goes and its whole text. Emission makes these with paths
/// relative to the module or crate they belong to; a [`Tree`] holds them relative to its root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GeneratedFile {
    /// The path, `/`-separated, relative to the folder that owns the file (`src/lib.rs`,
    /// `Cargo.toml`).
    pub path: String,
    /// The whole text, with the generated-file header where the format has one.
    pub contents: String,
}

impl GeneratedFile {
    /// A file at `path` with `contents`.
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into() }
    }

    /// The same file, its path under the folder `dir` (`models` + `mod.rs` → `models/mod.rs`).
    pub fn under(self, dir: &str) -> GeneratedFile {
        GeneratedFile { path: format!("{dir}/{}", self.path), ..self }
    }
}

/// A set of generated files for one owned folder.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The folder, relative to the workspace root.
    pub root: PathBuf,
    /// Sub-folders of `root` that are hand-written and not owned (relative to `root`).
    pub foreign: Vec<PathBuf>,
    /// Files relative to `root`.
    pub files: Vec<GeneratedFile>,
}

/// What writing or checking found.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Files whose content changed (written) or differs (checked), relative to the workspace.
    pub changed: Vec<PathBuf>,
    /// Files removed (written) or that would be removed (checked).
    pub removed: Vec<PathBuf>,
    /// How many files already had the generated contents.
    pub unchanged: usize,
}

impl Outcome {
    /// Nothing differs and nothing is stale: the committed files are what the generator makes.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Writes `tree` under `workspace`, or checks it (`mode`), adding to `outcome` the files that
/// differ and those no longer produced; in write mode the latter are deleted, and so are the
/// folders left empty.
pub fn sync(workspace: &Path, tree: &Tree, mode: Mode, outcome: &mut Outcome) -> std::io::Result<()> {
    let root = workspace.join(&tree.root);
    let mut produced = BTreeSet::new();
    for file in &tree.files {
        let rel = PathBuf::from(&file.path);
        let path = root.join(&rel);
        let current = std::fs::read(&path).ok();
        if current.as_deref() == Some(file.contents.as_bytes()) {
            outcome.unchanged += 1;
        } else {
            outcome.changed.push(tree.root.join(&rel));
            if mode == Mode::Write {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&path, &file.contents)?;
            }
        }
        produced.insert(rel);
    }
    let mut existing = Vec::new();
    list_files(&root, &root, &tree.foreign, &mut existing)?;
    for rel in existing {
        if !produced.contains(&rel) {
            outcome.removed.push(tree.root.join(&rel));
            if mode == Mode::Write {
                std::fs::remove_file(root.join(&rel))?;
            }
        }
    }
    if mode == Mode::Write {
        remove_empty_dirs(&root)?;
    }
    Ok(())
}

fn list_files(root: &Path, dir: &Path, foreign: &[PathBuf], out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut entries: Vec<_> = entries.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(root).expect("listed under root").to_path_buf();
        if foreign.contains(&rel) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            list_files(root, &path, foreign, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> std::io::Result<bool> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(false) };
    let mut empty = true;
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            if !remove_empty_dirs(&entry.path())? {
                empty = false;
            } else {
                std::fs::remove_dir(entry.path())?;
            }
        } else {
            empty = false;
        }
    }
    Ok(empty)
}
