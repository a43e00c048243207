//! Diagnostics are data: every stage returns what it found as [`Diagnostic`]s
//! that point into [`Files`], and only the reporters in this module's children
//! turn them into text for a terminal or a machine.

mod code;
mod files;
mod github;
mod human;
mod json;
mod sarif;
mod short;

use std::fmt;

pub use self::code::Code;
pub use self::files::{
    Columns, FileId, Files, Position, display_name, lines, offset_of, read_bytes, read_text,
};
pub use self::github::GithubReporter;
pub use self::human::{HumanReporter, summary_line};
pub use self::json::JsonReporter;
pub use self::sarif::SarifReporter;
pub use self::short::ShortReporter;

/// Turns diagnostics into one output format.
pub trait Reporter {
    /// Writes every diagnostic and the summary to `out`.
    fn report(
        &self,
        out: &mut dyn termcolor::WriteColor,
        files: &Files,
        diagnostics: &[Diagnostic],
        summary: &Summary,
    ) -> std::io::Result<()>;
}

/// A byte range in one of the loaded files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range lies in.
    pub file: FileId,
    /// Byte offsets, end exclusive.
    pub range: std::ops::Range<usize>,
}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Span {
    /// By file, then start, then end.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.file, self.range.start, self.range.end).cmp(&(
            other.file,
            other.range.start,
            other.range.end,
        ))
    }
}

impl Span {
    /// A span over `range` in `file`.
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        Self { file, range }
    }
}

/// A value together with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value itself.
    pub value: T,
    /// Where the value was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// How bad a diagnostic is: errors fail `check` and stop `build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the check.
    Error,
    /// Reported, but the check passes (unless warnings are denied).
    Warning,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place that helps explain a diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there, e.g. "first defined here".
    pub message: String,
}

/// One problem found in the registry or a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// What is wrong, lowercase, naming the thing in backticks.
    pub message: String,
    /// The primary location, when there is one.
    pub span: Option<Span>,
    /// Advice on how to fix it.
    pub help: Option<String>,
    /// Secondary locations.
    pub labels: Vec<Label>,
    /// Whether the lines around its place must not be printed: they would
    /// show a confidential source's text (to a terminal or a CI log).
    pub quiet: bool,
    /// Whether it stays an error whatever `[registry.rules]` and `--draft`
    /// say: a setting the build cannot use.
    pub binding: bool,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and no location yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: code.default_severity(),
            code,
            message: message.into(),
            span: None,
            help: None,
            labels: Vec::new(),
            quiet: code == Code::ConfidentialLeak,
            binding: false,
        }
    }

    /// Makes it an error that no rule and no `--draft` can lower: what it
    /// reports stops the build whatever the policy.
    pub fn binding(mut self) -> Self {
        self.severity = Severity::Error;
        self.binding = true;
        self
    }

    /// Places the diagnostic at `span`.
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Adds advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary location.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this diagnostic fails the run.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and code so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.span
                .as_ref()
                .map(|s| (s.file, s.range.start, s.range.end))
        };
        key(a)
            .cmp(&key(b))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}

/// Counts shown in every report's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Diagnostics with severity error.
    pub errors: usize,
    /// Diagnostics with severity warning.
    pub warnings: usize,
    /// Reports checked.
    pub reports: usize,
    /// Citation occurrences in the checked reports.
    pub citations: usize,
    /// Claims in the registry.
    pub claims: usize,
    /// Sources in the registry.
    pub sources: usize,
}

/// "did you mean `…`?" for the candidate closest to `given`, if one is
/// close enough to be a plausible typo: the one way every message suggests.
pub fn suggest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(given, candidates).map(|close| format!("did you mean `{close}`?"))
}

/// `invalid-field` for a key that is not one of `known`, in `what` (the
/// registry's tables, a report's front matter): the one check of an unknown
/// key, with the closest known name or the list.
pub fn unknown_field(span: Span, name: &str, known: &[&str], what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidField,
        format!("unknown field `{name}` in {what}"),
    )
    .at(span)
    .with_help(unknown_name_help(name, known, "fields"))
}

/// The help for a name that is not one of `known`: the closest of them, or
/// the whole list (`known fields: a, b, c`).
pub fn unknown_name_help(given: &str, known: &[&str], what: &str) -> String {
    suggest(given, known.iter().copied())
        .unwrap_or_else(|| format!("known {what}: {}", known.join(", ")))
}

/// Suggests the candidate closest to `given`, if one is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = given.chars().count();
    let limit = (length / 3).clamp(1, 4);
    candidates
        .into_iter()
        // No edit distance is below the difference in length: skip the
        // costly measure for most of a large registry.
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (strsim::damerau_levenshtein(given, c), c))
        .filter(|&(d, c)| d <= limit && d < c.chars().count())
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let ids = ["toll-1988", "fatwa-1988", "rouhani-role-1988"];
        assert_eq!(did_you_mean("toll-198", ids), Some("toll-1988"));
        assert_eq!(did_you_mean("fatwa-1989", ids), Some("fatwa-1988"));
        assert_eq!(did_you_mean("khavaran", ids), None);
        assert_eq!(did_you_mean("titel", ["title", "type"]), Some("title"));
    }
}
