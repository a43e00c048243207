//! Figures in prose: counts, percentages and dates as a sentence states them,
//! each read as the interval of values it allows. `3,000`, `2.5 million`,
//! `۳٬۰۰۰` and `45%` are counts; `19 July 1988`, `July 19, 1988`,
//! `July 1988`, `1988-07-19` and a bare year are dates. Words before a
//! figure qualify it: `about 30,000` allows ±10 %, `more than 30,000` has no
//! upper bound, `between 2,800 and 3,800` is a range. Numbers that name
//! rather than count (`Article 6`, `p. 12`, `COVID-19`, `25th`, `10:30`) are
//! not figures.

use std::ops::Range;

use super::sentence::Char;
use crate::registry::value::{Interval, Number, PartialDate};

/// What a figure states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number of things, or an amount.
    Count,
    /// A percentage; compared with evidence values as a number.
    Percent,
    /// A date, as precise as written.
    Date,
}

/// One figure in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Count, percentage or date.
    pub kind: Kind,
    /// The values it allows: days from the common era for dates.
    pub interval: Interval,
    /// Byte range in the file, from its first digit (or month) to its last
    /// character.
    pub range: Range<usize>,
    /// A count of 10 or more, a percentage or a date to the day: what a
    /// sentence may not state without a citation.
    pub notable: bool,
    /// The value as written, before its qualifier: `more than 12` states
    /// 12.
    pub stated: Interval,
}

/// A word, a number or a punctuation mark, with the indices of its first
/// and last characters in the sentence.
#[derive(Debug, Clone)]
enum Tok {
    Word(String),
    Num(Num),
    Punct(char),
    /// A number that names something (`Article 6`, `25th`, `10:30`).
    Name,
}

#[derive(Debug, Clone)]
struct Num {
    /// Integer part, if it fits.
    int: Option<i64>,
    /// The value.
    value: f64,
    /// Digits in the integer part.
    digits: usize,
    /// Written without separators or decimals.
    plain: bool,
    /// Followed by `st`, `nd`, `rd` or `th`.
    ordinal: bool,
    /// `1980s`.
    decade: bool,
    /// Written in Arabic-Indic or Persian digits.
    native: bool,
    /// Written with separators of thousands.
    grouped: bool,
    /// A scale glued on (`3.7bn`, `71m`, `5k`), 1 without.
    factor: f64,
    /// `45pc`.
    glued_percent: bool,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
    /// White space before it.
    spaced: bool,
}

/// The value of a decimal digit in Latin, Arabic-Indic or Persian script.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660),
        '\u{6F0}'..='\u{6F9}' => Some(c as u32 - 0x6F0),
        _ => None,
    }
}

/// Whether a character is a decimal digit a figure may be written in.
pub fn is_digit(c: char) -> bool {
    digit(c).is_some()
}

/// Separates groups of thousands.
fn is_group(c: char) -> bool {
    matches!(
        c,
        ',' | '٬' | '\u{202F}' | '\u{2009}' | '\u{A0}' | '\'' | '’'
    )
}

