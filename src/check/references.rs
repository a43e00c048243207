//! Rules about what the reports cite: IDs that do not exist, and registry
//! entries no report reaches.

use crate::diag::{Code, Diagnostic, suggest};
use crate::registry::{Entry, Registry};
use crate::report::Report;
use crate::resolve::Resolved;

/// `unknown-id`: a report cites an ID the registry does not define.
pub fn unknown_id(registry: &Registry, resolved: &Resolved<'_>, out: &mut Vec<Diagnostic>) {
    // The same unknown ID is often cited many times; look it up once.
    let mut close = std::collections::HashMap::new();
    for citation in &resolved.unknown {
        let mut diagnostic = Diagnostic::new(
            Code::UnknownId,
            format!("no claim or source named `{}`", citation.id),
        )
        .at(citation.span.clone());
        if let Some(problem) = crate::registry::id::check(&citation.id) {
            diagnostic = diagnostic.with_help(format!("no ID can be named so: {problem}"));
        } else if let Some(suggestion) = close
            .entry(citation.id.as_str())
            .or_insert_with(|| suggest(&citation.id, registry.ids()))
        {
            diagnostic = diagnostic.with_help(suggestion.clone());
        }
        out.push(diagnostic);
    }
}

/// `unused-claim` and `unused-source`: registered but reached by no citation.
pub fn unused(registry: &Registry, resolved: &Resolved<'_>, out: &mut Vec<Diagnostic>) {
    for claim in registry
        .claims
        .values()
        .filter(|c| !resolved.claims.contains(c.id.value.as_str()))
    {
        let message = format!(
            "claim `{}` is not cited by any checked report",
            claim.id.value
        );
        out.push(Diagnostic::new(Code::UnusedClaim, message).at(claim.id.span.clone()));
    }
    for source in registry
        .sources
        .values()
        .filter(|s| !resolved.sources.contains(s.id.value.as_str()))
    {
        let message = format!(
            "source `{}` is not cited by any checked report, directly or through a claim",
            source.id.value
        );
        out.push(Diagnostic::new(Code::UnusedSource, message).at(source.id.span.clone()));
    }
}

/// `confidential-only`: a public document cites a confidential source, or a
/// claim whose every source is confidential (nocite entries included).
pub fn confidential_only(registry: &Registry, reports: &[Report], out: &mut Vec<Diagnostic>) {
    let citations = reports.iter().flat_map(|r| r.citations().chain(&r.nocite));
    for citation in citations {
        let message = match registry.get(&citation.id) {
            Some(Entry::Source(source)) if source.is_confidential() => {
                format!(
                    "`{}` is a confidential source, which a public build leaves out",
                    citation.id
                )
            }
            Some(Entry::Claim(claim))
                if !claim.evidence.is_empty()
                    && claim
                        .evidence
                        .iter()
                        .all(|e| registry.is_hidden(&e.source.value)) =>
            {
                format!(
                    "every source of claim `{}` is confidential, so a public build has nothing to cite",
                    citation.id
                )
            }
            _ => continue,
        };
        out.push(
            Diagnostic::new(Code::ConfidentialOnly, message)
                .at(citation.span.clone())
                .with_help("cite a claim with public evidence too, or build for internal use with --internal"),
        );
    }
}
