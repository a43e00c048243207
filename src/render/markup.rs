//! Markdown → Typst. Every character of the author's text is escaped, every
//! construct becomes a Typst function call, and every citation group becomes a
//! call of `dossier.group` with its items as string data. A source map keeps,
//! for each piece of generated text, the Markdown range it came from, so a
//! Typst error can be shown at the author's line.

use crate::typst_str::string;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd,
};

use crate::diag::FileId;
use crate::report::{Group, markdown};

/// Generated Typst and where each piece came from.
#[derive(Debug, Default)]
pub struct Converted {
    /// The Typst markup.
    pub text: String,
    /// Where the pieces of `text` came from, ascending by offset.
    pub map: Vec<Piece>,
    /// The citation groups of a Markdown report in the order they are
    /// written, each time they are written (a footnote referred to twice
    /// writes its groups twice).
    pub calls: Vec<usize>,
}

/// A piece of generated text and the report range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Where the piece starts in the generated text.
    pub at: usize,
    /// The report range it stands for.
    pub origin: Range<usize>,
    /// Whether the piece is the report's text itself, byte for byte, so an
    /// offset inside it maps to the same offset inside `origin`.
    pub verbatim: bool,
}

impl Converted {
    /// The report range that produced the generated `range`: exactly, inside
    /// text copied verbatim; else the whole construct it belongs to.
    pub fn origin(&self, range: Range<usize>) -> Option<Range<usize>> {
        let index = self.map.partition_point(|p| p.at <= range.start);
        let piece = &self.map[index.checked_sub(1)?];
        if !piece.verbatim {
            return Some(piece.origin.clone());
        }
        let start = piece.origin.start + (range.start - piece.at);
        let end = (piece.origin.start + range.end.saturating_sub(piece.at)).min(piece.origin.end);
        (start <= piece.origin.end).then(|| start..end.max(start))
    }
}

/// A Typst report as Typst compiles it: after the `preamble`, the author's
/// text byte for byte, except that each planned citation group becomes a
/// call that prints its plan.
/// Only the groups written in `file` are replaced; each call names the
/// group's index in `groups`, which holds those of every file.
pub fn inline(source: &str, groups: &[Group], file: FileId, preamble: &str) -> Converted {
    let mut out = Converted {
        text: String::with_capacity(preamble.len() + source.len() + 32 * groups.len()),
        map: Vec::with_capacity(2 * groups.len() + 1),
        calls: Vec::new(),
    };
    out.text.push_str(preamble);
    let verbatim = |out: &mut Converted, range: Range<usize>| {
        if !range.is_empty() {
            out.map.push(Piece {
                at: out.text.len(),
                origin: range.clone(),
                verbatim: true,
            });
            out.text.push_str(&source[range]);
        }
    };
    let mut pos = 0;
    for (index, group) in groups.iter().enumerate() {
        if !group.planned || group.range.start < pos || group.file() != Some(file) {
            continue;
        }
        verbatim(&mut out, pos..group.range.start);
        out.map.push(Piece {
            at: out.text.len(),
            origin: group.range.clone(),
            verbatim: false,
        });
        // The semicolon ends the call, so text right after it stays text.
        write!(out.text, "#{TYPST_GROUP}({index});").ok();
        pos = group.range.end;
    }
    verbatim(&mut out, pos..source.len());
    out
}

/// The name a Typst report's planned groups call, imported in the preamble;
/// unlike `dossier`, no author would name a variable so.
pub const TYPST_GROUP: &str = "__dossier-cite-group";

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Converts the report body (from `body_start`) after the `preamble`, each
/// citation group a call to the template's `cite-group`.
pub fn convert(source: &str, body_start: usize, groups: &[Group], preamble: &str) -> Converted {
    convert_with(source, body_start, groups, preamble, None, false)
}

/// Converts the report body with each citation group written as the
/// markup in `printed` (by group index, then by the time it is written: a
/// footnote referred to twice is written twice): its citations already
/// formatted, so Typst calls no function to print them. In a right-to-left
/// report (`rtl`), bracketed Latin asides are set apart as bidi isolates.
pub fn convert_printed(
    source: &str,
    body_start: usize,
    groups: &[Group],
    preamble: &str,
    printed: &[Vec<[String; 2]>],
    rtl: bool,
) -> Converted {
    convert_with(source, body_start, groups, preamble, Some(printed), rtl)
}

