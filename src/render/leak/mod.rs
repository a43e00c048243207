//! The leak guarantee: no confidential text reaches the reader of a public
//! build. Two layers, each enough on its own for ordinary writing:
//!
//! 1. [`source`], before layout: every text the build will show — the report
//!    as parsed, its front matter, the registry data it prints, and every
//!    file the document reads (Typst files' text and strings; images',
//!    SVGs', PDFs' and attachments' text and metadata, archives opened).
//! 2. [`layout`], after it: the laid-out document read as one stream with no
//!    separators between lines, boxes, footnotes, columns or pages, the eye's
//!    jumps past footnotes and page furniture followed, words placed out of
//!    order caught; link targets, images, metadata, and the PDF file itself.
//!
//! Both match on the one [`crate::skeleton`] (letters and digits only, full
//! case folding, confusables, script variants) and compare URLs with the one
//! [`crate::identity`] normaliser. A finding names the source, the field and
//! the channel, never the text.

mod decode;
mod files;
mod images;
pub mod layout;
mod matcher;
pub mod needles;
mod printed;
mod seen;
pub mod source;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use self::matcher::Matcher;
pub use self::needles::{Field, Needles, Owner};
pub use self::printed::{Secrets, WITHHELD, as_printed, diagnostics, redact, scrub};
use crate::diag::{Diagnostic, Files, Span};
use crate::identity::Url;
use crate::registry::Registry;
use crate::skeleton::Builder;

/// Where a text was found, for the reader of a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel {
    /// What it is: "the report's text", "the laid-out text of page 3", …
    pub what: String,
    /// Where, when a place can be named.
    pub place: Place,
}

/// A place a finding can point at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// Nowhere in particular.
    None,
    /// A range of a file dossier loaded (the report, a registry file).
    Span(Span),
    /// A byte offset in a file the document read.
    File(PathBuf, Option<usize>),
}

impl Channel {
    /// A channel with no place.
    pub fn new(what: impl Into<String>) -> Channel {
        Channel {
            what: what.into(),
            place: Place::None,
        }
    }
}

/// Confidential text found, or a file that could not be read to the end.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    /// A needle's text would reach the reader.
    Leak(Owner, Channel),
    /// A file the build shows could not be read to the end.
    Unreadable(Channel, String),
}

/// Searches texts for every confidential needle and collects what it finds;
/// shared by the World's file loader and both layers.
#[derive(Debug)]
pub struct Scanner {
    needles: Needles,
    matcher: Matcher,
    findings: Mutex<Vec<Finding>>,
}

impl Scanner {
    /// A scanner for the confidential sources of `registry`; `None` when
    /// there are none.
    pub fn new(registry: &Registry) -> Option<Arc<Scanner>> {
        let needles = Needles::new(registry);
        if needles.is_empty() {
            return None;
        }
        let matcher = Matcher::new(&needles);
        Some(Arc::new(Scanner {
            needles,
            matcher,
            findings: Mutex::new(Vec::new()),
        }))
    }

    /// Everything found so far, in a stable order, and forgets it.
    pub fn take(&self) -> Vec<Finding> {
        let mut findings = std::mem::take(&mut *self.lock());
        findings.sort();
        findings.dedup();
        findings
    }