fn tokens(chars: &[Char]) -> Vec<Token> {
    let ch = |i: usize| chars.get(i).map(|c| c.ch);
    let mut out = Vec::new();
    let mut i = 0;
    let mut spaced = true;
    while i < chars.len() {
        let c = chars[i].ch;
        if c.is_whitespace() {
            spaced = true;
            i += 1;
            continue;
        }
        let start = i;
        let tok = if digit(c).is_some() {
            let glued = i > 0 && {
                let before = chars[i - 1].ch;
                before.is_alphabetic()
                    || matches!(before, '\'' | '’') && !(i > 1 && chars[i - 2].ch.is_alphanumeric())
                    || before == '.' && i > 1 && digit(chars[i - 2].ch).is_some()
                    || (before == '-' || before == '/') && i > 1 && chars[i - 2].ch.is_alphabetic()
            };
            let native = !c.is_ascii_digit();
            let mut whole = String::new();
            let mut plain = true;
            // The separator of the groups, once one is seen.
            let mut grouped_by: Option<char> = None;
            while let Some(d) = ch(i).and_then(digit) {
                whole.push(char::from_digit(d, 10).unwrap_or('0'));
                i += 1;
                // `30,000`: a separator followed by exactly three digits; a
                // plain space only after a first group of one to three
                // digits (`30 000`), so `1988 300` stays two numbers.
                if let Some(sep) = ch(i)
                    && (is_group(sep)
                        || sep == ' ' && grouped_by.map_or(whole.len() <= 3, |g| g == ' '))
                    && grouped_by.is_none_or(|g| g == sep)
                    && (1..=3).all(|k| ch(i + k).and_then(digit).is_some())
                    && ch(i + 4).and_then(digit).is_none()
                {
                    plain = false;
                    grouped_by = Some(sep);
                    i += 1;
                }
            }
            let mut fraction = String::new();
            if matches!(ch(i), Some('.' | '٫')) && ch(i + 1).and_then(digit).is_some() {
                plain = false;
                i += 1;
                while let Some(d) = ch(i).and_then(digit) {
                    fraction.push(char::from_digit(d, 10).unwrap_or('0'));
                    i += 1;
                }
            }
            // `16.04.2024`, `4.2.1`: a dotted date or a version, not a
            // decimal.
            let dotted =
                !fraction.is_empty() && ch(i) == Some('.') && ch(i + 1).and_then(digit).is_some();
            // What is glued on after it.
            let mut suffix = String::new();
            let mut j = i;
            while let Some(c) = ch(j).filter(|c| c.is_alphabetic()) {
                suffix.push(c);
                j += 1;
            }
            // `1980's`: a decade written with an apostrophe.
            if suffix.is_empty()
                && matches!(ch(i), Some('\'' | '’'))
                && ch(i + 1) == Some('s')
                && !ch(i + 2).is_some_and(char::is_alphanumeric)
            {
                suffix.push('s');
                j = i + 2;
            }
            let suffix = suffix.to_lowercase();
            let ordinal = matches!(suffix.as_str(), "st" | "nd" | "rd" | "th");
            let decade = suffix == "s" && whole.len() == 4 && whole.ends_with('0');
            let timed = matches!(ch(i), Some(':' | '/')) && ch(i + 1).and_then(digit).is_some();
            // `3.7bn`, `71m`, `45pc`: a scale or a percentage glued on.
            let glued_scale = match suffix.as_str() {
                "k" => Some(1e3),
                "m" | "mn" => Some(1e6),
                "bn" | "b" => Some(1e9),
                "pc" => Some(1.0),
                _ => None,
            }
            .filter(|_| !ch(j).is_some_and(|c| c.is_alphanumeric() || c == '-'));
            let glued_percent = suffix == "pc";
            if glued_scale.is_some() {
                i = j;
            }
            // `a 3-year-old`, `10-day`: part of a compound word.
            let compound = ch(i) == Some('-') && ch(i + 1).is_some_and(char::is_alphabetic);
            if ordinal || decade {
                i = j;
            }
            if glued
                || dotted
                || timed
                || compound
                || (!suffix.is_empty() && !ordinal && !decade && glued_scale.is_none())
            {
                // Part of a name or a unit: skip the rest of the word.
                while ch(i).is_some_and(|c| {
                    c.is_alphanumeric()
                        || digit(c).is_some()
                        || c == '-' && compound
                        || c == '.' && dotted && ch(i + 1).and_then(digit).is_some()
                }) {
                    i += 1;
                }
                while timed
                    && matches!(ch(i), Some(':' | '/'))
                    && ch(i + 1).and_then(digit).is_some()
                {
                    i += 1;
                    while ch(i).and_then(digit).is_some() {
                        i += 1;
                    }
                }
                Tok::Name
            } else {
                let int = whole.parse::<i64>().ok();
                let value: f64 = format!(
                    "{whole}.{}",
                    if fraction.is_empty() { "0" } else { &fraction }
                )
                .parse()
                .unwrap_or(f64::NAN);
                Tok::Num(Num {
                    int: int.filter(|_| fraction.is_empty()),
                    value,
                    digits: whole.len(),
                    plain,
                    ordinal,
                    decade,
                    native,
                    grouped: grouped_by.is_some(),
                    factor: glued_scale.unwrap_or(1.0),
                    glued_percent,
                })
            }
        } else if c.is_alphabetic() || c == '\u{200C}' {
            let mut word = String::new();
            while let Some(c) =
                ch(i).filter(|&c| c.is_alphabetic() || c == '\u{200C}' || is_mark(c))
            {
                word.push(c);
                i += 1;
            }
            // `approx.`, `c.`: the full stop belongs to the word.
            Tok::Word(word.to_lowercase())
        } else {
            i += 1;
            Tok::Punct(c)
        };
        out.push(Token {
            tok,
            start,
            end: i,
            spaced,
        });
        spaced = false;
    }
    out
}

fn is_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}

