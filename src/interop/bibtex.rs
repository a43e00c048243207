//! BibTeX and BibLaTeX: read through hayagriva's BibLaTeX support, written
//! with the biblatex crate, which escapes what needs escaping.

use std::str::FromStr;

use super::Record;
use crate::diag::{Code, Diagnostic, FileId, Span};
use crate::registry::Author;
use crate::registry::rich;

type Graph = std::collections::HashMap<String, (Vec<String>, std::ops::Range<usize>)>;

/// A `@string` macro that refers to itself, directly or through others
/// (`@string{a = a # a}`), or an entry that does through `crossref` or
/// `xdata`: resolving it would never end, so it is an error at its name
/// before the file is resolved.
fn macro_cycle(file: FileId, text: &str) -> Option<Diagnostic> {
    let raw = biblatex::RawBibliography::parse(text).ok()?;
    let chunks = |field: &biblatex::Field<'_>, abbreviations: bool| -> Vec<String> {
        field
            .iter()
            .filter_map(|chunk| match chunk.v {
                biblatex::RawChunk::Abbreviation(name) if abbreviations => {
                    Some(name.to_lowercase())
                }
                biblatex::RawChunk::Normal(text) if !abbreviations => Some(text.to_string()),
                _ => None,
            })
            .collect()
    };
    let mut macros = Graph::new();
    for pair in &raw.abbreviations {
        macros
            .entry(pair.key.v.to_lowercase())
            .or_insert((chunks(&pair.value.v, true), pair.key.span.clone()));
    }
    let mut entries = Graph::new();
    for entry in &raw.entries {
        let parents = entry
            .v
            .fields
            .iter()
            .filter(|f| {
                ["crossref", "xdata"]
                    .iter()
                    .any(|n| f.key.v.eq_ignore_ascii_case(n))
            })
            .flat_map(|f| {
                chunks(&f.value.v, false)
                    .concat()
                    .split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        entries
            .entry(entry.v.key.v.to_string())
            .or_insert((parents, entry.v.key.span.clone()));
    }
    let found = |graph: &Graph, what: &str, help: &str| {
        let name = cycle(graph)?;
        Some(
            Diagnostic::new(
                Code::Syntax,
                format!("{what} `{name}` refers to itself (BibLaTeX)"),
            )
            .at(Span::new(file, graph[name.as_str()].1.clone()))
            .with_help(help.to_string()),
        )
    };
    found(
        &macros,
        "`@string` macro",
        "a macro may use only macros that do not lead back to it",
    )
    .or_else(|| {
        found(
            &entries,
            "entry",
            "`crossref` and `xdata` may name only entries that do not lead back to this one",
        )
    })
}

/// A node of `graph` on a cycle, found depth first without recursion.
fn cycle(graph: &Graph) -> Option<String> {
    // 1: on the current path; 2: done.
    let mut state: std::collections::HashMap<&str, u8> = std::collections::HashMap::new();
    let mut starts: Vec<&String> = graph.keys().collect();
    starts.sort();
    for start in starts {
        if state.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start, 1);
        while let Some(top) = stack.last_mut() {
            let (name, next) = (top.0, top.1);
            let targets = &graph[name].0;
            if next == targets.len() {
                state.insert(name, 2);
                stack.pop();
                continue;
            }
            top.1 += 1;
            let Some((key, _)) = graph.get_key_value(targets[next].as_str()) else {
                continue;
            };
            match state.get(key.as_str()) {
                Some(1) => return Some(key.clone()),
                Some(_) => {}
                None => {
                    state.insert(key, 1);
                    stack.push((key, 0));
                }
            }
        }
    }
    None
}

