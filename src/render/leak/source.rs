//! Layer one, before layout: the texts a build will show, read from what the
//! author wrote and what the document reads. A Typst source (the report as
//! Typst compiles it, an included file, a template) shows its markup text,
//! escapes, shorthands, raw text and strings — formatting calls between them
//! do not separate words, so `Quill#emph[feather]` is one word; comments,
//! identifiers and labels are not shown. Every other file is read for every
//! text it carries (archives opened, encodings undone, images by format).

use std::path::Path;

use typst_syntax::{SyntaxKind, SyntaxNode, ast};

use super::{Channel, Place, Scanner};
use crate::diag::Span;
use crate::render::markup::Converted;
use crate::report::Report;
use crate::skeleton::Builder;

/// The text a Typst source shows, as plain text: markup text, escapes,
/// shorthands and strings, a space for every other piece, a line break for
/// every paragraph break.
pub fn shown(source: &str) -> String {
    fn walk(node: &SyntaxNode, out: &mut String) {
        match node.kind() {
            SyntaxKind::Text | SyntaxKind::MathText | SyntaxKind::Link => {
                out.push_str(node.leaf_text())
            }
            SyntaxKind::Escape => out.extend(node.cast::<ast::Escape>().map(|e| e.get())),
            SyntaxKind::Shorthand => out.extend(node.cast::<ast::Shorthand>().map(|s| s.get())),
            SyntaxKind::Str => {
                out.push(' ');
                if let Some(string) = node.cast::<ast::Str>() {
                    out.push_str(&string.get());
                }
                out.push(' ');
            }
            SyntaxKind::Parbreak => out.push('\n'),
            _ if node.children().len() == 0 => {
                if node.leaf_text().chars().any(char::is_whitespace) {
                    out.push(' ');
                }
            }
            _ => node.children().for_each(|child| walk(child, out)),
        }
    }
    let mut out = String::new();
    walk(&typst_syntax::parse(source), &mut out);
    out
}

/// Calls whose string arguments name something rather than show it where
/// they stand: a link's target, an attachment's name and data.
const NAMING: &[&str] = &["link", "bytes", "attach"];

/// Calls whose string arguments are never shown: paths of files the
/// document reads (the file itself is searched when it is read), labels,
/// languages.
const NEVER_SHOWN: &[&str] = &[
    "image",
    "read",
    "include",
    "json",
    "csv",
    "toml",
    "yaml",
    "xml",
    "cbor",
    "plugin",
    "bibliography",
    "import",
    "label",
    "ref",
    "cite",
    "lang",
    "region",
];

/// Where a string literal goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strings {
    /// Shown where it stands.
    Shown,
    /// Shown elsewhere (a link target, an attachment): searched on its own.
    Apart,
    /// Never shown.
    Hidden,
}

/// Appends what a Typst source shows to `hay`, and the strings that name
/// things rather than show them (link targets, paths, named arguments such
/// as `alt`) to `side`, each on its own; origins are byte offsets in `source`.
pub fn typst_text(source: &str, hay: &mut Builder, side: &mut Builder) {
    let root = typst_syntax::parse(source);
    walk(&root, 0, hay, side, Strings::Shown);
}

fn walk(node: &SyntaxNode, offset: usize, hay: &mut Builder, side: &mut Builder, strings: Strings) {
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
        SyntaxKind::Str if strings == Strings::Hidden => {}
        SyntaxKind::Str => {
            let out = if strings == Strings::Apart {
                &mut *side
            } else {
                &mut *hay
            };
            out.junction();
            string_chars(node.leaf_text(), offset, out);
            out.junction();
        }
        SyntaxKind::LineComment | SyntaxKind::BlockComment => hay.junction(),
        _ if node.children().len() == 0 => {
            // Markers, punctuation, identifiers, spaces: never part of a word
            // the reader sees, but words on either side stay apart only where
            // the source separates them.
            if matches!(
                node.kind(),
                SyntaxKind::Space | SyntaxKind::Linebreak | SyntaxKind::Parbreak
            ) || node.leaf_text().chars().any(char::is_whitespace)
            {
                hay.space();
            } else if matches!(node.kind(), SyntaxKind::SmartQuote | SyntaxKind::Ident) {
                hay.junction();
            }
        }
        kind => {
            // Strings given to naming calls, and named arguments, are not
            // shown where they stand, paths never; content blocks inside
            // them are.
            let strings = match kind {
                SyntaxKind::FuncCall => match callee(node) {
                    Some(name) if NAMING.contains(&name) => Strings::Apart,
                    Some(name) if NEVER_SHOWN.contains(&name) => Strings::Hidden,
                    _ => strings,
                },
                SyntaxKind::Named => Strings::Apart,
                SyntaxKind::ContentBlock | SyntaxKind::Markup => Strings::Shown,
                _ => strings,
            };
            // A footnote's text stands at the foot of the page, not between
            // the words around its mark.
            let footnote = kind == SyntaxKind::FuncCall && callee(node) == Some("footnote");
            let mut note = Builder::with_origins();
            let mut at = offset;
            for child in node.children() {
                let into = if footnote { &mut note } else { &mut *hay };
                walk(child, at, into, side, strings);
                at += child.len();
            }
            side.extend(&note);
        }
    }
}

