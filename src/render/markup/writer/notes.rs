//! Footnotes: where each is defined, and its text written where it is
//! referred to.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Writer;
use crate::render::markup::Spanned;

/// Index ranges of the events inside each footnote definition, by label.
pub(super) fn footnote_definitions(events: &[Spanned<'_>]) -> HashMap<String, Range<usize>> {
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

impl Writer<'_> {
    /// A footnote's text, written where it is referred to; `all` is every
    /// event of the report, where the definitions' ranges point.
    pub(super) fn footnote(&mut self, label: &str, all: &[Spanned<'_>]) {
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
