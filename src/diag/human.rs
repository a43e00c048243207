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
        let mut repeats = std::collections::HashMap::new();
        let mut hidden = 0usize;
        for diagnostic in diagnostics {
            // The same message many times over (one per item of a huge
            // list) says nothing more after the first few.
            let seen = repeats
                .entry((diagnostic.code, diagnostic.message.as_str()))
                .or_insert(0usize);
            *seen += 1;
            if *seen > MAX_REPEATS {
                hidden += 1;
                continue;
            }
            let snippet = to_snippet(diagnostic);
            // A leak's place is given, never its line: the confidential text
            // must not reach a terminal or a CI log either. A line too long
            // to read is not shown either.
            let plain = diagnostic.quiet || long_line(files, diagnostic);
            let style = if plain || (self.compact_warnings && !diagnostic.is_error()) {
                &short
            } else {
                &config
            };
            term::emit(out, style, files, &snippet).map_err(|e| match e {
                // A reader that stopped is told apart from other failures.
                codespan_reporting::files::Error::Io(io) => io,
                other => io::Error::other(other),
            })?;
            if let (true, Some(help)) = (plain, &diagnostic.help) {
                writeln!(out, "  = help: {help}")?;
            }
        }
        if hidden > 0 {
            writeln!(
                out,
                "note: {hidden} more diagnostics repeat a message shown {MAX_REPEATS} times above (`--format json` lists every one)"
            )?;
        }
        writeln!(out, "{}", summary_line(summary))
    }
}

/// How often one message is shown before the rest are counted.
const MAX_REPEATS: usize = 10;

/// Whether a diagnostic points into a line too long to print whole.
fn long_line(files: &Files, diagnostic: &Diagnostic) -> bool {
    const MAX_LINE: usize = 500;
    let spans = diagnostic
        .span
        .iter()
        .chain(diagnostic.labels.iter().map(|l| &l.span));
    spans.into_iter().any(|span| {
        let text = files.text(span.file).as_bytes();
        let start = span.range.start.min(text.len());
        let end = span.range.end.clamp(start, text.len());
        let from = text[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let to = text[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| end + i);
        to - from > MAX_LINE
    })
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
