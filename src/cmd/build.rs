//! `dossier build`: check first, then render and export; the PDF is written
//! atomically and only when there are no errors, so a failed build leaves the
//! previous PDF as it was. With `--draft`, errors become warnings and unknown
//! IDs become visible markers, so a writer can see the document mid-edit.

use std::io::Write;
use std::time::Instant;

use super::settings::Settings;
use super::{Error, Outcome};
use crate::args::{BuildArgs, DiagnosticFormat};
use crate::check::{self, Options};
use crate::diag::{Diagnostic, Files, Severity, Summary, display_name};
use crate::render::{self, Failure};
use crate::{registry, report};

/// Runs the build.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    let path = registry::find_registry(args.registry.registry.as_deref(), Some(&args.report))?;
    let mut files = Files::new();
    let (registry, mut diagnostics) = registry::load(&path, &mut files)?;
    let (report, found) = report::read(&args.report, &mut files)?;
    diagnostics.extend(found);
    let settings = Settings::new(args, &path, &report, &registry, &files, &mut diagnostics)?;

    let options = Options {
        unused: false,
        today: super::today()?,
        internal: args.internal,
    };
    let reports = std::slice::from_ref(&report);
    let (mut diagnostics, summary) = check::check(&registry, reports, &files, diagnostics, options);
    if args.draft {
        for diagnostic in &mut diagnostics {
            diagnostic.severity = Severity::Warning;
        }
    }
    let summary = summarise(&diagnostics, &summary);
    let (Some(style), Some(template)) = (&settings.style, &settings.template) else {
        show(
            args,
            &files,
            &diagnostics,
            &Summary {
                errors: summary.errors.max(1),
                ..summary
            },
        )?;
        return Ok(Outcome::Failed);
    };
    if super::outcome(&summary, &args.diagnostics) == Outcome::Failed {
        show(args, &files, &diagnostics, &summary)?;
        return Ok(Outcome::Failed);
    }

    let job = render::Job {
        registry: &registry,
        report: &report,
        root: &settings.root,
        style,
        template,
        date: settings.date,
        draft: args.draft,
        font_paths: &args.font_path,
        internal: args.internal,
    };
    let built = match render::build(&job, &mut files) {
        Ok(built) => built,
        Err(Failure::Fatal(message)) => return Err(Error(message)),
        Err(Failure::Diagnostics(found)) => {
            diagnostics.extend(found);
            show(
                args,
                &files,
                &diagnostics,
                &summarise(&diagnostics, &summary),
            )?;
            return Ok(Outcome::Failed);
        }
    };
    diagnostics.extend(built.warnings);
    if !diagnostics.is_empty() {
        let summary = summarise(&diagnostics, &summary);
        show(args, &files, &diagnostics, &summary)?;
        if super::outcome(&summary, &args.diagnostics) == Outcome::Failed {
            return Ok(Outcome::Failed);
        }
    }

    let extension = if args.internal { "internal.pdf" } else { "pdf" };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.report.with_extension(extension));
    super::write_atomically(&output, &built.pdf)?;
    writeln!(
        std::io::stderr(),
        "built {} · {} · {} · {:.2} s",
        display_name(&output),
        plural(built.pages, "page"),
        plural(summary.citations, "citation"),
        started.elapsed().as_secs_f64()
    )?;
    Ok(Outcome::Clean)
}

/// Prints diagnostics: people read them on stderr beside the status line,
/// with warnings one line each; machines read the other formats on stdout.
fn show(
    args: &BuildArgs,
    files: &Files,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> Result<(), Error> {
    let human = args.diagnostics.format == DiagnosticFormat::Human;
    super::report(
        args.diagnostics.format,
        !human,
        human,
        files,
        diagnostics,
        summary,
    )
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
