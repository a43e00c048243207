//! The build's data as Typst reads it (`data.json`): the report's front
//! matter, and the claims and sources it cites — never spliced into markup.

use chrono::Datelike;
use serde_json::{Value, json};

use super::{Job, Style};
use crate::registry::{Author, Evidence};
use crate::resolve::Resolved;

/// The JSON text of `data.json`.
pub fn json(job: &Job<'_>, resolved: &Resolved<'_>) -> String {
    let front = &job.report.front;
    let text = |s: &Option<crate::diag::Spanned<String>>| s.as_ref().map(|s| s.value.clone());
    let title = text(&front.title).unwrap_or_else(|| {
        job.report
            .path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    });
    let date = job.date;
    let claims: serde_json::Map<String, Value> = resolved
        .claims
        .iter()
        .filter_map(|id| job.registry.claims.get(*id))
        .map(|claim| {
            let conflict = claim.conflict.as_ref().map(|c| {
                json!({
                    "resolution": c.resolution.as_ref().map(|r| r.value.as_str()),
                    "rationale": c.rationale.as_ref().map(|r| r.value.clone()),
                    "source": c.source.as_ref().map(|s| s.value.clone()),
                })
            });
            let value = json!({
                "statement": claim.statement.as_ref().map(|s| s.value.clone()),
                "credibility": claim.credibility.as_ref().map(|c| c.value),
                "evidence": claim.evidence.iter().map(evidence).collect::<Vec<_>>(),
                "conflict": conflict,
            });
            (claim.id.value.clone(), value)
        })
        .collect();
    let sources: serde_json::Map<String, Value> = resolved
        .sources
        .iter()
        .filter_map(|id| job.registry.sources.get(*id))
        .map(|s| {
            let value = json!({
                "title": s.title.as_ref().map(|t| t.value.clone()),
                "authors": s.authors.iter().map(|a| match &a.value {
                    Author::Person(name) | Author::Organisation(name) => name.clone(),
                }).collect::<Vec<_>>(),
                "affiliation": s.affiliation.as_ref().map(|a| a.value.clone()),
                "reliability": s.reliability.as_ref().map(|r| r.value.to_string()),
            });
            (s.id.value.clone(), value)
        })
        .collect();
    let style = match job.style {
        Style::Name(name) => name.clone(),
        Style::File(..) => "style.csl".into(),
    };
    let data = json!({
        "meta": {
            "title": title,
            "subtitle": text(&front.subtitle),
            "authors": front.authors,
            "organisation": text(&front.organisation),
            "date": { "year": date.year(), "month": date.month(), "day": date.day() },
            "lang": text(&front.lang).unwrap_or_else(|| "en".into()),
            "classification": text(&front.classification),
            "keywords": front.keywords,
            "abstract": text(&front.abstract_),
        },
        "style": style,
        "claims": claims,
        "sources": sources,
    });
    serde_json::to_string_pretty(&data).expect("JSON values always serialise")
}

fn evidence(e: &Evidence) -> Value {
    json!({
        "source": e.source.value,
        "locator": e.locator.as_ref().map(|l| l.value.clone()),
        "quote": e.quote.as_ref().map(|q| q.value.clone()),
        "value": e.value.as_ref().map(|v| v.value.to_string()),
    })
}
