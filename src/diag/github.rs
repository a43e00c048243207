//! The `github` format: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's lines.

use std::io;

use termcolor::WriteColor;

use super::{Diagnostic, Files, Reporter, Severity, Summary, summary_line};

/// Writes `::error file=…,line=…,col=…,title=code::message` lines.
#[derive(Debug, Default)]
pub struct GithubReporter;

impl Reporter for GithubReporter {
    fn report(
        &self,
        out: &mut dyn WriteColor,
        files: &Files,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> io::Result<()> {
        for d in diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = Vec::new();
            if let Some(span) = &d.span {
                let start = files.position(span.file, span.range.start);
                let end = files.position(span.file, span.range.end);
                properties.push(format!(
                    "file={}",
                    property(&files.name(span.file).replace('\\', "/"))
                ));
                properties.push(format!("line={}", start.line));
                properties.push(format!("col={}", start.column));
                properties.push(format!("endLine={}", end.line));
                properties.push(format!("endColumn={}", end.column));
            }
            properties.push(format!("title={}", property(d.code.as_str())));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                data(&message)
            )?;
        }
        writeln!(out, "{}", summary_line(summary))
    }
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
