//! The registry schema: turns one parsed TOML file into sources and claims,
//! checking every field's type and value and reporting each problem.

use std::ops::Range;
use std::str::FromStr;

use hayagriva::types::{EntryType, Person};
use toml::de::{DeTable, DeValue};

use super::fields::{Item, Reader, get, key_span};
use super::value::{Bound, DateError, Number, PartialDate, Value};
use super::{Author, Claim, Conflict, Evidence, Level, Resolution, Rule, Source, id};
use crate::diag::Code;
use crate::diag::Spanned;

/// What one registry file defines.
#[derive(Debug, Default)]
pub struct Part {
    /// `[registry] title`.
    pub title: Option<Spanned<String>>,
    /// `[registry] style`.
    pub style: Option<Spanned<String>>,
    /// `[registry.rules]`.
    pub rules: Vec<Rule>,
    /// `[registry] include` patterns.
    pub include: Vec<Spanned<String>>,
    /// Sources in file order.
    pub sources: Vec<Source>,
    /// Claims in file order.
    pub claims: Vec<Claim>,
}

const TOP: &[&str] = &["registry", "sources", "claims"];
const REGISTRY: &[&str] = &["title", "style", "include", "rules"];
const CLAIM: &[&str] = &[
    "statement",
    "credibility",
    "evidence",
    "sources",
    "conflict",
];
const EVIDENCE: &[&str] = &["source", "locator", "quote", "value"];
const CONFLICT: &[&str] = &["resolution", "rationale", "source"];
const QUALIFIERS: &[&str] = &["at-least", "at-most", "min", "max", "about"];

/// Reads one registry file; `main` says whether `[registry]` is allowed.
pub fn read(r: &mut Reader<'_>, root: &DeTable<'_>, main: bool) -> Part {
    let mut part = Part::default();
    r.unknown_keys(root, TOP, "the registry");
    if let Some((table, span)) = r.table(root, "registry") {
        if main {
            r.unknown_keys(table, REGISTRY, "`[registry]`");
            part.title = r.text(table, "title");
            part.style = r.text(table, "style");
            part.include = r.strings(table, "include").unwrap_or_default();
            part.rules = rules(r, table);
        } else {
            let at = key_span(root, "registry").unwrap_or(span);
            r.invalid(
                at,
                "`[registry]` belongs in the main registry file, not in an included one",
            );
        }
    }
    for_each_entry(r, root, "sources", |r, id, table, _| {
        part.sources.push(source(r, id, table))
    });
    for_each_entry(r, root, "claims", |r, id, table, span| {
        part.claims.push(claim(r, id, table, span))
    });
    part
}

/// Calls `f` for every `[group.ID]` table with a valid ID.
fn for_each_entry<'t, 'i>(
    r: &mut Reader<'_>,
    root: &'t DeTable<'i>,
    group: &str,
    mut f: impl FnMut(&mut Reader<'_>, Spanned<String>, &'t DeTable<'i>, Range<usize>),
) {
    let Some((table, _)) = r.table(root, group) else {
        return;
    };
    for (key, item) in table.iter() {
        let name = key.get_ref().to_string();
        if let Some(problem) = id::check(&name) {
            r.invalid(key.span(), format!("invalid ID `{name}`: {problem}"));
            continue;
        }
        let DeValue::Table(entry) = item.get_ref() else {
            let what = if group == "sources" {
                "a source"
            } else {
                "a claim"
            };
            r.wrong_type(
                &format!("{group}.{name}"),
                item,
                &format!("a table describing {what}"),
            );
            continue;
        };
        let id = Spanned::new(name, r.span(key.span()));
        f(r, id, entry, key.span());
    }
}

fn source(r: &mut Reader<'_>, id: Spanned<String>, t: &DeTable<'_>) -> Source {
    let known: Vec<&str> = super::described::keys()
        .chain(super::details::KEYS.iter().copied())
        .collect();
    r.unknown_keys(t, &known, &format!("source `{}`", id.value));
    let what = format!("source `{}`", id.value);
    let title = super::details::rich_text(r, t, "title");
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
        short_title: super::details::rich_text(r, t, "short-title"),
        authors: people(r, t, "authors"),
        publisher: r.text(t, "publisher"),
        date: date(r, t, "date"),
        url: url(r, t, "url"),
        doi: doi(r, t),
        isbn: isbn(r, t),
        accessed: date(r, t, "accessed"),
        archived: url(r, t, "archived"),
        language: language(r, t),
        original_title: super::details::rich_text(r, t, "original-title"),
        affiliation: r.text(t, "affiliation"),
        reliability: reliability(r, t),
        confidential: r.boolean(t, "confidential"),
        capture: r.text(t, "capture"),
        captured_at: captured_at(r, t),
        collected_by: r.text(t, "collected-by"),
        sha256: sha256(r, t),
        note: r.text(t, "note"),
        redact: redact(r, t),
        details: super::details::read(r, t, people, entry_type),
        id,
    }
}

