//! `dossier import FILE`: adds sources from BibTeX/BibLaTeX, CSL-JSON or
//! hayagriva YAML to the registry. The registry is edited with toml_edit, so
//! its comments, order and layout survive; IDs already present are skipped
//! and reported, so importing the same file twice changes nothing; a file
//! that does not parse changes nothing and is reported at its line.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table};

use super::{Error, Outcome};
use crate::args::ImportArgs;
use crate::diag::{Diagnostic, Files, Summary, display_name};
use crate::interop::{self, Format, Record};
use crate::registry::{self, LoadError, PartialDate, is_language_tag};

/// Runs the import.
pub fn run(args: &ImportArgs) -> Result<Outcome, Error> {
    let path = registry_path(args)?;
    // Held until the registry is written: a concurrent import or capture
    // waits, then reads what this one wrote.
    let lock = super::Lock::folders([path.as_path()])?;
    let mut files = Files::new();
    // Rewriting a registry that does not parse could lose what is in it.
    let existing: HashSet<String> = if path.exists() {
        match super::registry(&path, &args.registry, &mut files, registry::Policy::Parsed)? {
            Ok(registry) => registry.ids().map(str::to_string).collect(),
            Err(outcome) => return Ok(outcome),
        }
    } else {
        HashSet::new()
    };

    let text = crate::diag::read_text(&args.file)
        .map_err(|e| Error::msg(format!("cannot read {} ({e})", display_name(&args.file))))?;
    let format = args
        .from
        .map(Format::from)
        .or_else(|| Format::detect(&args.file, &text))
        .ok_or_else(|| {
            Error::msg(format!(
                "cannot tell the format of {}: give --from csl-json, bibtex or hayagriva",
                display_name(&args.file)
            ))
        })?;
    let file = files.add(&args.file, text);
    let records = match interop::read(format, file, files.text(file)) {
        Ok(records) => records,
        Err(diagnostics) => return fail(&files, diagnostics),
    };

    let mut taken = existing;
    let mut added = Vec::new();
    let mut notes = Vec::new();
    for mut record in records {
        if taken.contains(&record.id) {
            notes.push(format!("skipped `{}`: already in the registry", record.id));
            continue;
        }
        if record.title.is_none() {
            notes.push(format!("skipped `{}`: it has no title", record.id));
            continue;
        }
        for dropped in sanitise(&mut record) {
            notes.push(format!("`{}`: left out {dropped}", record.id));
        }
        taken.insert(record.id.clone());
        added.push(record);
    }
    if !added.is_empty() {
        write(&lock, &path, &args.file, &added)?;
    }
    let mut err = std::io::stderr().lock();
    for note in &notes {
        writeln!(err, "{note}")?;
    }
    writeln!(
        err,
        "imported {} from {} ({format}) into {}",
        plural(added.len(), "source"),
        display_name(&args.file),
        display_name(&path)
    )?;
    Ok(Outcome::Clean)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The registry to add to: the one found, or a new `sources.toml`.
fn registry_path(args: &ImportArgs) -> Result<PathBuf, Error> {
    match registry::find_registry(args.registry.registry.as_deref(), None) {
        Ok(path) => Ok(path),
        Err(LoadError::NotFound { .. }) => Ok(PathBuf::from("sources.toml")),
        Err(error) => Err(error.into()),
    }
}

fn fail(files: &Files, diagnostics: Vec<Diagnostic>) -> Result<Outcome, Error> {
    let summary = Summary {
        errors: diagnostics.len(),
        ..Summary::default()
    };
    super::report(
        crate::args::DiagnosticFormat::Human,
        false,
        false,
        files,
        &diagnostics,
        &summary,
    )?;
    Ok(Outcome::Failed)
}

/// Drops values the registry would reject, saying which.
fn sanitise(record: &mut Record) -> Vec<String> {
    let mut dropped = std::mem::take(&mut record.left_out);
    if let Some(tag) = record
        .language
        .as_deref()
        .and_then(crate::interop::language_tag)
    {
        record.language = Some(tag.into());
    }
    if record
        .language
        .as_deref()
        .is_some_and(|l| !is_language_tag(l))
    {
        dropped.push(format!(
            "the language `{}` (not a BCP 47 tag)",
            record.language.take().unwrap_or_default()
        ));
    }
    if record
        .url
        .as_deref()
        .is_some_and(|u| !crate::identity::is_web_url(u))
    {
        dropped.push(format!(
            "the URL `{}` (not http or https)",
            record.url.take().unwrap_or_default()
        ));
    }
    if record
        .isbn
        .as_deref()
        .is_some_and(|i| crate::identity::isbn(i).is_none())
    {
        dropped.push(format!(
            "the ISBN `{}` (its check digit is wrong)",
            record.isbn.take().unwrap_or_default()
        ));
    }
    if record
        .doi
        .as_deref()
        .is_some_and(|d| crate::identity::doi(d).is_none())
    {
        dropped.push(format!(
            "the DOI `{}`",
            record.doi.take().unwrap_or_default()
        ));
    }
    // Libraries list a print and an electronic ISSN: the first valid one.
    if let Some(issn) = record.details.get("issn").and_then(|list| {
        list.split([',', ';', ' '])
            .find(|i| crate::registry::details::is_issn(i))
            .map(str::to_string)
    }) {
        record.details.insert("issn", issn);
    }
    if record
        .details
        .get("issn")
        .is_some_and(|i| !crate::registry::details::is_issn(i))
    {
        dropped.push(format!(
            "the ISSN `{}` (its check digit is wrong)",
            record.details.remove("issn").unwrap_or_default()
        ));
    }
    // Titles must read as the registry's rich text; one that does not is
    // kept as plain text.
    let rich = [
        &mut record.title,
        &mut record.short_title,
        &mut record.original_title,
    ];
    for value in rich.into_iter().flatten() {
        if crate::registry::rich::parse(value).is_err() {
            *value = crate::registry::rich::escape(value);
        }
    }
    for key in ["container", "series"] {
        if let Some(value) = record.details.get_mut(key)
            && crate::registry::rich::parse(value).is_err()
        {
            *value = crate::registry::rich::escape(value);
        }
    }
    // What is written must read back: a year before 1 or after 9999 does not.
    let readable = |d: &PartialDate| PartialDate::parse(&d.to_string()).is_ok_and(|r| r == *d);
    if let Some(date) = record.date.take_if(|d| !readable(d)) {
        dropped.push(if date.first_day().is_none() {
            "an impossible date".into()
        } else {
            format!(
                "the date in year {} (the registry holds years 0000 to 9999)",
                date.year
            )
        });
    }
    dropped
}

/// Adds the records as `[sources.ID]` tables at the end of the registry.
fn write(lock: &super::Lock, path: &Path, from: &Path, records: &[Record]) -> Result<(), Error> {
    let text = if path.exists() {
        std::fs::read_to_string(path)
            .map_err(|e| Error::msg(format!("cannot read {} ({e})", display_name(path))))?
    } else {
        String::new()
    };
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e| Error::msg(format!("cannot edit {} ({e})", display_name(path))))?;
    let sources = document.entry("sources").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    if !sources.is_table() {
        return Err(Error::msg(format!(
            "`sources` in {} is not a table",
            display_name(path)
        )));
    }
    let first = last_position(document.as_table()) + 1;
    let Some(sources) = document.get_mut("sources").and_then(Item::as_table_mut) else {
        return Err(Error::msg(format!(
            "`sources` in {} is not a table",
            display_name(path)
        )));
    };
    for (i, record) in records.iter().enumerate() {
        let mut table = record.to_table();
        table.set_position(first + i);
        if i == 0 {
            let gap = if text.trim().is_empty() { "" } else { "\n" };
            table
                .decor_mut()
                .set_prefix(format!("{gap}# Imported from {}\n", display_name(from)));
        }
        sources.insert(&record.id, Item::Table(table));
    }
    lock.write(path, document.to_string().as_bytes())
}

