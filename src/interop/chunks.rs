//! Rich text between the registry's markup (`_emphasis_`, `*strong*`,
//! `{Protected}` case) and hayagriva's chunked strings, each way.

use hayagriva::types::{ChunkKind, ChunkedString, FormatString};

use crate::registry::rich::{self, Node, Tag};

/// A private-use mark the templates print as nothing (`templates/lib.typ`).
pub const NOTHING: &str = "\u{E00A}";

/// Words whose case is their spelling kept from re-casing, as CSL's title
/// case leaves them and hayagriva's does not: mixed case (`NumPy`,
/// `iPhone`, `arXiv`), capitals with digits (`ERA5`, `CO2`), and the rest
/// of a word that kept case or formatting interrupts (`H<sub>2</sub>O`).
fn keep_mixed_case(chunks: ChunkedString) -> ChunkedString {
    let spelled = |word: &str| {
        let upper_inside = word.chars().skip(1).any(char::is_uppercase);
        let lower = word.chars().any(char::is_lowercase);
        let digit = word.chars().any(|c| c.is_ascii_digit());
        upper_inside && lower || digit && word.chars().any(char::is_uppercase)
    };
    let mut out = ChunkedString::new();
    let mut after_kept = false;
    for chunk in chunks.0 {
        if chunk.kind != ChunkKind::Normal {
            after_kept = !chunk.value.ends_with(char::is_whitespace);
            out.push_str(&chunk.value, chunk.kind);
            continue;
        }
        let mut start = 0;
        let value = chunk.value.as_str();
        while start < value.len() {
            let rest = &value[start..];
            let space = rest.starts_with(char::is_whitespace);
            let len = rest
                .find(|c: char| c.is_whitespace() != space)
                .unwrap_or(rest.len());
            let piece = &rest[..len];
            let continues = after_kept && piece.starts_with(char::is_alphanumeric);
            let keep = !space && (continues || spelled(piece));
            out.push_str(
                piece,
                if keep {
                    ChunkKind::Verbatim
                } else {
                    ChunkKind::Normal
                },
            );
            after_kept = false;
            start += len;
        }
    }
    out
}

/// How formatted text reaches hayagriva.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formatting {
    /// Between the private-use [`MARKS`] the templates set: for a build.
    Marked,
    /// As its text: for an export, since hayagriva's format has no
    /// formatting.
    Dropped,
}

/// Registry rich text as hayagriva chunks: `{…}` verbatim; formatted text
/// verbatim too (no style re-cases it), marked or not.
pub fn chunked(text: &str, formatting: Formatting) -> ChunkedString {
    let mut chunks = ChunkedString::new();
    match rich::parse(text) {
        Ok(nodes) => push_nodes(&nodes, ChunkKind::Normal, formatting, &mut chunks),
        Err(_) => chunks.push_str(text, ChunkKind::Normal),
    }
    if formatting == Formatting::Marked {
        chunks = keep_mixed_case(chunks);
    }
    // A title that starts with kept case and a space: hayagriva's title
    // case drops the space ("{LaTeX} for beginners" prints "LaTeXfor Beginners")
    // unless normal text comes first; in a build, a mark the templates
    // print as nothing is that text.
    let spaced_after_start = chunks.0.len() > 1
        && chunks.0[0].kind != ChunkKind::Normal
        && chunks.0[1].kind == ChunkKind::Normal
        && chunks.0[1].value.starts_with(char::is_whitespace);
    if spaced_after_start && formatting == Formatting::Marked {
        chunks
            .0
            .insert(0, hayagriva::types::StringChunk::normal(NOTHING));
    }
    chunks.0.retain(|c| !c.value.is_empty());
    chunks
}

pub(super) fn push_nodes(
    nodes: &[Node],
    kind: ChunkKind,
    formatting: Formatting,
    chunks: &mut ChunkedString,
) {
    for node in nodes {
        match node {
            Node::Text(text) => chunks.push_str(text, kind),
            Node::Kept(inner) => push_nodes(inner, ChunkKind::Verbatim, formatting, chunks),
            Node::Tagged(_, inner) if formatting == Formatting::Dropped => {
                push_nodes(inner, ChunkKind::Verbatim, formatting, chunks)
            }
            Node::Tagged(..) => {
                let mut text = String::new();
                marked(std::slice::from_ref(node), &mut Vec::new(), &mut text);
                chunks.push_str(&text, ChunkKind::Verbatim);
            }
        }
    }
}