/// `redact`: terms that only mean something on a confidential source.
fn redact(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<Spanned<String>> {
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

fn entry_type(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<EntryType>> {
    let name = r.text(t, key)?;
    match super::details::type_of(&name.value) {
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
fn people(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Vec<Spanned<Author>> {
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

fn date(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<PartialDate>> {
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
fn date_of(item: &Item<'_>) -> Result<PartialDate, String> {
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

fn url(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
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

fn language(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
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

fn reliability(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<char>> {
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

fn rules(r: &mut Reader<'_>, registry: &DeTable<'_>) -> Vec<Rule> {
    let Some((table, _)) = r.table(registry, "rules") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, item) in table.iter() {
        let name = key.get_ref().as_ref();
        let Some(code) = Code::from_name(name) else {
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            let help = crate::diag::unknown_name_help(name, &codes, "codes");
            r.invalid(
                key.span(),
                format!("unknown code `{name}` in `[registry.rules]`"),
            )
            .help = Some(help);
            continue;
        };
        let DeValue::String(given) = item.get_ref() else {
            r.wrong_type(name, item, "\"error\", \"warning\" or \"allow\"");
            continue;
        };
        let guarded = matches!(code, Code::ConfidentialOnly | Code::ConfidentialLeak);
        match Level::ALL.iter().find(|(n, _)| *n == given.as_ref()) {
            Some(&(_, level)) if guarded && level != Level::Error => {
                r.invalid(
                    key.span().start..item.span().end,
                    format!("`{name}` protects confidential sources and cannot be lowered"),
                )
                .help = Some(
                    "cite public evidence instead, or build for internal use with --internal"
                        .into(),
                );
            }
            Some(&(_, level)) => out.push(Rule {
                code,
                level,
                span: r.span(key.span().start..item.span().end),
            }),
            None => {
                let help = crate::diag::suggest(given, Level::ALL.map(|(n, _)| n))
                    .unwrap_or_else(|| "use \"error\", \"warning\" or \"allow\"".into());
                r.invalid(item.span(), format!("unknown level `{given}` for `{name}`"))
                    .help = Some(help);
            }
        }
    }
    out
}

/// A DOI, with or without `https://doi.org/` or `doi:` in front.
fn doi(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
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
fn isbn(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
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
fn captured_at(
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

fn sha256(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
    let value = r.string(t, "sha256")?;
    if value.value.len() == 64 && value.value.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(Spanned::new(value.value.to_ascii_lowercase(), value.span));
    }
    r.invalid(value.span.range, "`sha256` must be 64 hexadecimal digits");
    None
}

fn claim(r: &mut Reader<'_>, id: Spanned<String>, t: &DeTable<'_>, key: Range<usize>) -> Claim {
    let what = format!("claim `{}`", id.value);
    r.unknown_keys(t, CLAIM, &what);
    let statement = r.text(t, "statement");
    if get(t, "statement").is_none() {
        r.missing(key, "statement", &what);
    }
    let mut evidence = long_evidence(r, t);
    for source in r.strings(t, "sources").unwrap_or_default() {
        evidence.push(Evidence {
            source,
            locator: None,
            quote: None,
            value: None,
        });
    }
    Claim {
        statement,
        credibility: credibility(r, t),
        evidence,
        conflict: conflict(r, t),
        id,
    }
}

fn credibility(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<u8>> {
    let item = get(t, "credibility")?;
    let grade = item
        .get_ref()
        .as_integer()
        .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok());
    match grade {
        Some(g @ 1..=6) => Some(Spanned::new(g as u8, r.span(item.span()))),
        _ => {
            r.invalid(
                item.span(),
                "`credibility` must be an Admiralty grade from 1 to 6",
            )
            .help = Some("1 confirmed … 5 improbable, 6 cannot be judged".into());
            None
        }
    }
}

fn long_evidence(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<Evidence> {
    let Some(item) = get(t, "evidence") else {
        return Vec::new();
    };
    let DeValue::Array(array) = item.get_ref() else {
        r.wrong_type("evidence", item, "an array of `{ source = \"…\" }` tables");
        return Vec::new();
    };
    let mut out = Vec::new();
    for element in array.iter() {
        let DeValue::Table(e) = element.get_ref() else {
            r.wrong_type("evidence", element, "a `{ source = \"…\" }` table");
            continue;
        };
        r.unknown_keys(e, EVIDENCE, "evidence");
        let Some(source) = r.text(e, "source") else {
            if get(e, "source").is_none() {
                r.missing(element.span(), "source", "this evidence");
            }
            continue;
        };
        out.push(Evidence {
            source,
            locator: r.text(e, "locator"),
            quote: r.text(e, "quote"),
            value: get(e, "value").and_then(|v| value(r, v)),
        });
    }
    out
}

fn value(r: &mut Reader<'_>, item: &Item<'_>) -> Option<Spanned<Value>> {
    let span = r.span(item.span());
    let value = match item.get_ref() {
        DeValue::String(s) if !PartialDate::looks_like_date(s) => {
            if s.trim().is_empty() {
                r.invalid(item.span(), "`value` must not be empty");
                return None;
            }
            Value::Text(s.trim().to_string())
        }
        DeValue::Table(t) => return qualified(r, t, item.span()).map(|v| Spanned::new(v, span)),
        _ => match bound(item) {
            Ok(b) => Value::Exact(b),
            Err(message) => {
                r.invalid(item.span(), format!("`value` {message}"));
                return None;
            }
        },
    };
    Some(Spanned::new(value, span))
}

fn bound(item: &Item<'_>) -> Result<Bound, String> {
    match item.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(|n| Bound::Number(Number::Int(n)))
            .map_err(|_| "is too large".into()),
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Bound::Number(Number::Float(x))),
            _ => Err("must be a finite number".into()),
        },
        DeValue::String(_) | DeValue::Datetime(_) => date_of(item).map(Bound::Date),
        other => Err(format!(
            "must be a number, a date, a text or a qualified number such as `{{ at-least = 30000 }}` (found {})",
            other.type_str()
        )),
    }
}

fn qualified(r: &mut Reader<'_>, t: &DeTable<'_>, at: Range<usize>) -> Option<Value> {
    r.unknown_keys(t, QUALIFIERS, "a qualified value");
    let mut read = |key: &str| -> Option<Bound> {
        let item = get(t, key)?;
        bound(item)
            .map_err(|message| r.invalid(item.span(), format!("`{key}` {message}")))
            .ok()
    };
    let (at_least, at_most, min, max, about) = (
        read("at-least"),
        read("at-most"),
        read("min"),
        read("max"),
        read("about"),
    );
    let given = [&at_least, &at_most, &min, &max, &about]
        .iter()
        .filter(|b| b.is_some())
        .count();
    let value = match (at_least, at_most, min, max, about) {
        (Some(b), None, None, None, None) => Value::AtLeast(b),
        (None, Some(b), None, None, None) => Value::AtMost(b),
        (None, None, None, None, Some(b)) => Value::About(b),
        (None, None, Some(a), Some(b), None) => {
            let v = Value::Range(a, b);
            let kinds_match = matches!(
                (a, b),
                (Bound::Number(_), Bound::Number(_)) | (Bound::Date(_), Bound::Date(_))
            );
            match v.interval() {
                Some(i) if kinds_match && i.low <= i.high => v,
                _ => {
                    r.invalid(at, "`min` must not be greater than `max`, and both must be numbers or both dates");
                    return None;
                }
            }
        }
        _ if given == 0 && t.is_empty() => {
            r.invalid(
                at,
                "a qualified value needs `at-least`, `at-most`, `about`, or `min` with `max`",
            );
            return None;
        }
        _ if given == 0 => return None,
        _ => {
            r.invalid(at, "a qualified value has exactly one of `at-least`, `at-most`, `about`, or `min` with `max`");
            return None;
        }
    };
    Some(value)
}

fn conflict(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Conflict> {
    let (table, span) = r.table(t, "conflict")?;
    r.unknown_keys(table, CONFLICT, "`conflict`");
    let resolution = r.string(table, "resolution").and_then(|name| {
        match Resolution::ALL.iter().find(|(n, _)| *n == name.value) {
            Some(&(_, res)) => Some(Spanned::new(res, name.span)),
            None => {
                let names = Resolution::ALL.map(|(n, _)| n);
                let help = crate::diag::suggest(&name.value, names)
                    .unwrap_or_else(|| "use `range`, `attributed` or `preferred`".into());
                r.invalid(
                    name.span.range,
                    format!("unknown resolution `{}`", name.value),
                )
                .help = Some(help);
                None
            }
        }
    });
    if get(table, "resolution").is_none() {
        r.missing(span.clone(), "resolution", "`conflict`");
    }
    let rationale = r.text(table, "rationale");
    if get(table, "rationale").is_none() {
        r.missing(span.clone(), "rationale", "`conflict`");
    }
    let source = r.text(table, "source");
    let preferred = resolution
        .as_ref()
        .is_some_and(|res| res.value == Resolution::Preferred);
    if preferred && get(table, "source").is_none() {
        r.missing(span.clone(), "source", "a `preferred` resolution");
    }
    if let Some(s) = source
        .as_ref()
        .filter(|_| !preferred && resolution.is_some())
    {
        r.invalid(
            s.span.range.clone(),
            "`source` is only used with `resolution = \"preferred\"`",
        );
    }
    Some(Conflict {
        span: r.span(span),
        resolution,
        rationale,
        source,
    })
}
