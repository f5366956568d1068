//! The version pins in `specs/versions.toml`, and the cache of pulled spec files.
//!
//! A pinned file is fetched once into `<workspace>/.cache/intercom-openapi/<commit>/<path>/`
//! from a local source directory (`INTERCOM_OPENAPI_SOURCE`) or from upstream over HTTPS, and
//! is verified against its sha256 every time it is read. Nothing half-written stays in the
//! cache: a file is written beside its final name and renamed into place once verified.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The environment variable naming a local directory laid out like upstream.
pub const SOURCE_ENV: &str = "INTERCOM_OPENAPI_SOURCE";

/// Everything in `specs/versions.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pins {
    /// Where the pinned files come from.
    pub upstream: Upstream,
    /// The `[[version]]` entries, in file order.
    #[serde(rename = "version")]
    pub versions: Vec<Pin>,
}

/// Where the pinned files come from when no local source is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// The upstream repository (`intercom/Intercom-OpenAPI`).
    pub repository: String,
    /// The URL of a raw file, with `{commit}` and `{path}` to fill in.
    pub raw_url: String,
    /// The description's file name in each version folder (`api.intercom.io.yaml`).
    pub file_name: String,
}

/// One pinned API version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// The project's name for the version: `2.7`, `2.12`, `unstable`.
    pub id: String,
    /// The folder in the upstream repository: `descriptions/2.7`.
    pub path: String,
    /// The pinned upstream commit (40 hex digits).
    pub commit: String,
    /// The sha256 of the pinned file, checked whenever the file is read from the cache.
    pub sha256: String,
    /// The `Intercom-Version` header value the crate sends (the spec's `intercom_version`
    /// default).
    pub intercom_version: String,
    /// The generated crate's package name (`intercom-api-v2-7`).
    pub crate_name: String,
    /// The generated crate's folder, relative to the workspace root.
    pub crate_dir: String,
    /// The facade's module and feature name: `v2_7`.
    pub module: String,
    /// A reviewed overlay, relative to `specs/`.
    #[serde(default)]
    pub overlay: Option<String>,
}

impl Pin {
    /// The file's path inside the upstream repository.
    pub fn upstream_file(&self, upstream: &Upstream) -> String {
        format!("{}/{}", self.path, upstream.file_name)
    }
}

/// A failure to read the pins or to obtain a pinned file. Each message is one paragraph that
/// names the file and says what to do.
#[derive(Debug)]
pub struct PinError(pub String);

impl fmt::Display for PinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PinError {}

impl Pins {
    /// Reads `specs/versions.toml` under the workspace root.
    pub fn load(workspace: &Path) -> Result<Pins, PinError> {
        let file = workspace.join("specs/versions.toml");
        let text = std::fs::read_to_string(&file).map_err(|e| PinError(format!("cannot read {}: {e}", file.display())))?;
        let pins: Pins = toml::from_str(&text).map_err(|e| PinError(format!("{} is not a valid pin file: {e}", file.display())))?;
        let mut seen = std::collections::BTreeSet::new();
        for pin in &pins.versions {
            if !seen.insert(pin.id.as_str()) {
                return Err(PinError(format!("{} pins version `{}` twice; each version id must be unique.", file.display(), pin.id)));
            }
        }
        Ok(pins)
    }

    /// The pin with the given id.
    pub fn get(&self, id: &str) -> Result<&Pin, PinError> {
        self.versions.iter().find(|p| p.id == id).ok_or_else(|| {
            let known: Vec<&str> = self.versions.iter().map(|p| p.id.as_str()).collect();
            PinError(format!("no pinned version `{id}`; specs/versions.toml pins {}.", known.join(", ")))
        })
    }
}

/// Where pinned files are fetched from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A local directory laid out like upstream (a checkout or a mirror).
    Directory(PathBuf),
    /// Upstream's raw files over HTTPS at the pinned commit.
    Upstream,
}

