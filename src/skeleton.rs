//! The one text skeleton dossier compares what a reader sees with: the leak
//! scan matches confidential text against it, and anything else that asks
//! "does this text say that?" should too. A skeleton keeps only letters and
//! digits, after compatibility decomposition, full Unicode case folding,
//! digits of every script read as ASCII digits and look-alike letters
//! replaced by their prototype (UTS #39 confusables; a digit is never taken
//! for a letter); marks, spaces,
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

/// The character that stands for a barrier, in texts handed to
/// [`Builder::push`] and in the skeleton: no skeleton of a text holds it.
pub const BARRIER: char = '\u{1E}';

/// A word boundary lies before this character.
const BOUNDARY: u8 = 1;
/// The characters dropped before it are only those that join the parts of a
/// URL or a file name (`-`, `_`, `.`, `~`, `%`, `+`).
const JOINED: u8 = 2;
/// White space came before it: two words, not one.
const SPACED: u8 = 4;
/// A sentence ended before it (`.`, `;`, `!`, `?`).
const STOPPED: u8 = 8;
/// Nothing came between it and the character before, of another kind: the
/// `b` of `017b`.
const GLUED: u8 = 16;

/// What came between the last character kept and the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Gap {
    /// Nothing: the next character continues the word.
    #[default]
    None,
    /// Only characters that join the parts of a URL.
    Joined,
    /// A space, punctuation, a junction: a word ends.
    Other,
}

/// What kind of character the last one kept was, for boundaries between
/// letters and digits and in scripts written without spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Class {
    #[default]
    None,
    Letter,
    Digit,
    Spaceless,
}

/// A skeleton built piece by piece, with, for every character, whether a
/// word boundary comes before it and (when asked) where it came from.
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// The skeleton text.
    pub text: String,
    /// For each byte of `text`: the flags of the character starting there.
    flags: Vec<u8>,
    /// For each byte of `text`: the origin of its character, when kept.
    origins: Option<Vec<u32>>,
    gap: Gap,
    /// Whether the gap held white space.
    spaced: bool,
    /// Whether the gap held the end of a sentence.
    stopped: bool,
    class: Class,
}

/// What one character becomes.
#[derive(Debug, Clone)]
struct Mapped {
    /// Its skeleton: none, one or more characters.
    text: Box<str>,
    /// Its kind, for boundaries.
    class: Class,
    /// Whether it is a combining mark, which belongs to the letter before.
    mark: bool,
    /// Whether, dropped, it joins the parts of a URL.
    joins: bool,
    /// Whether it is white space.
    space: bool,
    /// Whether it ends a sentence or a clause as strongly.
    stop: bool,
}

impl Mapped {
    fn of(c: char) -> Mapped {
        Mapped {
            text: map(c).into(),
            class: class(c),
            mark: is_mark(c),
            joins: matches!(c, '-' | '_' | '.' | '~' | '%' | '+'),
            space: c.is_whitespace(),
            stop: matches!(
                c,
                '.' | ';' | '!' | '?' | '。' | '؛' | '؟' | '۔' | '।' | '…'
            ),
        }
    }
}

thread_local! {
    /// Characters beyond ASCII already mapped on this thread.
    static CACHE: std::cell::RefCell<HashMap<char, Mapped>> = std::cell::RefCell::new(HashMap::new());
}

impl Builder {
    /// A builder that keeps the origin of every character.
    pub fn with_origins() -> Builder {
        Builder {
            origins: Some(Vec::new()),
            ..Builder::default()
        }
    }

    /// Appends the skeleton of `text`, whose first byte has origin `origin`.
    pub fn push(&mut self, text: &str, origin: usize) {
        for (offset, c) in text.char_indices() {
            self.push_char(c, origin + offset);
        }
    }

    /// Appends the skeleton of `text`, every character with origin `origin`
    /// (a page number, say, rather than an offset).
    pub fn push_at(&mut self, text: &str, origin: usize) {
        for c in text.chars() {
            self.push_char(c, origin);
        }
    }

