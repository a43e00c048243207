//! `dossier build`: check first, then render and export; the PDF is written
//! atomically and only when there are no errors, so a failed build leaves the
//! previous PDF as it was.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;

use super::{Error, Outcome};
use crate::args::{BuildArgs, DiagnosticFormat};
use crate::check::{self, Options};
use crate::diag::{Code, Diagnostic, Files, Summary, did_you_mean, display_name};
use crate::registry::{self, Registry};
use crate::render::{self, Failure, Style, TEMPLATES, Template};
use crate::report::{self, Report};

/// The style used when neither the command line, the front matter nor the
/// registry names one.
pub const DEFAULT_STYLE: &str = "chicago-author-date";

/// Runs the build.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    // People read diagnostics beside the status line; machines read stdout.
    let machine = args.diagnostics.format != DiagnosticFormat::Human;
    let path = registry::find_registry(args.registry.registry.as_deref(), Some(&args.report))?;
    let mut files = Files::new();
    let (registry, mut diagnostics) = registry::load(&path, &mut files)?;
    let (report, found) = report::read(&args.report, &mut files)?;
    diagnostics.extend(found);

    let style = style(args, &report, &registry, &files, &mut diagnostics)?;
    let template = template(args, &report, &mut diagnostics)?;
    let date = document_date(&report)?;
    let root = root(args, &path)?;

    let reports = std::slice::from_ref(&report);
    let (diagnostics, summary) = check::check(
        &registry,
        reports,
        &files,
        diagnostics,
        Options {
            unused: false,
            today: super::today()?,
        },
    );
    if super::outcome(&summary, &args.diagnostics) == Outcome::Failed {
        super::report(
            args.diagnostics.format,
            machine,
            &files,
            &diagnostics,
            &summary,
        )?;
        return Ok(Outcome::Failed);
    }
    let (Some(style), Some(template)) = (style, template) else {
        unreachable!("a style or template that cannot be used is an error diagnostic");
    };

    let job = render::Job {
        registry: &registry,
        report: &report,
        root: &root,
        style: &style,
        template: &template,
        date,
    };
    let built = match render::build(&job, &mut files) {
        Ok(built) => built,
        Err(Failure::Fatal(message)) => return Err(Error(message)),
        Err(Failure::Diagnostics(found)) => {
            let mut all = diagnostics;
            all.extend(found);
            let summary = summarise(&all, &summary);
            super::report(args.diagnostics.format, machine, &files, &all, &summary)?;
            return Ok(Outcome::Failed);
        }
    };
    let mut warnings = diagnostics;
    warnings.extend(built.warnings);
    if !warnings.is_empty() {
        let summary = summarise(&warnings, &summary);
        super::report(
            args.diagnostics.format,
            machine,
            &files,
            &warnings,
            &summary,
        )?;
        if super::outcome(&summary, &args.diagnostics) == Outcome::Failed {
            return Ok(Outcome::Failed);
        }
    }

    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.report.with_extension("pdf"));
    write_atomically(&output, &built.pdf)?;
    let mut err = std::io::stderr();
    writeln!(
        err,
        "built {} · {} · {} · {:.2} s",
        display_name(&output),
        plural(built.pages, "page"),
        plural(summary.citations, "citation"),
        started.elapsed().as_secs_f64()
    )?;
    Ok(Outcome::Clean)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summarise(diagnostics: &[Diagnostic], base: &Summary) -> Summary {
    Summary {
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        ..*base
    }
}

