//! The facade crate `intercom-api`: per pinned version, a feature for all of it (`v2_12`), one
//! per tag (`v2_12-contacts`), and the module re-exporting the version's crate.

use super::manifest::{Manifest, published_keys};
use crate::ir::Tag;
use crate::output::GeneratedFile;

/// One pinned version, as the facade re-exports it.
#[derive(Debug, Clone, Copy)]
pub struct FacadeVersion<'a> {
    /// The project's id for the version (`2.12`).
    pub id: &'a str,
    /// The `Intercom-Version` header value.
    pub intercom_version: &'a str,
    /// The version's module and feature (`v2_12`).
    pub module: &'a str,
    /// The version crate's package name (`intercom-api-v2-12`).
    pub crate_name: &'a str,
    /// The version crate's folder, relative to the facade's (`v2.12`).
    pub dir: &'a str,
    /// The version's tags, each a feature of its own.
    pub tags: &'a [Tag],
}

/// The facade's `Cargo.toml`, `LICENSE` and `src/lib.rs`, relative to its folder; its README
/// is hand-written.
pub fn facade_crate(versions: &[FacadeVersion<'_>], rust_header: &str, license: &str, version: &str) -> Vec<GeneratedFile> {
    let toml_header = rust_header.replace("// ", "# ");
    let package = format!(
        "name = \"intercom-api\"\nversion.workspace = true\nedition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\ndescription = \"Typed Rust SDK for the Intercom REST API: models, operations and an async client, one module per API version.\"\n{}",
        published_keys("intercom-api")
    );
    let mut dependencies = format!("intercom-api-runtime = {{ path = \"runtime\", version = \"{version}\", default-features = false }}\n");
    for v in versions {
        dependencies.push_str(&format!(
            "{} = {{ path = \"{}\", version = \"{version}\", optional = true, default-features = false }}\n",
            v.crate_name, v.dir
        ));
    }
    let manifest = Manifest {
        header: &toml_header,
        package,
        lib: None,
        features: features(versions),
        dependencies,
        dev_dependencies: Some(
            "# The README's examples are doctests.\nfutures = \"0.3\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
        ),
        docs_rs: true,
        standalone: false,
    };
    vec![
        GeneratedFile::new("Cargo.toml", manifest.render()),
        GeneratedFile::new("LICENSE", license),
        GeneratedFile::new("src/lib.rs", lib(versions, rust_header)),
    ]
}

/// The facade's `[features]` lines: the client and its TLS, the serde halves and every
/// version, whole or one tag at a time, each forwarded to the version crates.
fn features(versions: &[FacadeVersion<'_>]) -> String {
    let forwarded = |feature: &str| -> String {
        let list: Vec<String> = versions.iter().map(|v| format!("\"{}?/{feature}\"", v.crate_name)).collect();
        list.join(", ")
    };
    let mut out = String::from("default = [\"client\"]\n");
    let mut tag_features = String::new();
    for v in versions {
        let krate = v.crate_name;
        out.push_str(&format!("{} = [\"dep:{krate}\", \"{krate}/full\"]\n", v.module));
        tag_features.push_str(&format!("# Intercom API {}, one tag at a time.\n", v.id));
        for tag in v.tags {
            tag_features.push_str(&format!("{}-{} = [\"dep:{krate}\", \"{krate}/{}\"]\n", v.module, tag.feature, tag.feature));
        }
    }
    let every_version: Vec<String> = versions.iter().map(|v| format!("\"{}\"", v.module)).collect();
    out.push_str(&format!(
        "# Every version, whole: for the workspace's tests and for exploring (an app picks one).\nall-versions = [{}]\n",
        every_version.join(", ")
    ));
    out.push_str(&format!(
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
         client-core = [\"intercom-api-runtime/client-core\", {}]\n\
         # `Serialize` on response types too, and `Deserialize` on request types and operations.\n\
         serialize = [{}]\ndeserialize = [{}]\n{tag_features}",
        forwarded("client"),
        forwarded("serialize"),
        forwarded("deserialize")
    ));
    out
}

/// The facade's `src/lib.rs`: the README as docs, the runtime's main types, and one gated
/// re-export per version.
fn lib(versions: &[FacadeVersion<'_>], rust_header: &str) -> String {
    let mut out = format!(
        "{rust_header}#![doc = include_str!(\"../README.md\")]\n#![forbid(unsafe_code)]\n#![cfg_attr(docsrs, feature(doc_cfg))]\n\n/// The hand-written runtime shared by every version.\npub use intercom_api_runtime as runtime;\n#[cfg(feature = \"client-core\")]\npub use intercom_api_runtime::{{AttemptInfo, Client, ClientBuilder, Hook, RequestBuilder, Region, RetryPolicy, Token, TokenProvider}};\npub use intercom_api_runtime::{{ApiError, ContentTypeError, DecodeError, Error, Operation, Paginated, RateLimit, Redirect, Response}};\n"
    );
    for v in versions {
        let mut enabling = vec![format!("feature = \"{}\"", v.module)];
        enabling.extend(v.tags.iter().map(|tag| format!("feature = \"{}-{}\"", v.module, tag.feature)));
        out.push_str(&format!(
            "\n/// Intercom API {} (`Intercom-Version: {}`). Enabled by the `{}` feature (all of it) or a\n/// `{}-<tag>` feature (one tag's operations and the types they reach).\n#[cfg(any({}))]\npub use {} as {};\n",
            v.id,
            v.intercom_version,
            v.module,
            v.module,
            enabling.join(", "),
            v.crate_name.replace('-', "_"),
            v.module
        ));
    }
    out
}