fn convert_with(
    source: &str,
    body_start: usize,
    groups: &[Group],
    preamble: &str,
    printed: Option<&[Vec<[String; 2]>]>,
    rtl: bool,
) -> Converted {
    let body = &source[body_start..];
    let events: Vec<Spanned<'_>> = Parser::new_ext(body, markdown::options())
        .into_offset_iter()
        .map(|(e, r)| (e, r.start + body_start..r.end + body_start))
        .collect();
    let footnotes = footnote_definitions(&events);
    // The title comes from the front matter, so reports often start their
    // sections at `##`: the highest level used becomes level 1.
    let top_level = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(heading_level(*level)),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut writer = Writer {
        source,
        groups,
        printed,
        written: vec![0; groups.len()],
        out: Converted::default(),
        next_group: 0,
        footnotes,
        heading: false,
        rtl,
        heading_text: false,
        items: 0,
        asides: Vec::new(),
        code: None,
        shift: top_level - 1,
        expanding: Vec::new(),
        inline: Vec::new(),
        paragraphs: Vec::new(),
        nesting: Vec::new(),
        compact_table: None,
        string_end: 0,
    };
    writer.out.text.push_str(preamble);
    writer.events(&events, &events, true);
    writer.out
}

/// Index ranges of the events inside each footnote definition, by label.
fn footnote_definitions(events: &[Spanned<'_>]) -> HashMap<String, Range<usize>> {
    let mut out = HashMap::new();
    let mut open: Option<(String, usize)> = None;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => open = Some((label.to_string(), i + 1)),
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, start)) = open.take() {
                    out.insert(label, start..i);
                }
            }
            _ => {}
        }
    }
    out
}

struct Writer<'s> {
    source: &'s str,
    groups: &'s [Group],
    /// Each group's markup each time it is written, where its citations
    /// were formatted already: in the text, and in a footnote.
    printed: Option<&'s [Vec<[String; 2]>]>,
    /// How many times each group was written.
    written: Vec<usize>,
    out: Converted,
    /// The first group whose end has not been passed.
    next_group: usize,
    footnotes: HashMap<String, Range<usize>>,
    /// Inside a heading, where breaks become spaces.
    heading: bool,
    /// A right-to-left report: bracketed Latin asides are isolated.
    rtl: bool,
    /// Inside a heading, whether text came before: a citation after it is
    /// left out of the contents (a heading of a citation alone keeps it, or
    /// the heading would have no title there).
    heading_text: bool,
    /// How many list items the writer is inside: their paragraphs keep the
    /// list's direction, beside their bullets.
    items: usize,
    /// In the current paragraph, the place of each aside's opening bracket
    /// (`true`) and closing bracket (`false`), sorted.
    asides: Vec<(usize, bool)>,
    /// The text of the code block being read.
    code: Option<String>,
    /// How many levels headings move up.
    shift: u8,
    /// The footnotes being written, innermost last: a note that refers to
    /// itself, directly or not, is written once.
    expanding: Vec<String>,
    /// For each open inline element (emphasis, link, …), whether its start
    /// was written: one that starts inside a citation group is part of the
    /// group's text, printed by its plan.
    inline: Vec<bool>,
    /// The paragraphs open where the writer is, innermost last.
    paragraphs: Vec<Paragraph>,
    /// For each open block quote, list and item: whether it was written.
    nesting: Vec<bool>,
    /// Inside a table too large for a Typst table: the number of cells
    /// written in the current row.
    compact_table: Option<usize>,
    /// Where the last string literal of text ended in the output.
    string_end: usize,
}

/// A paragraph longer than this (in bytes of Markdown) is broken into lines
/// greedily: Typst's optimal line breaking costs more than linear time in
/// the length of the paragraph, and over tens of kilobytes takes minutes.
const LONG_PARAGRAPH: usize = 16 * 1024;

/// A long paragraph is also cut into paragraphs of at most this many
/// elements (emphasis, links, code…) and `LONG_PARAGRAPH` bytes: Typst looks
/// up each glyph's origin among all of its paragraph's elements, one by one.
const PARAGRAPH_ELEMENTS: usize = 500;

/// A paragraph being written.
struct Paragraph {
    /// Whether it is longer than `LONG_PARAGRAPH`.
    long: bool,
    /// How deep the writer is inside its inline elements.
    depth: usize,
    /// Where in the report the current piece of it started.
    since: usize,
    /// How many elements the current piece holds.
    elements: usize,
    /// Whether it is set in the other direction than the report's, and so
    /// wrapped in `#text(dir: …)[…]`.
    turned: bool,
}

/// A table with more rows than this is printed as rows of text too: Typst
/// lays out each row of a long table at a cost of milliseconds.
const MAX_TABLE_ROWS: usize = 1000;

/// Block quotes, lists and items nested deeper than this are written as
/// their content only.
const MAX_NESTING: usize = 20;

/// A table with more cells than this is printed as rows of text: Typst keeps
/// tens of kilobytes per table cell, so 200,000 cells would take gigabytes,
/// and no page shows that many legibly.
const MAX_TABLE_CELLS: usize = 10_000;

