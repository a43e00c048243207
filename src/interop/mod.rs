//! Sources in other tools' formats: BibTeX/BibLaTeX, CSL-JSON (as Zotero
//! and Better BibTeX export it) and hayagriva YAML, in both directions. Every
//! format passes through [`Record`], the bibliographic part of a source.

mod bibtex;
mod chunks;
mod csl_json;
pub mod mapping;
pub mod tex;
mod yaml;

pub use self::yaml::to_yaml;

use std::fmt;
use std::path::Path;

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, FileId};
use crate::registry::details::{self, container_type};
use crate::registry::{Author, PartialDate, Source, rich};

/// The formats dossier reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSL-JSON, as Zotero and Better BibTeX export it.
    CslJson,
    /// BibTeX or BibLaTeX.
    Bibtex,
    /// hayagriva YAML.
    Hayagriva,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CslJson => "CSL-JSON",
            Self::Bibtex => "BibLaTeX",
            Self::Hayagriva => "hayagriva YAML",
        })
    }
}

impl Format {
    /// The format of a file: by its content first, then its extension.
    pub fn detect(path: &Path, text: &str) -> Option<Format> {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if start.starts_with('[') || start.starts_with('{') {
            return Some(Format::CslJson);
        }
        let bib_entry = start.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with('@')
                && l[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count()
                    > 1
                && l.contains('{')
        });
        if bib_entry {
            return Some(Format::Bibtex);
        }
        let yaml_entry = start
            .lines()
            .any(|l| !l.starts_with([' ', '\t', '#']) && l.trim_end().ends_with(':'));
        if yaml_entry && (start.contains("\n  type:") || start.contains("\n  title:")) {
            return Some(Format::Hayagriva);
        }
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::CslJson),
            "bib" | "bibtex" | "biblatex" => Some(Format::Bibtex),
            "yml" | "yaml" => Some(Format::Hayagriva),
            _ => None,
        }
    }
}

/// The bibliographic part of a source: what every format can carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// The key in the file, adjusted to the ID rules.
    pub id: String,
    /// A hayagriva entry type name, e.g. `article`.
    pub kind: String,
    /// Title.
    pub title: Option<String>,
    /// Short title.
    pub short_title: Option<String>,
    /// Title in the original script.
    pub original_title: Option<String>,
    /// Persons ("Family, Given") and organisations.
    pub authors: Vec<Author>,
    /// Outlet, journal, website or publisher.
    pub publisher: Option<String>,
    /// Date of publication.
    pub date: Option<PartialDate>,
    /// Where it can be read.
    pub url: Option<String>,
    /// When the URL was read.
    pub accessed: Option<PartialDate>,
    /// An archived copy (not carried by BibLaTeX).
    pub archived: Option<String>,
    /// DOI.
    pub doi: Option<String>,
    /// ISBN.
    pub isbn: Option<String>,
    /// BCP 47 language.
    pub language: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// Editors.
    pub editors: Vec<Author>,
    /// Translators.
    pub translators: Vec<Author>,
    /// The container's type, when not the usual one for `kind`.
    pub container_type: Option<String>,
    /// The other details by registry key (`container`, `volume`, `pages`, …).
    pub details: BTreeMap<&'static str, String>,
    /// What the reader found but could not take, in words (`the date
    /// "20xx"`): `import` says each, as it says what it leaves out itself.
    pub left_out: Vec<String>,
}

impl Record {
    /// The bibliographic fields of a registry source.
    pub fn from_source(source: &Source) -> Self {
        let text = |v: &Option<crate::diag::Spanned<String>>| v.as_ref().map(|s| s.value.clone());
        Self {
            id: source.id.value.clone(),
            kind: type_name(&source.kind.value),
            title: text(&source.title),
            short_title: text(&source.short_title),
            original_title: text(&source.original_title),
            authors: source.authors.iter().map(|a| a.value.clone()).collect(),
            publisher: text(&source.publisher),
            date: source.date.as_ref().map(|d| d.value),
            url: text(&source.url),
            accessed: source.accessed.as_ref().map(|d| d.value),
            archived: text(&source.archived),
            doi: text(&source.doi),
            isbn: text(&source.isbn),
            language: text(&source.language),
            note: text(&source.note),
            editors: source
                .details
                .editors
                .iter()
                .map(|a| a.value.clone())
                .collect(),
            translators: source
                .details
                .translators
                .iter()
                .map(|a| a.value.clone())
                .collect(),
            container_type: source
                .details
                .container_type
                .as_ref()
                .map(|t| type_name(&t.value)),
            details: source
                .details
                .texts()
                .into_iter()
                .filter_map(|(key, value)| Some((key, value.as_ref()?.value.clone())))
                .collect(),
            left_out: Vec::new(),
        }
    }

