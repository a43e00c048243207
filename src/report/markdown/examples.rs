//! Pandoc's example lists: `(@label)` markers, which make `@label`
//! elsewhere a reference to the example, not a citation.

use std::collections::HashSet;
use std::ops::Range;

use super::prose::{Block, Kind, Tok};
use crate::registry::id::is_alphanumeric;

/// Pandoc example-list labels (`(@good)`, `@good.`, `@good)`) opening a
/// paragraph, and opening each of its lines after that (each one a new item
/// of the list): each is recorded in `examples`; returns the token ranges
/// they cover.
pub(super) fn example_markers(
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
pub(super) fn example_marker(
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
pub(super) fn example_label_end(toks: &[Tok], at: usize) -> usize {
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