/// The private-use characters that open and close each tag in a printed
/// bibliography; the templates' `rich` show rules set the text between them
/// (`templates/lib.typ`).
pub const MARKS: [(Tag, char, char); 5] = [
    (Tag::Italic, '\u{E000}', '\u{E001}'),
    (Tag::Bold, '\u{E002}', '\u{E003}'),
    (Tag::SmallCaps, '\u{E004}', '\u{E005}'),
    (Tag::Superscript, '\u{E006}', '\u{E007}'),
    (Tag::Subscript, '\u{E008}', '\u{E009}'),
];

pub(super) fn marked(nodes: &[Node], open_tags: &mut Vec<Tag>, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Kept(inner) => marked(inner, open_tags, out),
            Node::Tagged(tag, inner) if open_tags.contains(tag) => marked(inner, open_tags, out),
            Node::Tagged(tag, inner) => {
                let (_, open, close) = MARKS
                    .iter()
                    .find(|(t, ..)| t == tag)
                    .copied()
                    .unwrap_or(MARKS[0]);
                out.push(open);
                open_tags.push(*tag);
                marked(inner, open_tags, out);
                open_tags.pop();
                out.push(close);
            }
        }
    }
}

/// hayagriva chunks as registry rich text; `text` converts normal text.
pub fn rich_text(chunks: &ChunkedString, text: &dyn Fn(&str) -> String) -> String {
    rich_text_of(chunks, text, false)
}

/// [`rich_text`] of chunks the `biblatex` crate made, where a lone accented
/// letter in braces is how BibTeX writes an accent (`{\"O}sterreich`), not a
/// capital to keep.
pub fn rich_text_tex(chunks: &ChunkedString) -> String {
    rich_text_of(chunks, &super::tex::to_rich, true)
}

pub(super) fn rich_text_of(
    chunks: &ChunkedString,
    text: &dyn Fn(&str) -> String,
    tex: bool,
) -> String {
    let mut out = String::new();
    for chunk in &chunks.0 {
        match chunk.kind {
            ChunkKind::Normal => out.push_str(&text(&chunk.value.replace(NOTHING, ""))),
            // BibTeX's rule: braces around an accent or that open with a
            // command (`{\"O}`, `{\em …}`) are not there to keep case.
            ChunkKind::Verbatim
                if tex && (is_special_letter(&chunk.value) || chunk.value.starts_with('\\')) =>
            {
                out.push_str(&text(&chunk.value))
            }
            ChunkKind::Verbatim => {
                let inner = text(&chunk.value);
                // Braces around text without case (Persian, digits) keep nothing.
                let cased = chunk
                    .value
                    .chars()
                    .any(|c| c.to_lowercase().ne(c.to_uppercase()));
                if inner.trim().is_empty() || !cased {
                    out.push_str(&inner);
                } else {
                    out.push('{');
                    out.push_str(&inner);
                    out.push('}');
                }
            }
            // Math is never re-cased: `$\alpha$` must not become `Α`.
            ChunkKind::Math => {
                let math = super::tex::math_to_rich(&chunk.value);
                if rich::plain(&math)
                    .chars()
                    .any(|c| c.to_lowercase().ne(c.to_uppercase()))
                {
                    out.push('{');
                    out.push_str(&math);
                    out.push('}');
                } else {
                    out.push_str(&math);
                }
            }
        }
    }
    out
}

/// One letter that is not ASCII, with its combining marks: `Ö`, `ı`, `ç`.
pub(super) fn is_special_letter(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() && !c.is_ascii())
        && chars.all(|c| matches!(c, '\u{300}'..='\u{36f}'))
}

/// Text no style may re-case (URLs, identifiers).
pub(super) fn verbatim(text: &str) -> FormatString {
    let mut chunks = ChunkedString::new();
    chunks.push_str(text, ChunkKind::Verbatim);
    FormatString {
        value: chunks,
        short: None,
    }
}