/// Reads a BibTeX or BibLaTeX file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    if let Some(diagnostic) = macro_cycle(file, text) {
        return Err(vec![diagnostic]);
    }
    let library = hayagriva::io::from_biblatex_str(text).map_err(|errors| {
        errors
            .into_iter()
            .map(|error| {
                let (span, message) = match &error {
                    hayagriva::io::BibLaTeXError::Parse(e) => (e.span.clone(), e.kind.to_string()),
                    hayagriva::io::BibLaTeXError::Type(e) => (e.span.clone(), e.kind.to_string()),
                };
                Diagnostic::new(Code::Syntax, format!("{message} (BibLaTeX)"))
                    .at(Span::new(file, span))
            })
            .collect::<Vec<_>>()
    })?;
    // hayagriva leaves out what dossier keeps (the original title, the
    // language, the subtitle, a review's journal) and reads numbers as
    // numbers (volume `C` as 100, pages `5--15` as 5-15): those come from
    // the entries as the `biblatex` crate resolves them, crossref and xdata
    // included.
    let resolved = biblatex::Bibliography::parse(text).ok();
    let rich = |key: &str, name: &str| -> Option<String> {
        let chunks = resolved.as_ref()?.get(key)?.get(name)?;
        let chunked = hayagriva::types::ChunkedString::from(chunks);
        let text = super::mapping::rich_text_tex(&chunked);
        Some(text.trim().to_string()).filter(|t| !t.is_empty())
    };
    let plain = |key: &str, name: &str| rich(key, name).map(|r| rich::plain(&r));
    // The entry types as written: the crate reads the ones it does not
    // know (`@video`) as `misc`.
    let raw = biblatex::RawBibliography::parse(text).ok();
    let mut kinds = std::collections::HashMap::new();
    for entry in raw.iter().flat_map(|raw| &raw.entries) {
        kinds
            .entry(entry.v.key.v)
            .or_insert_with(|| entry.v.kind.v.to_ascii_lowercase());
    }
    let kind_of = |key: &str| kinds.get(key).cloned().unwrap_or_default();
    Ok(library
        .iter()
        // Data for other entries, not works.
        .filter(|entry| !matches!(kind_of(entry.key()).as_str(), "xdata" | "set"))
        .map(|entry| {
            let key = entry.key();
            let mut record = super::mapping::record(entry, true);
            // A year or date the registry cannot hold as written (`20xx`)
            // is left out and said, not read as another year.
            for field in ["date", "year"] {
                let Some(raw) = plain(key, field) else {
                    continue;
                };
                // A range (`2019-05/2020`) is dated by its start.
                let start = raw.split('/').next().unwrap_or_default().trim();
                if record.date.is_none() {
                    break;
                }
                match crate::registry::PartialDate::parse(start) {
                    Ok(date) if field == "date" => record.date = Some(date),
                    Ok(_) => {}
                    Err(_) => {
                        record.date = None;
                        record.left_out.push(format!(
                            "the {field} `{raw}` (not a date the registry can hold)"
                        ));
                    }
                }
                break;
            }
            if let Some(kind) = closest_type(&kind_of(key)) {
                record.kind = kind.into();
            }
            if let (Some(title), Some(subtitle)) = (&record.title, rich(key, "subtitle")) {
                record.title = Some(format!("{title}: {subtitle}"));
            }
            record.original_title = record.original_title.or_else(|| rich(key, "origtitle"));
            // The language as written: hayagriva reads `english` as en-US.
            if let Some(language) = plain(key, "langid").or_else(|| plain(key, "language")) {
                record.language = Some(language);
            }
            // A journal's own title, not the (`issuetitle`).
            if record.kind == "article"
                && let Some(journal) = rich(key, "journaltitle").or_else(|| rich(key, "journal"))
            {
                let journal = match rich(key, "journalsubtitle") {
                    Some(subtitle) => format!("{journal}: {subtitle}"),
                    None => journal,
                };
                record.details.insert("container", journal);
            }
            // BibLaTeX's localisation keys in `type`, as words.
            if let Some(genre) = record.details.get_mut("genre") {
                let words = match genre.to_ascii_lowercase().as_str() {
                    "phdthesis" => "PhD thesis",
                    "mathesis" | "mastersthesis" => "Master's thesis",
                    "candthesis" => "Candidate thesis",
                    "techreport" => "Technical report",
                    "resreport" => "Research report",
                    "software" => "Computer software",
                    "datacd" => "CD-ROM",
                    "audiocd" => "Audio CD",
                    _ => "",
                };
                if !words.is_empty() {
                    *genre = words.into();
                }
            }
            for name in ["volume", "pages", "edition"] {
                if let Some(value) = plain(key, name) {
                    record.details.insert(name, value);
                }
            }
            // `number` is a report's or a law's number, and a journal's issue.
            if let Some(number) = plain(key, "number") {
                let serial = matches!(
                    record.kind.as_str(),
                    "report" | "patent" | "case" | "legislation" | "entry" | "reference"
                );
                record
                    .details
                    .remove(if serial { "issue" } else { "number" });
                record
                    .details
                    .insert(if serial { "number" } else { "issue" }, number);
            }
            // BibLaTeX's mark of a newspaper article.
            if record.kind == "article"
                && plain(key, "entrysubtype").is_some_and(|s| s.eq_ignore_ascii_case("newspaper"))
            {
                record.container_type = Some("newspaper".into());
            }
            // A work that stands alone has a container only through these
            // fields; the type of that container is the journal's or the
            // usual one, as BibLaTeX cannot say more.
            let standalone = !hayagriva::types::EntryType::from_str(&record.kind)
                .is_ok_and(|k| super::mapping::contained(&k));
            if standalone && record.details.contains_key("container") {
                record.container_type = rich(key, "journaltitle")
                    .or_else(|| rich(key, "journal"))
                    .map(|_| "periodical".into());
            }
            if !record.details.contains_key("container") {
                let container = [
                    ("journaltitle", "periodical"),
                    ("journal", "periodical"),
                    ("booktitle", "book"),
                    ("maintitle", "book"),
                ]
                .into_iter()
                .find_map(|(name, kind)| Some((rich(key, name)?, kind)));
                if let Some((title, kind)) = container {
                    if record.details.get("series") == Some(&title) {
                        record.details.remove("series");
                    }
                    record.details.insert("container", title);
                    record.container_type = (kind == "periodical").then(|| kind.into());
                }
            }
            record
        })
        .collect())
}

