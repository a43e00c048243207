//! `dossier check`: load the registry, parse the reports, run every rule and
//! print the diagnostics on stdout.

use super::{Error, Outcome};
use crate::args::CheckArgs;
use crate::check::{self, Options};
use crate::diag::Files;
use crate::{registry, report};

/// Runs the check.
pub fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let path = registry::find_registry(
        args.registry.registry.as_deref(),
        args.reports.first().map(|p| p.as_path()),
    )?;
    let mut files = Files::new();
    let (registry, mut diagnostics) = registry::load(&path, &mut files)?;
    let mut reports = Vec::new();
    for path in &args.reports {
        let (report, found) = report::read(path, &mut files)?;
        diagnostics.extend(found);
        reports.push(report);
    }
    let (diagnostics, summary) =
        check::check(&registry, &reports, diagnostics, Options { unused: true });
    super::report(
        args.diagnostics.format,
        true,
        &files,
        &diagnostics,
        &summary,
    )?;
    Ok(if summary.errors > 0 {
        Outcome::Failed
    } else {
        Outcome::Clean
    })
}