    /// Whether anything was found so far.
    pub fn found_any(&self) -> bool {
        !self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Finding>> {
        self.findings.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn report(&self, finding: Finding) {
        self.lock().push(finding);
    }

    /// Runs one search of `what`; should it fail unexpectedly, the build
    /// fails rather than pass what was not searched.
    pub fn guarded(&self, what: &str, search: impl FnOnce()) {
        let ran = crate::quiet::quietly(search);
        if ran.is_err() {
            self.report(Finding::Unreadable(
                Channel::new(what.to_string()),
                "the search for confidential text stopped unexpectedly".into(),
            ));
        }
    }

    /// Reports every needle `hay` holds; `channel` names where, given the
    /// origin of the first character found.
    pub fn search(&self, hay: &Builder, channel: &dyn Fn(Option<u32>) -> Channel) {
        self.search_with(hay, false, channel);
    }

    /// [`Scanner::search`]; with `long_only`, only needles long enough not
    /// to arise by chance in binary data, contiguous.
    fn search_with(
        &self,
        hay: &Builder,
        long_only: bool,
        channel: &dyn Fn(Option<u32>) -> Channel,
    ) {
        for hit in self.matcher.find(hay, long_only) {
            let origin = hay.origin_at(hit.at);
            let owner = self.needles.list[hit.needle].owner.clone();
            self.report(Finding::Leak(owner, channel(origin)));
        }
    }

    /// How far around a place confidential text could run on: four bytes
    /// of writing (spaces, markup, wide characters) for every byte of the
    /// longest needle.
    pub fn reach(&self) -> usize {
        let longest = self.needles.list.iter().map(|n| n.skeleton.len());
        longest.max().unwrap_or(0) * 4
    }

    /// Whether `lines` take part in confidential text found in `before`,
    /// `lines` and `after` read as one text: a needle is found there more
    /// often than with `lines` left out. A snippet of lines that each hold
    /// only part of a quote shows it all the same.
    pub fn involves(&self, before: &str, lines: &str, after: &str) -> bool {
        let count = |parts: &[&str]| {
            let mut hay = Builder::default();
            for part in parts {
                if part.is_empty() {
                    hay.barrier();
                } else {
                    hay.push(part, 0);
                }
            }
            self.matcher.find(&hay, false).len()
        };
        let whole = count(&[before, lines, after]);
        whole > 0 && whole > count(&[before, "", after])
    }

    /// Reports needles cut in two at a jump from one of `ends` to one of
    /// `starts` (skeleton byte offsets of `hay`).
    pub fn search_cut(&self, hay: &Builder, ends: &[usize], starts: &[usize], channel: &Channel) {
        for hit in self.matcher.find_cut(hay, ends, starts) {
            let owner = self.needles.list[hit.needle].owner.clone();
            self.report(Finding::Leak(owner, channel.clone()));
        }
    }

    /// Searches one text, as written and percent-decoded, and compares the
    /// URLs in it with the confidential ones. `channel` is given the byte
    /// offset in `text` where a finding starts.
    pub fn text(&self, text: &str, channel: &dyn Fn(Option<usize>) -> Channel) {
        if text.len() <= CHUNK {
            let mut hay = Builder::with_origins();
            hay.push(text, 0);
            self.search(&hay, &|origin| channel(origin.map(|o| o as usize)));
            self.encoded(text, channel);
            return;
        }
        // A long text in pieces that overlap by more than any needle, each
        // starting after white space, so memory stays bounded.
        let mut start = 0;
        while start < text.len() {
            let end = floor(text, start + CHUNK);
            let reach = floor(text, end + OVERLAP);
            let piece = &text[start..reach];
            let mut hay = Builder::default();
            hay.push(piece, 0);
            self.search(&hay, &|_| channel(None));
            self.encoded(piece, channel);
            if reach == text.len() {
                break;
            }
            let back = text[..end]
                .char_indices()
                .rev()
                .take(256)
                .find(|(_, c)| c.is_whitespace())
                .map_or(end, |(i, c)| i + c.len_utf8());
            start = if back > start { back } else { end };
        }
    }

    /// What a text says once percent-decoded or reordered as a reader sees
    /// it, and the URLs in it; for texts whose skeleton was searched already.
    pub fn encoded(&self, text: &str, channel: &dyn Fn(Option<usize>) -> Channel) {
        if let Some(visual) = visual(text) {
            let mut hay = Builder::default();
            hay.push(&visual, 0);
            self.search(&hay, &|_| channel(None));
        }
        if text.contains('%') {
            let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
            if decoded != text {
                let mut hay = Builder::default();
                hay.push(&decoded, 0);
                self.search(&hay, &|_| channel(None));
            }
        }
        self.urls(text, channel);
    }

    /// Compares every URL-like word of `text` with the confidential URLs.
    pub fn urls(&self, text: &str, channel: &dyn Fn(Option<usize>) -> Channel) {
        if self.needles.urls.is_empty() {
            return;
        }
        for (at, candidate) in url_words(text) {
            let Some(found) = Url::parse(&candidate) else {
                continue;
            };
            for (url, owner) in &self.needles.urls {
                if found.reaches(url) {
                    self.report(Finding::Leak(owner.clone(), channel(Some(at))));
                }
            }
        }
    }

    /// Searches every text inside a file's bytes (archives opened, encodings undone);
    /// what cannot be read to the end is a finding too.
    pub fn bytes(&self, bytes: &[u8], channel: &Channel) {
        let result = files::texts(bytes, &mut |part, text, trust| {
            let inner = |_: Option<usize>| {
                if part.is_empty() {
                    channel.clone()
                } else {
                    Channel {
                        what: format!("{} (inside: {part})", channel.what),
                        place: channel.place.clone(),
                    }
                }
            };
            match trust {
                files::Trust::Text => self.text(text, &inner),
                files::Trust::Binary => {
                    let mut hay = Builder::default();
                    hay.push(text, 0);
                    self.search_with(&hay, true, &|_| inner(None));
                }
            }
        });
        if let Err(unreadable) = result {
            let mut at = channel.clone();
            if !unreadable.part.is_empty() {
                at.what = format!("{} (inside: {})", at.what, unreadable.part);
            }
            self.report(Finding::Unreadable(at, unreadable.reason));
        }
    }
}

/// The order a reader sees a text in, line by line, when it holds
/// directional overrides, embeddings or isolates (U+202A–U+202E,
/// U+2066–U+2069), which display characters in another order than they are
/// stored: `U+202E 710-W` shows as `W-017`. `None` when it holds none.
pub fn visual(text: &str) -> Option<String> {
    let controls = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.contains(controls) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let info = unicode_bidi::BidiInfo::new(line, None);
        for paragraph in &info.paragraphs {
            out.push_str(&info.reorder_line(paragraph, paragraph.range.clone()));
        }
        out.push('\n');
    }
    Some(out)
}

/// Texts longer than this are searched in pieces.
const CHUNK: usize = 1 << 20;

/// How far the pieces of a long text overlap, in bytes: more than the
/// longest needle.
const OVERLAP: usize = 8192;

/// The largest char boundary of `text` at or before `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Words of a text that may be URLs, with their byte offsets: with a scheme,
/// or a host name followed by a path.
fn url_words(text: &str) -> Vec<(usize, String)> {
    let separator = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '`' | '|'
            )
    };
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (separator(c), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let word = text[s..i].trim_end_matches([
                    '.', ',', ';', ':', '!', '?', '»', '›', '”', '’', '「', '」', '،', '؛',
                ]);
                if let Some(scheme) = word.find("://") {
                    let begin = word[..scheme]
                        .char_indices()
                        .rev()
                        .find(|&(_, c)| !c.is_ascii_alphanumeric() && !matches!(c, '+' | '-' | '.'))
                        .map_or(0, |(p, c)| p + c.len_utf8());
                    out.push((s + begin, word[begin..].to_string()));
                } else if looks_like_host_path(word) {
                    out.push((s, format!("http://{word}")));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// `example.org/path`, `www.example.org`: a dotted host, then a path or `www.`.
fn looks_like_host_path(word: &str) -> bool {
    let host = word.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    let dotted = host.contains('.') && !host.starts_with('.') && !host.ends_with("..");
    dotted && (word.len() > host.len() || host.starts_with("www."))
}

/// What `dossier check` can tell without building: whether a report's own
/// text, as written, shows a confidential source (the first layer, without
/// the files a build would read).
pub fn reports(
    registry: &Registry,
    reports: &[crate::report::Report],
    files: &mut Files,
) -> Vec<Diagnostic> {
    let Some(scanner) = Scanner::new(registry) else {
        return Vec::new();
    };
    for report in reports {
        let text = files.text(report.file);
        let converted = match report.format {
            crate::report::Format::Markdown => {
                super::markup::convert(text, report.body_start, &report.groups, "")
            }
            crate::report::Format::Typst => {
                super::markup::inline(text, &report.groups, report.file, "")
            }
        };
        scanner.guarded("the report", || {
            source::report(&scanner, &converted, report, text)
        });
        for &file in &report.includes {
            let path = files.path(file).to_path_buf();
            let name = crate::diag::display_name(&path);
            scanner.guarded(&format!("`{name}`"), || {
                source::file(&scanner, &path, &name, files.text(file).as_bytes())
            });
        }
    }
    diagnostics(&scanner.take(), files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a file holds, reading it ends, without a panic.
        #[test]
        fn any_bytes_are_read_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
            let _ = files::texts(&bytes, &mut |_, _, _| {});
        }

        /// Whatever a text holds, its URL words and skeleton come out.
        #[test]
        fn any_text_is_searched_without_panicking(text in "\\PC{0,200}") {
            for (at, word) in url_words(&text) {
                prop_assert!(text.is_char_boundary(at));
                let _ = Url::parse(&word);
            }
            let mut hay = Builder::with_origins();
            hay.push(&text, 0);
            for (i, _) in hay.text.char_indices() {
                prop_assert!(hay.origin_at(i).is_some_and(|o| text.is_char_boundary(o as usize)));
            }
        }

        /// Binary data shaped like the containers the scan opens.
        #[test]
        fn broken_containers_are_read_without_panicking(
            kind in 0usize..5,
            tail in prop::collection::vec(any::<u8>(), 0..600),
        ) {
            let head: &[u8] = [&b"PK\x03\x04"[..], b"\x1f\x8b", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"][kind];
            let bytes = [head, &tail].concat();
            let _ = files::texts(&bytes, &mut |_, _, _| {});
        }
    }

    #[test]
    fn url_words_are_found_with_and_without_scheme() {
        let words: Vec<String> = url_words(
            "see <https://www.example.org:443/a/./b%2Dc/?utm_source=x#top>, example.org/a/b-c. or www.example.org.",
        )
        .into_iter()
        .map(|(_, w)| w)
        .collect();
        assert!(
            words.contains(&"https://www.example.org:443/a/./b%2Dc/?utm_source=x#top".to_string()),
            "{words:?}"
        );
        assert!(
            words.contains(&"http://example.org/a/b-c".to_string()),
            "{words:?}"
        );
        assert!(
            words.contains(&"http://www.example.org".to_string()),
            "{words:?}"
        );
        let target = Url::parse("https://example.org/a/b-c").unwrap();
        let reached = words
            .iter()
            .filter_map(|w| Url::parse(w))
            .filter(|u| u.reaches(&target))
            .count();
        assert_eq!(reached, 2);
    }
}
