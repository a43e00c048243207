//! Rendering: the checked registry and report become Typst input — a main
//! file, the JSON data and the hayagriva bibliography of the cited sources,
//! served by our own World — and Typst compiles them into a PDF.

pub(crate) mod bib;
pub(crate) mod bidi;
mod cite;
pub(crate) mod data;
mod diagnostics;
pub mod fonts;
pub mod leak;
mod links;
pub mod markup;
pub mod packages;
pub(crate) mod page;
pub mod pdf;
pub mod plan;
pub mod style;
pub mod world;

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, Files};
use crate::registry::Registry;
use crate::report::{Format, Report};
use crate::resolve;

pub use self::packages::TEMPLATES;
pub use self::style::Style;
pub use self::world::DossierWorld;

/// The template of a build.
#[derive(Debug, Clone)]
pub enum Template {
    /// A template compiled into the binary, by name.
    Builtin(&'static str),
    /// A `.typ` file inside the root that defines `template(body)`.
    File(PathBuf),
}

impl Template {
    /// A built-in template by name, or a `.typ` file.
    pub fn load(given: &str) -> Result<Template, String> {
        if given.ends_with(".typ") {
            let path = PathBuf::from(given);
            if !path.is_file() {
                return Err(format!(
                    "no template file {}",
                    crate::diag::display_name(&path)
                ));
            }
            return Ok(Template::File(path));
        }
        match TEMPLATES.iter().find(|(name, _)| *name == given) {
            Some((name, _)) => Ok(Template::Builtin(name)),
            None => {
                let names: Vec<&str> = TEMPLATES.iter().map(|(name, _)| *name).collect();
                Err(format!(
                    "unknown template `{given}` (built-in: {}; or a .typ file)",
                    names.join(", ")
                ))
            }
        }
    }
}

/// Everything one build needs.
#[derive(Debug)]
pub struct Job<'a> {
    /// The checked registry.
    pub registry: &'a Registry,
    /// The checked report.
    pub report: &'a Report,
    /// The folder Typst may read from.
    pub root: &'a Path,
    /// The bibliography style.
    pub style: &'a Style,
    /// The template.
    pub template: &'a Template,
    /// The document date.
    pub date: chrono::NaiveDate,
    /// Render unknown IDs as markers instead of failing.
    pub draft: bool,
    /// More folders with fonts.
    pub font_paths: &'a [PathBuf],
    /// Include confidential sources and mark every page; else leave them
    /// out and scan the PDF for their text.
    pub internal: bool,
    /// The PDF standards the file meets.
    pub standards: &'a pdf::Standards,
    /// What the check before the build found, for the attached evidence.
    pub summary: crate::diag::Summary,
}

/// The words every page of an internal build carries.
pub const INTERNAL_MARK: &str = "INTERNAL — contains confidential sources";

/// A compiled document.
#[derive(Debug)]
pub struct Built {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
    /// Typst's warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The World of earlier builds of the same report, kept between rounds of
/// `dossier watch` so Typst compiles incrementally.
#[derive(Default)]
pub struct Session {
    world: Option<DossierWorld>,
    /// The citations last formatted, by a hash of what they depend on.
    citations: Option<(u64, cite::Printed, packages::Later)>,
    /// Whether more rounds follow, so Typst's caches are worth keeping.
    watching: bool,
}

impl Session {
    /// A session of many rounds (`dossier watch`).
    pub fn watching() -> Self {
        Self {
            watching: true,
            ..Self::default()
        }
    }

