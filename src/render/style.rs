//! Citation styles: hayagriva's built-in CSL styles by name, or a `.csl`
//! file; and what templates need to know about one — whether citations go in
//! notes, and the brackets and delimiter around a group.

use std::path::{Path, PathBuf};

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{IndependentStyle, Style as Csl, StyleClass};

use crate::diag::display_name;

/// The style used when neither the command line, the front matter nor the
/// registry names one.
pub const DEFAULT: &str = "chicago-author-date";

/// The CSL style of a build.
#[derive(Debug, Clone)]
pub enum Style {
    /// One of hayagriva's built-in styles, by name.
    Name(String),
    /// A `.csl` file, already read.
    File(PathBuf, Vec<u8>),
}

/// How a style shapes a citation group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Citations go in footnotes (e.g. chicago-notes).
    pub note: bool,
    /// What opens a group, e.g. `(`; empty when each citation brackets itself.
    pub open: String,
    /// What closes a group.
    pub close: String,
    /// What separates citations in a group, e.g. `; `.
    pub delimiter: String,
    /// Citations are numbers (ieee): there is no author to leave out.
    pub numeric: bool,
}

impl Style {
    /// A built-in style by name, or a `.csl` file relative to `base`.
    pub fn load(given: &str, base: &Path) -> Result<Style, String> {
        if given.ends_with(".csl") {
            let path = base.join(given);
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("cannot read the style {} ({e})", display_name(&path)))?;
            IndependentStyle::from_xml(&String::from_utf8_lossy(&bytes))
                .map_err(|e| format!("{} is not a usable CSL style ({e})", display_name(&path)))?;
            return Ok(Style::File(path, bytes));
        }
        if ArchivedStyle::by_name(given).is_some() {
            return Ok(Style::Name(given.to_string()));
        }
        let help = match crate::diag::suggest(given, names().into_iter().map(|(name, _)| name)) {
            Some(suggestion) => format!("; {suggestion}"),
            None => " (`dossier styles` lists them)".into(),
        };
        Err(format!(
            "unknown style `{given}`: not a built-in style name or a .csl file{help}"
        ))
    }

    /// The CSL style itself.
    pub fn csl(&self) -> Option<Csl> {
        match self {
            Style::Name(name) => ArchivedStyle::by_name(name).map(ArchivedStyle::get),
            Style::File(_, bytes) => IndependentStyle::from_xml(&String::from_utf8_lossy(bytes))
                .ok()
                .map(Csl::Independent),
        }
    }

    /// How the style shapes citation groups.
    pub fn shape(&self) -> Shape {
        Shape::of(self.csl().as_ref())
    }
}

impl Shape {
    /// How `csl`, read once, shapes citation groups.
    pub fn of(csl: Option<&Csl>) -> Shape {
        let Some(Csl::Independent(style)) = csl else {
            return Shape {
                note: false,
                open: String::new(),
                close: String::new(),
                delimiter: "; ".into(),
                numeric: false,
            };
        };
        let layout = &style.citation.layout;
        let numeric = style.info.category.iter().any(|c| {
            matches!(
                c,
                hayagriva::citationberg::StyleCategory::CitationFormat {
                    format: hayagriva::citationberg::CitationFormat::Numeric
                }
            )
        });
        Shape {
            note: style.settings.class == StyleClass::Note,
            open: layout.prefix.clone().unwrap_or_default(),
            close: layout.suffix.clone().unwrap_or_default(),
            delimiter: layout.delimiter.clone().unwrap_or_else(|| "; ".into()),
            numeric,
        }
    }
}

/// Every built-in style: the name to use and the style's full title.
pub fn names() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = ArchivedStyle::all()
        .iter()
        .flat_map(|style| {
            style
                .names()
                .iter()
                .map(move |name| (*name, style.display_name()))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_common_styles() {
        let shape = |name: &str| Style::Name(name.into()).shape();
        let chicago = shape("chicago-author-date");
        assert_eq!(
            (chicago.note, chicago.open.as_str(), chicago.close.as_str()),
            (false, "(", ")")
        );
        assert_eq!(chicago.delimiter, "; ");
        assert!(shape("chicago-notes").note);
        assert!(shape("ieee").numeric && shape("vancouver").numeric);
        assert!(!chicago.numeric && !shape("apa").numeric);
        assert!(names().iter().any(|(n, _)| *n == "ieee"));
    }
}
