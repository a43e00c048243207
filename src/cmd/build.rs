//! `dossier build`: check first, then render and export; the PDF is written
//! atomically and only when there are no errors, so a failed build leaves the
//! previous PDF as it was. With `--draft`, errors become warnings and unknown
//! IDs become visible markers, so a writer can see the document mid-edit.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::settings::Settings;
use super::{Error, Outcome};
use crate::args::{BuildArgs, DiagnosticFormat};
use crate::budget::Exceeded;
use crate::check::{self, Options};
use crate::diag::{Diagnostic, Files, Severity, Summary, display_name};
use crate::render::{self, Failure, Session, Template};
use crate::{registry, report};

/// Runs the build.
pub fn run(args: &BuildArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    if args.timings.is_some() {
        typst_timing::enable();
    }
    let round = round(args, &mut Session::default())?;
    if let Some(path) = &args.timings {
        // Not over anything the build read or wrote: checked by the round
        // before it wrote, and again here for a round that stopped early.
        // A build that could not run writes no timings.
        refuse_timings(path, args, &round.inputs)?;
        // Written whole or not at all, as every file dossier writes.
        let mut trace = Vec::new();
        typst_timing::export_json(&mut trace, |_| (String::new(), 0)).map_err(Error::msg)?;
        super::write_atomically(path, &trace)?;
    }
    if let Some(line) = round.status(started) {
        // The PDF is written: a status line that cannot be shown is no failure.
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    Ok(round.outcome)
}

/// Refuses a `--timings` path that names the report, the registry, the PDF
/// or anything else in `read`.
fn refuse_timings(path: &Path, args: &BuildArgs, read: &[PathBuf]) -> Result<(), Error> {
    let mut inputs = vec![args.report.clone()];
    inputs.extend(args.registry.registry.clone());
    inputs.extend(read.iter().cloned());
    super::refuse_output(path, "the timings", &inputs)?;
    // The PDF by any name, hard links included.
    if super::refuse_output(path, "the timings", &[output_path(args)]).is_err() {
        return Err(Error::refusal(format!(
            "cannot write the timings to {}: the build writes the PDF there",
            display_name(path)
        )));
    }
    Ok(())
}

/// What one build did.
#[derive(Debug)]
pub struct Round {
    /// How it ended.
    pub outcome: Outcome,
    /// The PDF written, its pages and the report's citations.
    pub built: Option<(PathBuf, usize, usize)>,
    /// Every file the build read: report, registry files, template, style,
    /// and what the document read.
    pub inputs: Vec<PathBuf>,
}

impl Round {
    fn failed(inputs: Vec<PathBuf>) -> Self {
        Self {
            outcome: Outcome::Failed,
            built: None,
            inputs,
        }
    }

    /// The status line of a build that wrote its PDF.
    pub fn status(&self, started: Instant) -> Option<String> {
        let (output, pages, citations) = self.built.as_ref()?;
        Some(format!(
            "built {} · {} · {} · {:.2} s",
            display_name(output),
            plural(*pages, "page"),
            plural(*citations, "citation"),
            started.elapsed().as_secs_f64()
        ))
    }
}

/// Checks, renders and writes once, in `session` (which `watch` keeps):
/// read, check, render, write, each stage handing the next what it made,
/// with [`Findings::verdict`] the one place diagnostics decide the outcome.
pub fn round(args: &BuildArgs, session: &mut Session) -> Result<Round, Error> {
    let target = Target::of(args)?;
    let scope = typst_timing::TimingScope::new("dossier: read and check");
    let mut read = Read::all(args)?;
    // Refused before the build, so nothing is written and no time is spent.
    super::refuse_output(&target.output, "the PDF", &read.inputs)?;
    if let Some(timings) = &args.timings {
        refuse_timings(timings, args, &read.inputs)?;
    }
    let mut findings = read.check(args)?;
    let usable = match (&read.settings.style, &read.settings.template) {
        (Some(style), Some(template)) => Some((style, template)),
        _ => None,
    };
    let Some((style, template)) = usable else {
        // A setting that cannot be used has its own binding error.
        findings.verdict(&read, true)?;
        return Ok(Round::failed(read.inputs));
    };
    if findings.fails() {
        findings.verdict(&read, true)?;
        return Ok(Round::failed(read.inputs));
    }
    drop(scope);

    let job = render::Job {
        registry: &read.registry,
        report: &read.report,
        root: &read.settings.root,
        style,
        template,
        date: read.settings.date,
        draft: args.draft,
        font_paths: &args.font_path,
        internal: args.internal,
        standards: &target.standards,
        summary: findings.summary,
    };
    let watch = budget(args, &read, &findings)?;
    let result = render::build_in(session, &job, &mut read.files);
    drop(watch);
    read.inputs.extend(session.dependencies());
    let built = match result {
        Ok(built) => built,
        Err(Failure::Fatal(message)) => return Err(Error::msg(message)),
        Err(Failure::Diagnostics(found)) => {
            // No PDF: the build fails whatever the rules make of them.
            findings.add(found);
            findings.verdict(&read, true)?;
            return Ok(Round::failed(read.inputs));
        }
    };
    findings.add(built.warnings);
    if findings.verdict(&read, false)? == Outcome::Failed {
        return Ok(Round::failed(read.inputs));
    }

    let _scope = typst_timing::TimingScope::new("dossier: write");
    // Images and data files the document read are known only now.
    super::refuse_output(&target.output, "the PDF", &read.inputs)?;
    if let Some(timings) = &args.timings {
        refuse_timings(timings, args, &read.inputs)?;
    }
    super::write_atomically(&target.output, &built.pdf)?;
    Ok(Round {
        outcome: Outcome::Clean,
        built: Some((target.output, built.pages, findings.summary.citations)),
        inputs: read.inputs,
    })
}

/// Refuses, before a first round, what no later round can make right: an
/// output name the internal and public rules forbid, standards Typst does
/// not know, an output that is the report or the registry. `watch` asks
/// this first, so it stops at once instead of failing each round.
pub fn settled(args: &BuildArgs) -> Result<(), Error> {
    let target = Target::of(args)?;
    let mut inputs = vec![args.report.clone()];
    if let Ok(registry) =
        registry::find_registry(args.registry.registry.as_deref(), Some(&args.report))
    {
        inputs.push(registry);
    }
    super::refuse_output(&target.output, "the PDF", &inputs)
}

/// Where the PDF goes and what it declares, settled from the arguments
/// before anything is read.
struct Target {
    output: PathBuf,
    standards: render::pdf::Standards,
}

impl Target {
    fn of(args: &BuildArgs) -> Result<Self, Error> {
        let standards = match &args.pdf_standard {
            Some(list) => render::pdf::Standards::parse(list).map_err(Error::msg)?,
            None => render::pdf::Standards::default(),
        };
        let output = output_path(args);
        // The name given and the file it leads to (through any symlink)
        // both count: a link is no way round the rule.
        let real = super::real_path(&output);
        let internal_name = |path: &Path, exact: bool| {
            path.file_name().is_some_and(|n| {
                let name = n.to_string_lossy();
                if exact {
                    name.ends_with(".internal.pdf")
                } else {
                    name.to_lowercase().ends_with(".internal.pdf")
                }
            })
        };
        if args.internal && !(internal_name(&output, true) && internal_name(&real, true)) {
            return Err(Error::refusal(format!(
                "an internal build writes only to a file whose name ends in .internal.pdf, so it never takes the place of a public copy (not {})",
                display_name(&output)
            )));
        }
        if !args.internal && (internal_name(&output, false) || internal_name(&real, false)) {
            return Err(Error::refusal(format!(
                "a public build never writes to a file named .internal.pdf, so it never takes the place of an internal copy (not {})",
                display_name(&output)
            )));
        }
        Ok(Self { output, standards })
    }
}

/// Everything the build reads before it checks: the registry, the report,
/// the settings, and the paths of every file they name.
struct Read {
    files: Files,
    registry: registry::Registry,
    report: report::Report,
    settings: Settings,
    /// What reading found.
    diagnostics: Vec<Diagnostic>,
    /// Every file read or named, which the PDF may not replace.
    inputs: Vec<PathBuf>,
}

impl Read {
    fn all(args: &BuildArgs) -> Result<Self, Error> {
        let path = registry::find_registry(args.registry.registry.as_deref(), Some(&args.report))?;
        let mut inputs = vec![args.report.clone(), path.clone()];
        let mut files = Files::new();
        let (registry, mut diagnostics) =
            registry::load(&path, &args.registry.include_from, &mut files)?;
        inputs.extend(
            registry
                .files
                .iter()
                .map(|id| files.path(*id).to_path_buf()),
        );
        let root = super::settings::root(args, &path)?;
        let (report, found) = report::read(&args.report, &root, &mut files)?;
        diagnostics.extend(found);
        let settings = Settings::new(args, &path, &report, &registry, &files, &mut diagnostics)?;
        inputs.extend(super::settings::named_files(&report, &registry, &files));
        if let Some(Template::File(template)) = &settings.template {
            inputs.push(template.clone());
        }
        if let Some(render::Style::File(style, _)) = &settings.style {
            inputs.push(style.clone());
        }
        inputs.extend(
            report
                .includes
                .iter()
                .map(|id| files.path(*id).to_path_buf()),
        );
        inputs.extend(
            registry
                .sources
                .values()
                .filter_map(|source| crate::check::capture_path(source, &files)),
        );
        // The fonts a build may read.
        for folder in &args.font_path {
            font_files(folder, &mut inputs);
        }
        Ok(Self {
            files,
            registry,
            report,
            settings,
            diagnostics,
            inputs,
        })
    }

    /// Runs every check on what was read; `--draft` lowers what it may.
    fn check<'a>(&mut self, args: &'a BuildArgs) -> Result<Findings<'a>, Error> {
        let options = Options {
            unused: false,
            today: super::today()?,
            internal: args.internal,
        };
        let reports = std::slice::from_ref(&self.report);
        let found = std::mem::take(&mut self.diagnostics);
        let (mut diagnostics, summary) =
            check::check(&self.registry, reports, &self.files, found, options);
        if args.draft {
            for diagnostic in diagnostics.iter_mut().filter(|d| !d.binding) {
                diagnostic.severity = Severity::Warning;
            }
        }
        let summary = summarise(&diagnostics, &summary);
        Ok(Findings {
            args,
            diagnostics,
            summary,
        })
    }
}

