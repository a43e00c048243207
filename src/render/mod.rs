//! Rendering: the checked registry and report become Typst input — a main
//! file, the JSON data and the hayagriva bibliography of the cited sources,
//! served by our own World — and Typst compiles them into a PDF.

pub(crate) mod bib;
pub(crate) mod bidi;
mod cite;
pub(crate) mod data;
mod diagnostics;
pub mod fonts;
mod guard;
pub mod leak;
mod links;
pub mod markup;
pub mod packages;
pub(crate) mod page;
pub mod pdf;
pub mod plan;
mod preamble;
mod printing;
pub mod style;
pub mod world;

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, Files};
use crate::registry::Registry;
use crate::report::{Format, Report};
use crate::resolve;

use self::guard::guard;
pub use self::packages::TEMPLATES;
use self::preamble::preamble;
use self::printing::{claim_marks, group_markup, has_annex, print_citations};
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
