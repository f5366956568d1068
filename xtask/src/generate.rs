//! `cargo xtask generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]`: one crate
//! from any OpenAPI 3.0 file, no pin.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::diagnostics::{Diagnostic, Severity};

use crate::flags::Options;
use crate::workspace::{open, runtime_dir};

/// Exit status 1, with every diagnostic printed and nothing written, when the spec has errors.
pub fn run(options: &Options) -> Result<ExitCode, String> {
    let spec = options.get("--spec").ok_or("generate needs --spec FILE")?;
    let out = options.get("--out").ok_or("generate needs --out DIR")?;
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let (spec, out) = (cwd.join(spec), cwd.join(out));
    let name = options.get("--name").map(str::to_owned).unwrap_or_else(|| default_name(&spec));
    let started = Instant::now();
    let overlay = match options.get("--overlay") {
        Some(file) => Some(open()?.overlay_file(&cwd.join(file)).map_err(|e| e.to_string())?),
        None => None,
    };
    match intercom_codegen::generate_crate(&spec, overlay.as_ref(), &out, &name, &runtime_dir()) {
        Ok(generated) => {
            let (_, warnings) = print_diagnostics(&generated.lowered.diagnostics);
            println!(
                "{name}: {} types, {} operations, {} files, {} lines, {warnings} warnings -> {} ({:.2}s)",
                generated.lowered.api.types.len(),
                generated.lowered.api.operations.len(),
                generated.files,
                generated.lines,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(intercom_codegen::Error::Spec { what, diagnostics }) => {
            let (errors, warnings) = print_diagnostics(&diagnostics);
            eprintln!("{what}: {errors} error(s), {warnings} warning(s); nothing was generated.");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The crate name without `--name`: `generated-` and the spec file's stem, lowercase, with
/// every other character than a letter or digit a `-`.
fn default_name(spec: &Path) -> String {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let cleaned: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("generated-{}", cleaned.trim_matches('-'))
}

/// Prints each diagnostic; (errors, warnings).
fn print_diagnostics(diagnostics: &[Diagnostic]) -> (usize, usize) {
    for d in diagnostics {
        println!("    {d}");
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    (errors, diagnostics.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_comes_from_the_spec_file() {
        assert_eq!(default_name(Path::new("/specs/drift/base.yaml")), "generated-base");
        assert_eq!(default_name(Path::new("api.intercom.io.yaml")), "generated-api-intercom-io");
        assert_eq!(default_name(Path::new("_My Spec_.json")), "generated-my-spec");
    }
}
