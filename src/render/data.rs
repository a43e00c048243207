//! The build's data as Typst reads it (`data.json`): the report's front
//! matter, how the style shapes citations, and the claims and sources the
//! report reaches — never spliced into markup.

use chrono::Datelike;
use serde_json::{Map, Value, json};

use super::cite::Printed;
use super::{Job, Style, plan};
use crate::diag::Spanned;
use crate::registry::rich;
use crate::registry::{Author, Claim, Evidence, Source, Value as Reported};
use crate::resolve::Resolved;

/// The JSON texts of `data.json` and of `evidence.json`, the evidence the
/// PDF carries: the cited claims with their evidence (and whether each
/// quote was found in its source's capture), the cited sources with their
/// captures' SHA-256, the check, and this dossier's version.
/// `groups` are the report's citation groups as planned, or as printed when
/// the citations were formatted here (`printed`).
pub fn json(
    job: &Job<'_>,
    resolved: &Resolved<'_>,
    files: &crate::diag::Files,
    shape: &super::style::Shape,
    groups: Value,
    printed: Option<Printed>,
    annex: bool,
) -> (String, String) {
    let front = &job.report.front;
    let title = text(&front.title).unwrap_or_else(|| {
        job.report
            .path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    });
    let date = job.date;
    let language = language(front);
    let mut captures = std::collections::HashMap::new();
    let claims: Map<String, Value> = resolved
        .claims
        .iter()
        .filter_map(|id| job.registry.claims.get(*id))
        .map(|claim| {
            let mut json = claim_json(job.registry, claim);
            // Whether each quote was found in its source's capture.
            for (e, out) in claim.evidence.iter().zip(
                json["evidence"]
                    .as_array_mut()
                    .map(|a| a.iter_mut())
                    .into_iter()
                    .flatten(),
            ) {
                out["verified"] = verified(job.registry, e, files, &mut captures);
            }
            (claim.id.value.clone(), json)
        })
        .collect();
    let sources: Map<String, Value> = resolved
        .sources
        .iter()
        .filter_map(|id| job.registry.sources.get(*id))
        .map(|source| (source.id.value.clone(), source_json(source)))
        .collect();
    let (style, style_file) = match job.style {
        Style::Name(name) => (name.clone(), false),
        Style::File(..) => ("style.csl".into(), true),
    };
    let unknown: Vec<&str> = if job.draft {
        resolved.unknown.iter().map(|c| c.id.as_str()).collect()
    } else {
        Vec::new()
    };
    let data = json!({
        "meta": {
            "title": title,
            "subtitle": text(&front.subtitle),
            "authors": front.authors,
            "organisation": text(&front.organisation),
            "date": { "year": date.year(), "month": date.month(), "day": date.day() },
            "lang": language.0,
            "region": language.1,
            "classification": text(&front.classification),
            "keywords": front.keywords,
            "abstract": text(&front.abstract_),
        },
        // The numbering pattern of dates and page numbers.
        "digits": digits(front, &language.0),
        // Typst's own reading of the language's direction.
        "rtl": super::bidi::language_rtl(&language.0),
        "style": style,
        "style-file": style_file,
        "citation": { "note": shape.note, "open": shape.open, "close": shape.close, "delimiter": shape.delimiter },
        "draft": job.draft,
        // Whether citations link to a claims annex.
        "annex": annex,
        "unknown": unknown,
        "nocite": nocite(job),
        "groups": groups,
        "claims": claims,
        "sources": sources,
    });
    // The same sources, each with its capture.
    let captured: Map<String, Value> = sources
        .iter()
        .filter_map(|(id, json)| Some((job.registry.sources.get(id)?, json)))
        .map(|(source, json)| {
            let mut json = json.clone();
            // Every field the list of sources prints, as it prints them.
            json["entry"] = super::bib::yaml(job.registry, &[source.id.value.as_str()])
                .map_or(Value::Null, Value::String);
            json["capture"] = match &source.sha256 {
                Some(sha256) => json!({
                    "sha256": sha256.value,
                    "captured": source.captured_at.as_ref().map(|c| c.value.to_rfc3339()),
                }),
                None => Value::Null,
            };
            (source.id.value.clone(), json)
        })
        .collect();
    let summary = &job.summary;
    let evidence = json!({
        "dossier": env!("CARGO_PKG_VERSION"),
        "report": { "title": data["meta"]["title"], "date": job.date.to_string() },
        "internal": job.internal,
        "check": { "errors": summary.errors, "warnings": summary.warnings, "citations": summary.citations },
        "claims": data["claims"],
        "sources": captured,
    });
    let mut data = data;
    data["printed"] = Value::Bool(printed.is_some());
    if let Some(printed) = printed {
        data["cites"] = Value::Array(printed.cites);
        data["names"] = Value::Object(printed.names);
    }
    (
        serde_json::to_string(&data).expect("JSON values always serialise"),
        serde_json::to_string_pretty(&evidence).expect("JSON values always serialise"),
    )
}

