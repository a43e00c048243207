//! The sentences of a report's prose, each with the citation groups it
//! holds: what the figure rules read. A sentence ends at `.`, `!`, `?`, `؟`
//! or `۔` followed by white space, except after an abbreviation (`p.`,
//! `para.`, `Dr.`, `e.g.`), an initial (`J. Smith`), or before a word in
//! lower case; a citation right after the full stop still belongs to the
//! sentence it follows.

use std::ops::Range;

use super::{Format, Report};
use crate::diag::{FileId, Files};

/// Stands for something in the text that is not prose (code, math, a link's
/// address, a value Typst inserts): never part of a figure.
pub const OBJECT: char = '\u{FFFC}';

/// Stands for a footnote reference: the source of what the sentence says is
/// in the note.
pub const NOTE: char = '\u{E000}';

/// One character of prose and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Char {
    /// The character as a reader sees it (entities decoded).
    pub ch: char,
    /// Its byte range in the report.
    pub range: Range<usize>,
}

/// The characters of `text`, each at its own place: what tests read
/// figures and sentences from.
#[cfg(test)]
pub(crate) fn chars(text: &str) -> Vec<Char> {
    text.char_indices()
        .map(|(i, ch)| Char {
            ch,
            range: i..i + ch.len_utf8(),
        })
        .collect()
}

/// One sentence.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// The file it is written in.
    pub file: FileId,
    /// Its characters; each citation group is one [`OBJECT`].
    pub chars: Vec<Char>,
    /// The citation groups it holds, as indices into the report's `groups`.
    pub groups: Vec<usize>,
    /// Whether it carries a footnote reference.
    pub noted: bool,
    /// The paragraph, list item or footnote it is part of, counted through
    /// the report.
    pub passage: usize,
}

/// Every sentence of the report's paragraphs, list items, block quotes and
/// footnotes, in every file it reads.
pub fn sentences(report: &Report, files: &Files) -> Vec<Sentence> {
    collect(report, files, false)
}

/// The sentences of the paragraphs (list items, block quotes, footnotes)
/// that hold a digit outside their citations: all the figure rules read.
pub fn with_digits(report: &Report, files: &Files) -> Vec<Sentence> {
    collect(report, files, true)
}

fn collect(report: &Report, files: &Files, digits: bool) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut all = vec![report.file];
    all.extend(&report.includes);
    for file in all {
        let text = files.text(file);
        let passages = match report.format {
            Format::Markdown if digits => report.figures.clone(),
            Format::Markdown => super::markdown::passages(text, report.body_start),
            Format::Typst => super::typst::passages(text),
        };
        // The groups of this file, in order.
        let mut groups: Vec<usize> = (0..report.groups.len())
            .filter(|&g| report.groups[g].file() == Some(file))
            .collect();
        groups.sort_by_key(|&g| report.groups[g].range.start);
        for passage in passages {
            let items = cited(passage, report, &groups);
            // A passage whose only digits are in its locators states no
            // figure.
            if digits
                && !items
                    .iter()
                    .any(|i| i.ch().is_some_and(super::figure::is_digit))
            {
                continue;
            }
            let count = out.last().map_or(0, |s: &Sentence| s.passage + 1);
            let first = out.len();
            split(file, &items, &mut out);
            for sentence in &mut out[first..] {
                sentence.passage = count;
            }
        }
    }
    out
}

/// A character, or a citation group in its place.
#[derive(Debug, Clone)]
enum Item {
    Char(Char),
    Cite(usize, Range<usize>),
}

impl Item {
    fn ch(&self) -> Option<char> {
        match self {
            Self::Char(c) => Some(c.ch),
            Self::Cite(..) => None,
        }
    }
}