/// The style: `--style`, else front matter, else the registry, else the default.
/// A bad name on the command line stops the run; one in a file is a diagnostic.
fn style(
    args: &BuildArgs,
    report: &Report,
    registry: &Registry,
    files: &Files,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Style>, Error> {
    if let Some(given) = &args.style {
        return load_style(given, Path::new(".")).map(Some).map_err(Error);
    }
    let Some(chosen) = report.front.style.as_ref().or(registry.style.as_ref()) else {
        return Ok(Some(Style::Name(DEFAULT_STYLE.into())));
    };
    // A .csl path is relative to the file that names it.
    let base = files
        .path(chosen.span.file)
        .parent()
        .unwrap_or(Path::new(""));
    match load_style(&chosen.value, base) {
        Ok(style) => Ok(Some(style)),
        Err(message) => {
            diagnostics.push(Diagnostic::new(Code::InvalidField, message).at(chosen.span.clone()));
            Ok(None)
        }
    }
}

/// A hayagriva style by name, or a `.csl` file.
fn load_style(given: &str, base: &Path) -> Result<Style, String> {
    if given.ends_with(".csl") {
        let path = base.join(given);
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("cannot read the style {} ({e})", display_name(&path)))?;
        let text = String::from_utf8_lossy(&bytes);
        hayagriva::citationberg::IndependentStyle::from_xml(&text)
            .map_err(|e| format!("{} is not a usable CSL style ({e})", display_name(&path)))?;
        return Ok(Style::File(path, bytes));
    }
    if hayagriva::archive::ArchivedStyle::by_name(given).is_some() {
        return Ok(Style::Name(given.to_string()));
    }
    let names = hayagriva::archive::ArchivedStyle::all()
        .iter()
        .flat_map(|s| s.names().iter().copied());
    let help = match did_you_mean(given, names) {
        Some(close) => format!("; did you mean `{close}`?"),
        None => String::new(),
    };
    Err(format!(
        "unknown style `{given}` (a hayagriva style name or a .csl file){help}"
    ))
}

/// The template: `--template`, else front matter, else `briefing`.
fn template(
    args: &BuildArgs,
    report: &Report,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Template>, Error> {
    if let Some(given) = &args.template {
        return resolve_template(given).map(Some).map_err(Error);
    }
    let Some(chosen) = &report.front.template else {
        return Ok(Some(Template::Builtin("briefing")));
    };
    let base = report.path.parent().unwrap_or(Path::new(""));
    let value = if chosen.value.ends_with(".typ") {
        base.join(&chosen.value).to_string_lossy().into_owned()
    } else {
        chosen.value.clone()
    };
    match resolve_template(&value) {
        Ok(template) => Ok(Some(template)),
        Err(message) => {
            diagnostics.push(Diagnostic::new(Code::InvalidField, message).at(chosen.span.clone()));
            Ok(None)
        }
    }
}

fn resolve_template(given: &str) -> Result<Template, String> {
    if given.ends_with(".typ") {
        let path = PathBuf::from(given);
        if !path.is_file() {
            return Err(format!("no template file {}", display_name(&path)));
        }
        return Ok(Template::File(path));
    }
    match TEMPLATES.iter().find(|t| **t == given) {
        Some(name) => Ok(Template::Builtin(name)),
        None => Err(format!(
            "unknown template `{given}` (built-in: {}; or a .typ file)",
            TEMPLATES.join(", ")
        )),
    }
}

/// `SOURCE_DATE_EPOCH` when set, else the report's `date`, else today.
fn document_date(report: &Report) -> Result<NaiveDate, Error> {
    if let Some(date) = super::epoch_date()? {
        return Ok(date);
    }
    if let Some(date) = report.front.date.as_ref().and_then(|d| d.value.first_day()) {
        return Ok(date);
    }
    Ok(chrono::Local::now().date_naive())
}

/// `--root`, else the registry's folder when the report lies inside it,
/// else the report's folder.
fn root(args: &BuildArgs, registry: &Path) -> Result<PathBuf, Error> {
    if let Some(root) = &args.root {
        return Ok(root.clone());
    }
    let absolute = |p: &Path| std::path::absolute(p).and_then(|a| a.canonicalize());
    let report = absolute(&args.report)?;
    let report_dir = report.parent().map(Path::to_path_buf).unwrap_or_default();
    let registry_dir = absolute(registry)?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Ok(if report.starts_with(&registry_dir) {
        registry_dir
    } else {
        report_dir
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".dossier-")
        .suffix(".pdf.tmp")
        .tempfile_in(dir)
        .map_err(|e| Error(format!("cannot write in {} ({e})", display_name(dir))))?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path)
        .map_err(|e| Error(format!("cannot write {} ({})", display_name(path), e.error)))?;
    Ok(())
}