    /// The type of the work it is part of.
    pub fn container_type(&self) -> hayagriva::types::EntryType {
        use std::str::FromStr;
        let kind = hayagriva::types::EntryType::from_str(&self.kind)
            .unwrap_or(hayagriva::types::EntryType::Misc);
        self.container_type
            .as_deref()
            .and_then(details::type_of)
            .unwrap_or_else(|| container_type(&kind))
    }

    /// One form for what prints the same: an outlet that is only the
    /// container of an article, web page or chapter, with no publisher of
    /// its own, is written as `publisher` (the registry's short form); a
    /// container type that is the usual one is left out.
    pub fn normalise(&mut self) {
        use std::str::FromStr;
        let kind = hayagriva::types::EntryType::from_str(&self.kind)
            .unwrap_or(hayagriva::types::EntryType::Misc);
        if self.container_type.as_deref().and_then(details::type_of) == Some(container_type(&kind))
        {
            self.container_type = None;
        }
        let legacy = mapping::legacy_container(&kind);
        if legacy.is_some()
            && legacy == Some(self.container_type())
            && self.publisher.is_none()
            && !self.details.contains_key("series")
            && let Some(container) = self.details.remove("container")
        {
            self.publisher = Some(rich::plain(&container));
            self.container_type = None;
        }
        if !self.details.contains_key("container") {
            self.container_type = None;
        }
    }

    /// The record as a registry table, fields in the registry's usual order.
    pub fn to_table(&self) -> toml_edit::Table {
        fn put(table: &mut toml_edit::Table, key: &str, value: &Option<String>) {
            if let Some(value) = value {
                table[key] = toml_edit::value(value.as_str());
            }
        }
        let mut table = toml_edit::Table::new();
        table["type"] = toml_edit::value(self.kind.as_str());
        put(&mut table, "title", &self.title);
        put(&mut table, "short-title", &self.short_title);
        put(&mut table, "original-title", &self.original_title);
        people(&mut table, "authors", &self.authors);
        put(&mut table, "publisher", &self.publisher);
        put(&mut table, "date", &self.date.map(|d| d.to_string()));
        put(&mut table, "url", &self.url);
        if let Some(accessed) = self.accessed {
            table["accessed"] = match (accessed.month, accessed.day) {
                (Some(month), Some(day)) => toml_edit::value(toml_edit::Datetime {
                    date: Some(toml_edit::Date {
                        year: accessed.year as u16,
                        month: month as u8,
                        day: day as u8,
                    }),
                    time: None,
                    offset: None,
                }),
                _ => toml_edit::value(accessed.to_string()),
            };
        }
        put(&mut table, "archived", &self.archived);
        put(&mut table, "doi", &self.doi);
        put(&mut table, "isbn", &self.isbn);
        put(&mut table, "language", &self.language);
        for key in details::KEYS {
            match *key {
                "container-type" => put(&mut table, key, &self.container_type),
                "editors" => people(&mut table, key, &self.editors),
                "translators" => people(&mut table, key, &self.translators),
                _ => put(&mut table, key, &self.details.get(key).cloned()),
            }
        }
        put(&mut table, "note", &self.note);
        table
    }
}

/// Persons as names and organisations as `{ org = "…" }`.
fn people(table: &mut toml_edit::Table, key: &str, people: &[Author]) {
    if people.is_empty() {
        return;
    }
    let mut array = toml_edit::Array::new();
    for author in people {
        match author {
            Author::Person(name) => array.push(name.as_str()),
            Author::Organisation(name) => {
                let mut org = toml_edit::InlineTable::new();
                org.insert("org", name.as_str().into());
                array.push(org);
            }
        }
    }
    table[key] = toml_edit::value(array);
}