    /// Appends the skeleton of one character.
    pub fn push_char(&mut self, c: char, origin: usize) {
        if c == BARRIER {
            self.barrier();
            return;
        }
        if c.is_ascii() {
            self.append(&ascii()[c as usize], origin);
            return;
        }
        let mapped = CACHE.with(|cache| {
            cache
                .borrow_mut()
                .entry(c)
                .or_insert_with(|| Mapped::of(c))
                .clone()
        });
        self.append(&mapped, origin);
    }

    fn append(&mut self, mapped: &Mapped, origin: usize) {
        if mapped.text.is_empty() {
            // Marks (accents, vowel signs) belong to the letter before them;
            // everything else dropped separates words.
            if !mapped.mark {
                self.spaced |= mapped.space;
                self.stopped |= mapped.stop;
                self.gap = match (self.gap, mapped.joins) {
                    (Gap::None | Gap::Joined, true) => Gap::Joined,
                    _ => Gap::Other,
                };
            }
            return;
        }
        let class = mapped.class;
        let boundary = self.text.is_empty()
            || self.gap != Gap::None
            || class == Class::Spaceless
            || self.class == Class::Spaceless
            || (class != self.class && self.class != Class::None && class != Class::None);
        let mut flags = if boundary { BOUNDARY } else { 0 };
        if self.gap == Gap::Joined {
            flags |= JOINED;
        }
        if self.spaced {
            flags |= SPACED;
        }
        if self.stopped {
            flags |= STOPPED;
        }
        if boundary && self.gap == Gap::None && !self.text.is_empty() {
            flags |= GLUED;
        }
        let origin = u32::try_from(origin).unwrap_or(u32::MAX);
        for (i, ch) in mapped.text.chars().enumerate() {
            let at = self.text.len();
            self.text.push(ch);
            let width = self.text.len() - at;
            self.flags.push(if i == 0 { flags } else { 0 });
            self.flags.extend(std::iter::repeat_n(0, width - 1));
            if let Some(origins) = &mut self.origins {
                origins.extend(std::iter::repeat_n(origin, width));
            }
        }
        self.gap = Gap::None;
        self.spaced = false;
        self.stopped = false;
        self.class = class;
    }

    /// Appends another skeleton after a junction, with its boundaries and
    /// (where both keep them) its origins.
    pub fn extend(&mut self, other: &Builder) {
        if other.text.is_empty() {
            return;
        }
        let at = self.text.len();
        self.text.push_str(&other.text);
        self.flags.extend_from_slice(&other.flags);
        if let Some(first) = self.flags.get_mut(at) {
            *first |= BOUNDARY;
        }
        if let Some(origins) = &mut self.origins {
            match &other.origins {
                Some(theirs) => origins.extend_from_slice(theirs),
                None => origins.extend(std::iter::repeat_n(u32::MAX, other.text.len())),
            }
        }
        self.gap = Gap::Other;
        self.class = Class::None;
    }

    /// A place no match may cross: text on either side is seen apart (two
    /// columns side by side).
    pub fn barrier(&mut self) {
        self.text.push(BARRIER);
        self.flags.push(BOUNDARY);
        if let Some(origins) = &mut self.origins {
            origins.push(u32::MAX);
        }
        self.gap = Gap::Other;
        self.class = Class::None;
    }

    /// Marks a junction: what follows is another piece, as if after a space.
    pub fn junction(&mut self) {
        self.gap = Gap::Other;
    }

    /// Marks white space: what follows is another word.
    pub fn space(&mut self) {
        self.gap = Gap::Other;
        self.spaced = true;
    }

    /// Whether white space splits bytes `start` to `end` of the skeleton
    /// text into words: "black water", not "Blackwater". Text spaced out
    /// letter by letter ("V a r n h o l d") is one word all the same.
    pub fn spaced_within(&self, start: usize, end: usize) -> bool {
        let (Some(flags), Some(text)) = (self.flags.get(start..end), self.text.get(start..end))
        else {
            return false;
        };
        let mut spaced = false;
        let mut longest = 0;
        let mut piece = 0;
        for (at, _) in text.char_indices() {
            if at > 0 && flags[at] & SPACED != 0 {
                spaced = true;
                piece = 0;
            }
            piece += 1;
            longest = longest.max(piece);
        }
        spaced && longest > 1
    }

