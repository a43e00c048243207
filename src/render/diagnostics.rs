//! Typst's diagnostics as ours: each is placed in the file the author wrote —
//! the generated main file maps back through its source map, exactly where it
//! copies a Typst report — with 1-based character columns like every other
//! diagnostic.

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::ecow::EcoVec;
use typst::syntax::{DiagSpan, DiagSpanKind};
use typst::{World, WorldExt};

use super::DossierWorld;
use super::markup::Converted;
use crate::diag::{Code, Diagnostic, Files, Severity, Span};
use crate::report::Report;

/// Converts Typst diagnostics for one build.
pub struct Mapper<'a> {
    /// The world that compiled.
    pub world: &'a DossierWorld,
    /// Where our texts live; files Typst read are added on demand.
    pub files: &'a mut Files,
    /// The report being built.
    pub report: &'a Report,
    /// The generated main file and its source map.
    pub converted: &'a Converted,
    /// The files the report includes, by real path, with their source maps.
    pub includes: &'a [(std::path::PathBuf, crate::diag::FileId, Converted)],
}

impl Mapper<'_> {
    /// Our diagnostics for Typst's.
    pub fn convert(&mut self, diagnostics: &EcoVec<SourceDiagnostic>) -> Vec<Diagnostic> {
        diagnostics.iter().map(|d| self.one(d)).collect()
    }

    /// Our diagnostics for what the PDF standards forbid, found at export:
    /// said in the report's terms where the cause is the report's.
    pub fn convert_export(&mut self, diagnostics: &EcoVec<SourceDiagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .iter()
            .map(|source| {
                let mut diagnostic = self.one(source);
                // Typst names the standards that fail: "PDF/A-3a, PDF/UA-1 error: …".
                let (standards, what) = source
                    .message
                    .split_once(" error: ")
                    .unwrap_or(("", source.message.as_str()));
                if standards.is_empty() {
                    return diagnostic;
                }
                if what == "missing alt text" {
                    diagnostic.message =
                        format!("this image has no description (alt text), which {standards} requires");
                    diagnostic.help = Some(
                        "describe what it shows between the brackets, `![A bar chart of the reported figures](chart.png)`, or in Typst `image(\"chart.png\", alt: \"…\")`".into(),
                    );
                } else if what.contains("could not be displayed with") {
                    // A character no font has would print as an empty box.
                    diagnostic.message = format!("{standards} forbids this: {what} (Typst)");
                    diagnostic.help =
                        Some("add a font that has it with `--font-path DIR`".into());
                } else {
                    diagnostic.message = format!("{standards} forbids this: {what} (Typst)");
                }
                let choose = "or build to other standards with `--pdf-standard` (`none` for none)";
                diagnostic.help = Some(match diagnostic.help.take() {
                    Some(help) => format!("{help}; {choose}"),
                    None => choose.to_string(),
                });
                diagnostic
            })
            .collect()
    }

    fn one(&mut self, source: &SourceDiagnostic) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(Code::Compile, format!("{} (Typst)", source.message));
        if source.severity == TypstSeverity::Warning {
            diagnostic.severity = Severity::Warning;
        }
        let hints: Vec<String> = source.hints.iter().map(|h| h.v.to_string()).collect();
        if !hints.is_empty() {
            diagnostic.help = Some(hints.join("; "));
        }
        diagnostic.span = self.span(source.span);
        if diagnostic.span.is_none()
            && let Some(point) = source.trace.iter().find_map(|t| self.span(t.span))
        {
            diagnostic.span = Some(point);
        }
        diagnostic
    }

    fn span(&mut self, span: impl Into<DiagSpan>) -> Option<Span> {
        let span = span.into();
        let id = match span.get() {
            DiagSpanKind::Detached => return None,
            DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } => id,
        };
        let range = self.world.range(span)?;
        if id == self.world.main() {
            return self
                .converted
                .origin(range)
                .map(|r| Span::new(self.report.file, r));
        }
        let path = self.world.path_of(id)?;
        let real = path.canonicalize().ok();
        if let Some((_, file, converted)) = self
            .includes
            .iter()
            .find(|(p, ..)| Some(p) == real.as_ref())
        {
            return converted.origin(range).map(|r| Span::new(*file, r));
        }
        let file = match self.files.find_same(&path) {
            Some(file) => file,
            None => {
                let text = self.world.source(id).ok()?.text().to_string();
                self.files.add(&path, text)
            }
        };
        Some(Span::new(file, range))
    }
}
