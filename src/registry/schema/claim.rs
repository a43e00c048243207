//! A claim's table: its statement, credibility, evidence and conflict.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::source::date_of;
use super::{CLAIM, CONFLICT, EVIDENCE, QUALIFIERS};
use crate::diag::Spanned;
use crate::registry::fields::{Item, Reader, get};
use crate::registry::value::{Bound, Number, PartialDate, Value};
use crate::registry::{Claim, Conflict, Evidence, Resolution};

pub(super) fn claim(
    r: &mut Reader<'_>,
    id: Spanned<String>,
    t: &DeTable<'_>,
    key: Range<usize>,
) -> Claim {
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

pub(super) fn credibility(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<u8>> {
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

pub(super) fn long_evidence(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<Evidence> {
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

pub(super) fn value(r: &mut Reader<'_>, item: &Item<'_>) -> Option<Spanned<Value>> {
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

pub(super) fn bound(item: &Item<'_>) -> Result<Bound, String> {
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

pub(super) fn qualified(r: &mut Reader<'_>, t: &DeTable<'_>, at: Range<usize>) -> Option<Value> {
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

pub(super) fn conflict(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Conflict> {
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
