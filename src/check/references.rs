//! Rules about what the reports cite: IDs that do not exist, and registry
//! entries no report reaches.

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::registry::Registry;
use crate::resolve::Resolved;

/// `unknown-id`: a report cites an ID the registry does not define.
pub fn unknown_id(registry: &Registry, resolved: &Resolved<'_>, out: &mut Vec<Diagnostic>) {
    for citation in &resolved.unknown {
        let mut diagnostic = Diagnostic::new(
            Code::UnknownId,
            format!("no claim or source named `{}`", citation.id),
        )
        .at(citation.span.clone());
        if let Some(close) = did_you_mean(&citation.id, registry.ids()) {
            diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
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
