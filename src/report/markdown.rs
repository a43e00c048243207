//! Pandoc citations in Markdown, read as Pandoc's Markdown reader reads them
//! (its `cite`, `citeKey`, `citation`, `prefix` and `suffix` parsers):
//! `[@a]`, `[@a; @b]`, `[see @a, para. 4; also @b]`, `[-@a]`, `@a`,
//! `@a [p. 4]`, `@a [@b]` and braced keys `@{…}`, after any character that
//! does not end a word, with formatting, links and nested brackets in
//! prefixes and suffixes. pulldown-cmark decides what is prose, block by
//! block; citations are never looked for in code, raw HTML, autolinks, math,
//! bare URLs, example-list labels `(@label)` or after a backslash.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::locator::locator;
use super::{Citation, Group, Mode};
use crate::diag::{Code, Diagnostic, FileId, Span};
use crate::registry::id::{braced_len, is_alphanumeric, key_len};

/// The parser options every Markdown pass uses, so spans agree.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Every citation group in the body, which starts at byte `body_start`.
pub fn citations(
    file: FileId,
    text: &str,
    body_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Group> {
    let blocks = blocks(text, body_start);
    // Example labels are known to the whole document before any `@label`
    // is read: Pandoc decides after parsing.
    let mut examples = HashSet::new();
    let markers: Vec<Vec<Range<usize>>> = blocks
        .iter()
        .map(|block| example_markers(text, block, &mut examples))
        .collect();
    let mut groups = Vec::new();
    for (block, markers) in blocks.iter().zip(markers) {
        let scan = Scan {
            file,
            source: text,
            toks: &block.toks,
            examples: &examples,
            fresh: RefCell::new(HashSet::new()),
            depth: Cell::new(0),
            tried: RefCell::default(),
            matching: matching(&block.toks),
        };
        if !block.html {
            scan.run(&markers, &mut groups);
            continue;
        }
        let mut found = Vec::new();
        scan.run(&markers, &mut found);
        for citation in found.into_iter().flat_map(|g| g.citations) {
            let message = format!(
                "`@{}` in raw HTML is printed as written, not as a citation",
                citation.id
            );
            diagnostics.push(
                Diagnostic::new(Code::Syntax, message)
                    .at(citation.span)
                    .with_help("end the HTML block with a blank line so the citation is Markdown, or write `&#64;` for an @ sign"),
            );
        }
    }
    groups
}

/// Every citation in `text`, read as one paragraph of Markdown (a front
/// matter value such as `nocite`), with its range in `text`.
pub fn inline_citations(file: FileId, text: &str) -> Vec<Citation> {
    citations(file, text, 0, &mut Vec::new())
        .into_iter()
        .flat_map(|g| g.citations)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// One character of text.
    Char(char),
    /// The start of emphasis, strong emphasis, strikethrough, a link or an
    /// image.
    Open,
    /// Its end; `word` for emphasis and strong emphasis, after which Pandoc
    /// counts a word as just ended.
    Close { word: bool },
    /// Code, raw HTML, a footnote reference or an autolink: never part of a
    /// citation's syntax.
    Atom,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    /// Byte range in the report.
    start: usize,
    end: usize,
    /// Written as itself: not escaped, not an entity, not made typographic.
    plain: bool,
    /// Inside a bare URL, where `@` starts no citation.
    url: bool,
}

impl Tok {
    fn is(&self, c: char) -> bool {
        self.plain && self.kind == Kind::Char(c)
    }

    fn space(&self) -> bool {
        self.plain && matches!(self.kind, Kind::Char(' ' | '\t'))
    }
}

/// The prose of one leaf block: a paragraph, heading, table cell or the text
/// of a tight list item.
#[derive(Debug, Default)]
struct Block {
    toks: Vec<Tok>,
    /// A paragraph or list item's text, where an example-list label may
    /// start.
    paragraph: bool,
    /// Raw HTML, which Pandoc reads Markdown between the tags of but dossier
    /// prints as written.
    html: bool,
}

/// The prose blocks of the body, as tokens.
fn blocks(text: &str, body_start: usize) -> Vec<Block> {
    let body = &text[body_start..];
    let mut blocks = Vec::new();
    let mut block = Block::default();
    // Depth of code blocks and metadata, whose text is not prose.
    let mut opaque = 0usize;
    // Inside an HTML block, and inside a comment or script there.
    let mut html: Option<Html> = None;
    // Inside an autolink, whose text is one atom.
    let mut autolink = false;
    let mut flush = |block: &mut Block, paragraph: bool| {
        let done = std::mem::take(block);
        if !done.toks.is_empty() {
            blocks.push(done);
        }
        block.paragraph = paragraph;
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        if opaque > 0 {
            match event {
                Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => opaque += 1,
                Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => opaque -= 1,
                _ => {}
            }
            continue;
        }
        if let Some(state) = &mut html {
            match event {
                Event::Html(_) | Event::Text(_) => state.read(text, range, &mut block.toks),
                Event::End(TagEnd::HtmlBlock) => {
                    html = None;
                    flush(&mut block, false);
                }
                _ => {}
            }
            continue;
        }
        if autolink {
            autolink = !matches!(event, Event::End(TagEnd::Link));
            continue;
        }
        let atom = |block: &mut Block| {
            block.toks.push(Tok {
                kind: Kind::Atom,
                start: range.start,
                end: range.end,
                plain: false,
                url: false,
            })
        };
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => {
                flush(&mut block, false);
                opaque = 1;
            }
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut block, false);
                block.html = true;
                html = Some(Html::default());
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                if continues_key(text, &block.toks, range.start) {
                    plain_text(text, range, &mut block.toks);
                } else {
                    atom(&mut block);
                }
                autolink = true;
            }
            Event::InlineHtml(_) if continues_key(text, &block.toks, range.start) => {
                plain_text(text, range, &mut block.toks)
            }
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. },
            ) => block.toks.push(Tok {
                kind: Kind::Open,
                start: range.start,
                end: range.start + 1,
                plain: false,
                url: false,
            }),
            Event::End(
                end @ (TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image),
            ) => block.toks.push(Tok {
                kind: Kind::Close {
                    word: matches!(end, TagEnd::Emphasis | TagEnd::Strong),
                },
                start: range.end.saturating_sub(1).max(range.start),
                end: range.end,
                plain: false,
                url: false,
            }),
            Event::Start(tag) => {
                let paragraph = matches!(tag, Tag::Paragraph | Tag::Item);
                flush(&mut block, paragraph);
            }
            Event::End(_) => flush(&mut block, false),
            Event::Text(t) => characters(text, range, &t, &mut block.toks),
            Event::SoftBreak | Event::HardBreak => block.toks.push(Tok {
                kind: Kind::Char('\n'),
                plain: text[range.clone()].starts_with([' ', '\n', '\r']),
                start: range.start,
                end: range.end,
                url: false,
            }),
            Event::Code(_)
            | Event::InlineHtml(_)
            | Event::Html(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => atom(&mut block),
            Event::Rule => flush(&mut block, false),
        }
    }
    flush(&mut block, false);
    for block in &mut blocks {
        mark_urls(text, &mut block.toks);
    }
    blocks
}

