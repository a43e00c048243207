//! The writer's text: the report's characters escaped into string
//! literals with an exact source map, citation groups put in their place,
//! inline HTML read as its text.

use std::ops::Range;

use super::Writer;
use crate::render::markup::{Piece, group_call};

impl Writer<'_> {
    /// Inside code blocks text is a string argument; elsewhere it is escaped
    /// markup with citation groups replaced by calls.
    pub(super) fn text(&mut self, text: &str, range: &Range<usize>) {
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
                        self.push(&crate::render::bidi::isolated(&markup[in_note]));
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
    pub(super) fn space_before_call(&mut self) {
        let len = self.out.text.len();
        if self.string_end == len && self.out.text.ends_with(" \";") {
            self.out.text.truncate(len - 3);
            self.out.text.push_str("\"; ");
            self.string_end = len - 1;
        }
    }

    pub(super) fn inside_group(&self, range: &Range<usize>) -> bool {
        self.groups[self.next_group.saturating_sub(1)..]
            .iter()
            .take(2)
            .any(|g| g.range.start <= range.start && range.end <= g.range.end)
    }

    /// Writes the report's text in `range` into a string literal, keeping an
    /// exact source map: runs copied as they are map byte for byte, each
    /// escape or collapsed space to its characters.
    pub(super) fn escaped_at(&mut self, range: Range<usize>) {
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
    pub(super) fn escaped(&mut self, text: &str) {
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
    pub(super) fn literal_char(&mut self, ch: char) {
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
    pub(super) fn open_string(&mut self) {
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

    pub(super) fn close_string(&mut self) {
        self.out.text.push_str("\";");
        self.string_end = self.out.text.len();
    }

    pub(super) fn html(&mut self, html: &str) {
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
