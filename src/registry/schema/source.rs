//! A source's table: every field read, checked and reported.

use std::str::FromStr;

use hayagriva::types::{EntryType, Person};
use toml::de::{DeTable, DeValue};

use crate::diag::Spanned;
use crate::registry::fields::{Item, Reader, get, key_span};
use crate::registry::value::{DateError, PartialDate};
use crate::registry::{Author, Source};

pub(super) fn source(r: &mut Reader<'_>, id: Spanned<String>, t: &DeTable<'_>) -> Source {
    let known: Vec<&str> = crate::registry::described::keys()
        .chain(crate::registry::details::KEYS.iter().copied())
        .collect();
    r.unknown_keys(t, &known, &format!("source `{}`", id.value));
    let what = format!("source `{}`", id.value);
    let title = crate::registry::details::rich_text(r, t, "title");
    if title.is_none() && get(t, "title").is_none() {
        r.missing(id.span.range.clone(), "title", &what);
    }
    if get(t, "capture").is_none()
        && let Some(span) = key_span(t, "sha256")
    {
        r.invalid(
            span,
            "`sha256` is the hash of a capture, but this source has no `capture`",
        )
        .help = Some("add `capture = \"captures/…\"` beside it, or remove `sha256`".into());
    }
    Source {
        kind: entry_type(r, t, "type")
            .unwrap_or_else(|| Spanned::new(EntryType::Misc, id.span.clone())),
        title,
        short_title: crate::registry::details::rich_text(r, t, "short-title"),
        authors: people(r, t, "authors"),
        publisher: r.text(t, "publisher"),
        date: date(r, t, "date"),
        url: url(r, t, "url"),
        doi: doi(r, t),
        isbn: isbn(r, t),
        accessed: date(r, t, "accessed"),
        archived: url(r, t, "archived"),
        language: language(r, t),
        original_title: crate::registry::details::rich_text(r, t, "original-title"),
        affiliation: r.text(t, "affiliation"),
        reliability: reliability(r, t),
        confidential: r.boolean(t, "confidential"),
        capture: r.text(t, "capture"),
        captured_at: captured_at(r, t),
        collected_by: r.text(t, "collected-by"),
        sha256: sha256(r, t),
        note: r.text(t, "note"),
        redact: redact(r, t),
        details: crate::registry::details::read(r, t, people, entry_type),
        id,
    }
}

/// `redact`: terms that only mean something on a confidential source.
pub(super) fn redact(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<Spanned<String>> {
    let terms = r.strings(t, "redact").unwrap_or_default();
    let confidential = matches!(
        get(t, "confidential").map(|c| c.get_ref()),
        Some(DeValue::Boolean(true))
    );
    if !terms.is_empty()
        && !confidential
        && let Some(span) = key_span(t, "redact")
    {
        r.invalid(span, "`redact` lists what a confidential source must keep hidden, but this source is not confidential")
            .help = Some("add `confidential = true`, or remove `redact`".into());
    }
    let mut out = Vec::new();
    for term in terms {
        if term.value.trim().is_empty() || crate::skeleton::of(&term.value).is_empty() {
            r.invalid(
                term.span.range.clone(),
                "a `redact` term needs at least one letter or digit",
            );
        } else {
            out.push(term);
        }
    }
    out
}

pub(super) fn entry_type(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    key: &str,
) -> Option<Spanned<EntryType>> {
    let name = r.text(t, key)?;
    match crate::registry::details::type_of(&name.value) {
        Some(kind) => Some(Spanned::new(kind, name.span)),
        None => {
            let known = entry_type_names();
            let help = crate::diag::unknown_name_help(&name.value.to_lowercase(), &known, "types");
            r.invalid(
                name.span.range,
                format!("unknown source type `{}`", name.value),
            )
            .help = Some(help);
            None
        }
    }
}

/// The hayagriva entry types, as written in the registry.
pub fn entry_type_names() -> Vec<&'static str> {
    vec![
        "article",
        "anthology",
        "anthos",
        "artwork",
        "audio",
        "blog",
        "book",
        "case",
        "chapter",
        "conference",
        "entry",
        "exhibition",
        "legislation",
        "manuscript",
        "misc",
        "newspaper",
        "original",
        "patent",
        "performance",
        "periodical",
        "post",
        "proceedings",
        "reference",
        "report",
        "repository",
        "scene",
        "thesis",
        "thread",
        "video",
        "web",
    ]
}

