//! The bibliography of a build: the hayagriva entries of the cited sources,
//! from the one mapping in [`crate::interop::hayagriva`], as printed: the
//! title in its original script follows the title in brackets.

use hayagriva::Entry;
use hayagriva::types::{ChunkKind, EntryType, FormatString};

use crate::interop::Record;
use crate::interop::mapping::{Formatting, entry};
use crate::registry::Registry;

/// The hayagriva YAML of the sources named by `ids`, in that order.
pub fn yaml(registry: &Registry, ids: &[&str]) -> Result<String, String> {
    let records: Vec<Record> = ids
        .iter()
        .filter_map(|id| registry.sources.get(*id))
        .map(Record::from_source)
        .collect();
    let entries: Vec<Entry> = records.iter().map(printed).collect();
    crate::interop::to_yaml(&records, &entries)
}

/// The entry as a bibliography prints it: citations that name a work by its
/// title use the short form, without the original title.
fn printed(record: &Record) -> Entry {
    let mut entry = entry(record, Formatting::Marked);
    // Styles print the publisher of a thesis or report, where BibLaTeX and
    // hayagriva keep its university or institution.
    if matches!(entry.entry_type(), EntryType::Thesis | EntryType::Report)
        && entry.publisher().and_then(|p| p.name()).is_none()
        && let Some(institution) = entry.organization().cloned()
    {
        let location = entry.publisher().and_then(|p| p.location()).cloned();
        entry.set_publisher(hayagriva::types::Publisher::new(
            Some(institution),
            location,
        ));
    }
    let mut parents = entry.parents().to_vec();
    let Some(at) = parents
        .iter()
        .position(|p| *p.entry_type() == EntryType::Original)
    else {
        return entry;
    };
    let original = parents.remove(at);
    entry.set_parents(parents);
    if let (Some(title), Some(original)) = (entry.title().cloned(), original.title()) {
        let mut value = title.value.clone();
        value.push_str(" [", ChunkKind::Normal);
        for chunk in &original.value.0 {
            value.push_str(&chunk.value, chunk.kind);
        }
        value.push_str("]", ChunkKind::Normal);
        let short = title.short.unwrap_or_else(|| Box::new(title.value.clone()));
        entry.set_title(FormatString {
            value,
            short: Some(short),
        });
    }
    entry
}

#[cfg(test)]
mod tests {
    use crate::registry::described::{FIELDS, Role, tests::EVERY_FIELD, tests::read};

    /// The list of sources is given every bibliographic field the registry
    /// describes.
    #[test]
    fn the_bibliography_is_given_every_bibliographic_field() {
        let (registry, _) = read(EVERY_FIELD);
        let yaml = super::yaml(&registry, &["every"]).unwrap();
        let source = &registry.sources["every"];
        for field in FIELDS.iter().filter(|f| f.role == Role::Bibliographic) {
            let value = (field.text)(source).unwrap();
            let first = value.split("; ").next().unwrap();
            let first = first.split(", ").next().unwrap();
            assert!(
                yaml.contains(first),
                "`{}` ({first}) is not in\n{yaml}",
                field.key
            );
        }
    }
}
