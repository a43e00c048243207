//! The leak scan after every public build: the produced PDF — its page
//! text, every string and stream in the file (metadata, bookmarks, link
//! targets, attachments) and the laid-out document itself — is searched for
//! the title, original title, URL, note and quotes of every confidential
//! source. Comparison ignores case, white space, hyphens, quote marks and
//! invisible characters, so line breaks, hyphenation and typography cannot
//! hide a match. A finding names the source, never the text that leaked.

use typst::layout::{Frame, FrameItem};
use typst::model::Destination;
use typst::model::Document as _;
use typst_layout::PagedDocument;
use unicode_normalization::UnicodeNormalization;

use crate::diag::{Code, Diagnostic};
use crate::registry::Registry;

/// Needles shorter than this (after normalising) are too common to mean anything.
const SHORTEST: usize = 5;

/// Clauses of notes and quotes shorter than this are not searched alone.
const CLAUSE: usize = 16;

/// One confidential text and whose it is.
#[derive(Debug)]
struct Needle {
    /// The normalised text.
    text: String,
    /// The confidential source.
    source: String,
    /// Which of its fields: "title", "URL", "quote", …
    field: &'static str,
    /// For quotes: the claim whose evidence it is.
    claim: Option<String>,
}

/// Where in the PDF a text was found.
struct Haystack {
    channel: &'static str,
    text: String,
}

/// Every confidential text the registry holds.
fn needles(registry: &Registry) -> Vec<Needle> {
    let mut out = Vec::new();
    let mut push = |text: &str, source: &str, field: &'static str, claim: Option<&str>| {
        let normal = normalise(text);
        if normal.chars().count() >= SHORTEST {
            out.push(Needle {
                text: normal,
                source: source.into(),
                field,
                claim: claim.map(Into::into),
            });
        }
        // A writer may paste a clause of a note or quote rather than all of
        // it; clauses long enough to identify are needles too.
        if matches!(field, "note" | "quote") {
            for clause in text.split(['.', ';', ':', '\n', '!', '?']) {
                let normal = normalise(clause);
                if normal.chars().count() >= CLAUSE && normal != normalise(text) {
                    out.push(Needle {
                        text: normal,
                        source: source.into(),
                        field,
                        claim: claim.map(Into::into),
                    });
                }
            }
        }
    };
    for source in registry.sources.values().filter(|s| s.is_confidential()) {
        let id = &source.id.value;
        let fields = [
            ("title", &source.title),
            ("short title", &source.short_title),
            ("original title", &source.original_title),
            ("URL", &source.url),
            ("archived URL", &source.archived),
            ("note", &source.note),
        ];
        for (field, value) in fields {
            if let Some(value) = value {
                push(&value.value, id, field, None);
                if field.ends_with("URL") {
                    let bare = value
                        .value
                        .split_once("://")
                        .map_or(value.value.as_str(), |(_, rest)| rest);
                    push(bare, id, field, None);
                }
            }
        }
    }
    for claim in registry.claims.values() {
        for evidence in &claim.evidence {
            let confidential = registry
                .sources
                .get(&evidence.source.value)
                .is_some_and(|s| s.is_confidential());
            if let (true, Some(quote)) = (confidential, &evidence.quote) {
                push(
                    &quote.value,
                    &evidence.source.value,
                    "quote",
                    Some(&claim.id.value),
                );
            }
        }
    }
    out
}

