//! Reads typed fields out of a spanned TOML table, reporting every wrong type
//! and unknown key as `invalid-field` instead of stopping at the first.

use std::ops::Range;

use toml::Spanned as TomlSpanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic, FileId, Span, Spanned};

/// A spanned TOML value as the parser returns it.
pub type Item<'i> = TomlSpanned<DeValue<'i>>;

/// Collects diagnostics while fields of one file are read.
pub struct Reader<'d> {
    /// The file being read.
    pub file: FileId,
    /// Its text.
    pub text: &'d str,
    /// Where problems go.
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl Reader<'_> {
    /// A span in the current file.
    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    /// Records an `invalid-field` diagnostic at `range`.
    pub fn invalid(&mut self, range: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        let diagnostic = Diagnostic::new(Code::InvalidField, message).at(self.span(range));
        self.diagnostics.push(diagnostic);
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports every key of `table` that is not in `known`, with a suggestion.
    pub fn unknown_keys(&mut self, table: &DeTable<'_>, known: &[&str], what: &str) {
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let span = self.span(key.span());
            self.diagnostics
                .push(crate::diag::unknown_field(span, name, known, what));
        }
    }

    /// Reports a value of the wrong type.
    pub fn wrong_type(&mut self, key: &str, item: &Item<'_>, expected: &str) {
        let found = item.get_ref().type_str();
        self.invalid(
            item.span(),
            format!("`{key}` must be {expected} (found {found})"),
        );
    }

    /// A string field, if present and a string.
    pub fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
        let item = get(table, key)?;
        match item.get_ref() {
            DeValue::String(s) => Some(Spanned::new(s.to_string(), self.span(item.span()))),
            _ => {
                self.wrong_type(key, item, "a string");
                None
            }
        }
    }

    /// A string field that must not be empty or only white space.
    pub fn text(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
        let value = self.string(table, key)?;
        if value.value.trim().is_empty() {
            self.invalid(
                value.span.range.clone(),
                format!("`{key}` must not be empty"),
            );
            return None;
        }
        Some(value)
    }

    /// A boolean field.
    pub fn boolean(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<bool>> {
        let item = get(table, key)?;
        match item.get_ref() {
            DeValue::Boolean(b) => Some(Spanned::new(*b, self.span(item.span()))),
            _ => {
                self.wrong_type(key, item, "`true` or `false`");
                None
            }
        }
    }

    /// An array of strings; wrong elements are reported one by one.
    pub fn strings(&mut self, table: &DeTable<'_>, key: &str) -> Option<Vec<Spanned<String>>> {
        let item = get(table, key)?;
        let DeValue::Array(array) = item.get_ref() else {
            self.wrong_type(key, item, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for element in array.iter() {
            match element.get_ref() {
                DeValue::String(s) => {
                    out.push(Spanned::new(s.to_string(), self.span(element.span())))
                }
                _ => self.wrong_type(key, element, "an array of strings"),
            }
        }
        Some(out)
    }

    /// A table field.
    pub fn table<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        key: &str,
    ) -> Option<(&'t DeTable<'i>, Range<usize>)> {
        let item = get(table, key)?;
        match item.get_ref() {
            DeValue::Table(t) => Some((t, item.span())),
            _ => {
                self.wrong_type(key, item, "a table");
                None
            }
        }
    }

    /// The place of bytes `inner` of a string value written at `value`:
    /// exact where the value is written as it reads (no escapes, one line),
    /// else the whole value.
    pub fn within(&self, value: &Spanned<String>, inner: Range<usize>) -> Range<usize> {
        let range = value.span.range.clone();
        match self.text.get(range.clone()) {
            Some(raw)
                if raw.len() == value.value.len() + 2
                    && raw.get(1..raw.len() - 1) == Some(&value.value) =>
            {
                range.start + 1 + inner.start..range.start + 1 + inner.end
            }
            _ => range,
        }
    }

    /// Reports a required field that is absent.
    pub fn missing(&mut self, at: Range<usize>, key: &str, what: &str) {
        self.invalid(at, format!("{what} has no `{key}`"));
    }
}

/// The value of `key`, if present.
pub fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Item<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

/// The span of `key` itself in `table`.
pub fn key_span(table: &DeTable<'_>, key: &str) -> Option<Range<usize>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(k, _)| k.span())
}
