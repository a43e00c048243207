//! `quote-mismatch`: an evidence quote must be in its source's capture. The
//! capture's text is read as a reader sees it (HTML without tags, scripts
//! and styles, entities decoded; a PDF's text; other files as text), and
//! both sides are compared after Unicode NFKC, full case folding, one kind
//! of quote mark, apostrophe and dash, collapsed white space and words
//! joined again across line-end hyphens. `…` (or `...`, `[…]`) in a quote
//! stands for any text between its parts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Files, display_name};
use crate::registry::{Registry, Source};

mod formats;
mod text;

pub use self::formats::html_text;
use self::formats::{logical_order, pdf_text};
use self::text::{Normal, normalise, parts};

/// A capture's text, ready to search.
pub struct Capture {
    /// Where it was read from.
    pub path: PathBuf,
    /// The text a reader sees.
    text: String,
    /// For text read from HTML: where each stretch starts in `text`, and
    /// its line in the page.
    lines: Option<Vec<(usize, usize)>>,
    /// Normalised, for comparing.
    folded: Normal,
    /// A PDF's right-to-left lines in reading order, when they were read in
    /// the order they are drawn.
    logical: Option<Box<Capture>>,
}

/// Where a quote was found in a capture, or the passage closest to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The quote is there.
    Found {
        /// The line of the capture's text it starts on.
        line: usize,
    },
    /// It is not.
    Missing {
        /// The closest passage and its line, if any passage shares a word
        /// with the quote.
        closest: Option<(usize, String)>,
    },
}

/// Reads the capture of a source, if it has one: `None` without a
/// capture, an error when the file cannot be read (`capture-mismatch` says
/// so).
pub fn read(source: &Source, files: &Files) -> Option<std::io::Result<Capture>> {
    let path = super::capture_path(source, files)?;
    Some(Capture::read(&path))
}

/// Whether a quote was found in its source's capture, as `show` and the
/// annex tell it.
#[derive(Debug, Clone, PartialEq)]
pub enum Verification {
    /// The source has no capture: the quote is unverified.
    NoCapture,
    /// The capture cannot be read.
    Unreadable(String),
    /// Looked for in the capture at `path` (as written in the registry).
    Checked {
        /// The capture, as the registry names it.
        path: String,
        /// What was found.
        finding: Finding,
    },
}

/// Looks for one quote in the capture of its source; `captures` keeps
/// each source's capture once read.
pub fn verify<'r>(
    source: &'r Source,
    quote: &str,
    files: &Files,
    captures: &mut HashMap<&'r str, Option<Result<Capture, String>>>,
) -> Verification {
    let capture = captures
        .entry(source.id.value.as_str())
        .or_insert_with(|| read(source, files).map(|r| r.map_err(|e| e.to_string())));
    match capture {
        None => Verification::NoCapture,
        Some(Err(error)) => Verification::Unreadable(error.clone()),
        Some(Ok(capture)) => Verification::Checked {
            path: source
                .capture
                .as_ref()
                .map_or_else(String::new, |c| c.value.clone()),
            finding: capture.find(quote),
        },
    }
}

