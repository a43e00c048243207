//! Pandoc's citation grammar (its Markdown reader's `citeKey`, `citation`,
//! `prefix`, `suffix`, `normalCite`, `textualCite` and `bareloc`) over the
//! tokens of one block, and the example-list labels that are no citations.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::examples::{example_label_end, example_markers};
use super::prose::{Block, Kind, Tok};
use crate::diag::{FileId, Span};
use crate::registry::id::{braced_len, is_alphanumeric, key_len};
use crate::report::locator::locator;
use crate::report::{Citation, Group, Mode};

/// The example-list labels of a document (Pandoc knows them all before it
/// reads any `@label`), and for each block the tokens its labels cover.
pub(super) fn examples(
    source: &str,
    blocks: &[Block],
) -> (HashSet<String>, Vec<Vec<Range<usize>>>) {
    let mut labels = HashSet::new();
    let markers = blocks
        .iter()
        .map(|block| example_markers(source, block, &mut labels))
        .collect();
    (labels, markers)
}

/// The citation groups of one block, whose example labels cover `markers`.
pub(super) fn groups(
    file: FileId,
    source: &str,
    block: &Block,
    examples: &HashSet<String>,
    markers: &[Range<usize>],
) -> (Vec<Group>, Vec<Citation>) {
    let scan = Scan {
        file,
        source,
        toks: &block.toks,
        examples,
        fresh: RefCell::default(),
        doubtful: RefCell::default(),
        depth: Cell::new(0),
        tried: RefCell::default(),
        matching: matching(&block.toks),
    };
    let mut groups = Vec::new();
    scan.run(markers, &mut groups);
    let mut doubtful = scan.doubtful.into_inner();
    doubtful.sort_by_key(|c: &Citation| c.span.range.start);
    doubtful.dedup_by_key(|c| c.span.range.start);
    doubtful.retain(|d| {
        !groups
            .iter()
            .flat_map(|g| &g.citations)
            .any(|c| c.span.range == d.span.range)
    });
    (groups, doubtful)
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
    /// Keys right after the end of emphasis (`*a*@b`), which Pandoc and
    /// CommonMark pair differently: no citation to either reader here, but
    /// perhaps one to the other.
    doubtful: RefCell<Vec<Citation>>,
    /// Citation brackets being tried inside one another.
    depth: Cell<usize>,
    /// What `normal_cite` found at each `[` tried, so nested brackets are
    /// tried once each.
    tried: RefCell<HashMap<usize, Option<Bracket>>>,
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
        if i > 0
            && self.toks[i - 1].kind == (Kind::Close { word: true })
            && let Some((key, key_end, _)) = self.key(i)
            && !self.examples.contains(&key)
        {
            let found = self.found(i, key, key_end, Mode::InText, i..i + 1);
            self.doubtful.borrow_mut().push(found.citation);
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
