//! The form quotes and captures are compared in: Unicode NFKC, full case
//! folding, one kind of quote mark, apostrophe and dash, collapsed white
//! space, words joined again across line-end hyphens.

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

/// Normalised text with the byte offset in the original of each byte.
pub(super) struct Normal {
    pub(super) text: String,
    pub(super) at: Vec<usize>,
}

/// The parts of a quote between its ellipses, normalised.
pub(super) fn parts(quote: &str) -> Vec<String> {
    let mut text = quote.to_string();
    for gap in ["[…]", "[...]", "(…)", "(...)", "..."] {
        text = text.replace(gap, "…");
    }
    text.split('…')
        .map(|p| normalise(p, false).text.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{2E3A}'
                | '\u{2E3B}'
    )
}

/// One form for each kind of mark: every quote mark and apostrophe is `'`.
fn unify(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{B4}'
        | '\u{2039}' | '\u{203A}' | '\u{02BC}' => '\'',
        // A quotation inside a quote often changes double marks to single.
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{AB}'
        | '\u{BB}' | '\u{301D}' | '\u{301E}' => '\'',
        '\u{AD}' | '\u{200B}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => return None,
        // Persian and Arabic spellings of one letter, a zero-width
        // non-joiner typed as a space, and digits in either script.
        '\u{64A}' | '\u{649}' | '\u{6D2}' => '\u{6CC}',
        '\u{643}' => '\u{6A9}',
        '\u{200C}' => ' ',
        '\u{660}'..='\u{669}' => char::from_u32(c as u32 - 0x660 + '0' as u32).unwrap_or(c),
        '\u{6F0}'..='\u{6F9}' => char::from_u32(c as u32 - 0x6F0 + '0' as u32).unwrap_or(c),
        c if is_dash(c) => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// NFKC, case folding, unified marks, collapsed white space; a hyphen
/// between letters is dropped, and so is a hyphen at a line's end before a
/// letter with the line break (in a capture, `line_ends` is true), so
/// `well-known`, `well-\nknown` and `wellknown` compare equal.
pub(super) fn normalise(text: &str, line_ends: bool) -> Normal {
    // First pass: unified characters with their offsets.
    let mut chars: Vec<(char, usize)> = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            if let Some(u) = unify(c.to_ascii_lowercase()) {
                chars.push((u, at));
            }
            continue;
        }
        let mut buffer = [0u8; 4];
        let single: &str = c.encode_utf8(&mut buffer);
        for n in single.nfkc().default_case_fold() {
            if let Some(u) = unify(n) {
                chars.push((u, at));
            }
        }
    }
    let mut out = Normal {
        text: String::with_capacity(chars.len()),
        at: Vec::with_capacity(chars.len()),
    };
    let mut i = 0;
    let mut last: Option<char> = None;
    while i < chars.len() {
        let (c, at) = chars[i];
        if c == '-' && last.is_some_and(char::is_alphabetic) {
            // A hyphen right after a letter: dropped if a letter follows,
            // directly or (in a capture) across a line break.
            let mut j = i + 1;
            if line_ends {
                let mut broke = false;
                while j < chars.len() && chars[j].0 == ' ' {
                    broke |= text[chars[j].1..].starts_with(['\n', '\r']);
                    j += 1;
                }
                if !broke {
                    j = i + 1;
                }
            }
            if chars.get(j).is_some_and(|n| n.0.is_alphabetic()) {
                i = j;
                continue;
            }
        }
        if c == ' ' && (last.is_none() || last == Some(' ')) {
            i += 1;
            continue;
        }
        let mut buffer = [0u8; 4];
        for _ in 0..c.encode_utf8(&mut buffer).len() {
            out.at.push(at);
        }
        out.text.push(c);
        last = Some(c);
        i += 1;
    }
    if out.text.ends_with(' ') {
        out.text.pop();
        out.at.pop();
    }
    out
}