/// Every file below `folder`, as the font search reads them; what cannot be
/// read is left to the search to report.
fn font_files(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => font_files(&path, out),
            Ok(_) => out.push(path),
            Err(_) => {}
        }
    }
}

/// What the build found so far, and how it counts.
struct Findings<'a> {
    args: &'a BuildArgs,
    diagnostics: Vec<Diagnostic>,
    summary: Summary,
}

impl Findings<'_> {
    fn add(&mut self, found: Vec<Diagnostic>) {
        self.diagnostics.extend(found);
        self.summary = summarise(&self.diagnostics, &self.summary);
    }

    /// Whether what was found fails the build (`--deny warnings` included).
    fn fails(&self) -> bool {
        super::outcome(&self.summary, &self.args.diagnostics) == Outcome::Failed
    }

    /// The one place diagnostics become the round's outcome: prints them,
    /// redacted (always when `stopping`, else when there are any), and says
    /// whether they fail the build.
    fn verdict(&mut self, read: &Read, stopping: bool) -> Result<Outcome, Error> {
        if stopping || !self.diagnostics.is_empty() {
            show(
                self.args,
                &read.registry,
                &read.files,
                &mut self.diagnostics,
                &self.summary,
            )?;
        }
        Ok(if stopping || self.fails() {
            Outcome::Failed
        } else {
            Outcome::Clean
        })
    }
}

