//! The one text skeleton dossier compares what a reader sees with: the leak
//! scan matches confidential text against it, and anything else that asks
//! "does this text say that?" should too. A skeleton keeps only letters and
//! digits, after compatibility decomposition, full Unicode case folding,
//! digits of every script read as ASCII digits and look-alike letters
//! replaced by their prototype (UTS #39 confusables); marks, spaces,
//! punctuation, quote marks, dashes, joiners, direction marks, variation
//! selectors and tags are dropped. So line breaks, hyphenation, typography,
//! `ß`/`SS`, final sigma, `ی`/`ي` and `۳`/`٣`/`3` cannot tell two texts apart.
//!
//! A [`Builder`] keeps, for every skeleton character, where in the original
//! it came from and whether a word boundary came before it, so a match can
//! be located and short terms can be matched as whole words.

use std::collections::HashMap;
use std::sync::OnceLock;

use caseless::Caseless;
use unicode_normalization::char::decompose_compatible;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The skeleton of a text.
pub fn of(text: &str) -> String {
    let mut builder = Builder::default();
    builder.push(text, 0);
    builder.text
}

/// A skeleton built piece by piece, with the origin of every character.
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// The skeleton text.
    pub text: String,
    /// One mark per character of `text`, in order.
    pub marks: Vec<Mark>,
    /// Whether the next character follows a boundary.
    pending: bool,
    /// Characters already mapped.
    cache: HashMap<char, Box<str>>,
}

/// Where one skeleton character came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Its byte offset in the skeleton text.
    pub at: u32,
    /// The origin (a byte offset the caller chose) of the character it came from.
    pub origin: u32,
    /// Whether something that is not a letter or digit (or a junction
    /// between pieces) came before it.
    pub boundary: bool,
}

impl Builder {
    /// Appends the skeleton of `text`, whose first byte has origin `origin`.
    pub fn push(&mut self, text: &str, origin: usize) {
        for (offset, c) in text.char_indices() {
            self.push_char(c, origin + offset);
        }
    }

    /// Appends the skeleton of one character.
    pub fn push_char(&mut self, c: char, origin: usize) {
        let origin = u32::try_from(origin).unwrap_or(u32::MAX);
        if c.is_ascii() {
            let mapped = ascii()[c as usize];
            self.append(mapped, origin, c);
            return;
        }
        let mapped = match self.cache.get(&c) {
            Some(mapped) => mapped.clone(),
            None => {
                let mapped: Box<str> = map(c).into();
                self.cache.insert(c, mapped.clone());
                mapped
            }
        };
        self.append(&mapped, origin, c);
    }

    fn append(&mut self, mapped: &str, origin: u32, c: char) {
        if mapped.is_empty() {
            // Marks (accents, vowel signs) belong to the letter before them;
            // everything else dropped separates words.
            if !is_mark(c) {
                self.pending = true;
            }
            return;
        }
        for (i, ch) in mapped.chars().enumerate() {
            self.marks.push(Mark {
                at: self.text.len() as u32,
                origin,
                boundary: i == 0 && (self.pending || self.marks.is_empty()),
            });
            self.text.push(ch);
        }
        self.pending = false;
    }

    /// Marks a junction: what follows is another piece, as if after a space.
    pub fn junction(&mut self) {
        self.pending = true;
    }

    /// The index of the character at byte `at` of the skeleton text.
    pub fn char_at(&self, at: usize) -> usize {
        self.marks.partition_point(|m| (m.at as usize) < at)
    }

    /// Whether a word boundary lies before the character at byte `at`
    /// (or `at` is the end).
    pub fn boundary_at(&self, at: usize) -> bool {
        let index = self.char_at(at);
        self.marks.get(index).is_none_or(|m| m.boundary)
    }

    /// Forgets the text, keeping the cache.
    pub fn clear(&mut self) {
        self.text.clear();
        self.marks.clear();
        self.pending = false;
    }
}

fn is_mark(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    )
}

