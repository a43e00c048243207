//! One description of a source's fields: the key the registry uses, what
//! the field is for, how it reads as one line and as JSON, and how a
//! withheld source loses it. The registry's known keys, `withheld` and
//! `dossier show` come from here, and tests hold the reader, the exchange
//! formats and the list of sources to it: a new field is one line here,
//! and what forgets it fails a test.

use serde_json::{Value, json};

use super::{Author, Source};
use crate::diag::Spanned;

/// What a field is for, which decides where it travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Says what the source is; kept when a confidential source is shown
    /// withheld (`type`, `confidential`).
    Identity,
    /// Describes the document: imported, exported, and printed in the list
    /// of sources.
    Bibliographic,
    /// The researcher's own: assessment, provenance, notes. Kept in the
    /// registry, never exported.
    Research,
    /// The captured copy: where it is, its hash, when it was made.
    Custody,
    /// Terms a confidential source must keep hidden (`redact`).
    Secret,
}

/// One field of a source.
#[derive(Clone, Copy)]
pub struct Field {
    /// The key in `[sources.ID]`.
    pub key: &'static str,
    /// What it is for.
    pub role: Role,
    /// The value as one line: titles as a reader sees them, names joined
    /// with `; `, dates in ISO form. `None` when unset.
    pub text: fn(&Source) -> Option<String>,
    /// The value as JSON, as written (rich text markup kept): lists as
    /// arrays, flags as booleans, `null` when unset.
    pub json: fn(&Source) -> Value,
    /// Empties the field.
    pub clear: fn(&mut Source),
    /// The texts it holds, to edit in place (a name of each author, each
    /// term); none for a field that holds no text (a date, a flag).
    pub strings: fn(&mut Source) -> Vec<&mut String>,
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Field")
            .field("key", &self.key)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

fn plain(value: &Option<Spanned<String>>) -> Option<String> {
    value.as_ref().map(|v| super::rich::plain(&v.value))
}

fn shown<T: ToString>(value: &Option<Spanned<T>>) -> Option<String> {
    value.as_ref().map(|v| v.value.to_string())
}

/// A person's or organisation's name as written.
pub fn name(author: &Author) -> &str {
    match author {
        Author::Person(name) | Author::Organisation(name) => name,
    }
}

fn names(people: &[Spanned<Author>]) -> Vec<&str> {
    people.iter().map(|a| name(&a.value)).collect()
}

fn joined(people: &[Spanned<Author>]) -> Option<String> {
    Some(names(people).join("; ")).filter(|n| !n.is_empty())
}

/// A hayagriva entry type by its name in the registry (`article`, `web`).
pub fn type_name(kind: &hayagriva::types::EntryType) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "misc".into())
}

/// A value whose text a field may hold: a string is text, a date or a
/// grade is not.
trait AsText {
    fn as_text(&mut self) -> Option<&mut String>;
}

impl AsText for String {
    fn as_text(&mut self) -> Option<&mut String> {
        Some(self)
    }
}

impl AsText for super::PartialDate {
    fn as_text(&mut self) -> Option<&mut String> {
        None
    }
}

impl AsText for char {
    fn as_text(&mut self) -> Option<&mut String> {
        None
    }
}

/// A field that is one optional value: read for a line by `$read`, and as
/// written (rich text markup kept) for JSON.
macro_rules! texts {
    ($key:literal, $role:expr, $field:ident, $read:ident) => {
        Field {
            key: $key,
            role: $role,
            text: |s| $read(&s.$field),
            json: |s| json!(shown(&s.$field)),
            clear: |s| s.$field = None,
            strings: |s| {
                s.$field
                    .as_mut()
                    .and_then(|v| v.value.as_text())
                    .into_iter()
                    .collect()
            },
        }
    };
}

/// The name in each of `people`.
fn names_mut(people: &mut [Spanned<Author>]) -> Vec<&mut String> {
    people
        .iter_mut()
        .map(|a| match &mut a.value {
            Author::Person(name) | Author::Organisation(name) => name,
        })
        .collect()
}