/// `-o`, else the report's path with `.pdf` (`.internal.pdf` for internal builds).
pub fn output_path(args: &BuildArgs) -> PathBuf {
    let extension = if args.internal { "internal.pdf" } else { "pdf" };
    args.output
        .clone()
        .unwrap_or_else(|| Path::new(&args.report).with_extension(extension))
}

/// Prints diagnostics: people read them on stderr beside the status line,
/// with warnings one line each; machines read the other formats on stdout.
fn show(
    args: &BuildArgs,
    registry: &registry::Registry,
    files: &Files,
    diagnostics: &mut [Diagnostic],
    summary: &Summary,
) -> Result<(), Error> {
    if !args.internal {
        crate::render::leak::redact(registry, files, diagnostics);
    }
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

/// Arms the time and memory limits for rendering: past one, the process
/// prints what `show` would, with an error for the limit, and ends.
fn budget(
    args: &BuildArgs,
    read: &Read,
    findings: &Findings,
) -> Result<crate::budget::Watch, Error> {
    let (registry, files, report) = (&read.registry, &read.files, read.report.file);
    let (diagnostics, summary) = (&findings.diagnostics, &findings.summary);
    let limits = crate::budget::Limits {
        time: Duration::from_secs(args.timeout),
        memory: usize::try_from(args.max_memory.saturating_mul(1 << 20)).unwrap_or(usize::MAX),
    };
    // Redacted once: the limit's own error names nothing confidential.
    let mut shown = diagnostics.to_vec();
    if !args.internal {
        crate::render::leak::redact(registry, files, &mut shown);
    }
    let prepare = |which: Exceeded| -> Result<Vec<u8>, Error> {
        let (message, help) = match which {
            Exceeded::Time => (
                format!(
                    "the document was still compiling after {} s, the limit `--timeout` sets",
                    args.timeout
                ),
                "look for a loop or recursion that does not end in the report or its template; raise `--timeout` for a document that is only large",
            ),
            Exceeded::Memory => (
                format!(
                    "compiling the document needed more than {} MB, the limit `--max-memory` sets",
                    args.max_memory
                ),
                "look for a loop, recursion or string that grows without end in the report or its template, or an oversized image; raise `--max-memory` for a document that is only large",
            ),
        };
        let mut all = shown.clone();
        all.push(
            Diagnostic::new(crate::diag::Code::Compile, message)
                .at(crate::diag::Span::new(report, 0..0))
                .with_help(help),
        );
        let summary = summarise(&all, summary);
        let human = args.diagnostics.format == DiagnosticFormat::Human;
        Ok(super::render(
            args.diagnostics.format,
            human,
            files,
            &all,
            &summary,
        )?)
    };
    let time = prepare(Exceeded::Time)?;
    let memory = prepare(Exceeded::Memory)?;
    let stdout = args.diagnostics.format != DiagnosticFormat::Human;
    Ok(crate::budget::Watch::start(limits, move |which| {
        let text = match which {
            Exceeded::Time => &time,
            Exceeded::Memory => &memory,
        };
        let written = if stdout {
            std::io::stdout()
                .lock()
                .write_all(text)
                .and_then(|()| std::io::stdout().flush())
        } else {
            std::io::stderr().lock().write_all(text)
        };
        written.ok();
    }))
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
