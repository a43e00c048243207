//! Markdown → Typst. Every character of the author's text is escaped, every
//! construct becomes a Typst function call, and every citation group becomes a
//! call of `dossier.group` with its items as string data. A source map keeps,
//! for each piece of generated text, the Markdown range it came from, so a
//! Typst error can be shown at the author's line.

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

/// Converts the report body (from `body_start`) after the `preamble`.
pub fn convert(source: &str, body_start: usize, groups: &[Group], preamble: &str) -> Converted {
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
        out: Converted::default(),
        next_group: 0,
        footnotes,
        heading: false,
        code: None,
        shift: top_level - 1,
        expanding: Vec::new(),
        inline: Vec::new(),
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
    out: Converted,
    /// The first group whose end has not been passed.
    next_group: usize,
    footnotes: HashMap<String, Range<usize>>,
    /// Inside a heading, where breaks become spaces.
    heading: bool,
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
}

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
            self.mark(range);
            self.event(event, range, all);
        }
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
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => self.text(text, range),
            Event::Code(code) => {
                let code = format!("#raw({})", string(code));
                self.push(&code);
            }
            Event::SoftBreak => {
                if !self.inside_group(range) {
                    self.push(" ");
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

    fn start(&mut self, tag: &Tag<'_>) {
        let text = match tag {
            Tag::Paragraph => String::new(),
            Tag::Heading { level, .. } => {
                self.heading = true;
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
                let call = group_call(self.next_group);
                self.push(&call);
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

    fn inside_group(&self, range: &Range<usize>) -> bool {
        self.groups[self.next_group.saturating_sub(1)..]
            .iter()
            .take(2)
            .any(|g| g.range.start <= range.start && range.end <= g.range.end)
    }

    /// Escapes the report's text in `range`, keeping an exact source map:
    /// runs copied as they are map byte for byte, each escape to its character.
    fn escaped_at(&mut self, range: Range<usize>) {
        let text = &self.source[range.clone()];
        let mut run = None;
        for (i, ch) in text.char_indices() {
            let at = range.start + i;
            if ch.is_ascii_punctuation() {
                run = None;
                self.out.map.push(Piece {
                    at: self.out.text.len(),
                    origin: at..at + 1,
                    verbatim: false,
                });
                self.out.text.push('\\');
                self.out.text.push(ch);
                continue;
            }
            if run.is_none() {
                run = Some(at);
                self.out.map.push(Piece {
                    at: self.out.text.len(),
                    origin: at..range.end,
                    verbatim: true,
                });
            }
            // Line breaks become spaces of the same length.
            self.out
                .text
                .push(if matches!(ch, '\n' | '\r') { ' ' } else { ch });
        }
        // Whatever follows belongs to the construct again.
        self.out.map.push(Piece {
            at: self.out.text.len(),
            origin: range.end..range.end,
            verbatim: false,
        });
    }

    fn escaped(&mut self, text: &str) {
        for ch in text.chars() {
            match ch {
                '\n' | '\r' => self.out.text.push(' '),
                c if c.is_ascii_punctuation() => {
                    self.out.text.push('\\');
                    self.out.text.push(c);
                }
                c => self.out.text.push(c),
            }
        }
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
        self.escaped(html);
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
        self.push("#footnote[");
        let saved = self.out.text.len();
        self.events(&all[range], all, false);
        let body = self.out.text[saved..].trim_end().len();
        self.out.text.truncate(saved + body);
        self.push("]");
        self.expanding.pop();
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

/// The call that prints citation group number `index`; what it prints is
/// data, planned before Typst runs.
fn group_call(index: usize) -> String {
    format!("#dossier.cite-group({index})")
}

/// A Typst string literal.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                write!(out, "\\u{{{:x}}}", c as u32).ok();
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
        let out = typst("a #b $c$ *d* _e_ <f> [g] @ h\\i `j`");
        assert_eq!(
            out,
            "a \\#b \\$c\\$ #emph[d] #emph[e] \\<f\\> \\[g\\] \\@ h\\\\i #raw(\"j\")\n\n"
        );
    }

    #[test]
    fn replaces_citation_groups_with_calls() {
        let out = typst("As shown [see @a, p. 4; @b]. Also @c said.");
        assert_eq!(
            out,
            "As shown #dossier.cite-group(0)\\. Also #dossier.cite-group(1) said\\.\n\n"
        );
    }

    #[test]
    fn converts_blocks() {
        let out = typst(
            "# T\n\n- a\n- b\n\n> q\n\n```rust\nlet x = \"1\";\n```\n\nx[^n]\n\n[^n]: note *here*\n",
        );
        assert!(out.contains("#heading(level: 1)[T]"), "{out}");
        assert!(out.contains("#list([a],\n[b],\n)"), "{out}");
        assert!(out.contains("#quote(block: true)[q\n\n]"), "{out}");
        assert!(
            out.contains("#raw(block: true, lang: \"rust\", \"let x = \\\"1\\\";\\n\")"),
            "{out}"
        );
        assert!(out.contains("x#footnote[note #emph[here]]"), "{out}");
    }

    #[test]
    fn footnotes_inside_footnotes_are_written_once() {
        let out = typst("Text[^a].\n\n[^a]: See also[^b] and[^a].\n\n[^b]: More.\n");
        assert!(
            out.contains("Text#footnote[See also#footnote[More\\.] and\\[\\^a\\]\\.]"),
            "{out}"
        );
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
