//! Figures' raw material: a sentence's characters as words, numbers (in
//! Latin, Arabic-Indic or Persian digits, with their separators, decimals
//! and glued suffixes) and punctuation.

use crate::report::sentence::Char;

/// A word, a number or a punctuation mark, with the indices of its first
/// and last characters in the sentence.
#[derive(Debug, Clone)]
pub(super) enum Tok {
    Word(String),
    Num(Num),
    Punct(char),
    /// A number that names something (`Article 6`, `25th`, `10:30`).
    Name,
}

#[derive(Debug, Clone)]
pub(super) struct Num {
    /// Integer part, if it fits.
    pub(super) int: Option<i64>,
    /// The value.
    pub(super) value: f64,
    /// Digits in the integer part.
    pub(super) digits: usize,
    /// Written without separators or decimals.
    pub(super) plain: bool,
    /// Followed by `st`, `nd`, `rd` or `th`.
    pub(super) ordinal: bool,
    /// `1980s`.
    pub(super) decade: bool,
    /// Written in Arabic-Indic or Persian digits.
    pub(super) native: bool,
    /// Written with separators of thousands.
    pub(super) grouped: bool,
    /// A scale glued on (`3.7bn`, `71m`, `5k`), 1 without.
    pub(super) factor: f64,
    /// `45pc`.
    pub(super) glued_percent: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) start: usize,
    pub(super) end: usize,
    /// White space before it.
    pub(super) spaced: bool,
}

/// The value of a decimal digit in Latin, Arabic-Indic or Persian script.
pub(super) fn digit(c: char) -> Option<u32> {
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
pub(super) fn is_group(c: char) -> bool {
    matches!(
        c,
        ',' | '٬' | '\u{202F}' | '\u{2009}' | '\u{A0}' | '\'' | '’'
    )
}

pub(super) fn tokens(chars: &[Char]) -> Vec<Token> {
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

pub(super) fn is_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}