/// The skeleton of every ASCII character, worked out once.
fn ascii() -> &'static [&'static str; 128] {
    static TABLE: OnceLock<[&'static str; 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            let mapped = map(char::from(i as u8));
            &*Box::leak(mapped.into_boxed_str())
        })
    })
}

/// The skeleton of one character: compatibility decomposition, full case
/// folding, digits as ASCII digits, confusable prototype, then letters and
/// digits only, in lower case.
fn map(c: char) -> String {
    let mut decomposed = Vec::with_capacity(4);
    decompose_compatible(c, |d| decomposed.push(d));
    let mut folded = Vec::with_capacity(4);
    for f in decomposed.into_iter().default_case_fold() {
        // Folding may compose again (ǅ → ǆ): decompose once more.
        decompose_compatible(f, |d| folded.push(digit(d)));
    }
    let folded: String = folded.into_iter().collect();
    let mut out = String::new();
    for p in unicode_security::skeleton(&folded) {
        if keep(p) {
            out.extend(p.to_lowercase());
        }
    }
    out
}

/// Letters (not modifier letters such as `ʼ` or the Arabic tatweel) and
/// numbers.
fn keep(c: char) -> bool {
    use GeneralCategory::*;
    matches!(
        c.general_category(),
        UppercaseLetter
            | LowercaseLetter
            | TitlecaseLetter
            | OtherLetter
            | DecimalNumber
            | LetterNumber
            | OtherNumber
    )
}

/// A decimal digit of any script as its ASCII digit. Unicode encodes each
/// script's digits as a contiguous run from zero to nine, so a digit's value
/// is its distance from the start of its run.
fn digit(c: char) -> char {
    if c.is_ascii() || c.general_category() != GeneralCategory::DecimalNumber {
        return c;
    }
    let mut start = c as u32;
    while let Some(before) = char::from_u32(start - 1)
        && before.general_category() == GeneralCategory::DecimalNumber
    {
        start -= 1;
    }
    char::from(b'0' + ((c as u32 - start) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        assert_eq!(of(a), of(b), "{a:?} vs {b:?}");
        assert!(!of(a).is_empty(), "{a:?}");
    }

    #[test]
    fn layout_and_typography_do_not_count() {
        same("The Informant’s  Name", "the informant's\nname");
        same("inform-\nant", "informant");
        same("inform\u{AD}ant", "informant");
        same("ﬁle", "file");
        same("‹Quill›feather — «W–017»", "quillfeather w017");
        same("Quillʼfeather´s `W-017`", "quillfeathers w017");
        same("Quill\u{200B}feather\u{FE0F}", "quillfeather");
        same("Quill\u{E0041}feather", "quillfeather");
    }

    #[test]
    fn case_folds_fully() {
        same("STRAẞE", "strasse");
        same("Straße", "STRASSE");
        same("ΣΟΦΙΑΣ", "σοφιας");
        same("σοφιας", "σοφιαϛ".replace('ϛ', "ς").as_str());
        same("Çağrı", "cagri");
    }

    #[test]
    fn look_alike_letters_unify() {
        // Cyrillic а and о in a Latin word.
        same("Quillfeаther", "Quillfeather");
        same("Hоsseini", "Hosseini");
    }

    #[test]
    fn persian_and_arabic_variants_unify() {
        same("نامه‌های", "نامههای");
        same("یک", "يك");
        same("کتاب", "كتاب");
        same("۱۳۶۷", "١٣٦٧");
        same("۱۳۶۷", "1367");
        same("گزارش ۴۵۶", "گزارش ٤٥٦");
        same("أحمد", "احمد");
    }

    #[test]
    fn boundaries_are_kept() {
        let mut b = Builder::default();
        b.push("ab c-d", 10);
        b.junction();
        b.push("e\u{301}f", 100);
        assert_eq!(b.text, "abcdef");
        let flags: Vec<bool> = b.marks.iter().map(|m| m.boundary).collect();
        assert_eq!(flags, [true, false, true, true, true, false]);
        let origins: Vec<u32> = b.marks.iter().map(|m| m.origin).collect();
        assert_eq!(origins, [10, 11, 13, 15, 100, 103]);
    }
}