impl Source {
    /// `INTERCOM_OPENAPI_SOURCE` when set (relative paths are taken from the workspace root),
    /// else upstream.
    pub fn from_env(workspace: &Path) -> Source {
        match std::env::var_os(SOURCE_ENV) {
            Some(dir) if !dir.is_empty() => Source::Directory(workspace.join(dir)),
            _ => Source::Upstream,
        }
    }

    /// The source in words, for messages: the directory and `INTERCOM_OPENAPI_SOURCE`, or
    /// upstream.
    pub fn describe(&self) -> String {
        match self {
            Source::Directory(dir) => format!("{} ({SOURCE_ENV})", dir.display()),
            Source::Upstream => "upstream over HTTPS".to_owned(),
        }
    }
}

/// The git-ignored cache of pulled files.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// What [`Cache::ensure`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pulled {
    /// The cache already held the file with the pinned hash.
    AlreadyCached,
    /// The file was fetched from the source, verified and cached.
    Fetched,
}

impl Cache {
    /// The cache of the workspace at `workspace` (`.cache/intercom-openapi/`).
    pub fn new(workspace: &Path) -> Cache {
        Cache { root: workspace.join(".cache/intercom-openapi") }
    }

    /// Where a pinned file lives once pulled.
    pub fn path_of(&self, pins: &Pins, pin: &Pin) -> PathBuf {
        self.root.join(&pin.commit).join(pin.upstream_file(&pins.upstream))
    }

    /// Makes sure the pinned file is in the cache with the right hash, fetching it from
    /// `source` when it is missing or damaged. Returns its path.
    pub fn ensure(&self, pins: &Pins, pin: &Pin, source: &Source) -> Result<(PathBuf, Pulled), PinError> {
        let target = self.path_of(pins, pin);
        if let Ok(bytes) = std::fs::read(&target) {
            if sha256_hex(&bytes) == pin.sha256 {
                return Ok((target, Pulled::AlreadyCached));
            }
            // A damaged or stale cache entry is replaced below.
        }
        let file = pin.upstream_file(&pins.upstream);
        let (bytes, origin) = match source {
            Source::Directory(dir) => {
                let path = dir.join(&file);
                let bytes = std::fs::read(&path).map_err(|e| {
                    PinError(format!(
                        "cannot read {file} for Intercom API {} from {}: {e}. {SOURCE_ENV} must \
                         name a directory laid out like the intercom/Intercom-OpenAPI repository \
                         (for example ../shared/intercom-openapi); unset it to download from \
                         upstream instead.",
                        pin.id,
                        path.display()
                    ))
                })?;
                (bytes, path.display().to_string())
            }
            Source::Upstream => {
                let url = pins.upstream.raw_url.replace("{commit}", &pin.commit).replace("{path}", &file);
                (download(&url, pin)?, url)
            }
        };
        let actual = sha256_hex(&bytes);
        if actual != pin.sha256 {
            return Err(PinError(format!(
                "{file} for Intercom API {} from {origin} has sha256 {actual}, but \
                 specs/versions.toml pins {} (upstream commit {}). The source holds a different \
                 revision of the file: point {SOURCE_ENV} at a checkout of commit {}, or move the \
                 pin deliberately with `cargo xtask specs update`. Nothing was written to the cache.",
                pin.id, pin.sha256, pin.commit, pin.commit
            )));
        }
        write_atomically(&target, &bytes)?;
        Ok((target, Pulled::Fetched))
    }

    /// Reads a pinned file from the cache, pulling it first when needed.
    pub fn read(&self, pins: &Pins, pin: &Pin, source: &Source) -> Result<Vec<u8>, PinError> {
        let (path, _) = self.ensure(pins, pin, source)?;
        std::fs::read(&path).map_err(|e| PinError(format!("cannot read {}: {e}", path.display())))
    }
}

