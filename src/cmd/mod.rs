//! One module per subcommand: glue between arguments, the pipeline stages and
//! the reporters. Each returns how the run ended; `main` maps it to an exit code.

pub mod build;
pub mod check;

use std::io::IsTerminal;

use termcolor::{ColorChoice, StandardStream};

use crate::args::DiagnosticFormat;
use crate::diag::{Diagnostic, Files, HumanReporter, JsonReporter, Reporter, Summary};

/// How a command that ran ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No errors.
    Clean,
    /// The check found errors.
    Failed,
}

/// The command could not run: bad arguments, unreadable files (exit code 2).
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for Error {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

/// A terminal stream that honours `NO_COLOR` and colours only terminals.
pub fn stream(stdout: bool) -> StandardStream {
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
        StandardStream::stdout(choice)
    } else {
        StandardStream::stderr(choice)
    }
}

/// Writes diagnostics in `format` to the chosen stream.
pub fn report(
    format: DiagnosticFormat,
    stdout: bool,
    files: &Files,
    diagnostics: &[Diagnostic],
    summary: &Summary,
) -> Result<(), Error> {
    let reporter: &dyn Reporter = match format {
        DiagnosticFormat::Human => &HumanReporter,
        DiagnosticFormat::Json => &JsonReporter,
    };
    let mut out = stream(stdout);
    match reporter.report(&mut out, files, diagnostics, summary) {
        // A reader that stopped early (`| head`) is not a failure of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
