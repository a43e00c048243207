//! What a public build must never show: every confidential source's title,
//! short and original title, URL and archived URL (in every form
//! `duplicate-source` calls the same), `redact` terms, persons named as its
//! authors, note, and the quotes of evidence resting on it, with every
//! clause of three or more words of notes and quotes; each as a skeleton.

use std::fmt;

use crate::identity::Url;
use crate::registry::{Author, Registry};
use crate::skeleton;

/// Needles shorter than this (in skeleton characters) are short: in runs
/// of text found in binary data they could arise by chance.
const SHORT_BELOW: usize = 8;

/// Fewest letters and digits a clause needs to be searched alone: `it was
/// cold` says nothing about anyone; `met in Erbil` may.
const CLAUSE_LETTERS: usize = 10;

/// Fewest words a clause of a note or quote needs to be searched alone.
const CLAUSE_WORDS: usize = 3;

/// Which field of a confidential source a needle comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `title`.
    Title,
    /// `short-title`.
    ShortTitle,
    /// `original-title`.
    OriginalTitle,
    /// `url`.
    Url,
    /// `archived`.
    Archived,
    /// A `redact` term.
    Redact,
    /// A person in `authors`.
    Author,
    /// `note`.
    Note,
    /// An evidence `quote`.
    Quote,
    /// A text an evidence `value` reports.
    Value,
    /// Another field: a person in `editors` or `translators`, the
    /// `call-number`.
    Detail(&'static str),
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Title => "title",
            Self::ShortTitle => "short title",
            Self::OriginalTitle => "original title",
            Self::Url => "URL",
            Self::Archived => "archived URL",
            Self::Redact => "`redact` term",
            Self::Author => "author's name",
            Self::Note => "note",
            Self::Quote => "quote",
            Self::Value => "reported value",
            Self::Detail(key) => return write!(f, "`{key}`"),
        })
    }
}

/// Whose a needle is: a field of a confidential source (and, for quotes,
/// the claim whose evidence it is).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner {
    /// The confidential source.
    pub source: String,
    /// Which of its fields.
    pub field: Field,
    /// For quotes: the claim.
    pub claim: Option<String>,
}

/// One text to search for.
#[derive(Debug, Clone)]
pub struct Needle {
    /// Whose it is.
    pub owner: Owner,
    /// Its skeleton. It matches as whole words only: `W-017` is not found
    /// in `W-0171`, nor `Mohammadi` in `Mohammadinejad`.
    pub skeleton: String,
    /// Whether it is short enough to arise by chance in binary data.
    pub short: bool,
    /// Whether it ends only where a word ends for good: a URL where a path
    /// segment ends (`/witness/17` is not in `/witness/17-public`), a name
    /// where no hyphen carries it on (`Karimi` is not in `Karimi-Hakkak`).
    pub strict: bool,
    /// Whether it is one word of letters, which two words do not make:
    /// `Blackwater` is not in "the black water".
    pub one_word: bool,
    /// Whether it is a person's name, which a sentence's end breaks: "Lale.
    /// Ardent" names no one.
    pub person: bool,
    /// Whether it ends like a code, in a number or in one or two letters
    /// after another word (`W-017`, `Witness A`), where what is glued on
    /// makes another code (`W-017b`, `Witness A1`), but for a plural `s`
    /// after a number. A longer word is seen with a digit glued on
    /// (`Varnhold2`).
    pub code: bool,
}

/// Everything a public build must not show.
#[derive(Debug, Default)]
pub struct Needles {
    /// The texts.
    pub list: Vec<Needle>,
    /// The confidential URLs, normalised, and whose they are.
    pub urls: Vec<(Url, Owner)>,
}

