//! Rules about claims and their evidence: it must exist, name real sources,
//! agree or record how it disagrees, and not rest on one camp or on weak
//! sources alone.

use crate::diag::{Code, Diagnostic, Spanned, suggest};
use crate::registry::value::Kind;
use crate::registry::{Claim, Evidence, Registry, Resolution, Value};

/// `unknown-source`: evidence names a source the registry does not define.
pub fn unknown_source(registry: &Registry, out: &mut Vec<Diagnostic>) {
    for claim in registry.claims.values() {
        for evidence in &claim.evidence {
            let id = &evidence.source.value;
            if registry.sources.contains_key(id) {
                continue;
            }
            let span = evidence.source.span.clone();
            let diagnostic = if registry.claims.contains_key(id) {
                Diagnostic::new(
                    Code::UnknownSource,
                    format!("`{id}` is a claim, not a source"),
                )
                .at(span)
                .with_help("evidence must name a source; cite the claim in the report instead")
            } else {
                let message = format!(
                    "claim `{}` rests on `{id}`, which is not a source",
                    claim.id.value
                );
                let diagnostic = Diagnostic::new(Code::UnknownSource, message).at(span);
                diagnostic.with_help(
                    suggest(id, registry.sources.keys().map(String::as_str))
                        .unwrap_or_else(|| format!("add `[sources.{id}]` to the registry")),
                )
            };
            out.push(diagnostic);
        }
    }
}

/// `no-evidence`: a claim names no source at all.
pub fn no_evidence(registry: &Registry, out: &mut Vec<Diagnostic>) {
    for claim in registry.claims.values().filter(|c| c.evidence.is_empty()) {
        out.push(
            Diagnostic::new(
                Code::NoEvidence,
                format!("claim `{}` has no evidence", claim.id.value),
            )
            .at(claim.id.span.clone())
            .with_help(
                "add `evidence = [{ source = \"…\", locator = \"…\" }]` or `sources = [\"…\"]`",
            ),
        );
    }
}

/// `conflicting-evidence`: values with no point in common, and no recorded
/// resolution; also checks that a `preferred` source is among the evidence.
/// Unless `internal`, what a confidential source reports is not printed:
/// the disagreement is named, its confidential side withheld.
pub fn conflicting_evidence(registry: &Registry, internal: bool, out: &mut Vec<Diagnostic>) {
    let hidden = |id: &str| !internal && registry.is_hidden(id);
    for claim in registry.claims.values() {
        check_preferred(claim, out);
        let resolved = claim
            .conflict
            .as_ref()
            .is_some_and(|c| c.resolution.is_some() && c.rationale.is_some());
        let involved: Vec<(&Evidence, &Spanned<Value>)> = claim
            .disagreeing()
            .into_iter()
            .filter_map(|e| e.value.as_ref().map(|v| (e, v)))
            .collect();
        if resolved || involved.is_empty() {
            continue;
        }
        let kinds_differ = claim
            .evidence
            .iter()
            .filter_map(|e| e.value.as_ref())
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0].value.kind() != w[1].value.kind());
        let describe = |source: &str, v: &Value| {
            if hidden(source) {
                return "a value (withheld: a confidential source)".to_string();
            }
            if !kinds_differ {
                return v.to_string();
            }
            let kind = match v.kind() {
                Kind::Number => "the number",
                Kind::Date => "the date",
                Kind::Text => "the text",
            };
            format!("{kind} {v}")
        };
        let parts: Vec<String> = involved
            .iter()
            .map(|(e, v)| {
                format!(
                    "`{}` reports {}",
                    e.source.value,
                    describe(&e.source.value, &v.value)
                )
            })
            .collect();
        let message = format!(
            "the evidence for `{}` disagrees: {}",
            claim.id.value,
            parts.join(", ")
        );
        let mut diagnostic = Diagnostic::new(Code::ConflictingEvidence, message)
            .at(claim.id.span.clone())
            .with_help("record how the report treats it: conflict = { resolution = \"range\" | \"attributed\" | \"preferred\", rationale = \"…\" }");
        for (evidence, value) in &involved {
            diagnostic = diagnostic.with_label(
                value.span.clone(),
                format!(
                    "this source reports {}",
                    describe(&evidence.source.value, &value.value)
                ),
            );
            if hidden(&evidence.source.value) {
                diagnostic.quiet = true;
            }
        }
        out.push(diagnostic);
    }
}

