//! Front matter: YAML between `---` lines or TOML between `+++` lines at the
//! top of a Markdown report, or YAML in a leading `/*--- … ---*/` comment of a
//! Typst report. Every field is checked; unknown ones get a suggestion.

use std::ops::Range;

use serde_yaml::Value as Yaml;

use crate::diag::{Code, Diagnostic, FileId, Span, Spanned, lines};
use crate::registry::PartialDate;

mod fields;

use self::fields::{toml_fields, yaml_fields};

/// The fields a report may set about itself.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// The document title.
    pub title: Option<Spanned<String>>,
    /// A subtitle.
    pub subtitle: Option<Spanned<String>>,
    /// Authors as written.
    pub authors: Vec<String>,
    /// The document date.
    pub date: Option<Spanned<PartialDate>>,
    /// The publishing organisation.
    pub organisation: Option<Spanned<String>>,
    /// BCP 47 language of the report.
    pub lang: Option<Spanned<String>>,
    /// CSL style name or `.csl` path.
    pub style: Option<Spanned<String>>,
    /// Template name or `.typ` path.
    pub template: Option<Spanned<String>>,
    /// A classification line such as "Public" or "Restricted".
    pub classification: Option<Spanned<String>>,
    /// Keywords for the PDF metadata.
    pub keywords: Vec<String>,
    /// A short abstract printed under the title.
    pub abstract_: Option<Spanned<String>>,
    /// Claims or sources to list in the bibliography without citing them.
    pub nocite: Vec<Spanned<String>>,
    /// `latin` or `native`: the digits of dates and page numbers in a
    /// language that has its own (Persian, Arabic).
    pub digits: Option<Spanned<String>>,
}

const FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "authors",
    "date",
    "organisation",
    "lang",
    "style",
    "template",
    "classification",
    "keywords",
    "abstract",
    "nocite",
    "digits",
];

/// One field as read from YAML or TOML, with where its key and value are.
struct Field {
    key: String,
    key_range: Range<usize>,
    value: Yaml,
    value_range: Range<usize>,
}

