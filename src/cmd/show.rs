//! `dossier show ID`: one claim taken to its evidence and each source's
//! details, or one source with every claim that rests on it.

use std::fmt::Write as _;
use std::io::Write;

use serde_json::{Value, json};

use super::{Error, Outcome};
use crate::args::{ShowArgs, TextFormat};
use crate::diag::{Files, Spanned};
use crate::registry::{self, Author, Claim, Entry, Policy, Registry, Source, described};
use crate::render::leak::Secrets;

/// Runs `show`.
pub fn run(args: &ShowArgs) -> Result<Outcome, Error> {
    let path = registry::find_registry(args.registry.registry.as_deref(), None)?;
    let mut files = Files::new();
    let registry = match super::registry(&path, &args.registry, &mut files, Policy::Parsed)? {
        Ok(registry) => registry,
        Err(outcome) => return Ok(outcome),
    };
    // What a capture's closest passage may say is held against the whole
    // registry's secrets, before printing withholds them.
    let secrets = if args.internal {
        Secrets::none()
    } else {
        Secrets::of(&registry)
    };
    let registry = crate::render::leak::as_printed(registry, args.internal, &secrets);
    let shown = Shown {
        registry: &registry,
        files: &files,
        secrets: &secrets,
    };
    let (text, json) = match registry.get(&args.id) {
        Some(Entry::Claim(claim)) => (claim_text(&shown, claim), claim_json(&shown, claim)),
        Some(Entry::Source(source)) => (
            source_text(&registry, source),
            source_json(&registry, source),
        ),
        None => {
            let help = crate::diag::suggest(&args.id, registry.ids())
                .map(|s| format!("; {s}"))
                .unwrap_or_default();
            return Err(Error::msg(format!(
                "no claim or source named `{}`{help}",
                args.id
            )));
        }
    };
    let out = match args.format {
        TextFormat::Human => text,
        TextFormat::Json => serde_json::to_string_pretty(&json).unwrap_or_default() + "\n",
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(Outcome::Clean)
}

fn text(value: &Option<Spanned<String>>) -> Option<String> {
    value.as_ref().map(|v| v.value.clone())
}

/// What `show` says of a quote: verified where, or why not.
/// What `show` prints from: the registry as printed, the files read, and
/// the secrets no passage it quotes may hold.
struct Shown<'a> {
    registry: &'a Registry,
    files: &'a Files,
    secrets: &'a Secrets,
}

fn quote_check(shown: &Shown<'_>, evidence: &crate::registry::Evidence) -> Option<(String, Value)> {
    let (registry, files) = (shown.registry, shown.files);
    use crate::check::quotes::{Finding, Verification, verify};
    let quote = evidence.quote.as_ref()?;
    let Some(source) = registry.sources.get(&evidence.source.value) else {
        return Some((
            "unverified: no such source".into(),
            json!({ "status": "unverified" }),
        ));
    };
    let mut captures = std::collections::HashMap::new();
    Some(match verify(source, &quote.value, files, &mut captures) {
        Verification::NoCapture => (
            "unverified: the source has no capture".into(),
            json!({ "status": "unverified" }),
        ),
        Verification::Unreadable(error) => (
            format!("unverified: the capture cannot be read ({error})"),
            json!({ "status": "unreadable", "error": error }),
        ),
        Verification::Checked {
            path,
            finding: Finding::Found { line },
        } => (
            format!("found in {path}, line {line}"),
            json!({ "status": "found", "capture": path, "line": line }),
        ),
        Verification::Checked {
            path,
            finding: Finding::Missing { closest },
        } => {
            // A public capture's passage may quote a confidential source.
            let closest = closest.map(|(line, passage)| {
                if shown.secrets.holds(&passage) {
                    (line, crate::render::leak::WITHHELD.to_string())
                } else {
                    (line, passage)
                }
            });
            let text = match &closest {
                Some((line, passage)) => format!(
                    "NOT FOUND in {path}; the closest passage (line {line}) reads “{passage}”"
                ),
                None => format!("NOT FOUND in {path}"),
            };
            let closest = closest.map(|(line, passage)| json!({ "line": line, "text": passage }));
            (
                text,
                json!({ "status": "missing", "capture": path, "closest": closest }),
            )
        }
    })
}

fn claim_text(shown: &Shown<'_>, claim: &Claim) -> String {
    let registry = shown.registry;
    let mut out = String::new();
    let _ = writeln!(out, "claim {}", claim.id.value);
    if let Some(statement) = &claim.statement {
        let _ = writeln!(out, "  {}", statement.value);
    }
    if let Some(grade) = &claim.credibility {
        let _ = writeln!(out, "  credibility {}", grade.value);
    }
    for evidence in &claim.evidence {
        let id = &evidence.source.value;
        let _ = writeln!(out, "\n  evidence from {id}");
        match registry.sources.get(id) {
            Some(source) => out.push_str(&source_lines(source, "    ")),
            None => {
                let _ = writeln!(out, "    (no such source)");
            }
        }
        let fields = [
            ("locator", text(&evidence.locator)),
            ("quote", text(&evidence.quote).map(|q| format!("“{q}”"))),
            ("", quote_check(shown, evidence).map(|(t, _)| t)),
            (
                "value",
                evidence.value.as_ref().map(|v| v.value.to_string()),
            ),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                let _ = writeln!(out, "    {name:12} {value}");
            }
        }
    }
    if let Some(conflict) = &claim.conflict {
        let _ = writeln!(out, "\n  conflict");
        let fields = [
            (
                "resolution",
                conflict
                    .resolution
                    .as_ref()
                    .map(|r| r.value.as_str().to_string()),
            ),
            ("source", text(&conflict.source)),
            ("rationale", text(&conflict.rationale)),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                let _ = writeln!(out, "    {name:12} {value}");
            }
        }
    }
    out
}