/// Authors, editors or translators: persons and organisations.
pub(super) fn people(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Vec<Spanned<Author>> {
    let Some(item) = get(t, key) else {
        return Vec::new();
    };
    let DeValue::Array(array) = item.get_ref() else {
        r.wrong_type(key, item, "an array of names and `{ org = \"…\" }` tables");
        return Vec::new();
    };
    let mut out = Vec::new();
    for element in array.iter() {
        let span = r.span(element.span());
        match element.get_ref() {
            DeValue::String(name) if Person::from_str(name).is_ok() && !name.trim().is_empty() => {
                out.push(Spanned::new(Author::Person(name.trim().to_string()), span));
            }
            DeValue::String(name) => {
                r.invalid(element.span(), format!("`{name}` is not a person's name"))
                    .help = Some(
                    "write persons as \"Family, Given\" and organisations as { org = \"…\" }"
                        .into(),
                );
            }
            DeValue::Table(org) => {
                r.unknown_keys(org, &["org"], "an author");
                match r.text(org, "org") {
                    Some(name) => out.push(Spanned::new(Author::Organisation(name.value), span)),
                    None if get(org, "org").is_none() => {
                        r.missing(element.span(), "org", "this author")
                    }
                    None => {}
                }
            }
            _ => r.wrong_type(key, element, "a name or an `{ org = \"…\" }` table"),
        }
    }
    out
}

pub(super) fn date(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<PartialDate>> {
    let item = get(t, key)?;
    match date_of(item) {
        Ok(date) => Some(Spanned::new(date, r.span(item.span()))),
        Err(message) => {
            r.invalid(item.span(), format!("`{key}` {message}"));
            None
        }
    }
}

/// A date from a TOML date or a `YYYY`, `YYYY-MM`, `YYYY-MM-DD` string.
pub(super) fn date_of(item: &Item<'_>) -> Result<PartialDate, String> {
    match item.get_ref() {
        DeValue::String(s) => PartialDate::parse(s).map_err(|e| match e {
            DateError::Shape => {
                format!("must be a date as YYYY, YYYY-MM or YYYY-MM-DD (found `{s}`)")
            }
            DateError::Impossible => format!("is not a real date (`{s}`)"),
        }),
        DeValue::Datetime(dt) => match dt.date {
            Some(d) => {
                let text = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
                PartialDate::parse(&text).map_err(|_| format!("is not a real date (`{text}`)"))
            }
            None => Err("must be a date, not a time of day".into()),
        },
        other => Err(format!("must be a date (found {})", other.type_str())),
    }
}

pub(super) fn url(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
    let value = r.text(t, key)?;
    if crate::identity::is_web_url(&value.value) {
        return Some(value);
    }
    r.invalid(
        value.span.range,
        format!(
            "`{key}` must be an http or https URL (found `{}`)",
            value.value
        ),
    );
    None
}

pub(super) fn language(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
    let value = r.text(t, "language")?;
    if is_language_tag(&value.value) {
        return Some(value);
    }
    r.invalid(
        value.span.range,
        format!(
            "`language` must be a BCP 47 tag such as `en` or `fa-IR` (found `{}`)",
            value.value
        ),
    );
    None
}

/// Whether `tag` has the shape of a BCP 47 language tag (`en`, `fa-IR`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub(super) fn reliability(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<char>> {
    let value = r.string(t, "reliability")?;
    let mut chars = value.value.chars();
    match (chars.next(), chars.next()) {
        (Some(c @ 'A'..='F'), None) => Some(Spanned::new(c, value.span)),
        _ => {
            r.invalid(
                value.span.range,
                format!(
                    "`reliability` must be an Admiralty grade from `A` to `F` (found `{}`)",
                    value.value
                ),
            )
            .help = Some("A completely reliable … E unreliable, F cannot be judged".into());
            None
        }
    }
}

/// A DOI, with or without `https://doi.org/` or `doi:` in front.
pub(super) fn doi(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
    let value = r.text(t, "doi")?;
    if crate::identity::doi(&value.value).is_some() {
        return Some(value);
    }
    r.invalid(
        value.span.range,
        format!(
            "`doi` must look like `10.1234/abc` (found `{}`)",
            value.value
        ),
    );
    None
}

/// An ISBN-10 or ISBN-13 whose check digit is right.
pub(super) fn isbn(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
    let value = r.text(t, "isbn")?;
    if crate::identity::isbn(&value.value).is_some() {
        return Some(value);
    }
    r.invalid(
        value.span.range,
        format!(
            "`isbn` is not a valid ISBN-10 or ISBN-13 (found `{}`)",
            value.value
        ),
    )
    .help = Some("check the digits: the last one is a checksum".into());
    None
}

/// An RFC 3339 moment: a TOML offset date-time or a string.
pub(super) fn captured_at(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
) -> Option<Spanned<chrono::DateTime<chrono::FixedOffset>>> {
    let item = get(t, "captured-at")?;
    let text = match item.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        other => {
            let found = other.type_str();
            r.invalid(
                item.span(),
                format!("`captured-at` must be an RFC 3339 date and time (found {found})"),
            );
            return None;
        }
    };
    match chrono::DateTime::parse_from_rfc3339(&text) {
        Ok(moment) => Some(Spanned::new(moment, r.span(item.span()))),
        Err(_) => {
            r.invalid(item.span(), format!("`captured-at` must be an RFC 3339 date and time with an offset, such as 2026-11-21T14:03:22Z (found `{text}`)"));
            None
        }
    }
}

pub(super) fn sha256(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
    let value = r.string(t, "sha256")?;
    if value.value.len() == 64 && value.value.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(Spanned::new(value.value.to_ascii_lowercase(), value.span));
    }
    r.invalid(value.span.range, "`sha256` must be 64 hexadecimal digits");
    None
}