impl Needles {
    /// The needles of every confidential source in `registry`.
    pub fn new(registry: &Registry) -> Needles {
        let mut needles = Needles::default();
        for source in registry.sources.values().filter(|s| s.is_confidential()) {
            let owner = |field| Owner {
                source: source.id.value.clone(),
                field,
                claim: None,
            };
            let texts = [
                (Field::Title, &source.title),
                (Field::ShortTitle, &source.short_title),
                (Field::OriginalTitle, &source.original_title),
            ];
            for (field, value) in texts {
                if let Some(value) = value {
                    needles.text(&crate::registry::rich::plain(&value.value), owner(field));
                }
            }
            if let Some(call_number) = &source.details.call_number {
                needles.text(&call_number.value, owner(Field::Detail("call-number")));
            }
            for (key, people) in source.details.people() {
                for person in people {
                    if let Author::Person(name) = &person.value {
                        needles.persons(name, owner(Field::Detail(key)));
                    }
                }
            }
            for term in &source.redact {
                needles.text(&term.value, owner(Field::Redact));
            }
            for author in &source.authors {
                if let Author::Person(name) = &author.value {
                    needles.persons(name, owner(Field::Author));
                }
            }
            if let Some(note) = &source.note {
                needles.prose(&note.value, owner(Field::Note));
            }
            for (field, value) in [
                (Field::Url, &source.url),
                (Field::Archived, &source.archived),
            ] {
                if let Some(value) = value {
                    needles.url(&value.value, owner(field));
                }
            }
        }
        for claim in registry.claims.values() {
            for evidence in &claim.evidence {
                if !registry.is_hidden(&evidence.source.value) {
                    continue;
                }
                let owner = |field| Owner {
                    source: evidence.source.value.clone(),
                    field,
                    claim: Some(claim.id.value.clone()),
                };
                if let Some(quote) = &evidence.quote {
                    needles.prose(&quote.value, owner(Field::Quote));
                }
                // What a confidential source reports, in words.
                if let Some(crate::registry::Value::Text(text)) =
                    evidence.value.as_ref().map(|v| &v.value)
                    && identifies(text)
                {
                    needles.prose(text, owner(Field::Value));
                }
            }
        }
        needles
    }

    /// Whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.urls.is_empty()
    }

    /// A text.
    fn text(&mut self, text: &str, owner: Owner) {
        // `Mohammadi-Nejad` is two words, found as `Mohammadi Nejad` too.
        let one_word = text.trim().chars().all(char::is_alphabetic);
        let before = self.list.len();
        self.push(skeleton::of(text), owner, false, one_word);
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let code = words.last().is_some_and(|last| {
            last.ends_with(|c: char| c.is_numeric())
                || (words.len() > 1 && last.chars().count() <= 2)
        });
        if let Some(needle) = self.list.get_mut(before) {
            needle.code = code;
        }
    }

    fn push(&mut self, skeleton: String, owner: Owner, strict: bool, one_word: bool) {
        if skeleton.is_empty()
            || self
                .list
                .iter()
                .any(|n| n.skeleton == skeleton && n.owner == owner)
        {
            return;
        }
        self.list.push(Needle {
            short: skeleton.chars().count() < SHORT_BELOW,
            skeleton,
            person: owner.field == Field::Author,
            code: false,
            owner,
            strict,
            one_word,
        });
    }

    /// Persons named in one author entry: "Family, Given Middle" or "Given
    /// Family", several joined by "and", `;` or `&` as BibTeX writes them.
    /// Each is searched by full name and by first given name with the
    /// family name, in both orders. Initials are not: "A. Karimi" and "Mr
    /// Karimi" cannot be told apart from ordinary text.
    fn persons(&mut self, names: &str, owner: Owner) {
        let names = names.replace(" and ", ";").replace(" & ", ";");
        for name in names.split(';').map(str::trim).filter(|n| !n.is_empty()) {
            let (family, given) = match name.split_once(',') {
                Some((family, given)) => (family.trim(), given.trim()),
                None => match name.rsplit_once(char::is_whitespace) {
                    Some((given, family)) => (family.trim(), given.trim()),
                    // A single name alone is too common to refuse a
                    // document for; `redact` can name it.
                    None => continue,
                },
            };
            let given: Vec<&str> = given
                .split(|c: char| c.is_whitespace() || c == '-')
                .filter(|g| !g.is_empty())
                .collect();
            let Some(first) = given.first() else {
                continue;
            };
            for form in [given.join(" "), first.to_string()] {
                for name in [format!("{form} {family}"), format!("{family} {form}")] {
                    self.push(skeleton::of(&name), owner.clone(), true, false);
                }
            }
        }
    }

    /// A note or quote, and every clause of it that identifies: three or
    /// more words and ten or more letters, with a name in it (a capitalised
    /// word after the first) or twenty letters. `it was cold` and `near the
    /// river` say nothing about anyone; `met in Erbil` may.
    fn prose(&mut self, text: &str, owner: Owner) {
        self.text(text, owner.clone());
        // A dash, slash or bullet between spaces ends a clause too.
        let mut spaced = text.to_string();
        for separator in [" - ", " – ", " — ", " / ", " • ", " · ", " | "] {
            spaced = spaced.replace(separator, "\n");
        }
        for clause in spaced.split(is_clause_break) {
            if identifies(clause) {
                self.text(clause, owner.clone());
            }
        }
    }

    /// A URL: its location in every form, as text to search, and
    /// normalised, to compare URLs found in the document with.
    fn url(&mut self, text: &str, owner: Owner) {
        let Some(url) = Url::parse(text) else {
            self.text(text, owner);
            return;
        };
        // The forms a reader may be shown: the host as registered (ASCII
        // or punycode) or in Unicode, with the port written out or not.
        let mut forms = Vec::new();
        for host in [url.host.clone(), url.unicode_host()] {
            let mut variant = url.clone();
            variant.host = host;
            forms.push(variant.location());
            if variant.port.is_none() {
                let default = if url.scheme == "http" { 80 } else { 443 };
                variant.port = Some(default);
                forms.push(variant.location());
            }
        }
        // And as registered, its query in its own order, without `www.`.
        let written = text.split_once("://").map_or(text, |(_, rest)| rest);
        let written = written.split('#').next().unwrap_or(written);
        forms.push(written.strip_prefix("www.").unwrap_or(written).to_string());
        for form in forms {
            self.push(skeleton::of(&form), owner.clone(), true, false);
        }
        self.urls.push((url, owner));
    }
}