/// The characters of a string literal (`literal`, quotes included, at byte
/// `offset`), each at the place it is written, escapes decoded.
fn string_chars(literal: &str, offset: usize, out: &mut Builder) {
    let inner = literal
        .strip_prefix('"')
        .map(|s| s.strip_suffix('"').unwrap_or(s))
        .unwrap_or(literal);
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = offset + 1 + i;
        if c != '\\' {
            out.push_char(c, at);
            continue;
        }
        let decoded = match chars.next() {
            Some((_, 'n')) => '\n',
            Some((_, 'r')) => '\r',
            Some((_, 't')) => '\t',
            Some((_, 'u')) => {
                let mut hex = String::new();
                while let Some((_, c)) = chars.next_if(|&(_, c)| c != '}') {
                    if c != '{' {
                        hex.push(c);
                    }
                }
                chars.next();
                u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{fffd}')
            }
            Some((_, c)) => c,
            None => break,
        };
        out.push_char(decoded, at);
    }
}

/// The name a call calls: `link` for `link(…)` and `pdf.attach` alike.
fn callee(call: &SyntaxNode) -> Option<&str> {
    let first = call.children().next()?;
    match first.kind() {
        SyntaxKind::Ident => Some(first.leaf_text().as_str()),
        SyntaxKind::FieldAccess => first
            .children()
            .rev()
            .find(|c| c.kind() == SyntaxKind::Ident)
            .map(|c| c.leaf_text().as_str()),
        _ => None,
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
    let (mut hay, mut side) = (Builder::with_origins(), Builder::with_origins());
    typst_text(&converted.text, &mut hay, &mut side);
    scanner.search(&hay, &|origin| at(origin.map(|o| o as usize)));
    scanner.search(&side, &|origin| at(origin.map(|o| o as usize)));
    // Link targets and strings, as URLs; text with directional overrides
    // as a reader sees it.
    scanner.urls(&converted.text, &at);
    if let Some(visual) = super::visual(&shown(&converted.text)) {
        let mut hay = Builder::default();
        hay.push(&visual, 0);
        scanner.search(&hay, &|_| at(None));
    }
    if converted.text.contains('%') {
        let decoded = percent_encoding::percent_decode_str(&converted.text).decode_utf8_lossy();
        let (mut hay, mut side) = (Builder::with_origins(), Builder::with_origins());
        typst_text(&decoded, &mut hay, &mut side);
        scanner.search(&hay, &|_| at(None));
        scanner.search(&side, &|_| at(None));
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

/// Keys of the build's data whose values are never shown as text: IDs,
/// names of styles and languages, grades, planning data.
const UNSHOWN: &[&str] = &[
    "source",
    "style",
    "style-file",
    "lang",
    "region",
    "language",
    "type",
    "resolution",
    "reliability",
    "credibility",
    "nocite",
    "unknown",
    "pairs",
    "bracketed",
    "citation",
    "draft",
];

/// Searches data the build generates for the document (`data.json`, the
/// registry's public entries and the front matter; `bibliography.yml`):
/// every value it may print, not its keys.
pub fn data(scanner: &Scanner, name: &str, text: &str) {
    let mut shown = String::new();
    if name.ends_with(".json") {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            json_values(&value, &mut shown);
        }
    } else if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        yaml_values(&value, &mut shown);
    }
    scanner.text(&shown, &|_| {
        Channel::new(format!(
            "the data the document prints ({name}: registry entries or front matter)"
        ))
    });
}

fn json_values(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_values(v, out)),
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                if !UNSHOWN.contains(&key.as_str()) {
                    json_values(v, out);
                }
            }
        }
        _ => {}
    }
}

fn yaml_values(value: &serde_yaml::Value, out: &mut String) {
    match value {
        serde_yaml::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| yaml_values(v, out)),
        serde_yaml::Value::Mapping(map) => {
            for (key, v) in map {
                if !key.as_str().is_some_and(|k| UNSHOWN.contains(&k)) {
                    yaml_values(v, out);
                }
            }
        }
        serde_yaml::Value::Tagged(tagged) => yaml_values(&tagged.value, out),
        _ => {}
    }
}

/// Searches a file the document reads: a Typst file for what it shows,
/// any file for every text it carries.
pub fn file(scanner: &Scanner, path: &Path, name: &str, bytes: &[u8]) {
    let what = format!("`{name}`, which the document reads");
    let at = |origin: Option<usize>| Channel {
        what: what.clone(),
        place: Place::File(path.to_path_buf(), origin),
    };
    if path.extension().is_some_and(|e| e == "typ")
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        let (mut hay, mut side) = (Builder::with_origins(), Builder::with_origins());
        typst_text(text, &mut hay, &mut side);
        scanner.search(&hay, &|origin| at(origin.map(|o| o as usize)));
        scanner.search(&side, &|origin| at(origin.map(|o| o as usize)));
        if let Some(visual) = super::visual(&shown(text)) {
            let mut hay = Builder::default();
            hay.push(&visual, 0);
            scanner.search(&hay, &|_| at(None));
        }
    }
    scanner.bytes(bytes, &at(None));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(source: &str) -> String {
        let (mut hay, mut side) = (Builder::with_origins(), Builder::with_origins());
        typst_text(source, &mut hay, &mut side);
        format!("{}|{}", hay.text, side.text)
    }

    #[test]
    fn typst_shows_text_and_strings_not_code() {
        let text = shown(
            "// Quiet\n= Quill#emph[feather] #let x = \"W-017\"; \\#a #box[b]c #link(\"https://e.org\")[d]",
        );
        let of = crate::skeleton::of;
        assert_eq!(
            text,
            format!(
                "{}|{}",
                of("Quillfeather W-017 #a bc d"),
                of("https://e.org")
            )
        );
    }
}