/// Reads raw HTML as Pandoc does for citations: tags, comments, entities
/// and the content of scripts and styles are atoms, the rest is text.
#[derive(Debug, Default)]
struct Html {
    /// The end marker being looked for: `-->` or `</script`.
    until: Option<&'static str>,
}

impl Html {
    fn read(&mut self, source: &str, range: Range<usize>, out: &mut Vec<Tok>) {
        let text = &source[range.clone()];
        let mut i = 0;
        let atom = |from: usize, to: usize, out: &mut Vec<Tok>| {
            out.push(Tok {
                kind: Kind::Atom,
                start: range.start + from,
                end: range.start + to,
                plain: false,
                url: false,
            })
        };
        while i < text.len() {
            let rest = &text[i..];
            if let Some(end) = self.until {
                let found = rest.to_ascii_lowercase().find(end);
                let to = found.map_or(text.len(), |at| i + at + end.len());
                atom(i, to, out);
                if found.is_some() {
                    self.until = None;
                }
                i = to;
                continue;
            }
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            let tag = rest.starts_with('<')
                && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || "/!?".contains(c));
            if rest.starts_with("<!--") {
                self.until = Some("-->");
                atom(i, i + 4, out);
                i += 4;
            } else if tag {
                let to = rest.find('>').map_or(text.len(), |at| i + at + 1);
                atom(i, to, out);
                if lower.starts_with("<script") {
                    self.until = Some("</script");
                } else if lower.starts_with("<style") {
                    self.until = Some("</style");
                }
                i = to;
            } else if rest.starts_with('&')
                && let Some(len) = rest.find(';').filter(|&n| {
                    n > 1
                        && n < 32
                        && rest[1..n]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '#')
                })
            {
                atom(i, i + len + 1, out);
                i += len + 1;
            } else {
                let ch = rest.chars().next().unwrap_or(' ');
                let start = range.start + i;
                out.push(Tok {
                    kind: Kind::Char(ch),
                    start,
                    end: start + ch.len_utf8(),
                    plain: !(ch.is_ascii_punctuation() && escaped(source, start)),
                    url: false,
                });
                i += ch.len_utf8();
            }
        }
    }
}

