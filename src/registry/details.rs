//! What a bibliography prints of a source beyond its title, authors,
//! publisher and date: the work it is part of, the people besides its
//! authors, and the numbers that find it (volume, issue, pages, report
//! number, ISSN, call number). Real libraries carry them; styles print them.

use std::str::FromStr;

use hayagriva::types::EntryType;
use toml::de::{DeTable, DeValue};

use super::fields::{Reader, get};
use super::{Author, rich};
use crate::diag::Spanned;

/// The fields, in the order the registry writes them.
pub const KEYS: &[&str] = &[
    "container",
    "container-type",
    "editors",
    "translators",
    "volume",
    "issue",
    "pages",
    "edition",
    "series",
    "number",
    "institution",
    "location",
    "genre",
    "issn",
    "archive",
    "call-number",
];

/// The fields that hold rich text ([`rich`]): titles.
pub const RICH: &[&str] = &[
    "title",
    "short-title",
    "original-title",
    "container",
    "series",
];

/// A source's bibliographic details.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    /// The title of the work it is part of: a journal, newspaper, book,
    /// proceedings, website.
    pub container: Option<Spanned<String>>,
    /// The hayagriva type of that work, when not the usual one for the
    /// source's type ([`container_type`]).
    pub container_type: Option<Spanned<EntryType>>,
    /// Editors.
    pub editors: Vec<Spanned<Author>>,
    /// Translators.
    pub translators: Vec<Spanned<Author>>,
    /// Volume.
    pub volume: Option<Spanned<String>>,
    /// Issue (a journal's number).
    pub issue: Option<Spanned<String>>,
    /// Pages, e.g. `123–145`.
    pub pages: Option<Spanned<String>>,
    /// Edition.
    pub edition: Option<Spanned<String>>,
    /// The series it appears in.
    pub series: Option<Spanned<String>>,
    /// A report's, patent's or standard's number.
    pub number: Option<Spanned<String>>,
    /// The university or institution behind a thesis or report.
    pub institution: Option<Spanned<String>>,
    /// Where it was published.
    pub location: Option<Spanned<String>>,
    /// Its kind in words: "PhD thesis", "Policy brief".
    pub genre: Option<Spanned<String>>,
    /// ISSN of the periodical.
    pub issn: Option<Spanned<String>>,
    /// The archive that holds it.
    pub archive: Option<Spanned<String>>,
    /// Its call number or shelf mark there.
    pub call_number: Option<Spanned<String>>,
}

