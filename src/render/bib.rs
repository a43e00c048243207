//! The bibliography as hayagriva sees it: one entry per cited source, with the
//! outlet as the parent periodical or website (so hayagriva does not call an
//! article a "Preprint") and organisations kept whole.

use std::str::FromStr;

use hayagriva::types::{
    ChunkKind, ChunkedString, Date, EntryType, FormatString, Person, Publisher, QualifiedUrl,
};
use hayagriva::{Entry, Library};

use crate::registry::{Author, PartialDate, Registry, Source};

/// The hayagriva YAML of the sources named by `ids`, in that order.
pub fn yaml(registry: &Registry, ids: &[&str]) -> Result<String, String> {
    let mut library = Library::new();
    for id in ids {
        if let Some(source) = registry.sources.get(*id) {
            library.push(&entry(source));
        }
    }
    hayagriva::io::to_yaml_str(&library).map_err(|e| format!("cannot write the bibliography ({e})"))
}

fn entry(source: &Source) -> Entry {
    let kind = source.kind.value;
    let mut entry = Entry::new(&source.id.value, kind);
    if let Some(title) = &source.title {
        // The title in its original script follows the title; citations
        // that name a work by its title use the short form, without it.
        let full = match &source.original_title {
            Some(original) => format!("{} [{}]", title.value, original.value),
            None => title.value.clone(),
        };
        let short = source
            .short_title
            .as_ref()
            .map_or(&title.value, |s| &s.value);
        entry.set_title(if full == *short {
            FormatString::with_value(full)
        } else {
            FormatString::with_short(full, short.as_str())
        });
    }
    let authors: Vec<Person> = source.authors.iter().map(|a| person(&a.value)).collect();
    if !authors.is_empty() {
        entry.set_authors(authors);
    }
    if let Some(date) = &source.date {
        entry.set_date(date_of(&date.value));
    }
    if let Some(language) = source.language.as_ref().and_then(|l| l.value.parse().ok()) {
        entry.set_language(language);
    }
    if let Some(url) = source
        .url
        .as_ref()
        .and_then(|u| url::Url::parse(&u.value).ok())
    {
        let visit_date = source.accessed.as_ref().map(|d| date_of(&d.value));
        entry.set_url(QualifiedUrl {
            value: url,
            visit_date,
        });
    }
    if let Some(archived) = &source.archived {
        // Styles that have room print "Internet Archive (https://…)".
        let archive = url::Url::parse(&archived.value)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .map_or_else(|| "Archive".to_string(), |host| archive_name(&host));
        entry.set_archive(FormatString::with_value(archive));
        entry.set_archive_location(verbatim(&archived.value));
    }
    if let Some(publisher) = &source.publisher {
        let name = FormatString::with_value(publisher.value.as_str());
        match parent_type(&kind) {
            Some(parent_kind) => {
                let mut parent = Entry::new(&format!("{}-parent", source.id.value), parent_kind);
                parent.set_title(name);
                entry.set_parents(vec![parent]);
            }
            None => entry.set_publisher(Publisher::new(Some(name), None)),
        }
    }
    entry
}

/// The container an outlet stands for, for types that have one.
fn parent_type(kind: &EntryType) -> Option<EntryType> {
    match kind {
        EntryType::Article => Some(EntryType::Newspaper),
        EntryType::Web | EntryType::Post => Some(EntryType::Web),
        EntryType::Chapter => Some(EntryType::Book),
        EntryType::Entry => Some(EntryType::Reference),
        _ => None,
    }
}

/// The name of a web archive, from its host.
fn archive_name(host: &str) -> String {
    match host.trim_start_matches("www.") {
        "web.archive.org" | "archive.org" => "Internet Archive".into(),
        "archive.today" | "archive.ph" | "archive.is" | "archive.li" => "archive.today".into(),
        "perma.cc" => "Perma.cc".into(),
        other => other.into(),
    }
}

/// Text that no style may change the case of (URLs, identifiers).
fn verbatim(text: &str) -> FormatString {
    let mut chunks = ChunkedString::new();
    chunks.push_str(text, ChunkKind::Verbatim);
    FormatString {
        value: chunks,
        short: None,
    }
}

fn person(author: &Author) -> Person {
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

fn date_of(date: &PartialDate) -> Date {
    Date {
        year: date.year,
        month: date.month.map(|m| (m - 1) as u8),
        day: date.day.map(|d| (d - 1) as u8),
        approximate: false,
        season: None,
    }
}
