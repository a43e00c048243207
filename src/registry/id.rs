//! The ID rules, which are Pandoc's for citation keys: an ID starts with a
//! letter, digit or `_`, then letters, digits, `_` and internal punctuation
//! (`: . # $ % & - + ? < > ~ /`, each followed by a letter, digit or `_`; `:`
//! and `/` also before another `/`). Letters and digits are Unicode letters
//! and numbers, as Pandoc counts them. IDs are case-sensitive.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Why an ID breaks the rules, or `None` when it is valid.
pub fn check(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("an ID cannot be empty".into());
    }
    let len = key_len(id);
    if len == id.len() && !id.starts_with('*') {
        return None;
    }
    Some(problem(id, len))
}

/// What keeps `id` from being an ID, given that its first `valid` bytes read
/// as one.
fn problem(id: &str, valid: usize) -> String {
    if id == "*" {
        return "`*` stands for every source only in `nocite`".into();
    }
    let first = id.chars().next().unwrap_or(' ');
    if valid == 0 || first == '*' {
        return format!(
            "an ID starts with a letter, digit or `_`, not `{}`",
            first.escape_debug()
        );
    }
    let bad = id[valid..].chars().next().unwrap_or(' ');
    if is_internal(bad) || bad == '/' || bad == ':' {
        format!(
            "`{bad}` may only stand between letters or digits in an ID (IDs follow Pandoc's citation keys)"
        )
    } else {
        format!(
            "`{}` cannot be part of an ID (IDs use letters, digits, `_` and `: . # $ % & - + ? < > ~ /` between them)",
            bad.escape_debug()
        )
    }
}

/// A letter or number, as Pandoc (Haskell's `isAlphaNum`) counts them.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    )
}

/// A character that may end an ID and stand anywhere in it.
pub fn is_regular(c: char) -> bool {
    is_alphanumeric(c) || c == '_'
}

/// Punctuation allowed inside an ID, before a regular character.
pub fn is_internal(c: char) -> bool {
    matches!(
        c,
        ':' | '.' | '#' | '$' | '%' | '&' | '-' | '+' | '?' | '<' | '>' | '~' | '/'
    )
}

/// The length in bytes of the citation key at the start of `text`, as
/// Pandoc reads it after `@` (a first `*` included, as in `@*`); 0 when none.
pub fn key_len(text: &str) -> usize {
    let mut chars = text.char_indices().peekable();
    match chars.next() {
        Some((_, c)) if is_regular(c) || c == '*' => {}
        _ => return 0,
    }
    let mut end = text.chars().next().map_or(0, char::len_utf8);
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let keep = is_regular(c)
            || (is_internal(c) && next.is_some_and(is_regular))
            || (matches!(c, ':' | '/') && next == Some('/'));
        if !keep {
            break;
        }
        end = at + c.len_utf8();
    }
    end
}

/// The length in bytes of a braced key `{…}` at the start of `text`: balanced
/// braces around characters that are not white space to Pandoc (none, for Pandoc's
/// empty key `@{}`); 0 when there is none.
pub fn braced_len(text: &str) -> usize {
    if !text.starts_with('{') {
        return 0;
    }
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            // What Pandoc's Haskell `isSpace` calls white space: not line or
            // paragraph separators, not NEL. A lone carriage return, which
            // Pandoc deletes, is kept so that the key is reported.
            '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {}
            c if c.is_whitespace() => return 0,
            _ => {}
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::{braced_len, check, key_len};

    #[test]
    fn follows_the_contract() {
        for ok in [
            "toll-1988",
            "a",
            "ncri_us.2021",
            "un:2020",
            "A1",
            "_a",
            "a_",
            "گزارش-۱۳۶۷",
            "пункт3",
            "a+b",
            "averroes/bland",
            "a//b",
            "https://openreview.net/forum?id",
            "Müller2020",
        ] {
            assert_eq!(check(ok), None, "{ok}");
        }
        for bad in ["", "-a", "a-", "a b", "a.", "*", "*a", "a=b", "a--b", "{a}"] {
            assert!(check(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn reads_keys_like_pandoc() {
        let cases = [
            ("a+b]", "a+b"),
            ("a:b:", "a:b"),
            ("a.b.", "a.b"),
            ("a?", "a"),
            ("a-", "a"),
            ("a//b", "a//b"),
            ("a/b/", "a/b"),
            (
                "https://openreview.net/forum?id=X",
                "https://openreview.net/forum?id",
            ),
            ("_a", "_a"),
            ("*", "*"),
            ("пункт3]", "пункт3"),
            ("-a", ""),
            ("é", "é"),
        ];
        for (text, key) in cases {
            assert_eq!(&text[..key_len(text)], key, "{text}");
        }
        assert_eq!(braced_len("{foo}"), 5);
        assert_eq!(braced_len("{a{b}c}d"), 7);
        assert_eq!(braced_len("{a b}"), 0);
        assert_eq!(braced_len("{}"), 2);
        assert_eq!(braced_len("{a"), 0);
    }
}
