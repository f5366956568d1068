//! The pagination the generator finds from the specs' structure, checked against how
//! Intercom's own SDKs paginate: `fern/openapi-overrides.yml` (stable versions) and
//! `fern/preview-openapi-overrides.yml` (Unstable) in the upstream repository record an
//! `x-fern-pagination` per list endpoint. They are a check, never an input: every endpoint
//! they list must be detected with the same style and the same list of results.

use intercom_codegen::ir::{Operation, PaginationStyle};
use intercom_codegen::pins::SOURCE_ENV;

/// `(method, path, style, results property)` from one fern overrides file.
fn fern_endpoints(file: &str) -> Vec<(String, String, PaginationStyle, String)> {
    let source = std::env::var(SOURCE_ENV).unwrap_or_else(|_| {
        panic!(
            "this test compares the detected pagination with fern/{file} from the upstream Intercom-OpenAPI \
             repository; set {SOURCE_ENV} to a local mirror of it (for example `{SOURCE_ENV}=../shared/intercom-openapi`)."
        )
    });
    let path = intercom_tests::root().join(&source).join("fern").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for (p, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(pagination) = op.get("x-fern-pagination") else { continue };
            let field = |key: &str| pagination.get(key).and_then(|v| v.as_str()).unwrap_or_default();
            let style = match (field("offset"), field("cursor")) {
                ("$request.page", _) => PaginationStyle::PageNumber,
                (_, "$request.starting_after") => PaginationStyle::Cursor,
                (_, "$request.pagination.starting_after") => PaginationStyle::Search,
                (_, "$request.scroll_param") => PaginationStyle::Scroll,
                other => panic!("{method} {p}: unknown fern pagination {other:?}"),
            };
            let results = field("results").trim_start_matches("$response.").to_owned();
            out.push((method.to_uppercase(), p.clone(), style, results));
        }
    }
    assert!(!out.is_empty(), "{} lists no x-fern-pagination", path.display());
    out
}

/// Endpoints fern pages that the generator deliberately does not, and why.
const NOT_DETECTED: &[(&str, &str)] = &[(
    "GET /help_center/help_centers",
    "the spec's `help_center_list` answer has no `pages` (no page number, no total), so nothing says where the pages end",
)];

/// fern names path parameters its own way (`{contact_id}` for the spec's `{id}`).
fn same_path(spec: &str, fern: &str) -> bool {
    fn shape(p: &str) -> Vec<&str> {
        p.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect()
    }
    shape(spec) == shape(fern)
}

fn check(version: &str, file: &str) {
    let ws = intercom_tests::workspace();
    let pin = ws.pins.versions.iter().find(|p| p.id == version).expect("pinned version");
    let api = ws.lower_version(pin).unwrap_or_else(|e| panic!("{e}")).api;
    let mut problems = Vec::new();
    let endpoints = fern_endpoints(file);
    let mut absent = 0;
    for (method, path, style, results) in &endpoints {
        let found: Option<&Operation> = api.operations.iter().find(|o| o.http_method.as_str() == method && same_path(&o.path, path));
        let Some(op) = found else {
            // The stable file is written against a later version; an older one may not have
            // the endpoint at all (specs/fern-corrections.toml records it as `absent`).
            absent += 1;
            continue;
        };
        let known = NOT_DETECTED.iter().find(|(endpoint, _)| *endpoint == format!("{method} {path}"));
        match (&op.pagination, known) {
            (None, Some((endpoint, why))) => println!("pagination {version}: {endpoint} is paged by fern but not here: {why}"),
            (Some(_), Some((endpoint, _))) => problems.push(format!("{endpoint} is now paginated: remove it from NOT_DETECTED")),
            (None, None) => problems.push(format!("{method} {path}: fern pages it ({}), the generator does not", style.label())),
            (Some(p), None) if p.style != *style => {
                problems.push(format!("{method} {path}: fern says {}, the generator found {}", style.label(), p.style.label()))
            }
            (Some(p), None) => {
                let items = &p.items[0].field;
                if items.trim_start_matches("r#") != results {
                    problems.push(format!("{method} {path}: fern's results are `{results}`, the generator's `{items}`"));
                }
            }
        }
    }
    let detected = api.operations.iter().filter(|o| o.pagination.is_some()).count();
    println!(
        "pagination {version}: {} endpoints in fern/{file} checked ({absent} not in this version); {detected} paginated operations in all",
        endpoints.len()
    );
    assert!(absent < endpoints.len(), "none of fern/{file}'s paged endpoints is in {version}: is the file meant for it?");
    assert!(problems.is_empty(), "pagination {version} disagrees with fern/{file}:\n{}", problems.join("\n"));
}

/// Every pinned version against the fern file that speaks for it (specs/fern-corrections.toml).
#[test]
fn pagination_matches_intercoms_sdks_in_every_version() {
    let ws = intercom_tests::workspace();
    let text = std::fs::read_to_string(ws.root.join("specs/fern-corrections.toml")).expect("read specs/fern-corrections.toml");
    let corrections = intercom_codegen::fern::Corrections::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    for pin in &ws.pins.versions {
        let files = corrections.files_for(&pin.id);
        assert!(!files.is_empty(), "no fern file speaks for {}: add it to a `versions` list in specs/fern-corrections.toml", pin.id);
        for file in files {
            check(&pin.id, file);
        }
    }
}