impl Capture {
    /// Reads a capture file as text: HTML, PDF or plain text.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let bytes = crate::diag::read_bytes(path)?;
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if extension == "pdf" || bytes.starts_with(b"%PDF-") {
            let text = pdf_text(&bytes)?;
            let logical = logical_order(&text);
            let mut capture = Self::from_text(path.to_path_buf(), text);
            capture.logical = logical.map(|t| Box::new(Self::from_text(path.to_path_buf(), t)));
            return Ok(capture);
        }
        let text = String::from_utf8_lossy(&bytes);
        if matches!(extension.as_str(), "html" | "htm" | "xhtml")
            || head.starts_with("<!doctype html")
            || head.starts_with("<html")
        {
            let (text, lines) = html_text(&text);
            let mut capture = Self::from_text(path.to_path_buf(), text);
            capture.lines = Some(lines);
            return Ok(capture);
        }
        Ok(Self::from_text(path.to_path_buf(), text.into_owned()))
    }

    fn from_text(path: PathBuf, text: String) -> Self {
        let folded = normalise(&text, true);
        Self {
            path,
            text,
            lines: None,
            folded,
            logical: None,
        }
    }

    /// Looks for a quote.
    pub fn find(&self, quote: &str) -> Finding {
        let found = self.find_here(quote);
        match (&found, &self.logical) {
            (Finding::Missing { closest }, Some(logical)) => match logical.find_here(quote) {
                Finding::Missing { closest: other } if closest.is_some() || other.is_none() => {
                    found
                }
                other => other,
            },
            _ => found,
        }
    }

    fn find_here(&self, quote: &str) -> Finding {
        let parts = parts(quote);
        if !parts.iter().any(|p| p.chars().any(char::is_alphanumeric)) {
            // `…` alone, or punctuation: nothing that could be verified.
            return Finding::Missing { closest: None };
        }
        let mut from = 0;
        let mut first = None;
        for part in &parts {
            match self.folded.text[from..].find(part.as_str()) {
                Some(at) => {
                    first.get_or_insert(from + at);
                    from += at + part.len();
                }
                None => {
                    return Finding::Missing {
                        closest: self.closest(&parts.join(" ")),
                    };
                }
            }
        }
        let at = first.map_or(0, |f| self.folded.at.get(f).copied().unwrap_or(0));
        Finding::Found {
            line: self.line(at),
        }
    }

    /// The line of the capture file that the text at byte `at` comes from.
    fn line(&self, at: usize) -> usize {
        match &self.lines {
            Some(lines) => {
                let i = lines.partition_point(|&(start, _)| start <= at);
                lines.get(i.saturating_sub(1)).map_or(1, |&(_, line)| line)
            }
            None => self.text[..at.min(self.text.len())].matches('\n').count() + 1,
        }
    }

    /// The passage of as many words as the quote that shares most words
    /// with it.
    fn closest(&self, quote: &str) -> Option<(usize, String)> {
        let bare =
            |w: &str| -> String { w.trim_matches(|c: char| !c.is_alphanumeric()).to_string() };
        let wanted: Vec<String> = quote
            .split(' ')
            .map(bare)
            .filter(|w| !w.is_empty())
            .collect();
        if wanted.is_empty() {
            return None;
        }
        let mut need: HashMap<&str, i64> = HashMap::new();
        for w in &wanted {
            *need.entry(w.as_str()).or_default() += 1;
        }
        // The capture's words with their byte ranges in `folded`.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in self.folded.text.char_indices() {
            match (c == ' ', start) {
                (true, Some(s)) => {
                    words.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push((s, self.folded.text.len()));
        }
        // Dashes and other marks standing alone are not words.
        words.retain(|&(s, e)| self.folded.text[s..e].chars().any(char::is_alphanumeric));
        let word = |k: usize| {
            self.folded.text[words[k].0..words[k].1].trim_matches(|c: char| !c.is_alphanumeric())
        };
        let n = wanted.len();
        let mut have: HashMap<&str, i64> = HashMap::new();
        let mut score = 0i64;
        // The bag score of the window starting at each word.
        let mut scores = vec![0i64; words.len()];
        for k in 0..words.len() {
            let w = word(k);
            if let Some(&limit) = need.get(w) {
                let count = have.entry(w).or_default();
                *count += 1;
                if *count <= limit {
                    score += 1;
                }
            }
            if k >= n {
                let old = word(k - n);
                if let Some(&limit) = need.get(old) {
                    let count = have.entry(old).or_default();
                    if *count <= limit {
                        score -= 1;
                    }
                    *count -= 1;
                }
            }
            let first = (k + 1).saturating_sub(n);
            scores[first] = scores[first].max(score);
        }
        let top = scores.iter().copied().max().unwrap_or(0);
        if top == 0 {
            return None;
        }
        // Among the windows sharing most words, the one with most words in
        // the quote's order.
        let in_place = |first: usize| {
            (0..n)
                .filter(|&j| first + j < words.len() && word(first + j) == wanted[j])
                .count()
        };
        // On repetitive text many windows tie: the first few hundred do.
        let best = (0..words.len())
            .filter(|&k| scores[k] == top)
            .take(200)
            .max_by_key(|&k| (in_place(k), std::cmp::Reverse(k)))
            .map(|k| (top, k))
            .unwrap_or((0, 0));
        let first = best.1;
        let last = (first + n - 1).min(words.len() - 1);
        let start = self.folded.at[words[first].0];
        let end_byte = words[last].1 - 1;
        let end = self.folded.at[end_byte];
        let end = end + self.text[end..].chars().next().map_or(0, char::len_utf8);
        let passage: String = self.text[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some((self.line(start), passage))
    }
}

/// Checks every quote of every claim against its source's capture.
pub fn quote_mismatch(
    registry: &Registry,
    files: &Files,
    internal: bool,
    out: &mut Vec<Diagnostic>,
) {
    let mut captures: HashMap<&str, Option<Capture>> = HashMap::new();
    for claim in registry.claims.values() {
        for evidence in &claim.evidence {
            let Some(quote) = &evidence.quote else {
                continue;
            };
            let Some(source) = registry.sources.get(&evidence.source.value) else {
                continue;
            };
            let capture = captures
                .entry(source.id.value.as_str())
                .or_insert_with(|| read(source, files).and_then(Result::ok));
            let Some(capture) = capture else {
                continue;
            };
            let Finding::Missing { closest } = capture.find(&quote.value) else {
                continue;
            };
            let name = display_name(&capture.path);
            let help = match closest {
                // A public check never prints a confidential source's text.
                Some(_) if source.is_confidential() && !internal => {
                    "the closest passage is not shown, since the source is confidential (`--internal` shows it)".to_string()
                }
                Some((line, passage)) => format!(
                    "the closest passage of the capture (line {line}) reads: “{}”",
                    shorten(&passage)
                ),
                None if !quote.value.chars().any(char::is_alphanumeric) => {
                    "the quote holds no words to look for: quote the source's own words".to_string()
                }
                None => "no passage of the capture shares a word with the quote".to_string(),
            };
            out.push(
                Diagnostic::new(
                    Code::QuoteMismatch,
                    format!(
                        "the quote from `{}` is not in its capture {name}",
                        source.id.value
                    ),
                )
                .at(quote.span.clone())
                .with_help(help),
            );
        }
    }
}

/// At most 300 characters of a passage.
fn shorten(passage: &str) -> String {
    if passage.chars().count() <= 300 {
        return passage.to_string();
    }
    let cut: String = passage.chars().take(299).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(text: &str) -> Capture {
        Capture::from_text(PathBuf::from("c.txt"), text.to_string())
    }

    #[test]
    fn quotes_match_after_normalising() {
        let c = capture(
            "The “death commission” was formed\non July 19, 1988 — by the\nIranian re-\ngime’s well-known leaders.",
        );
        for quote in [
            "The \"death commission\" was formed on July 19, 1988",
            "THE \"DEATH COMMISSION\" WAS",
            "formed on July 19, 1988 - by the Iranian regime's",
            "the Iranian regime’s well-known leaders",
            "The “death commission” … Iranian regime’s",
        ] {
            assert!(matches!(c.find(quote), Finding::Found { .. }), "{quote}");
        }
        assert_eq!(
            c.find("by the Iranian regime’s"),
            Finding::Found { line: 2 }
        );
        // NFKC: a ligature and a full-width digit are their plain letters.
        assert!(matches!(
            capture("the ﬁnal ２ days").find("The final 2 days"),
            Finding::Found { .. }
        ));
    }

    #[test]
    fn a_one_word_edit_is_missing_with_the_closest_passage() {
        let c = capture(
            "Some words first.\nThe brutal murder of over 30,000 political prisoners by the Iranian regime in 1988.\nMore after.",
        );
        let found = c
            .find("the brutal murder of over 30,000 political prisoners by the Iranian parliament");
        let Finding::Missing {
            closest: Some((line, passage)),
        } = found
        else {
            panic!("{found:?}");
        };
        assert_eq!(line, 2);
        assert_eq!(
            passage,
            "The brutal murder of over 30,000 political prisoners by the Iranian regime"
        );
        assert!(matches!(
            c.find("Some words … in 1988 … after"),
            Finding::Found { .. }
        ));
        assert!(
            matches!(c.find("in 1988 … Some words"), Finding::Missing { .. }),
            "parts keep their order"
        );
    }

    #[test]
    fn persian_spellings_digits_and_repetitive_text() {
        // Arabic yeh and kaf, a zero-width non-joiner and Persian digits in
        // the capture; Persian letters, a space and Latin digits in the quote.
        let c = capture("زنداني اوين و گوهردشت: اعدام\u{200c}های ۱۳۶۷");
        assert!(matches!(
            c.find("زندانی اوین و گوهردشت: اعدام های 1367"),
            Finding::Found { .. }
        ));
        // Many tied windows: the search stays short.
        let c = capture(&"a b ".repeat(20_000));
        let quote = "a b ".repeat(2_000) + "c";
        let started = std::time::Instant::now();
        assert!(matches!(
            c.find(&quote),
            Finding::Missing { closest: Some(_) }
        ));
        assert!(started.elapsed().as_secs() < 20);
    }

    #[test]
    fn html_text_leaves_out_tags_scripts_and_styles() {
        let (text, _) = html_text(
            "<html><head><style>p{}</style><script>var x='the regime';</script></head><body><p>A &amp; B&nbsp;said <b>the</b> regime</p><script>hidden()</script></body></html>",
        );
        assert!(text.contains("A & B\u{a0}said the regime"), "{text:?}");
        assert!(!text.contains("hidden") && !text.contains("var x"));
    }

    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "the",
        "prisoners",
        "were",
        "hanged",
        "in",
        "groups",
        "Khomeini’s",
        "“fatwa”",
        "1988",
        "30,000",
        "regime",
        "well-known",
        "Evin",
        "prison",
        "death",
        "commission",
        "ﬁnal",
        "—",
        "families",
        "graves",
    ];

    proptest! {
        #![proptest_config(crate::testing::config())]

        /// Any run of the capture's words, written as a writer would copy
        /// it (another case, straight marks, single spaces, unbroken
        /// words), is found; with one word changed to one the capture does
        /// not hold, it is missing and the closest passage is where it was.
        #[test]
        fn a_copied_passage_is_found_and_a_changed_one_is_not(
            words in prop::collection::vec(prop::sample::select(WORDS.to_vec()), 8..60),
            breaks in prop::collection::vec(0u8..6, 60),
            start in 0usize..50,
            len in 3usize..12,
            changed in 0usize..12,
            upper in any::<bool>(),
        ) {
            // The capture: words separated by spaces, line breaks and, now
            // and then, a word hyphenated across a line end.
            let mut text = String::new();
            for (i, w) in words.iter().enumerate() {
                match breaks[i] {
                    0 => text.push('\n'),
                    1 => text.push_str("  \t"),
                    _ => text.push(' '),
                }
                if breaks[i] == 5 && w.chars().count() > 5 && w.chars().all(char::is_alphabetic) {
                    let cut: String = w.chars().take(3).collect();
                    let rest: String = w.chars().skip(3).collect();
                    text.push_str(&format!("{cut}-\n{rest}"));
                } else {
                    text.push_str(w);
                }
            }
            let c = capture(&text);
            let start = start % words.len();
            let end = (start + len).min(words.len());
            let copied: Vec<String> = words[start..end]
                .iter()
                .map(|w| w.replace('’', "'").replace(['“', '”'], "\"").replace('ﬁ', "fi").replace('—', "-"))
                .map(|w| if upper { w.to_uppercase() } else { w })
                .collect();
            let quote = copied.join(" ");
            // A quote without a word verifies nothing, by rule.
            prop_assume!(quote.chars().any(char::is_alphanumeric));
            prop_assert!(matches!(c.find(&quote), Finding::Found { .. }), "{:?} in {:?}", quote, text);
            let mut edited = copied.clone();
            let at = changed % edited.len();
            edited[at] = "parliament".into();
            let edited = edited.join(" ");
            match c.find(&edited) {
                Finding::Missing { closest: Some((_, passage)) } => {
                    // The passage is shown on one line: join its hyphenated words.
                    let folded = normalise(&passage.replace("- ", ""), false).text;
                    let kept = copied.iter().enumerate().filter(|(i, _)| *i != at).filter(|(_, w)| {
                        let w = normalise(w, false).text;
                        w.chars().any(char::is_alphanumeric) && !folded.contains(&w)
                    }).count();
                    prop_assert_eq!(kept, 0, "{:?} → {:?}", edited, passage);
                }
                Finding::Missing { closest: None } => prop_assert!(copied
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != at)
                    .all(|(_, w)| !w.chars().any(char::is_alphanumeric))),
                Finding::Found { .. } => prop_assert!(false, "{:?} found in {:?}", edited, text),
            }
        }
    }
}
