//! Spec prose as rustdoc: fences and indentation made safe, wrapped list items indented, and
//! lint allowances only where the spec's text needs them.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// A description as rustdoc attributes, one per line.
/// Docs copied from the spec, or `fallback` where it says nothing (every public item of a
/// generated crate is documented: the crates deny missing docs).
pub(crate) fn doc_attrs_or(text: Option<&str>, fallback: &str) -> TokenStream {
    match text {
        Some(text) if !text.trim().is_empty() => doc_attrs(Some(text)),
        _ => {
            let line = Literal::string(&format!(" {fallback}"));
            quote!(#[doc = #line])
        }
    }
}

/// Docs copied from the spec. Where the text has links, URLs or HTML-looking text, the item
/// allows rustdoc's lints about them: the spec's prose is not written for rustdoc, while the
/// links the generator writes itself are checked.
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let lines = doc_lines(text).into_iter().map(|line| {
        let line = Literal::string(&format!(" {line}"));
        quote!(#[doc = #line])
    });
    let risky = text.contains('[') || text.contains('<') || text.contains("://");
    let allow = risky.then(|| quote!(#[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]));
    quote!(#(#lines)* #allow)
}

/// Makes spec prose safe as rustdoc: fenced blocks without a language (which rustdoc would
/// compile as Rust) become `text`, and indentation that markdown would read as an indented
/// (Rust) code block is removed.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut list_indent = None;
    for raw in text.trim_matches('\n').lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                in_fence = false;
                out.push("```".to_owned());
            } else {
                in_fence = true;
                let lang = info.trim();
                let lang = if lang.is_empty() || lang == "rust" || lang.contains(',') { "text" } else { lang };
                out.push(format!("```{lang}"));
            }
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        // A wrapped list item: its continuation lines are indented to the item's text, as
        // Markdown (and clippy's `doc_lazy_continuation`) expects; a blank line ends the item.
        if let Some(width) = list_marker_width(trimmed) {
            list_indent = Some(width);
            out.push(trimmed.to_owned());
        } else if trimmed.is_empty() {
            list_indent = None;
            out.push(String::new());
        } else if let Some(width) = list_indent {
            out.push(format!("{}{trimmed}", " ".repeat(width)));
        } else {
            out.push(trimmed.to_owned());
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// The width of a Markdown list marker that starts `line` (`- `, `* `, `12. `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    #[test]
    fn bare_fences_become_text_and_indentation_is_dropped() {
        let lines = doc_lines("Intro\n\n    indented\n```\nlet x = 1;\n```\n```json\n{}\n```");
        assert_eq!(lines, ["Intro", "", "indented", "```text", "let x = 1;", "```", "```json", "{}", "```"]);
    }

    #[test]
    fn wrapped_list_items_are_indented_to_their_text() {
        let lines = doc_lines("Steps:\n\n1. first\nwrapped\n- dash\ncontinued\n\nAfter.");
        assert_eq!(lines, ["Steps:", "", "1. first", "   wrapped", "- dash", "  continued", "", "After."]);
    }

    #[test]
    fn an_unclosed_fence_is_closed() {
        assert_eq!(doc_lines("```\ncode"), ["```text", "code", "```"]);
    }
}
