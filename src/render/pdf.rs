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
    /// Whether a file may be attached: PDF/A-1, PDF/A-2 and plain PDF/A-4
    /// forbid it (PDF/A-4f and PDF/A-4e allow it).
    pub fn allow_attachments(&self) -> bool {
        !self.0.iter().any(|s| {
            matches!(
                s,
                PdfStandard::A_1a
                    | PdfStandard::A_1b
                    | PdfStandard::A_2a
                    | PdfStandard::A_2b
                    | PdfStandard::A_2u
                    | PdfStandard::A_4
            )
        })
    }
}

impl Default for Standards {
    fn default() -> Self {
        Self::parse(DEFAULT_STANDARDS).unwrap_or(Self(Vec::new()))
    }
}

/// Exports `document`, checking it against `standards`. `sealed`, the
/// [`ident`] of the evidence attached, seals the PDF: its document ID is
/// derived from it (see [`Carried::sealed`]).
pub fn export(
    document: &PagedDocument,
    date: chrono::NaiveDate,
    standards: &Standards,
    sealed: Option<String>,
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
        ident: sealed.map_or(Smart::Auto, Smart::Custom),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options)
}

/// The name the attached evidence has in the PDF.
pub const EVIDENCE: &str = "evidence.json";

/// The identifier a PDF carrying `evidence` is exported with.
pub fn ident(evidence: &[u8]) -> String {
    format!(
        "dossier evidence sha256:{}",
        crate::check::sha256_hex(evidence)
    )
}

/// The document ID (the first half of the trailer's `/ID`) that the PDF
/// writer derives from `ident` for a PDF of `version` (`1.7`): a 128-bit
/// SipHash-1-3 of both, in base64, as krilla computes it.
fn document_id(version: &str, ident: &str) -> String {
    use base64::Engine;
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::{Hash, Hasher};
    /// Hashes `usize` as `u64`, as the writer does.
    struct Stable(SipHasher13);
    impl Hasher for Stable {
        fn finish(&self) -> u64 {
            self.0.finish()
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.write(bytes);
        }
        fn write_usize(&mut self, i: usize) {
            self.0.write_u64(i as u64);
        }
    }
    let mut state = Stable(SipHasher13::new());
    (format!("PDF {version}").as_str(), ident).hash(&mut state);
    let hash = state.0.finish128().as_u128();
    base64::engine::general_purpose::STANDARD.encode(hash.to_be_bytes())
}

/// What a built PDF carries, read back.
#[derive(Debug)]
pub struct Carried {
    /// Each attached file named `evidence.json`, uncompressed.
    pub evidence: Vec<Vec<u8>>,
    /// The PDF's version, from its header (`1.7`).
    version: String,
    /// The first half of the trailer's `/ID`.
    id: Option<Vec<u8>>,
    /// Whether a later revision was appended to the file as built.
    pub revised: bool,
}

impl Carried {
    /// Reads the attachments, ID and revisions of a PDF.
    pub fn read(pdf: &[u8]) -> Result<Self, String> {
        let document = lopdf::Document::load_mem(pdf).map_err(|e| format!("not a PDF ({e})"))?;
        let mut evidence = Vec::new();
        // Only a file the document attaches counts: one its catalog lists
        // as an associated file or among its embedded files.
        let attached = attached_files(&document);
        for id in &attached {
            let Ok(spec) = document.get_dictionary(*id) else {
                continue;
            };
            let name = spec
                .get(b"UF")
                .or_else(|_| spec.get(b"F"))
                .and_then(lopdf::decode_text_string)
                .unwrap_or_default();
            if name.trim_start_matches('/') != EVIDENCE {
                continue;
            }
            let stream = spec
                .get(b"EF")
                .and_then(|ef| ef.as_dict())
                .and_then(|ef| ef.get(b"F"))
                .and_then(|f| f.as_reference())
                .and_then(|id| document.get_object(id))
                .and_then(|o| o.as_stream())
                .map_err(|e| format!("its {EVIDENCE} cannot be read ({e})"))?;
            let data = match stream.filters() {
                Ok(filters) if !filters.is_empty() => stream
                    .decompressed_content()
                    .map_err(|e| format!("its {EVIDENCE} cannot be read ({e})"))?,
                _ => stream.content.clone(),
            };
            evidence.push(data);
        }
        let id = document
            .trailer
            .get(b"ID")
            .and_then(|id| id.as_array())
            .ok()
            .and_then(|id| id.first())
            .and_then(|first| first.as_str().ok())
            .map(<[u8]>::to_vec);
        Ok(Self {
            evidence,
            version: document.version.clone(),
            id,
            revised: revised(pdf, document.xref_start),
        })
    }

