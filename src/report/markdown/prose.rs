//! The prose of a Markdown report as tokens: pulldown-cmark decides the
//! blocks and what is code, links or formatting; every character of text
//! keeps its place in the report and whether it was written as itself.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Parser, Tag, TagEnd};

use crate::registry::id::{is_alphanumeric, is_internal, is_regular};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
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
pub(super) struct Tok {
    pub kind: Kind,
    /// Byte range in the report.
    pub start: usize,
    pub end: usize,
    /// Written as itself: not escaped, not an entity, not made typographic.
    pub plain: bool,
    /// Inside a bare URL, where `@` starts no citation.
    pub url: bool,
}

impl Tok {
    fn new(kind: Kind, range: Range<usize>, plain: bool) -> Self {
        Self {
            kind,
            start: range.start,
            end: range.end,
            plain,
            url: false,
        }
    }

    /// The character `ch` written at byte `at` of `source`, plain unless a
    /// backslash escapes it.
    fn char(source: &str, ch: char, at: usize) -> Self {
        let plain = !(ch.is_ascii_punctuation() && escaped(source, at));
        Self::new(Kind::Char(ch), at..at + ch.len_utf8(), plain)
    }

    fn atom(range: Range<usize>) -> Self {
        Self::new(Kind::Atom, range, false)
    }

    /// Whether this is the character `c`, written as itself.
    pub fn is(&self, c: char) -> bool {
        self.plain && self.kind == Kind::Char(c)
    }

    pub fn space(&self) -> bool {
        self.plain && matches!(self.kind, Kind::Char(' ' | '\t'))
    }
}

/// The prose of one leaf block: a paragraph, heading, table cell or the text
/// of a tight list item.
#[derive(Debug, Default)]
pub(super) struct Block {
    pub toks: Vec<Tok>,
    /// A paragraph or list item's text, where an example-list label may
    /// start.
    pub paragraph: bool,
    /// Raw HTML, which Pandoc reads Markdown between the tags of but dossier
    /// prints as written.
    pub html: bool,
    /// In raw HTML: a comment, `<?`, `<!X` or `<![CDATA[` opener that is
    /// never closed, so the HTML block runs to the end of the file.
    pub unclosed: Option<Range<usize>>,
    /// A code block that Pandoc reads as text, which holds this block.
    pub fence: Option<TextCode>,
    /// A link reference definition, which the build does not print: the
    /// range of its label, where a citation makes it text to Pandoc.
    pub definition: Option<Range<usize>>,
    /// Links written `[^note](…)`: a footnote reference and what follows to
    /// Pandoc, a link to CommonMark, so what their destinations cite is
    /// printed as a link.
    pub note_links: Vec<Range<usize>>,
    /// Images: what their descriptions cite is not printed.
    pub images: Vec<Range<usize>>,
}

