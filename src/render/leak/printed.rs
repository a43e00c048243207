//! What is printed about a public check or build: the diagnostics of the
//! leak scan, which name a source, a field and a place but never the text,
//! and every other diagnostic kept from quoting confidential text — in its
//! message, or in the lines of the report or registry a snippet would show.

use super::{Channel, Finding, Place, Scanner};
use crate::diag::{Code, Diagnostic, Files, Span};
use crate::registry::Registry;

/// Keeps confidential text out of what is printed about a public check or
/// build: a diagnostic whose message or help would show it says so instead,
/// and one whose lines would show it is printed with its place only. When
/// the registry did not load whole, nothing of a registry file that holds
/// confidential sources is printed but its places.
pub fn redact(registry: &Registry, files: &Files, diagnostics: &mut [Diagnostic]) {
    let scanner = Scanner::new(registry);
    if scanner.is_none() && registry.complete {
        return;
    }
    // Where each registry file's tables begin, and whether each is a
    // confidential source's.
    let tables: Vec<(crate::diag::FileId, Vec<(usize, bool)>)> = registry
        .files
        .iter()
        .map(|&file| (file, tables(registry, files.text(file))))
        .collect();
    let quiet_at = |span: &Span| {
        let Some((_, starts)) = tables.iter().find(|(file, _)| *file == span.file) else {
            return false;
        };
        // A registry that did not load whole may hold confidential sources
        // it could not read: none of its lines are printed.
        let broken = !registry.complete && files.text(span.file).contains("confidential");
        let index = starts.partition_point(|(at, _)| *at <= span.range.start);
        broken || index.checked_sub(1).is_some_and(|i| starts[i].1)
    };
    for diagnostic in diagnostics {
        if let Some(scanner) = &scanner {
            let owner = |text: &str| {
                scanner.text(text, &|_| Channel::new(""));
                scanner.take().into_iter().find_map(|f| match f {
                    Finding::Leak(owner, _) => Some(owner),
                    Finding::Unreadable(..) => None,
                })
            };
            let mut said = diagnostic.message.clone();
            said.extend(diagnostic.help.iter().map(|h| format!("\n{h}")));
            for label in &diagnostic.labels {
                said.push('\n');
                said.push_str(&label.message);
            }
            if let Some(found) = owner(&said) {
                // An ID that spells what it hides is not printed either.
                let whose = match owner(&found.source) {
                    Some(_) => "a confidential source".to_string(),
                    None => format!("confidential source `{}`", found.source),
                };
                diagnostic.message = format!(
                    "[{}: the message is withheld, since it would show text of {whose}]",
                    diagnostic.code
                );
                diagnostic.help = None;
                for label in &mut diagnostic.labels {
                    label.message.clear();
                }
            }
            let spans = diagnostic
                .span
                .iter()
                .chain(diagnostic.labels.iter().map(|l| &l.span));
            let mut shown = String::new();
            for span in spans {
                shown.push_str(&lines(files, span));
                // A needle that runs from the lines printed into those
                // around them shows in part all the same.
                let (before, printed, after) = around(files, span, scanner.reach());
                if scanner.involves(before, printed, after) {
                    diagnostic.quiet = true;
                }
            }
            if owner(&shown).is_some() {
                diagnostic.quiet = true;
            }
        }
        let secret_table = diagnostic
            .span
            .iter()
            .chain(diagnostic.labels.iter().map(|l| &l.span))
            .any(&quiet_at);
        if secret_table {
            // A field of a confidential source that did not load is no
            // needle: what the message quotes of it is held back too.
            diagnostic.quiet = true;
            diagnostic.message = mask(&diagnostic.message, registry);
            diagnostic.help = diagnostic.help.as_deref().map(|h| mask(h, registry));
        }
        // A line of evidence resting on a confidential source.
        let evidence = diagnostic
            .span
            .iter()
            .chain(diagnostic.labels.iter().map(|l| &l.span))
            .any(|span| {
                let lines = lines(files, span);
                registry
                    .sources
                    .values()
                    .filter(|s| s.is_confidential())
                    .any(|s| lines.contains(&format!("\"{}\"", s.id.value)))
            });
        if evidence {
            diagnostic.quiet = true;
        }
    }
}

/// A message about a field of a confidential source with what it quotes of
/// the source held back: every `…` but the source fields' names and the IDs.
fn mask(message: &str, registry: &Registry) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let quoted = i % 2 == 1;
        let known = crate::registry::described::field(part).is_some()
            || crate::registry::details::KEYS.contains(&part)
            || registry.get(part).is_some();
        if quoted && !known {
            out.push('…');
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Where each table of a registry file begins, and whether it is the table
/// of a confidential source, whose every line may be confidential (a
/// misspelt field included).
fn tables(registry: &Registry, text: &str) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") {
            let name = trimmed.trim_matches(|c| c == '[' || c == ']').trim();
            let id = name.strip_prefix("sources.").map(|id| id.trim_matches('"'));
            let secret = id.is_some_and(|id| registry.is_hidden(id));
            out.push((at, secret));
        }
        at += line.len();
    }
    out
}

/// The whole lines a span touches, as a snippet prints them.
fn lines(files: &Files, span: &Span) -> String {
    format!("{}\n", around(files, span, 0).1)
}

/// The lines a span touches, and up to `reach` bytes of whole lines
/// before and after them.
fn around<'a>(files: &'a Files, span: &Span, reach: usize) -> (&'a str, &'a str, &'a str) {
    let text = files.text(span.file);
    let floor = |at: usize| {
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(span.range.start);
    let end = floor(span.range.end.max(span.range.start));
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i);
    let first = line_start(start);
    let last = line_end(end);
    let before = line_start(floor(first.saturating_sub(reach)));
    let after = line_end(floor((last + reach).min(text.len())));
    (&text[before..first], &text[first..last], &text[last..after])
}

