//! What a public build must never show: every confidential source's title,
//! short and original title, URL and archived URL (in every form
//! `duplicate-source` calls the same), `redact` terms, persons named as its
//! authors, note, and the quotes of evidence resting on it, with every
//! clause of three or more words of notes and quotes; each as a skeleton.

use std::fmt;

use crate::identity::Url;
use crate::registry::{Author, Registry};
use crate::skeleton;

/// Needles shorter than this (in skeleton characters) match only as whole
/// words: `W-017` must not be found inside `W-0171`.
const WHOLE_BELOW: usize = 8;

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
    /// Its skeleton.
    pub skeleton: String,
    /// Whether it matches only as whole words.
    pub whole: bool,
    /// The skeletons of its words, when its pieces may be placed out of
    /// order (titles, names, terms, whole notes and quotes).
    pub words: Vec<String>,
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
                    needles.text(&value.value, owner(field), true);
                }
            }
            for term in &source.redact {
                needles.text(&term.value, owner(Field::Redact), true);
            }
            for author in &source.authors {
                if let Author::Person(name) = &author.value {
                    needles.person(name, owner(Field::Author));
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
                let confidential = registry
                    .sources
                    .get(&evidence.source.value)
                    .is_some_and(|s| s.is_confidential());
                if let (true, Some(quote)) = (confidential, &evidence.quote) {
                    let owner = Owner {
                        source: evidence.source.value.clone(),
                        field: Field::Quote,
                        claim: Some(claim.id.value.clone()),
                    };
                    needles.prose(&quote.value, owner);
                }
            }
        }
        needles
    }

    /// Whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.urls.is_empty()
    }

    /// A text; `pieces` says whether its words may be found out of order.
    fn text(&mut self, text: &str, owner: Owner, pieces: bool) {
        let skeleton = skeleton::of(text);
        if skeleton.is_empty() {
            return;
        }
        let words: Vec<String> = if pieces {
            text.split(|c: char| c.is_whitespace() || c == '/')
                .map(skeleton::of)
                .filter(|w| !w.is_empty())
                .collect()
        } else {
            Vec::new()
        };
        self.list.push(Needle {
            whole: skeleton.chars().count() < WHOLE_BELOW,
            skeleton,
            owner,
            words: if words.len() >= 2 { words } else { Vec::new() },
        });
    }

    /// A person's name, "Family, Given", in both orders.
    fn person(&mut self, name: &str, owner: Owner) {
        match name.split_once(',') {
            Some((family, given)) if !given.trim().is_empty() => {
                self.text(
                    &format!("{} {}", given.trim(), family.trim()),
                    owner.clone(),
                    true,
                );
                self.text(&format!("{} {}", family.trim(), given.trim()), owner, true);
            }
            // A single name alone is too common to refuse a document for.
            _ => {}
        }
    }

    /// A note or quote, and every clause of it long enough to identify.
    fn prose(&mut self, text: &str, owner: Owner) {
        self.text(text, owner.clone(), true);
        let whole = skeleton::of(text);
        for clause in text.split(is_clause_break) {
            let words = clause
                .split_whitespace()
                .filter(|w| !skeleton::of(w).is_empty());
            if words.count() >= CLAUSE_WORDS && skeleton::of(clause) != whole {
                self.text(clause, owner.clone(), false);
            }
        }
    }

    /// A URL: its location in every form, as text to search, and
    /// normalised, to compare URLs found in the document with.
    fn url(&mut self, text: &str, owner: Owner) {
        let Some(url) = Url::parse(text) else {
            self.text(text, owner, false);
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
        forms.dedup();
        for form in forms {
            self.text(&form, owner.clone(), false);
        }
        self.urls.push((url, owner));
    }
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
            "Interviewed in Erbil; lives under the name Karim Hosseini, since 2019",
            owner(),
        );
        let all: Vec<&str> = needles.list.iter().map(|n| n.skeleton.as_str()).collect();
        let has = |text: &str| all.contains(&skeleton::of(text).as_str());
        assert!(has("lives under the name Karim Hosseini"), "{all:?}");
        assert!(has("Interviewed in Erbil"), "{all:?}");
        // Two words are not a clause.
        assert!(!has("since 2019"), "{all:?}");
    }

    #[test]
    fn short_needles_are_whole_words() {
        let mut needles = Needles::default();
        needles.text("W-017", owner(), true);
        needles.text("Quillfeather", owner(), true);
        assert!(needles.list[0].whole);
        assert!(!needles.list[1].whole);
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
