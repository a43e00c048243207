//! The integrity check: every rule over the registry and the reports, each
//! with its stable code, all problems collected before anything is printed;
//! then the registry's `[registry.rules]` decide what each code becomes.

mod evidence;
mod figures;
pub mod quotes;
mod references;
mod sources;

use chrono::NaiveDate;

use crate::diag::{self, Diagnostic, Files, Severity, Summary};
use crate::registry::{Level, Registry};
use crate::report::Report;
use crate::resolve;

pub use self::sources::{capture_path, hashes_apart, sha256_hex, sha256_of};

/// What a check run looks at besides the registry.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Report claims and sources no report cites (`check` with reports; not
    /// `build`, where one report is not the whole set).
    pub unused: bool,
    /// The day dates are compared with.
    pub today: NaiveDate,
    /// An internal build: confidential sources may be cited.
    pub internal: bool,
}

/// Runs every rule; `found` are the diagnostics loading and parsing produced.
pub fn check(
    registry: &Registry,
    reports: &[Report],
    files: &Files,
    found: Vec<Diagnostic>,
    options: Options,
) -> (Vec<Diagnostic>, Summary) {
    let mut diagnostics = found;
    let resolved = resolve::resolve(registry, reports);
    evidence::no_evidence(registry, &mut diagnostics);
    evidence::conflicting_evidence(registry, options.internal, &mut diagnostics);
    evidence::weak_evidence(registry, &mut diagnostics);
    evidence::single_origin(registry, &mut diagnostics);
    sources::duplicate_source(registry, &mut diagnostics);
    sources::date_order(registry, options.today, &mut diagnostics);
    sources::capture_mismatch(registry, files, &mut diagnostics);
    quotes::quote_mismatch(registry, files, options.internal, &mut diagnostics);
    figures::figures(registry, reports, files, options.internal, &mut diagnostics);
    if registry.complete {
        evidence::unknown_source(registry, &mut diagnostics);
        references::unknown_id(registry, &resolved, &mut diagnostics);
        if !options.internal {
            references::confidential_only(registry, reports, &mut diagnostics);
        }
        if options.unused && !reports.is_empty() {
            references::unused(registry, &resolved, &mut diagnostics);
        }
    }
    apply_rules(registry, &mut diagnostics);
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

/// Applies `[registry.rules]`: the last rule for a code wins.
pub(crate) fn apply_rules(registry: &Registry, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain_mut(|d| {
        match registry
            .rules
            .iter()
            .rev()
            .find(|r| r.code == d.code && !d.binding)
        {
            Some(rule) => match rule.level {
                Level::Allow => false,
                Level::Error => {
                    d.severity = Severity::Error;
                    true
                }
                Level::Warning => {
                    d.severity = Severity::Warning;
                    true
                }
            },
            None => true,
        }
    });
}