/// The characters of one text event, each with its place in the report.
fn characters(source: &str, range: Range<usize>, text: &str, out: &mut Vec<Tok>) {
    let raw = &source[range.clone()];
    if raw == text {
        for (offset, ch) in text.char_indices() {
            let start = range.start + offset;
            out.push(Tok {
                kind: Kind::Char(ch),
                start,
                end: start + ch.len_utf8(),
                plain: !(ch.is_ascii_punctuation() && escaped(source, start)),
                url: false,
            });
        }
    } else {
        // An entity, an escape or typographic punctuation: literal text that
        // maps to the whole range.
        for ch in text.chars() {
            out.push(Tok {
                kind: Kind::Char(ch),
                start: range.start,
                end: range.end,
                plain: false,
                url: false,
            });
        }
    }
}

/// Whether a `<` at byte `at` goes on a citation key written just before it
/// (`@a<b>c`), as Pandoc reads it: then what pulldown-cmark took for a tag
/// or an autolink is text.
fn continues_key(source: &str, toks: &[Tok], at: usize) -> bool {
    let next = source[at..].chars().nth(1);
    if !next.is_some_and(crate::registry::id::is_regular) {
        return false;
    }
    for t in toks.iter().rev() {
        match t.kind {
            Kind::Char('@') if t.plain => return true,
            Kind::Char(c)
                if t.plain
                    && (crate::registry::id::is_regular(c)
                        || crate::registry::id::is_internal(c)) => {}
            _ => return false,
        }
    }
    false
}

/// The report's text in `range` as plain characters.
fn plain_text(source: &str, range: Range<usize>, out: &mut Vec<Tok>) {
    for (offset, ch) in source[range.clone()].char_indices() {
        let start = range.start + offset;
        out.push(Tok {
            kind: Kind::Char(ch),
            start,
            end: start + ch.len_utf8(),
            plain: !(ch.is_ascii_punctuation() && escaped(source, start)),
            url: false,
        });
    }
}

