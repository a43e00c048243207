//! The one mapping between a source and a hayagriva entry, used by the
//! build's bibliography, by the YAML export and (in reverse) by every import
//! that goes through hayagriva (YAML and BibLaTeX).
//!
//! The work a source is part of is its parent entry (a journal, a book, a
//! website), so styles print it where they print a container; a series is
//! that parent's parent; the title in its original script is an `original`
//! parent. Titles keep their markup: `{…}` becomes hayagriva's verbatim
//! chunk, and formatting (`<i>` …) a chunk of Typst markup that Typst
//! evaluates when it prints the bibliography.

use std::str::FromStr;

use hayagriva::Entry;
use hayagriva::types::{
    Date, EntryType, FormatString, MaybeTyped, Person, PersonRole, PersonsWithRoles, Publisher,
    QualifiedUrl,
};

use super::{Record, adjust_id, author_of, date_of, type_name};
use crate::registry::details::container_type;
use crate::registry::rich;
use crate::registry::{Author, PartialDate};

pub use super::chunks::{Formatting, MARKS, NOTHING, chunked, rich_text, rich_text_tex};
use super::chunks::{rich_text_of, verbatim};

/// The hayagriva entry of a record. The note is left out: it is the
/// researcher's, and only an export carries it.
pub fn entry(record: &Record, formatting: Formatting) -> Entry {
    let chunked = |text: &str| chunked(text, formatting);
    let kind = EntryType::from_str(&record.kind).unwrap_or(EntryType::Misc);
    let mut entry = Entry::new(&record.id, kind);
    if let Some(title) = &record.title {
        entry.set_title(FormatString {
            value: chunked(title),
            short: record
                .short_title
                .as_ref()
                .filter(|s| *s != title)
                .map(|s| Box::new(chunked(s))),
        });
    }
    if !record.authors.is_empty() {
        entry.set_authors(record.authors.iter().map(person).collect());
    }
    if !record.editors.is_empty() {
        entry.set_editors(record.editors.iter().map(person).collect());
    }
    if !record.translators.is_empty() {
        entry.set_affiliated(vec![PersonsWithRoles::new(
            record.translators.iter().map(person).collect(),
            PersonRole::Translator,
        )]);
    }
    if let Some(date) = &record.date {
        entry.set_date(date_to(date));
    }
    if let Some(language) = record.language.as_ref().and_then(|l| l.parse().ok()) {
        entry.set_language(language);
    }
    if let Some(url) = record.url.as_ref().and_then(|u| url::Url::parse(u).ok()) {
        entry.set_url(QualifiedUrl {
            value: url,
            visit_date: record.accessed.as_ref().map(date_to),
        });
    }
    if let Some(doi) = &record.doi {
        entry.set_doi(doi.clone());
    }
    if let Some(isbn) = &record.isbn {
        entry.set_isbn(isbn.clone());
    }
    let detail = |key: &str| record.details.get(key).map(String::as_str);
    if let Some(issn) = detail("issn") {
        entry.set_issn(issn.to_string());
    }
    if let Some(volume) = detail("volume") {
        entry.set_volume(typed(volume));
    }
    if let Some(issue) = detail("issue") {
        entry.set_issue(typed(issue));
    }
    if let Some(edition) = detail("edition") {
        entry.set_edition(typed(edition));
    }
    if let Some(pages) = detail("pages") {
        entry.set_page_range(typed(pages));
    }
    if let Some(number) = detail("number") {
        entry.set_keyed_serial_number("serial", number.to_string());
    }
    if let Some(institution) = detail("institution") {
        entry.set_organization(FormatString::with_value(institution));
    }
    if let Some(genre) = detail("genre") {
        entry.set_genre(FormatString::with_value(genre));
    }
    if let Some(archive) = detail("archive") {
        entry.set_archive(FormatString::with_value(archive));
    } else if let Some(archived) = &record.archived {
        // Styles that have room print "Internet Archive (https://…)".
        let name = url::Url::parse(archived)
            .ok()
            .and_then(|u| u.host_str().map(archive_name))
            .unwrap_or_else(|| "Archive".into());
        entry.set_archive(FormatString::with_value(name));
    }
    if let Some(archived) = &record.archived {
        entry.set_archive_location(verbatim(archived));
    }
    if let Some(call_number) = detail("call-number") {
        entry.set_call_number(verbatim(call_number));
    }
    let location = detail("location").map(FormatString::with_value);
    let mut parents = Vec::new();
    let mut publisher = record.publisher.as_deref();
    let container = match detail("container") {
        Some(title) => Some((title.to_string(), record.container_type())),
        // An outlet named only as the publisher: the newspaper of an
        // article, the site of a web page.
        None => match (publisher, legacy_container(&kind)) {
            (Some(outlet), Some(parent_kind)) => {
                publisher = None;
                Some((rich::escape(outlet), parent_kind))
            }
            _ => None,
        },
    };
    if publisher.is_some() || location.is_some() {
        entry.set_publisher(Publisher::new(
            publisher.map(FormatString::with_value),
            location,
        ));
    }
    // The series is a work of the same type as what it holds.
    let series = |holder: &EntryType| {
        detail("series").map(|title| {
            let mut series = Entry::new(&format!("{}-series", record.id), *holder);
            series.set_title(FormatString {
                value: chunked(title),
                short: None,
            });
            series
        })
    };
    match container {
        Some((title, parent_kind)) => {
            let mut parent = Entry::new(&format!("{}-parent", record.id), parent_kind);
            parent.set_title(FormatString {
                value: chunked(&title),
                short: None,
            });
            if let Some(series) = series(&parent_kind) {
                parent.set_parents(vec![series]);
            }
            parents.push(parent);
        }
        None => parents.extend(series(&kind)),
    }
    if let Some(original) = &record.original_title {
        let mut parent = Entry::new(&format!("{}-original", record.id), EntryType::Original);
        parent.set_title(FormatString {
            value: chunked(original),
            short: None,
        });
        parents.push(parent);
    }
    if !parents.is_empty() {
        entry.set_parents(parents);
    }
    entry
}

