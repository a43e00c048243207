//! The printed citations as Typst markup: each group by its number in the
//! template's table, with draft markers, bidi isolates and claim marks.

use super::{Failure, Job, Style, Template, bidi, cite, data, packages, plan, style};
use crate::report::Format;
use crate::resolve;

/// Whether the document has a claims annex for citations to link to: the
/// dossier template's, or one a custom template or a Typst report lays out
/// with `claims-annex`.
pub(super) fn has_annex(job: &Job<'_>, report: &str) -> bool {
    let calls = |text: &str| text.contains("claims-annex(");
    let template = match job.template {
        Template::Builtin(name) => *name == "dossier",
        Template::File(path) => std::fs::read_to_string(path).is_ok_and(|t| calls(&t)),
    };
    template || job.report.format == Format::Typst && calls(report)
}

/// The marks after a citation group that link each claim it cites to the
/// claim's entry in the annex.
pub(super) fn claim_marks(claims: &[String]) -> String {
    if claims.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = claims
        .iter()
        .map(|id| crate::typst_str::string(id))
        .collect();
    format!("#dossier.claim-marks(({},));", ids.join(", "))
}

/// A printed citation group as Typst markup: a draft marker for each
/// unknown ID, text as string literals, spaces as markup (a footnote's mark
/// takes their place), and each citation by its number in the template's
/// table of printed citations. `in_note`: the group stands in a footnote,
/// where a note style's citation prints in the text of the note, not as a
/// note of its own, and names its authors itself. A citation whose
/// `isolate` is set, and a group holding one, are bidi isolates.
pub(super) fn group_markup(group: &serde_json::Value, in_note: bool, isolate: &[bool]) -> String {
    use serde_json::Value;
    let mut out = String::new();
    for id in group["unknown"].as_array().into_iter().flatten() {
        if let Some(id) = id.as_str() {
            out.push_str(&format!(
                "#dossier.marker({});",
                crate::typst_str::string(id)
            ));
        }
    }
    let table = if in_note {
        "printed-in-notes"
    } else {
        "printed-cites"
    };
    let isolated = |n: &serde_json::Value| {
        n.as_u64()
            .and_then(|n| isolate.get(n as usize))
            .copied()
            .unwrap_or(false)
    };
    let cite = |table: &str, n: &serde_json::Value| {
        let markup = format!("#dossier.{table}.at({n});");
        if isolated(n) {
            bidi::isolated(&markup)
        } else {
            markup
        }
    };
    let parts = group["parts"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let isolated_any = parts.iter().any(|part| match part {
        Value::Object(author) => author.get("a").is_some_and(isolated),
        n => isolated(n),
    });
    let mut after_author = false;
    for part in parts {
        match part {
            Value::String(text) if text == " " => out.push(' '),
            // Between the authors a note's citation names itself.
            Value::String(_) if in_note && after_author => {}
            Value::String(text) => {
                out.push_str(&format!("#{};", crate::typst_str::string(text)));
            }
            Value::Number(_) => out.push_str(&cite(table, part)),
            Value::Object(author) if !in_note => {
                if let Some(n) = author.get("a") {
                    out.push_str(&cite("printed-cites", n));
                }
            }
            _ => {}
        }
        after_author = part.is_object();
    }
    if isolated_any {
        bidi::isolated(&out)
    } else {
        out
    }
}

/// Every citation of a Markdown report, formatted here, and its
/// bibliography, formatted on another thread.
pub(super) fn print_citations(
    job: &Job<'_>,
    csl: Option<hayagriva::citationberg::Style>,
    resolved: &resolve::Resolved<'_>,
    plans: &[plan::GroupPlan],
    bibliography: &str,
    order: &[usize],
    cache: &mut Option<(u64, cite::Printed, packages::Later)>,
) -> Result<(cite::Printed, packages::Later), Failure> {
    let shape = &style::Shape::of(csl.as_ref());
    let nocite = data::nocite(job);
    let names: Vec<&str> = if shape.note || shape.open.is_empty() {
        Vec::new()
    } else {
        resolved.sources.iter().copied().collect()
    };
    let (lang, region) = data::language(&job.report.front);
    // A watch round whose citations did not change reuses them.
    let key = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        serde_json::to_string(plans)
            .unwrap_or_default()
            .hash(&mut hasher);
        (order, &nocite, &names, bibliography, &lang, &region).hash(&mut hasher);
        match job.style {
            Style::Name(name) => name.hash(&mut hasher),
            Style::File(_, bytes) => bytes.hash(&mut hasher),
        }
        hasher.finish()
    };
    if let Some((known, printed, bibliography)) = cache
        && *known == key
    {
        return Ok((printed.clone(), bibliography.clone()));
    }
    let Some(csl) = csl else {
        return Err(Failure::Fatal("the citation style cannot be read".into()));
    };
    let hayagriva::citationberg::Style::Independent(style) = csl else {
        return Err(Failure::Fatal(
            "the citation style is a dependent style; name its parent".into(),
        ));
    };
    let (printed, later) = cite::print(&cite::Input {
        plans,
        order,
        nocite: &nocite,
        names: &names,
        bibliography,
        style: &style,
        shape,
        lang: &lang,
        region: region.as_deref(),
    })
    .map_err(Failure::Fatal)?;
    *cache = Some((key, printed.clone(), later.clone()));
    Ok((printed, later))
}