/// Every field of a source, in the order the registry documents them.
pub const FIELDS: &[Field] = &[
    Field {
        key: "type",
        role: Role::Identity,
        text: |s| Some(type_name(&s.kind.value)),
        json: |s| json!(type_name(&s.kind.value)),
        clear: |_| {},
        strings: |_| Vec::new(),
    },
    texts!("title", Role::Bibliographic, title, plain),
    texts!("short-title", Role::Bibliographic, short_title, plain),
    Field {
        key: "authors",
        role: Role::Bibliographic,
        text: |s| joined(&s.authors),
        json: |s| json!(names(&s.authors)),
        clear: |s| s.authors.clear(),
        strings: |s| names_mut(&mut s.authors),
    },
    texts!("publisher", Role::Bibliographic, publisher, shown),
    texts!("date", Role::Bibliographic, date, shown),
    texts!("url", Role::Bibliographic, url, shown),
    texts!("doi", Role::Bibliographic, doi, shown),
    texts!("isbn", Role::Bibliographic, isbn, shown),
    texts!("accessed", Role::Bibliographic, accessed, shown),
    texts!("archived", Role::Bibliographic, archived, shown),
    texts!("language", Role::Bibliographic, language, shown),
    texts!("original-title", Role::Bibliographic, original_title, plain),
    texts!("affiliation", Role::Research, affiliation, shown),
    texts!("reliability", Role::Research, reliability, shown),
    Field {
        key: "confidential",
        role: Role::Identity,
        text: |s| s.is_confidential().then(|| "yes".into()),
        json: |s| json!(s.is_confidential()),
        clear: |_| {},
        strings: |_| Vec::new(),
    },
    texts!("capture", Role::Custody, capture, shown),
    Field {
        key: "captured-at",
        role: Role::Custody,
        text: |s| s.captured_at.as_ref().map(|c| c.value.to_rfc3339()),
        json: |s| json!(s.captured_at.as_ref().map(|c| c.value.to_rfc3339())),
        clear: |s| s.captured_at = None,
        strings: |_| Vec::new(),
    },
    texts!("collected-by", Role::Research, collected_by, shown),
    texts!("sha256", Role::Custody, sha256, shown),
    texts!("note", Role::Research, note, shown),
    Field {
        key: "redact",
        role: Role::Secret,
        text: |s| {
            let terms: Vec<&str> = s.redact.iter().map(|t| t.value.as_str()).collect();
            Some(terms.join("; ")).filter(|t| !t.is_empty())
        },
        json: |s| json!(s.redact.iter().map(|t| &t.value).collect::<Vec<_>>()),
        clear: |s| s.redact.clear(),
        strings: |s| s.redact.iter_mut().map(|t| &mut t.value).collect(),
    },
];

/// The keys of every field, in order.
pub fn keys() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.key)
}

/// The field with `key`.
pub fn field(key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.key == key)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diag::Files;
    use crate::registry::Registry;

    /// A confidential source with every field of [`FIELDS`] set.
    pub(crate) const EVERY_FIELD: &str = r#"
[sources.every]
type = "article"
title = "Testimony of a Former Guard"
short-title = "Guard Testimony"
authors = ["Hosseini, Karim", { org = "Witness Network" }]
publisher = "Evin Archive"
date = "1989-03"
url = "https://intranet.example.org/witness/17"
doi = "10.1234/witness.17"
isbn = "978-3-16-148410-0"
accessed = "2024-05-01"
archived = "https://archive.example.org/witness/17"
language = "fa"
original-title = "شهادت یک نگهبان"
affiliation = "Witness Network"
reliability = "B"
confidential = true
capture = "captures/every.txt"
sha256 = "cec4df597d154f2df21a430c3d060a76ba3d09e4bfde78a80a258f15fdf77607"
captured-at = "2026-11-21T14:03:22Z"
collected-by = "Field team 2"
note = "Interviewed in Erbil"
redact = ["Erbil"]
"#;

    /// The registry of `text`, and what reading it found.
    pub(crate) fn read(text: &str) -> (Registry, Vec<crate::diag::Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, text).unwrap();
        crate::registry::load(&path, &[], &mut Files::new()).unwrap()
    }

    #[test]
    fn the_reader_knows_and_reads_every_described_field() {
        let (registry, diagnostics) = read(EVERY_FIELD);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let source = &registry.sources["every"];
        for field in FIELDS {
            assert!(
                (field.text)(source).is_some(),
                "`{}` was not read",
                field.key
            );
            assert!(
                !(field.json)(source).is_null(),
                "`{}` has no JSON",
                field.key
            );
        }
        // And the description names every key the registry documents.
        let readme = include_str!("../../README.md");
        let listed = readme
            .split("Source fields: ")
            .nth(1)
            .and_then(|rest| rest.split("\n\n").next())
            .unwrap();
        for field in FIELDS {
            assert!(
                listed.contains(&format!("`{}`", field.key)),
                "{}",
                field.key
            );
        }
    }

    #[test]
    fn a_withheld_source_keeps_only_what_says_what_it_is() {
        let (registry, _) = read(EVERY_FIELD);
        let withheld = registry.withheld();
        let source = &withheld.sources["every"];
        for field in FIELDS {
            let kept = (field.text)(source).is_some();
            assert_eq!(kept, field.role == Role::Identity, "`{}`", field.key);
        }
    }
}