/// Languages as BibLaTeX's `langid` (babel and polyglossia) and Zotero
/// name them, with their BCP 47 tags; the first name of a tag is the one
/// written.
const LANGUAGES: &[(&str, &str)] = &[
    ("american", "en-US"),
    ("usenglish", "en-US"),
    ("british", "en-GB"),
    ("ukenglish", "en-GB"),
    ("english", "en"),
    ("canadian", "en"),
    ("australian", "en"),
    ("newzealand", "en"),
    ("persian", "fa"),
    ("farsi", "fa"),
    ("arabic", "ar"),
    ("french", "fr"),
    ("francais", "fr"),
    ("canadien", "fr"),
    ("acadian", "fr"),
    ("ngerman", "de"),
    ("german", "de"),
    ("naustrian", "de-AT"),
    ("austrian", "de-AT"),
    ("swissgerman", "de-CH"),
    ("nswissgerman", "de-CH"),
    ("spanish", "es"),
    ("italian", "it"),
    ("russian", "ru"),
    ("chinese", "zh"),
    ("dutch", "nl"),
    ("turkish", "tr"),
    ("kurdish", "ku"),
    ("urdu", "ur"),
    ("hebrew", "he"),
    ("portuguese", "pt"),
    ("portuges", "pt"),
    ("brazilian", "pt-BR"),
    ("brazil", "pt-BR"),
];

/// The BCP 47 tag of a language written as BibLaTeX's `langid` or Zotero's
/// language names do (`english`, `Persian`).
pub fn language_tag(name: &str) -> Option<&'static str> {
    let name = name.trim().to_lowercase();
    LANGUAGES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The `langid` of a BCP 47 tag, where BibLaTeX has a name for it or for
/// its language (`en-US` is `american`, `de-DE` is `ngerman`).
pub fn language_name(tag: &str) -> Option<&'static str> {
    let find = |tag: &str| {
        LANGUAGES
            .iter()
            .find(|(_, t)| t.eq_ignore_ascii_case(tag))
            .map(|(n, _)| *n)
    };
    find(tag).or_else(|| find(tag.split('-').next()?))
}

pub use crate::registry::described::type_name;

/// A key from another tool made into a valid ID: the last segment of a URL
/// key (Zotero's `http://zotero.org/…/items/ABCD1234`), every run of other
/// characters that an ID cannot hold there replaced by `-`, the ends trimmed
/// to a letter, digit or `_`.
pub fn adjust_id(key: &str) -> String {
    use crate::registry::id::{is_internal, is_regular};
    let key = if key.contains("://") {
        key.trim_end_matches('/').rsplit('/').next().unwrap_or(key)
    } else {
        key
    };
    let mut id = String::new();
    let mut run = String::new();
    for c in key.chars() {
        if !is_regular(c) {
            run.push(c);
            continue;
        }
        if !id.is_empty() && !run.is_empty() {
            let mut chars = run.chars();
            match (chars.next(), chars.next()) {
                (Some(p), None) if is_internal(p) => id.push(p),
                _ => id.push('-'),
            }
        }
        run.clear();
        id.push(c);
    }
    id
}

/// A `syntax` diagnostic at byte `at` of `file` for a parser's error, named
/// after the format; the parser's own "at line …" is left out, since the
/// diagnostic carries the place.
fn syntax(file: FileId, at: usize, error: &dyn fmt::Display, format: &str) -> Vec<Diagnostic> {
    let error = error.to_string();
    let message = error.split(" at line ").next().unwrap_or_default();
    vec![
        Diagnostic::new(crate::diag::Code::Syntax, format!("{message} ({format})"))
            .at(crate::diag::Span::new(file, at..at)),
    ]
}

/// Reads every record of a file in `format`; problems are located in `file`.
pub fn read(format: Format, file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let mut records = match format {
        Format::CslJson => csl_json::read(file, text),
        Format::Bibtex => bibtex::read(file, text),
        Format::Hayagriva => yaml::read(file, text),
    }?;
    for (i, record) in records.iter_mut().enumerate() {
        // An entry without a usable key still gets an ID.
        if record.id.is_empty() {
            record.id = format!("item-{}", i + 1);
        }
        record.normalise();
    }
    Ok(records)
}