impl Cache {
    /// Stores `bytes` as `pin`'s file (after `specs update` moved the pin), checking the hash.
    pub fn store(&self, pins: &Pins, pin: &Pin, bytes: &[u8]) -> Result<PathBuf, PinError> {
        let actual = sha256_hex(bytes);
        if actual != pin.sha256 {
            return Err(PinError(format!("refusing to cache a file with sha256 {actual} for a pin of {}", pin.sha256)));
        }
        let target = self.path_of(pins, pin);
        write_atomically(&target, bytes)?;
        Ok(target)
    }
}

/// The revision of the source to compare the pins with.
#[derive(Debug, Clone)]
pub struct Current {
    /// The file's contents.
    pub bytes: Vec<u8>,
    /// The sha256 of the contents, to compare with the pin's.
    pub sha256: String,
    /// Where it was read, for the report.
    pub origin: String,
}

impl Source {
    /// The source's current revision of `pin`'s file: upstream's default branch (`HEAD`), or
    /// the file in the local directory.
    pub fn current(&self, pins: &Pins, pin: &Pin) -> Result<Current, PinError> {
        let file = pin.upstream_file(&pins.upstream);
        let (bytes, origin) = match self {
            Source::Directory(dir) => {
                let path = dir.join(&file);
                let bytes = std::fs::read(&path).map_err(|e| PinError(format!("cannot read {}: {e}", path.display())))?;
                (bytes, path.display().to_string())
            }
            Source::Upstream => {
                let url = pins.upstream.raw_url.replace("{commit}", "HEAD").replace("{path}", &file);
                (download(&url, pin)?, url)
            }
        };
        Ok(Current { sha256: sha256_hex(&bytes), bytes, origin })
    }

    /// Another file of the upstream repository (`fern/openapi-overrides.yml`) as the source holds
    /// it now, and where it was read.
    pub fn repository_file(&self, pins: &Pins, path: &str) -> Result<(Vec<u8>, String), PinError> {
        match self {
            Source::Directory(dir) => {
                let file = dir.join(path);
                let bytes = std::fs::read(&file).map_err(|e| PinError(format!("cannot read {}: {e}", file.display())))?;
                Ok((bytes, file.display().to_string()))
            }
            Source::Upstream => {
                let url = pins.upstream.raw_url.replace("{commit}", "HEAD").replace("{path}", path);
                let bytes = fetch(&url).map_err(|e| PinError(format!("downloading {url} failed: {e}")))?;
                Ok((bytes, url))
            }
        }
    }

    /// The upstream commit the source holds now: `git rev-parse HEAD` of a local checkout, or
    /// the head of upstream's default branch. A plain directory that is not a checkout cannot
    /// say; then the commit must be given.
    pub fn head_commit(&self, pins: &Pins) -> Result<String, PinError> {
        match self {
            Source::Directory(dir) => {
                let output = std::process::Command::new("git").arg("-C").arg(dir).args(["rev-parse", "HEAD"]).output();
                match output {
                    Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).trim().to_owned()),
                    _ => Err(PinError(format!(
                        "{} is not a git checkout, so which upstream commit it holds is unknown; pass --commit <sha>.",
                        dir.display()
                    ))),
                }
            }
            Source::Upstream => {
                let url = format!("https://api.github.com/repos/{}/commits/HEAD", pins.upstream.repository);
                let mut response = ureq::get(&url)
                    .header("Accept", "application/vnd.github.sha")
                    .call()
                    .map_err(|e| PinError(format!("asking {url} for upstream's head commit failed: {e}; pass --commit <sha>.")))?;
                let sha = response.body_mut().read_to_string().map_err(|e| PinError(format!("reading {url}: {e}")))?;
                Ok(sha.trim().to_owned())
            }
        }
    }

    /// `pin`'s file at `commit`: from upstream at that commit, or the local directory's file
    /// (which the caller says is that commit).
    pub fn at_commit(&self, pins: &Pins, pin: &Pin, commit: &str) -> Result<Current, PinError> {
        match self {
            Source::Directory(_) => self.current(pins, pin),
            Source::Upstream => {
                let file = pin.upstream_file(&pins.upstream);
                let url = pins.upstream.raw_url.replace("{commit}", commit).replace("{path}", &file);
                let bytes = download(&url, pin)?;
                Ok(Current { sha256: sha256_hex(&bytes), bytes, origin: url })
            }
        }
    }
}

