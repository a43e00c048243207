//! Pandoc citations in Markdown: `[@a]`, `[@a; @b]`, `[see @a, para. 4; also
//! @b]`, `[-@a]` and `@a` in running text. pulldown-cmark decides what is
//! prose; citations are only looked for there, never in code, URLs, links,
//! e-mail addresses or after a backslash.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::{Citation, Group, Mode};
use crate::diag::{FileId, Span};
use crate::registry::id::is_id_char;

/// The parser options every Markdown pass uses, so spans agree.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Every citation group in the body, which starts at byte `body_start`.
pub fn citations(file: FileId, text: &str, body_start: usize) -> Vec<Group> {
    let body = &text[body_start..];
    let mut groups = Vec::new();
    let mut run = Run::default();
    // Depth of constructs whose text is not prose: code blocks, links, images.
    let mut opaque = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        match event {
            Event::Text(t) if opaque == 0 => run.push(range, t),
            Event::SoftBreak if opaque == 0 => run.push(range, "\n".into()),
            Event::Start(
                Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. } | Tag::MetadataBlock(_),
            ) => {
                run.flush(file, text, &mut groups);
                opaque += 1;
            }
            Event::End(
                TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image | TagEnd::MetadataBlock(_),
            ) => {
                opaque = opaque.saturating_sub(1);
            }
            _ => run.flush(file, text, &mut groups),
        }
    }
    run.flush(file, text, &mut groups);
    groups
}

/// One character of prose with where it came from.
#[derive(Debug, Clone, Copy)]
struct Char {
    ch: char,
    /// Byte range in the report.
    start: usize,
    end: usize,
    /// Written with a backslash escape.
    escaped: bool,
}

/// Consecutive prose text: the text events as they come, turned into
/// characters mapped back to the report only when one holds an `@`, since a
/// run without one holds no citation.
#[derive(Debug, Default)]
struct Run<'a> {
    pieces: Vec<(Range<usize>, CowStr<'a>)>,
    cited: bool,
}

impl<'a> Run<'a> {
    fn push(&mut self, range: Range<usize>, text: CowStr<'a>) {
        self.cited |= text.contains('@');
        self.pieces.push((range, text));
    }

    fn flush(&mut self, file: FileId, source: &str, groups: &mut Vec<Group>) {
        if self.cited {
            let mut chars = Vec::new();
            for (range, text) in &self.pieces {
                characters(source, range.clone(), text, &mut chars);
            }
            scan(file, &chars, groups);
        }
        self.pieces.clear();
        self.cited = false;
    }
}

/// The characters of one text event, each with its place in the report.
fn characters(source: &str, range: Range<usize>, text: &str, out: &mut Vec<Char>) {
    let raw = &source[range.clone()];
    let escaped = range.start > 0 && source.as_bytes()[range.start - 1] == b'\\';
    if raw == text {
        for (i, (offset, ch)) in text.char_indices().enumerate() {
            let start = range.start + offset;
            let end = start + ch.len_utf8();
            out.push(Char {
                ch,
                start,
                end,
                escaped: escaped && i == 0,
            });
        }
    } else {
        // Entities and the like: every character maps to the whole range.
        for ch in text.chars() {
            out.push(Char {
                ch,
                start: range.start,
                end: range.end,
                escaped: true,
            });
        }
    }
}