/// Whether a clause says enough to identify: three or more words and ten or
/// more letters and digits, with a name in it (a capitalised word after the
/// first) or twenty letters and digits.
fn identifies(clause: &str) -> bool {
    let words: Vec<&str> = clause
        .split_whitespace()
        .filter(|w| !skeleton::of(w).is_empty())
        .collect();
    let letters = skeleton::of(clause).chars().count();
    let named = words
        .iter()
        .skip(1)
        .any(|w| w.chars().next().is_some_and(char::is_uppercase));
    words.len() >= CLAUSE_WORDS && letters >= CLAUSE_LETTERS && (named || letters >= 20)
}

/// Where a clause of a note or quote ends: sentence and clause punctuation
/// of every script, brackets, quotation marks and line breaks.
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '“'
            | '”'
            | '„'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '—'
            | '–'
            | '\n'
            | '،'
            | '؛'
            | '؟'
            | '۔'
            | '。'
            | '、'
            | '，'
            | '；'
            | '：'
            | '！'
            | '？'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> Owner {
        Owner {
            source: "s".into(),
            field: Field::Note,
            claim: None,
        }
    }

    #[test]
    fn clauses_of_three_words_are_needles() {
        let mut needles = Needles::default();
        needles.prose(
            "Interviewed in Erbil; lives under the name Karim Hosseini, since 2019, it was cold",
            owner(),
        );
        let all: Vec<&str> = needles.list.iter().map(|n| n.skeleton.as_str()).collect();
        let has = |text: &str| all.contains(&skeleton::of(text).as_str());
        assert!(has("lives under the name Karim Hosseini"), "{all:?}");
        assert!(has("Interviewed in Erbil"), "{all:?}");
        // Two words are not a clause, nor three that say little.
        assert!(!has("since 2019"), "{all:?}");
        assert!(!has("it was cold"), "{all:?}");
    }

    #[test]
    fn short_needles_are_marked() {
        let mut needles = Needles::default();
        needles.text("W-017", owner());
        needles.text("Quillfeather", owner());
        assert!(needles.list[0].short);
        assert!(!needles.list[1].short);
    }

    #[test]
    fn urls_are_searched_in_every_form() {
        let mut needles = Needles::default();
        needles.url("https://www.bücher.example/witness/17/", owner());
        let all: Vec<&str> = needles.list.iter().map(|n| n.skeleton.as_str()).collect();
        let has = |text: &str| all.contains(&skeleton::of(text).as_str());
        assert!(has("bücher.example/witness/17"), "{all:?}");
        assert!(has("xn--bcher-kva.example/witness/17"), "{all:?}");
        assert!(has("bücher.example:443/witness/17"), "{all:?}");
        assert_eq!(needles.urls.len(), 1);
    }
}

#[cfg(test)]
mod names {
    use super::*;

    #[test]
    fn persons_are_found_by_first_and_full_names() {
        let mut needles = Needles::default();
        let owner = Owner {
            source: "s".into(),
            field: Field::Author,
            claim: None,
        };
        needles.persons(
            "Ardent, Lale Miriam and Karimi, Mohammad-Reza; Leila Nouri",
            owner,
        );
        let all: Vec<&str> = needles.list.iter().map(|n| n.skeleton.as_str()).collect();
        for form in [
            "Lale Miriam Ardent",
            "Lale Ardent",
            "Ardent, Lale",
            "Mohammad-Reza Karimi",
            "Mohammad Karimi",
            "Leila Nouri",
            "Nouri, Leila",
        ] {
            assert!(
                all.contains(&skeleton::of(form).as_str()),
                "{form}: {all:?}"
            );
        }
    }
}