/// `versions.toml` with version `id` moved to `commit` and `sha256`, everything else (comments
/// included) untouched.
pub fn rewrite_pin(text: &str, id: &str, commit: &str, sha256: &str) -> Result<String, PinError> {
    let valid_hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid_hex(commit, 40) {
        return Err(PinError(format!("`{commit}` is not a 40-character commit sha")));
    }
    let mut out = Vec::new();
    let mut in_block = false;
    let mut found = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_block = false;
        }
        if trimmed == format!("id = \"{id}\"") {
            in_block = true;
            found = true;
        }
        if in_block && trimmed.starts_with("commit = ") {
            out.push(format!("commit = \"{commit}\""));
        } else if in_block && trimmed.starts_with("sha256 = ") {
            out.push(format!("sha256 = \"{sha256}\""));
        } else {
            out.push(line.to_owned());
        }
    }
    if !found {
        return Err(PinError(format!("specs/versions.toml has no version `{id}`")));
    }
    let mut result = out.join("\n");
    if text.ends_with('\n') {
        result.push('\n');
    }
    Ok(result)
}

fn download(url: &str, pin: &Pin) -> Result<Vec<u8>, PinError> {
    let fail = |what: String| {
        PinError(format!(
            "downloading the Intercom API {} description from {url} failed: {what}. Check the \
             network, or set {SOURCE_ENV} to a local directory laid out like \
             intercom/Intercom-OpenAPI (for example ../shared/intercom-openapi).",
            pin.id
        ))
    };
    fetch(url).map_err(fail)
}

/// The body at `url` over HTTPS, at most 64 MiB.
fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let mut response = ureq::get(url).call().map_err(|e| e.to_string())?;
    response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_vec().map_err(|e| e.to_string())
}

fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), PinError> {
    let dir = target.parent().expect("cache paths have a parent");
    std::fs::create_dir_all(dir).map_err(|e| PinError(format!("cannot create {}: {e}", dir.display())))?;
    let partial = target.with_extension(format!("partial-{}", std::process::id()));
    let result = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, target));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(PinError(format!("cannot write {}: {e}", target.display())));
    }
    Ok(())
}

/// The first `len` characters of a commit hash or sha256 (all of it when shorter), for
/// messages and docs: 12 where a hash is shown on its own, 7 (git's short form) in report
/// headings. Never panics, whatever the input.
pub fn short_hash(hash: &str, len: usize) -> &str {
    hash.char_indices().nth(len).map_or(hash, |(end, _)| &hash[..end])
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash_cuts_long_hashes_and_keeps_short_ones() {
        assert_eq!(short_hash("0123456789abcdef", 12), "0123456789ab");
        assert_eq!(short_hash("0123456789abcdef", 7), "0123456");
        assert_eq!(short_hash("abc", 12), "abc");
        assert_eq!(short_hash("", 12), "");
        assert_eq!(short_hash("ééééééé", 3), "ééé");
    }

    #[test]
    fn rewrite_pin_moves_one_version_and_keeps_the_rest() {
        let text = "# comment\n[[version]]\nid = \"2.7\"\ncommit = \"aaaa\"\nsha256 = \"bbbb\"\n\n[[version]]\nid = \"2.12\"\ncommit = \"cccc\"\nsha256 = \"dddd\"\n";
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let out = rewrite_pin(text, "2.12", commit, "eeee").unwrap();
        assert_eq!(
            out,
            format!(
                "# comment\n[[version]]\nid = \"2.7\"\ncommit = \"aaaa\"\nsha256 = \"bbbb\"\n\n[[version]]\nid = \"2.12\"\ncommit = \"{commit}\"\nsha256 = \"eeee\"\n"
            )
        );
        assert!(rewrite_pin(text, "9.9", commit, "eeee").is_err());
        assert!(rewrite_pin(text, "2.7", "main", "eeee").is_err());
    }
}
