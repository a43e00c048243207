//! The fields of front matter as written: YAML or TOML parsed, each key and
//! value with where it stands, parse errors located.

use std::ops::Range;

use serde_yaml::Value as Yaml;
use toml::de::{DeTable, DeValue};

use super::Field;
use crate::diag::{Code, Columns, Diagnostic, FileId, Span};

/// The YAML reader refuses flow collections nested deeper than this, after
/// a time that grows with the square of the depth.
const MAX_FLOW_DEPTH: usize = 100;

/// Where `[` or `{` opens a flow collection deeper than `MAX_FLOW_DEPTH`,
/// quoted text aside.
fn too_deep(content: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (at, c) in content.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(at);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

pub(super) fn yaml_fields(
    file: FileId,
    text: &str,
    range: Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let content = &text[range.clone()];
    if content.trim().is_empty() {
        return Vec::new();
    }
    if let Some(at) = too_deep(content) {
        let span = Span::new(file, range.start + at..range.start + at + 1);
        diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                format!("front matter: brackets nested more than {MAX_FLOW_DEPTH} deep (YAML)"),
            )
            .at(span)
            .with_help("quote a title that holds brackets: `title: \"[…]\"`"),
        );
        return Vec::new();
    }
    let value: Yaml = match serde_yaml::from_str(content) {
        Ok(v) => v,
        Err(error) => {
            let (message, at) = yaml_error(&error, content);
            let span = Span::new(file, range.start + at..range.start + at);
            let message = format!("front matter: {message} (YAML)");
            diagnostics.push(Diagnostic::new(Code::Syntax, message).at(span));
            return Vec::new();
        }
    };
    let Yaml::Mapping(map) = value else {
        let span = Span::new(file, range.start..range.end);
        diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                "front matter must be a list of `key: value` fields",
            )
            .at(span),
        );
        return Vec::new();
    };
    map.into_iter()
        .map(|(key, value)| {
            let key = match key {
                Yaml::String(s) => s,
                other => serde_yaml::to_string(&other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            let (key_range, value_range) = locate_yaml_key(content, &key)
                .map(|(k, v)| (shift(k, range.start), shift(v, range.start)))
                .unwrap_or((range.start..range.start, range.start..range.start));
            Field {
                key,
                key_range,
                value,
                value_range,
            }
        })
        .collect()
}

/// The message without its positions, and the byte offset to point at: where
/// the construct being read began (an unclosed quote), else where it failed.
pub(super) fn yaml_error(error: &serde_yaml::Error, content: &str) -> (String, usize) {
    let text = error.to_string();
    let mut message = String::new();
    let mut last = None;
    for (i, part) in text.split(" at line ").enumerate() {
        if i == 0 {
            message.push_str(part);
            continue;
        }
        let mut words = part.splitn(4, ' ');
        let line = words.next().and_then(|l| l.parse::<usize>().ok());
        let column = words
            .nth(1)
            .and_then(|c| c.trim_end_matches(',').parse::<usize>().ok());
        if let (Some(line), Some(column)) = (line, column) {
            last = Some((line, column));
        }
        if let Some((_, rest)) = part.split_once(", ") {
            message.push(' ');
            message.push_str(rest);
        }
    }
    let offset = match last {
        Some((line, column)) => crate::diag::offset_of(content, line, column, Columns::Chars),
        None => error.location().map_or(0, |l| l.index()),
    };
    (message, offset)
}

pub(super) fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// Finds a top-level `key:` line; returns the key's and the value's ranges.
pub(super) fn locate_yaml_key(content: &str, key: &str) -> Option<(Range<usize>, Range<usize>)> {
    let mut offset = 0;
    let mut lines = crate::diag::lines(content);
    for line in lines.by_ref() {
        if let Some(after) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let key_range = offset..offset + key.len();
            let value_start = offset + key.len() + 1 + (after.len() - after.trim_start().len());
            let mut value_end = offset + line.trim_end().len();
            // A block value goes on over indented lines and `- ` items.
            let mut next = offset + line.len();
            for line in lines {
                let blank = line.trim().is_empty();
                if !(blank || line.starts_with([' ', '\t']) || line.starts_with('-')) {
                    break;
                }
                if !blank {
                    value_end = next + line.trim_end().len();
                }
                next += line.len();
            }
            let value_range = if value_end > value_start {
                let start = value_start
                    + (content[value_start..value_end].len()
                        - content[value_start..value_end].trim_start().len());
                start..value_end
            } else {
                key_range.clone()
            };
            return Some((key_range, value_range));
        }
        offset += line.len();
    }
    None
}

pub(super) fn toml_fields(
    file: FileId,
    text: &str,
    range: Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Field> {
    let content = &text[range.clone()];
    let (table, errors) = DeTable::parse_recoverable(content);
    if let Some(error) = errors.first() {
        let at = shift(error.span().unwrap_or(0..0), range.start);
        let message = format!(
            "front matter: {} (TOML)",
            error.message().trim().trim_end_matches('.')
        );
        diagnostics.push(Diagnostic::new(Code::Syntax, message).at(Span::new(file, at)));
        return Vec::new();
    }
    table
        .get_ref()
        .iter()
        .map(|(key, value)| Field {
            key: key.get_ref().to_string(),
            key_range: shift(key.span(), range.start),
            value: toml_to_yaml(value.get_ref()),
            value_range: shift(value.span(), range.start),
        })
        .collect()
}

pub(super) fn toml_to_yaml(value: &DeValue<'_>) -> Yaml {
    match value {
        DeValue::String(s) => Yaml::String(s.to_string()),
        DeValue::Integer(i) => Yaml::String(i.to_string()),
        DeValue::Float(f) => Yaml::String(f.to_string()),
        DeValue::Boolean(b) => Yaml::Bool(*b),
        DeValue::Datetime(d) => Yaml::String(d.to_string()),
        DeValue::Array(a) => Yaml::Sequence(a.iter().map(|v| toml_to_yaml(v.get_ref())).collect()),
        DeValue::Table(t) => Yaml::Mapping(
            t.iter()
                .map(|(k, v)| {
                    (
                        Yaml::String(k.get_ref().to_string()),
                        toml_to_yaml(v.get_ref()),
                    )
                })
                .collect(),
        ),
    }
}
