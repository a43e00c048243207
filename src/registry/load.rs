//! Finding and reading the registry: the main file, the files its `include`
//! globs name, and the merge that catches IDs defined twice.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::fields::Reader;
use super::schema::{self, Part};
use super::{Claim, Registry, Source};
use crate::diag::{Code, Diagnostic, FileId, Files, Span};

/// The registry could not be read at all (exit code 2).
#[derive(Debug)]
pub enum LoadError {
    /// No `sources.toml` was found where the contract says to look.
    NotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// A registry file exists but cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound { start } => write!(
                f,
                "no sources.toml in {} or any folder above it (use --registry PATH)",
                crate::diag::display_name(start)
            ),
            Self::Read { path, error } => {
                write!(
                    f,
                    "cannot read {} ({error})",
                    crate::diag::display_name(path)
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// The registry to use: `explicit` if given, else `sources.toml` in the
/// report's folder (or in `near` itself when it is a folder) or the nearest
/// folder above it, else in the current folder.
pub fn find_registry(explicit: Option<&Path>, near: Option<&Path>) -> Result<PathBuf, LoadError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let folder = near.and_then(|p| if p.is_dir() { Some(p) } else { p.parent() });
    let start = match folder {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => cwd.clone(),
    };
    let start = std::path::absolute(&start).unwrap_or(start);
    let found = start
        .ancestors()
        .chain(std::iter::once(cwd.as_path()))
        .map(|dir| dir.join("sources.toml"))
        .find(|candidate| candidate.is_file());
    found.ok_or(LoadError::NotFound { start })
}

/// A registry as read, with what reading it found: every command decides
/// by one [`Policy`] whether it may act on it.
#[derive(Debug)]
pub struct Loaded {
    /// What could be read.
    pub registry: Registry,
    /// What reading found: syntax errors, invalid fields, IDs defined twice.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a command needs of the registry before it acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Every file parsed: a command that edits the registry must not
    /// rewrite what it could not read whole.
    Parsed,
    /// No error `check` would find in the registry alone, rules applied:
    /// what a command writes out (an export) would otherwise leave out or
    /// change what is broken without a word.
    Valid,
}

impl Loaded {
    /// Reads the registry at `path`, as [`load`] does.
    pub fn read(path: &Path, outside: &[PathBuf], files: &mut Files) -> Result<Self, LoadError> {
        let (registry, diagnostics) = load(path, outside, files)?;
        Ok(Self {
            registry,
            diagnostics,
        })
    }

    /// What stops a command that needs the registry [`Policy::Parsed`]:
    /// the files that did not parse. ([`Policy::Valid`] needs every rule
    /// `check` applies, which `cmd::registry` runs.)
    pub fn unparsed(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.code == Code::Syntax)
            .cloned()
            .collect()
    }
}

/// Reads the registry at `path` and everything it includes: files inside
/// its folder, or inside one of the `outside` folders the user named.
pub fn load(
    path: &Path,
    outside: &[PathBuf],
    files: &mut Files,
) -> Result<(Registry, Vec<Diagnostic>), LoadError> {
    let mut diagnostics = Vec::new();
    let mut registry = Registry {
        complete: true,
        ..Registry::default()
    };
    let main = read_file(path, files)?;
    registry.files.push(main);
    let mut parts = Vec::new();
    if let Some(part) = parse(files, main, true, &mut diagnostics) {
        registry.title = part.title.clone();
        registry.style = part.style.clone();
        registry.rules = part.rules.clone();
        for included in expand_includes(path, outside, &part, files, &mut diagnostics) {
            let id = read_file(&included, files)?;
            registry.files.push(id);
            match parse(files, id, false, &mut diagnostics) {
                Some(p) => parts.push(p),
                None => registry.complete = false,
            }
        }
        parts.insert(0, part);
    } else {
        registry.complete = false;
    }
    merge(&mut registry, parts, &mut diagnostics);
    Ok((registry, diagnostics))
}