/// The hayagriva type of a BibLaTeX entry type that hayagriva reads as
/// `misc` (it knows only the types of the `biblatex` crate).
fn closest_type(kind: &str) -> Option<&'static str> {
    Some(match kind.to_ascii_lowercase().as_str() {
        "artwork" | "image" => "artwork",
        "audio" | "music" => "audio",
        "video" | "movie" => "video",
        "legislation" | "legal" => "legislation",
        "jurisdiction" => "case",
        "performance" => "performance",
        "letter" => "manuscript",
        "standard" => "report",
        "review" | "commentary" => "article",
        _ => return None,
    })
}

/// The BibLaTeX entry type of a record and the field its container goes in.
fn entry_type(record: &Record) -> (&'static str, &'static str) {
    let proceedings = record.container_type() == hayagriva::types::EntryType::Proceedings;
    let (kind, field) = entry_type_of(record, proceedings);
    if field == "maintitle" {
        let journal = record.container_type() == hayagriva::types::EntryType::Periodical;
        return (kind, if journal { "journaltitle" } else { "booktitle" });
    }
    (kind, field)
}

fn entry_type_of(record: &Record, proceedings: bool) -> (&'static str, &'static str) {
    match record.kind.as_str() {
        "article" if proceedings => ("inproceedings", "booktitle"),
        "article" => ("article", "journaltitle"),
        "chapter" => ("inbook", "booktitle"),
        "anthos" => ("incollection", "booktitle"),
        "entry" => ("inreference", "booktitle"),
        "web" | "post" | "blog" | "thread" => ("online", "organization"),
        "book" => ("book", "maintitle"),
        "anthology" => ("collection", "maintitle"),
        "proceedings" => ("proceedings", "maintitle"),
        "reference" => ("reference", "maintitle"),
        "periodical" => ("periodical", "maintitle"),
        "report" => ("report", "maintitle"),
        "thesis" => ("thesis", "maintitle"),
        "patent" => ("patent", "maintitle"),
        "manuscript" => ("unpublished", "maintitle"),
        "repository" => ("dataset", "maintitle"),
        "video" => ("video", "maintitle"),
        "audio" => ("audio", "maintitle"),
        "artwork" => ("artwork", "maintitle"),
        "legislation" => ("legislation", "maintitle"),
        "case" => ("jurisdiction", "maintitle"),
        "performance" => ("performance", "maintitle"),
        _ => ("misc", "maintitle"),
    }
}

