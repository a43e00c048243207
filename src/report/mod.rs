//! Reports: the Markdown or Typst files authors write. This module reads one,
//! splits off its front matter and finds every citation with its exact span.

pub mod figure;
pub mod frontmatter;
pub mod locator;
pub mod markdown;
pub mod sentence;
pub mod typst;

#[cfg(test)]
pub(crate) mod props;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Files, Span};

pub use self::frontmatter::{FrontMatter, typst_language};

/// The two report languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CommonMark with Pandoc citations.
    Markdown,
    /// Typst markup.
    Typst,
}

impl Format {
    /// The format a path's extension names, if any.
    pub fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Self::Markdown),
            "typ" => Some(Self::Typst),
            _ => None,
        }
    }
}

/// How a citation shows its author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Parenthetical: `[@id]`, `@id` in Typst.
    Normal,
    /// Without the author: `[-@id]`.
    SuppressAuthor,
    /// The author in the running text: `@id` in Markdown.
    InText,
    /// Listed by the front matter's `nocite`: in the bibliography only.
    Nocite,
}

/// One cited ID.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// The claim or source ID.
    pub id: String,
    /// The span of `@id` (or of the label in `#cite(<id>)`).
    pub span: Span,
    /// Text before the ID inside a bracket, e.g. "see".
    pub prefix: Option<String>,
    /// Where in the source, e.g. "para. 4".
    pub locator: Option<String>,
    /// Text after the locator.
    pub suffix: Option<String>,
    /// How the author is shown.
    pub mode: Mode,
}

impl Citation {
    /// `@*` in `nocite`: every source, as in Pandoc.
    pub fn is_every_source(&self) -> bool {
        self.id == "*" && self.mode == Mode::Nocite
    }
}

impl Group {
    /// The file the group is written in.
    pub fn file(&self) -> Option<FileId> {
        self.citations.first().map(|c| c.span.file)
    }
}

/// Citations written together, e.g. `[see @a, para. 4; also @b]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Byte range of the whole group in the report, brackets included.
    pub range: Range<usize>,
    /// The citations in order.
    pub citations: Vec<Citation>,
    /// Whether a build prints the group from its plan, in place of the
    /// author's text: every Markdown group, and each run of `@id` in a Typst
    /// report whose supplements are plain text. Typst prints the others (a
    /// `#cite` call, a supplement with markup) itself.
    pub planned: bool,
}

/// A parsed report.
#[derive(Debug)]
pub struct Report {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text in [`Files`].
    pub file: FileId,
    /// Markdown or Typst.
    pub format: Format,
    /// Title, authors, date and the other front-matter fields.
    pub front: FrontMatter,
    /// Byte offset where the body starts, after the front matter.
    pub body_start: usize,
    /// Every citation group in order.
    pub groups: Vec<Group>,
    /// IDs the front matter's `nocite` lists: in the bibliography, not in the text.
    pub nocite: Vec<Citation>,
    /// The files a Typst report includes or imports, directly or not: their
    /// groups follow the report's own in `groups`.
    pub includes: Vec<FileId>,
    /// In a Markdown report, the prose of each paragraph or list item with
    /// a digit outside its citations, read with the citations: what the
    /// figure rules look at.
    pub figures: Vec<Vec<sentence::Char>>,
}

impl Report {
    /// Every citation in order.
    pub fn citations(&self) -> impl Iterator<Item = &Citation> {
        self.groups.iter().flat_map(|g| &g.citations)
    }
}

