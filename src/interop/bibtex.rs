//! BibTeX and BibLaTeX: read through hayagriva's BibLaTeX support, written
//! with the biblatex crate, which escapes what needs escaping.

use std::str::FromStr;

use biblatex::{Chunk, Entry, EntryType, Spanned};

use super::{Record, yaml};
use crate::diag::{Code, Diagnostic, FileId, Span};
use crate::registry::Author;

/// Reads a BibTeX or BibLaTeX file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let library = hayagriva::io::from_biblatex_str(text).map_err(|errors| {
        errors
            .into_iter()
            .map(|error| {
                let (span, message) = match &error {
                    hayagriva::io::BibLaTeXError::Parse(e) => (e.span.clone(), e.kind.to_string()),
                    hayagriva::io::BibLaTeXError::Type(e) => (e.span.clone(), e.kind.to_string()),
                };
                Diagnostic::new(Code::Syntax, format!("{message} (BibLaTeX)"))
                    .at(Span::new(file, span))
            })
            .collect::<Vec<_>>()
    })?;
    // hayagriva leaves out what dossier keeps: the original title and the language.
    let raw = biblatex::RawBibliography::parse(text).ok();
    // Each entry by key, found in constant time (the first of a repeated key).
    let mut by_key = std::collections::HashMap::new();
    for entry in raw.iter().flat_map(|raw| &raw.entries) {
        by_key.entry(entry.v.key.v).or_insert(entry);
    }
    let field = |key: &str, name: &str| -> Option<String> {
        let entry = by_key.get(key)?;
        let field = entry
            .v
            .fields
            .iter()
            .find(|f| f.key.v.eq_ignore_ascii_case(name))?;
        let text: String = field
            .value
            .v
            .iter()
            .filter_map(|chunk| match &chunk.v {
                biblatex::RawChunk::Normal(s) => Some(s.to_string()),
                _ => None,
            })
            .collect();
        Some(text).filter(|s| !s.is_empty())
    };
    Ok(library
        .iter()
        .map(|entry| {
            let mut record = yaml::record(entry);
            record.original_title = record
                .original_title
                .or_else(|| field(entry.key(), "origtitle").map(unbrace));
            record.language = record
                .language
                .or_else(|| field(entry.key(), "langid"))
                .or_else(|| field(entry.key(), "language"));
            record
        })
        .collect())
}

/// `{Text}` as written in a field, without the braces that protect its case.
fn unbrace(text: String) -> String {
    text.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_string()
}

/// The BibLaTeX entry type and the field the publisher goes in.
fn entry_type(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "article" => ("article", "journaltitle"),
        "web" | "post" | "blog" | "thread" => ("online", "organization"),
        "report" => ("report", "institution"),
        "book" | "anthology" | "proceedings" => ("book", "publisher"),
        "chapter" | "anthos" => ("incollection", "booktitle"),
        "thesis" => ("thesis", "institution"),
        "video" => ("video", "publisher"),
        "manuscript" => ("unpublished", "publisher"),
        "patent" => ("patent", "publisher"),
        _ => ("misc", "publisher"),
    }
}

fn chunks(text: &str) -> Vec<Spanned<Chunk>> {
    vec![Spanned::detached(Chunk::Normal(text.to_string()))]
}

fn verbatim(text: &str) -> Vec<Spanned<Chunk>> {
    vec![Spanned::detached(Chunk::Verbatim(text.to_string()))]
}

/// Writes records as BibLaTeX.
pub fn write(records: &[Record]) -> String {
    let mut bibliography = biblatex::Bibliography::new();
    for record in records {
        let (kind, publisher_field) = entry_type(&record.kind);
        let mut entry = Entry::new(record.id.clone(), EntryType::new(kind));
        let mut put = |key: &str, value: &Option<String>, exact: bool| {
            if let Some(value) = value {
                entry.set(
                    key,
                    if exact {
                        verbatim(value)
                    } else {
                        chunks(value)
                    },
                );
            }
        };
        // Titles keep their case: the style decides how to print them.
        put("title", &record.title, true);
        put("shorttitle", &record.short_title, true);
        put("origtitle", &record.original_title, true);
        put(publisher_field, &record.publisher, true);
        put("date", &record.date.map(|d| d.to_string()), false);
        put("url", &record.url, true);
        put("urldate", &record.accessed.map(|d| d.to_string()), false);
        put("doi", &record.doi, true);
        put("isbn", &record.isbn, false);
        put("langid", &record.language, false);
        put("note", &record.note, false);
        if !record.authors.is_empty() {
            let mut value = Vec::new();
            for (i, author) in record.authors.iter().enumerate() {
                if i > 0 {
                    value.push(Spanned::detached(Chunk::Normal(" and ".into())));
                }
                value.push(Spanned::detached(match author {
                    // Braces keep an organisation whole.
                    Author::Organisation(name) => Chunk::Verbatim(name.clone()),
                    Author::Person(name) => Chunk::Normal(person(name)),
                }));
            }
            entry.set("author", value);
        }
        bibliography.insert(entry);
    }
    bibliography.to_biblatex_string()
}

/// A person as BibLaTeX writes them: "von Last, Jr., First".
fn person(name: &str) -> String {
    match hayagriva::types::Person::from_str(name) {
        Ok(p) => super::person(
            &p.name,
            p.given_name.as_deref(),
            p.prefix.as_deref(),
            p.suffix.as_deref(),
        ),
        Err(_) => name.to_string(),
    }
}
