//! `dossier verify`: the evidence a built PDF carries, held against the seal
//! it was built with and, when the registry is at hand, against the
//! registry and the captures as they are now.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::check::quotes::{Finding, Verification};
use crate::diag::{Code, Diagnostic, Files, Span};
use crate::registry::{Claim, Registry, Source};
use crate::render::pdf::Carried;

/// What the PDF's evidence counts, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Claims in the evidence.
    pub claims: usize,
    /// Sources in the evidence.
    pub sources: usize,
    /// Citations the build counted.
    pub citations: usize,
}

/// The evidence a PDF carries, once it is known to be the evidence the PDF
/// was built with.
pub struct Evidence {
    claims: Map<String, Value>,
    sources: Map<String, Value>,
    /// Whether it is an internal build's, with confidential sources.
    internal: bool,
    /// What it counts.
    pub counts: Counts,
}

/// Whether the PDF is intact: it carries one evidence file, the one it was
/// sealed with, in dossier's shape, and nothing was appended after the
/// build. `name` is the PDF as the user named it.
pub fn intact(name: &str, carried: &Carried, out: &mut Vec<Diagnostic>) -> Option<Evidence> {
    let altered = |message: String| Diagnostic::new(Code::EvidenceAltered, message);
    let [bytes] = carried.evidence.as_slice() else {
        if carried.evidence.is_empty() {
            out.push(Diagnostic::new(
                Code::EvidenceMissing,
                format!("`{name}` carries no evidence: no `evidence.json` is attached to it"),
            ));
        } else {
            out.push(altered(format!(
                "`{name}` carries {} files named `evidence.json`; a build attaches one",
                carried.evidence.len()
            )));
        }
        return None;
    };
    if carried.revised {
        out.push(altered(format!(
            "`{name}` was changed after it was built: a later revision is appended to the file"
        )));
    }
    if !carried.sealed(bytes) {
        out.push(altered(format!(
            "the evidence attached to `{name}` is not the evidence it was built with: the PDF's document ID does not match it"
        )));
    }
    let parsed: Result<Value, String> = serde_json::from_slice(bytes).map_err(|e| e.to_string());
    let shape = parsed.and_then(|json| {
        let object = |key: &str| {
            json.get(key)
                .and_then(Value::as_object)
                .cloned()
                .ok_or_else(|| format!("it has no `{key}` object"))
        };
        if !json.get("dossier").is_some_and(Value::is_string) {
            return Err("it names no dossier version".into());
        }
        Ok(Evidence {
            claims: object("claims")?,
            sources: object("sources")?,
            internal: json["internal"].as_bool().unwrap_or(false),
            counts: Counts {
                claims: json["claims"].as_object().map_or(0, Map::len),
                sources: json["sources"].as_object().map_or(0, Map::len),
                citations: json["check"]["citations"].as_u64().unwrap_or(0) as usize,
            },
        })
    });
    match shape {
        Ok(evidence) => Some(evidence),
        Err(reason) => {
            out.push(altered(format!(
                "the `evidence.json` attached to `{name}` is not dossier's evidence: {reason}"
            )));
            None
        }
    }
}

/// Holds the evidence against the registry and its captures as they are
/// now: every claim and source still there and unchanged, every capture
/// the file the PDF was built from, every quote still in its capture.
pub fn against(
    name: &str,
    evidence: &Evidence,
    registry: &Registry,
    files: &Files,
    out: &mut Vec<Diagnostic>,
) {
    // A public PDF was built from the registry without its confidential
    // sources, and is compared with the same view.
    let public = (!evidence.internal).then(|| registry.public());
    let view = public.as_ref().unwrap_or(registry);
    let changed = |message: String| Diagnostic::new(Code::EvidenceChanged, message);
    for (id, carried) in &evidence.sources {
        let Some(source) = registry.sources.get(id) else {
            out.push(changed(format!(
                "`{name}` cites source `{id}`, which the registry no longer has"
            )));
            continue;
        };
        if !evidence.internal
            && let Some(confidential) = source.confidential.as_ref().filter(|c| c.value)
        {
            out.push(
                changed(format!(
                    "source `{id}` is confidential now, but the public `{name}` names it"
                ))
                .at(confidential.span.clone())
                .with_help("withdraw the PDF, and build it again without the source"),
            );
            continue;
        }
        let now = crate::render::data::source_json(source);
        let mut fields: Vec<&str> = now
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, value)| carried.get(key.as_str()) != Some(value))
            .map(|(key, _)| key.as_str())
            .collect();
        // Any other field the list of sources prints (type, container,
        // volume…).
        if let Some(entry) = carried.get("entry").and_then(Value::as_str)
            && crate::render::bib::yaml(view, &[id.as_str()])
                .ok()
                .as_deref()
                != Some(entry)
            && fields.is_empty()
        {
            fields.push("its entry in the list of sources");
        }
        let captured = source.captured_at.as_ref().map(|c| c.value.to_rfc3339());
        if let Some(then) = carried["capture"]["captured"].as_str()
            && captured.as_deref() != Some(then)
        {
            fields.push("captured-at");
        }
        if !fields.is_empty() {
            out.push(
                changed(format!(
                    "source `{id}` has changed since `{name}` was built: {}",
                    fields.join(", ")
                ))
                .at(source.id.span.clone()),
            );
        }
        if let Some(sha256) = carried["capture"]["sha256"].as_str() {
            capture(name, source, sha256, files, out);
        }
    }
    let mut captures = HashMap::new();
    for (id, carried) in &evidence.claims {
        let Some(claim) = view.claims.get(id) else {
            out.push(changed(format!(
                "`{name}` cites claim `{id}`, which the registry no longer has"
            )));
            continue;
        };
        if let Some((fields, span)) = claim_changes(view, claim, carried) {
            out.push(
                changed(format!(
                    "claim `{id}` has changed since `{name}` was built: {}",
                    fields.join(", ")
                ))
                .at(span),
            );
        }
        // Each quote the PDF shows, looked for in its source's capture now.
        for item in carried["evidence"].as_array().into_iter().flatten() {
            let (Some(quote), Some(source)) = (
                item["quote"].as_str(),
                item["source"]
                    .as_str()
                    .and_then(|s| registry.sources.get(s)),
            ) else {
                continue;
            };
            let finding = match crate::check::quotes::verify(source, quote, files, &mut captures) {
                Verification::Checked { finding, .. } => finding,
                // No capture, or none readable: the capture check says so.
                _ => continue,
            };
            if let Finding::Missing { .. } = finding {
                let span = claim
                    .evidence
                    .iter()
                    .filter(|e| e.source.value == source.id.value)
                    .find_map(|e| e.quote.as_ref().filter(|q| q.value == quote))
                    .map_or(claim.id.span.clone(), |q| q.span.clone());
                out.push(
                    Diagnostic::new(
                        Code::QuoteMismatch,
                        format!(
                            "a quote `{name}` gives for claim `{id}` is not in the capture of `{}` any more",
                            source.id.value
                        ),
                    )
                    .at(span),
                );
            }
        }
    }
}

