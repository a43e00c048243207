//! hayagriva YAML: read and written through the one mapping in
//! [`super::hayagriva`].

use hayagriva::Entry;

use super::Record;
use crate::diag::{Diagnostic, FileId};
use crate::registry::Author;

/// Reads a hayagriva YAML file.
pub fn read(file: FileId, text: &str) -> Result<Vec<Record>, Vec<Diagnostic>> {
    let library = hayagriva::io::from_yaml_str(text).map_err(|error| {
        let at = error.location().map_or(0, |l| l.index());
        super::syntax(file, at, &error, "hayagriva YAML")
    })?;
    Ok(library
        .iter()
        .map(|entry| super::mapping::record(entry, false))
        .collect())
}

/// Writes records as hayagriva YAML, with their notes.
pub fn write(records: &[Record]) -> Result<String, String> {
    let entries: Vec<Entry> = records
        .iter()
        .map(|record| {
            let mut entry = super::mapping::entry(record, super::mapping::Formatting::Dropped);
            // The researcher's note travels with an export, never into a bibliography.
            if let Some(note) = &record.note {
                entry.set_note(hayagriva::types::FormatString::with_value(note.as_str()));
            }
            entry
        })
        .collect();
    to_yaml(records, &entries)
}

/// hayagriva YAML of `entries`, one per record, with every organisation
/// written as `{ name: … }`. hayagriva would write it as a plain string,
/// which it reads back as a person's name: "Justice for the Victims of the
/// 1988 Massacre in Iran" would come back as one "Iran".
pub fn to_yaml(records: &[Record], entries: &[Entry]) -> Result<String, String> {
    use serde_yaml::Value;
    let mut library = hayagriva::Library::new();
    for entry in entries {
        library.push(entry);
    }
    let mut value = serde_yaml::to_value(&library)
        .map_err(|e| format!("cannot write the bibliography ({e})"))?;
    let whole = |name: &str| {
        let mut map = serde_yaml::Mapping::new();
        map.insert("name".into(), name.into());
        Value::Mapping(map)
    };
    let fix = |names: &mut Value, people: &[Author]| match names {
        Value::Sequence(items) => {
            for (item, author) in items.iter_mut().zip(people) {
                if let Author::Organisation(name) = author {
                    *item = whole(name);
                }
            }
        }
        single => {
            if let [Author::Organisation(name)] = people {
                *single = whole(name);
            }
        }
    };
    for record in records {
        let Some(entry) = value.get_mut(record.id.as_str()) else {
            continue;
        };
        if let Some(names) = entry.get_mut("author") {
            fix(names, &record.authors);
        }
        if let Some(names) = entry.get_mut("editor") {
            fix(names, &record.editors);
        }
        if let Some(names) = entry
            .get_mut("affiliated")
            .and_then(|a| match a {
                Value::Sequence(items) => items.first_mut(),
                single => Some(single),
            })
            .and_then(|a| a.get_mut("names"))
        {
            fix(names, &record.translators);
        }
    }
    serde_yaml::to_string(&value).map_err(|e| format!("cannot write the bibliography ({e})"))
}