/// Lower case, compatibility forms folded, and every character that layout
/// may add, drop or change removed: white space, hyphens and dashes, quote
/// marks, soft hyphens, joiners and direction marks.
pub fn normalise(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| {
            !(c.is_whitespace()
                || matches!(c, '-' | '\u{00AD}' | '\u{2010}'..='\u{2015}' | '\u{2212}')
                || matches!(c, '\'' | '"' | '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '‟' | '«' | '»' | '′' | '″')
                || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
        })
        .collect()
}

/// Scans the document and its PDF; one diagnostic per leaked field.
pub fn scan(registry: &Registry, document: &PagedDocument, pdf: &[u8]) -> Vec<Diagnostic> {
    let needles = needles(registry);
    if needles.is_empty() {
        return Vec::new();
    }
    let haystacks = haystacks(document, pdf);
    let mut found = Vec::new();
    for needle in &needles {
        let reversed: String = needle.text.chars().rev().collect();
        let Some(hay) = haystacks
            .iter()
            .find(|h| h.text.contains(&needle.text) || h.text.contains(&reversed))
        else {
            continue;
        };
        let what = match &needle.claim {
            Some(claim) => format!(
                "a quote of confidential source `{}` (evidence for `{claim}`)",
                needle.source
            ),
            None => format!(
                "the {} of confidential source `{}`",
                needle.field, needle.source
            ),
        };
        let message = format!(
            "the PDF would reveal {what}: it appears in the {}; no PDF was written",
            hay.channel
        );
        let already = found.iter().any(|d: &Diagnostic| d.message == message);
        if !already {
            found.push(
                Diagnostic::new(Code::ConfidentialLeak, message)
                    .with_help("remove it from the report (prose, headings, notes, tables, links, front matter), or build for internal use with --internal"),
            );
        }
    }
    found
}

/// The texts to search: what the laid-out document shows and links to, its
/// metadata, and everything the PDF file itself contains.
fn haystacks(document: &PagedDocument, pdf: &[u8]) -> Vec<Haystack> {
    let mut text = String::new();
    let mut links = String::new();
    for page in document.pages() {
        walk(&page.frame, &mut text, &mut links);
    }
    let info = {
        let info = document.info();
        let mut all: Vec<String> = info.title.iter().map(|t| t.to_string()).collect();
        all.extend(info.author.iter().map(|a| a.to_string()));
        all.extend(info.description.iter().map(|d| d.to_string()));
        all.extend(info.keywords.iter().map(|k| k.to_string()));
        all.join("\u{1}")
    };
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(pdf))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    vec![
        Haystack {
            channel: "text",
            text: normalise(&text),
        },
        Haystack {
            channel: "link targets",
            text: normalise(&links),
        },
        Haystack {
            channel: "metadata",
            text: normalise(&info),
        },
        Haystack {
            channel: "text",
            text: normalise(&extracted),
        },
        Haystack {
            channel: "PDF's metadata, bookmarks, links or attachments",
            text: normalise(&file_strings(pdf)),
        },
    ]
}

fn walk(frame: &Frame, text: &mut String, links: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => walk(&group.frame, text, links),
            FrameItem::Text(run) => text.push_str(&run.text),
            FrameItem::Link(Destination::Url(url), _) => {
                links.push_str(url.as_str());
                links.push('\u{1}');
            }
            FrameItem::Image(image, _, _) => {
                if let Some(alt) = image.alt() {
                    text.push_str(alt);
                }
            }
            _ => {}
        }
    }
    text.push('\u{1}');
}

/// Every string object and every (decompressed) stream of the PDF as text.
fn file_strings(pdf: &[u8]) -> String {
    let Ok(document) = lopdf::Document::load_mem(pdf) else {
        // Not readable: scan the raw bytes rather than nothing.
        return String::from_utf8_lossy(pdf).into_owned();
    };
    let mut out = String::new();
    for object in document.objects.values() {
        collect(object, &mut out);
    }
    out
}

fn collect(object: &lopdf::Object, out: &mut String) {
    match object {
        lopdf::Object::String(bytes, _) => {
            out.push_str(&decode(bytes));
            out.push('\u{1}');
        }
        lopdf::Object::Array(items) => items.iter().for_each(|i| collect(i, out)),
        lopdf::Object::Dictionary(dict) => dict.iter().for_each(|(_, v)| collect(v, out)),
        lopdf::Object::Stream(stream) => {
            stream.dict.iter().for_each(|(_, v)| collect(v, out));
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            out.push_str(&String::from_utf8_lossy(&content));
            out.push('\u{1}');
        }
        _ => {}
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, else one byte a character.
fn decode(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => bytes.iter().map(|&b| b as char).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn normalising_ignores_layout() {
        assert_eq!(
            normalise("The Informant’s  Name"),
            normalise("the informant's\nname")
        );
        assert_eq!(normalise("inform-\nant"), normalise("informant"));
        assert_eq!(normalise("ﬁle"), "file");
        assert_eq!(normalise("نامه‌های"), normalise("نامههای"));
    }
}
