//! Rules about sources themselves: the same document registered twice, dates
//! out of order, and captures that are gone or changed.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::diag::{Code, Diagnostic, Files, Spanned};
use crate::identity;
use crate::registry::{PartialDate, Registry, Source};

/// `duplicate-source`: two sources with the same URL, DOI or ISBN.
pub fn duplicate_source(registry: &Registry, out: &mut Vec<Diagnostic>) {
    type Key = fn(&Source) -> Option<(&Spanned<String>, String)>;
    let kinds: [(&str, Key); 3] = [
        ("URL", |s| {
            s.url
                .as_ref()
                .and_then(|u| identity::url(&u.value).map(|n| (u, n)))
        }),
        ("DOI", |s| {
            s.doi
                .as_ref()
                .and_then(|d| identity::doi(&d.value).map(|n| (d, n)))
        }),
        ("ISBN", |s| {
            s.isbn
                .as_ref()
                .and_then(|i| identity::isbn(&i.value).map(|n| (i, n)))
        }),
    ];
    for (kind, key) in kinds {
        let mut first: HashMap<String, (&str, &Spanned<String>)> = HashMap::new();
        for source in registry.sources.values() {
            let Some((field, normal)) = key(source) else {
                continue;
            };
            match first.get(&normal) {
                Some((other, other_field)) => {
                    let message =
                        format!("`{}` and `{other}` have the same {kind}", source.id.value);
                    out.push(
                        Diagnostic::new(Code::DuplicateSource, message)
                            .at(field.span.clone())
                            .with_label(other_field.span.clone(), format!("the {kind} of `{other}`"))
                            .with_help("one document, one source: merge them and point the evidence at the one kept"),
                    );
                }
                None => {
                    first.insert(normal, (&source.id.value, field));
                }
            }
        }
    }
}

/// `date-order`: accessed before published, or a date after `today`.
pub fn date_order(registry: &Registry, today: NaiveDate, out: &mut Vec<Diagnostic>) {
    for source in registry.sources.values() {
        let id = &source.id.value;
        for (field, date) in [("date", &source.date), ("accessed", &source.accessed)] {
            if let Some(date) = date
                && date.value.first_day().is_some_and(|d| d > today)
            {
                let message = format!(
                    "the `{field}` of `{id}`, {}, lies in the future (today is {today})",
                    date.value
                );
                out.push(Diagnostic::new(Code::DateOrder, message).at(date.span.clone()));
            }
        }
        if let Some(captured) = &source.captured_at
            && captured.value.date_naive() > today
        {
            let message = format!(
                "the `captured-at` of `{id}`, {}, lies in the future (today is {today})",
                captured.value.date_naive()
            );
            out.push(Diagnostic::new(Code::DateOrder, message).at(captured.span.clone()));
        }
        if let (Some(published), Some(accessed)) = (&source.date, &source.accessed)
            && before(&accessed.value, &published.value)
        {
            let message = format!(
                "`{id}` was accessed on {}, before it was published ({})",
                accessed.value, published.value
            );
            out.push(
                Diagnostic::new(Code::DateOrder, message)
                    .at(accessed.span.clone())
                    .with_label(published.span.clone(), "published here"),
            );
        }
    }
}

/// Whether all of `a` lies before all of `b`.
fn before(a: &PartialDate, b: &PartialDate) -> bool {
    matches!((a.last_day(), b.first_day()), (Some(a), Some(b)) if a < b)
}

/// `capture-mismatch`: a capture file is missing or its SHA-256 changed.
pub fn capture_mismatch(registry: &Registry, files: &Files, out: &mut Vec<Diagnostic>) {
    for source in registry.sources.values() {
        let Some(capture) = &source.capture else {
            continue;
        };
        let path = capture_path(source, files).unwrap_or_default();
        let id = &source.id.value;
        let hash = match sha256_of(&path) {
            Ok(hash) => hash,
            Err(error) => {
                let message = if error.kind() == std::io::ErrorKind::NotFound {
                    format!("the capture of `{id}` is missing: {}", capture.value)
                } else {
                    format!(
                        "the capture of `{id}` cannot be read: {} ({error})",
                        capture.value
                    )
                };
                out.push(
                    Diagnostic::new(Code::CaptureMismatch, message)
                        .at(capture.span.clone())
                        .with_help("captures are relative to the registry file that names them"),
                );
                continue;
            }
        };
        if let Some(expected) = &source.sha256
            && expected.value != hash
        {
            let (now, was) = hashes_apart(&hash, &expected.value);
            let message =
                format!("the capture of `{id}` has changed: its SHA-256 is {now}…, not {was}…");
            out.push(
                Diagnostic::new(Code::CaptureMismatch, message)
                    .at(expected.span.clone())
                    .with_label(capture.span.clone(), "this file")
                    .with_help("restore the captured file, or capture the source again if the change is meant"),
            );
        }
    }
}

/// The capture file of a source, if it names one: relative to the registry
/// file that names it.
pub fn capture_path(source: &Source, files: &Files) -> Option<std::path::PathBuf> {
    let capture = source.capture.as_ref()?;
    let base = files
        .path(capture.span.file)
        .parent()
        .unwrap_or(Path::new(""));
    Some(base.join(&capture.value))
}

/// The SHA-256 of a file in lower-case hexadecimal, read in pieces.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    // A FIFO or a device would block or never end.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Two different hashes as a message shows them: their first 12 digits, or
/// as many more as it takes for the two to differ.
pub fn hashes_apart(a: &str, b: &str) -> (String, String) {
    let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let take = (same + 1).max(12);
    (
        a.chars().take(take).collect(),
        b.chars().take(take).collect(),
    )
}

/// The SHA-256 of `bytes` in lower-case hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_shown_until_they_differ() {
        let a = "aadc1955c030aaaaaaaa";
        let b = "aadc1955c030aaaaaaab";
        assert_eq!(hashes_apart(a, b), (a.to_string(), b.to_string()));
        assert_eq!(
            hashes_apart("0123456789abcdef", "f123456789abcdef").0,
            "0123456789ab"
        );
    }
}