    /// The files on disk the last compilation read.
    pub fn dependencies(&mut self) -> Vec<PathBuf> {
        self.world
            .as_mut()
            .map(DossierWorld::dependencies)
            .unwrap_or_default()
    }
}

/// Why a build produced no PDF.
#[derive(Debug)]
pub enum Failure {
    /// The document did not compile; the diagnostics say where.
    Diagnostics(Vec<Diagnostic>),
    /// The build could not run at all.
    Fatal(String),
}

/// Compiles the report into a PDF.
pub fn build(job: &Job<'_>, files: &mut Files) -> Result<Built, Failure> {
    build_in(&mut Session::default(), job, files)
}

/// Compiles the report into a PDF in a session that keeps Typst's World.
/// A public build is searched for confidential text before layout (what the
/// report and every file it reads would show) and after it (what the laid-out
/// document and the PDF file show); any finding means no PDF.
pub fn build_in(session: &mut Session, job: &Job<'_>, files: &mut Files) -> Result<Built, Failure> {
    let scanner = scanner(job);
    let compiled = compile(session, job, files, scanner.as_ref(), true)?;
    if let Some(scanner) = &scanner {
        let _scope = typst_timing::TimingScope::new("dossier: leak scan, after layout");
        // The pages and the file are read side by side: a watch waits for
        // both.
        std::thread::scope(|threads| {
            threads.spawn(|| {
                scanner.guarded("the PDF file", || leak::layout::pdf(scanner, &compiled.pdf));
            });
            scanner.guarded("the laid-out document", || {
                leak::layout::document(scanner, &compiled.document)
            });
        });
        let findings = scanner.take();
        if !findings.is_empty() {
            return Err(Failure::Diagnostics(leak::diagnostics(&findings, files)));
        }
    }
    Ok(Built {
        pages: compiled.document.pages().len(),
        pdf: compiled.pdf,
        warnings: compiled.warnings,
    })
}

/// What each layer of the leak scan finds in a public build, each on its
/// own: before layout (the report and the files the document reads) and
/// after it (the laid-out document and the PDF file). The document is laid
/// out even when the first layer finds something, so each layer can be
/// judged alone.
pub fn leak_layers(
    job: &Job<'_>,
    files: &mut Files,
) -> Result<(Vec<leak::Finding>, Vec<leak::Finding>), Failure> {
    let (Some(before), Some(after)) = (scanner(job), scanner(job)) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let compiled = compile(&mut Session::default(), job, files, Some(&before), false)?;
    leak::layout::document(&after, &compiled.document);
    leak::layout::pdf(&after, &compiled.pdf);
    Ok((before.take(), after.take()))
}

/// The document as Typst lays it out, before it is written as a PDF: what
/// a reader sees, page by page and glyph by glyph.
pub fn laid_out(job: &Job<'_>, files: &mut Files) -> Result<PagedDocument, Failure> {
    Ok(compile(&mut Session::default(), job, files, None, false)?.document)
}

/// The scanner of a public build with confidential sources.
fn scanner(job: &Job<'_>) -> Option<std::sync::Arc<leak::Scanner>> {
    if job.internal {
        None
    } else {
        leak::Scanner::new(job.registry)
    }
}

/// A laid-out document and its PDF.
struct Compiled {
    document: PagedDocument,
    pdf: Vec<u8>,
    warnings: Vec<Diagnostic>,
}

/// Prepares the data and markup, searches them and every file the document
/// reads with `scanner` (stopping before layout at a finding when `stop`),
/// and compiles.
fn compile(
    session: &mut Session,
    job: &Job<'_>,
    files: &mut Files,
    scanner: Option<&std::sync::Arc<leak::Scanner>>,
    stop: bool,
) -> Result<Compiled, Failure> {
    let prepare = typst_timing::TimingScope::new("dossier: prepare data and markup");
    // Before Typst sees anything, a public build drops what is confidential.
    let public = (!job.internal).then(|| job.registry.public());
    let registry = public.as_ref().unwrap_or(job.registry);
    let view = Job { registry, ..*job };
    let reports = std::slice::from_ref(job.report);
    let resolved = resolve::resolve(registry, reports);
    let sources: Vec<&str> = resolved.sources.iter().copied().collect();
    let bibliography = bib::yaml(registry, &sources).map_err(Failure::Fatal)?;

    let preamble = preamble(job)?;
    let text = files.text(job.report.file);
    let mut converted = match job.report.format {
        Format::Markdown => {
            markup::convert(text, job.report.body_start, &job.report.groups, &preamble)
        }
        Format::Typst => markup::inline(text, &job.report.groups, job.report.file, &preamble),
    };
    // The files a Typst report includes, their planned groups made calls.
    let group = format!(
        "#import {}: cite-group as {}\n",
        packages::import("lib"),
        markup::TYPST_GROUP
    );
    let includes: Vec<(PathBuf, crate::diag::FileId, markup::Converted)> = job
        .report
        .includes
        .iter()
        .filter_map(|&file| {
            let real = files.path(file).canonicalize().ok()?;
            let converted = markup::inline(files.text(file), &job.report.groups, file, &group);
            Some((real, file, converted))
        })
        .collect();
    drop(prepare);
    let mut later = None;
    let data = {
        let _scope = typst_timing::TimingScope::new("dossier: format citations");
        // The style is read once: each reading decodes it anew.
        let csl = job.style.csl();
        let shape = style::Shape::of(csl.as_ref());
        let plans: Vec<plan::GroupPlan> = job
            .report
            .groups
            .iter()
            .map(|g| plan::group(registry, g, &shape))
            .collect();
        // A Markdown report prints each group once, where it stands. A
        // Typst report's code decides where and how often a group prints
        // (`#let`, `#if`, `#for`, a function called twice), so Typst formats
        // its citations, all of them, for one numbering and one
        // disambiguation.
        let printed = if job.report.format == Format::Markdown {
            Some(print_citations(
                &view,
                csl,
                &resolved,
                &plans,
                &bibliography,
                &converted.calls,
                &mut session.citations,
            )?)
        } else {
            None
        };
        // A Markdown report's groups are written into its markup, their
        // citations by number: Typst calls no function to print them (each
        // call is remembered, which at 100,000 citations costs hundreds of
        // megabytes).
        let printed = printed.map(|(printed, bibliography)| {
            later = Some(bibliography);
            printed
        });
        let annex = has_annex(job, text);
        let groups = match &printed {
            Some(printed) => {
                // Citations set apart from text of the other direction.
                let rtl = bidi::language_rtl(&data::language(&job.report.front).0);
                let isolate = vec![rtl; printed.cites.len()];
                let markup: Vec<Vec<[String; 2]>> = printed
                    .groups
                    .iter()
                    .zip(&plans)
                    .map(|(times, plan)| {
                        let marks = if annex {
                            claim_marks(&plan.claims)
                        } else {
                            String::new()
                        };
                        times
                            .iter()
                            .map(|g| {
                                [false, true]
                                    .map(|in_note| group_markup(g, in_note, &isolate) + &marks)
                            })
                            .collect()
                    })
                    .collect();
                converted = markup::convert_printed(
                    text,
                    job.report.body_start,
                    &job.report.groups,
                    &preamble,
                    &markup,
                    rtl,
                );
                serde_json::Value::Array(Vec::new())
            }
            None => serde_json::to_value(&plans).map_err(|e| Failure::Fatal(e.to_string()))?,
        };
        data::json(&view, &resolved, files, &shape, groups, printed, annex)
    };
    let (data, evidence) = data;
    if let Some(scanner) = scanner {
        let _scope = typst_timing::TimingScope::new("dossier: leak scan, before layout");
        scanner.guarded("the report", || {
            leak::source::report(scanner, &converted, job.report, text);
            leak::source::data(scanner, "data.json", &data);
            leak::source::data(scanner, "evidence.json", &evidence);
            leak::source::data(scanner, "bibliography.yml", &bibliography);
        });
        if stop && scanner.found_any() {
            return Err(Failure::Diagnostics(leak::diagnostics(
                &scanner.take(),
                files,
            )));
        }
    }
    // The PDF is sealed with the evidence it carries.
    let sealed = job
        .standards
        .allow_attachments()
        .then(|| pdf::ident(evidence.as_bytes()));
    let mut generated = vec![
        ("data.json", Bytes::new(data.into_bytes())),
        ("evidence.json", Bytes::new(evidence.into_bytes())),
        ("bibliography.yml", Bytes::from_string(bibliography)),
    ];
    if let Style::File(_, bytes) = job.style {
        generated.push(("style.csl", Bytes::new(bytes.clone())));
    }
    let packages = packages::Packages::new(
        generated,
        later
            .iter()
            .map(|later| ("bibliography.json", later.clone()))
            .collect(),
    );
    let session_watching = session.watching;
    let world = match &mut session.world {
        Some(world) => {
            world
                .refresh(converted.text.clone(), packages, job.date)
                .map_err(Failure::Fatal)?;
            world
        }
        slot => {
            let fonts = fonts::store(job.font_paths).map_err(Failure::Fatal)?;
            let world = DossierWorld::new(
                job.root,
                &job.report.path,
                converted.text.clone(),
                packages,
                fonts,
                job.date,
            )
            .map_err(Failure::Fatal)?;
            slot.insert(world)
        }
    };
    world.includes(
        includes
            .iter()
            .map(|(real, file, converted)| {
                let written = files.text(*file).as_bytes().to_vec();
                (
                    real.clone(),
                    (written, Bytes::from_string(converted.text.clone())),
                )
            })
            .collect(),
    );
    world.guard(match scanner {
        Some(scanner) => guard(job.registry, files, scanner.clone()),
        None => world::Guard::default(),
    });
    let world = &*world;

    let warned = typst::compile::<PagedDocument>(world);
    // The bibliography, formatted while Typst laid out the pages before it,
    // is searched like the data: a template need not have read it.
    if let Some(later) = &later {
        let bibliography = later.wait().map_err(Failure::Fatal)?;
        if let Some(scanner) = scanner {
            let text = std::str::from_utf8(&bibliography).unwrap_or_default();
            scanner.guarded("the report", || {
                leak::source::data(scanner, "bibliography.json", text);
            });
        }
    }
    if !session_watching {
        // What Typst remembered to lay out again faster holds the pages a
        // second time; a single build will not lay out again.
        typst::comemo::evict(0);
    }
    let mut mapper = diagnostics::Mapper {
        world,
        files,
        report: job.report,
        converted: &converted,
        includes: &includes,
    };
    let warnings = mapper.convert(&warned.warnings);
    // What the files the document read would show, found while it read them.
    let leaked = match scanner {
        Some(scanner) if stop && scanner.found_any() => scanner.take(),
        _ => Vec::new(),
    };
    let document = warned.output.map_err(|errors| {
        let mut all = mapper.convert(&errors);
        all.extend(warnings.iter().cloned());
        all.extend(leak::diagnostics(&leaked, mapper.files));
        Failure::Diagnostics(all)
    });
    // A citation's link is read out as its source's title, a claim mark's
    // as the claim's statement.
    let describe = |url: &str| -> Option<String> {
        if let Some(key) = url.strip_prefix("dossier-cite:") {
            let source = registry.sources.get(key)?;
            let title = source
                .title
                .as_ref()
                .map(|t| crate::registry::rich::plain(&t.value));
            Some(title.unwrap_or_else(|| key.to_string()))
        } else {
            let claim = registry.claims.get(url.strip_prefix("dossier-claim:")?)?;
            Some(claim.statement.as_ref()?.value.clone())
        }
    };
    let mut document = links::resolve(document?, &describe);
    if !leaked.is_empty() {
        return Err(Failure::Diagnostics(leak::diagnostics(&leaked, files)));
    }
    if job.internal {
        mark_internal(&mut document)?;
    }
    let pdf = pdf::export(&document, job.date, job.standards, sealed).map_err(|errors| {
        let mut mapper = diagnostics::Mapper {
            world,
            files,
            report: job.report,
            converted: &converted,
            includes: &includes,
        };
        Failure::Diagnostics(mapper.convert_export(&errors))
    })?;
    Ok(Compiled {
        document,
        pdf,
        warnings,
    })
}

/// Whether the document has a claims annex for citations to link to: the
/// dossier template's, or one a custom template or a Typst report lays out
/// with `claims-annex`.
fn has_annex(job: &Job<'_>, report: &str) -> bool {
    let calls = |text: &str| text.contains("claims-annex(");
    let template = match job.template {
        Template::Builtin(name) => *name == "dossier",
        Template::File(path) => std::fs::read_to_string(path).is_ok_and(|t| calls(&t)),
    };
    template || job.report.format == Format::Typst && calls(report)
}

/// The marks after a citation group that link each claim it cites to the
/// claim's entry in the annex.
fn claim_marks(claims: &[String]) -> String {
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
fn group_markup(group: &serde_json::Value, in_note: bool, isolate: &[bool]) -> String {
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
fn print_citations(
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

/// What a public build's document may not read: the registry files, which
/// hold the confidential sources, and every capture — by path, by identity
/// and (the registry and confidential captures) by content.
fn guard(
    registry: &Registry,
    files: &Files,
    scanner: std::sync::Arc<leak::Scanner>,
) -> world::Guard {
    use sha2::Digest;
    let mut guard = world::Guard {
        scanner: Some(scanner),
        ..world::Guard::default()
    };
    let mut add = |path: &Path, by_content: Option<Option<[u8; 32]>>| {
        let Ok(real) = path.canonicalize() else {
            return;
        };
        guard.identities.extend(world::identity(&real));
        match by_content {
            Some(Some(known)) => guard.digests.push(known),
            Some(None) => {
                if let Ok(bytes) = std::fs::read(&real) {
                    guard.digests.push(sha2::Sha256::digest(&bytes).into());
                }
            }
            None => {}
        }
        guard.paths.push(real);
    };
    for id in &registry.files {
        add(files.path(*id), Some(None));
    }
    for source in registry.sources.values() {
        if let Some(capture) = &source.capture {
            let base = files
                .path(capture.span.file)
                .parent()
                .unwrap_or(Path::new(""));
            let known = source.sha256.as_ref().and_then(|h| digest(&h.value));
            let by_content = source.is_confidential().then_some(known);
            add(&base.join(&capture.value), by_content);
        }
    }
    guard
}

/// A SHA-256 digest written in hexadecimal.
fn digest(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Says in the PDF's metadata that it is internal, and makes sure the
/// template let the mark onto every page.
fn mark_internal(document: &mut PagedDocument) -> Result<(), Failure> {
    let wanted = crate::skeleton::of(INTERNAL_MARK);
    for (i, page) in document.pages().iter().enumerate() {
        let text = page::text(page);
        if !crate::skeleton::of(&text).contains(&wanted) {
            let message = format!(
                "page {} of the internal build does not show \"{INTERNAL_MARK}\": the template covers or removes the page background",
                i + 1
            );
            return Err(Failure::Diagnostics(vec![Diagnostic::new(
                crate::diag::Code::Compile,
                message,
            )]));
        }
    }
    let info = document.info_mut();
    info.description = Some(INTERNAL_MARK.into());
    info.keywords.insert(0, "INTERNAL".into());
    if let Some(title) = &info.title {
        info.title = Some(format!("{title} (INTERNAL)").into());
    }
    Ok(())
}

/// The lines before the body: imports, the citation rules and the template.
fn preamble(job: &Job<'_>) -> Result<String, Failure> {
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
