//! `cargo xtask <task>`: the maintainer's commands. Run `cargo xtask help` for the list.
//!
//! This file reads the command line, calls the task and turns its result into an exit status;
//! each task is a module of its own, and `workspace` holds what they share.

/// The generator allocates in small pieces (token streams, syntax trees, YAML nodes): with
/// glibc's allocator a third of its time went to `malloc` and `free` (`perf record` of
/// `cargo xtask bench --only generator`); mimalloc takes 29 % off generating every version.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod drift;
mod every_version;
mod features;
mod flags;
mod generate;
mod regenerate;
mod specs;
mod workspace;

use std::process::ExitCode;

use intercom_codegen::output::Mode;

use crate::flags::Options;

const HELP: &str = "\
cargo xtask <task>

Tasks:
  regenerate [--check]        Generate every pinned version's crate, the facade and the
                              fixture crate. With --check, write nothing and fail when a
                              committed file differs from what the pinned specs produce.
  specs pull [--version ID]   Fetch the pinned spec files into .cache/ and verify their sha256.
  specs update [--version ID] [--commit SHA] [--source DIR]
                              Move the pin(s) to SHA (default: the source's head commit),
                              pull, regenerate, and print the report of what changed.
  drift [--version ID] [--source DIR] [--format text|json]
                              Compare each pin with the source's current file and report
                              what changed in terms of the generated crates.
                              Exit status: 0 no drift, 1 drift found, 2 could not check.
  generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]
                              Generate one crate from any OpenAPI 3.0 file (no pin).
                              Errors name their place in the spec and stop it.
  every-version [--source DIR]
                              Generate every description in DIR/descriptions/*/ (default:
                              INTERCOM_OPENAPI_SOURCE), with the pinned version's overlay or
                              specs/overlays/<dir>.toml, and `cargo check` each crate.
  features [--version ID]     `cargo check` each generated crate with each tag feature alone
                              (and the client), with no tag, and with `full` and no client,
                              alone and with each serde half.
  bench [--only PART[,PART...]] [--peers]
                              Print the performance figures. Parts: generator (time per
                              version next to the YAML-parse floor), compile (crate-only
                              rebuild and check of each generated crate), clean-build (a
                              user program's clean build with the SDK vs reqwest + serde
                              alone), runtime (criterion: typed decode vs serde_json::Value,
                              the client vs bare reqwest), memory (generator peak RSS,
                              allocations per decoded contact), peers (rebuild vs the crate
                              openapi-to-rust generates; only with --peers or --only peers).
  diff FROM TO [--format text|json]
                              The same report between two pinned versions (e.g. 2.7 2.12):
                              what moving from one to the other changes for a user.

Spec files come from INTERCOM_OPENAPI_SOURCE (a directory laid out like
intercom/Intercom-OpenAPI) when it is set, else from upstream over HTTPS. --source DIR
overrides that for the side being compared with the pins.
";

/// Exit status for a command line that names no task.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regenerate"] => regenerate::run(Mode::Write),
        ["regenerate", "--check"] => regenerate::run(Mode::Check),
        ["specs", "pull"] => specs::pull(None),
        ["specs", "pull", "--version", id] => specs::pull(Some(id)),
        ["specs", "update", rest @ ..] => Options::parse(rest, &["--version", "--commit", "--source"]).and_then(|o| specs::update(&o)),
        ["drift", rest @ ..] => {
            let result = Options::parse(rest, &["--version", "--source", "--format"]).and_then(|o| drift::drift(&o));
            return exit_status(result, ExitCode::from(drift::CANNOT_CHECK));
        }
        ["generate", rest @ ..] => Options::parse(rest, &["--spec", "--out", "--name", "--overlay"]).and_then(|o| generate::run(&o)),
        ["bench", rest @ ..] => bench::run(rest),
        ["features", rest @ ..] => Options::parse(rest, &["--version"]).and_then(|o| features::run(&o)),
        ["every-version", rest @ ..] => Options::parse(rest, &["--source"]).and_then(|o| every_version::run(&o)),
        ["diff", from, to, rest @ ..] if !from.starts_with('-') && !to.starts_with('-') => {
            Options::parse(rest, &["--format"]).and_then(|o| drift::diff(from, to, &o))
        }
        [] | ["help"] | ["--help"] | ["-h"] => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("unknown task: {}\n\n{HELP}", args.join(" "));
            return ExitCode::from(USAGE);
        }
    };
    exit_status(result, ExitCode::FAILURE)
}

/// The task's own exit status, or `on_error` once the reason it could not run is printed.
fn exit_status(result: Result<ExitCode, String>, on_error: ExitCode) -> ExitCode {
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        on_error
    })
}
