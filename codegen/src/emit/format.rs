//! Tokens to text: one file at a time through `syn` and prettyplease, files formatted in
//! parallel, and the blank lines prettyplease leaves out.

use proc_macro2::TokenStream;

use crate::output::GeneratedFile;

/// `make(item)` for every item, on as many threads as the machine has (tokens are built and
/// formatted per file, so files are independent); results in the items' order.
pub(crate) fn format_in_parallel<T: Sync>(
    items: &[T],
    make: impl Fn(&T) -> Result<GeneratedFile, String> + Sync,
) -> Result<Vec<GeneratedFile>, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()).max(1);
    if threads == 1 {
        return items.iter().map(&make).collect();
    }
    let make = &make;
    let mut slots: Vec<Option<Result<GeneratedFile, String>>> = (0..items.len()).map(|_| None).collect();
    let mut failure = None;
    std::thread::scope(|scope| {
        let mut workers = Vec::new();
        for worker in 0..threads {
            let work =
                move || items.iter().enumerate().skip(worker).step_by(threads).map(|(index, item)| (index, make(item))).collect::<Vec<_>>();
            // A thread the system refuses is no error: what it would have done is done below.
            if let Ok(handle) = std::thread::Builder::new().spawn_scoped(scope, work) {
                workers.push(handle);
            }
        }
        for worker in workers {
            match worker.join() {
                Ok(done) => done.into_iter().for_each(|(index, file)| slots[index] = Some(file)),
                Err(_) => failure = Some("an emission thread panicked (a bug in the generator; please report it)".to_owned()),
            }
        }
    });
    if let Some(message) = failure {
        return Err(message);
    }
    slots.into_iter().zip(items).map(|(slot, item)| slot.unwrap_or_else(|| make(item))).collect()
}

/// Parses `tokens` as a Rust file and lays it out (prettyplease, then blank lines between
/// items) after `header`. An error means the generator emitted invalid Rust.
pub fn format_file(header: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("the generator emitted invalid Rust: {e}"))?;
    Ok(format!("{header}{}", space_out_items(&prettyplease::unparse(&file))))
}

/// A blank line after every block that ends an item, and before every documented item that
/// follows a statement, at the top level and inside `impl`s, as a person would write it
/// (prettyplease leaves none).
fn space_out_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(before) = previous {
            let indent = before.len() - before.trim_start().len();
            let closes = matches!(before.trim(), "}" | "};");
            let same_level = line.len() - line.trim_start().len() == indent;
            let continues =
                matches!(line.trim_start().chars().next(), Some('}' | ')' | ']' | ',' | '.')) || line.trim_start().starts_with("else");
            // A documented item after a statement-like one (`const …;`, `pub use …;`).
            let documented_after_statement =
                before.trim_end().ends_with(';') && !before.trim_start().starts_with("//") && line.trim_start().starts_with("///");
            if (closes || documented_after_statement) && same_level && indent <= 4 && !continues && !line.trim().is_empty() {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}