fn scan(file: FileId, chars: &[Char], groups: &mut Vec<Group>) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let after_space = i == 0 || chars[i - 1].ch.is_whitespace();
        if c.escaped {
            i += 1;
        } else if c.ch == '[' {
            match bracket(file, chars, i) {
                Some((group, next)) => {
                    groups.push(group);
                    i = next;
                }
                None => i += 1,
            }
        } else if c.ch == '@' && may_start_in_text(chars, i) {
            match in_text(file, chars, i) {
                Some((group, next)) => {
                    groups.push(group);
                    i = next;
                }
                None => i += 1,
            }
        } else if after_space && starts_url(chars, i) {
            while i < chars.len() && !chars[i].ch.is_whitespace() {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
}

fn may_start_in_text(chars: &[Char], i: usize) -> bool {
    i == 0 || {
        let prev = chars[i - 1].ch;
        prev.is_whitespace() || matches!(prev, '(' | '"' | '\'' | '“' | '‘' | '—' | '–')
    }
}

fn starts_url(chars: &[Char], i: usize) -> bool {
    let head: String = chars[i..]
        .iter()
        .take(8)
        .map(|c| c.ch.to_ascii_lowercase())
        .collect();
    ["http://", "https://", "ftp://", "mailto:", "www."]
        .iter()
        .any(|p| head.starts_with(p))
}

/// Reads `@key` at `at` (the `@`); returns the key and the index after it.
fn key(chars: &[Char], at: usize) -> Option<(String, usize)> {
    let first = chars.get(at + 1)?;
    if !(first.ch.is_ascii_alphanumeric() || first.ch == '_') || first.escaped {
        return None;
    }
    let mut end = at + 1;
    while end < chars.len() && is_id_char(chars[end].ch) && !chars[end].escaped {
        end += 1;
    }
    // Punctuation at the end belongs to the sentence, not the key.
    while end > at + 2 && matches!(chars[end - 1].ch, '.' | ':' | '-') {
        end -= 1;
    }
    Some((chars[at + 1..end].iter().map(|c| c.ch).collect(), end))
}

fn span(file: FileId, chars: &[Char], range: Range<usize>) -> Span {
    Span::new(file, chars[range.start].start..chars[range.end - 1].end)
}

fn text_of(chars: &[Char]) -> String {
    chars.iter().map(|c| c.ch).collect()
}

/// A bracketed group starting at `open`; `None` if it is not a citation.
fn bracket(file: FileId, chars: &[Char], open: usize) -> Option<(Group, usize)> {
    let close =
        (open + 1..chars.len()).find(|&j| !chars[j].escaped && matches!(chars[j].ch, ']' | '['))?;
    if chars[close].ch != ']' {
        return None;
    }
    let mut citations = Vec::new();
    let mut start = open + 1;
    for end in
        (open + 1..=close).filter(|&j| j == close || (chars[j].ch == ';' && !chars[j].escaped))
    {
        citations.push(item(file, chars, start..end)?);
        start = end + 1;
    }
    let range = chars[open].start..chars[close].end;
    Some((
        Group {
            range,
            citations,
            planned: true,
        },
        close + 1,
    ))
}

/// One `prefix -@key locator suffix` item of a bracket.
fn item(file: FileId, chars: &[Char], range: Range<usize>) -> Option<Citation> {
    let at = (range.start..range.end).find(|&j| {
        let c = chars[j];
        c.ch == '@' && !c.escaped && {
            let prev = (j > range.start).then(|| chars[j - 1].ch);
            prev.is_none_or(|p| p.is_whitespace() || p == '-')
        }
    })?;
    let (id, after) = key(&chars[..range.end], at)?;
    let suppress = at > range.start && chars[at - 1].ch == '-';
    let prefix_end = if suppress { at - 1 } else { at };
    if suppress && prefix_end > range.start && !chars[prefix_end - 1].ch.is_whitespace() {
        return None;
    }
    let prefix = text_of(&chars[range.start..prefix_end]);
    let (locator, suffix) = locator(&text_of(&chars[after..range.end]));
    Some(Citation {
        id,
        span: span(file, chars, at..after),
        prefix: non_empty(prefix.trim()),
        locator,
        suffix,
        mode: if suppress {
            Mode::SuppressAuthor
        } else {
            Mode::Normal
        },
    })
}

/// `@key` in running text, optionally followed by `[locator]`.
fn in_text(file: FileId, chars: &[Char], at: usize) -> Option<(Group, usize)> {
    let (id, after) = key(chars, at)?;
    let mut end = after;
    let mut located = (None, None);
    let open = if chars.get(after).is_some_and(|c| c.ch == ' ') {
        after + 1
    } else {
        after
    };
    if chars.get(open).is_some_and(|c| c.ch == '[' && !c.escaped)
        && let Some(close) =
            (open + 1..chars.len()).find(|&j| matches!(chars[j].ch, ']' | '[' | '@'))
        && chars[close].ch == ']'
        && close > open + 1
    {
        located = locator(&text_of(&chars[open + 1..close]));
        end = close + 1;
    }
    let citation = Citation {
        id,
        span: span(file, chars, at..after),
        prefix: None,
        locator: located.0,
        suffix: located.1,
        mode: Mode::InText,
    };
    let range = chars[at].start..chars[end - 1].end;
    Some((
        Group {
            range,
            citations: vec![citation],
            planned: true,
        },
        end,
    ))
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// Locator terms, longest first so `pp.` wins over `p.`.
const TERMS: &[&str] = &[
    "paragraphs",
    "paragraph",
    "chapters",
    "chapter",
    "sections",
    "section",
    "figures",
    "figure",
    "columns",
    "column",
    "volumes",
    "volume",
    "verses",
    "verse",
    "pages",
    "page",
    "notes",
    "note",
    "lines",
    "line",
    "paras.",
    "para.",
    "chaps.",
    "chap.",
    "secs.",
    "sec.",
    "figs.",
    "fig.",
    "cols.",
    "col.",
    "vols.",
    "vol.",
    "nos.",
    "no.",
    "chs.",
    "ch.",
    "pp.",
    "nn.",
    "ll.",
    "vv.",
    "p.",
    "n.",
    "l.",
    "v.",
    "¶¶",
    "¶",
    "§§",
    "§",
];

/// Splits what follows a key into a locator (term and value) and a suffix.
pub fn locator(rest: &str) -> (Option<String>, Option<String>) {
    let s = rest.trim_start();
    let s = s.strip_prefix(',').unwrap_or(s).trim_start();
    let lower = s.to_lowercase();
    let term = TERMS.iter().find(|t| {
        lower.starts_with(**t)
            && s[t.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c.is_ascii_digit())
    });
    let value_from = term.map_or(0, |t| t.len());
    let after_term = &s[value_from..];
    let value_len = locator_value(after_term.trim_start());
    if value_len == 0 {
        return (None, non_empty(s.trim_end()));
    }
    let skipped = after_term.len() - after_term.trim_start().len();
    let end = value_from + skipped + value_len;
    let locator = s[..end].trim().to_string();
    let suffix = s[end..].trim_start();
    let suffix = suffix.strip_prefix(',').unwrap_or(suffix).trim();
    (Some(locator), non_empty(suffix))
}

/// Length in bytes of a locator value such as `4`, `33-35, 38`, `3.2`, `xiv`
/// or `12a`.
fn locator_value(s: &str) -> usize {
    let mut end = 0;
    let mut first = true;
    let mut rest = s;
    loop {
        let len = word_len(rest);
        if !is_locator_word(&rest[..len], first) {
            break;
        }
        let mut used = len;
        // A range such as 33-35 or 33–35.
        if let Some(dash) = rest[len..]
            .chars()
            .next()
            .filter(|c| matches!(c, '-' | '–' | '—'))
        {
            let after = &rest[len + dash.len_utf8()..];
            let len2 = word_len(after);
            if is_locator_word(&after[..len2], first) {
                used = len + dash.len_utf8() + len2;
            }
        }
        end += used;
        first = false;
        let tail = &rest[used..];
        let separated = tail.trim_start();
        let Some(next) = separated
            .strip_prefix(',')
            .or_else(|| separated.strip_prefix('&'))
        else {
            break;
        };
        let candidate = next.trim_start();
        if !is_locator_word(&candidate[..word_len(candidate)], false) {
            break;
        }
        end += tail.len() - candidate.len();
        rest = candidate;
    }
    end
}

/// Letters and digits, with dots only between digits (`3.2`).
fn word_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let dotted = b == b'.'
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(b.is_ascii_alphanumeric() || dotted) {
            break;
        }
        i += 1;
    }
    i
}