impl Details {
    /// The text fields with their keys, in registry order.
    pub fn texts(&self) -> [(&'static str, &Option<Spanned<String>>); 13] {
        [
            ("container", &self.container),
            ("volume", &self.volume),
            ("issue", &self.issue),
            ("pages", &self.pages),
            ("edition", &self.edition),
            ("series", &self.series),
            ("number", &self.number),
            ("institution", &self.institution),
            ("location", &self.location),
            ("genre", &self.genre),
            ("issn", &self.issn),
            ("archive", &self.archive),
            ("call-number", &self.call_number),
        ]
    }

    /// The text fields, to change them.
    pub fn texts_mut(&mut self) -> [(&'static str, &mut Option<Spanned<String>>); 13] {
        [
            ("container", &mut self.container),
            ("volume", &mut self.volume),
            ("issue", &mut self.issue),
            ("pages", &mut self.pages),
            ("edition", &mut self.edition),
            ("series", &mut self.series),
            ("number", &mut self.number),
            ("institution", &mut self.institution),
            ("location", &mut self.location),
            ("genre", &mut self.genre),
            ("issn", &mut self.issn),
            ("archive", &mut self.archive),
            ("call-number", &mut self.call_number),
        ]
    }

    /// The people besides the authors, with their keys.
    pub fn people(&self) -> [(&'static str, &Vec<Spanned<Author>>); 2] {
        [
            ("editors", &self.editors),
            ("translators", &self.translators),
        ]
    }

    /// The people, to change them.
    pub fn people_mut(&mut self) -> [(&'static str, &mut Vec<Spanned<Author>>); 2] {
        [
            ("editors", &mut self.editors),
            ("translators", &mut self.translators),
        ]
    }
}

/// The type of the work a source of `kind` is usually part of: a journal
/// for an article, a book for a chapter, a website for a web page.
pub fn container_type(kind: &EntryType) -> EntryType {
    match kind {
        EntryType::Article => EntryType::Periodical,
        EntryType::Chapter => EntryType::Book,
        EntryType::Anthos => EntryType::Anthology,
        EntryType::Entry => EntryType::Reference,
        EntryType::Web | EntryType::Post | EntryType::Thread => EntryType::Web,
        EntryType::Scene => EntryType::Performance,
        _ => EntryType::Anthology,
    }
}

/// Reads the details of a source.
pub fn read(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    people: impl Fn(&mut Reader<'_>, &DeTable<'_>, &str) -> Vec<Spanned<Author>>,
    entry_type: impl Fn(&mut Reader<'_>, &DeTable<'_>, &str) -> Option<Spanned<EntryType>>,
) -> Details {
    Details {
        container: rich_text(r, t, "container"),
        container_type: entry_type(r, t, "container-type"),
        editors: people(r, t, "editors"),
        translators: people(r, t, "translators"),
        volume: number(r, t, "volume"),
        issue: number(r, t, "issue"),
        pages: number(r, t, "pages"),
        edition: number(r, t, "edition"),
        series: rich_text(r, t, "series"),
        number: number(r, t, "number"),
        institution: r.text(t, "institution"),
        location: r.text(t, "location"),
        genre: r.text(t, "genre"),
        issn: issn(r, t),
        archive: r.text(t, "archive"),
        call_number: r.text(t, "call-number"),
    }
}

/// A title: text whose markup ([`rich`]) is well formed.
pub fn rich_text(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
    let value = r.text(t, key)?;
    if let Err(error) = rich::parse(&value.value) {
        let at = r.within(&value, error.at.clone());
        r.invalid(at, format!("`{key}`: {error}"))
            .help = Some(
            "in titles `{…}` keeps capitals as written and `<i>`, `<b>`, `<sc>`, `<sup>`, `<sub>` format; write `\\{`, `\\}`, `\\<` for the characters"
                .into(),
        );
    }
    Some(value)
}

/// A number that may also be written as text (`12`, `"12a"`, `"3–4"`).
fn number(r: &mut Reader<'_>, t: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
    let item = get(t, key)?;
    match item.get_ref() {
        DeValue::Integer(n) => match n.as_str().parse::<u64>() {
            Ok(value) if value > 0 => Some(Spanned::new(value.to_string(), r.span(item.span()))),
            _ => {
                r.invalid(
                    item.span(),
                    format!(
                        "`{key}` must be a positive number or a string (found `{}`)",
                        n.as_str()
                    ),
                );
                None
            }
        },
        DeValue::String(_) => r.text(t, key),
        _ => {
            r.wrong_type(key, item, "a number or a string");
            None
        }
    }
}

/// An ISSN whose check digit is right, e.g. `0378-5955`.
fn issn(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Spanned<String>> {
    let value = r.text(t, "issn")?;
    if is_issn(&value.value) {
        return Some(value);
    }
    r.invalid(
        value.span.range.clone(),
        format!("`issn` is not a valid ISSN (found `{}`)", value.value),
    )
    .help = Some("an ISSN is eight digits, `1234-5679`; the last one (or X) is a checksum".into());
    None
}

/// Whether `text` is an ISSN with a right check digit.
pub fn is_issn(text: &str) -> bool {
    let chars: Vec<char> = text.trim().chars().filter(|c| *c != '-').collect();
    if chars.len() != 8 || text.trim().chars().filter(|c| *c == '-').count() > 1 {
        return false;
    }
    let mut sum = 0;
    for (i, c) in chars.iter().enumerate() {
        let digit = match c {
            '0'..='9' => *c as u32 - '0' as u32,
            'X' | 'x' if i == 7 => 10,
            _ => return false,
        };
        sum += digit * (8 - i as u32);
    }
    sum % 11 == 0
}

/// A container type by name, as the registry writes it.
pub fn type_of(name: &str) -> Option<EntryType> {
    EntryType::from_str(name)
        .ok()
        .filter(|_| name.chars().all(|c| c.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::is_issn;

    #[test]
    fn issns_are_checked() {
        assert!(is_issn("0378-5955"));
        assert!(is_issn("0317-8471"));
        assert!(is_issn("2049-369X"));
        assert!(!is_issn("0378-5954"));
        assert!(!is_issn("0378-595"));
        assert!(!is_issn("03-78-5955"));
    }
}
