//! What a build is made of besides the report and the registry: its style,
//! template, date and root, each from the command line, the front matter,
//! the registry or a default, in that order.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::Error;
use crate::args::BuildArgs;
use crate::diag::{Code, Diagnostic, Files, Spanned};
use crate::registry::Registry;
use crate::render::{Style, Template, style};
use crate::report::Report;

/// A build's settings; a style or template named in a file that cannot be
/// used is an `invalid-field` diagnostic and leaves its setting empty.
#[derive(Debug)]
pub struct Settings {
    /// The bibliography style.
    pub style: Option<Style>,
    /// The template.
    pub template: Option<Template>,
    /// The document date.
    pub date: NaiveDate,
    /// The folder Typst may read from.
    pub root: PathBuf,
}

impl Settings {
    /// Works the settings out; a bad value on the command line stops the run.
    pub fn new(
        args: &BuildArgs,
        registry_path: &Path,
        report: &Report,
        registry: &Registry,
        files: &Files,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Self, Error> {
        let style = match &args.style {
            Some(given) => Some(Style::load(given, Path::new(".")).map_err(Error::msg)?),
            None => match report.front.style.as_ref().or(registry.style.as_ref()) {
                // A .csl path is relative to the file that names it.
                Some(chosen) => from_file(chosen, files, diagnostics, |value, base| {
                    Style::load(value, base)
                }),
                None => Some(Style::Name(style::DEFAULT.into())),
            },
        };
        let template = match &args.template {
            Some(given) => Some(Template::load(given).map_err(Error::msg)?),
            None => match &report.front.template {
                Some(chosen) => from_file(chosen, files, diagnostics, load_template),
                None => Some(Template::Builtin("briefing")),
            },
        };
        Ok(Self {
            style,
            template,
            date: document_date(report)?,
            root: root(args, registry_path)?,
        })
    }
}

/// What `check` can tell before a build: that every style and template the
/// reports' front matter and the registry name can be used. Each one that
/// cannot is an `invalid-field` at its value, which no rule can lower: no
/// build can go on without it.
pub fn check_named(reports: &[Report], registry: &Registry, files: &Files) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let styles = reports.iter().filter_map(|r| r.front.style.as_ref());
    for chosen in styles.chain(&registry.style) {
        from_file(chosen, files, &mut diagnostics, Style::load);
    }
    for chosen in reports.iter().filter_map(|r| r.front.template.as_ref()) {
        from_file(chosen, files, &mut diagnostics, load_template);
    }
    diagnostics
}

/// A template named in a file: a `.typ` path relative to that file's folder,
/// or a built-in name.
fn load_template(value: &str, base: &Path) -> Result<Template, String> {
    let value = if value.ends_with(".typ") {
        base.join(value).to_string_lossy().into_owned()
    } else {
        value.into()
    };
    Template::load(&value)
}

/// The style and template files the report's front matter and the registry
/// name, read or not: a watch rebuilds when a missing or broken one is made
/// or repaired.
pub fn named_files(report: &Report, registry: &Registry, files: &Files) -> Vec<PathBuf> {
    let styles = report.front.style.iter().chain(&registry.style);
    let styles = styles.filter(|chosen| chosen.value.ends_with(".csl"));
    let templates = report.front.template.iter();
    let templates = templates.filter(|chosen| chosen.value.ends_with(".typ"));
    styles
        .chain(templates)
        .map(|chosen| {
            let base = files
                .path(chosen.span.file)
                .parent()
                .unwrap_or(Path::new(""));
            base.join(&chosen.value)
        })
        .collect()
}

/// A setting written in a file, or an `invalid-field` at its value.
fn from_file<T>(
    chosen: &Spanned<String>,
    files: &Files,
    diagnostics: &mut Vec<Diagnostic>,
    load: impl FnOnce(&str, &Path) -> Result<T, String>,
) -> Option<T> {
    let base = files
        .path(chosen.span.file)
        .parent()
        .unwrap_or(Path::new(""));
    match load(&chosen.value, base) {
        Ok(value) => Some(value),
        Err(message) => {
            diagnostics.push(
                Diagnostic::new(Code::InvalidField, message)
                    .at(chosen.span.clone())
                    .binding(),
            );
            None
        }
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
pub fn root(args: &BuildArgs, registry: &Path) -> Result<PathBuf, Error> {
    match &args.root {
        Some(root) => Ok(root.clone()),
        None => Ok(default_root(&args.report, registry)?),
    }
}

/// The registry's folder when `report` lies inside it, else the report's
/// folder: the root a build takes without `--root`.
pub fn default_root(report: &Path, registry: &Path) -> std::io::Result<PathBuf> {
    // A report that cannot be read is reported when it is read.
    let absolute = |p: &Path| std::path::absolute(p).map(|a| a.canonicalize().unwrap_or(a));
    let report = absolute(report)?;
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