/// The fields of a claim that differ from what the PDF carries, and where
/// the first of them is written.
fn claim_changes(view: &Registry, claim: &Claim, carried: &Value) -> Option<(Vec<String>, Span)> {
    let now = crate::render::data::claim_json(view, claim);
    let mut fields = Vec::new();
    let mut spans = Vec::new();
    for key in ["statement", "credibility", "conflict"] {
        if now[key] != carried[key] {
            fields.push(key.to_string());
            spans.push(match key {
                "statement" => claim.statement.as_ref().map(|s| s.span.clone()),
                "credibility" => claim.credibility.as_ref().map(|c| c.span.clone()),
                _ => claim.conflict.as_ref().map(|c| c.span.clone()),
            });
        }
    }
    let shown = |e: &Value| {
        let mut e = e.clone();
        if let Some(e) = e.as_object_mut() {
            e.remove("verified");
        }
        e
    };
    let before: Vec<Value> = carried["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .map(shown)
        .collect();
    let after: Vec<Value> = now["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .map(shown)
        .collect();
    if before != after {
        fields.push("evidence".into());
        let first = (0..before.len().max(after.len()))
            .find(|&i| before.get(i) != after.get(i))
            .and_then(|i| claim.evidence.get(i));
        spans.push(first.map(|e| e.source.span.clone()));
    }
    if fields.is_empty() {
        return None;
    }
    let span = spans
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_else(|| claim.id.span.clone());
    Some((fields, span))
}

/// Whether the capture of `source` is still the file whose SHA-256 the PDF
/// carries, in the registry and on disk.
fn capture(name: &str, source: &Source, sha256: &str, files: &Files, out: &mut Vec<Diagnostic>) {
    let id = &source.id.value;
    let short = |hash: &str| hash.chars().take(12).collect::<String>();
    let mismatch = |message: String| Diagnostic::new(Code::CaptureMismatch, message);
    match &source.sha256 {
        Some(now) if now.value != sha256 => {
            out.push(
                mismatch({
                    let (then, now) = crate::check::hashes_apart(sha256, &now.value);
                    format!(
                        "`{id}` was captured again since `{name}` was built: SHA-256 {then}… in the PDF, {now}… in the registry"
                    )
                })
                .at(now.span.clone()),
            );
            return;
        }
        Some(_) => {}
        None => {
            out.push(
                mismatch(format!(
                    "`{id}` has no recorded capture now, but `{name}` was built from one (SHA-256 {}…)",
                    short(sha256)
                ))
                .at(source.id.span.clone()),
            );
            return;
        }
    }
    let Some(capture) = &source.capture else {
        return;
    };
    let path = crate::check::capture_path(source, files).unwrap_or_default();
    let message = match crate::check::sha256_of(&path) {
        Ok(hash) if hash == sha256 => return,
        Ok(hash) => {
            let (now, then) = crate::check::hashes_apart(&hash, sha256);
            format!(
                "the capture of `{id}` is not the file `{name}` was built from: its SHA-256 is {now}…, not {then}…"
            )
        }
        Err(error) => format!(
            "the capture of `{id}` that `{name}` was built from cannot be read: {} ({error})",
            capture.value
        ),
    };
    out.push(mismatch(message).at(capture.span.clone()));
}
