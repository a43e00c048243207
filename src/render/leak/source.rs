//! Layer one, before layout: the texts a build will show, read from what the
//! author wrote and what the document reads. A Typst source (the report as
//! Typst compiles it, an included file, a template) shows its markup text,
//! escapes, shorthands, raw text and strings — formatting calls between them
//! do not separate words, so `Quill#emph[feather]` is one word; comments,
//! identifiers and labels are not shown. Every other file is read for every
//! text it carries ([`super::files`]).

use std::path::Path;

use typst_syntax::{SyntaxKind, SyntaxNode, ast};

use super::{Channel, Place, Scanner};
use crate::diag::Span;
use crate::render::markup::Converted;
use crate::report::Report;
use crate::skeleton::Builder;

/// Appends what a Typst source shows to `hay`; origins are byte offsets in
/// `source`.
pub fn typst_text(source: &str, hay: &mut Builder) {
    let root = typst_syntax::parse(source);
    walk(&root, 0, hay);
}

fn walk(node: &SyntaxNode, offset: usize, hay: &mut Builder) {
    match node.kind() {
        SyntaxKind::Text | SyntaxKind::MathText | SyntaxKind::Link => {
            hay.push(node.leaf_text(), offset);
        }
        SyntaxKind::Escape => match node.cast::<ast::Escape>() {
            Some(escape) => hay.push_char(escape.get(), offset),
            None => hay.junction(),
        },
        SyntaxKind::Shorthand => match node.cast::<ast::Shorthand>() {
            Some(shorthand) => hay.push_char(shorthand.get(), offset),
            None => hay.junction(),
        },
        SyntaxKind::Str => {
            hay.junction();
            if let Some(string) = node.cast::<ast::Str>() {
                for c in string.get().chars() {
                    hay.push_char(c, offset + 1);
                }
            }
            hay.junction();
        }
        SyntaxKind::LineComment | SyntaxKind::BlockComment => hay.junction(),
        _ if node.children().len() == 0 => {
            // Markers, punctuation, identifiers, spaces: never part of a word
            // the reader sees, but words on either side stay apart only where
            // the source separates them.
            if matches!(
                node.kind(),
                SyntaxKind::Space
                    | SyntaxKind::Linebreak
                    | SyntaxKind::Parbreak
                    | SyntaxKind::SmartQuote
                    | SyntaxKind::Ident
            ) || node.leaf_text().chars().any(char::is_whitespace)
            {
                hay.junction();
            }
        }
        _ => {
            let mut at = offset;
            for child in node.children() {
                walk(child, at, hay);
                at += child.len();
            }
        }
    }
}

/// Searches the report as Typst compiles it (`converted`), located in the
/// report through the source map, and its front matter as written.
pub fn report(scanner: &Scanner, converted: &Converted, report: &Report, text: &str) {
    let at = |origin: Option<usize>| {
        let range = origin.and_then(|o| converted.origin(o..o));
        Channel {
            what: "the report's text".into(),
            place: match range {
                Some(range) => Place::Span(Span::new(report.file, range.start..range.start)),
                None => Place::None,
            },
        }
    };
    let mut hay = Builder::default();
    typst_text(&converted.text, &mut hay);
    scanner.search(&hay, &|origin| at(origin.map(|o| o as usize)));
    // Link targets and strings, as URLs and percent-decoded.
    scanner.urls(&converted.text, &at);
    if converted.text.contains('%') {
        let decoded = percent_encoding::percent_decode_str(&converted.text).decode_utf8_lossy();
        let mut hay = Builder::default();
        typst_text(&decoded, &mut hay);
        scanner.search(&hay, &|_| at(None));
    }
    let front = &text[..report.body_start.min(text.len())];
    if !front.is_empty() {
        scanner.text(front, &|origin| Channel {
            what: "the report's front matter".into(),
            place: match origin {
                Some(o) => Place::Span(Span::new(report.file, o..o)),
                None => Place::None,
            },
        });
    }
}

/// Searches data the build generates for the document (the registry's
/// public entries, the front matter, the bibliography).
pub fn data(scanner: &Scanner, name: &str, text: &str) {
    scanner.text(text, &|_| {
        Channel::new(format!(
            "the data the document prints ({name}: registry entries or front matter)"
        ))
    });
}

/// Searches a file the document reads: a Typst file for what it shows,
/// any file for every text it carries.
pub fn file(scanner: &Scanner, path: &Path, shown: &str, bytes: &[u8]) {
    let what = format!("`{shown}`, which the document reads");
    let at = |origin: Option<usize>| Channel {
        what: what.clone(),
        place: Place::File(path.to_path_buf(), origin),
    };
    if path.extension().is_some_and(|e| e == "typ")
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        let mut hay = Builder::default();
        typst_text(text, &mut hay);
        scanner.search(&hay, &|origin| at(origin.map(|o| o as usize)));
    }
    scanner.bytes(bytes, &at(None));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(source: &str) -> String {
        let mut hay = Builder::default();
        typst_text(source, &mut hay);
        hay.text
    }

    #[test]
    fn typst_shows_text_and_strings_not_code() {
        let text = shown(
            "// Quiet\n= Quill#emph[feather] #let x = \"W-017\"; \\#a #box[b]c #link(\"https://e.org\")[d]",
        );
        assert_eq!(
            text,
            crate::skeleton::of("Quillfeather W-017 #a bc https://e.org d")
        );
    }
}