    /// Whether `evidence` is what the PDF was sealed with when it was
    /// built: its document ID is the one derived from their SHA-256.
    pub fn sealed(&self, evidence: &[u8]) -> bool {
        self.id
            .as_deref()
            .is_some_and(|id| id == document_id(&self.version, &ident(evidence)).as_bytes())
    }
}

/// The file specifications a document's catalog attaches: its associated
/// files (`/AF`) and its embedded files (`/Names /EmbeddedFiles`), each
/// once.
fn attached_files(document: &lopdf::Document) -> Vec<lopdf::ObjectId> {
    let mut found = Vec::new();
    let Ok(catalog) = document.catalog() else {
        return found;
    };
    let resolve = |object: &lopdf::Object| match object.as_reference() {
        Ok(id) => document.get_object(id).ok().cloned(),
        Err(_) => Some(object.clone()),
    };
    if let Some(lopdf::Object::Array(files)) = catalog.get(b"AF").ok().and_then(resolve) {
        found.extend(files.iter().filter_map(|f| f.as_reference().ok()));
    }
    // The name tree: pairs of names and specifications, or kids below.
    let mut nodes: Vec<lopdf::Object> = catalog
        .get(b"Names")
        .ok()
        .and_then(resolve)
        .and_then(|names| names.as_dict().ok()?.get(b"EmbeddedFiles").ok().cloned())
        .into_iter()
        .collect();
    let mut seen = 0;
    while let Some(node) = nodes.pop() {
        seen += 1;
        let Some(node) = resolve(&node) else { continue };
        let Ok(node) = node.as_dict() else { continue };
        if let Ok(lopdf::Object::Array(pairs)) = node.get(b"Names") {
            found.extend(
                pairs
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .filter_map(|f| f.as_reference().ok()),
            );
        }
        if let Ok(lopdf::Object::Array(kids)) = node.get(b"Kids")
            && seen < 10_000
        {
            nodes.extend(kids.iter().cloned());
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Whether something was appended after the build: the file has more
/// than one cross-reference section (a build writes one, and every
/// stream in it is compressed), or the last points back to an earlier one
/// (`/Prev`).
fn revised(pdf: &[u8], xref_start: usize) -> bool {
    let word = b"startxref";
    if pdf.windows(word.len()).filter(|w| w == word).count() > 1 {
        return true;
    }
    let Some(tail) = pdf.get(xref_start..) else {
        return true;
    };
    // A table's trailer comes before `startxref`; a cross-reference
    // stream's dictionary before `stream`.
    let end = [b"startxref".as_slice(), b"stream".as_slice()]
        .iter()
        .filter_map(|word| tail.windows(word.len()).position(|w| w == *word))
        .min()
        .unwrap_or(tail.len());
    tail[..end].windows(5).any(|w| w == b"/Prev")
}

#[cfg(test)]
mod tests {
    use super::revised;

    #[test]
    fn a_second_cross_reference_section_is_a_revision_with_or_without_prev() {
        let one = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<</Size 2>>\nstartxref\n32\n%%EOF\n";
        assert!(!revised(one, 32));
        let mut two = one.to_vec();
        let at = two.len();
        two.extend_from_slice(b"xref\n0 1\ntrailer\n<</Size 2>>\nstartxref\n");
        assert!(revised(&two, at));
        let mut prev = one.to_vec();
        let at = prev.len();
        prev.truncate(32);
        prev.extend_from_slice(b"xref\n0 1\ntrailer\n<</Size 2/Prev 9>>\n");
        assert!(revised(&prev, at.min(32)));
    }
}