impl Writer<'_> {
    fn push(&mut self, text: &str) {
        self.out.text.push_str(text);
    }

    fn mark(&mut self, range: &Range<usize>) {
        self.out.map.push(Piece {
            at: self.out.text.len(),
            origin: range.clone(),
            verbatim: false,
        });
    }

    /// Writes a run of events; `top` skips footnote definitions (they are
    /// written where they are referenced).
    fn events(&mut self, events: &[Spanned<'_>], all: &[Spanned<'_>], top: bool) {
        let mut skip_until = None;
        for (i, (event, range)) in events.iter().enumerate() {
            if let Some(end) = skip_until {
                if i <= end {
                    continue;
                }
                skip_until = None;
            }
            if top && let Event::Start(Tag::FootnoteDefinition(label)) = event {
                skip_until = self.footnotes.get(label.as_ref()).map(|r| r.end);
                continue;
            }
            if let Event::Start(Tag::Image { dest_url, .. }) = event {
                let end = closing(events, i);
                if self.in_group(range.start) {
                    skip_until = Some(end);
                    continue;
                }
                let alt: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                self.mark(range);
                write!(
                    self.out.text,
                    "#image({}, alt: {})",
                    string(dest_url),
                    string(&alt)
                )
                .ok();
                skip_until = Some(end);
                continue;
            }
            if self.part_of_group(event, range) {
                continue;
            }
            if let Event::Start(Tag::Table(_)) = event {
                let end = closing(events, i);
                let count = |tag: fn(&Tag<'_>) -> bool| {
                    events[i..end]
                        .iter()
                        .filter(|(e, _)| matches!(e, Event::Start(t) if tag(t)))
                        .count()
                };
                let cells = count(|t| matches!(t, Tag::TableCell));
                let rows = count(|t| matches!(t, Tag::TableRow));
                if cells > MAX_TABLE_CELLS || rows > MAX_TABLE_ROWS {
                    self.compact_table = Some(0);
                    self.mark(range);
                    continue;
                }
            }
            if self.compact_table.is_some() && self.compact(event) {
                continue;
            }
            self.mark(range);
            self.cut_long_paragraph(event, range);
            self.event(event, range, all);
        }
    }

    /// Within a long paragraph, starts a new paragraph before `event` once
    /// the current piece is long enough and the writer is at its top level.
    fn cut_long_paragraph(&mut self, event: &Event<'_>, range: &Range<usize>) {
        let Some(paragraph) = self.paragraphs.last_mut() else {
            return;
        };
        let top = paragraph.depth == 0;
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => return,
            Event::Start(_) => paragraph.depth += 1,
            Event::End(_) => {
                paragraph.depth = paragraph.depth.saturating_sub(1);
                return;
            }
            _ => {}
        }
        if !top || !paragraph.long {
            return;
        }
        if !matches!(event, Event::Text(_) | Event::SoftBreak) {
            paragraph.elements += 1;
        }
        if paragraph.elements > PARAGRAPH_ELEMENTS
            || range.start.saturating_sub(paragraph.since) > LONG_PARAGRAPH
        {
            paragraph.elements = 0;
            paragraph.since = range.start;
            self.push("\n\n");
        }
    }

    /// Writes the structure of a table too large for a Typst table: each row
    /// a paragraph, its cells separated by bars, the header in bold.
    /// Returns false for events inside cells, written as usual.
    fn compact(&mut self, event: &Event<'_>) -> bool {
        let text = match event {
            Event::Start(Tag::TableHead) => "#strong[",
            Event::End(TagEnd::TableHead) => "]\n\n",
            Event::Start(Tag::TableRow) => "",
            Event::End(TagEnd::TableRow) => "\n\n",
            Event::Start(Tag::TableCell) => {
                let cells = self.compact_table.get_or_insert(0);
                *cells += 1;
                if *cells > 1 { " | " } else { "" }
            }
            Event::End(TagEnd::TableCell) => "",
            Event::End(TagEnd::Table) => {
                self.compact_table = None;
                ""
            }
            _ => return false,
        };
        if matches!(event, Event::End(TagEnd::TableHead | TagEnd::TableRow)) {
            self.compact_table = Some(0);
        }
        self.push(text);
        true
    }

    /// Whether `event` lies inside a citation group, whose call prints it.
    fn part_of_group(&mut self, event: &Event<'_>, range: &Range<usize>) -> bool {
        match event {
            Event::Start(tag) if markdown::is_inline(tag) => {
                let inside = self.in_group(range.start);
                self.inline.push(!inside);
                inside
            }
            Event::End(tag) if markdown::is_inline_end(*tag) => !self.inline.pop().unwrap_or(true),
            Event::Code(_) | Event::InlineHtml(_) | Event::HardBreak => self.in_group(range.start),
            _ => false,
        }
    }

    /// Whether byte `at` lies inside a citation group, after its first byte.
    fn in_group(&self, at: usize) -> bool {
        let from = self
            .groups
            .partition_point(|g| g.range.end <= at)
            .min(self.groups.len());
        self.groups[from..]
            .first()
            .is_some_and(|g| g.range.start < at && at < g.range.end)
    }

    /// The bracketed Latin asides of the report's text in `range` that hold
    /// no citation group: where each opens and closes.
    fn latin_asides(&self, range: Range<usize>) -> Vec<(usize, bool)> {
        let mut found: Vec<(usize, bool)> = latin_brackets(&self.source[range.clone()])
            .into_iter()
            .map(|(start, end)| (range.start + start, range.start + end - 1))
            .filter(|(start, end)| {
                let first = self.groups.partition_point(|g| g.range.end <= *start);
                self.groups.get(first).is_none_or(|g| g.range.start > *end)
            })
            .flat_map(|(start, end)| [(start, true), (end, false)])
            .collect();
        found.sort();
        found
    }

    /// The direction of the first letter of the report's text in `range`
    /// (`Some(true)`: right to left), leaving out citation groups, link
    /// addresses and autolinks.
    fn first_strong(&self, range: Range<usize>) -> Option<bool> {
        let text = &self.source[range.clone()];
        let mut skip_to = None;
        let mut previous = ' ';
        for (i, ch) in text.char_indices() {
            let at = range.start + i;
            if let Some(end) = skip_to {
                if ch == end {
                    skip_to = None;
                }
                previous = ch;
                continue;
            }
            let next = self.groups.partition_point(|g| g.range.end <= at);
            if self.groups.get(next).is_some_and(|g| g.range.contains(&at)) {
                continue;
            }
            match ch {
                '(' if previous == ']' => skip_to = Some(')'),
                '<' => skip_to = Some('>'),
                // An entity, and an image's description, which is never
                // printed.
                '&' => skip_to = Some(';'),
                '[' if previous == '!' => skip_to = Some(']'),
                // A footnote's label.
                '^' if previous == '[' => skip_to = Some(']'),
                _ => {
                    if let Some(rtl) = super::bidi::first_strong(ch.encode_utf8(&mut [0; 4])) {
                        return Some(rtl);
                    }
                }
            }
            previous = ch;
        }
        None
    }

    fn event(&mut self, event: &Event<'_>, range: &Range<usize>, all: &[Spanned<'_>]) {
        match event {
            Event::Start(Tag::Paragraph) => {
                let long = range.len() > LONG_PARAGRAPH;
                if long {
                    self.push("#set par(linebreaks: \"simple\")\n");
                }
                if self.rtl {
                    self.asides = self.latin_asides(range.clone());
                }
                // A paragraph whose first letter runs the other way than
                // the report is set in its own direction.
                let own = self.first_strong(range.clone());
                let turned = self.items == 0 && own.is_some_and(|rtl| rtl != self.rtl);
                if turned {
                    self.push(if self.rtl {
                        "#text(dir: ltr)["
                    } else {
                        "#text(dir: rtl)["
                    });
                }
                self.paragraphs.push(Paragraph {
                    long,
                    depth: 0,
                    since: range.start,
                    elements: 0,
                    turned,
                });
            }
            Event::End(TagEnd::Paragraph) => {
                self.asides.clear();
                if self.paragraphs.last().is_some_and(|p| p.turned) {
                    self.push("]");
                }
                self.push("\n\n");
                if self.paragraphs.pop().is_some_and(|p| p.long) {
                    self.push("#set par(linebreaks: auto)\n\n");
                }
            }
            Event::Start(tag) => {
                self.items += usize::from(matches!(tag, Tag::Item));
                self.start(tag)
            }
            Event::End(tag) => {
                self.items -= usize::from(matches!(tag, TagEnd::Item) && self.items > 0);
                self.end(*tag)
            }
            Event::Text(text) => self.text(text, range),
            Event::Code(code) => {
                let code = format!("#raw({})", string(code));
                self.push(&code);
            }
            Event::SoftBreak => {
                if !self.inside_group(range) {
                    self.escaped(" ");
                }
            }
            Event::HardBreak => self.push(if self.heading { " " } else { "#linebreak()" }),
            Event::Rule => self.push("\n#line(length: 100%)\n\n"),
            Event::Html(html) | Event::InlineHtml(html) => self.html(html),
            Event::FootnoteReference(label) => self.footnote(label, all),
            Event::TaskListMarker(done) => self.push(if *done { "☒ " } else { "☐ " }),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.text(m, &(0..0)),
        }
    }

    /// Whether a block quote, list or item at this depth is written as one:
    /// past `MAX_NESTING` its content goes on at the depth reached, as Typst
    /// stops parsing a few hundred levels down.
    fn nest(&mut self, tag: &Tag<'_>) -> bool {
        if !matches!(tag, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) {
            return true;
        }
        let written = self.nesting.iter().filter(|&&w| w).count() < MAX_NESTING;
        self.nesting.push(written);
        written
    }

    fn start(&mut self, tag: &Tag<'_>) {
        if !self.nest(tag) {
            // Each item still starts a paragraph of its own.
            if matches!(tag, Tag::Item) {
                self.push("\n\n");
            }
            return;
        }
        let text = match tag {
            Tag::Paragraph => String::new(),
            Tag::Heading { level, .. } => {
                self.heading = true;
                self.heading_text = false;
                format!("#heading(level: {})[", heading_level(*level) - self.shift)
            }
            Tag::BlockQuote(_) => "#quote(block: true)[".into(),
            Tag::CodeBlock(kind) => {
                self.code = Some(String::new());
                match kind {
                    CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                        let lang = lang.split_whitespace().next().unwrap_or_default();
                        format!("#raw(block: true, lang: {}, ", string(lang))
                    }
                    _ => "#raw(block: true, ".into(),
                }
            }
            Tag::List(Some(start)) => format!("#enum(start: {start}, "),
            Tag::List(None) => "#list(".into(),
            Tag::Item => "[".into(),
            Tag::Table(aligns) => table_start(aligns),
            Tag::TableHead => "table.header(".into(),
            Tag::TableCell => "[".into(),
            Tag::Emphasis => "#emph[".into(),
            Tag::Strong => "#strong[".into(),
            Tag::Strikethrough => "#strike[".into(),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let dest = match link_type {
                    LinkType::Email if !dest_url.starts_with("mailto:") => {
                        format!("mailto:{dest_url}")
                    }
                    _ => dest_url.to_string(),
                };
                format!("#link({})[", string(&dest))
            }
            _ => String::new(),
        };
        self.push(&text);
    }

    fn end(&mut self, tag: TagEnd) {
        if matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)
            && self.nesting.pop() == Some(false)
        {
            return;
        }
        let text = match tag {
            TagEnd::Paragraph => "\n\n",
            TagEnd::Heading(_) => {
                self.heading = false;
                "]\n\n"
            }
            TagEnd::BlockQuote(_) => "]\n\n",
            TagEnd::CodeBlock => {
                let code = string(&self.code.take().unwrap_or_default());
                self.push(&code);
                ")\n\n"
            }
            TagEnd::List(_) => ")\n\n",
            TagEnd::Item => "],\n",
            TagEnd::Table => ")\n\n",
            TagEnd::TableHead => "),\n",
            TagEnd::TableCell => "], ",
            TagEnd::TableRow => "\n",
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => "]",
            _ => "",
        };
        self.push(text);
    }

    /// Inside code blocks text is a string argument; elsewhere it is escaped
    /// markup with citation groups replaced by calls.
    fn text(&mut self, text: &str, range: &Range<usize>) {
        if let Some(code) = &mut self.code {
            code.push_str(text);
            return;
        }
        let raw = &self.source[range.clone()];
        if raw != text {
            // An entity or escape: never part of a citation group.
            if !self.inside_group(range) {
                self.escaped(text);
            }
            return;
        }
        let mut pos = range.start;
        while pos < range.end {
            let group = self
                .groups
                .get(self.next_group)
                .filter(|g| g.range.start < range.end);
            let Some(group) = group else { break };
            if group.range.end <= pos {
                self.next_group += 1;
                continue;
            }
            if group.range.start > pos {
                self.escaped_at(pos..group.range.start);
                pos = group.range.start;
            }
            if group.range.start == pos {
                self.space_before_call();
                let g = self.next_group;
                self.out.calls.push(g);
                let time = self.written.get(g).copied().unwrap_or(0);
                if let Some(count) = self.written.get_mut(g) {
                    *count += 1;
                }
                let printed = self
                    .printed
                    .and_then(|p| p.get(g))
                    .and_then(|times| times.get(time).or(times.last()));
                let in_note = usize::from(!self.expanding.is_empty());
                match printed {
                    // A heading's citation is left out of the contents.
                    Some(markup) if self.heading && self.heading_text => {
                        // The space before it goes with it, so the contents
                        // and bookmarks end with the heading's last word.
                        let space = if self.out.text.ends_with("; ") {
                            self.out.text.pop();
                            " "
                        } else {
                            ""
                        };
                        self.push(&format!("#dossier.in-heading[{space}{}]", markup[in_note]));
                    }
                    // In a right-to-left paragraph of a left-to-right
                    // report, the citation is set apart (a right-to-left
                    // report's citations are already).
                    Some(markup)
                        if !self.rtl && self.paragraphs.last().is_some_and(|p| p.turned) =>
                    {
                        self.push(&super::bidi::isolated(&markup[in_note]));
                    }
                    Some(markup) => self.push(&markup[in_note]),
                    None => {
                        let call = group_call(self.next_group);
                        self.push(&call);
                    }
                }
            }
            pos = group.range.end.min(range.end);
            if group.range.end <= range.end {
                self.next_group += 1;
            }
        }
        if pos < range.end {
            self.escaped_at(pos..range.end);
        }
    }

    /// Moves the space that ends the string just written, right before a
    /// citation group, out of the string into markup: a footnote's mark
    /// (a note style's citation) takes the place of the space before it, as
    /// in Typst, but only of a space that is markup. Elsewhere the space
    /// prints as before.
    fn space_before_call(&mut self) {
        let len = self.out.text.len();
        if self.string_end == len && self.out.text.ends_with(" \";") {
            self.out.text.truncate(len - 3);
            self.out.text.push_str("\"; ");
            self.string_end = len - 1;
        }
    }

    fn inside_group(&self, range: &Range<usize>) -> bool {
        self.groups[self.next_group.saturating_sub(1)..]
            .iter()
            .take(2)
            .any(|g| g.range.start <= range.start && range.end <= g.range.end)
    }

    /// Writes the report's text in `range` into a string literal, keeping an
    /// exact source map: runs copied as they are map byte for byte, each
    /// escape or collapsed space to its characters.
    fn escaped_at(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.open_string();
        let text = &self.source[range.clone()];
        if self.heading && !text.trim().is_empty() {
            self.heading_text = true;
        }
        let mut run = false;
        for (i, ch) in text.char_indices() {
            let at = range.start + i;
            // A bracketed Latin aside in a right-to-left paragraph keeps
            // its brackets, as a bidi isolate.
            if self.asides.binary_search(&(at, true)).is_ok() {
                self.out.text.push_str("\\u{2068}");
                run = false;
            }
            let escape = !ch.is_ascii_whitespace() && crate::typst_str::escape(ch).is_some();
            let skip = ch.is_ascii_whitespace() && self.out.text.ends_with(' ');
            if escape || skip {
                run = false;
                if !skip {
                    self.out.map.push(Piece {
                        at: self.out.text.len(),
                        origin: at..at + ch.len_utf8(),
                        verbatim: false,
                    });
                }
            } else if !run {
                run = true;
                self.out.map.push(Piece {
                    at: self.out.text.len(),
                    origin: at..range.end,
                    verbatim: true,
                });
            }
            self.literal_char(ch);
            if self.asides.binary_search(&(at, false)).is_ok() {
                self.out.text.push_str("\\u{2069}");
                run = false;
            }
        }
        self.close_string();
        // Whatever follows belongs to the construct again.
        self.out.map.push(Piece {
            at: self.out.text.len(),
            origin: range.end..range.end,
            verbatim: false,
        });
    }

    /// Writes text that has no place of its own in the report (an entity,
    /// a footnote mark that refers to nothing) into a string literal.
    fn escaped(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.open_string();
        for ch in text.chars() {
            self.literal_char(ch);
        }
        self.close_string();
    }

    /// Writes one character of text inside a string literal: line breaks
    /// and runs of spaces become one space, as in Typst markup.
    fn literal_char(&mut self, ch: char) {
        if ch.is_ascii_whitespace() {
            if !self.out.text.ends_with(' ') {
                self.out.text.push(' ');
            }
        } else if let Some(escape) = crate::typst_str::escape(ch) {
            self.out.text.push_str(&escape);
        } else {
            self.out.text.push(ch);
        }
    }

    /// Starts a string literal, or reopens the one that ends right here, so
    /// that a paragraph's text is one Typst text element, not one per
    /// punctuation mark: Typst looks up each glyph's origin among the
    /// paragraph's elements one by one, which costs the product of the two.
    fn open_string(&mut self) {
        let len = self.out.text.len();
        if self.string_end == len && self.out.text.ends_with("\";") {
            let at = len - 2;
            self.out.text.truncate(at);
            while self.out.map.last().is_some_and(|p| p.at > at) {
                self.out.map.pop();
            }
        } else {
            self.out.text.push_str("#\"");
        }
    }

    fn close_string(&mut self) {
        self.out.text.push_str("\";");
        self.string_end = self.out.text.len();
    }

    fn html(&mut self, html: &str) {
        let trimmed = html.trim();
        if trimmed.starts_with("<!--") {
            return;
        }
        if matches!(
            trimmed.to_ascii_lowercase().as_str(),
            "<br>" | "<br/>" | "<br />"
        ) {
            self.push("#linebreak()");
            return;
        }
        // Raw HTML prints as its text, without its tags, as Pandoc's PDF
        // output drops them: `Teodora <i>Varnhold</i>` is a name a reader
        // (and the leak scan) sees whole.
        self.escaped(&without_tags(html));
    }

    /// A footnote's text, written where it is referred to; `all` is every
    /// event of the report, where the definitions' ranges point.
    fn footnote(&mut self, label: &str, all: &[Spanned<'_>]) {
        let range = self.footnotes.get(label).cloned();
        let (Some(range), false) = (range, self.expanding.iter().any(|l| l == label)) else {
            self.escaped(&format!("[^{label}]"));
            return;
        };
        self.expanding.push(label.to_string());
        // A note in a heading is left out of the contents, as a citation.
        let in_heading = self.heading && self.heading_text;
        if in_heading {
            self.push("#dossier.in-heading[");
        }
        self.push("#footnote[");
        // A note whose first letter runs the other way than the report is
        // marked, and set in its own direction (the template's note-entry).
        let from = all.get(range.start).map(|(_, r)| r.start);
        let to = range
            .end
            .checked_sub(1)
            .and_then(|i| all.get(i))
            .map(|(_, r)| r.end);
        if let (Some(from), Some(to)) = (from, to)
            && let Some(rtl) = self.first_strong(from..to.max(from))
            && rtl != self.rtl
        {
            self.push(if rtl {
                "#metadata(\"dossier-rtl\")"
            } else {
                "#metadata(\"dossier-ltr\")"
            });
        }
        let saved = self.out.text.len();
        // The note's text lies elsewhere in the report, before or after the
        // reference: its citation groups are looked up from where it starts,
        // and the text after the reference goes on from where it was.
        let resume = self.next_group;
        let start = all.get(range.start).map_or(0, |(_, r)| r.start);
        self.next_group = self.groups.partition_point(|g| g.range.end <= start);
        self.events(&all[range], all, false);
        self.next_group = resume;
        let body = self.out.text[saved..].trim_end().len();
        self.out.text.truncate(saved + body);
        self.push("]");
        if in_heading {
            self.push("]");
        }
        self.expanding.pop();
    }
}