/// Text from one form into another.
type Convert = dyn Fn(&str) -> String;

/// The record of a hayagriva entry; `tex` says it came from BibLaTeX, whose
/// text is TeX still ([`super::tex`]).
pub fn record(entry: &Entry, tex: bool) -> Record {
    let identity = |s: &str| s.to_string();
    let (text, plain): (&Convert, &Convert) = if tex {
        (&super::tex::to_rich, &super::tex::to_text)
    } else {
        (&rich::escape, &identity)
    };
    let rich_of = |s: &FormatString| rich_text_of(&s.value, text, tex).trim().to_string();
    let plain_of = |s: &FormatString| plain(&s.value.to_str()).trim().to_string();
    let kind = *entry.entry_type();
    let title = entry.title();
    let parents: Vec<&Entry> = entry
        .parents()
        .iter()
        .filter(|p| !matches!(p.entry_type(), EntryType::Original | EntryType::Conference))
        .collect();
    let same = |p: &&Entry, k: &EntryType| p.entry_type() == k;
    // A work of its own type above a book or report is its series (or the
    // multi-volume work); above an article, a chapter or a page, the
    // container.
    let contained = contained(&kind);
    let container = if contained {
        parents.first().copied()
    } else {
        parents.iter().find(|p| !same(p, &kind)).copied()
    };
    let series = match container {
        Some(c) => c
            .parents()
            .iter()
            .find(|p| p.entry_type() == c.entry_type() || *p.entry_type() == EntryType::Anthology),
        None => parents.iter().find(|p| same(p, &kind)).copied(),
    };
    let mut record = Record {
        id: adjust_id(entry.key()),
        kind: type_name(&kind),
        title: title.map(rich_of).filter(|t| !t.is_empty()),
        short_title: title
            .and_then(|t| t.short.as_deref())
            .map(|s| rich_text_of(s, text, tex).trim().to_string())
            .filter(|s| !s.is_empty() && Some(s) != title.map(rich_of).as_ref()),
        original_title: entry
            .parents()
            .iter()
            .find(|p| *p.entry_type() == EntryType::Original)
            .and_then(|p| p.title())
            .map(rich_of),
        authors: entry
            .authors()
            .unwrap_or_default()
            .iter()
            .map(author_of)
            .collect(),
        editors: entry
            .map(|e| e.editors())
            .unwrap_or_default()
            .iter()
            .map(author_of)
            .collect(),
        translators: entry
            .map(|e| e.affiliated())
            .unwrap_or_default()
            .iter()
            .filter(|p| p.role == PersonRole::Translator)
            .flat_map(|p| p.names.iter().map(author_of))
            .collect(),
        publisher: entry
            .map(|e| e.publisher())
            .and_then(|p| p.name())
            .map(plain_of)
            .filter(|p| !p.is_empty()),
        // What a parent holds is the work's too (a chapter's book's year).
        date: entry.map(|e| e.date()).map(date_of),
        url: entry.url().map(|u| u.value.to_string()),
        accessed: entry.url().and_then(|u| u.visit_date.as_ref()).map(date_of),
        archived: entry
            .archive_location()
            .map(|a| a.value.to_str().trim().to_string())
            .filter(|a| a.starts_with("http")),
        doi: entry.doi().map(str::to_string),
        isbn: entry.isbn().map(str::to_string),
        language: entry.language().map(|l| l.to_string()),
        note: entry.note().map(plain_of).filter(|n| !n.is_empty()),
        ..Record::default()
    };
    for person in &mut record.authors {
        plain_name(person, plain);
    }
    let mut put = |key: &'static str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            record.details.insert(key, value.trim().to_string());
        }
    };
    put("container", container.and_then(|c| c.title()).map(rich_of));
    put("series", series.and_then(|s| s.title()).map(rich_of));
    put(
        "volume",
        container
            .and_then(|c| c.volume())
            .or_else(|| entry.volume())
            .map(|v| v.to_string()),
    );
    put("issue", entry.map(|e| e.issue()).map(|v| v.to_string()));
    put("edition", entry.map(|e| e.edition()).map(|v| v.to_string()));
    put(
        "pages",
        entry.map(|e| e.page_range()).map(|v| v.to_string()),
    );
    put(
        "number",
        entry.keyed_serial_number("serial").map(str::to_string),
    );
    // The organisation behind a web page or article is its outlet.
    let organization = entry.map(|e| e.organization()).map(plain_of);
    if legacy_container(&kind).is_some() && record.publisher.is_none() && container.is_none() {
        record.publisher = organization;
    } else {
        put("institution", organization);
    }
    put(
        "location",
        entry
            .map(|e| e.publisher())
            .and_then(|p| p.location())
            .or_else(|| entry.map(|e| e.location()))
            .map(plain_of),
    );
    put("genre", entry.map(|e| e.genre()).map(plain_of));
    put("issn", entry.map(|e| e.issn()).map(str::to_string));
    put("call-number", entry.call_number().map(plain_of));
    let archive = entry.archive().map(plain_of);
    let named_by_url = record
        .archived
        .as_deref()
        .and_then(|a| url::Url::parse(a).ok())
        .and_then(|u| u.host_str().map(archive_name));
    if archive != named_by_url {
        put("archive", archive);
    }
    if let Some(c) = container
        && *c.entry_type() != container_type(&kind)
    {
        record.container_type = Some(type_name(c.entry_type()));
    }
    let mut editors = std::mem::take(&mut record.editors);
    let mut translators = std::mem::take(&mut record.translators);
    for person in editors.iter_mut().chain(translators.iter_mut()) {
        plain_name(person, plain);
    }
    record.editors = editors;
    record.translators = translators;
    // No name at all, and BibTeX's `and others` (et al.), are not people.
    for people in [
        &mut record.authors,
        &mut record.editors,
        &mut record.translators,
    ] {
        people.retain(|a| match a {
            Author::Person(name) | Author::Organisation(name) => {
                !name.trim().is_empty() && name.trim() != "others"
            }
        });
    }
    record
}

