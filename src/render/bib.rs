//! The bibliography as hayagriva sees it: one entry per cited source, with the
//! outlet as the parent periodical or website (so hayagriva does not call an
//! article a "Preprint") and organisations kept whole.

use std::str::FromStr;

use hayagriva::types::{
    ChunkKind, ChunkedString, Date, EntryType, FormatString, Person, Publisher, QualifiedUrl,
};
use hayagriva::{Entry, Library};

use crate::diag::Spanned;
use crate::registry::{Author, PartialDate, Registry, Source};

/// The hayagriva YAML of the sources named by `ids`, in that order.
pub fn yaml(registry: &Registry, ids: &[&str]) -> Result<String, String> {
    let sources: Vec<&Source> = ids
        .iter()
        .filter_map(|id| registry.sources.get(*id))
        .collect();
    let entries: Vec<Entry> = sources.iter().map(|s| entry(s)).collect();
    to_yaml(&sources, &entries)
}

/// hayagriva YAML of `entries`, one per source in `sources`, with every
/// organisation written as `{ name: … }`. hayagriva would write it as a plain
/// string, which it reads back as a person's name: "Justice for the Victims
/// of the 1988 Massacre in Iran" would come back as one "Iran".
pub fn to_yaml(sources: &[&Source], entries: &[Entry]) -> Result<String, String> {
    use serde_yaml::Value;
    let mut library = Library::new();
    for entry in entries {
        library.push(entry);
    }
    let mut value = serde_yaml::to_value(&library)
        .map_err(|e| format!("cannot write the bibliography ({e})"))?;
    for source in sources {
        let Some(authors) = value
            .get_mut(source.id.value.as_str())
            .and_then(|e| e.get_mut("author"))
        else {
            continue;
        };
        let whole = |name: &str| {
            let mut map = serde_yaml::Mapping::new();
            map.insert("name".into(), name.into());
            Value::Mapping(map)
        };
        match authors {
            Value::Sequence(items) => {
                for (item, author) in items.iter_mut().zip(&source.authors) {
                    if let Author::Organisation(name) = &author.value {
                        *item = whole(name);
                    }
                }
            }
            single => {
                if let [
                    Spanned {
                        value: Author::Organisation(name),
                        ..
                    },
                ] = source.authors.as_slice()
                {
                    *single = whole(name);
                }
            }
        }
    }
    serde_yaml::to_string(&value).map_err(|e| format!("cannot write the bibliography ({e})"))
}

/// The hayagriva entry of a source as data: the original title is an
/// `original` parent, as hayagriva models it.
pub fn data_entry(source: &Source) -> Entry {
    let mut entry = entry(source);
    if let Some(title) = &source.title {
        entry.set_title(match &source.short_title {
            Some(short) => FormatString::with_short(title.value.as_str(), short.value.as_str()),
            None => FormatString::with_value(title.value.as_str()),
        });
    }
    if let Some(original) = &source.original_title {
        let mut parent = Entry::new(
            &format!("{}-original", source.id.value),
            EntryType::Original,
        );
        parent.set_title(FormatString::with_value(original.value.as_str()));
        let mut parents = entry.parents().to_vec();
        parents.push(parent);
        entry.set_parents(parents);
    }
    entry
}

/// The hayagriva entry of a source, as bibliographies print it.
pub fn entry(source: &Source) -> Entry {
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
    if let Some(doi) = &source.doi {
        entry.set_doi(doi.value.clone());
    }
    if let Some(isbn) = &source.isbn {
        entry.set_isbn(isbn.value.clone());
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
