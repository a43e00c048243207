//! hayagriva YAML, and the reading of any hayagriva entry (from YAML or
//! from BibLaTeX, which hayagriva parses) into a record.

use hayagriva::Entry;
use hayagriva::types::EntryType;

use super::{Record, adjust_id, author_of, date_of, type_name};
use crate::diag::{Diagnostic, FileId};
use crate::registry::Source;

/// Reads a hayagriva YAML file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let library = hayagriva::io::from_yaml_str(text).map_err(|error| {
        let at = error.location().map_or(0, |l| l.index());
        super::syntax(file, at, &error, "hayagriva YAML")
    })?;
    Ok(library.iter().map(record).collect())
}

/// The record of a hayagriva entry.
pub fn record(entry: &Entry) -> Record {
    let chunked = |s: &hayagriva::types::FormatString| s.value.to_str().trim().to_string();
    let title = entry.title();
    let short = title
        .and_then(|t| t.short.as_deref())
        .map(|s| s.to_str().trim().to_string());
    let parent = entry
        .parents()
        .iter()
        .find(|p| *p.entry_type() != EntryType::Original);
    let publisher = parent
        .and_then(|p| p.title())
        .map(chunked)
        .or_else(|| entry.publisher().and_then(|p| p.name()).map(chunked))
        .or_else(|| entry.organization().map(chunked));
    let original = entry
        .parents()
        .iter()
        .find(|p| *p.entry_type() == EntryType::Original)
        .and_then(|p| p.title())
        .map(chunked);
    let url = entry.url();
    Record {
        id: adjust_id(entry.key()),
        kind: type_name(entry.entry_type()),
        title: title.map(chunked).filter(|t| !t.is_empty()),
        short_title: short.filter(|s| Some(s) != title.map(chunked).as_ref()),
        original_title: original,
        authors: entry
            .authors()
            .unwrap_or_default()
            .iter()
            .map(author_of)
            .collect(),
        publisher: publisher.filter(|p| !p.is_empty()),
        date: entry.date().map(date_of),
        url: url.map(|u| u.value.to_string()),
        accessed: url.and_then(|u| u.visit_date.as_ref()).map(date_of),
        archived: entry
            .archive_location()
            .map(chunked)
            .filter(|a| a.starts_with("http")),
        doi: entry.doi().map(str::to_string),
        isbn: entry.isbn().map(str::to_string),
        language: entry.language().map(|l| l.to_string()),
        note: entry.note().map(chunked),
    }
}

/// Writes sources as hayagriva YAML, as the bibliography of a build has them.
pub fn write(sources: &[&Source]) -> Result<String, String> {
    let entries: Vec<Entry> = sources
        .iter()
        .map(|source| {
            let mut entry = crate::render::bib_entry(source);
            // The researcher's note travels with an export, never into a bibliography.
            if let Some(note) = &source.note {
                entry.set_note(hayagriva::types::FormatString::with_value(
                    note.value.as_str(),
                ));
            }
            entry
        })
        .collect();
    crate::render::bib_yaml(sources, &entries)
}
