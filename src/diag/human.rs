//! The `human` format: codespan-reporting snippets with the offending line,
//! secondary labels and help, then one summary line.

use std::io;

use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label as SnippetLabel};
use codespan_reporting::term::{self, Config};
use termcolor::WriteColor;

use super::{Diagnostic, Files, Reporter, Severity, Summary};

/// Writes diagnostics as annotated source snippets.
#[derive(Debug, Default)]
pub struct HumanReporter {
    /// Warnings on one line each (`file:line:col: warning[code]: message`),
    /// for builds, where the PDF matters more than a warning's snippet.
    pub compact_warnings: bool,
}

impl Reporter for HumanReporter {
    fn report(
        &self,
        out: &mut dyn WriteColor,
        files: &Files,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> io::Result<()> {
        let config = Config::default();
        let mut short = config.clone();
        short.display_style = term::DisplayStyle::Short;
        for diagnostic in diagnostics {
            let snippet = to_snippet(diagnostic);
            // A leak's place is given, never its line: the confidential text
            // must not reach a terminal or a CI log either.
            let secret = diagnostic.quiet;
            let style = if secret || (self.compact_warnings && !diagnostic.is_error()) {
                &short
            } else {
                &config
            };
            term::emit(out, style, files, &snippet).map_err(io::Error::other)?;
            if let (true, Some(help)) = (secret, &diagnostic.help) {
                writeln!(out, "  = help: {help}")?;
            }
        }
        writeln!(out, "{}", summary_line(summary))
    }
}

fn to_snippet(diagnostic: &Diagnostic) -> Snippet<super::FileId> {
    let snippet = match diagnostic.severity {
        Severity::Error => Snippet::error(),
        Severity::Warning => Snippet::warning(),
    };
    let primary = diagnostic
        .span
        .iter()
        .map(|span| SnippetLabel::primary(span.file, span.range.clone()));
    let secondary = diagnostic.labels.iter().map(|label| {
        SnippetLabel::secondary(label.span.file, label.span.range.clone())
            .with_message(&label.message)
    });
    snippet
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_labels(primary.chain(secondary).collect())
        .with_notes(
            diagnostic
                .help
                .iter()
                .map(|h| format!("help: {h}"))
                .collect(),
        )
}

/// One line such as `2 errors, 3 warnings · 4 reports · 57 citations · 30 claims · 12 sources`.
pub fn summary_line(summary: &Summary) -> String {
    let count = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {} · {} · {} · {} · {}",
        count(summary.errors, "error"),
        count(summary.warnings, "warning"),
        count(summary.reports, "report"),
        count(summary.citations, "citation"),
        count(summary.claims, "claim"),
        count(summary.sources, "source"),
    )
}