/// A code block to CommonMark that Pandoc reads as text.
#[derive(Debug, Clone)]
pub(super) struct TextCode {
    /// Its first line.
    pub line: Range<usize>,
    pub reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reason {
    /// The fence's info string is neither one word nor `{…}` attributes.
    Info,
    /// The fence is never closed.
    Unclosed,
    /// Indented code right after a line of text, which Pandoc continues.
    Indented,
}

/// The prose blocks of the body, as tokens.
pub(super) fn blocks(text: &str, body_start: usize) -> Vec<Block> {
    let body = &text[body_start..];
    let mut blocks = Vec::new();
    let mut block = Block::default();
    // Depth of code blocks and metadata, whose text is not prose.
    let mut opaque = 0usize;
    // Inside an HTML block, and inside a comment or script there.
    let mut html: Option<Html> = None;
    // Inside an autolink, whose text is one atom.
    let mut autolink = false;
    let closers = Closers::new(text);
    let mut flush = |block: &mut Block, paragraph: bool| {
        let done = std::mem::take(block);
        if !done.toks.is_empty() {
            blocks.push(done);
        }
        block.paragraph = paragraph;
    };
    let mut parser = Parser::new_ext(body, super::options()).into_offset_iter();
    for (event, range) in parser.by_ref() {
        let range = range.start + body_start..range.end + body_start;
        if opaque > 0 {
            match event {
                Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => opaque += 1,
                Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => {
                    opaque -= 1;
                    if opaque == 0 && block.fence.is_some() {
                        flush(&mut block, false);
                    }
                }
                Event::Text(_) if block.fence.is_some() => plain_text(text, range, &mut block.toks),
                _ => {}
            }
            continue;
        }
        if let Some(state) = &mut html {
            match event {
                Event::Html(_) | Event::Text(_) => state.read(text, range, &closers, &mut block),
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
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                flush(&mut block, false);
                opaque = 1;
                let line = text[range.clone()].find('\n').unwrap_or(range.len());
                let line = range.start..range.start + line;
                let reason = match kind {
                    CodeBlockKind::Fenced(info) if !pandoc_fence(&info) => Some(Reason::Info),
                    CodeBlockKind::Fenced(_) if !closed_fence(&text[range.clone()]) => {
                        Some(Reason::Unclosed)
                    }
                    CodeBlockKind::Fenced(_) => None,
                    CodeBlockKind::Indented => {
                        continues_line(text, body_start, range.start).then_some(Reason::Indented)
                    }
                };
                if let Some(reason) = reason {
                    if reason != Reason::Indented {
                        // The opening line's info string is text too.
                        let fence = &text[line.clone()];
                        let marks = fence.trim_start();
                        let mark = marks.chars().next().unwrap_or('`');
                        let info = fence.len() - marks.trim_start_matches(mark).len();
                        plain_text(text, line.start + info..line.end, &mut block.toks);
                        // Its line ends before the body starts.
                        block
                            .toks
                            .push(Tok::new(Kind::Char('\n'), line.end..line.end, true));
                    }
                    block.fence = Some(TextCode { line, reason });
                }
            }
            Event::Start(Tag::MetadataBlock(_)) => {
                flush(&mut block, false);
                opaque = 1;
            }
            Event::Start(Tag::HtmlBlock) => {
                flush(&mut block, false);
                block.html = true;
                html = Some(Html::default());
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                ..
            }) if text[range.clone()].starts_with("[^")
                && let Some(close) = text[range.clone()].find("](") =>
            {
                let dest = range.start + close + 1;
                block.toks.push(Tok::atom(range.start..dest));
                plain_text(text, dest..range.end, &mut block.toks);
                block.note_links.push(dest..range.end);
                autolink = true;
            }
            Event::Start(Tag::Link {
                link_type: link_type @ (LinkType::Autolink | LinkType::Email),
                ..
            }) => {
                // Pandoc's e-mail addresses start with a letter or digit:
                // `<-@a>` is `<`, a citation and `>` to it.
                let citation = link_type == LinkType::Email
                    && !text[range.start + 1..].starts_with(|c: char| c.is_alphanumeric());
                if citation || continues_key(text, &block.toks, range.start) {
                    plain_text(text, range, &mut block.toks);
                } else {
                    block.toks.push(Tok::atom(range));
                }
                autolink = true;
            }
            Event::InlineHtml(_) if continues_key(text, &block.toks, range.start) => {
                plain_text(text, range, &mut block.toks)
            }
            Event::Start(Tag::Image { .. }) => {
                block.images.push(range.clone());
                block
                    .toks
                    .push(Tok::new(Kind::Open, range.start..range.start + 1, false))
            }
            Event::Start(tag) if super::is_inline(&tag) => {
                block
                    .toks
                    .push(Tok::new(Kind::Open, range.start..range.start + 1, false))
            }
            Event::End(end) if super::is_inline_end(end) => {
                let word = matches!(end, TagEnd::Emphasis | TagEnd::Strong);
                let at = range.end.saturating_sub(1).max(range.start);
                block
                    .toks
                    .push(Tok::new(Kind::Close { word }, at..range.end, false))
            }
            Event::Start(tag) => {
                let paragraph = matches!(tag, Tag::Paragraph | Tag::Item);
                flush(&mut block, paragraph);
            }
            Event::End(_) => flush(&mut block, false),
            Event::Text(t) => characters(text, range, &t, &mut block.toks),
            Event::SoftBreak | Event::HardBreak => {
                let plain = text[range.clone()].starts_with([' ', '\n', '\r']);
                block.toks.push(Tok::new(Kind::Char('\n'), range, plain))
            }
            Event::Code(_)
            | Event::InlineHtml(_)
            | Event::Html(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => block.toks.push(Tok::atom(range)),
            Event::Rule => flush(&mut block, false),
        }
    }
    flush(&mut block, false);
    // Link reference definitions are not printed; Pandoc reads one whose
    // label holds a citation as text.
    let mut definitions: Vec<Range<usize>> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| def.span.start + body_start..def.span.end + body_start)
        .collect();
    definitions.sort_by_key(|r| r.start);
    for range in definitions {
        let label = text[range.clone()].find("]:").map_or(0, |at| at + 1);
        let mut block = Block {
            definition: Some(range.start..range.start + label),
            ..Block::default()
        };
        plain_text(text, range, &mut block.toks);
        blocks.push(block);
    }
    for block in &mut blocks {
        mark_urls(text, &mut block.toks);
    }
    blocks
}

/// Whether a fenced code block's text ends with a closing fence, as Pandoc
/// needs: the opening fence's character, at least as many times.
fn closed_fence(block: &str) -> bool {
    let mut lines = block.lines();
    let Some(first) = lines.next() else {
        return false;
    };
    let first = first.trim_start();
    let Some(mark) = first.chars().next() else {
        return false;
    };
    let count = first.len() - first.trim_start_matches(mark).len();
    let Some(last) = lines.next_back() else {
        return false;
    };
    let last = last.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let last = last.trim_end();
    !last.is_empty() && last.chars().all(|c| c == mark) && last.len() >= count
}

