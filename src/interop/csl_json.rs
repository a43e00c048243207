//! CSL-JSON, the format Zotero and Better BibTeX export: an array of items
//! with `id`, `type`, `title`, `author`, `issued` and so on.

use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::{Record, adjust_id, person};
use crate::diag::{Diagnostic, FileId};
use crate::registry::{Author, PartialDate};

/// Reads the items of a CSL-JSON file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let value: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|error| {
            let at = offset(text, error.line(), error.column());
            super::syntax(file, at, &error, "CSL-JSON")
        })?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("items") {
            Some(Value::Array(items)) => items,
            _ => vec![Value::Object(object)],
        },
        _ => {
            return Err(super::syntax(
                file,
                0,
                &"a CSL-JSON file holds an array of items",
                "CSL-JSON",
            ));
        }
    };
    Ok(items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| item.as_object().map(|o| record(i, o)))
        .collect())
}

/// The byte offset of serde_json's 1-based line and column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn record(index: usize, item: &Map<String, Value>) -> Record {
    let text = |key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let key = match item.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let id = Some(adjust_id(&key))
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| format!("item-{}", index + 1));
    let kind = kind(
        item.get("type")
            .and_then(Value::as_str)
            .unwrap_or("document"),
    );
    let authors = item
        .get("author")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_object)
                .filter_map(author)
                .collect()
        })
        .unwrap_or_default();
    Record {
        id,
        kind: kind.into(),
        title: text("title"),
        short_title: text("title-short").or_else(|| text("shortTitle")),
        original_title: text("original-title"),
        authors,
        publisher: text("container-title").or_else(|| text("publisher")),
        date: item.get("issued").and_then(date),
        url: text("URL"),
        accessed: item.get("accessed").and_then(date),
        archived: text("archive_location").filter(|a| a.starts_with("http")),
        doi: text("DOI"),
        isbn: text("ISBN").map(|i| i.split([',', ' ']).next().unwrap_or_default().to_string()),
        language: text("language"),
        note: text("note"),
    }
}

/// The registry type of a CSL type.
fn kind(csl: &str) -> &'static str {
    match csl {
        "article" | "article-journal" | "article-magazine" | "article-newspaper"
        | "paper-conference" => "article",
        "webpage" | "post-weblog" => "web",
        "post" => "post",
        "report" => "report",
        "book" => "book",
        "chapter" => "chapter",
        "entry" | "entry-dictionary" | "entry-encyclopedia" => "entry",
        "thesis" => "thesis",
        "motion_picture" | "broadcast" => "video",
        "song" => "audio",
        "manuscript" | "interview" | "personal_communication" | "speech" => "manuscript",
        "legal_case" => "case",
        "legislation" | "bill" | "regulation" | "treaty" => "legislation",
        "patent" => "patent",
        "graphic" | "map" | "figure" => "artwork",
        _ => "misc",
    }
}

/// The CSL type of a registry type.
fn csl_type(kind: &str) -> &'static str {
    match kind {
        "article" => "article-newspaper",
        "web" | "blog" => "webpage",
        "post" | "thread" => "post",
        "report" => "report",
        "book" | "anthology" | "proceedings" => "book",
        "chapter" | "anthos" => "chapter",
        "entry" | "reference" => "entry",
        "thesis" => "thesis",
        "video" => "motion_picture",
        "audio" => "song",
        "manuscript" => "manuscript",
        "case" => "legal_case",
        "legislation" => "legislation",
        "patent" => "patent",
        "artwork" => "graphic",
        _ => "document",
    }
}

fn author(name: &Map<String, Value>) -> Option<Author> {
    let get = |key: &str| {
        name.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    if let Some(literal) = get("literal") {
        return Some(Author::Organisation(literal.to_string()));
    }
    let family = get("family")?;
    let particle = match (get("dropping-particle"), get("non-dropping-particle")) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b).map(str::to_string),
    };
    if get("given").is_none() && particle.is_none() && get("suffix").is_none() {
        return Some(Author::Organisation(family.to_string()));
    }
    Some(Author::Person(person(
        family,
        get("given"),
        particle.as_deref(),
        get("suffix"),
    )))
}

/// A CSL date: `date-parts`, or `raw` / `literal` in the `YYYY-MM-DD` shape.
fn date(value: &Value) -> Option<PartialDate> {
    let parts = value
        .get("date-parts")
        .and_then(|p| p.get(0))
        .and_then(Value::as_array);
    if let Some(parts) = parts {
        let number = |i: usize| {
            parts.get(i).and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
        };
        let year = number(0)? as i32;
        let month = number(1).map(|m| m as u32);
        let day = month.and(number(2)).map(|d| d as u32);
        let date = PartialDate { year, month, day };
        return date.first_day().map(|_| date);
    }
    let raw = value
        .get("raw")
        .or_else(|| value.get("literal"))
        .and_then(Value::as_str)?;
    PartialDate::parse(raw.trim()).ok()
}

fn date_json(date: &PartialDate) -> Value {
    let mut parts = vec![json!(date.year)];
    parts.extend(date.month.map(|m| json!(m)));
    parts.extend(date.day.map(|d| json!(d)));
    json!({ "date-parts": [parts] })
}

/// Writes records as a CSL-JSON array.
pub fn write(records: &[Record]) -> String {
    let items: Vec<Value> = records.iter().map(item).collect();
    let mut out = serde_json::to_string_pretty(&items).expect("JSON values always serialise");
    out.push('\n');
    out
}

fn item(record: &Record) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(record.id));
    item.insert("type".into(), json!(csl_type(&record.kind)));
    put(&mut item, "title", &record.title);
    put(&mut item, "title-short", &record.short_title);
    put(&mut item, "original-title", &record.original_title);
    if !record.authors.is_empty() {
        item.insert(
            "author".into(),
            Value::Array(record.authors.iter().map(name_json).collect()),
        );
    }
    let container = matches!(
        record.kind.as_str(),
        "article" | "chapter" | "entry" | "web" | "post" | "blog"
    );
    put(
        &mut item,
        if container {
            "container-title"
        } else {
            "publisher"
        },
        &record.publisher,
    );
    if let Some(date) = &record.date {
        item.insert("issued".into(), date_json(date));
    }
    put(&mut item, "URL", &record.url);
    if let Some(date) = &record.accessed {
        item.insert("accessed".into(), date_json(date));
    }
    if let Some(archived) = &record.archived {
        item.insert("archive".into(), json!("Internet Archive"));
        item.insert("archive_location".into(), json!(archived));
    }
    put(&mut item, "DOI", &record.doi);
    put(&mut item, "ISBN", &record.isbn);
    put(&mut item, "language", &record.language);
    put(&mut item, "note", &record.note);
    Value::Object(item)
}

fn put(item: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        item.insert(key.into(), json!(value));
    }
}

fn name_json(author: &Author) -> Value {
    match author {
        Author::Organisation(name) => json!({ "literal": name }),
        Author::Person(name) => match hayagriva::types::Person::from_str(name) {
            Ok(p) => {
                let mut out = Map::new();
                out.insert("family".into(), json!(p.name));
                if let Some(given) = p.given_name {
                    out.insert("given".into(), json!(given));
                }
                if let Some(prefix) = p.prefix {
                    out.insert("non-dropping-particle".into(), json!(prefix));
                }
                if let Some(suffix) = p.suffix {
                    out.insert("suffix".into(), json!(suffix));
                }
                Value::Object(out)
            }
            Err(_) => json!({ "literal": name }),
        },
    }
}
