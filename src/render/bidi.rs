//! Text of one direction inside text of the other. The Unicode
//! bidirectional algorithm orders a line by its characters alone, so a
//! Latin citation inside a Persian sentence loses its parenthesis and
//! locator to the Persian around it. What dossier writes itself is set
//! apart in a right-to-left report: each citation is a first-strong
//! isolate (U+2068 … U+2069), laid out in the direction of its own first
//! letter; and each entry of the list of sources is set in the direction
//! of its first letter, in any report.

use serde_json::Value;
use unicode_bidi::BidiClass;

/// Whether Typst sets the language `tag` (`fa`, `ar-EG`) right to left.
pub fn language_rtl(tag: &str) -> bool {
    std::str::FromStr::from_str(tag.split(['-', '_']).next().unwrap_or(tag))
        .is_ok_and(|l: typst::text::Lang| l.dir() == typst::layout::Dir::RTL)
}

/// The direction of the first strong letter of `text`: `Some(true)` for
/// right to left, `None` when it has no letter of either.
pub fn first_strong(text: &str) -> Option<bool> {
    text.chars()
        .find_map(|c| match unicode_bidi::bidi_class(c) {
            BidiClass::L => Some(false),
            BidiClass::R | BidiClass::AL => Some(true),
            _ => None,
        })
}

/// The direction of the first strong letter of formatted runs (a string,
/// a list of runs, or a run whose text is `t` or whose runs are `b`).
pub fn runs_first_strong(value: &Value) -> Option<bool> {
    match value {
        Value::String(text) => first_strong(text),
        Value::Array(items) => items.iter().find_map(runs_first_strong),
        Value::Object(run) => ["t", "b"]
            .iter()
            .filter_map(|key| run.get(*key))
            .find_map(runs_first_strong),
        _ => None,
    }
}

/// Typst markup that sets `markup` apart as a first-strong isolate.
pub fn isolated(markup: &str) -> String {
    format!("#\"\\u{{2068}}\";{markup}#\"\\u{{2069}}\";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_come_from_the_language_and_the_first_letter() {
        assert!(language_rtl("fa") && language_rtl("ar-EG") && !language_rtl("en"));
        assert_eq!(first_strong("(2018) Amnesty"), Some(false));
        assert_eq!(first_strong("«نامه‌ها» Letters"), Some(true));
        assert_eq!(first_strong("(2018, 12)"), None);
        let runs = |v| runs_first_strong(&v);
        assert_eq!(
            runs(serde_json::json!([" ", {"t": "نامه", "f": "i"}, "A"])),
            Some(true)
        );
        assert_eq!(
            runs(serde_json::json!(["(", {"k": "ایران", "b": ["Amnesty"]}])),
            Some(false)
        );
    }
}
