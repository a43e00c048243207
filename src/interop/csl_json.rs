//! CSL-JSON, the format Zotero and Better BibTeX export: an array of items
//! with `id`, `type`, `title`, `author`, `issued` and so on.

use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::{Record, adjust_id, person};
use crate::diag::{Columns, Diagnostic, FileId, offset_of};
use crate::registry::rich;
use crate::registry::{Author, PartialDate};

/// Reads the items of a CSL-JSON file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let json = text.trim_start_matches('\u{feff}');
    let value: Value = serde_json::from_str(json).map_err(|error| {
        let at =
            text.len() - json.len() + offset_of(json, error.line(), error.column(), Columns::Bytes);
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
    let csl_type = item
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("document");
    let (kind, container_type) = kind(csl_type);
    let people = |key: &str| -> Vec<Author> {
        item.get(key)
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_object)
                    .filter_map(author)
                    .collect()
            })
            .unwrap_or_default()
    };
    let rich = |key: &str| {
        text(key)
            .map(|t| from_html(&t).trim().to_string())
            .filter(|t| !rich::plain(t).trim().is_empty())
    };
    let first =
        |key: &str| text(key).map(|i| i.split([',', ' ']).next().unwrap_or_default().to_string());
    let location = text("archive_location");
    let archived = location.clone().filter(|a| a.starts_with("http"));
    let mut record = Record {
        id,
        kind: kind.into(),
        title: rich("title"),
        short_title: rich("title-short").or_else(|| rich("shortTitle")),
        original_title: rich("original-title"),
        authors: people("author"),
        editors: people("editor"),
        translators: people("translator"),
        publisher: text("publisher"),
        date: item.get("issued").and_then(date),
        left_out: item
            .get("issued")
            .filter(|issued| date(issued).is_none())
            .map(|issued| format!("the date {issued} (not a date the registry can hold)"))
            .into_iter()
            .collect(),
        url: text("URL"),
        accessed: item.get("accessed").and_then(date),
        doi: text("DOI"),
        isbn: first("ISBN"),
        language: text("language"),
        note: text("note"),
        container_type: container_type.map(str::to_string),
        ..Record::default()
    };
    let mut put = |key: &'static str, value: Option<String>| {
        if let Some(value) = value {
            record.details.insert(key, value);
        }
    };
    put("container", rich("container-title"));
    put("series", rich("collection-title"));
    for (key, csl) in FIELDS {
        put(key, text(csl).or_else(|| number(item, csl)));
    }
    put("issn", first("ISSN"));
    put(
        "call-number",
        text("call-number").or_else(|| location.filter(|l| !l.starts_with("http"))),
    );
    let archive = text("archive");
    let named_by_url = archived
        .as_deref()
        .and_then(|a| url::Url::parse(a).ok())
        .and_then(|u| u.host_str().map(super::mapping::archive_name));
    if archive != named_by_url {
        put("archive", archive);
    }
    record.archived = archived;
    record
}

/// The details that are one CSL variable each, by registry key. (ISSN and
/// call number are read apart: a library may list two ISSNs, and Zotero
/// writes a call number as `archive_location`.)
const FIELDS: [(&str, &str); 8] = [
    ("volume", "volume"),
    ("issue", "issue"),
    ("pages", "page"),
    ("edition", "edition"),
    ("number", "number"),
    ("institution", "authority"),
    ("location", "publisher-place"),
    ("genre", "genre"),
];

/// A number written as a JSON number (`"volume": 12`).
fn number(item: &Map<String, Value>, key: &str) -> Option<String> {
    item.get(key)
        .filter(|v| v.is_number())
        .map(|v| v.to_string())
}

/// CSL rich text (`<i>`, `<b>`, `<sc>`, `<sup>`, `<sub>`, `<span
/// class="nocase">`, as Zotero writes them) as registry rich text.
pub fn from_html(html: &str) -> String {
    let out = convert_html(html, true);
    // Tags Zotero left open or closed twice: the text without them.
    if rich::parse(&out).is_err() {
        return convert_html(html, false);
    }
    out
}

