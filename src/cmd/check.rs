//! `dossier check`: load the registry, parse every report named (files,
//! folders, globs), run every rule and write the diagnostics.

use std::path::{Path, PathBuf};

use super::{Error, Outcome};
use crate::args::CheckArgs;
use crate::check::{self, Options};
use crate::diag::{Files, display_name};
use crate::{registry, report};

/// Runs the check.
pub fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let paths = expand(&args.reports)?;
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

/// The report files the arguments name: files as given, the `.md` and `.typ`
/// files below folders, and the matches of glob patterns; each once, in order.
pub fn expand(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for argument in arguments {
        let found = if argument.is_dir() {
            let mut found = Vec::new();
            walk(argument, &mut found)?;
            if found.is_empty() {
                return Err(Error(format!(
                    "no .md or .typ report in {}",
                    display_name(argument)
                )));
            }
            found
        } else if !argument.exists() && is_glob(argument) {
            let pattern = argument.to_string_lossy();
            let mut found: Vec<PathBuf> = glob::glob(&pattern)
                .map_err(|e| Error(format!("`{pattern}` is not a valid pattern ({})", e.msg)))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error(format!("no report matches `{pattern}`")));
            }
            found
        } else {
            vec![argument.clone()]
        };
        for path in found {
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Every `.md` and `.typ` file below `dir`, sorted, skipping hidden folders
/// and build output.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error(format!("cannot read {} ({e})", display_name(dir))))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, out)?;
            }
        } else if report::Format::of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}