/// Writes records in `format`.
pub fn write(format: Format, records: &[Record]) -> Result<String, String> {
    match format {
        Format::CslJson => Ok(csl_json::write(records)),
        Format::Bibtex => Ok(bibtex::write(records)),
        Format::Hayagriva => yaml::write(records),
    }
}

/// A person's parts joined as the registry writes them: "van der Berg, Anna".
pub fn person(
    family: &str,
    given: Option<&str>,
    particle: Option<&str>,
    suffix: Option<&str>,
) -> String {
    let family = match particle.filter(|p| !p.is_empty()) {
        Some(particle) => format!("{particle} {family}"),
        None => family.to_string(),
    };
    match (
        suffix.filter(|s| !s.is_empty()),
        given.filter(|g| !g.is_empty()),
    ) {
        (Some(suffix), Some(given)) => format!("{family}, {suffix}, {given}"),
        (None, Some(given)) => format!("{family}, {given}"),
        (Some(suffix), None) => format!("{family}, {suffix}"),
        (None, None) => family,
    }
}

/// An author from hayagriva's parts; a name without given name or particle
/// is kept whole as an organisation.
pub fn author_of(person: &hayagriva::types::Person) -> Author {
    if person.given_name.is_none() && person.prefix.is_none() && person.suffix.is_none() {
        return Author::Organisation(person.name.clone());
    }
    Author::Person(self::person(
        &person.name,
        person.given_name.as_deref(),
        person.prefix.as_deref(),
        person.suffix.as_deref(),
    ))
}

/// A hayagriva date as a partial date.
pub fn date_of(date: &hayagriva::types::Date) -> PartialDate {
    PartialDate {
        year: date.year,
        month: date.month.map(|m| u32::from(m) + 1),
        day: date.day.map(|d| u32::from(d) + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::described::{FIELDS, Role, tests::EVERY_FIELD, tests::read};

    /// What an import writes and an export reads is the registry's
    /// description: every bibliographic field, and the note, and nothing of
    /// custody, secrets or the researcher's assessment.
    #[test]
    fn a_record_carries_the_bibliographic_fields_and_the_note() {
        let (registry, _) = read(EVERY_FIELD);
        let table = Record::from_source(&registry.sources["every"]).to_table();
        for field in FIELDS {
            let carried = table.contains_key(field.key);
            let wanted = field.role == Role::Bibliographic || matches!(field.key, "type" | "note");
            assert_eq!(carried, wanted, "`{}`", field.key);
        }
        // And it reads back as the same source.
        let (again, diagnostics) = read(&format!("[sources.every]\n{table}"));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let back = Record::from_source(&again.sources["every"]).to_table();
        assert_eq!(back.to_string(), table.to_string());
    }

    #[test]
    fn keys_become_ids() {
        assert_eq!(
            adjust_id("stevenson2013forgotten"),
            "stevenson2013forgotten"
        );
        assert_eq!(
            adjust_id("http://zotero.org/users/local/x7/items/ABCD1234"),
            "ABCD1234"
        );
        assert_eq!(adjust_id("Amnesty 2018 (report)"), "Amnesty-2018-report");
        assert_eq!(adjust_id("_under_"), "_under_");
        assert_eq!(adjust_id("-a--b c/"), "a-b-c");
        assert_eq!(adjust_id("a/b"), "a/b");
        assert_eq!(adjust_id("ایران"), "ایران");
    }

    #[test]
    fn formats_are_detected_by_content() {
        assert_eq!(
            Format::detect(Path::new("x.txt"), "[{\"id\": \"a\"}]"),
            Some(Format::CslJson)
        );
        assert_eq!(
            Format::detect(Path::new("x.txt"), "% c\n@article{a,\n title={x}}"),
            Some(Format::Bibtex)
        );
        assert_eq!(
            Format::detect(Path::new("x.txt"), "a:\n  type: web\n  title: x\n"),
            Some(Format::Hayagriva)
        );
        assert_eq!(Format::detect(Path::new("x.bib"), ""), Some(Format::Bibtex));
        assert_eq!(Format::detect(Path::new("x.txt"), "plain"), None);
    }
}