/// Reads the front matter of a Markdown report; returns it and where the body starts.
pub fn markdown(
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (FrontMatter, usize) {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let (fence, toml) = if rest.starts_with("---") {
        ("---", false)
    } else if rest.starts_with("+++") {
        ("+++", true)
    } else {
        return (FrontMatter::default(), 0);
    };
    let first_line_end = lines(rest).next().map_or(rest.len(), str::len);
    if rest[..first_line_end].trim_end() != fence {
        return (FrontMatter::default(), 0);
    }
    let content_start = bom + first_line_end;
    let next_line = lines(&text[content_start..]).next();
    if !toml && next_line.is_none_or(|line| line.trim().is_empty()) {
        // A `---` line followed by a blank line is a rule, as in Pandoc.
        return (FrontMatter::default(), 0);
    }
    let Some((content_end, body_start)) = closing_fence(text, content_start, fence, !toml) else {
        let span = Span::new(file, bom..bom + 3);
        let message =
            format!("front matter is not closed (no `{fence}` line after the opening one)");
        diagnostics.push(Diagnostic::new(Code::Syntax, message).at(span));
        return (FrontMatter::default(), text.len());
    };
    let fields = if toml {
        toml_fields(file, text, content_start..content_end, diagnostics)
    } else {
        yaml_fields(file, text, content_start..content_end, diagnostics)
    };
    (interpret(file, text, fields, diagnostics), body_start)
}

/// Reads the front matter of a Typst report from a leading `/*---` comment.
pub fn typst(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> (FrontMatter, usize) {
    let start = text.len()
        - text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    let rest = &text[start..];
    let first_line_end = lines(rest).next().map_or(rest.len(), str::len);
    if rest[..first_line_end].trim_end() != "/*---" {
        return (FrontMatter::default(), 0);
    }
    let content_start = start + first_line_end;
    let Some((content_end, body_start)) = closing_fence(text, content_start, "---*/", false) else {
        let span = Span::new(file, start..start + 5);
        diagnostics.push(
            Diagnostic::new(Code::Syntax, "front matter is not closed (no `---*/` line)").at(span),
        );
        return (FrontMatter::default(), text.len());
    };
    let fields = yaml_fields(file, text, content_start..content_end, diagnostics);
    // The comment stays in the Typst source, so the body starts at 0.
    let _ = body_start;
    (interpret(file, text, fields, diagnostics), 0)
}

/// Finds the line that closes the front matter: the end of the content and
/// the start of the body.
fn closing_fence(text: &str, from: usize, fence: &str, allow_dots: bool) -> Option<(usize, usize)> {
    let mut offset = from;
    for line in lines(&text[from..]) {
        let trimmed = line.trim_end();
        if trimmed == fence || (allow_dots && trimmed == "...") {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// Turns raw fields into the typed front matter, reporting bad ones.
fn interpret(
    file: FileId,
    source: &str,
    fields: Vec<Field>,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut front = FrontMatter::default();
    for field in fields {
        if PROSE.contains(&field.key.as_str())
            && let Some(items) = names(&field.value)
        {
            refuse_citations(file, source, &field, &items, diagnostics);
        }
        let span = Span::new(file, field.value_range.clone());
        let mut invalid = |message: String| {
            diagnostics.push(Diagnostic::new(Code::InvalidField, message).at(span.clone()));
        };
        let text = || scalar(&field.value).map(|s| Spanned::new(s, span.clone()));
        match field.key.as_str() {
            "title" | "subtitle" | "organisation" | "style" | "template" | "classification"
            | "abstract" => {
                let Some(value) = text() else {
                    invalid(format!("front matter `{}` must be a text", field.key));
                    continue;
                };
                let slot = match field.key.as_str() {
                    "title" => &mut front.title,
                    "subtitle" => &mut front.subtitle,
                    "organisation" => &mut front.organisation,
                    "style" => &mut front.style,
                    "template" => &mut front.template,
                    "classification" => &mut front.classification,
                    _ => &mut front.abstract_,
                };
                *slot = Some(value);
            }
            "authors" | "keywords" => match names(&field.value) {
                Some(list) if field.key == "authors" => front.authors = list,
                Some(list) => front.keywords = list,
                None => invalid(format!(
                    "front matter `{}` must be a text or a list of texts",
                    field.key
                )),
            },
            "lang" => match scalar(&field.value).map(|tag| (typst_language(&tag), tag)) {
                Some((Ok(_), tag)) => {
                    front.lang = Some(Spanned::new(tag, span.clone()));
                }
                Some((Err(problem), _)) => invalid(problem),
                None => {
                    invalid("front matter `lang` must be a BCP 47 tag such as `en` or `fa`".into())
                }
            },
            "nocite" => match names(&field.value) {
                Some(items) => front.nocite = keys(file, source, &field.value_range, &items),
                None => {
                    invalid("front matter `nocite` must be a list of claim or source IDs".into())
                }
            },
            "digits" => match scalar(&field.value).as_deref().map(str::trim) {
                Some(kind @ ("latin" | "native")) => {
                    front.digits = Some(Spanned::new(kind.to_string(), span.clone()));
                }
                _ => invalid(
                    "front matter `digits` must be `latin` (123) or `native` (the language's own digits)"
                        .into(),
                ),
            },
            "date" => match scalar(&field.value).map(|s| PartialDate::parse(s.trim())) {
                Some(Ok(date)) => front.date = Some(Spanned::new(date, span.clone())),
                _ => invalid("front matter `date` must be a date as YYYY-MM-DD".into()),
            },
            other => {
                let key_span = Span::new(file, field.key_range.clone());
                diagnostics.push(crate::diag::unknown_field(
                    key_span,
                    other,
                    FIELDS,
                    "the front matter",
                ));
            }
        }
    }
    front
}

fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A text, a list of texts, or a list of `{ name: … }` maps.
/// The fields printed as text, in which Pandoc would read citations too.
const PROSE: &[&str] = &[
    "title",
    "subtitle",
    "authors",
    "organisation",
    "classification",
    "keywords",
    "abstract",
];

/// An error at each citation Pandoc would read in a field printed as text:
/// dossier prints it as written, so it would never be checked.
fn refuse_citations(
    file: FileId,
    source: &str,
    field: &Field,
    items: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for key in keys(file, source, &field.value_range, items)
        .into_iter()
        .filter(|k| source[k.span.range.clone()].starts_with('@'))
    {
        let message = format!(
            "front matter `{}` holds a citation of `{}`, which is printed as written and never checked",
            field.key, key.value
        );
        diagnostics.push(
            Diagnostic::new(Code::InvalidField, message)
                .at(key.span)
                .with_help("cite in the body, or write `\\@` for an @ sign"),
        );
    }
}

/// The keys of a front-matter value such as `nocite`, each located at its
/// text in `raw` (the front matter as written): Pandoc's citations (`@a, @b`, `[@a; @b]`,
/// `@*` for every source), or, in an item without `@`, the item as an ID.
fn keys(file: FileId, text: &str, raw: &Range<usize>, items: &[String]) -> Vec<Spanned<String>> {
    let mut keys = Vec::new();
    let mut cursor = raw.start;
    let mut locate = |needle: &str| {
        let found = text[cursor..raw.end].find(needle).map(|at| cursor + at);
        match found {
            Some(at) => {
                cursor = at + needle.len();
                Span::new(file, at..at + needle.len())
            }
            None => Span::new(file, raw.clone()),
        }
    };
    for item in items {
        if !item.contains('@') {
            let id = item.trim();
            if !id.is_empty() {
                keys.push(Spanned::new(id.to_string(), locate(id)));
            }
            continue;
        }
        for citation in super::markdown::inline_citations(file, item) {
            let written = &item[citation.span.range.clone()];
            keys.push(Spanned::new(citation.id, locate(written)));
        }
    }
    keys
}

fn names(value: &Yaml) -> Option<Vec<String>> {
    match value {
        Yaml::Sequence(items) => items
            .iter()
            .map(|item| match item {
                Yaml::Mapping(m) => m.get("name").and_then(scalar),
                other => scalar(other),
            })
            .collect(),
        other => scalar(other).map(|s| vec![s]),
    }
}

/// A BCP 47 tag as Typst takes it: the language (ISO 639) and, when the tag
/// names one, the region (ISO 3166-1 alpha-2); a script, a numeric region
/// (UN M.49, as in `es-419`), variants and extensions change nothing Typst
/// does and are left out.
pub fn typst_language(tag: &str) -> Result<(String, Option<String>), String> {
    use std::str::FromStr;
    use typst::text::{Lang, Region};
    if !crate::registry::is_language_tag(tag) {
        return Err(format!(
            "front matter `lang` must be a BCP 47 tag such as `en`, `fa` or `de-CH` (found `{tag}`)"
        ));
    }
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let lang = Lang::from_str(primary).map_err(|e| format!("front matter `lang`: {e}"))?;
    let mut region = None;
    for part in parts {
        let letters = part.chars().all(|c| c.is_ascii_alphabetic());
        match part.len() {
            2 if letters && region.is_none() => {
                let found =
                    Region::from_str(part).map_err(|e| format!("front matter `lang`: {e}"))?;
                region = Some(found.as_str().to_string());
            }
            // A script (`Hant`), a numeric region Typst has no code for
            // (`419`), a variant or an extension.
            _ => {}
        }
    }
    Ok((lang.as_str().to_string(), region))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Files;

    fn front(text: &str) -> (FrontMatter, usize, Vec<Diagnostic>) {
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.md"), text.into());
        let mut diagnostics = Vec::new();
        let (front, body) = markdown(id, files.text(id), &mut diagnostics);
        (front, body, diagnostics)
    }

    #[test]
    fn reads_yaml_and_toml() {
        let (f, body, d) =
            front("---\ntitle: A briefing\nauthors: [A, B]\ndate: 2026-11-21\n---\nBody");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.title.unwrap().value, "A briefing");
        assert_eq!(f.authors, ["A", "B"]);
        assert_eq!(f.date.unwrap().value.to_string(), "2026-11-21");
        assert_eq!(body, 59);
        let (f, _, d) = front("+++\ntitle = \"T\"\ndate = 2026-11-21\n+++\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.title.unwrap().value, "T");
    }

    #[test]
    fn reports_unknown_fields_and_bad_yaml() {
        let (_, _, d) = front("---\ntitel: x\n---\n");
        assert_eq!(d[0].code, Code::InvalidField);
        assert_eq!(d[0].span.as_ref().unwrap().range, 4..9);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `title`?"));
        let (_, _, d) = front("---\ntitle: [unclosed\n---\n");
        assert_eq!(d[0].code, Code::Syntax);
        let (_, _, d) = front("---\ntitle: x\n");
        assert_eq!(d[0].code, Code::Syntax);
    }

    #[test]
    fn every_line_ending_ends_a_front_matter_line() {
        for (text, bogus) in [
            ("---\rtitle: T\rbogus: 1\r---\r\rBody", 13..18),
            ("---\r\ntitle: T\r\nbogus: 1\r\n---\r\nBody", 15..20),
        ] {
            let (f, body, d) = front(text);
            assert_eq!(f.title.unwrap().value, "T", "{text:?}");
            assert_eq!(
                text[body..].trim_start_matches(['\r', '\n']),
                "Body",
                "{text:?}"
            );
            assert_eq!(d[0].span.as_ref().unwrap().range, bogus, "{text:?}");
        }
    }

    #[test]
    fn a_rule_before_a_blank_line_is_no_front_matter() {
        for text in ["---\n\nText [@x].\n", "---\n", "---\n  \r\nText.\n"] {
            let (f, body, d) = front(text);
            assert!(d.is_empty() && f.title.is_none(), "{text:?}: {d:?}");
            assert_eq!(body, 0, "{text:?}");
        }
    }
}