/// A number (`4`, `3.2`, `12a`) or, first in a value, a roman numeral.
fn is_locator_word(word: &str, roman_ok: bool) -> bool {
    let core = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let numeric = core.starts_with(|c: char| c.is_ascii_digit())
        && core.chars().all(|c| c.is_ascii_digit() || c == '.')
        && word.len() - core.len() <= 1;
    let roman = roman_ok && !word.is_empty() && word.chars().all(|c| "ivxlcdmIVXLCDM".contains(c));
    numeric || roman
}

#[cfg(test)]
mod tests {
    use super::locator;
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
            ("a [link @a](https://x.org/@b)", ""),
            ("escaped \\@a and \\[@b]", ""),
            ("[not a citation] and [see p. 4]", ""),
            ("[@a; see p. 4]", ""),
            ("*[@a]* and **@b**", "a||||n / b||||t"),
            ("- item [@a, ch. 2]\n- @b", "a||ch. 2||n / b||||t"),
            ("> quoted [@a,\n> p. 3]", "a||p. 3||n"),
            ("| c |\n|---|\n| [@a] |", "a||||n"),
            ("note[^1]\n\n[^1]: in a footnote [@a].", "a||||n"),
            ("# Heading @a", "a||||t"),
            ("[@a] &amp; [@b]", "a||||n / b||||n"),
            ("(@a)", "a||||t"),
        ];
        for (input, expected) in cases {
            assert_eq!(extract(input), expected, "{input:?}");
        }
    }

    #[test]
    fn spans_cover_the_at_sign_and_key() {
        let mut files = Files::new();
        let text = "---\ntitle: x\n---\nThe toll [@toll-198, para. 4].";
        let id = files.add(std::path::Path::new("r.md"), text.into());
        let (report, _) = parse(id, Format::Markdown, &files);
        let citation = report.citations().next().unwrap();
        assert_eq!(&text[citation.span.range.clone()], "@toll-198");
        let position = files.position(id, citation.span.range.start);
        assert_eq!((position.line, position.column), (4, 11));
    }

    #[test]
    fn splits_locators_from_suffixes() {
        let cases = [
            (", para. 4", Some("para. 4"), None),
            (
                ", pp. 33-35, 38 and passim",
                Some("pp. 33-35, 38"),
                Some("and passim"),
            ),
            (
                ", p. 4, emphasis added",
                Some("p. 4"),
                Some("emphasis added"),
            ),
            (" p. xiv", Some("p. xiv"), None),
            (", 33", Some("33"), None),
            (", emphasis added", None, Some("emphasis added")),
            ("", None, None),
            (", ch. 2", Some("ch. 2"), None),
            (", sec. 3.2", Some("sec. 3.2"), None),
            (", p. 4.", Some("p. 4"), Some(".")),
            (
                ", paras. 2, 5 & 7, cited",
                Some("paras. 2, 5 & 7"),
                Some("cited"),
            ),
            (", fig. 12a", Some("fig. 12a"), None),
        ];
        for (input, loc, suffix) in cases {
            let (l, s) = locator(input);
            assert_eq!((l.as_deref(), s.as_deref()), (loc, suffix), "{input:?}");
        }
    }
}