    /// Whether a sentence ends between bytes `start` and `end` of the
    /// skeleton text: "Lale. Ardent" is no name.
    pub fn stopped_within(&self, start: usize, end: usize) -> bool {
        self.flags
            .get(start + 1..end)
            .is_some_and(|flags| flags.iter().any(|f| f & STOPPED != 0))
    }

    /// Whether a code ends at byte `at` of the skeleton text: at a boundary
    /// that glues nothing on but a plural `s` after its number (`W-017s` is
    /// `W-017`; `W-017b` and `Witness A1` are other codes).
    pub fn code_ends_at(&self, at: usize) -> bool {
        let glued = self.flags.get(at).is_some_and(|f| f & GLUED != 0);
        if !glued {
            return self.boundary_at(at);
        }
        let number = self.text[..at].ends_with(|c: char| c.is_ascii_digit());
        number && self.text[at..].starts_with('s') && self.boundary_at(at + 1)
    }

    /// Whether a word boundary lies before byte `at` of the skeleton text
    /// (or `at` is the end).
    pub fn boundary_at(&self, at: usize) -> bool {
        self.flags.get(at).is_none_or(|f| f & BOUNDARY != 0)
    }

    /// Whether a URL ends before byte `at`: a boundary that is more than
    /// the `-`, `.` or `_` inside a path.
    pub fn url_ends_at(&self, at: usize) -> bool {
        self.flags
            .get(at)
            .is_none_or(|f| f & BOUNDARY != 0 && f & JOINED == 0)
    }

    /// The origin of the character at byte `at`, when origins are kept.
    pub fn origin_at(&self, at: usize) -> Option<u32> {
        self.origins.as_ref()?.get(at).copied()
    }

    /// Forgets the text, keeping the cache.
    pub fn clear(&mut self) {
        self.text.clear();
        self.flags.clear();
        if let Some(origins) = &mut self.origins {
            origins.clear();
        }
        self.gap = Gap::None;
        self.class = Class::None;
    }
}

/// Letters, digits, and the letters of scripts written without spaces
/// between words, where every character may start a word.
fn class(c: char) -> Class {
    use unicode_script::{Script, UnicodeScript};
    if matches!(
        c.script(),
        Script::Han
            | Script::Hiragana
            | Script::Katakana
            | Script::Thai
            | Script::Lao
            | Script::Khmer
            | Script::Myanmar
            | Script::Tibetan
            | Script::Yi
            | Script::Bopomofo
    ) {
        return Class::Spaceless;
    }
    match c.general_category() {
        GeneralCategory::DecimalNumber
        | GeneralCategory::LetterNumber
        | GeneralCategory::OtherNumber => Class::Digit,
        _ => Class::Letter,
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

/// What every ASCII character becomes, worked out once.
fn ascii() -> &'static [Mapped; 128] {
    static TABLE: OnceLock<[Mapped; 128]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|i| Mapped::of(char::from(i as u8))))
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
    let mut out = String::new();
    for f in folded {
        // A digit stays the digit it is: `1` is not `l`, or every numbered
        // list would spell a name.
        if f.is_ascii_digit() {
            out.push(f);
            continue;
        }
        for p in unicode_security::skeleton(f.encode_utf8(&mut [0; 4])) {
            if keep(p) {
                out.extend(p.to_lowercase());
            }
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
        let mut b = Builder::with_origins();
        b.push("ab c-d", 10);
        b.junction();
        b.push("e\u{301}f W017s 東京", 100);
        assert_eq!(b.text, format!("abcdef{}東京", of("W017s")));
        let starts: Vec<usize> = b.text.char_indices().map(|(i, _)| i).collect();
        let flags: Vec<bool> = starts.iter().map(|&i| b.boundary_at(i)).collect();
        // a b c d e f w o l 7 s 東 京: letters and digits part, and every
        // character of a script written without spaces starts a word.
        assert_eq!(
            flags,
            [
                true, false, true, true, true, false, true, true, false, false, true, true, true
            ]
        );
        assert!(!b.url_ends_at(3));
        assert!(b.url_ends_at(4));
        let origins: Vec<u32> = starts.iter().map(|&i| b.origin_at(i).unwrap()).collect();
        assert_eq!(&origins[..6], [10, 11, 13, 15, 100, 103]);
    }
}
