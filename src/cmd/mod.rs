//! One module per subcommand: glue between arguments, the pipeline stages and
//! the reporters. Each returns how the run ended; `main` maps it to an exit code.

pub mod build;
pub mod capture;
pub mod check;
pub mod export;
pub mod import;
pub mod info;
pub mod init;
pub mod list;
mod output;
mod reports;
pub mod settings;
pub mod show;
pub mod verify;
pub mod watch;

use std::io::IsTerminal;

pub use output::{Lock, real_path, refuse_output, write_atomically};

use termcolor::{BufferedStandardStream, ColorChoice};

use crate::args::{DiagnosticArgs, DiagnosticFormat};
use crate::diag::{
    Diagnostic, Files, GithubReporter, HumanReporter, JsonReporter, Reporter, SarifReporter,
    ShortReporter, Summary,
};

/// The reporter for a format; `compact` prints human warnings on one line.
fn reporter(format: DiagnosticFormat, compact: bool) -> &'static dyn Reporter {
    match format {
        DiagnosticFormat::Human if compact => &HumanReporter {
            compact_warnings: true,
        },
        DiagnosticFormat::Human => &HumanReporter {
            compact_warnings: false,
        },
        DiagnosticFormat::Short => &ShortReporter,
        DiagnosticFormat::Json => &JsonReporter,
        DiagnosticFormat::Sarif => &SarifReporter,
        DiagnosticFormat::Github => &GithubReporter,
    }
}

/// Diagnostics in `format`, without colour.
pub fn render(
    format: DiagnosticFormat,
    compact: bool,
    files: &Files,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> std::io::Result<Vec<u8>> {
    let mut buffer = termcolor::NoColor::new(Vec::new());
    reporter(format, compact).report(&mut buffer, files, diagnostics, summary)?;
    Ok(buffer.into_inner())
}

/// Writes diagnostics in `format` to `path`, without colour.
pub fn report_to_file(
    format: DiagnosticFormat,
    path: &std::path::Path,
    files: &Files,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> Result<(), Error> {
    let text = render(format, false, files, diagnostics, summary)?;
    // Written whole or not at all, as every file dossier writes.
    write_atomically(path, &text)
}

/// Reads the registry and applies `policy`: the registry, or the outcome
/// of a command that must not act on it, its diagnostics printed. What
/// reading found beyond the policy is printed too, on standard error, so
/// no command acts on a registry it knows to be broken without saying so.
pub fn registry(
    path: &std::path::Path,
    args: &crate::args::RegistryArgs,
    files: &mut Files,
    policy: crate::registry::Policy,
) -> Result<Result<crate::registry::Registry, Outcome>, Error> {
    let loaded = crate::registry::Loaded::read(path, &args.include_from, files)?;
    let (found, blocking) = match policy {
        // Every rule `check` applies to the registry alone, with the
        // registry's own rules: what an export would carry out broken.
        crate::registry::Policy::Valid => {
            let options = crate::check::Options {
                unused: false,
                today: today()?,
                internal: false,
            };
            let found = loaded.diagnostics.clone();
            let (all, _) = crate::check::check(&loaded.registry, &[], files, found, options);
            let blocking: Vec<Diagnostic> = all.iter().filter(|d| d.is_error()).cloned().collect();
            (all, blocking)
        }
        crate::registry::Policy::Parsed => (loaded.diagnostics.clone(), loaded.unparsed()),
    };
    if blocking.is_empty() {
        registry_said(&loaded.registry, files, found)?;
        Ok(Ok(loaded.registry))
    } else {
        registry_said(&loaded.registry, files, blocking)?;
        Ok(Err(Outcome::Failed))
    }
}

/// Prints what reading the registry found on standard error, for people;
/// nothing of a confidential source reaches the terminal.
pub fn registry_said(
    registry: &crate::registry::Registry,
    files: &Files,
    mut diagnostics: Vec<Diagnostic>,
) -> Result<(), Error> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    crate::render::leak::redact(registry, files, &mut diagnostics);
    let summary = Summary {
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        claims: registry.claims.len(),
        sources: registry.sources.len(),
        ..Summary::default()
    };
    report(
        DiagnosticFormat::Human,
        false,
        false,
        files,
        &diagnostics,
        &summary,
    )
}

/// Clean, unless there are errors, or warnings and `--deny warnings`.
pub fn outcome(summary: &Summary, args: &DiagnosticArgs) -> Outcome {
    if summary.errors > 0 || (summary.warnings > 0 && args.deny_warnings()) {
        Outcome::Failed
    } else {
        Outcome::Clean
    }
}

/// How a command that ran ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No errors.
    Clean,
    /// The check found errors.
    Failed,
}

