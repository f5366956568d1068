//! The tasks' `--name value` flags.
//!
//! Hand-rolled: every flag takes one value, there are no short forms or `--name=value`, and
//! `main.rs` matches the positional words itself; a parser crate would not make this shorter.

use std::collections::BTreeMap;
use std::path::PathBuf;

use intercom_codegen::Workspace;
use intercom_codegen::pins::{Pin, Source};

/// `--name value` options.
#[derive(Debug, Default)]
pub struct Options {
    values: BTreeMap<String, String>,
}

impl Options {
    /// Reads `args` as `--name value` pairs, each name one of `allowed`; a name given twice
    /// keeps its last value. `--format` is `text` or `json`.
    pub fn parse(args: &[&str], allowed: &[&str]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut rest = args.iter();
        while let Some(name) = rest.next() {
            if !allowed.contains(name) {
                return Err(format!("unknown option `{name}`; this task takes {}", allowed.join(", ")));
            }
            let value = rest.next().ok_or_else(|| format!("`{name}` needs a value"))?;
            options.values.insert((*name).to_owned(), (*value).to_owned());
        }
        // Not a let chain: they need Rust 1.88, newer than the MSRV.
        if let Some(format) = options.get("--format").filter(|f| *f != "text" && *f != "json") {
            return Err(format!("--format is `text` or `json`, not `{format}`"));
        }
        Ok(options)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// `--format json`.
    pub fn json(&self) -> bool {
        self.get("--format") == Some("json")
    }

    /// `--source DIR` (relative to the current directory), else the workspace's source.
    pub fn source(&self, ws: &Workspace) -> Source {
        match self.source_dir() {
            Some(dir) => Source::Directory(dir),
            None => ws.source.clone(),
        }
    }

    fn source_dir(&self) -> Option<PathBuf> {
        let dir = self.get("--source")?;
        Some(std::env::current_dir().map(|d| d.join(dir)).unwrap_or_else(|_| PathBuf::from(dir)))
    }

    /// The pin `--version ID` names, else every pin.
    pub fn pins<'w>(&self, ws: &'w Workspace) -> Result<Vec<&'w Pin>, String> {
        match self.get("--version") {
            Some(id) => Ok(vec![ws.pins.get(id).map_err(|e| e.to_string())?]),
            None => Ok(ws.pins.versions.iter().collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED: &[&str] = &["--version", "--source", "--format"];

    #[test]
    fn reads_name_value_pairs() {
        let options = Options::parse(&["--version", "2.7", "--source", "dir"], ALLOWED).expect("valid flags");
        assert_eq!(options.get("--version"), Some("2.7"));
        assert_eq!(options.get("--source"), Some("dir"));
        assert_eq!(options.get("--format"), None);
        assert!(!options.json());
    }

    #[test]
    fn no_flags_is_no_options() {
        let options = Options::parse(&[], ALLOWED).expect("no flags");
        assert!(options.values.is_empty());
    }

    #[test]
    fn the_last_value_of_a_repeated_flag_wins() {
        let options = Options::parse(&["--version", "2.7", "--version", "2.12"], ALLOWED).expect("valid flags");
        assert_eq!(options.get("--version"), Some("2.12"));
    }

    #[test]
    fn an_unknown_flag_names_the_allowed_ones() {
        let error = Options::parse(&["--commit", "abc"], ALLOWED).expect_err("not allowed");
        assert_eq!(error, "unknown option `--commit`; this task takes --version, --source, --format");
        let error = Options::parse(&["2.7"], ALLOWED).expect_err("a word, not a flag");
        assert_eq!(error, "unknown option `2.7`; this task takes --version, --source, --format");
        let error = Options::parse(&["--version=2.7"], ALLOWED).expect_err("no `=` form");
        assert!(error.starts_with("unknown option `--version=2.7`"), "{error}");
    }

    #[test]
    fn a_flag_without_a_value_is_an_error() {
        let error = Options::parse(&["--source", "dir", "--version"], ALLOWED).expect_err("no value");
        assert_eq!(error, "`--version` needs a value");
    }

    #[test]
    fn format_is_text_or_json() {
        assert!(Options::parse(&["--format", "json"], ALLOWED).expect("json").json());
        assert!(!Options::parse(&["--format", "text"], ALLOWED).expect("text").json());
        let error = Options::parse(&["--format", "yaml"], ALLOWED).expect_err("yaml");
        assert_eq!(error, "--format is `text` or `json`, not `yaml`");
    }

    #[test]
    fn source_is_taken_from_the_current_directory() {
        let cwd = std::env::current_dir().expect("a current directory");
        let relative = Options::parse(&["--source", "mirror"], ALLOWED).expect("valid flags");
        assert_eq!(relative.source_dir(), Some(cwd.join("mirror")));
        let absolute = Options::parse(&["--source", "/srv/mirror"], ALLOWED).expect("valid flags");
        assert_eq!(absolute.source_dir(), Some(PathBuf::from("/srv/mirror")));
        assert_eq!(Options::default().source_dir(), None);
    }

    #[test]
    fn version_picks_one_pin_and_its_absence_all() {
        let ws = Workspace::open(&crate::workspace::root()).expect("the workspace's pins");
        let all = Options::default().pins(&ws).expect("every pin");
        assert_eq!(all.len(), ws.pins.versions.len());
        let first = &ws.pins.versions[0].id;
        let one = Options::parse(&["--version", first], ALLOWED).expect("valid flags").pins(&ws).expect("a pinned version");
        assert_eq!(one.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [first.as_str()]);
        let error = Options::parse(&["--version", "9.99"], ALLOWED).expect("valid flags").pins(&ws).expect_err("not pinned");
        assert!(error.contains("no pinned version `9.99`"), "{error}");
    }
}
