//! The `json` format: one document with every diagnostic and the summary, in
//! the shape the contract fixes (1-based lines and character columns).

use std::io;

use serde::Serialize;
use termcolor::WriteColor;

use super::{Diagnostic, Files, Reporter, Span, Summary};

/// Writes one JSON document.
#[derive(Debug, Default)]
pub struct JsonReporter;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    #[serde(flatten)]
    location: Option<Location<'a>>,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    citations: usize,
    claims: usize,
    sources: usize,
}

impl<'a> Location<'a> {
    fn new(files: &'a Files, span: &Span) -> Self {
        let start = files.position(span.file, span.range.start);
        let end = files.position(span.file, span.range.end);
        Self {
            file: files.name(span.file),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

impl Reporter for JsonReporter {
    fn report(
        &self,
        out: &mut dyn WriteColor,
        files: &Files,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> io::Result<()> {
        let document = Document {
            version: 1,
            diagnostics: diagnostics
                .iter()
                .map(|d| JsonDiagnostic {
                    severity: d.severity.as_str(),
                    code: d.code.as_str(),
                    message: &d.message,
                    location: d.span.as_ref().map(|s| Location::new(files, s)),
                    help: d.help.as_deref(),
                    labels: d
                        .labels
                        .iter()
                        .map(|l| JsonLabel {
                            message: &l.message,
                            location: Location::new(files, &l.span),
                        })
                        .collect(),
                })
                .collect(),
            summary: JsonSummary {
                errors: summary.errors,
                warnings: summary.warnings,
                citations: summary.citations,
                claims: summary.claims,
                sources: summary.sources,
            },
        };
        // An I/O failure stays one (a reader that stopped early is told apart).
        serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
        writeln!(out)
    }
}