/// The Typst numbering pattern of the report's digits: Persian (`۱`) for
/// Persian, Arabic-Indic (`١`) for Arabic, unless the front matter says
/// `digits: latin`; Latin (`1`) for every other language.
fn digits(front: &crate::report::FrontMatter, language: &str) -> &'static str {
    if front.digits.as_ref().is_some_and(|d| d.value == "latin") {
        return "1";
    }
    match language {
        "fa" => "۱",
        "ar" => "١",
        _ => "1",
    }
}

/// The document's language and region as Typst names them; English when
/// the front matter names none. Checked when the front matter was read: a
/// tag Typst cannot take never gets this far.
pub fn language(front: &crate::report::FrontMatter) -> (String, Option<String>) {
    front
        .lang
        .as_ref()
        .and_then(|l| crate::report::typst_language(&l.value).ok())
        .unwrap_or_else(|| ("en".into(), None))
}

fn text(value: &Option<Spanned<String>>) -> Option<String> {
    value.as_ref().map(|s| s.value.clone())
}

/// The sources named by the front matter's `nocite`, claims expanded.
pub fn nocite(job: &Job<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for citation in &job.report.nocite {
        let ids: Vec<&str> = if citation.is_every_source() {
            job.registry.sources.keys().map(String::as_str).collect()
        } else {
            let sources = job.registry.sources_for(&citation.id);
            sources.into_iter().map(|s| s.id.value.as_str()).collect()
        };
        for id in ids {
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
    }
    out
}

pub(crate) fn claim_json(registry: &crate::registry::Registry, claim: &Claim) -> Value {
    let conflict = claim.conflict.as_ref().map(|c| {
        json!({
            "resolution": c.resolution.as_ref().map(|r| r.value.as_str()),
            "rationale": text(&c.rationale),
            "source": text(&c.source),
        })
    });
    json!({
        "statement": text(&claim.statement),
        "credibility": claim.credibility.as_ref().map(|c| c.value),
        "evidence": claim.evidence.iter().map(evidence_json).collect::<Vec<_>>(),
        "conflict": conflict,
        "disagrees": claim.disagrees(),
        // How a Typst report's `@claim` is printed, worked out here.
        "pairs": plan::by_author(registry, plan::targets(registry, &claim.id.value, None, None)),
        "bracketed": plan::undated_twice(registry, &plan::targets(registry, &claim.id.value, None, None)),
    })
}

/// The capture a quote was found in, as the annex shows it: its date and
/// short hash; `null` when the quote is not verified.
fn verified<'r>(
    registry: &'r crate::registry::Registry,
    e: &Evidence,
    files: &crate::diag::Files,
    captures: &mut std::collections::HashMap<
        &'r str,
        Option<Result<crate::check::quotes::Capture, String>>,
    >,
) -> Value {
    use crate::check::quotes::{Finding, Verification, verify};
    let (Some(quote), Some(source)) = (&e.quote, registry.sources.get(&e.source.value)) else {
        return Value::Null;
    };
    match verify(source, &quote.value, files, captures) {
        Verification::Checked {
            finding: Finding::Found { .. },
            ..
        } => json!({
            "date": source.captured_at.as_ref().map(|c| c.value.date_naive().to_string()),
            "hash": source.sha256.as_ref().map(|h| h.value.chars().take(8).collect::<String>()),
        }),
        _ => Value::Null,
    }
}

fn evidence_json(e: &Evidence) -> Value {
    json!({
        "source": e.source.value,
        "locator": text(&e.locator),
        "quote": text(&e.quote),
        "value": e.value.as_ref().map(|v| match &v.value {
            Reported::Text(_) => v.value.to_string(),
            number_or_date => readable(&number_or_date.to_string()),
        }),
    })
}

/// Large whole numbers with thousands separators: `30000` → `30,000`.
fn readable(text: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 5 {
            let first = digits.len() % 3;
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (i + 3 - first).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    let mut previous = ' ';
    for c in text.chars() {
        if c.is_ascii_digit()
            && (previous.is_ascii_digit()
                || !previous.is_alphanumeric() && previous != '-' && previous != '.')
        {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
        previous = c;
    }
    flush(&mut digits, &mut out);
    out
}

pub(crate) fn source_json(s: &Source) -> Value {
    let authors: Vec<&str> = s
        .authors
        .iter()
        .map(|a| match &a.value {
            Author::Person(name) | Author::Organisation(name) => name.as_str(),
        })
        .collect();
    json!({
        "title": text(&s.title).map(|t| rich::plain(&t)),
        "short-title": text(&s.short_title).map(|t| rich::plain(&t)),
        "authors": authors,
        "publisher": text(&s.publisher),
        "date": s.date.as_ref().map(|d| d.value.to_string()),
        "url": text(&s.url),
        "reliability": s.reliability.as_ref().map(|r| r.value.to_string()),
        "affiliation": text(&s.affiliation),
    })
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn large_numbers_get_separators() {
        assert_eq!(readable("about 30000"), "about 30,000");
        assert_eq!(readable("2800–3800"), "2800–3800");
        assert_eq!(readable("at least 120000"), "at least 120,000");
        assert_eq!(readable("1988-07-19"), "1988-07-19");
        assert_eq!(readable("1234567"), "1,234,567");
    }
}