/// Whether the indented code block starting at byte `at` comes right after
/// a line of text (`>`, a heading, the end of an HTML block), which Pandoc
/// continues with the indented line instead of starting code.
fn continues_line(text: &str, body_start: usize, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    if line_start <= body_start {
        return false;
    }
    let before = &text[body_start..line_start - 1];
    let previous = before.rsplit('\n').next().unwrap_or(before);
    let mut previous = previous.trim();
    if text[line_start..].trim_start().starts_with('>') {
        // Inside the same block quote: what follows its markers.
        previous = previous
            .trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .trim();
    }
    let rule = |c: char| "=-*_~` ".contains(c);
    !previous.is_empty() && !previous.chars().all(rule)
}

/// Whether Pandoc reads a fence with this info string as a code block: its
/// info is nothing, one word or `{…}` attributes.
fn pandoc_fence(info: &str) -> bool {
    let info = info.trim();
    info.is_empty()
        || (info.starts_with('{') && info.ends_with('}'))
        || !info.contains(char::is_whitespace)
}

/// Where the last of each HTML closer is in the report, to tell in constant
/// time whether an opener is ever closed.
struct Closers {
    comment: Option<usize>,
    cdata: Option<usize>,
    instruction: Option<usize>,
    tag: Option<usize>,
}

impl Closers {
    fn new(text: &str) -> Self {
        Self {
            comment: text.rfind("-->"),
            cdata: text.rfind("]]>"),
            instruction: text.rfind("?>"),
            tag: text.rfind('>'),
        }
    }

    /// The length of the opener `rest` (at byte `at`) starts with, if it
    /// starts one that no closer follows: CommonMark then reads the rest of
    /// the file as raw HTML, while Pandoc reads the opener as text.
    fn unclosed(&self, rest: &str, at: usize) -> Option<usize> {
        let (len, closer) = if rest.starts_with("<!--") {
            (4, self.comment)
        } else if rest.starts_with("<![CDATA[") {
            (9, self.cdata)
        } else if rest.starts_with("<?") {
            (2, self.instruction)
        } else if rest.starts_with("<!") && rest[2..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            (2, self.tag)
        } else {
            return None;
        };
        closer.is_none_or(|c| c < at + len).then_some(len)
    }
}

/// Reads raw HTML as Pandoc does for citations: tags, comments, entities
/// and the content of scripts and styles are atoms, the rest is text.
#[derive(Debug, Default)]
struct Html {
    /// The end marker being looked for: `-->` or `</script`.
    until: Option<&'static str>,
}

impl Html {
    fn read(&mut self, source: &str, range: Range<usize>, closers: &Closers, block: &mut Block) {
        let text = &source[range.clone()];
        let out = &mut block.toks;
        let mut i = 0;
        let atom = |from: usize, to: usize, out: &mut Vec<Tok>| {
            out.push(Tok::atom(range.start + from..range.start + to))
        };
        while i < text.len() {
            let rest = &text[i..];
            if self.until.is_none()
                && let Some(len) = closers.unclosed(rest, range.start + i)
            {
                let at = range.start + i;
                block.unclosed.get_or_insert(at..at + len);
                plain_text(source, at..at + len, out);
                i += len;
                continue;
            }
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
                out.push(Tok::char(source, ch, range.start + i));
                i += ch.len_utf8();
            }
        }
    }
}

/// The characters of one text event, each with its place in the report.
fn characters(source: &str, range: Range<usize>, text: &str, out: &mut Vec<Tok>) {
    if source[range.clone()] == *text {
        plain_text(source, range, out);
    } else {
        // An entity, an escape or typographic punctuation: literal text that
        // maps to the whole range.
        for ch in text.chars() {
            out.push(Tok::new(Kind::Char(ch), range.clone(), false));
        }
    }
}

/// Whether a `<` at byte `at` goes on a citation key written just before it
/// (`@a<b>c`), as Pandoc reads it: then what pulldown-cmark took for a tag
/// or an autolink is text.
fn continues_key(source: &str, toks: &[Tok], at: usize) -> bool {
    let next = source[at..].chars().nth(1);
    if !next.is_some_and(is_regular) {
        return false;
    }
    for t in toks.iter().rev() {
        match t.kind {
            Kind::Char('@') if t.plain => return true,
            Kind::Char(c) if t.plain && (is_regular(c) || is_internal(c)) => {}
            _ => return false,
        }
    }
    false
}

/// The report's text in `range` as plain characters.
fn plain_text(source: &str, range: Range<usize>, out: &mut Vec<Tok>) {
    for (offset, ch) in source[range.clone()].char_indices() {
        out.push(Tok::char(source, ch, range.start + offset));
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