/// The report could not be read at all (exit code 2).
#[derive(Debug)]
pub enum ReadError {
    /// The file cannot be read.
    Io(PathBuf, std::io::Error),
    /// The extension is neither Markdown nor Typst.
    Format(PathBuf),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(path, error) => write!(
                f,
                "cannot read {} ({error})",
                crate::diag::display_name(path)
            ),
            Self::Format(path) => write!(
                f,
                "{} is neither Markdown (.md) nor Typst (.typ)",
                crate::diag::display_name(path)
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads and parses a report, adding its text to `files`, and the Typst
/// files it includes or imports inside `root`, as Typst reads them.
pub fn read(
    path: &Path,
    root: &Path,
    files: &mut Files,
) -> Result<(Report, Vec<Diagnostic>), ReadError> {
    let format = Format::of(path).ok_or_else(|| ReadError::Format(path.to_path_buf()))?;
    let text = crate::diag::read_text(path).map_err(|e| ReadError::Io(path.to_path_buf(), e))?;
    let file = files.add(path, text);
    let (mut report, mut diagnostics) = parse(file, format, files);
    if format == Format::Typst {
        follow_includes(&mut report, root, files, &mut diagnostics);
    }
    Ok((report, diagnostics))
}

/// Reads every file a Typst report includes or imports, and the files those
/// include, and finds their citations: a label any of them defines is no
/// citation in any of them.
fn follow_includes(
    report: &mut Report,
    root: &Path,
    files: &mut Files,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut seen: Vec<PathBuf> = report.path.canonicalize().into_iter().collect();
    let mut queue = vec![report.file];
    let mut next = 0;
    while let Some(&file) = queue.get(next) {
        next += 1;
        let base = files
            .path(file)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let text = files.text(file).to_string();
        for (written, span) in typst::included(file, &text, diagnostics) {
            let target = match written.strip_prefix('/') {
                Some(inside) => root.join(inside),
                None => base.join(&written),
            };
            let problem = |message: String| {
                Diagnostic::new(crate::diag::Code::Syntax, message).at(span.clone())
            };
            let real = match target.canonicalize() {
                Ok(real) => real,
                Err(e) => {
                    diagnostics.push(problem(format!("cannot read `{written}` ({e})")));
                    continue;
                }
            };
            if !real.starts_with(&root) {
                diagnostics.push(problem(format!(
                    "`{written}` lies outside the root folder {}, where Typst may not read",
                    crate::diag::display_name(&root)
                )));
                continue;
            }
            if seen.contains(&real) {
                continue;
            }
            seen.push(real);
            match crate::diag::read_text(&target) {
                Ok(text) => {
                    let id = files.add(&target, text);
                    report.includes.push(id);
                    queue.push(id);
                }
                Err(e) => diagnostics.push(problem(format!("cannot read `{written}` ({e})"))),
            }
        }
    }
    if report.includes.is_empty() {
        return;
    }
    let all: Vec<FileId> = std::iter::once(report.file)
        .chain(report.includes.iter().copied())
        .collect();
    let mut labels = std::collections::HashSet::new();
    for &file in &all {
        labels.extend(typst::labels(files.text(file)));
    }
    report.groups.clear();
    for &file in &all {
        // The report's own parse errors were reported already.
        let mut found = Vec::new();
        let groups = typst::citations_among(file, files.text(file), &labels, &mut found);
        if file != report.file {
            diagnostics.extend(found);
        }
        report.groups.extend(groups);
    }
}

/// Parses a report already in `files`.
pub fn parse(file: FileId, format: Format, files: &Files) -> (Report, Vec<Diagnostic>) {
    let text = files.text(file);
    let mut diagnostics = Vec::new();
    let (front, body_start) = match format {
        Format::Markdown => frontmatter::markdown(file, text, &mut diagnostics),
        Format::Typst => frontmatter::typst(file, text, &mut diagnostics),
    };
    let (groups, figures) = match format {
        Format::Markdown => {
            markdown::citations_and_figures(file, text, body_start, &mut diagnostics)
        }
        Format::Typst => (typst::citations(file, text, &mut diagnostics), Vec::new()),
    };
    let nocite = front
        .nocite
        .iter()
        .map(|id| Citation {
            id: id.value.clone(),
            span: id.span.clone(),
            prefix: None,
            locator: None,
            suffix: None,
            mode: Mode::Nocite,
        })
        .collect();
    let report = Report {
        path: files.path(file).to_path_buf(),
        file,
        format,
        front,
        body_start,
        groups,
        nocite,
        includes: Vec::new(),
        figures,
    };
    (report, diagnostics)
}
