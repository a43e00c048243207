//! `dossier check`: load the registry, parse every report named (files,
//! folders, globs), run every rule and write the diagnostics.

use std::path::PathBuf;

use super::{Error, Outcome};
use crate::args::CheckArgs;
use crate::check::{self, Options};
use crate::diag::Files;
use crate::{registry, report};

/// Runs the check.
pub fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let paths = super::reports::expand(&args.reports)?;
    let near = args
        .reports
        .first()
        .map(PathBuf::as_path)
        .filter(|p| p.is_dir())
        .or(paths.first().map(PathBuf::as_path));
    let path_registry = registry::find_registry(args.registry.registry.as_deref(), near)?;
    let mut files = Files::new();
    let (registry, mut diagnostics) =
        registry::load(&path_registry, &args.registry.include_from, &mut files)?;
    let mut reports = Vec::new();
    for path in &paths {
        let root = super::settings::default_root(path, &path_registry)?;
        let (report, found) = report::read(path, &root, &mut files)?;
        diagnostics.extend(found);
        reports.push(report);
    }
    diagnostics.extend(super::settings::check_named(&reports, &registry, &files));
    if !args.internal {
        // What a report writes itself is a leak before any build.
        diagnostics.extend(crate::render::leak::reports(
            &registry, &reports, &mut files,
        ));
    }
    let options = Options {
        unused: true,
        today: super::today()?,
        internal: args.internal,
    };
    let (mut diagnostics, summary) =
        check::check(&registry, &reports, &files, diagnostics, options);
    if !args.internal {
        crate::render::leak::redact(&registry, &files, &mut diagnostics);
    }
    if let Some(file) = &args.output {
        // Never over a report, a registry file or a capture.
        let mut read: Vec<PathBuf> = files.paths().map(|p| p.to_path_buf()).collect();
        read.extend(
            registry
                .sources
                .values()
                .filter_map(|s| crate::check::capture_path(s, &files)),
        );
        super::refuse_output(file, "the diagnostics", &read)?;
    }
    match &args.output {
        Some(file) => super::report_to_file(
            args.diagnostics.format,
            file,
            &files,
            &diagnostics,
            &summary,
        )?,
        None => super::report(
            args.diagnostics.format,
            true,
            false,
            &files,
            &diagnostics,
            &summary,
        )?,
    }
    Ok(super::outcome(&summary, &args.diagnostics))
}