/// The passage with each citation group's characters replaced by the group.
/// `groups` are the file's groups in order of their start; characters come
/// in order, so one cursor walks both.
fn cited(passage: Vec<Char>, report: &Report, groups: &[usize]) -> Vec<Item> {
    let range = |i: usize| &report.groups[groups[i]].range;
    let mut items: Vec<Item> = Vec::with_capacity(passage.len());
    // Groups before `next` start at or before the last character seen.
    let mut next: Option<usize> = None;
    let mut last_at = 0;
    for c in passage {
        let at = c.range.start;
        if next.is_none() || at < last_at {
            next = Some(groups.partition_point(|&g| report.groups[g].range.start <= at));
        }
        last_at = at;
        let next = next.as_mut().expect("set above");
        while *next < groups.len() && range(*next).start <= at {
            *next += 1;
        }
        let group = next
            .checked_sub(1)
            .filter(|&i| range(i).contains(&at))
            .map(|i| groups[i]);
        match group {
            Some(g) => match items.last_mut() {
                Some(Item::Cite(last, range)) if *last == g => range.end = c.range.end,
                _ => items.push(Item::Cite(g, c.range)),
            },
            None => items.push(Item::Char(c)),
        }
    }
    items
}

/// Ends a sentence.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '؟' | '۔' | '。' | '！' | '？' | '‼' | '⁇' | '⁈' | '⁉'
    )
}

/// May follow the full stop inside the sentence: closing quotes and brackets.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』'
    )
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == NOTE
}

/// Abbreviations after which a full stop does not end a sentence, lower case
/// and without their inner dots.
const ABBREVIATIONS: &[&str] = &[
    "p", "pp", "para", "paras", "paragr", "ch", "chap", "chs", "sec", "secs", "sect", "fig",
    "figs", "vol", "vols", "no", "nos", "art", "arts", "ed", "eds", "trans", "tr", "cf", "eg",
    "ie", "vs", "v", "viz", "dr", "mr", "mrs", "ms", "mme", "mlle", "prof", "gen", "col", "lt",
    "sgt", "capt", "cmdr", "adm", "gov", "sen", "rep", "st", "ste", "jr", "sr", "rev", "hon", "mt",
    "ft", "approx", "ca", "c", "est", "inc", "ltd", "co", "corp", "dept", "univ", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "us", "uk", "un", "al",
    "op", "cit", "n", "nn", "ff", "ibid", "id", "fol", "fols", "ms", "mss", "sq", "ser", "repr",
    "pt", "pts", "bk", "l", "ll", "ave", "blvd", "mgr", "fr", "sr", "sra",
];

