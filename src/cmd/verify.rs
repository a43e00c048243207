//! `dossier verify`: read the evidence a built PDF carries, check that it
//! is the evidence the PDF was sealed with, and hold it against the
//! registry and captures when they are at hand.

use super::{Error, Outcome};
use crate::args::VerifyArgs;
use crate::diag::{self, Code, Files, Summary, display_name};
use crate::registry::{self, LoadError};
use crate::render::pdf::Carried;
use crate::verify;

/// Runs the verification.
pub fn run(args: &VerifyArgs) -> Result<Outcome, Error> {
    let name = display_name(&args.pdf);
    let bytes =
        diag::read_bytes(&args.pdf).map_err(|e| Error::msg(format!("cannot read {name} ({e})")))?;
    let carried =
        Carried::read(&bytes).map_err(|e| Error::msg(format!("cannot read {name}: {e}")))?;
    let mut diagnostics = Vec::new();
    let mut files = Files::new();
    let evidence = verify::intact(&name, &carried, &mut diagnostics);
    let found = if args.no_registry {
        Err(None)
    } else {
        // Looked for from the PDF's real folder, not the path as written.
        let near = std::fs::canonicalize(&args.pdf).unwrap_or_else(|_| args.pdf.clone());
        match registry::find_registry(args.registry.registry.as_deref(), Some(&near)) {
            Ok(path) => Ok(path),
            Err(LoadError::NotFound { .. }) => Err(None),
            Err(other) => Err(Some(other)),
        }
    };
    let path = match found {
        Ok(path) => Some(path),
        Err(None) => None,
        Err(Some(error)) => return Err(Error::msg(error.to_string())),
    };
    if let (Some(path), Some(evidence)) = (&path, &evidence) {
        let (registry, found) = registry::load(path, &args.registry.include_from, &mut files)?;
        diagnostics.extend(found);
        // A registry that does not parse cannot say what is gone from it.
        if registry.complete {
            verify::against(&name, evidence, &registry, &files, &mut diagnostics);
        }
        crate::check::apply_rules(&registry, &mut diagnostics);
        // Nothing confidential is printed: not the lines of a confidential
        // source, nor of a claim's confidential evidence.
        crate::render::leak::redact(&registry, &files, &mut diagnostics);
    }
    diag::sort(&mut diagnostics);
    let counts = evidence.as_ref().map(|e| e.counts).unwrap_or_default();
    let summary = Summary {
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        reports: 1,
        citations: counts.citations,
        claims: counts.claims,
        sources: counts.sources,
    };
    super::report(
        args.diagnostics.format,
        true,
        false,
        &files,
        &diagnostics,
        &summary,
    )?;
    // What the run found, in words, for people; machines read the report.
    if args.diagnostics.format == crate::args::DiagnosticFormat::Human && evidence.is_some() {
        let verdict = match (&path, summary.errors) {
            (Some(path), 0) => format!(
                "{name} is intact, and its evidence matches {} and its captures",
                display_name(path)
            ),
            (None, 0) => format!(
                "{name} is intact (no registry at hand: checked against its own evidence alone)"
            ),
            _ if diagnostics
                .iter()
                .any(|d| matches!(d.code, Code::EvidenceMissing | Code::EvidenceAltered)) =>
            {
                format!("{name} is not intact")
            }
            (Some(path), _) => format!(
                "{name} is intact, but its evidence no longer matches {}",
                display_name(path)
            ),
            (None, _) => format!("{name} does not hold up"),
        };
        let mut err = super::stream(false);
        let _ = std::io::Write::write_all(&mut err, format!("{verdict}\n").as_bytes());
        let _ = std::io::Write::flush(&mut err);
    }
    Ok(super::outcome(&summary, &args.diagnostics))
}