/// Writes records as BibLaTeX: titles keep their braces and formatting,
/// every other character TeX treats specially is escaped.
pub fn write(records: &[Record]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for record in records {
        let (kind, container_field) = entry_type(record);
        let mut fields: Vec<(&str, String)> = Vec::new();
        let detail = |key: &str| record.details.get(key).cloned();
        let rich = |value: &Option<String>| value.as_deref().map(super::tex::from_rich);
        let plain = |value: &Option<String>| value.as_deref().map(super::tex::escape);
        let mut put = |key: &'static str, value: Option<String>| {
            if let Some(value) = value {
                fields.push((key, value));
            }
        };
        put("title", rich(&record.title));
        put("shorttitle", rich(&record.short_title));
        put("origtitle", rich(&record.original_title));
        put("author", names(&record.authors));
        put("editor", names(&record.editors));
        put("translator", names(&record.translators));
        let serial = matches!(kind, "report" | "patent" | "inreference" | "reference");
        match detail("container") {
            Some(container) => {
                put(container_field, Some(super::tex::from_rich(&container)));
                put("publisher", plain(&record.publisher));
            }
            // An outlet named only as the publisher is the container of
            // an article, chapter or page.
            None if hayagriva::types::EntryType::from_str(&record.kind)
                .is_ok_and(|k| super::mapping::legacy_container(&k).is_some()) =>
            {
                put(container_field, plain(&record.publisher))
            }
            None => put("publisher", plain(&record.publisher)),
        }
        let newspaper = record.kind == "article"
            && (record.container_type() == hayagriva::types::EntryType::Newspaper
                || !record.details.contains_key("container"));
        if newspaper && (record.publisher.is_some() || record.details.contains_key("container")) {
            put("entrysubtype", Some("newspaper".into()));
        }
        put("series", rich(&detail("series")));
        put("location", plain(&detail("location")));
        put(
            if matches!(kind, "thesis" | "report") {
                "institution"
            } else {
                "organization"
            },
            plain(&detail("institution")),
        );
        put("date", record.date.map(|d| d.to_string()));
        put("volume", plain(&detail("volume")));
        put(
            "number",
            plain(&if serial {
                detail("number")
            } else {
                detail("issue").or_else(|| detail("number"))
            }),
        );
        if serial {
            put("issue", plain(&detail("issue")));
        }
        put("pages", plain(&detail("pages")));
        put("edition", plain(&detail("edition")));
        put("type", plain(&detail("genre")));
        put("url", record.url.clone());
        put("urldate", record.accessed.map(|d| d.to_string()));
        put("doi", record.doi.clone());
        put("isbn", record.isbn.clone());
        put("issn", detail("issn"));
        let library = [detail("archive"), detail("call-number")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        put(
            "library",
            Some(library)
                .filter(|l| !l.is_empty())
                .map(|l| super::tex::escape(&l)),
        );
        put(
            "langid",
            record
                .language
                .as_deref()
                .map(|l| super::language_name(l).unwrap_or(l).to_string()),
            // (A tag BibLaTeX has no name for is written as it is.)
        );
        put("note", plain(&record.note));
        let _ = writeln!(out, "@{kind}{{{},", record.id);
        for (key, value) in fields {
            let _ = writeln!(out, "  {key} = {{{value}}},");
        }
        out.push_str("}\n\n");
    }
    out
}

/// Persons as BibLaTeX writes them ("von Last, Jr., First"), organisations
/// in braces so they stay whole, joined with `and`.
fn names(people: &[Author]) -> Option<String> {
    let names: Vec<String> = people
        .iter()
        .map(|author| match author {
            Author::Organisation(name) => format!("{{{}}}", super::tex::escape(name)),
            Author::Person(name) => super::tex::escape(&person(name)),
        })
        .collect();
    Some(names.join(" and ")).filter(|n| !n.is_empty())
}

/// A person as BibLaTeX writes them: "von Last, Jr., First".
fn person(name: &str) -> String {
    match hayagriva::types::Person::from_str(name) {
        Ok(p) => super::person(
            &p.name,
            p.given_name.as_deref(),
            p.prefix.as_deref(),
            p.suffix.as_deref(),
        ),
        Err(_) => name.to_string(),
    }
}