const MONTHS: &[&[&str]] = &[
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["may"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// The Gregorian months as Persian writes them, in order.
const PERSIAN_MONTHS: &[&str] = &[
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
];

/// Months of other calendars (Solar Hijri, Hijri): a date in one is not
/// compared, and its day is no count.
const OTHER_MONTHS: &[&str] = &[
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "امرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
    "محرم",
    "صفر",
    "رمضان",
    "شوال",
    "رجب",
    "شعبان",
];

fn month(tok: &Tok) -> Option<u32> {
    let Tok::Word(w) = tok else { return None };
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .or_else(|| PERSIAN_MONTHS.iter().position(|m| m == w))
        .map(|m| m as u32 + 1)
}

/// How a word before or after a figure bounds it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Qualifier {
    About,
    AtLeast,
    AtMost,
}

const BEFORE: &[(&str, Qualifier)] = &[
    ("about", Qualifier::About),
    ("around", Qualifier::About),
    ("some", Qualifier::About),
    ("approximately", Qualifier::About),
    ("approx", Qualifier::About),
    ("nearly", Qualifier::About),
    ("roughly", Qualifier::About),
    ("almost", Qualifier::About),
    ("circa", Qualifier::About),
    ("ca", Qualifier::About),
    ("c", Qualifier::About),
    ("an estimated", Qualifier::About),
    ("estimated", Qualifier::About),
    ("close to", Qualifier::About),
    ("~", Qualifier::About),
    ("≈", Qualifier::About),
    ("حدود", Qualifier::About),
    ("حدودا", Qualifier::About),
    ("حدوداً", Qualifier::About),
    ("تقریبا", Qualifier::About),
    ("تقریباً", Qualifier::About),
    ("نزدیک به", Qualifier::About),
    ("قرابة", Qualifier::About),
    ("حوالي", Qualifier::About),
    ("نحو", Qualifier::About),
    ("more than", Qualifier::AtLeast),
    ("over", Qualifier::AtLeast),
    ("at least", Qualifier::AtLeast),
    ("upwards of", Qualifier::AtLeast),
    ("in excess of", Qualifier::AtLeast),
    ("above", Qualifier::AtLeast),
    ("exceeding", Qualifier::AtLeast),
    ("greater than", Qualifier::AtLeast),
    (">", Qualifier::AtLeast),
    ("≥", Qualifier::AtLeast),
    ("بیش از", Qualifier::AtLeast),
    ("بیشتر از", Qualifier::AtLeast),
    ("بالغ بر", Qualifier::AtLeast),
    ("دست‌کم", Qualifier::AtLeast),
    ("حداقل", Qualifier::AtLeast),
    ("أكثر من", Qualifier::AtLeast),
    ("fewer than", Qualifier::AtMost),
    ("less than", Qualifier::AtMost),
    ("under", Qualifier::AtMost),
    ("at most", Qualifier::AtMost),
    ("up to", Qualifier::AtMost),
    ("no more than", Qualifier::AtMost),
    ("below", Qualifier::AtMost),
    ("as many as", Qualifier::AtMost),
    ("<", Qualifier::AtMost),
    ("≤", Qualifier::AtMost),
    ("کمتر از", Qualifier::AtMost),
    ("حداکثر", Qualifier::AtMost),
    ("أقل من", Qualifier::AtMost),
];

const BEFORE_DATE: &[(&str, Qualifier)] = &[
    ("before", Qualifier::AtMost),
    ("by", Qualifier::AtMost),
    ("until", Qualifier::AtMost),
    ("till", Qualifier::AtMost),
    ("after", Qualifier::AtLeast),
    ("since", Qualifier::AtLeast),
];

const AFTER: &[(&str, Qualifier)] = &[
    ("or more", Qualifier::AtLeast),
    ("or over", Qualifier::AtLeast),
    ("or fewer", Qualifier::AtMost),
    ("or less", Qualifier::AtMost),
];

/// Words after which a number names a part or an item, not a quantity.
const NAMING: &[&str] = &[
    "article",
    "articles",
    "art",
    "resolution",
    "resolutions",
    "res",
    "no",
    "nos",
    "number",
    "numbers",
    "page",
    "pages",
    "p",
    "pp",
    "para",
    "paras",
    "paragraph",
    "paragraphs",
    "section",
    "sections",
    "sec",
    "chapter",
    "chapters",
    "ch",
    "vol",
    "volume",
    "volumes",
    "item",
    "items",
    "rule",
    "rules",
    "clause",
    "clauses",
    "figure",
    "fig",
    "table",
    "annex",
    "appendix",
    "footnote",
    "note",
    "notes",
    "line",
    "lines",
    "verse",
    "amendment",
    "protocol",
    "session",
    "case",
    "file",
    "ward",
    "block",
    "room",
    "cell",
    "route",
    "highway",
    "flight",
    "code",
    "version",
    "level",
    "grade",
    "step",
    "phase",
    "stage",
    "part",
    "book",
    "issue",
    "series",
    "credibility",
    "reliability",
    "score",
    "rank",
    "tier",
    "category",
    "class",
    "type",
    "model",
    "goal",
    "goals",
    "sdg",
    "sdgs",
    "target",
    "targets",
    "indicator",
    "principle",
    "principles",
    "recommendation",
    "recommendations",
    "box",
    "chart",
    "map",
    "schedule",
    "law",
    "act",
    "decree",
    "order",
    "district",
    "zone",
    "sector",
    "camp",
    "unit",
    "brigade",
    "division",
    "building",
    "exhibit",
    "question",
    "docket",
    "unscr",
    "cop",
    "objective",
    "pillar",
    "priority",
    "tranche",
    "round",
    "wave",
    "cohort",
    "title",
    "iso",
    "windows",
    "boeing",
    "hall",
    "قطعنامه",
    "تبصره",
    "مصوبه",
    "مواد",
    "ماده",
    "بند",
    "صفحه",
    "شماره",
    "اصل",
    "فصل",
];

/// The words (or signs) that end just before token `t`, as one phrase of up
/// to `n` words, lower case.
fn phrase_before(toks: &[Token], t: usize, n: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut k = t;
    while k > 0 && words.len() < n {
        k -= 1;
        match &toks[k].tok {
            Tok::Word(w) => words.push(w.clone()),
            Tok::Punct(c @ ('~' | '≈' | '>' | '<' | '≥' | '≤')) => words.push(c.to_string()),
            // `approx.`, `c.`
            Tok::Punct('.') if words.is_empty() => {}
            _ => break,
        }
    }
    words.reverse();
    words.join(" ")
}

fn qualifier_before(toks: &[Token], t: usize, date: bool) -> Option<Qualifier> {
    let table: &[(&str, Qualifier)] = if date { BEFORE_DATE } else { BEFORE };
    for n in (1..=3).rev() {
        let phrase = phrase_before(toks, t, n);
        if phrase.is_empty() {
            continue;
        }
        // The last n words of what precedes.
        if let Some((_, q)) = table.iter().find(|(p, _)| {
            phrase == *p || phrase.ends_with(&format!(" {p}")) && p.split(' ').count() == n
        }) {
            // `c.` and `ca.` only with their full stop.
            let word = phrase.rsplit(' ').next().unwrap_or("");
            if matches!(word, "c" | "ca" | "approx")
                && !matches!(
                    toks.get(t.wrapping_sub(1)).map(|k| &k.tok),
                    Some(Tok::Punct('.'))
                )
            {
                continue;
            }
            return Some(*q);
        }
    }
    None
}

fn qualifier_after(toks: &[Token], t: usize) -> Option<(Qualifier, usize)> {
    let word = |k: usize| match toks.get(k).map(|x| &x.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    if let Some(Tok::Punct('+')) = toks.get(t + 1).map(|x| &x.tok)
        && !toks[t + 1].spaced
    {
        return Some((Qualifier::AtLeast, t + 1));
    }
    let two = format!("{} {}", word(t + 1)?, word(t + 2)?);
    AFTER
        .iter()
        .find(|(p, _)| *p == two)
        .map(|(_, q)| (*q, t + 2))
}

/// Whether the token before `t` names what follows (`Article 6`, `§ 4`).
fn named(toks: &[Token], t: usize) -> bool {
    // A grouped number, a decimal or a percentage is an amount whatever
    // the word before it: `in the first phase 12,000 died`.
    let Tok::Num(num) = &toks[t].tok else {
        return false;
    };
    // `Section 4.2` names; `phase 12,000` counts.
    if num.grouped
        || num.glued_percent
        || num.factor != 1.0
        || percent(toks, t).is_some()
        || scale(toks, t).is_some()
    {
        return false;
    }
    match t.checked_sub(1).map(|k| &toks[k].tok) {
        Some(Tok::Word(w)) => NAMING.contains(&w.as_str()),
        Some(Tok::Punct('.')) => matches!(
            t.checked_sub(2).map(|k| &toks[k].tok),
            Some(Tok::Word(w)) if NAMING.contains(&w.as_str()) || DOTTED.contains(&w.as_str())
        ),
        Some(Tok::Punct('#' | '§' | '№' | '¶')) => true,
        _ => false,
    }
}

/// Short forms that name a part only with their full stop: `n. 12`,
/// `s. 4`, `r. 7`.
const DOTTED: &[&str] = &[
    "n", "nn", "fn", "fns", "s", "ss", "r", "rr", "l", "ll", "v", "vv", "nr",
];

/// What joins the two ends of a range or the items of a list of numbers.
fn is_joiner(tok: &Tok) -> bool {
    match tok {
        Tok::Punct(c) => matches!(c, '–' | '—' | '-' | '−' | ',' | '&'),
        Tok::Word(w) => matches!(w.as_str(), "to" | "and" | "or" | "تا" | "و"),
        _ => false,
    }
}

/// Whether the number at `t` names a time of day: `11 p.m.`, `9am`,
/// `10 o'clock`.
fn timed(toks: &[Token], t: usize) -> bool {
    let word = |k: usize| match toks.get(k).map(|x| &x.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    match word(t + 1) {
        Some("am" | "pm" | "hrs" | "hours" | "h" | "o") => true,
        Some("a" | "p") => {
            matches!(toks.get(t + 2).map(|x| &x.tok), Some(Tok::Punct('.')))
                && word(t + 3) == Some("m")
        }
        _ => false,
    }
}

fn scale(toks: &[Token], t: usize) -> Option<(f64, usize)> {
    let Some(Tok::Word(w)) = toks.get(t + 1).map(|x| &x.tok) else {
        return None;
    };
    let factor = match w.as_str() {
        "thousand" | "هزار" | "ألف" | "آلاف" => 1e3,
        "million" | "millions" | "mn" | "میلیون" | "مليون" | "ملايين" => 1e6,
        "billion" | "billions" | "bn" | "میلیارد" | "مليار" => 1e9,
        _ => return None,
    };
    Some((factor, t + 1))
}

fn percent(toks: &[Token], t: usize) -> Option<usize> {
    match toks.get(t + 1).map(|x| &x.tok) {
        Some(Tok::Punct('%' | '٪')) => Some(t + 1),
        Some(Tok::Word(w)) if w == "percent" || w == "درصد" || w == "بالمئة" => {
            Some(t + 1)
        }
        Some(Tok::Word(w)) if w == "per" => match toks.get(t + 2).map(|x| &x.tok) {
            Some(Tok::Word(c)) if c == "cent" => Some(t + 2),
            _ => None,
        },
        _ => None,
    }
}

fn day_number(date: PartialDate, last: bool) -> Option<Number> {
    let interval = date.interval();
    let n = if last { interval.high } else { interval.low };
    match n {
        Number::Int(_) => Some(n),
        Number::Float(_) => None,
    }
}

fn date_interval(low: PartialDate, high: PartialDate) -> Option<Interval> {
    Some(Interval {
        low: day_number(low, false)?,
        high: day_number(high, true)?,
    })
}

/// Words after which a year names a document: `the 1951 Refugee
/// Convention`, `the 1966 Covenant`.
const INSTRUMENTS: &[&str] = &[
    "convention",
    "conventions",
    "covenant",
    "protocol",
    "protocols",
    "agreement",
    "accord",
    "accords",
    "charter",
    "declaration",
    "treaty",
    "constitution",
    "census",
    "act",
    "statute",
];

/// Whether the year at `t` is part of a document's name.
fn names_document(toks: &[Token], t: usize) -> bool {
    (t + 1..(t + 4).min(toks.len()))
        .any(|k| matches!(&toks[k].tok, Tok::Word(w) if INSTRUMENTS.contains(&w.as_str())))
        && toks[t + 1..(t + 4).min(toks.len())]
            .iter()
            .take_while(|x| matches!(x.tok, Tok::Word(_)))
            .any(|x| matches!(&x.tok, Tok::Word(w) if INSTRUMENTS.contains(&w.as_str())))
}

fn is_year(num: &Num) -> bool {
    num.plain && num.digits == 4 && !num.ordinal && (1800.0..=2100.0).contains(&num.value)
}

fn year_of(tok: &Tok) -> Option<i32> {
    match tok {
        Tok::Num(n) if n.plain && n.digits == 4 && !n.ordinal && !n.decade => {
            n.int.map(|y| y as i32)
        }
        _ => None,
    }
}

fn day_of(tok: &Tok) -> Option<u32> {
    match tok {
        Tok::Num(n) if n.plain && n.digits <= 2 && !n.decade => {
            n.int.filter(|d| (1..=31).contains(d)).map(|d| d as u32)
        }
        _ => None,
    }
}

/// A date starting at token `t`: its last token and the date.
fn date_at(toks: &[Token], t: usize) -> Option<(usize, PartialDate)> {
    let tok = |k: usize| toks.get(k).map(|x| &x.tok);
    let punct =
        |k: usize, c: char| matches!(tok(k), Some(Tok::Punct(p)) if *p == c) && !toks[k].spaced;
    let date = |year: i32, month: Option<u32>, day: Option<u32>| {
        let d = PartialDate { year, month, day };
        d.first_day().map(|_| d)
    };
    // ISO: 1988-07-19, 1988-07.
    if let Some(Tok::Num(y)) = tok(t)
        && y.plain
        && y.digits == 4
        && punct(t + 1, '-')
        && let Some(Tok::Num(m)) = tok(t + 2)
        && m.plain
        && m.digits == 2
        && !toks[t + 2].spaced
        && let (Some(year), Some(month)) = (y.int, m.int)
    {
        if punct(t + 3, '-')
            && let Some(Tok::Num(d)) = tok(t + 4)
            && d.plain
            && d.digits == 2
            && !toks[t + 4].spaced
        {
            return Some((
                t + 4,
                date(year as i32, Some(month as u32), d.int.map(|d| d as u32))?,
            ));
        }
        if (1..=12).contains(&month) {
            return Some((t + 2, date(year as i32, Some(month as u32), None)?));
        }
    }
    // July 19, 1988 / July 1988 / July 19th 1988.
    if let Some(m) = tok(t).and_then(month) {
        let mut k = t + 1;
        if matches!(tok(k), Some(Tok::Punct('.'))) {
            k += 1;
        }
        let day = tok(k).and_then(day_of);
        if day.is_some() {
            let mut y = k + 1;
            if matches!(tok(y), Some(Tok::Punct(','))) {
                y += 1;
            }
            if let Some(year) = tok(y).and_then(year_of) {
                return Some((y, date(year, Some(m), day)?));
            }
            return None;
        }
        if let Some(year) = tok(k).and_then(year_of) {
            return Some((k, date(year, Some(m), None)?));
        }
        return None;
    }
    // 19 July 1988 / 19th of July, 1988.
    if let Some(day) = tok(t).and_then(day_of) {
        let mut k = t + 1;
        if matches!(tok(k), Some(Tok::Word(w)) if w == "of") {
            k += 1;
        }
        let m = tok(k).and_then(month)?;
        let mut y = k + 1;
        if matches!(tok(y), Some(Tok::Punct('.'))) {
            y += 1;
        }
        if matches!(tok(y), Some(Tok::Punct(','))) {
            y += 1;
        }
        let year = tok(y).and_then(year_of)?;
        return Some((y, date(year, Some(m), Some(day))?));
    }
    None
}

/// A day and month with no year (`19 July`, `July 19`): not a figure, but
/// its number is not a count either. Returns the last token.
fn yearless_date(toks: &[Token], t: usize) -> Option<usize> {
    let tok = |k: usize| toks.get(k).map(|x| &x.tok);
    let any_month = |k: usize| {
        tok(k).and_then(month).is_some()
            || matches!(tok(k), Some(Tok::Word(w)) if OTHER_MONTHS.contains(&w.as_str()))
    };
    if tok(t).and_then(day_of).is_some() {
        let k = if matches!(tok(t + 1), Some(Tok::Word(w)) if w == "of") {
            t + 2
        } else {
            t + 1
        };
        if any_month(k) {
            return Some(k);
        }
    }
    if any_month(t) {
        let k = if matches!(tok(t + 1), Some(Tok::Punct('.'))) {
            t + 2
        } else {
            t + 1
        };
        if tok(k).and_then(day_of).is_some() {
            return Some(k);
        }
    }
    None
}

/// A range of dates that share their year (or month and year) with the
/// date that ends it: `July to September 1988`, `July–August 1988`,
/// `21–22 July 1988`, `between 1 and 10 July 1988`, `1987–88`. Returns its
/// last token and its interval.
fn date_range(toks: &[Token], t: usize) -> Option<(usize, Interval)> {
    let tok = |k: usize| toks.get(k).map(|x| &x.tok);
    let joined =
        |k: usize| tok(k).is_some_and(is_joiner) && !matches!(tok(k), Some(Tok::Punct(',')));
    // `July to September 1988`.
    if let Some(m) = tok(t).and_then(month)
        && date_at(toks, t).is_none()
    {
        let k = if matches!(tok(t + 1), Some(Tok::Punct('.'))) {
            t + 2
        } else {
            t + 1
        };
        if joined(k)
            && let Some((last, end)) = date_at(toks, k + 1)
            && end.month.is_some()
        {
            let start = PartialDate {
                year: end.year,
                month: Some(m),
                day: None,
            };
            return date_interval(start, end).map(|i| (last, i));
        }
    }
    // `July 19–20, 1988`, `July 19 and 20, 1988`.
    if let Some(m) = tok(t).and_then(month) {
        let k = if matches!(tok(t + 1), Some(Tok::Punct('.'))) {
            t + 2
        } else {
            t + 1
        };
        if let Some(first) = tok(k).and_then(day_of)
            && joined(k + 1)
            && let Some(second) = tok(k + 2).and_then(day_of)
        {
            let mut y = k + 3;
            if matches!(tok(y), Some(Tok::Punct(','))) {
                y += 1;
            }
            if let Some(year) = tok(y).and_then(year_of) {
                let a = PartialDate {
                    year,
                    month: Some(m),
                    day: Some(first),
                };
                let b = PartialDate {
                    year,
                    month: Some(m),
                    day: Some(second),
                };
                a.first_day()?;
                b.first_day()?;
                return date_interval(a, b).map(|i| (y, i));
            }
        }
    }
    // `19 July to 5 August 1988`, `July 19 and August 5, 1988`.
    if let Some(end_first) = yearless_date(toks, t)
        && date_at(toks, t).is_none()
        && joined(end_first + 1)
        && let Some((last, end)) = date_at(toks, end_first + 2)
        && end.day.is_some()
    {
        let (day, m) = match (tok(t).and_then(day_of), tok(t).and_then(month)) {
            (Some(d), _) => (d, tok(end_first).and_then(month)),
            (None, Some(m)) => (tok(end_first).and_then(day_of).unwrap_or(1), Some(m)),
            _ => (1, None),
        };
        if let Some(m) = m {
            let start = PartialDate {
                year: end.year,
                month: Some(m),
                day: Some(day),
            };
            start.first_day()?;
            return date_interval(start, end).map(|i| (last, i));
        }
    }
    // `21–22 July 1988`.
    if tok(t).and_then(day_of).is_some()
        && let Some(d) = tok(t).and_then(day_of)
        && date_at(toks, t).is_none()
        && joined(t + 1)
        && let Some((last, end)) = date_at(toks, t + 2)
        && end.day.is_some()
    {
        let start = PartialDate {
            year: end.year,
            month: end.month,
            day: Some(d),
        };
        start.first_day()?;
        return date_interval(start, end).map(|i| (last, i));
    }
    // `1987–88` (but `1988-07` is July 1988).
    if date_at(toks, t).is_none_or(|(_, d)| d.month.is_none())
        && let Some(year) = tok(t).and_then(year_of)
        && (1800..=2100).contains(&year)
        && matches!(tok(t + 1), Some(Tok::Punct('–' | '-' | '—' | '/')))
        && !toks[t + 1].spaced
        && let Some(Tok::Num(n)) = tok(t + 2)
        && n.plain
        && n.digits == 2
        && !toks[t + 2].spaced
        && let Some(short) = n.int
    {
        let century = year - year % 100;
        let mut end = century + short as i32;
        if end < year {
            end += 100;
        }
        let (a, b) = (
            PartialDate {
                year,
                month: None,
                day: None,
            },
            PartialDate {
                year: end,
                month: None,
                day: None,
            },
        );
        return date_interval(a, b).map(|i| (t + 2, i));
    }
    None
}

/// A figure read from token `t`: its kind, interval, last token and whether
/// it is a date to the day.
struct Read {
    kind: Kind,
    low: Number,
    high: Number,
    last: usize,
    day: bool,
}

fn read_at(toks: &[Token], t: usize) -> Option<Read> {
    if let Some((last, date)) = date_at(toks, t) {
        let interval = date_interval(date, date)?;
        return Some(Read {
            kind: Kind::Date,
            low: interval.low,
            high: interval.high,
            last,
            day: date.day.is_some(),
        });
    }
    let Tok::Num(num) = &toks[t].tok else {
        return None;
    };
    if num.ordinal || named(toks, t) || timed(toks, t) {
        return None;
    }
    // `۱۳۶۷`: a year of the Solar Hijri (or Hijri) calendar, which is not
    // compared with the evidence's Gregorian dates.
    if num.native && num.plain && num.digits == 4 && (1300.0..1500.0).contains(&num.value) {
        return None;
    }
    if num.decade {
        let year = num.int? as i32;
        let interval = date_interval(
            PartialDate {
                year,
                month: None,
                day: None,
            },
            PartialDate {
                year: year + 9,
                month: None,
                day: None,
            },
        )?;
        return Some(Read {
            kind: Kind::Date,
            low: interval.low,
            high: interval.high,
            last: t,
            day: false,
        });
    }
    if num.glued_percent {
        let n = Number::Float(num.value);
        return Some(Read {
            kind: Kind::Percent,
            low: n,
            high: n,
            last: t,
            day: false,
        });
    }
    if num.factor != 1.0 {
        let n = Number::Float(num.value * num.factor);
        return Some(Read {
            kind: Kind::Count,
            low: n,
            high: n,
            last: t,
            day: false,
        });
    }
    if let Some(last) = percent(toks, t) {
        let n = Number::Float(num.value);
        return Some(Read {
            kind: Kind::Percent,
            low: n,
            high: n,
            last,
            day: false,
        });
    }
    if let Some((factor, last)) = scale(toks, t) {
        let n = Number::Float(num.value * factor);
        let last = percent(toks, last).unwrap_or(last);
        return Some(Read {
            kind: Kind::Count,
            low: n,
            high: n,
            last,
            day: false,
        });
    }
    if is_year(num) {
        if names_document(toks, t) {
            return None;
        }
        let year = num.int? as i32;
        let date = PartialDate {
            year,
            month: None,
            day: None,
        };
        let interval = date_interval(date, date)?;
        return Some(Read {
            kind: Kind::Date,
            low: interval.low,
            high: interval.high,
            last: t,
            day: false,
        });
    }
    let n = match num.int {
        Some(i) => Number::Int(i),
        None => Number::Float(num.value),
    };
    Some(Read {
        kind: Kind::Count,
        low: n,
        high: n,
        last: t,
        day: false,
    })
}

/// `n` times `factor` tenths.
fn widen(n: Number, tenths: f64) -> Number {
    match n {
        Number::Int(i) => Number::Float(i as f64 * tenths / 10.0),
        Number::Float(f) => Number::Float(f * tenths / 10.0),
    }
}

/// Every figure in a sentence.
pub fn figures(chars: &[Char]) -> Vec<Figure> {
    let toks = tokens(chars);
    let mut out = Vec::new();
    let mut t = 0;
    while t < toks.len() {
        if let Some((last, interval)) = date_range(&toks, t) {
            let (low, high) = (interval.low, interval.high);
            let interval = match qualifier_before(&toks, t, true) {
                Some(Qualifier::AtLeast) => Interval {
                    low,
                    high: Number::Float(f64::INFINITY),
                },
                Some(Qualifier::AtMost) => Interval {
                    low: Number::Float(f64::NEG_INFINITY),
                    high,
                },
                _ => interval,
            };
            out.push(Figure {
                kind: Kind::Date,
                interval,
                range: chars[toks[t].start].range.start..chars[toks[last].end - 1].range.end,
                notable: false,
                stated: interval,
            });
            t = last + 1;
            continue;
        }
        if let Some(last) = yearless_date(&toks, t)
            && date_at(&toks, t).is_none()
        {
            t = last + 1;
            continue;
        }
        if matches!(toks[t].tok, Tok::Num(_)) && named(&toks, t) {
            // `pp. 12–15`, `Articles 6 and 7`: every number of the run names.
            t += 1;
            while t + 1 < toks.len()
                && is_joiner(&toks[t].tok)
                && matches!(toks[t + 1].tok, Tok::Num(_))
            {
                t += 2;
            }
            // `resolution 2417 (2018)`: the year is part of the name.
            if matches!(toks.get(t).map(|x| &x.tok), Some(Tok::Punct('(')))
                && toks.get(t + 1).is_some_and(|x| year_of(&x.tok).is_some())
                && matches!(toks.get(t + 2).map(|x| &x.tok), Some(Tok::Punct(')')))
            {
                t += 3;
            }
            continue;
        }
        let Some(read) = read_at(&toks, t) else {
            t += 1;
            continue;
        };
        let first = t;
        let mut last = read.last;
        let (mut low, mut high) = (read.low, read.high);
        let date = read.kind == Kind::Date;
        // A range: `2,800–3,800`, `between 2,800 and 3,800`, `from 1988 to 1989`.
        let between = matches!(t.checked_sub(1).map(|k| &toks[k].tok), Some(Tok::Word(w)) if w == "between" || w == "from");
        let joiner = match toks.get(last + 1).map(|x| &x.tok) {
            Some(Tok::Punct('–' | '—' | '-' | '−')) => true,
            Some(Tok::Word(w)) if w == "to" || (between && w == "and") || w == "تا" => true,
            _ => false,
        };
        let mut ranged = false;
        if joiner
            && last + 2 < toks.len()
            && let Some(other) = read_at(&toks, last + 2)
            && other.kind == read.kind
            && (scale(&toks, last + 2).is_some() || read.low <= other.high)
        {
            // `between 2.5 and 3 million`: the scale of the second applies
            // to both.
            if let Tok::Num(first_num) = &toks[t].tok
                && scale(&toks, t).is_none()
                && percent(&toks, t).is_none()
                && let Some((factor, _)) = scale(&toks, last + 2)
            {
                low = Number::Float(first_num.value * factor);
            }
            high = other.high;
            last = other.last;
            ranged = true;
        } else if joiner
            && last + 2 < toks.len()
            && let Tok::Num(n) = &toks[last + 2].tok
            && read.kind != Kind::Date
            && (scale(&toks, last + 2).is_some() || Number::Float(n.value) >= read.low)
            && let Some((factor, end)) = scale(&toks, last + 2).or(Some((1.0, last + 2)))
        {
            // `2.5 to 3 million`: the scale of the second applies to both.
            let scale_first = scale(&toks, t).is_none() && factor != 1.0;
            if scale_first {
                low = widen(low, factor * 10.0);
            }
            let end = percent(&toks, end).unwrap_or(end);
            high = Number::Float(n.value * factor);
            last = end;
            ranged = true;
        }
        if !ranged {
            let qualifier = qualifier_before(&toks, first, date).or_else(|| {
                qualifier_after(&toks, last).map(|(q, end)| {
                    last = end;
                    q
                })
            });
            match qualifier {
                Some(Qualifier::About) if !date => {
                    low = widen(low, 9.0);
                    high = widen(high, 11.0);
                }
                Some(Qualifier::AtLeast) => high = Number::Float(f64::INFINITY),
                Some(Qualifier::AtMost) => low = Number::Float(f64::NEG_INFINITY),
                _ => {}
            }
        }
        let stated = Interval {
            low: read.low,
            high: read.high,
        };
        let notable = match read.kind {
            Kind::Percent => true,
            Kind::Date => read.day,
            Kind::Count => {
                high >= Number::Int(10) && high != Number::Float(f64::INFINITY)
                    || low >= Number::Int(10)
            }
        };
        out.push(Figure {
            kind: read.kind,
            interval: Interval { low, high },
            range: chars[toks[first].start].range.start..chars[toks[last].end - 1].range.end,
            notable,
            stated: if ranged {
                Interval { low, high }
            } else {
                stated
            },
        });
        t = last + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<Char> {
        text.char_indices()
            .map(|(i, ch)| Char {
                ch,
                range: i..i + ch.len_utf8(),
            })
            .collect()
    }

    /// Each figure as `text kind low..high`.
    fn read(text: &str) -> Vec<String> {
        figures(&chars(text))
            .into_iter()
            .map(|f| {
                let kind = match f.kind {
                    Kind::Count => "n",
                    Kind::Percent => "%",
                    Kind::Date => "d",
                };
                format!(
                    "{} {kind} {}..{}",
                    &text[f.range], f.interval.low, f.interval.high
                )
            })
            .collect()
    }

    fn day(y: i32, m: u32, d: u32) -> i64 {
        use chrono::Datelike;
        i64::from(
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .num_days_from_ce(),
        )
    }

    #[test]
    fn counts_with_separators_scales_and_scripts() {
        assert_eq!(read("Some 3,000 died"), ["3,000 n 2700..3300"]);
        assert_eq!(
            read("exactly 30,000 and 2.5 million"),
            ["30,000 n 30000..30000", "2.5 million n 2500000..2500000"]
        );
        assert_eq!(read("حدود ۳٬۰۰۰ نفر"), ["۳٬۰۰۰ n 2700..3300"]);
        assert_eq!(read("٣٠٠٠٠ شخص"), ["٣٠٠٠٠ n 30000..30000"]);
        assert_eq!(
            read("45% and 12.5 per cent"),
            ["45% % 45..45", "12.5 per cent % 12.5..12.5"]
        );
        assert_eq!(read("more than 30,000"), ["30,000 n 30000..inf"]);
        assert_eq!(read("fewer than 500"), ["500 n -inf..500"]);
        assert_eq!(
            read("between 2,800 and 3,800 people"),
            ["2,800 and 3,800 n 2800..3800"]
        );
        assert_eq!(read("2,800–3,800 people"), ["2,800–3,800 n 2800..3800"]);
        assert_eq!(
            read("over 30 000 and 1 234 567, not 1988 300"),
            [
                "30 000 n 30000..inf",
                "1 234 567 n 1234567..1234567",
                "1988 d 725737..726102",
                "300 n 300..300"
            ]
        );
        assert!(read("a 3-year-old and a 10-day wait").is_empty());
        assert_eq!(read("30,000 or more"), ["30,000 or more n 30000..inf"]);
    }

    #[test]
    fn names_ordinals_times_and_units_are_not_figures() {
        assert!(
            read(
                "Article 6 of Resolution 2231, p. 12, COVID-19, G20, the 25th, at 10:30, 5km, § 4"
            )
            .is_empty()
        );
    }

    #[test]
    fn dates_in_english_and_iso() {
        let july = format!("{}..{}", day(1988, 7, 1), day(1988, 7, 31));
        let the19 = format!("{0}..{0}", day(1988, 7, 19));
        assert_eq!(read("in July 1988"), [format!("July 1988 d {july}")]);
        assert_eq!(read("on 19 July 1988"), [format!("19 July 1988 d {the19}")]);
        assert_eq!(
            read("on July 19, 1988"),
            [format!("July 19, 1988 d {the19}")]
        );
        assert_eq!(read("on 1988-07-19"), [format!("1988-07-19 d {the19}")]);
        assert_eq!(
            read("in 1988"),
            [format!("1988 d {}..{}", day(1988, 1, 1), day(1988, 12, 31))]
        );
        assert_eq!(read("on 19 July they"), Vec::<String>::new());
        assert_eq!(
            read("the 1980s"),
            [format!(
                "1980s d {}..{}",
                day(1980, 1, 1),
                day(1989, 12, 31)
            )]
        );
    }

    #[test]
    fn ranges_of_dates_times_locators_and_other_calendars() {
        let span = |a: (i32, u32, u32), b: (i32, u32, u32)| {
            format!("{}..{}", day(a.0, a.1, a.2), day(b.0, b.1, b.2))
        };
        assert_eq!(
            read("from July to September 1988"),
            [format!(
                "July to September 1988 d {}",
                span((1988, 7, 1), (1988, 9, 30))
            )]
        );
        assert_eq!(
            read("in July–August 1988"),
            [format!(
                "July–August 1988 d {}",
                span((1988, 7, 1), (1988, 8, 31))
            )]
        );
        assert_eq!(
            read("on 21–22 July 1988"),
            [format!(
                "21–22 July 1988 d {}",
                span((1988, 7, 21), (1988, 7, 22))
            )]
        );
        assert_eq!(
            read("between 1 and 10 July 1988"),
            [format!(
                "1 and 10 July 1988 d {}",
                span((1988, 7, 1), (1988, 7, 10))
            )]
        );
        assert_eq!(
            read("in 1987–88"),
            [format!("1987–88 d {}", span((1987, 1, 1), (1988, 12, 31)))]
        );
        assert_eq!(
            read("in the 1980's"),
            [format!("1980's d {}", span((1980, 1, 1), (1989, 12, 31)))]
        );
        // Times, locator runs, a day and month, '88, Solar Hijri dates.
        assert!(
            read("At 11 p.m. on Jan. 5, as pp. 12–15 and Articles 6 and 7 and n. 12 and §§ 3–4 show, in '88")
                .is_empty()
        );
        assert!(read("در ۲۸ تیر ۱۳۶۷ و تابستان ۱۳۶۷، قطعنامه ۲۲۳۱").is_empty());
        assert_eq!(
            read("۲۰ ژوئیه ۱۹۸۸"),
            [format!(
                "۲۰ ژوئیه ۱۹۸۸ d {}",
                span((1988, 7, 20), (1988, 7, 20))
            )]
        );
        // A word that names only names a plain number.
        assert_eq!(
            read("in the first phase 12,000 died"),
            ["12,000 n 12000..12000"]
        );
        assert_eq!(read("in stage 2 45% died"), ["45% % 45..45"]);
        // A descending pair is no range.
        assert_eq!(read("the vote was 12 to 3"), ["12 n 12..12", "3 n 3..3"]);
    }

    #[test]
    fn names_with_decimals_us_and_cross_month_ranges_and_glued_scales() {
        let span = |a: (i32, u32, u32), b: (i32, u32, u32)| {
            format!("{}..{}", day(a.0, a.1, a.2), day(b.0, b.1, b.2))
        };
        assert!(
            read("Section 4.2, Figure 2.1, Goal 2, SDG 16, Target 16.2, resolution 2417 (2018), the 1951 Refugee Convention, on 16.04.2024")
                .is_empty()
        );
        assert_eq!(
            read("On July 19–20, 1988"),
            [format!(
                "July 19–20, 1988 d {}",
                span((1988, 7, 19), (1988, 7, 20))
            )]
        );
        assert_eq!(
            read("from 19 July to 5 August 1988"),
            [format!(
                "19 July to 5 August 1988 d {}",
                span((1988, 7, 19), (1988, 8, 5))
            )]
        );
        assert_eq!(
            read("between July 19 and August 5, 1988"),
            [format!(
                "July 19 and August 5, 1988 d {}",
                span((1988, 7, 19), (1988, 8, 5))
            )]
        );
        assert_eq!(
            read("$3.7bn, 71m people, 45pc"),
            [
                "3.7bn n 3700000000..3700000000",
                "71m n 71000000..71000000",
                "45pc % 45..45"
            ]
        );
        // The value as written, before its qualifier.
        let f = &figures(&chars("more than 12 cities"))[0];
        assert_eq!(
            f.stated,
            Interval {
                low: Number::Int(12),
                high: Number::Int(12)
            }
        );
    }

    #[test]
    fn notable_figures() {
        let notable = |t: &str| figures(&chars(t)).iter().any(|f| f.notable);
        assert!(notable("Around 4,500 families"));
        assert!(notable("5% of them"));
        assert!(notable("on 19 July 1988"));
        assert!(!notable("in 1988"));
        assert!(!notable("in July 1988"));
        assert!(!notable("three or 4 people"));
    }
}