fn read_file(path: &Path, files: &mut Files) -> Result<FileId, LoadError> {
    if let Some(id) = files.find(path) {
        return Ok(id);
    }
    let text = crate::diag::read_text(path).map_err(|error| LoadError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(files.add(path, text))
}

/// Parses one file; `None` (after `syntax` diagnostics) when it does not parse.
fn parse(
    files: &Files,
    file: FileId,
    main: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Part> {
    let text = files.text(file);
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // After a repeated `[sources.x]` header, TOML also complains about
        // every key of the second table; those follow from the first error.
        let mut repeated_table: Option<std::ops::Range<usize>> = None;
        for error in errors {
            let range = error.span().unwrap_or(0..0);
            if repeated_table
                .as_ref()
                .is_some_and(|t| t.contains(&range.start))
            {
                continue;
            }
            if let Some(diagnostic) = repeated_header(text, file, &range) {
                repeated_table = Some(range.end..table_end(text, range.end));
                diagnostics.push(diagnostic);
                continue;
            }
            let message = error.message().trim().trim_end_matches('.').to_string();
            let message = format!("{} (TOML)", lowercase_first(&message));
            diagnostics.push(Diagnostic::new(Code::Syntax, message).at(Span::new(file, range)));
        }
        return None;
    }
    let mut reader = Reader {
        file,
        text,
        diagnostics,
    };
    Some(schema::read(&mut reader, root.get_ref(), main))
}

/// A `duplicate-id` for a second `[sources.x]` or `[claims.x]` header in one
/// file, pointing at both, in place of TOML's "duplicate key".
fn repeated_header(text: &str, file: FileId, range: &std::ops::Range<usize>) -> Option<Diagnostic> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let header = text[line_start..range.end].trim_start();
    let (group, kind) = if header.starts_with("[sources.") {
        ("sources", "source")
    } else if header.starts_with("[claims.") {
        ("claims", "claim")
    } else {
        return None;
    };
    let id = text[range.clone()].trim_matches('"');
    // The recovered table keeps the later span, so find the first header by text.
    let mut offset = 0;
    let mut first = None;
    for line in text[..line_start].split_inclusive('\n') {
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if compact == format!("[{group}.{id}]") || compact == format!("[{group}.\"{id}\"]") {
            let dotted = line.find(&format!("{group}."))? + group.len() + 1;
            let quoted = usize::from(line[dotted..].trim_start().starts_with('"'));
            let at = offset
                + dotted
                + (line[dotted..].len() - line[dotted..].trim_start().len())
                + quoted;
            first = Some(at..at + id.len());
            break;
        }
        offset += line.len();
    }
    let first = first?;
    Some(
        Diagnostic::new(Code::DuplicateId, format!("{kind} `{id}` is defined twice"))
            .at(Span::new(file, range.clone()))
            .with_label(Span::new(file, first), "first defined here")
            .with_help("one ID names one thing: rename one of them"),
    )
}

/// Where the table that starts at `from` ends: at the next header line.
fn table_end(text: &str, from: usize) -> usize {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n').skip(1) {
        offset += text[offset..]
            .find('\n')
            .map_or(text.len() - offset, |i| i + 1);
        if line.trim_start().starts_with('[') {
            return offset;
        }
    }
    text.len()
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The files the `include` patterns name, sorted, each once, never the main
/// file. A pattern may read only inside the main file's folder or one of
/// the `outside` folders: one that reaches elsewhere (`../*.toml`,
/// `/**/*.toml`, a link out) is an error, and is not walked.
fn expand_includes(
    main: &Path,
    outside: &[PathBuf],
    part: &Part,
    files: &Files,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let base = main.parent().unwrap_or(Path::new(""));
    let main_canonical = main.canonicalize().ok();
    let roots: Vec<PathBuf> = std::iter::once(if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    })
    .chain(outside.iter().map(PathBuf::as_path))
    .filter_map(|dir| dir.canonicalize().ok())
    .collect();
    let inside = |path: &Path| {
        path.canonicalize()
            .is_ok_and(|real| roots.iter().any(|root| real.starts_with(root)))
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for pattern in &part.include {
        let full = base.join(&pattern.value);
        let start = literal_start(&full);
        let reach = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start.as_path()
        };
        // Where the walk starts, or the nearest folder above it that exists.
        let walked = reach
            .ancestors()
            .find(|p| p.exists())
            .unwrap_or(Path::new("."));
        let outside_of = |path: &Path| {
            let message = format!(
                "`include` pattern `{}` reaches outside the registry's folder ({})",
                pattern.value,
                crate::diag::display_name(path)
            );
            Diagnostic::new(Code::InvalidField, message)
                .at(pattern.span.clone())
                .with_help("move the file into the registry's folder, or name its folder with `--include-from DIR`")
        };
        if !inside(walked) {
            diagnostics.push(outside_of(walked));
            continue;
        }
        let matches = match glob_files(&full) {
            Ok(paths) => paths,
            Err(error) => {
                let message = format!(
                    "`include` pattern `{}` is not a valid glob ({})",
                    pattern.value, error.msg
                );
                diagnostics
                    .push(Diagnostic::new(Code::InvalidField, message).at(pattern.span.clone()));
                continue;
            }
        };
        if matches.is_empty() {
            let message = format!("`include` pattern `{}` matches no file", pattern.value);
            let help = format!("patterns are relative to {}", files.name(pattern.span.file));
            diagnostics.push(
                Diagnostic::new(Code::InvalidField, message)
                    .at(pattern.span.clone())
                    .with_help(help),
            );
        }
        let (mut matches, out_of_bounds): (Vec<_>, Vec<_>) =
            matches.into_iter().partition(|path| inside(path));
        if let Some(first) = out_of_bounds.first() {
            diagnostics.push(outside_of(first));
        }
        matches.sort();
        for path in matches {
            let canonical = path.canonicalize().ok();
            if canonical.is_some() && (canonical == main_canonical || !seen.insert(canonical)) {
                continue;
            }
            out.push(path);
        }
    }
    out
}