fn check_preferred(claim: &Claim, out: &mut Vec<Diagnostic>) {
    let Some(conflict) = &claim.conflict else {
        return;
    };
    let preferred = conflict
        .resolution
        .as_ref()
        .is_some_and(|r| r.value == Resolution::Preferred);
    let Some(source) = conflict.source.as_ref().filter(|_| preferred) else {
        return;
    };
    if claim
        .evidence
        .iter()
        .any(|e| e.source.value == source.value)
    {
        return;
    }
    let message = format!(
        "the preferred source `{}` is not among the evidence of `{}`",
        source.value, claim.id.value
    );
    let mut diagnostic = Diagnostic::new(Code::InvalidField, message).at(source.span.clone());
    if let Some(suggestion) = suggest(
        &source.value,
        claim.evidence.iter().map(|e| e.source.value.as_str()),
    ) {
        diagnostic = diagnostic.with_help(suggestion);
    }
    out.push(diagnostic);
}

/// The distinct sources a claim's evidence names, when all exist.
fn sources_of<'r>(
    registry: &'r Registry,
    claim: &Claim,
) -> Option<Vec<&'r crate::registry::Source>> {
    let all_known = claim
        .evidence
        .iter()
        .all(|e| registry.sources.contains_key(&e.source.value));
    let sources = registry.sources_of(claim);
    (all_known && !sources.is_empty()).then_some(sources)
}

/// `single-origin`: every source of a claim has the same `affiliation`.
pub fn single_origin(registry: &Registry, out: &mut Vec<Diagnostic>) {
    for claim in registry.claims.values() {
        let Some(sources) = sources_of(registry, claim) else {
            continue;
        };
        let affiliations: Option<Vec<_>> = sources.iter().map(|s| s.affiliation.as_ref()).collect();
        let Some(affiliations) = affiliations else {
            continue;
        };
        let first = &affiliations[0].value;
        if affiliations.iter().any(|a| a.value != *first) {
            continue;
        }
        let message = match sources.len() {
            1 => format!(
                "the only source of `{}` is affiliated with `{first}`",
                claim.id.value
            ),
            2 => format!(
                "both sources of `{}` share the affiliation `{first}`",
                claim.id.value
            ),
            n => format!(
                "all {n} sources of `{}` share the affiliation `{first}`",
                claim.id.value
            ),
        };
        let mut diagnostic = Diagnostic::new(Code::SingleOrigin, message)
            .at(claim.id.span.clone())
            .with_help("sources of one camp do not confirm each other: find an independent source, or tell readers that the claim rests on one camp");
        for (source, affiliation) in sources.iter().zip(&affiliations) {
            diagnostic = diagnostic.with_label(
                affiliation.span.clone(),
                format!("affiliation of `{}`", source.id.value),
            );
        }
        out.push(diagnostic);
    }
}

/// `weak-evidence`: every source of a claim is graded E or F.
pub fn weak_evidence(registry: &Registry, out: &mut Vec<Diagnostic>) {
    for claim in registry.claims.values() {
        let Some(sources) = sources_of(registry, claim) else {
            continue;
        };
        let grades: Option<Vec<_>> = sources.iter().map(|s| s.reliability.as_ref()).collect();
        let Some(grades) = grades else { continue };
        if !grades.iter().all(|g| matches!(g.value, 'E' | 'F')) {
            continue;
        }
        let listed: Vec<String> = sources
            .iter()
            .zip(&grades)
            .map(|(s, g)| format!("`{}` {}", s.id.value, g.value))
            .collect();
        let message = format!(
            "`{}` rests only on sources graded E or F ({})",
            claim.id.value,
            listed.join(", ")
        );
        let mut diagnostic = Diagnostic::new(Code::WeakEvidence, message)
            .at(claim.id.span.clone())
            .with_help("E is unreliable and F cannot be judged: find a more reliable source, or lower the claim's credibility and say so");
        for (source, grade) in sources.iter().zip(&grades) {
            diagnostic = diagnostic.with_label(
                grade.span.clone(),
                format!("reliability of `{}`", source.id.value),
            );
        }
        out.push(diagnostic);
    }
}
