//! The writer: Markdown events in order, each construct written as Typst
//! markup, each citation group as its printed markup or a planned call, each
//! footnote where it is referred to. Its text and escaping live in `text`,
//! the direction of paragraphs and asides in `direction`.

mod direction;
mod notes;
mod text;

use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd,
};

use super::{Converted, Piece, Spanned};
use crate::report::{Group, markdown};
use crate::typst_str::string;

/// Converts the report body (from `body_start`) after the `preamble`; see
/// [`super::convert_printed`].
pub(super) fn convert_with(
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
    let footnotes = notes::footnote_definitions(&events);
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
pub(super) const PARAGRAPH_ELEMENTS: usize = 500;

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
pub(super) const MAX_TABLE_CELLS: usize = 10_000;

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