/// HTML without its tags and comments: what is between them.
fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let is_tag = after[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let end = if after.starts_with("<!--") {
            after.find("-->").map(|e| e + 3)
        } else {
            after.find('>').map(|e| e + 1)
        };
        match end.filter(|_| is_tag) {
            Some(end) => rest = &after[end..],
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The index of the event that closes the one opened at `open`.
fn closing(events: &[Spanned<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(open) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn table_start(aligns: &[Alignment]) -> String {
    let align: Vec<&str> = aligns
        .iter()
        .map(|a| match a {
            Alignment::Center => "center",
            Alignment::Right => "right",
            _ => "left",
        })
        .collect();
    format!(
        "#table(columns: {}, align: ({},), ",
        aligns.len().max(1),
        align.join(", ")
    )
}

/// How a Markdown report's call to print a citation group starts; the
/// group's index and `)` follow.
/// The bracketed asides in `text` whose first letter is Latin and that
/// hold no right-to-left letter, `(Stevenson 2013, para. 2)`: the offset of
/// each opening bracket and the offset just past its closing one.
fn latin_brackets(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, ch) in text.char_indices() {
        match ch {
            '(' | '[' => open.push((i, if ch == '(' { ')' } else { ']' })),
            ')' | ']' => {
                let Some((start, close)) = open.pop() else {
                    continue;
                };
                let inner = &text[start + 1..i];
                if close == ch
                    && open.is_empty()
                    && super::bidi::first_strong(inner) == Some(false)
                    && !inner
                        .chars()
                        .any(|c| super::bidi::first_strong(&c.to_string()) == Some(true))
                {
                    found.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    found
}

const GROUP_CALL: &str = "#dossier.cite-group(";

/// The call that prints citation group number `index`; what it prints is
/// data, planned before Typst runs.
fn group_call(index: usize) -> String {
    format!("{GROUP_CALL}{index})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Files;
    use crate::report::{self, Format};

    fn typst(md: &str) -> String {
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.md"), md.into());
        let (report, _) = report::parse(id, Format::Markdown, &files);
        convert(md, report.body_start, &report.groups, "").text
    }

    #[test]
    fn typst_reports_keep_their_text_and_its_places() {
        let text = "= Hi\nSee @a @b[p. 4], #emph[x] #cite(<c>) @a.\n";
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.typ"), text.into());
        let (report, _) = report::parse(id, Format::Typst, &files);
        let out = inline(text, &report.groups, report.file, "PRE\n");
        assert_eq!(
            out.text,
            "PRE\n= Hi\nSee #__dossier-cite-group(0);, #emph[x] #cite(<c>) #__dossier-cite-group(2);.\n"
        );
        // Verbatim text maps to the same bytes; a call to its whole group.
        let at = |needle: &str| out.text.find(needle).unwrap();
        let emph = at("emph");
        assert_eq!(
            out.origin(emph..emph + 4),
            Some(text.find("emph").map(|s| s..s + 4).unwrap())
        );
        let call = at("#__dossier-cite-group(0)");
        assert_eq!(out.origin(call + 3..call + 5), Some(9..20));
        assert_eq!(out.origin(0..3), None);
    }

    #[test]
    fn escapes_every_markup_character() {
        let out = typst("a #b $c$ *d* _e_ < f > [g] @ h\\i `j` <tag>");
        assert_eq!(
            out,
            "#\"a #b $c$ \";#emph[#\"d\";]#\" \";#emph[#\"e\";]#\" < f > [g] @ h\\\\i \";#raw(\"j\")#\" \";\n\n"
        );
    }

    #[test]
    fn replaces_citation_groups_with_calls() {
        let out = typst("As shown [see @a, p. 4; @b]. Also @c said.");
        assert_eq!(
            out,
            "#\"As shown\"; #dossier.cite-group(0)#\". Also\"; #dossier.cite-group(1)#\" said.\";\n\n"
        );
        // The space before a group, a line break too, is markup, which a
        // footnote's mark takes the place of.
        assert_eq!(
            typst("Said\n[@a]."),
            "#\"Said\"; #dossier.cite-group(0)#\".\";\n\n"
        );
    }

    #[test]
    fn converts_blocks() {
        let out = typst(
            "# T\n\n- a\n- b\n\n> q\n\n```rust\nlet x = \"1\";\n```\n\nx[^n]\n\n[^n]: note *here*\n",
        );
        assert!(out.contains("#heading(level: 1)[#\"T\";]"), "{out}");
        assert!(out.contains("#list([#\"a\";],\n[#\"b\";],\n)"), "{out}");
        assert!(out.contains("#quote(block: true)[#\"q\";\n\n]"), "{out}");
        assert!(
            out.contains("#raw(block: true, lang: \"rust\", \"let x = \\\"1\\\";\\n\")"),
            "{out}"
        );
        assert!(
            out.contains("#\"x\";#footnote[#\"note \";#emph[#\"here\";]]"),
            "{out}"
        );
    }

    #[test]
    fn footnotes_inside_footnotes_are_written_once() {
        let out = typst("Text[^a].\n\n[^a]: See also[^b] and[^a].\n\n[^b]: More.\n");
        assert!(
            out.contains(
                "#\"Text\";#footnote[#\"See also\";#footnote[#\"More.\";]#\" and[^a].\";]"
            ),
            "{out}"
        );
    }

    /// Typst's cost grows with a paragraph's length times its elements: a
    /// long paragraph's text is one string per run, and it is cut into
    /// pieces of bounded size, broken into lines greedily.
    #[test]
    fn long_paragraphs_are_cut_into_bounded_pieces() {
        let punctuated = "It's 30,000 (or 3.5%); \"said\" -- *a **a ".repeat(1000);
        let out = typst(&punctuated);
        assert!(
            out.starts_with("#set par(linebreaks: \"simple\")\n"),
            "{}",
            &out[..80]
        );
        assert!(!out.contains('\\') || out.matches('\\').count() <= 2 * 1000 + 2);
        assert!(out.matches("#\"").count() < 10, "one string per run");
        let emphasised = "*a* ".repeat(5000);
        let out = typst(&emphasised);
        let pieces: Vec<&str> = out.split("\n\n").collect();
        assert!(pieces.len() >= 10, "{} pieces", pieces.len());
        for piece in &pieces {
            assert!(piece.matches("#emph[").count() <= PARAGRAPH_ELEMENTS + 1);
        }
        assert_eq!(out.matches("#emph[").count(), 5000);
        // A short paragraph is left whole, with optimal line breaking.
        let out = typst(&"*a* ".repeat(100));
        assert!(!out.contains("linebreaks") && out.trim_end().split("\n\n").count() == 1);
    }

    #[test]
    fn a_table_too_large_for_typst_becomes_rows_of_text() {
        let mut md = String::from("|h1|h2|\n|---|---|\n");
        for row in 0..(MAX_TABLE_CELLS / 2 + 1) {
            md.push_str(&format!("|r{row}a|r{row}b|\n"));
        }
        let out = typst(&md);
        assert!(!out.contains("#table("), "{}", &out[..200]);
        assert!(
            out.starts_with("#strong[#\"h1\"; | #\"h2\";]"),
            "{}",
            &out[..200]
        );
        let last = MAX_TABLE_CELLS / 2;
        assert!(out.contains(&format!("#\"r{last}a\"; | #\"r{last}b\";\n\n")));
        let small = typst("|h1|h2|\n|---|---|\n|a|b|\n");
        assert!(small.contains("#table("), "{small}");
    }

    /// Whatever the author writes, the generated Typst parses: hundreds of
    /// random edits of the example report, made of markup characters.
    #[test]
    fn any_markdown_becomes_typst_that_parses() {
        let base = include_str!("../../examples/1988-massacre/report.md");
        let pieces = [
            "[",
            "]",
            "@",
            "\\",
            "*",
            "_",
            "`",
            "#",
            "$",
            "<",
            ">",
            "\n",
            "\n\n",
            "- ",
            "1. ",
            "> ",
            "|",
            "[^1]",
            "[^1]: ",
            "&amp;",
            "---\n",
            "```",
            "    ",
            "[@b]",
            "-@c",
            ";",
            " p. 4",
            "ش",
            "\"",
            "~",
            "//",
            "/*",
            "{",
            "}",
            "(",
            ")",
            "![x](y)",
            "<!--",
            "<br>",
            "http://x/@y",
            "\r\n",
            "=",
            "...",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        for round in 0..120 {
            let mut text = base.to_string();
            for _ in 0..next() % 12 + 1 {
                let mut at = next() % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, pieces[next() % pieces.len()]);
            }
            let out = typst(&text);
            let (errors, _) = typst_syntax::parse(&out).errors_and_warnings();
            assert!(errors.is_empty(), "round {round}: {errors:?}\n{text}");
        }
    }
}