fn source_lines(source: &Source, indent: &str) -> String {
    let mut out = String::new();
    let fields = described::FIELDS.iter().map(|field| {
        let value = match field.key {
            "confidential" if source.is_confidential() && source.title.is_none() => {
                Some("yes (its fields are withheld; --internal shows them)".to_string())
            }
            _ => (field.text)(source),
        };
        (field.key, value)
    });
    let people = source
        .details
        .people()
        .map(|(key, people)| (key, names(people)));
    let details = source
        .details
        .texts()
        .map(|(key, value)| (key, plain(value)));
    for (name, value) in fields.chain(people).chain(details) {
        if let Some(value) = value {
            let _ = writeln!(out, "{indent}{name:14} {value}");
        }
    }
    out
}

/// A title as a reader sees it.
fn plain(value: &Option<Spanned<String>>) -> Option<String> {
    value
        .as_ref()
        .map(|v| crate::registry::rich::plain(&v.value))
}

/// Names joined for one line.
fn names(people: &[Spanned<Author>]) -> Option<String> {
    let names: Vec<&str> = people.iter().map(|a| described::name(&a.value)).collect();
    Some(names.join("; ")).filter(|n| !n.is_empty())
}

fn source_text(registry: &Registry, source: &Source) -> String {
    let mut out = format!("source {}\n", source.id.value);
    out.push_str(&source_lines(source, "  "));
    let claims = claims_of(registry, source);
    let _ = writeln!(
        out,
        "\n  supports {}",
        if claims.is_empty() { "no claim" } else { "" }.trim_end()
    );
    for (claim, locator) in claims {
        let statement = text(&claim.statement).unwrap_or_default();
        let at = locator.map(|l| format!(" ({l})")).unwrap_or_default();
        let _ = writeln!(out, "    {}{at}: {statement}", claim.id.value);
    }
    out
}

fn claims_of<'r>(registry: &'r Registry, source: &Source) -> Vec<(&'r Claim, Option<String>)> {
    let mut out = Vec::new();
    for claim in registry.claims.values() {
        for evidence in claim
            .evidence
            .iter()
            .filter(|e| e.source.value == source.id.value)
        {
            out.push((claim, text(&evidence.locator)));
        }
    }
    out
}

fn source_object(source: &Source) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("id".into(), json!(source.id.value));
    for field in described::FIELDS {
        object.insert(field.key.into(), (field.json)(source));
    }
    object.insert(
        "container-type".into(),
        json!(
            source
                .details
                .container_type
                .as_ref()
                .map(|t| described::type_name(&t.value))
        ),
    );
    for (key, people) in source.details.people() {
        let people: Vec<&str> = people.iter().map(|a| described::name(&a.value)).collect();
        object.insert(key.into(), json!(people));
    }
    let details: serde_json::Map<String, Value> = source
        .details
        .texts()
        .into_iter()
        .filter_map(|(key, value)| {
            Some((key.to_string(), Value::from(value.as_ref()?.value.clone())))
        })
        .collect();
    object.insert("details".into(), Value::Object(details));
    Value::Object(object)
}

fn claim_json(shown: &Shown<'_>, claim: &Claim) -> Value {
    let registry = shown.registry;
    let evidence: Vec<Value> = claim
        .evidence
        .iter()
        .map(|e| {
            json!({
                "source": registry.sources.get(&e.source.value).map(source_object).unwrap_or(json!({ "id": e.source.value })),
                "locator": text(&e.locator),
                "quote": text(&e.quote),
                "quote-check": quote_check(shown, e).map(|(_, j)| j),
                "value": e.value.as_ref().map(|v| v.value.to_string()),
            })
        })
        .collect();
    json!({
        "id": claim.id.value,
        "statement": text(&claim.statement),
        "credibility": claim.credibility.as_ref().map(|c| c.value),
        "evidence": evidence,
        "conflict": claim.conflict.as_ref().map(|c| json!({
            "resolution": c.resolution.as_ref().map(|r| r.value.as_str()),
            "rationale": text(&c.rationale),
            "source": text(&c.source),
        })),
        "disagrees": claim.disagrees(),
    })
}

fn source_json(registry: &Registry, source: &Source) -> Value {
    let mut object = source_object(source);
    let claims: Vec<Value> = claims_of(registry, source)
        .into_iter()
        .map(|(claim, locator)| json!({ "id": claim.id.value, "statement": text(&claim.statement), "locator": locator }))
        .collect();
    object["claims"] = Value::Array(claims);
    object
}
