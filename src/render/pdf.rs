//! The PDF a build writes: the standards it meets, as Typst names and
//! checks them, and metadata fixed so identical inputs give identical bytes.

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// What a build meets unless told otherwise: PDF/A-3a, archival and
/// tagged, which may carry attached files, and PDF/UA-1, accessible.
pub const DEFAULT_STANDARDS: &str = "a-3a,ua-1";

/// The standards a PDF meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standards(Vec<PdfStandard>);

impl Standards {
    /// Reads a comma-separated list of standards as Typst names them
    /// (`a-2b`, `a-3a`, `a-3b`, `a-4`, `ua-1`, `1.7`…), or `none`, and checks
    /// that one PDF can meet them all, as Typst checks it.
    pub fn parse(list: &str) -> Result<Self, String> {
        use serde::Deserialize;
        use serde::de::value::{Error, StrDeserializer};
        let list = list.trim();
        if list == "none" {
            return Ok(Self(Vec::new()));
        }
        let mut standards = Vec::new();
        for name in list.split(',').map(str::trim) {
            let standard = PdfStandard::deserialize(StrDeserializer::<Error>::new(name))
                .map_err(|e| format!("`{name}` is not a PDF standard Typst knows: {e}"))?;
            if !standards.contains(&standard) {
                standards.push(standard);
            }
        }
        PdfStandards::new(&standards).map_err(|e| {
            let mut message = format!("no PDF can meet `{list}`: {}", e.message());
            for hint in e.hints() {
                message.push_str(&format!("; {hint}"));
            }
            message
        })?;
        Ok(Self(standards))
    }
}

impl Standards {
    /// Whether a file may be attached: PDF/A-1 and PDF/A-2 forbid it.
    pub fn allow_attachments(&self) -> bool {
        !self.0.iter().any(|s| {
            matches!(
                s,
                PdfStandard::A_1a
                    | PdfStandard::A_1b
                    | PdfStandard::A_2a
                    | PdfStandard::A_2b
                    | PdfStandard::A_2u
            )
        })
    }
}

impl Default for Standards {
    fn default() -> Self {
        Self::parse(DEFAULT_STANDARDS).unwrap_or(Self(Vec::new()))
    }
}

/// Exports `document`, checking it against `standards`.
pub fn export(
    document: &PagedDocument,
    date: chrono::NaiveDate,
    standards: &Standards,
) -> typst::diag::SourceResult<Vec<u8>> {
    use chrono::Datelike;
    let timestamp =
        Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
            .map(Timestamp::new_utc);
    let standards = PdfStandards::new(&standards.0).map_err(|e| {
        typst::diag::eco_vec![typst::diag::SourceDiagnostic::error(
            typst::syntax::Span::detached(),
            e.message().clone()
        )]
    })?;
    let options = PdfOptions {
        creator: Smart::Custom(Some("dossier".into())),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options)
}
