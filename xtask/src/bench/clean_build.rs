//! The `clean-build` part: a clean dev build of a small program through `intercom-api`, next to
//! the same program written against reqwest, tokio, serde and serde_json directly.

use std::path::{Path, PathBuf};

use intercom_codegen::Workspace;

use super::run_timed;
use crate::workspace::cargo;

/// The SDK programs of the clean-build part: the facade's feature, and the module it enables.
const CLEAN_BUILDS: [(&str, &str); 3] = [("v2_12", "v2_12"), ("v2_12-contacts", "v2_12"), ("unstable", "unstable")];

/// Clean dev builds of a small program that fetches one contact, through `intercom-api`
/// (path dependency on this workspace's facade, default features, so the client) and through
/// its own calls to reqwest, tokio, serde and serde_json: what the SDK adds to a user's first
/// build. Each program sits under `<target>/bench/clean-build/`, with the workspace's
/// Cargo.lock (so every shared dependency has the version the SDK is tested with) and a
/// target dir emptied before it is built. Dependencies are fetched before the clock starts.
/// Nothing is compiled incrementally, as for a crate from a registry.
pub(super) fn clean_builds(ws: &Workspace, target: &Path) -> Result<(), String> {
    println!(
        "== clean build (dev profile, not incremental, as for a registry dependency: `cargo build` \
         of a small program in a fresh target dir; baseline: the same program on reqwest + tokio \
         + serde + serde_json alone)"
    );
    let root = target.join("bench/clean-build");
    // The workspace's reqwest line leaves TLS to the runtime's features; the baseline takes the
    // TLS the SDK's default client uses (rustls), so both programs build the same stack.
    let reqwest = workspace_dependency(&ws.root, "reqwest")?.replacen("features = [", "features = [\"rustls\", ", 1);
    let baseline = clean_build(&root.join("baseline"), &ws.root, &baseline_program(&reqwest))?;
    println!("{:<28} clean build {baseline:>6.1} s", "baseline");
    for (feature, module) in CLEAN_BUILDS {
        let time = clean_build(&root.join(feature), &ws.root, &sdk_program(&ws.root, feature, module))?;
        println!(
            "{:<28} clean build {time:>6.1} s   {:+.1} s, {:+.0} % over the baseline",
            format!("intercom-api {feature}"),
            time - baseline,
            (time / baseline - 1.0) * 100.0
        );
    }
    Ok(())
}

/// A program's files: `Cargo.toml` and `src/main.rs`.
struct Program {
    manifest: String,
    main: String,
}

/// tokio as both programs need it: the macros and the current-thread runtime.
const TOKIO: &str = r#"tokio = { version = "1", default-features = false, features = ["macros", "rt"] }"#;

fn baseline_program(reqwest: &str) -> Program {
    Program {
        manifest: format!(
            "[package]\nname = \"bench-baseline\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n# The workspace's own reqwest line.\n{reqwest}\n{TOKIO}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
             # Not a member of any workspace around it.\n[workspace]\n"
        ),
        main: r#"//! Fetches one contact with reqwest and decodes it with serde: the baseline.

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Contact {
    id: String,
    email: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("INTERCOM_TOKEN").unwrap_or_default();
    let client = reqwest::Client::builder().build()?;
    let response = client
        .get("https://api.intercom.io/contacts/1")
        .bearer_auth(token)
        .header("Intercom-Version", "2.12")
        .header("Accept", "application/json")
        .send()
        .await?
        .error_for_status()?;
    let contact: Contact = serde_json::from_slice(&response.bytes().await?)?;
    println!("{contact:?}");
    Ok(())
}
"#
        .to_owned(),
    }
}

fn sdk_program(root: &Path, feature: &str, module: &str) -> Program {
    let facade = root.join("intercom-api");
    Program {
        manifest: format!(
            "[package]\nname = \"bench-{feature}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nintercom-api = {{ path = {:?}, features = [{feature:?}] }}\n{TOKIO}\n\n\
             # Not a member of any workspace around it.\n[workspace]\n",
            facade.display().to_string()
        ),
        main: format!(
            r#"//! Fetches one contact through intercom-api (`{feature}`).

use intercom_api::{module}::Client;
use intercom_api::{module}::operations::ShowContact;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let token = std::env::var("INTERCOM_TOKEN").unwrap_or_default();
    let client = Client::builder(token).build()?;
    let contact = client.send(&ShowContact::new("1")).await?;
    println!("{{contact:?}}");
    Ok(())
}}
"#
        ),
    }
}

/// Writes a crate of its own into `dir`: `manifest` as its Cargo.toml, `source` at `file`
/// (relative to `dir`), and the workspace's Cargo.lock, so that every shared dependency has
/// the version the SDK is tested with.
pub(super) fn write_crate(dir: &Path, root: &Path, manifest: &str, file: &str, source: &str) -> Result<(), String> {
    let write = |path: PathBuf, text: &[u8]| std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    write(dir.join("Cargo.toml"), manifest.as_bytes())?;
    write(dir.join(file), source.as_bytes())?;
    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("{}: {e}", root.join("Cargo.lock").display()))?;
    write(dir.join("Cargo.lock"), &lock)
}

/// Writes `program` into `dir` with the workspace's Cargo.lock, fetches its dependencies,
/// empties its target dir and times `cargo build`.
fn clean_build(dir: &Path, root: &Path, program: &Program) -> Result<f64, String> {
    write_crate(dir, root, &program.manifest, "src/main.rs", &program.main)?;
    let manifest = dir.join("Cargo.toml");
    let target = dir.join("target");
    let in_program = |task: &str| {
        let mut command = cargo();
        command.args([task, "--quiet", "--manifest-path"]).arg(&manifest).env("CARGO_TARGET_DIR", &target);
        // A user's intercom-api comes from a registry, which cargo never compiles
        // incrementally; a path dependency it would (a third more work for the generated
        // crates, saving caches a user never reads), so it is turned off, in both programs.
        command.env("CARGO_INCREMENTAL", "0");
        command
    };
    run_timed(&mut in_program("fetch"))?;
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    run_timed(&mut in_program("build"))
}

/// The line `name = …` of the workspace's `[workspace.dependencies]`.
fn workspace_dependency(root: &Path, name: &str) -> Result<String, String> {
    manifest_section(root, "[workspace.dependencies]")?
        .lines()
        .find(|line| line.split('=').next().is_some_and(|key| key.trim() == name))
        .map(str::to_owned)
        .ok_or_else(|| format!("no `{name}` in the workspace's [workspace.dependencies]"))
}

/// The section `header` of the workspace's Cargo.toml, header included, up to the next one
/// (less the comments that open the next one).
pub(super) fn manifest_section(root: &Path, header: &str) -> Result<String, String> {
    let file = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut lines = text.lines().skip_while(|line| line.trim() != header);
    let first = lines.next().ok_or_else(|| format!("{}: no {header}", file.display()))?;
    let mut body: Vec<&str> = lines.take_while(|line| !line.starts_with('[')).collect();
    // Comments at its end introduce the next section.
    while body.last().is_some_and(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) {
        body.pop();
    }
    Ok(format!("{first}\n{}\n", body.join("\n")))
}