/// The highest position of any table, so new ones come after all of them.
fn last_position(table: &Table) -> usize {
    table
        .iter()
        .filter_map(|(_, item)| item.as_table())
        .map(|t| t.position().unwrap_or(0).max(last_position(t)))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A field value as libraries hold it: words, TeX, markup-like text.
    fn value() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                "[A-Za-z]{1,8}",
                Just(r"\&".to_string()),
                Just(r"\$".to_string()),
                Just(r"\%".to_string()),
                Just(r"\_".to_string()),
                Just("~".to_string()),
                Just("--".to_string()),
                Just(r#"{\"O}"#.to_string()),
                Just(r"{\'\i}".to_string()),
                Just("{CTAN}".to_string()),
                Just(r"\emph{De Anima}".to_string()),
                Just(r"{\em word}".to_string()),
                Just(r"\mkbibquote{Q}".to_string()),
                Just("$x^2$".to_string()),
                Just("a < b > c".to_string()),
                Just("<i>".to_string()),
                Just(r"\textbackslash{}".to_string()),
                Just("ایران".to_string()),
            ],
            1..6,
        )
        .prop_map(|words| words.join(" "))
    }

    fn entry() -> impl Strategy<Value = String> {
        let kinds = prop_oneof![
            Just("article"),
            Just("book"),
            Just("inbook"),
            Just("incollection"),
            Just("inproceedings"),
            Just("thesis"),
            Just("report"),
            Just("online"),
            Just("misc"),
            Just("video"),
            Just("jurisdiction"),
        ];
        let names = prop_oneof![
            Just("Doe, Jane and {Amnesty International} and others"),
            Just("{}"),
            Just(r"Garc{\'\i}a, Ana"),
            Just("van der Berg, Anna and Martin, Jr., Vanessa"),
        ];
        (
            "[a-z0-9:_-]{0,6}",
            kinds,
            value(),
            value(),
            names,
            "[0-9]{1,4}",
            "[0-9]{4}-?[0-9]{3}[0-9X]",
            prop_oneof![Just("english"), Just("USenglish"), Just("en-US"), Just("klingon")],
        )
            .prop_map(|(key, kind, title, container, names, number, issn, langid)| {
                format!(
                    "@{kind}{{{key},\n  title = {{{title}}},\n  author = {{{names}}},\n  journaltitle = {{{container}}},\n  booktitle = {{{container}}},\n  volume = {{{number}}},\n  number = {{{number}}},\n  pages = {{{number}--{number}}},\n  issn = {{{issn}}},\n  langid = {{{langid}}},\n  date = {{19{number}}},\n}}\n"
                )
            })
    }

    /// What import would write from `text`, read back as a registry: its
    /// diagnostics, with the library and the registry for a failure.
    fn written(format: Format, text: &str) -> Result<(), String> {
        let mut files = Files::new();
        let file = files.add(Path::new("library"), text.to_string());
        let Ok(records) = interop::read(format, file, files.text(file)) else {
            return Ok(());
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, "[registry]\ntitle = \"x\"\n").unwrap();
        let mut kept = Vec::new();
        let mut ids = HashSet::new();
        for mut record in records {
            if record.title.is_none() || !ids.insert(record.id.clone()) {
                continue;
            }
            sanitise(&mut record);
            kept.push(record);
        }
        let lock = crate::cmd::Lock::folders([path.as_path()]).unwrap();
        write(&lock, &path, Path::new("library"), &kept).unwrap();
        let mut files = Files::new();
        let (_, diagnostics) = registry::load(&path, &[], &mut files).unwrap();
        if diagnostics.is_empty() {
            return Ok(());
        }
        let registry = std::fs::read_to_string(&path).unwrap();
        Err(format!("{text}\n{registry}\n{diagnostics:?}"))
    }

    /// A Zotero item with rich text and numbers as Zotero writes them.
    fn item() -> impl Strategy<Value = String> {
        let rich = proptest::collection::vec(
            prop_oneof![
                "[A-Za-z]{1,8}",
                Just("<i>x</i>".to_string()),
                Just("<i>open".to_string()),
                Just("</b>".to_string()),
                Just("<span class=\\\"nocase\\\">UN</span>".to_string()),
                Just("{braces}".to_string()),
                Just("a < b".to_string()),
                Just("back\\\\slash".to_string()),
            ],
            1..6,
        )
        .prop_map(|w| w.join(" "));
        let kinds = prop_oneof![
            Just("article-journal"),
            Just("article-newspaper"),
            Just("chapter"),
            Just("paper-conference"),
            Just("thesis"),
            Just("webpage"),
            Just("post-weblog"),
            Just("entry-encyclopedia"),
            Just("software"),
            Just("nonsense"),
        ];
        ("[a-z0-9 /:]{0,8}", kinds, rich.clone(), rich, "[0-9]{1,3}", "[0-9]{4}-[0-9]{3}[0-9X]")
            .prop_map(|(id, kind, title, container, number, issn)| {
                format!(
                    r#"{{"id": "{id}", "type": "{kind}", "title": "{title}", "container-title": "{container}", "author": [{{"family": "Doe", "given": "Jane"}}, {{"literal": ""}}], "volume": {number}, "page": "{number}-{number}", "ISSN": "{issn}, 0028-0836", "language": "Persian", "archive_location": "Box {number}", "issued": {{"date-parts": [["{number}"]]}}}}"#
                )
            })
    }

    proptest! {
        #![proptest_config(crate::testing::config())]

        /// Whatever BibLaTeX import writes, the registry reads without a complaint.
        #[test]
        fn import_writes_only_what_check_accepts(entries in proptest::collection::vec(entry(), 1..4)) {
            if let Err(failure) = written(Format::Bibtex, &entries.concat()) {
                prop_assert!(false, "{failure}");
            }
        }

        /// And so does whatever CSL-JSON import writes.
        #[test]
        fn zotero_import_writes_only_what_check_accepts(items in proptest::collection::vec(item(), 1..4)) {
            if let Err(failure) = written(Format::CslJson, &format!("[{}]", items.join(","))) {
                prop_assert!(false, "{failure}");
            }
        }
    }
}
