//! The `short` format: one line per diagnostic, as compilers print them:
//! `file:line:col: severity[code]: message`.

use std::io;

use termcolor::WriteColor;

use super::{Diagnostic, Files, Reporter, Summary, summary_line};

/// Writes one line per diagnostic, then the summary.
#[derive(Debug, Default)]
pub struct ShortReporter;

impl Reporter for ShortReporter {
    fn report(
        &self,
        out: &mut dyn WriteColor,
        files: &Files,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> io::Result<()> {
        for d in diagnostics {
            if let Some(span) = &d.span {
                let at = files.position(span.file, span.range.start);
                write!(out, "{}:{}:{}: ", files.name(span.file), at.line, at.column)?;
            }
            writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message)?;
        }
        writeln!(out, "{}", summary_line(summary))
    }
}