/// The diagnostics of what the scan found: one per source, field and
/// channel, at the place when there is one, never with the text.
pub fn diagnostics(findings: &[Finding], files: &mut Files) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for finding in findings {
        let diagnostic = match finding {
            Finding::Leak(owner, channel) => {
                let what = match (&owner.claim, owner.field) {
                    (Some(claim), _) => format!(
                        "a quote of confidential source `{}` (evidence for `{claim}`)",
                        owner.source
                    ),
                    (None, field) => {
                        format!("the {field} of confidential source `{}`", owner.source)
                    }
                };
                Diagnostic::new(
                    Code::ConfidentialLeak,
                    format!("{what} would reach the reader through {}", channel.what),
                )
                .with_help("take it out of what the document shows, or build for internal use with --internal")
                .with_place(&channel.place, files)
            }
            Finding::Unreadable(channel, reason) => Diagnostic::new(
                Code::ConfidentialLeak,
                format!(
                    "{} cannot be searched for confidential text ({reason})",
                    channel.what
                ),
            )
            .with_help("a public build shows only what it can search: leave the file out, or build for internal use with --internal")
            .with_place(&channel.place, files),
        };
        if !out.contains(&diagnostic) {
            out.push(diagnostic);
        }
    }
    out
}

trait WithPlace {
    fn with_place(self, place: &Place, files: &mut Files) -> Self;
}

impl WithPlace for Diagnostic {
    fn with_place(self, place: &Place, files: &mut Files) -> Self {
        match place {
            Place::None => self,
            Place::Span(span) => self.at(span.clone()),
            Place::File(path, offset) => {
                let text = std::fs::read(path)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok());
                match (text, offset) {
                    (Some(text), Some(offset)) if *offset <= text.len() => {
                        let id = files.add(path, text);
                        self.at(Span::new(id, *offset..*offset))
                    }
                    (Some(text), _) => {
                        let id = files.add(path, text);
                        self.at(Span::new(id, 0..0))
                    }
                    (None, _) => {
                        let id = files.add(path, String::new());
                        self.at(Span::new(id, 0..0))
                    }
                }
            }
        }
    }
}

/// The confidential text of a registry, to ask whether something a command
/// is about to print holds any of it.
pub struct Secrets(Option<std::sync::Arc<Scanner>>);

impl Secrets {
    /// The secrets of `registry` (its confidential sources' fields, quotes
    /// and `redact` terms); none when it has no confidential source.
    pub fn of(registry: &Registry) -> Self {
        Self(Scanner::new(registry))
    }

    /// None: for `--internal`, which may print everything.
    pub fn none() -> Self {
        Self(None)
    }

    /// Whether `text` holds confidential text, as the leak scan finds it.
    pub fn holds(&self, text: &str) -> bool {
        let Some(scanner) = &self.0 else {
            return false;
        };
        scanner.text(text, &|_| Channel::new(""));
        !scanner.take().is_empty()
    }
}

/// What stands for a public field that holds confidential text when it is
/// printed without `--internal`.
pub const WITHHELD: &str = "(withheld: it holds confidential text)";

/// The registry as `list` and `show` print it: everything for internal
/// use; otherwise without confidential sources' fields and with public
/// text that holds `secrets` (the registry's own) withheld.
pub fn as_printed(mut registry: Registry, internal: bool, secrets: &Secrets) -> Registry {
    if internal {
        return registry;
    }
    scrub(&mut registry, secrets);
    registry.withheld()
}

/// Withholds, for printing without `--internal` (`list`, `show`,
/// `export`), every field of a public entry that holds confidential text —
/// a public title quoting a witness, a statement naming one. Returns the
/// IDs of the entries touched. `secrets` are the registry's own.
pub fn scrub(registry: &mut Registry, secrets: &Secrets) -> Vec<String> {
    if secrets.0.is_none() {
        return Vec::new();
    }
    let holds = |text: &str| secrets.holds(text);
    let mut touched = Vec::new();
    let mut hide = |value: &mut String, id: &str| {
        if holds(&crate::registry::rich::plain(value)) {
            *value = WITHHELD.into();
            if !touched.iter().any(|t| t == id) {
                touched.push(id.to_string());
            }
        }
    };
    for source in registry
        .sources
        .values_mut()
        .filter(|s| !s.is_confidential())
    {
        let id = source.id.value.clone();
        // Every text field the registry describes, and the details.
        for field in crate::registry::described::FIELDS {
            for text in (field.strings)(source) {
                hide(text, &id);
            }
        }
        for (_, field) in source.details.texts_mut() {
            if let Some(field) = field {
                hide(&mut field.value, &id);
            }
        }
        let [(_, editors), (_, translators)] = source.details.people_mut();
        for author in editors.iter_mut().chain(translators.iter_mut()) {
            match &mut author.value {
                crate::registry::Author::Person(name)
                | crate::registry::Author::Organisation(name) => hide(name, &id),
            }
        }
    }
    for claim in registry.claims.values_mut() {
        let id = claim.id.value.clone();
        if let Some(statement) = &mut claim.statement {
            hide(&mut statement.value, &id);
        }
        for evidence in &mut claim.evidence {
            for field in [&mut evidence.locator, &mut evidence.quote]
                .into_iter()
                .flatten()
            {
                hide(&mut field.value, &id);
            }
            if let Some(value) = &mut evidence.value
                && let crate::registry::Value::Text(text) = &mut value.value
            {
                hide(text, &id);
            }
        }
        if let Some(rationale) = claim.conflict.as_mut().and_then(|c| c.rationale.as_mut()) {
            hide(&mut rationale.value, &id);
        }
    }
    touched
}