/// The command could not run: bad arguments, unreadable files (exit code 2).
/// It keeps the kind of an I/O failure, so `main` handles a reader that
/// stopped early (a broken pipe) in one place.
#[derive(Debug)]
pub struct Error {
    message: String,
    kind: Option<std::io::ErrorKind>,
}

impl Error {
    /// A failure described in words.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            kind: None,
        }
    }

    /// Arguments no later attempt can make right (an output that names an
    /// input, a forbidden name): `watch` stops on these, not only reports.
    pub fn refusal(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            kind: Some(std::io::ErrorKind::InvalidInput),
        }
    }

    /// Whether it is a [`Error::refusal`].
    pub fn is_refusal(&self) -> bool {
        self.kind == Some(std::io::ErrorKind::InvalidInput)
    }

    /// The kind of the I/O failure behind it, if one is.
    pub fn kind(&self) -> Option<std::io::ErrorKind> {
        self.kind
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: std::error::Error + 'static> From<E> for Error {
    /// A full device met here is the output's: files are written with
    /// their own messages, so what is left is standard output.
    fn from(error: E) -> Self {
        let io = (&error as &dyn std::error::Error).downcast_ref::<std::io::Error>();
        let kind = io.map(std::io::Error::kind);
        let message = match kind {
            Some(std::io::ErrorKind::StorageFull | std::io::ErrorKind::WriteZero) => {
                format!("cannot write to standard output ({error})")
            }
            _ => error.to_string(),
        };
        Self { message, kind }
    }
}

/// `SOURCE_DATE_EPOCH` as a date, when set.
pub fn epoch_date() -> Result<Option<chrono::NaiveDate>, Error> {
    let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let seconds: i64 = epoch.trim().parse().map_err(|_| {
        Error::msg(format!(
            "SOURCE_DATE_EPOCH must be a number of seconds (found `{epoch}`)"
        ))
    })?;
    let time = chrono::DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| Error::msg(format!("SOURCE_DATE_EPOCH is out of range ({seconds})")))?;
    Ok(Some(time.date_naive()))
}

/// The day checks compare dates with: `SOURCE_DATE_EPOCH`, else today.
pub fn today() -> Result<chrono::NaiveDate, Error> {
    Ok(epoch_date()?.unwrap_or_else(|| chrono::Local::now().date_naive()))
}

/// A buffered terminal stream that honours `NO_COLOR` and colours only
/// terminals; flush it when done.
pub fn stream(stdout: bool) -> BufferedStandardStream {
    let terminal = if stdout {
        std::io::stdout().is_terminal()
    } else {
        std::io::stderr().is_terminal()
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let choice = if terminal && !no_color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    if stdout {
        BufferedStandardStream::stdout(choice)
    } else {
        BufferedStandardStream::stderr(choice)
    }
}

/// Writes diagnostics in `format` to stdout or stderr; `compact` prints
/// human warnings on one line each.
pub fn report(
    format: DiagnosticFormat,
    stdout: bool,
    compact: bool,
    files: &Files,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> Result<(), Error> {
    let mut out = stream(stdout);
    let written = reporter(format, compact)
        .report(&mut out, files, diagnostics, summary)
        .and_then(|()| std::io::Write::flush(&mut out));
    match written {
        // A reader that stopped early (`check | head`) does not change the
        // verdict the exit code carries: the command goes on to its outcome.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

impl From<crate::args::BibFormat> for crate::interop::Format {
    fn from(format: crate::args::BibFormat) -> Self {
        use crate::args::BibFormat;
        match format {
            BibFormat::CslJson => Self::CslJson,
            BibFormat::Bibtex => Self::Bibtex,
            BibFormat::Hayagriva => Self::Hayagriva,
        }
    }
}