/// `from_html`, keeping the formatting or only the text.
fn convert_html(html: &str, keep: bool) -> String {
    let mut out = String::with_capacity(html.len());
    // What each open `<span>` closes with.
    let mut spans: Vec<&str> = Vec::new();
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        if rest.starts_with('<')
            && let Some(end) = rest.find('>')
        {
            let tag = &rest[1..end];
            let name = tag
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let known = ["i", "b", "sc", "sup", "sub"];
            let replacement = match name.as_str() {
                // Exactly `<i>` or `</i>`: `a < b and c > d` is text.
                n if known.contains(&n) && tag == n => Some(format!("<{n}>")),
                n if n.starts_with('/') && known.contains(&&n[1..]) && tag == n => {
                    Some(format!("<{n}>"))
                }
                "span" if tag.starts_with("span ") || tag == "span" => {
                    let attributes = tag.to_ascii_lowercase().replace(' ', "");
                    let close = if attributes.contains("nocase") {
                        "}"
                    } else if attributes.contains("small-caps") {
                        "</sc>"
                    } else {
                        ""
                    };
                    spans.push(close);
                    Some(match close {
                        "}" => "{".to_string(),
                        "</sc>" => "<sc>".to_string(),
                        _ => String::new(),
                    })
                }
                "/span" if tag == "/span" => Some(spans.pop().unwrap_or_default().to_string()),
                _ => None,
            };
            if let Some(replacement) = replacement {
                if keep {
                    out.push_str(&replacement);
                }
                at += end + 1;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        let mut buffer = [0; 4];
        out.push_str(&rich::escape(c.encode_utf8(&mut buffer)));
        at += c.len_utf8();
    }
    if keep {
        for close in spans.into_iter().rev() {
            out.push_str(close);
        }
    }
    out
}

/// Registry rich text as CSL rich text.
pub fn to_html(text: &str) -> String {
    match rich::parse(text) {
        Ok(nodes) => {
            let syntax = rich::Syntax {
                text: &|text, out| out.push_str(text),
                kept: ("<span class=\"nocase\">", "</span>"),
                tag: &rich::angle,
            };
            let mut out = String::new();
            rich::write_with(&nodes, &syntax, &mut out);
            out
        }
        Err(_) => text.to_string(),
    }
}

/// The registry type of a CSL type (every type Zotero exports), with the
/// type of its container where that is not the usual one.
fn kind(csl: &str) -> (&'static str, Option<&'static str>) {
    let kind = match csl {
        "article-newspaper" => return ("article", Some("newspaper")),
        "paper-conference" => return ("article", Some("proceedings")),
        "post-weblog" => return ("post", Some("blog")),
        "article" | "article-journal" | "article-magazine" | "review" | "review-book" => "article",
        "webpage" => "web",
        "post" => "post",
        "report" | "standard" => "report",
        "book" | "classic" => "book",
        "collection" => "anthology",
        "periodical" => "periodical",
        "chapter" => "chapter",
        "entry" | "entry-dictionary" | "entry-encyclopedia" => "entry",
        "thesis" => "thesis",
        "motion_picture" | "broadcast" => "video",
        "song" => "audio",
        "manuscript" | "interview" | "personal_communication" | "speech" => "manuscript",
        "legal_case" | "hearing" => "case",
        "legislation" | "bill" | "regulation" | "treaty" => "legislation",
        "patent" => "patent",
        "graphic" | "map" | "figure" => "artwork",
        "dataset" | "software" => "repository",
        "performance" => "performance",
        "event" => "conference",
        _ => "misc",
    };
    (kind, None)
}

/// The CSL type of a record.
fn csl_type(record: &Record) -> &'static str {
    use hayagriva::types::EntryType;
    let container = record.container_type();
    let outlet = record.details.contains_key("container") || record.publisher.is_some();
    match record.kind.as_str() {
        "article" if container == EntryType::Proceedings => "paper-conference",
        "article" if container == EntryType::Newspaper => "article-newspaper",
        // An outlet named only as publisher is a newspaper.
        "article" if !record.details.contains_key("container") && outlet => "article-newspaper",
        "article" => "article-journal",
        "post" if container == EntryType::Blog => "post-weblog",
        "web" | "blog" => "webpage",
        "post" | "thread" => "post",
        "report" => "report",
        "book" => "book",
        "anthology" | "proceedings" => "collection",
        "periodical" => "periodical",
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
        "repository" => "dataset",
        "performance" => "performance",
        "conference" => "event",
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
    item.insert("type".into(), json!(csl_type(record)));
    let html = |value: &Option<String>| value.as_deref().map(to_html);
    put(&mut item, "title", &html(&record.title));
    put(&mut item, "title-short", &html(&record.short_title));
    put(&mut item, "original-title", &html(&record.original_title));
    for (key, people) in [
        ("author", &record.authors),
        ("editor", &record.editors),
        ("translator", &record.translators),
    ] {
        if !people.is_empty() {
            item.insert(
                key.into(),
                Value::Array(people.iter().map(name_json).collect()),
            );
        }
    }
    let detail = |key: &str| record.details.get(key).cloned();
    let legacy = matches!(
        record.kind.as_str(),
        "article" | "chapter" | "entry" | "web" | "post" | "blog"
    ) && !record.details.contains_key("container");
    if legacy {
        put(&mut item, "container-title", &record.publisher);
    } else {
        put(&mut item, "container-title", &html(&detail("container")));
        put(&mut item, "publisher", &record.publisher);
    }
    put(&mut item, "collection-title", &html(&detail("series")));
    for (key, csl) in FIELDS
        .into_iter()
        .chain([("issn", "ISSN"), ("call-number", "call-number")])
    {
        put(&mut item, csl, &detail(key));
    }
    if let Some(date) = &record.date {
        item.insert("issued".into(), date_json(date));
    }
    put(&mut item, "URL", &record.url);
    if let Some(date) = &record.accessed {
        item.insert("accessed".into(), date_json(date));
    }
    if let Some(archived) = &record.archived {
        let name = url::Url::parse(archived)
            .ok()
            .and_then(|u| u.host_str().map(super::mapping::archive_name));
        put(&mut item, "archive", &name);
        item.insert("archive_location".into(), json!(archived));
    }
    put(&mut item, "archive", &detail("archive"));
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
