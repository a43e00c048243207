//! Which way the report's own text runs: a paragraph's first letter, and
//! the bracketed Latin asides of a right-to-left paragraph.

use std::ops::Range;

use super::Writer;

impl Writer<'_> {
    /// The bracketed Latin asides of the report's text in `range` that hold
    /// no citation group: where each opens and closes.
    pub(super) fn latin_asides(&self, range: Range<usize>) -> Vec<(usize, bool)> {
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
    pub(super) fn first_strong(&self, range: Range<usize>) -> Option<bool> {
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
                    if let Some(rtl) =
                        crate::render::bidi::first_strong(ch.encode_utf8(&mut [0; 4]))
                    {
                        return Some(rtl);
                    }
                }
            }
            previous = ch;
        }
        None
    }
}

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
                    && crate::render::bidi::first_strong(inner) == Some(false)
                    && !inner
                        .chars()
                        .any(|c| crate::render::bidi::first_strong(&c.to_string()) == Some(true))
                {
                    found.push((start, i + 1));
                }
            }
            _ => {}
        }
    }
    found
}