/// Whether a work of this type is usually part of another (an article, a
/// chapter, a page), rather than standing alone.
pub fn contained(kind: &EntryType) -> bool {
    legacy_container(kind).is_some()
        || matches!(
            kind,
            EntryType::Anthos | EntryType::Thread | EntryType::Scene
        )
}

/// The parent an outlet named as `publisher` stands for, for the types
/// whose outlet is a container.
pub fn legacy_container(kind: &EntryType) -> Option<EntryType> {
    match kind {
        EntryType::Article => Some(EntryType::Newspaper),
        EntryType::Web | EntryType::Post => Some(EntryType::Web),
        EntryType::Chapter => Some(EntryType::Book),
        EntryType::Entry => Some(EntryType::Reference),
        _ => None,
    }
}

fn plain_name(author: &mut Author, plain: &dyn Fn(&str) -> String) {
    match author {
        Author::Person(name) | Author::Organisation(name) => *name = plain(name),
    }
}

/// A number hayagriva reads as one when it prints back the same, else text.
fn typed<T: FromStr + std::fmt::Display>(text: &str) -> MaybeTyped<T> {
    match text.parse::<T>() {
        Ok(value) if value.to_string() == text => MaybeTyped::Typed(value),
        _ => MaybeTyped::String(text.to_string()),
    }
}

/// The name of a web archive, from its host.
pub fn archive_name(host: &str) -> String {
    match host.trim_start_matches("www.") {
        "web.archive.org" | "archive.org" => "Internet Archive".into(),
        "archive.today" | "archive.ph" | "archive.is" | "archive.li" => "archive.today".into(),
        "perma.cc" => "Perma.cc".into(),
        other => other.into(),
    }
}

/// A person or organisation as hayagriva prints them.
pub fn person(author: &Author) -> Person {
    match author {
        Author::Person(name) => Person::from_str(name).unwrap_or_else(|_| organisation(name)),
        Author::Organisation(name) => organisation(name),
    }
}

/// A name hayagriva prints whole: no given name, no particles.
fn organisation(name: &str) -> Person {
    Person {
        name: name.to_string(),
        given_name: None,
        prefix: None,
        suffix: None,
        comma_suffix: false,
        alias: None,
    }
}

fn date_to(date: &PartialDate) -> Date {
    Date {
        year: date.year,
        month: date.month.map(|m| (m - 1) as u8),
        day: date.day.map(|d| (d - 1) as u8),
        approximate: false,
        season: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hayagriva::types::ChunkKind;

    #[test]
    fn formatted_titles_are_marked_and_kept_case_is_verbatim() {
        let text = "On <i>De Anima</i>, {CTAN} and H<sub>2</sub>O";
        let chunks = chunked(text, Formatting::Marked);
        assert!(
            chunks
                .0
                .iter()
                .any(|c| c.kind == ChunkKind::Verbatim && c.value == "CTAN")
        );
        assert!(
            chunks
                .0
                .iter()
                .any(|c| c.kind == ChunkKind::Verbatim && c.value == "\u{E000}De Anima\u{E001}")
        );
        let dropped = chunked(text, Formatting::Dropped);
        assert_eq!(
            rich_text(&dropped, &rich::escape),
            "On {De Anima}, {CTAN} and H2O"
        );
    }
}