/// The regular files a glob pattern matches, sorted. The folders below the
/// pattern's literal start are walked without following symbolic links to
/// folders, so a link cycle (`d/self -> .`) ends; `*` and `?` stay within
/// one path component and `**` spans any number.
fn glob_files(pattern: &Path) -> Result<Vec<PathBuf>, glob::PatternError> {
    let text = pattern.to_string_lossy();
    let matcher = glob::Pattern::new(&text)?;
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let start = literal_start(pattern);
    if start == pattern {
        return Ok(if pattern.is_file() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        });
    }
    let walk_from = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start.as_path()
    };
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(walk_from)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .map(|entry| {
            let path = entry.into_path();
            match path.strip_prefix("./") {
                Ok(rest) if start.as_os_str().is_empty() => rest.to_path_buf(),
                _ => path,
            }
        })
        // A symlink to a file counts as that file.
        .filter(|path| path.is_file() && matcher.matches_path_with(path, options))
        .collect();
    found.sort();
    Ok(found)
}

/// The longest leading run of a pattern's components without a wildcard.
fn literal_start(pattern: &Path) -> PathBuf {
    let mut start = PathBuf::new();
    for component in pattern.components() {
        let part = component.as_os_str().to_string_lossy();
        if part.contains(['*', '?', '[']) {
            break;
        }
        start.push(component);
    }
    start
}

/// Merges the parts in order, keeping the first definition of each ID.
fn merge(registry: &mut Registry, parts: Vec<Part>, diagnostics: &mut Vec<Diagnostic>) {
    let mut defined: HashMap<String, (Span, &'static str)> = HashMap::new();
    let mut check = |id: &str, span: &Span, kind: &'static str| -> bool {
        match defined.get(id) {
            Some((first, first_kind)) => {
                let message = if *first_kind == kind {
                    format!("{kind} `{id}` is defined twice")
                } else {
                    format!("`{id}` is defined both as a {first_kind} and as a {kind}")
                };
                diagnostics.push(
                    Diagnostic::new(Code::DuplicateId, message)
                        .at(span.clone())
                        .with_label(first.clone(), "first defined here")
                        .with_help("one ID names one thing: rename one of them"),
                );
                false
            }
            None => {
                defined.insert(id.to_string(), (span.clone(), kind));
                true
            }
        }
    };
    for part in parts {
        // Within a file, the definition written first is the one kept.
        let mut entries: Vec<(usize, Result<Source, Claim>)> = part
            .sources
            .into_iter()
            .map(|s| (s.id.span.range.start, Ok(s)))
            .chain(
                part.claims
                    .into_iter()
                    .map(|c| (c.id.span.range.start, Err(c))),
            )
            .collect();
        entries.sort_by_key(|(start, _)| *start);
        for (_, entry) in entries {
            match entry {
                Ok(source) => {
                    if check(&source.id.value, &source.id.span, "source") {
                        registry.sources.insert(source.id.value.clone(), source);
                    }
                }
                Err(claim) => {
                    if check(&claim.id.value, &claim.id.span, "claim") {
                        registry.claims.insert(claim.id.value.clone(), claim);
                    }
                }
            }
        }
    }
}