/// Whether the character at byte `at` follows an odd number of backslashes.
fn escaped(source: &str, at: usize) -> bool {
    let before = &source.as_bytes()[..at];
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Marks the characters of bare URLs (`https://…`, `www.…`, up to white
/// space), where an `@` is part of the address.
fn mark_urls(source: &str, toks: &mut [Tok]) {
    let mut i = 0;
    while i < toks.len() {
        let starts = toks[i].plain
            && matches!(toks[i].kind, Kind::Char(c) if c.is_ascii_alphabetic())
            && (i == 0 || !matches!(toks[i - 1].kind, Kind::Char(c) if is_alphanumeric(c)))
            && {
                let head = source[toks[i].start..]
                    .get(..8)
                    .unwrap_or(&source[toks[i].start..])
                    .to_ascii_lowercase();
                ["http://", "https://", "ftp://", "www."]
                    .iter()
                    .any(|p| head.starts_with(p))
            };
        if !starts {
            i += 1;
            continue;
        }
        while i < toks.len() && matches!(toks[i].kind, Kind::Char(c) if !c.is_whitespace()) {
            toks[i].url = true;
            i += 1;
        }
    }
}

/// Pandoc example-list labels (`(@good)`, `@good.`, `@good)`) opening a
/// paragraph, and opening each of its lines after that (each one a new item
/// of the list): each is recorded in `examples`; returns the token ranges
/// they cover.
fn example_markers(
    source: &str,
    block: &Block,
    examples: &mut HashSet<String>,
) -> Vec<Range<usize>> {
    let mut markers = Vec::new();
    if !block.paragraph {
        return markers;
    }
    let toks = &block.toks;
    let mut line = 0;
    while let Some(end) = example_marker(source, toks, line, examples) {
        markers.push(line..end);
        let Some(newline) = (end..toks.len()).find(|&i| toks[i].kind == Kind::Char('\n')) else {
            break;
        };
        line = newline + 1;
    }
    markers
}

/// An example-list label at token `start`: the index after it.
fn example_marker(
    source: &str,
    toks: &[Tok],
    start: usize,
    examples: &mut HashSet<String>,
) -> Option<usize> {
    let paren = toks.get(start).is_some_and(|t| t.is('('));
    let at = start + usize::from(paren);
    if !toks.get(at).is_some_and(|t| t.is('@')) {
        return None;
    }
    let end = example_label_end(toks, at);
    let closes = |c: char| toks.get(end).is_some_and(|t| t.is(c));
    let delimited = if paren {
        closes(')')
    } else {
        closes('.') || closes(')')
    };
    let spaced = toks
        .get(end + 1)
        .is_none_or(|t| t.plain && matches!(t.kind, Kind::Char(' ' | '\t' | '\n')));
    if !(delimited && spaced) {
        return None;
    }
    let label = &source[toks[at].end..toks[end].start];
    if !label.is_empty() {
        examples.insert(label.to_string());
    }
    Some(end + 1)
}

/// The index after `@label` at `at` (the `@`), a label being letters and
/// digits, joined by single `_` or `-`, as Pandoc's example references.
fn example_label_end(toks: &[Tok], at: usize) -> usize {
    let alnum = |i: usize| {
        toks.get(i)
            .is_some_and(|t| t.plain && matches!(t.kind, Kind::Char(c) if is_alphanumeric(c)))
    };
    let mut i = at + 1;
    loop {
        if alnum(i) {
            i += 1;
        } else if (toks.get(i).is_some_and(|t| t.is('_') || t.is('-'))) && alnum(i + 1) {
            i += 2;
        } else {
            return i;
        }
    }
}

/// The citations of a bracket and the index after it.
type Bracket = (Vec<Found>, usize);

/// For each `[` token, the `]` that closes it, brackets balanced.
fn matching(toks: &[Tok]) -> Vec<Option<usize>> {
    let mut out = vec![None; toks.len()];
    let mut open = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.is('[') {
            open.push(i);
        } else if t.is(']')
            && let Some(start) = open.pop()
        {
            out[start] = Some(i);
        }
    }
    out
}

/// A citation found, with the tokens it covers.
#[derive(Clone)]
struct Found {
    citation: Citation,
    toks: Range<usize>,
}

/// How deep citation brackets may nest while being tried: real ones never
/// nest, and hostile input must not exhaust the stack.
const MAX_DEPTH: usize = 24;

/// Pandoc's citation grammar over the tokens of one block.
struct Scan<'a> {
    file: FileId,
    source: &'a str,
    toks: &'a [Tok],
    examples: &'a HashSet<String>,
    /// Tokens right after a citation key or an example reference, which
    /// Pandoc does not count as words: no word ends there whatever precedes.
    fresh: RefCell<HashSet<usize>>,
    /// Citation brackets being tried inside one another.
    depth: Cell<usize>,
    /// What `normal_cite` found at each `[` tried, so nested brackets are
    /// tried once each.
    tried: RefCell<std::collections::HashMap<usize, Option<Bracket>>>,
    /// The `]` that closes each `[`, brackets balanced.
    matching: Vec<Option<usize>>,
}

