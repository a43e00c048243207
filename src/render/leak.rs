//! The leak scan after every public build: the produced PDF — its page
//! text, every string and stream in the file (metadata, bookmarks, link
//! targets, attachments, images) and the laid-out document itself — is
//! searched for the title, original title, URL, note and quotes of every
//! confidential source. Comparison ignores case, white space, hyphens, quote marks and
//! invisible characters, so line breaks, hyphenation and typography cannot
//! hide a match. A finding names the source, never the text that leaked.

use typst::foundations::Smart;
use typst::layout::{Frame, FrameItem};
use typst::model::Destination;
use typst::model::Document as _;
use typst::visualize::{ImageKind, Paint};
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

/// The channel of everything in the PDF file but its page text.
const FILE: &str = "PDF file's metadata, bookmarks, links, attachments or images";

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
    // Pages whose text a reader's extraction must see too: with an SVG or
    // PDF image, whose text the layout does not hold, or with right-to-left
    // text, whose runs the layout holds in visual order.
    let mut reread = Vec::new();
    for (i, page) in document.pages().iter().enumerate() {
        let mut again = walk(&page.frame, &mut text, &mut links);
        if let Smart::Custom(Some(fill)) = &page.fill {
            again |= paint(fill, &mut text, &mut links);
        }
        if again {
            reread.push(i);
        }
    }
    // The PDF is read back on a second thread while this one normalises.
    std::thread::scope(|scope| {
        let file = scope.spawn(|| pdf_haystacks(pdf, &reread));
        let info = {
            let info = document.info();
            let mut all: Vec<String> = info.title.iter().map(|t| t.to_string()).collect();
            all.extend(info.author.iter().map(|a| a.to_string()));
            all.extend(info.description.iter().map(|d| d.to_string()));
            all.extend(info.keywords.iter().map(|k| k.to_string()));
            all.join("\u{1}")
        };
        let mut haystacks = vec![
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
        ];
        match file.join() {
            Ok(more) => haystacks.extend(more),
            // Never pass a PDF the scan could not read: search its bytes.
            Err(_) => haystacks.push(Haystack {
                channel: FILE,
                text: normalise(&String::from_utf8_lossy(pdf)),
            }),
        }
        haystacks
    })
}

/// The PDF file read back, parsed once: every string and stream in it, and
/// the text a reader extracts from the pages at the indices `reread`. The
/// other pages' text is the laid-out text, searched already.
fn pdf_haystacks(pdf: &[u8], reread: &[usize]) -> Vec<Haystack> {
    let Ok(document) = lopdf::Document::load_mem(pdf) else {
        // Not readable: scan the raw bytes rather than nothing.
        return vec![Haystack {
            channel: FILE,
            text: normalise(&String::from_utf8_lossy(pdf)),
        }];
    };
    // The reader's text of each half of those pages, and every string and
    // stream, on two threads.
    let page_ids = document.get_pages();
    let numbers: Vec<u32> = page_ids.keys().copied().collect();
    let pages: Vec<u32> = reread
        .iter()
        .filter_map(|&i| numbers.get(i).copied())
        .collect();
    let (first, second) = pages.split_at(pages.len() / 2);
    // Page content streams hold glyph numbers, not text: the extractor reads
    // them; the string search skips them.
    let contents: std::collections::HashSet<lopdf::ObjectId> = page_ids
        .values()
        .flat_map(|id| document.get_page_contents(*id))
        .collect();
    std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let text = extract(&document, second);
            let mut strings = String::new();
            for (id, object) in &document.objects {
                if !contents.contains(id) {
                    collect(object, &mut strings);
                }
            }
            (text, normalise(&strings))
        });
        let mut extracted = extract(&document, first);
        let strings = match other.join() {
            Ok((text, strings)) => {
                extracted.push_str(&text);
                strings
            }
            Err(_) => normalise(&String::from_utf8_lossy(pdf)),
        };
        vec![
            Haystack {
                channel: "text",
                text: normalise(&extracted),
            },
            Haystack {
                channel: FILE,
                text: strings,
            },
        ]
    })
}

/// The text of some pages as a PDF reader extracts it; nothing for pages
/// the extractor fails on (the laid-out text is searched all the same).
fn extract(document: &lopdf::Document, pages: &[u32]) -> String {
    let mut all = String::new();
    for &page in pages {
        let mut text = String::new();
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut output = pdf_extract::PlainTextOutput::new(&mut text);
            pdf_extract::output_doc_page(document, &mut output, page)
        }));
        if matches!(read, Ok(Ok(()))) {
            all.push_str(&text);
        }
    }
    all
}

/// Collects a frame's text and link targets; whether it holds an SVG or PDF
/// image or right-to-left text.
fn walk(frame: &Frame, text: &mut String, links: &mut String) -> bool {
    let mut reread = false;
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => reread |= walk(&group.frame, text, links),
            FrameItem::Text(run) => {
                text.push_str(&run.text);
                reread |= run.text.chars().any(right_to_left);
                reread |= paint(&run.fill, text, links);
                if let Some(stroke) = &run.stroke {
                    reread |= paint(&stroke.paint, text, links);
                }
            }
            FrameItem::Shape(shape, _) => {
                if let Some(fill) = &shape.fill {
                    reread |= paint(fill, text, links);
                }
                if let Some(stroke) = &shape.stroke {
                    reread |= paint(&stroke.paint, text, links);
                }
            }
            FrameItem::Link(Destination::Url(url), _) => {
                links.push_str(url.as_str());
                links.push('\u{1}');
            }
            FrameItem::Image(image, _, _) => {
                if let Some(alt) = image.alt() {
                    text.push_str(alt);
                }
                reread |= !matches!(image.kind(), ImageKind::Raster(_));
            }
            _ => {}
        }
    }
    text.push('\u{1}');
    reread
}

/// A tiling paints with a frame of its own, which may hold text.
fn paint(paint: &Paint, text: &mut String, links: &mut String) -> bool {
    match paint {
        Paint::Tiling(tiling) => walk(tiling.frame(), text, links),
        Paint::Solid(_) | Paint::Gradient(_) => false,
    }
}

/// Whether a character belongs to a right-to-left script (Hebrew, Arabic,
/// Syriac, Thaana, N'Ko and their presentation forms, and the historic
/// right-to-left scripts).
fn right_to_left(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}'
            | '\u{FB1D}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{10800}'..='\u{10FFF}'
            | '\u{1E800}'..='\u{1EFFF}')
}

/// Every string in a PDF object, and the content of every stream but font
/// programs (glyph outlines, no text; images stay: a JPEG carries its
/// comments and EXIF data into the PDF).
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
            if is_font_program(&stream.dict) {
                return;
            }
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            out.push_str(&String::from_utf8_lossy(&content));
            out.push('\u{1}');
        }
        _ => {}
    }
}

fn is_font_program(dict: &lopdf::Dictionary) -> bool {
    let subtype = dict.get(b"Subtype").and_then(|s| s.as_name());
    ["Length1", "Length2", "Length3"]
        .iter()
        .any(|key| dict.has(key.as_bytes()))
        || matches!(subtype, Ok(b"Type1C" | b"CIDFontType0C" | b"OpenType"))
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