/// Whether the full stop at `at` closes an abbreviation or an initial.
fn abbreviation(items: &[Item], at: usize) -> bool {
    // The word before the stop, with inner dots (`e.g`, `U.S`).
    let mut start = at;
    while start > 0
        && items[start - 1]
            .ch()
            .is_some_and(|c| c.is_alphabetic() || c == '.')
    {
        start -= 1;
    }
    let word: String = items[start..at]
        .iter()
        .filter_map(Item::ch)
        .filter(|&c| c != '.')
        .collect();
    if word.is_empty() {
        return false;
    }
    let mut letters = word.chars();
    let single = letters.next().filter(|_| letters.next().is_none());
    if single.is_some_and(char::is_uppercase) {
        // An initial: `J. Smith`.
        return true;
    }
    let dotted = items[start..at].iter().any(|i| i.ch() == Some('.'));
    dotted || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Splits a passage into sentences.
fn split(file: FileId, items: &[Item], out: &mut Vec<Sentence>) {
    let mut start = 0;
    let mut i = 0;
    while i < items.len() {
        let Some(c) = items[i].ch() else {
            i += 1;
            continue;
        };
        if !is_terminal(c) {
            i += 1;
            continue;
        }
        // The full stop, repeated marks and closing quotes or brackets.
        let mut end = i + 1;
        while end < items.len()
            && items[end]
                .ch()
                .is_some_and(|c| is_terminal(c) || is_closing(c))
        {
            end += 1;
        }
        // A footnote reference after the stop belongs to this sentence.
        while end < items.len() && items[end].ch() == Some(NOTE) {
            end += 1;
        }
        if end < items.len() && !items[end].ch().is_some_and(is_space) {
            i = end;
            continue;
        }
        if c == '.' && abbreviation(items, i) {
            i = end;
            continue;
        }
        // What follows, past white space.
        let mut next = end;
        while next < items.len() && items[next].ch().is_some_and(is_space) {
            next += 1;
        }
        match items.get(next) {
            Some(Item::Char(c)) if c.ch.is_lowercase() => {
                i = end;
                continue;
            }
            Some(Item::Cite(..)) => {
                // `… executed. [@a]`: the citation closes this sentence.
                while next < items.len()
                    && items[next]
                        .ch()
                        .is_none_or(|c| is_space(c) || is_terminal(c) || is_closing(c))
                {
                    next += 1;
                }
                end = next;
            }
            _ => {}
        }
        push(file, &items[start..end], out);
        start = end;
        i = end;
    }
    push(file, &items[start..], out);
}

fn push(file: FileId, items: &[Item], out: &mut Vec<Sentence>) {
    if !items
        .iter()
        .any(|i| matches!(i, Item::Cite(..)) || i.ch().is_some_and(char::is_alphanumeric))
    {
        return;
    }
    let mut sentence = Sentence {
        file,
        chars: Vec::with_capacity(items.len()),
        groups: Vec::new(),
        noted: false,
        passage: 0,
    };
    for item in items {
        match item {
            Item::Char(c) => {
                sentence.noted |= c.ch == NOTE;
                sentence.chars.push(c.clone());
            }
            Item::Cite(g, range) => {
                sentence.groups.push(*g);
                sentence.chars.push(Char {
                    ch: OBJECT,
                    range: range.clone(),
                });
            }
        }
    }
    out.push(sentence);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse;

    fn split_text(text: &str, format: Format) -> Vec<(String, usize)> {
        let mut files = Files::new();
        let name = if format == Format::Markdown {
            "r.md"
        } else {
            "r.typ"
        };
        let id = files.add(std::path::Path::new(name), text.into());
        let (report, _) = parse(id, format, &files);
        sentences(&report, &files)
            .into_iter()
            .map(|s| {
                let text: String = s.chars.iter().map(|c| c.ch).collect();
                (text.trim().to_string(), s.groups.len())
            })
            .collect()
    }

    fn texts(text: &str) -> Vec<String> {
        split_text(text, Format::Markdown)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_end_a_sentence() {
        assert_eq!(
            texts(
                "Dr. Smith, see p. 4 and para. 12, wrote 2.5 million. J. R. Doe agreed. Then e.g. this one! Next?"
            ),
            [
                "Dr. Smith, see p. 4 and para. 12, wrote 2.5 million.",
                "J. R. Doe agreed.",
                "Then e.g. this one!",
                "Next?"
            ]
        );
        assert_eq!(
            texts("He said “it was over.” Then he left. the U.S. Army came."),
            [
                "He said “it was over.”",
                "Then he left. the U.S. Army came."
            ]
        );
    }

    #[test]
    fn persian_stops_end_sentences() {
        assert_eq!(
            texts("حدود ۳۰٬۰۰۰ زندانی اعدام شدند. آیا کسی پاسخگو بود؟ نه"),
            [
                "حدود ۳۰٬۰۰۰ زندانی اعدام شدند.",
                "آیا کسی پاسخگو بود؟",
                "نه"
            ]
        );
    }

    #[test]
    fn a_citation_after_the_stop_stays_with_its_sentence() {
        let found = split_text(
            "Some 30,000 died. [@a] Then [@b, p. 3] more.\n\n# Head 12\n\n- item [@c]. Next one.",
            Format::Markdown,
        );
        let groups: Vec<usize> = found.iter().map(|(_, g)| *g).collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(groups, [1, 1, 1, 0]);
        assert!(found[1].0.starts_with("Then"));
        assert!(!found[1].0.contains("p. 3"), "locators are not prose");
    }

    #[test]
    fn typst_prose_leaves_out_headings_code_and_tables() {
        let found = split_text(
            "= Heading 1988\n\nSome 30,000 died @a. A note#footnote[Noted 12 times.] here.\n\n#table([12,000])\n\n- Item 14.\n\n`raw 15`",
            Format::Typst,
        );
        let texts: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts.len(), 4, "{found:?}");
        assert!(texts.contains(&"Noted 12 times."));
        assert!(texts.contains(&"Item 14."));
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("1988") || t.contains("12,000"))
        );
    }
}