impl Scan<'_> {
    fn run(&self, markers: &[Range<usize>], groups: &mut Vec<Group>) {
        let mut i = 0;
        while i < self.toks.len() {
            if let Some(marker) = markers.iter().find(|m| m.start == i) {
                i = marker.end;
                continue;
            }
            let mut found = Vec::new();
            let next = self.inline(i, &mut found);
            if !found.is_empty() {
                let end = self.toks[i..next].iter().map(|t| t.end).max();
                groups.push(Group {
                    range: self.toks[i].start..end.unwrap_or(self.toks[i].end),
                    citations: found.into_iter().map(|f| f.citation).collect(),
                    planned: true,
                });
            }
            i = next.max(i + 1);
        }
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    fn is(&self, i: usize, c: char) -> bool {
        self.tok(i).is_some_and(|t| t.is(c))
    }

    /// One inline element at `i`: a citation (pushed to `out`) or a single
    /// token. Returns the index after it.
    fn inline(&self, i: usize, out: &mut Vec<Found>) -> usize {
        let Some(t) = self.tok(i) else {
            return i + 1;
        };
        match t.kind {
            Kind::Char('@') if t.plain && !t.url => self.at_sign(i, out),
            Kind::Char('[') if t.plain => {
                if let Some(end) = self.note(i) {
                    return end;
                }
                match self.normal_cite(i) {
                    Some((found, end)) => {
                        out.extend(found);
                        end
                    }
                    None => i + 1,
                }
            }
            Kind::Char('$') if t.plain => self.math(i).unwrap_or(i + 1),
            _ => i + 1,
        }
    }

    /// Whether a word ends right before `i`, as Pandoc's `notAfterString`
    /// sees it: after a letter, digit or `.`, or after emphasis.
    fn after_word(&self, i: usize) -> bool {
        if i == 0 || self.fresh.borrow().contains(&i) {
            return false;
        }
        match self.toks[i - 1] {
            Tok {
                kind: Kind::Char(c),
                plain: true,
                ..
            } => is_alphanumeric(c) || c == '.',
            Tok {
                kind: Kind::Close { word },
                ..
            } => word,
            _ => false,
        }
    }

    /// `@key` in running text, or an example reference.
    fn at_sign(&self, i: usize, out: &mut Vec<Found>) -> usize {
        if !self.after_word(i)
            && let Some((key, key_end, next)) = self.key(i)
            && !self.examples.contains(&key)
        {
            return self.textual(i, key, key_end, next, out);
        }
        let end = example_label_end(self.toks, i);
        self.fresh.borrow_mut().insert(end);
        end
    }

    /// The key after the `@` at `at`, read from the report's text as Pandoc
    /// reads it: its text, the byte where it ends, the next token's index.
    fn key(&self, at: usize) -> Option<(String, usize, usize)> {
        let after = self.toks[at].end;
        let limit = self.toks.last().map_or(after, |t| t.end).max(after);
        let rest = &self.source[after..limit];
        let (key, len) = match key_len(rest) {
            0 => match braced_len(rest) {
                0 => return None,
                len => (&rest[1..len - 1], len),
            },
            len => (&rest[..len], len),
        };
        let end = after + len;
        let next = (at + 1..self.toks.len())
            .find(|&j| self.toks[j].start >= end)
            .unwrap_or(self.toks.len());
        self.fresh.borrow_mut().insert(next);
        // Emphasis pulldown-cmark saw opening inside the key (`@_a_`) is
        // not emphasis to Pandoc: its end ends no word.
        for open in (at + 1..next).filter(|&j| self.toks[j].kind == Kind::Open) {
            if let Some(close) = self.closing(open) {
                self.fresh.borrow_mut().insert(close + 1);
            }
        }
        Some((key.to_string(), end, next))
    }

    /// Pandoc's `citeKey`: `@key` or `-@key` at `i` where no word ends.
    /// Returns whether the author is suppressed, the `@`'s index, the key,
    /// where it ends and the next token.
    fn cite_key(&self, i: usize) -> Option<(bool, usize, String, usize, usize)> {
        if self.after_word(i) {
            return None;
        }
        let suppress = self.is(i, '-');
        let at = i + usize::from(suppress);
        let t = self.tok(at)?;
        if !t.is('@') || t.url {
            return None;
        }
        let (key, end, next) = self.key(at)?;
        Some((suppress, at, key, end, next))
    }

    fn found(&self, at: usize, key: String, end: usize, mode: Mode, toks: Range<usize>) -> Found {
        Found {
            citation: Citation {
                id: key,
                span: Span::new(self.file, self.toks[at].start..end),
                prefix: None,
                locator: None,
                suffix: None,
                mode,
            },
            toks,
        }
    }

    /// Pandoc's `textualCite`: `@key`, then perhaps `[@b; …]` or a bracketed
    /// locator and suffix `[p. 4]`.
    fn textual(
        &self,
        at: usize,
        key: String,
        key_end: usize,
        next: usize,
        out: &mut Vec<Found>,
    ) -> usize {
        let mut first = self.found(at, key, key_end, Mode::InText, at..next);
        let open = self.spnl(next);
        if self.is(open, '[') && self.depth.get() < MAX_DEPTH {
            if let Some((found, end)) = self.normal_cite(open) {
                out.push(first);
                out.extend(found);
                return end;
            }
            if let Some((suffix, nested, rest, end)) = self.bareloc(open) {
                let text = self.text(open + 1..suffix, &nested);
                (first.citation.locator, first.citation.suffix) = locator(&text);
                first.toks = at..end;
                out.push(first);
                out.extend(nested);
                out.extend(rest);
                return end;
            }
        }
        out.push(first);
        next
    }

    /// Pandoc's `bareloc`: `[suffix]` or `[suffix; @b …]` after an in-text
    /// key. Returns where the suffix ends, the citations inside it, the
    /// citations after it and the index after `]`.
    fn bareloc(&self, open: usize) -> Option<(usize, Vec<Found>, Vec<Found>, usize)> {
        if self.is(open + 1, '^') {
            return None;
        }
        let (suffix_end, nested) = self.suffix(open + 1);
        let mut i = suffix_end;
        let mut rest = Vec::new();
        if self.is(i, ';')
            && let Some((found, end)) = self.cite_list(self.spnl(i + 1))
        {
            rest = found;
            i = end;
        }
        let close = self.spnl(i);
        if !self.is(close, ']') || self.followed_by(close, &['[', '(']) {
            return None;
        }
        Some((suffix_end, nested, rest, close + 1))
    }

    /// Whether the report's text right after token `i` starts with one of
    /// `chars`.
    fn followed_by(&self, i: usize, chars: &[char]) -> bool {
        self.source[self.toks[i].end..]
            .chars()
            .next()
            .is_some_and(|c| chars.contains(&c))
    }

    /// Pandoc's `normalCite`: `[citation; citation …]` not followed by `(`,
    /// `[` or `{` (a link or a span).
    fn normal_cite(&self, open: usize) -> Option<(Vec<Found>, usize)> {
        if let Some(known) = self.tried.borrow().get(&open) {
            return known.clone();
        }
        let result = self.try_normal_cite(open);
        self.tried.borrow_mut().insert(open, result.clone());
        result
    }

    fn try_normal_cite(&self, open: usize) -> Option<(Vec<Found>, usize)> {
        if self.depth.get() >= MAX_DEPTH {
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let result = self
            .spnl_then(open + 1, |i| self.cite_list(i))
            .and_then(|(found, i)| {
                let close = self.spnl(i);
                (self.is(close, ']') && !self.followed_by(close, &['(', '[', '{']))
                    .then_some((found, close + 1))
            });
        self.depth.set(self.depth.get() - 1);
        result
    }

    fn spnl_then<T>(&self, i: usize, f: impl FnOnce(usize) -> Option<T>) -> Option<T> {
        f(self.spnl(i))
    }

    /// Pandoc's `citeList`: citations separated by `;`. A `;` not followed by
    /// a citation fails the whole list.
    fn cite_list(&self, i: usize) -> Option<(Vec<Found>, usize)> {
        let (mut found, mut i) = self.citation(i)?;
        while self.is(i, ';') {
            let (more, end) = self.citation(self.spnl(i + 1))?;
            found.extend(more);
            i = end;
        }
        Some((found, i))
    }

    /// Pandoc's `citation`: prefix, `@key` or `-@key`, suffix. Citations
    /// inside the prefix or suffix come with it, in order.
    fn citation(&self, i: usize) -> Option<(Vec<Found>, usize)> {
        let (prefix_end, mut found, after) = self.prefix(i)?;
        let (suppress, at, key, key_end, next) = self.cite_key(after)?;
        let (suffix_end, nested) = self.suffix(next);
        let mode = if suppress {
            Mode::SuppressAuthor
        } else {
            Mode::Normal
        };
        let mut citation = self.found(at, key, key_end, mode, i..suffix_end);
        let prefix = self.text(i..prefix_end, &found);
        citation.citation.prefix = (!prefix.is_empty()).then_some(prefix);
        let suffix = self.text(next..suffix_end, &nested);
        (citation.citation.locator, citation.citation.suffix) = locator(&suffix);
        found.push(citation);
        found.extend(nested);
        Some((found, suffix_end))
    }

    /// Pandoc's `prefix`: inline elements up to a citation key (or a `]`,
    /// which ends it too). Returns where it ends, the citations inside and
    /// where the key is to be read.
    fn prefix(&self, mut i: usize) -> Option<(usize, Vec<Found>, usize)> {
        let mut depth = 0;
        let mut found = Vec::new();
        loop {
            let t = self.tok(i)?;
            if depth == 0 {
                if t.is(']') {
                    return Some((i, found, i + 1));
                }
                let key_at = if t.is(';') { self.spnl(i + 1) } else { i };
                if self.cite_key(key_at).is_some() {
                    return Some((i, found, i));
                }
                if t.is(';') {
                    return None;
                }
            }
            i = self.unit(i, &mut depth, &mut found);
        }
    }

    /// Pandoc's `suffix`: inline elements up to `;` or `]`. Returns where it
    /// ends and the citations inside.
    fn suffix(&self, mut i: usize) -> (usize, Vec<Found>) {
        let mut depth = 0;
        let mut found = Vec::new();
        while let Some(t) = self.tok(i) {
            if depth == 0 && (t.is(';') || t.is(']')) {
                break;
            }
            i = self.unit(i, &mut depth, &mut found);
        }
        (i, found)
    }

    /// One inline element inside a prefix or suffix: formatting nests,
    /// brackets are read whole.
    fn unit(&self, i: usize, depth: &mut usize, found: &mut Vec<Found>) -> usize {
        match self.toks[i].kind {
            Kind::Open => {
                *depth += 1;
                i + 1
            }
            Kind::Close { .. } => {
                *depth = depth.saturating_sub(1);
                i + 1
            }
            Kind::Char('[') if self.toks[i].plain => {
                let next = self.inline(i, found);
                if next > i + 1 {
                    return next;
                }
                match self.balanced(i) {
                    Some(close) => {
                        let mut k = i + 1;
                        while k < close {
                            k = self.inline(k, found).max(k + 1);
                        }
                        k.max(close + 1)
                    }
                    None => i + 1,
                }
            }
            _ => self.inline(i, found),
        }
    }

    /// The token that closes the formatting opened at `open`.
    fn closing(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (j, t) in self.toks.iter().enumerate().skip(open) {
            match t.kind {
                Kind::Open => depth += 1,
                Kind::Close { .. } => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The `]` that closes the `[` at `open`, brackets balanced.
    fn balanced(&self, open: usize) -> Option<usize> {
        self.matching.get(open).copied().flatten()
    }

    /// A footnote reference `[^label]` or an inline note `^[…]` at the `[`
    /// at `i`, which is never a citation: the index to go on from.
    fn note(&self, i: usize) -> Option<usize> {
        if i > 0 && self.is(i - 1, '^') {
            return Some(i + 1);
        }
        if !self.is(i + 1, '^') {
            return None;
        }
        let mut j = i + 2;
        while let Some(t) = self.tok(j) {
            match t.kind {
                Kind::Char(']') if t.plain => return (j > i + 2).then_some(j + 1),
                Kind::Char(c) if !c.is_whitespace() => j += 1,
                _ => return None,
            }
        }
        None
    }

    /// TeX math between dollars at `i`: `$…$` (no space inside either
    /// dollar, no digit right after the closing one) or `$$…$$`. Returns the
    /// index after it.
    fn math(&self, i: usize) -> Option<usize> {
        let char_at = |j: usize| match self.tok(j) {
            Some(Tok {
                kind: Kind::Char(c),
                ..
            }) => Some(*c),
            _ => None,
        };
        if self.is(i + 1, '$') {
            let close =
                (i + 2..self.toks.len()).find(|&j| self.is(j, '$') && self.is(j + 1, '$'))?;
            return Some(close + 2);
        }
        if char_at(i + 1).is_none_or(char::is_whitespace) {
            return None;
        }
        let close = (i + 2..self.toks.len()).find(|&j| {
            self.is(j, '$')
                && char_at(j - 1).is_some_and(|c| !c.is_whitespace())
                && !char_at(j + 1).is_some_and(|c| c.is_ascii_digit())
        })?;
        Some(close + 1)
    }

    /// Pandoc's `spnl`: spaces, at most one line break, spaces.
    fn spnl(&self, mut i: usize) -> usize {
        while self.tok(i).is_some_and(Tok::space) {
            i += 1;
        }
        if self.is(i, '\n') {
            i += 1;
            while self.tok(i).is_some_and(Tok::space) {
                i += 1;
            }
        }
        i
    }

    /// The text of tokens `range` without the citations in `found`, white
    /// space collapsed.
    fn text(&self, range: Range<usize>, found: &[Found]) -> String {
        let mut out = String::new();
        for i in range {
            if found.iter().any(|f| f.toks.contains(&i)) {
                out.push(' ');
                continue;
            }
            let t = &self.toks[i];
            match t.kind {
                Kind::Char(c) => out.push(c),
                Kind::Atom => out.push_str(&self.source[t.start..t.end]),
                Kind::Open | Kind::Close { .. } => {}
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Files;
    use crate::report::{Format, Mode, parse};

    /// Each citation as `id|prefix|locator|suffix|mode`, groups split by ` / `.
    fn extract(text: &str) -> String {
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.md"), text.into());
        let (report, _) = parse(id, Format::Markdown, &files);
        let show = |s: &Option<String>| s.clone().unwrap_or_default();
        report
            .groups
            .iter()
            .map(|g| {
                g.citations
                    .iter()
                    .map(|c| {
                        let mode = match c.mode {
                            Mode::Normal => "n",
                            Mode::SuppressAuthor => "y",
                            Mode::InText => "t",
                            Mode::Nocite => "x",
                        };
                        format!(
                            "{}|{}|{}|{}|{mode}",
                            c.id,
                            show(&c.prefix),
                            show(&c.locator),
                            show(&c.suffix)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .collect::<Vec<_>>()
            .join(" / ")
    }

    #[test]
    fn extracts_citations_like_pandoc() {
        let cases = [
            ("plain [@a] text", "a||||n"),
            ("two [@a; @b].", "a||||n; b||||n"),
            ("[see @a, para. 4; also @b]", "a|see|para. 4||n; b|also|||n"),
            (
                "[@a, pp. 33-35, emphasis added]",
                "a||pp. 33-35|emphasis added|n",
            ),
            ("[@a, and passim]", "a|||and passim|n"),
            ("Smith says [-@smith2020, p. 3].", "smith2020||p. 3||y"),
            ("As @doe-2020 argues", "doe-2020||||t"),
            ("As @doe-2020 [p. 33] argues", "doe-2020||p. 33||t"),
            ("End of sentence @toll-1988.", "toll-1988||||t"),
            ("Colon @un:2020: text", "un:2020||||t"),
            ("code `[@a] @b` here", ""),
            ("```\n[@a] @b\n```\n", ""),
            ("    [@a] indented code", ""),
            ("mail me at someone@example.org", ""),
            ("<someone@example.org>", ""),
            ("see https://example.org/@a and <https://x.org/@b>", ""),
            ("a [link @a](https://x.org/@b)", "a||||t"),
            ("escaped \\@a and \\[@b]", "b||||t"),
            ("[not a citation] and [see p. 4]", ""),
            ("[@a; see p. 4]", "a||||t"),
            ("*[@a]* and **@b**", "a||||n / b||||t"),
            ("- item [@a, ch. 2]\n- @b", "a||ch. 2||n / b||||t"),
            ("> quoted [@a,\n> p. 3]", "a||p. 3||n"),
            ("| c |\n|---|\n| [@a] |", "a||||n"),
            ("note[^1]\n\n[^1]: in a footnote [@a].", "a||||n"),
            ("# Heading @a", "a||||t"),
            ("[@a] &amp; [@b]", "a||||n / b||||n"),
            ("(@a)", ""),
            ("x (@a) y", "a||||t"),
            ("and also in -@reese", "reese||||t"),
            ("Hi^[@a [@b].].", "a||||t; b||||n"),
            ("[@a](url)", "a||||t"),
            (
                "[-@item2 p. 30; see also @пункт3]",
                "item2||p. 30||y; пункт3|see also|||n",
            ),
            (
                "@пункт3 [p. 12] and [@пункт3].",
                "пункт3||p. 12||t / пункт3||||n",
            ),
            (
                "@{https://openreview.net/forum?id=Hk} and @{foo}",
                "https://openreview.net/forum?id=Hk||||t / foo||||t",
            ),
            (
                "@https://openreview.net/forum?id=Hk",
                "https://openreview.net/forum?id||||t",
            ),
            ("@averroes/bland [@a+b]", "averroes/bland||||t; a+b||||n"),
            ("foo-@bar, a/@b, \\\\@c", "bar||||t / b||||t / c||||t"),
            (
                "[@alpha, pp. 33-35, 38-39 and *passim*]",
                "alpha||pp. 33-35, 38-39|and passim|n",
            ),
            ("«@alpha»", "alpha||||t"),
            ("(@foo) Example.\n\nSee @foo and [@foo].", "foo||||n"),
            ("x.@a .@b **x**@c é@d 1@e", ""),
            ("x@y@z", "z||||t"),
            ("[foo @a bar @b]", "a|foo||bar|n; b||||t"),
            ("[@a, see [this]]", "a|||see [this]|n"),
            ("[see [this] @a]", "a|see [this]|||n"),
            ("[*see* @a]", "a|see|||n"),
            ("math $x@a$ and $5 @b", "b||||t"),
            ("[@a]{.class} [@b][ref]", "a||||t / b||||t"),
            ("@_a_ [@a*b*]", "_a_||||t; a|||b|n"),
        ];
        for (input, expected) in cases {
            assert_eq!(extract(input), expected, "{input:?}");
        }
    }

    #[test]
    fn hostile_brackets_are_read_once() {
        // Beyond a few dozen levels the key is still read, in running text.
        let nested = format!("{}@a{}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(extract(&nested), "a||||t");
        let nested = format!("{}@a{}", "[".repeat(8), "]".repeat(8));
        assert_eq!(extract(&nested), "a||||n");
        let open = format!("{} @b", "[x ".repeat(5000));
        assert_eq!(extract(&open), "b||||t");
    }

    #[test]
    fn spans_cover_the_at_sign_and_key() {
        let mut files = Files::new();
        let text = "---\ntitle: x\n---\nThe toll [@toll-198, para. 4] and *@{a b}* @{x}.";
        let id = files.add(std::path::Path::new("r.md"), text.into());
        let (report, _) = parse(id, Format::Markdown, &files);
        let spans: Vec<&str> = report
            .citations()
            .map(|c| &text[c.span.range.clone()])
            .collect();
        assert_eq!(spans, ["@toll-198", "@{x}"]);
        let citation = report.citations().next().unwrap();
        let position = files.position(id, citation.span.range.start);
        assert_eq!((position.line, position.column), (4, 11));
    }
}
