//! The lines before a report's body: imports, the citation rules and the
//! template.

use std::path::Path;

use super::{Failure, INTERNAL_MARK, Job, Template, markup, packages};
use crate::report::Format;

/// The lines before the body: imports, the citation rules and the template.
pub(super) fn preamble(job: &Job<'_>) -> Result<String, Failure> {
    let template = match job.template {
        Template::Builtin(name) => format!(
            "#import {}: {name} as template\n",
            packages::import("templates")
        ),
        Template::File(path) => format!(
            "#import {}: template\n",
            crate::typst_str::string(&root_path(job.root, path)?)
        ),
    };
    // One background for the marks, so neither hides the other. Not the
    // foreground: Typst 0.15 then writes a table laid out beside footnotes
    // into the structure PDF/UA reads as an invalid table.
    let mut marks = Vec::new();
    if job.draft {
        marks.push("place(top + right, dx: -1.2cm, dy: 0.9cm, text(size: 9pt, weight: \"bold\", fill: rgb(\"#b3261e\"), tracking: 0.1em, upper(dossier.term(\"draft\"))))".to_string());
    }
    if job.internal {
        marks.push(format!(
            "place(top + center, dy: 0.45cm, block(fill: rgb(\"#b3261e\"), inset: (x: 8pt, y: 3pt), text(size: 8pt, weight: \"bold\", fill: white, {})))",
            crate::typst_str::string(INTERNAL_MARK)
        ));
    }
    // The evidence travels inside the PDF, where the standards allow a file
    // attached (PDF/A-1 and PDF/A-2 do not).
    let attach = if job.standards.allow_attachments() {
        "#pdf.attach(\"/evidence.json\", dossier.evidence, relationship: \"supplement\", mime-type: \"application/json\", description: \"The evidence behind this dossier: the cited claims and their evidence, the cited sources and their captures, and the check\")\n"
    } else {
        ""
    };
    let marks = if marks.is_empty() {
        String::new()
    } else {
        format!("#set page(background: {{ {} }})\n", marks.join("; "))
    };
    // Markdown citations are all planned calls. A Typst report's runs of
    // `@id` are too; its `#cite` calls and supplements with markup keep the
    // show rules that expand claims.
    let lib = packages::import("lib");
    let rules = match job.report.format {
        Format::Typst => {
            let mut rules = format!("#import {lib}: cite-group as {}\n", markup::TYPST_GROUP);
            if job.report.groups.iter().any(|g| !g.planned) {
                rules.push_str("#show: dossier.citations\n");
            }
            rules
        }
        Format::Markdown => String::new(),
    };
    Ok(format!(
        "#import {lib} as dossier\n{template}{marks}{rules}#show footnote.entry: dossier.note-entry\n#set footnote(numbering: dossier.numbered(\"1\"))\n#show: template\n{attach}"
    ))
}

/// The path of `path` inside the root, as Typst writes it (`/templates/x.typ`).
fn root_path(root: &Path, path: &Path) -> Result<String, Failure> {
    let root = root
        .canonicalize()
        .map_err(|e| Failure::Fatal(e.to_string()))?;
    let real = path.canonicalize().map_err(|e| {
        Failure::Fatal(format!("cannot read the template {} ({e})", path.display()))
    })?;
    let inside = real.strip_prefix(&root).map_err(|_| {
        Failure::Fatal(format!(
            "the template {} lies outside the root folder {}",
            crate::diag::display_name(path),
            crate::diag::display_name(&root)
        ))
    })?;
    Ok(format!("/{}", inside.to_string_lossy().replace('\\', "/")))
}
