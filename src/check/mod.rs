//! The integrity check: every rule over the registry and the reports, each
//! with its stable code, all problems collected before anything is printed.

mod rules;

use crate::diag::{self, Diagnostic, Summary};
use crate::registry::Registry;
use crate::report::Report;
use crate::resolve;

/// What a check run looks at besides the registry.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Report claims and sources no report cites (`check` with reports; not
    /// `build`, where one report is not the whole set).
    pub unused: bool,
}

/// Runs every rule; `found` are the diagnostics loading and parsing produced.
pub fn check(
    registry: &Registry,
    reports: &[Report],
    found: Vec<Diagnostic>,
    options: Options,
) -> (Vec<Diagnostic>, Summary) {
    let mut diagnostics = found;
    let resolved = resolve::resolve(registry, reports);
    rules::no_evidence(registry, &mut diagnostics);
    rules::conflicting_evidence(registry, &mut diagnostics);
    if registry.complete {
        rules::unknown_source(registry, &mut diagnostics);
        rules::unknown_id(registry, &resolved, &mut diagnostics);
        if options.unused && !reports.is_empty() {
            rules::unused(registry, &resolved, &mut diagnostics);
        }
    }
    diag::sort(&mut diagnostics);
    let summary = Summary {
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        reports: reports.len(),
        citations: reports.iter().map(|r| r.citations().count()).sum(),
        claims: registry.claims.len(),
        sources: registry.sources.len(),
    };
    (diagnostics, summary)
}
