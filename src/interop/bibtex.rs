//! BibTeX and BibLaTeX: read through hayagriva's BibLaTeX support, written
//! with the biblatex crate, which escapes what needs escaping.

use std::str::FromStr;

use biblatex::{Chunk, Entry, EntryType, Spanned};

use super::{Record, yaml};
use crate::diag::{Code, Diagnostic, FileId, Span};
use crate::registry::Author;

type Graph = std::collections::HashMap<String, (Vec<String>, std::ops::Range<usize>)>;

/// A `@string` macro that refers to itself, directly or through others
/// (`@string{a = a # a}`), or an entry that does through `crossref` or
/// `xdata`: resolving it would never end, so it is an error at its name
/// before the file is resolved.
fn macro_cycle(file: FileId, text: &str) -> Option<Diagnostic> {
    let raw = biblatex::RawBibliography::parse(text).ok()?;
    let chunks = |field: &biblatex::Field<'_>, abbreviations: bool| -> Vec<String> {
        field
            .iter()
            .filter_map(|chunk| match chunk.v {
                biblatex::RawChunk::Abbreviation(name) if abbreviations => {
                    Some(name.to_lowercase())
                }
                biblatex::RawChunk::Normal(text) if !abbreviations => Some(text.to_string()),
                _ => None,
            })
            .collect()
    };
    let mut macros = Graph::new();
    for pair in &raw.abbreviations {
        macros
            .entry(pair.key.v.to_lowercase())
            .or_insert((chunks(&pair.value.v, true), pair.key.span.clone()));
    }
    let mut entries = Graph::new();
    for entry in &raw.entries {
        let parents = entry
            .v
            .fields
            .iter()
            .filter(|f| {
                ["crossref", "xdata"]
                    .iter()
                    .any(|n| f.key.v.eq_ignore_ascii_case(n))
            })
            .flat_map(|f| {
                chunks(&f.value.v, false)
                    .concat()
                    .split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        entries
            .entry(entry.v.key.v.to_string())
            .or_insert((parents, entry.v.key.span.clone()));
    }
    let found = |graph: &Graph, what: &str, help: &str| {
        let name = cycle(graph)?;
        Some(
            Diagnostic::new(
                Code::Syntax,
                format!("{what} `{name}` refers to itself (BibLaTeX)"),
            )
            .at(Span::new(file, graph[name.as_str()].1.clone()))
            .with_help(help.to_string()),
        )
    };
    found(
        &macros,
        "`@string` macro",
        "a macro may use only macros that do not lead back to it",
    )
    .or_else(|| {
        found(
            &entries,
            "entry",
            "`crossref` and `xdata` may name only entries that do not lead back to this one",
        )
    })
}

/// A node of `graph` on a cycle, found depth first without recursion.
fn cycle(graph: &Graph) -> Option<String> {
    // 1: on the current path; 2: done.
    let mut state: std::collections::HashMap<&str, u8> = std::collections::HashMap::new();
    let mut starts: Vec<&String> = graph.keys().collect();
    starts.sort();
    for start in starts {
        if state.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start, 1);
        while let Some(top) = stack.last_mut() {
            let (name, next) = (top.0, top.1);
            let targets = &graph[name].0;
            if next == targets.len() {
                state.insert(name, 2);
                stack.pop();
                continue;
            }
            top.1 += 1;
            let Some((key, _)) = graph.get_key_value(targets[next].as_str()) else {
                continue;
            };
            match state.get(key.as_str()) {
                Some(1) => return Some(key.clone()),
                Some(_) => {}
                None => {
                    state.insert(key, 1);
                    stack.push((key, 0));
                }
            }
        }
    }
    None
}

/// Reads a BibTeX or BibLaTeX file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    if let Some(diagnostic) = macro_cycle(file, text) {
        return Err(vec![diagnostic]);
    }
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
            // What hayagriva leaves of TeX, as text.
            for field in [
                &mut record.title,
                &mut record.short_title,
                &mut record.publisher,
                &mut record.note,
            ] {
                if let Some(value) = field.as_mut() {
                    *value = super::tex::to_text(value);
                }
            }
            for author in &mut record.authors {
                match author {
                    Author::Person(name) | Author::Organisation(name) => {
                        *name = super::tex::to_text(name)
                    }
                }
            }
            record.original_title = record
                .original_title
                .or_else(|| field(entry.key(), "origtitle").map(|t| super::tex::to_text(&t)));
            record.language = record
                .language
                .or_else(|| field(entry.key(), "langid"))
                .or_else(|| field(entry.key(), "language"));
            record
        })
        .collect())
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
