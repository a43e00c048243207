//! The prose held to its evidence: `figure-mismatch` (a figure in a sentence
//! that cites a claim shares no value with the claim's evidence) and
//! `uncited-figure` (a sentence states a notable figure and cites nothing).

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, Files, Span};
use crate::registry::value::{Kind as ValueKind, Value};
use crate::registry::{Claim, Registry};
use crate::report::figure::{self, Figure, Kind};
use crate::report::{Report, sentence};

/// Runs both rules over every sentence of every report.
pub fn figures(
    registry: &Registry,
    reports: &[Report],
    files: &Files,
    internal: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // A public check holds the prose to the evidence a reader sees: what
    // rests on a confidential source is left out, as in a public build.
    let hides = !internal && registry.sources.values().any(|s| s.is_confidential());
    let public = hides.then(|| registry.public());
    let registry = public.as_ref().unwrap_or(registry);
    for report in reports {
        let sentences = sentence::with_digits(report, files);
        // The claims each paragraph cites: a figure they give may be
        // repeated there without a citation of its own.
        let mut in_passage: HashMap<usize, Vec<&Claim>> = HashMap::new();
        for sentence in &sentences {
            let cited = in_passage.entry(sentence.passage).or_default();
            for claim in claims_of(sentence, report, registry) {
                if !cited.iter().any(|c| c.id.value == claim.id.value) {
                    cited.push(claim);
                }
            }
        }
        for sentence in &sentences {
            let found = figure::figures(&sentence.chars);
            if found.is_empty() {
                continue;
            }
            let text = files.text(sentence.file);
            let span = |f: &Figure| Span::new(sentence.file, f.range.clone());
            if sentence.groups.is_empty() {
                let paragraph = in_passage
                    .get(&sentence.passage)
                    .map_or(&[][..], Vec::as_slice);
                if !sentence.noted
                    && let Some(f) = found
                        .iter()
                        .find(|f| f.notable && !matches!(fit(paragraph, f, true), Fit::Fits))
                {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UncitedFigure,
                            format!("`{}` is stated without a citation", &text[f.range.clone()]),
                        )
                        .at(span(f)),
                    );
                }
                continue;
            }
            let claims = claims_of(sentence, report, registry);
            for f in &found {
                let Fit::Misfit(of_kind) = fit(&claims, f, false) else {
                    continue;
                };
                let names: Vec<String> = of_kind
                    .iter()
                    .map(|(c, _)| format!("`{}`", c.id.value))
                    .collect();
                let kind_name = if f.kind == Kind::Date {
                    "date"
                } else {
                    "figure"
                };
                diagnostics.push(
                    Diagnostic::new(
                        Code::FigureMismatch,
                        format!(
                            "the {kind_name} `{}` does not match the evidence of {}",
                            &text[f.range.clone()],
                            names.join(" or ")
                        ),
                    )
                    .at(span(f))
                    .with_help(help(&of_kind)),
                );
            }
        }
    }
}

/// The claims a sentence cites, each once.
fn claims_of<'r>(
    sentence: &sentence::Sentence,
    report: &Report,
    registry: &'r Registry,
) -> Vec<&'r Claim> {
    let mut claims: Vec<&Claim> = Vec::new();
    for &g in &sentence.groups {
        for citation in &report.groups[g].citations {
            if let Some(claim) = registry.claims.get(&citation.id)
                && !claims.iter().any(|c| c.id.value == claim.id.value)
            {
                claims.push(claim);
            }
        }
    }
    claims
}

/// How a figure stands with the evidence of some claims.
enum Fit<'r> {
    /// No claim has evidence values of its kind.
    Unchecked,
    /// Some value of its kind shares a point with it.
    Fits,
    /// None does: the claims with values of its kind, and those values.
    Misfit(Vec<(&'r Claim, Vec<(String, Value)>)>),
}

/// How a figure stands with the claims' evidence values; `anchored`
/// compares with the figures the evidence states (`at least 30,000` is
/// 30,000), so a repeated figure fits and any larger one does not.
fn fit<'r>(claims: &[&'r Claim], f: &Figure, anchored: bool) -> Fit<'r> {
    let kind = match f.kind {
        Kind::Count | Kind::Percent => ValueKind::Number,
        Kind::Date => ValueKind::Date,
    };
    let of_kind: Vec<(&Claim, Vec<(String, Value)>)> = claims
        .iter()
        .map(|c| {
            let values = c
                .evidence
                .iter()
                .filter_map(|e| {
                    let v = &e.value.as_ref()?.value;
                    (v.kind() == kind).then(|| (e.source.value.clone(), v.clone()))
                })
                .collect::<Vec<_>>();
            (*c, values)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if of_kind.is_empty() {
        return Fit::Unchecked;
    }
    let fits = of_kind.iter().flat_map(|(_, v)| v).any(|(_, v)| {
        let v = match v {
            Value::AtLeast(b) | Value::AtMost(b) if anchored => Value::Exact(*b),
            v => v.clone(),
        };
        // A repeated figure is the figure the evidence states, as written.
        let figure = if anchored { &f.stated } else { &f.interval };
        v.interval().is_some_and(|i| i.overlaps(figure))
    });
    if fits {
        Fit::Fits
    } else {
        Fit::Misfit(of_kind)
    }
}

/// What the evidence says, each value once with the sources that give it.
fn help(of_kind: &[(&Claim, Vec<(String, Value)>)]) -> String {
    let mut parts = Vec::new();
    for (claim, values) in of_kind {
        let mut said: Vec<(String, Vec<&str>)> = Vec::new();
        for (source, value) in values {
            let shown = value.to_string();
            match said.iter_mut().find(|(v, _)| *v == shown) {
                Some((_, sources)) => sources.push(source),
                None => said.push((shown, vec![source])),
            }
        }
        let said: Vec<String> = said
            .into_iter()
            .map(|(v, s)| format!("{v} ({})", s.join(", ")))
            .collect();
        parts.push(format!("`{}`: {}", claim.id.value, said.join("; ")));
    }
    format!(
        "the evidence says {}; write the figure as the sources give it, qualify it (`about`, `more than`), or cite the claim it comes from",
        parts.join(" — ")
    )
}
