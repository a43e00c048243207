//! Locators: where in a source a citation points, such as `p. 4`,
//! `pp. 33-35, 38` or `para. 4`, split from the rest of a citation's suffix.

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
    // A locator in braces is taken as written, braces off, as Pandoc takes
    // one it could not read otherwise: `[@a, {ii, A, D-Z}]`.
    if let Some(inner) = s.strip_prefix('{')
        && let Some(close) = balanced_close(inner)
    {
        let suffix = inner[close + 1..].trim_start();
        let suffix = suffix.strip_prefix(',').unwrap_or(suffix).trim();
        return (non_empty(inner[..close].trim()), non_empty(suffix));
    }
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

/// Where the brace that closes an opened one stands in `text`, counting
/// braces opened inside.
fn balanced_close(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(at),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
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
            (", {ii, 5}", Some("ii, 5"), None),
            (
                ", {ii, A, D-Z}, emphasis added",
                Some("ii, A, D-Z"),
                Some("emphasis added"),
            ),
            (", {Bk. {3}}", Some("Bk. {3}"), None),
            (", {unclosed", None, Some("{unclosed")),
        ];
        for (input, loc, suffix) in cases {
            let (l, s) = locator(input);
            assert_eq!((l.as_deref(), s.as_deref()), (loc, suffix), "{input:?}");
        }
    }
}
