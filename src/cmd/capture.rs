//! `dossier capture ID FILE`: keeps a copy of what a source said when it was
//! read. The file is copied into `captures/` beside the registry file that
//! defines the source, and `capture`, `sha256` and `captured-at` are written
//! into that file with toml_edit, so its comments, order and layout stay as
//! they were; `capture-mismatch` guards the copy from then on.

use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, value};

use super::{Error, Outcome};
use crate::args::CaptureArgs;
use crate::check::sha256_of;
use crate::diag::{Files, display_name};
use crate::registry;

/// Runs the capture.
pub fn run(args: &CaptureArgs) -> Result<Outcome, Error> {
    let path = registry::find_registry(args.registry.registry.as_deref(), None)?;
    // The registry's folder is locked while it is read and edited; so is the
    // folder of the file that defines the source, once it is known.
    let mut edited = vec![path.clone()];
    let (lock, defining) = loop {
        let lock = super::Lock::folders(edited.iter().map(PathBuf::as_path))?;
        let mut files = Files::new();
        let loaded = registry::Loaded::read(&path, &args.registry.include_from, &mut files)?;
        // Rewriting a file that does not parse could lose what is in it.
        let syntax = loaded.unparsed();
        if !syntax.is_empty() {
            super::registry_said(&loaded.registry, &files, syntax)?;
            return Ok(Outcome::Failed);
        }
        let registry = loaded.registry;
        let Some(source) = registry.sources.get(&args.id) else {
            let help = crate::diag::suggest(&args.id, registry.sources.keys().map(String::as_str))
                .map(|s| format!("; {s}"))
                .unwrap_or_default();
            return Err(Error::msg(format!(
                "no source named `{}` in {}{help}",
                args.id,
                display_name(&path)
            )));
        };
        let defining = files.path(source.id.span.file).to_path_buf();
        let folder = |p: &Path| super::real_path(p).parent().map(Path::to_path_buf);
        if edited.iter().any(|e| folder(e) == folder(&defining)) {
            break (lock, defining);
        }
        edited.push(defining);
    };
    let bytes = crate::diag::read_bytes(&args.file)
        .map_err(|e| Error::msg(format!("cannot read {} ({e})", display_name(&args.file))))?;
    let hash = sha256_of(&args.file)?;
    let moment = captured_at()?;
    let (relative, created) = store(&defining, &args.id, &args.file, &hash, &bytes)?;
    if let Err(error) = record(&lock, &defining, &args.id, &relative, &hash, &moment) {
        // A refused edit leaves nothing behind: not the copy, not its folder.
        for made in created.iter().rev() {
            let _ = std::fs::remove_file(made).or_else(|_| std::fs::remove_dir(made));
        }
        return Err(error);
    }
    writeln!(
        std::io::stderr(),
        "captured `{}`: {} · sha256 {}… · {}",
        args.id,
        display_name(&defining.parent().unwrap_or(Path::new("")).join(&relative)),
        &hash[..12],
        display_name(&defining)
    )?;
    Ok(Outcome::Clean)
}

/// Copies the file to `captures/ID-HASH.ext` beside `registry`; returns the
/// path relative to it, and what it made (the folder, the copy). The same
/// content is stored once, under a name made of its hash, so different
/// content never overwrites an earlier capture; a copy found altered since
/// is restored.
fn store(
    registry: &Path,
    id: &str,
    file: &Path,
    hash: &str,
    bytes: &[u8],
) -> Result<(String, Vec<PathBuf>), Error> {
    let folder = registry.parent().unwrap_or(Path::new("")).join("captures");
    let mut created = Vec::new();
    if !folder.is_dir() {
        created.push(folder.clone());
    }
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::msg(format!("cannot create {} ({e})", display_name(&folder))))?;
    let stem: String = id.chars().map(|c| if c == ':' { '_' } else { c }).collect();
    let name = match file.extension().and_then(|e| e.to_str()) {
        Some(ext) => format!("{stem}-{}.{ext}", &hash[..12]),
        None => format!("{stem}-{}", &hash[..12]),
    };
    let target: PathBuf = folder.join(&name);
    match std::fs::symlink_metadata(&target) {
        Err(_) => {
            super::write_atomically(&target, bytes)?;
            created.push(target);
        }
        // A capture is a file of its own, never a link to another.
        Ok(metadata) if !metadata.is_file() => {
            return Err(Error::msg(format!(
                "cannot store the capture at {}: something other than a file is there",
                display_name(&target)
            )));
        }
        // The name says what the file holds; a copy altered since is
        // restored, and said to be.
        Ok(_) => {
            if sha256_of(&target).ok().as_deref() != Some(hash) {
                super::write_atomically(&target, bytes)?;
                writeln!(
                    std::io::stderr(),
                    "warning: {} had changed since it was captured; restored",
                    display_name(&target)
                )?;
            }
        }
    }
    Ok((format!("captures/{name}"), created))
}

/// Now, or `SOURCE_DATE_EPOCH`, as a TOML date-time in UTC.
fn captured_at() -> Result<toml_edit::Datetime, Error> {
    let now = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) => epoch
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .ok_or_else(|| {
                Error::msg(format!(
                    "SOURCE_DATE_EPOCH must be a number of seconds (found `{epoch}`)"
                ))
            })?,
        Err(_) => chrono::Utc::now(),
    };
    now.format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
        .parse()
        .map_err(|e| Error::msg(format!("cannot write the capture time ({e})")))
}

/// Writes `capture`, `sha256` and `captured-at` into the source's table,
/// keeping everything else in the file as it is.
fn record(
    lock: &super::Lock,
    registry: &Path,
    id: &str,
    capture: &str,
    hash: &str,
    moment: &toml_edit::Datetime,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(registry)
        .map_err(|e| Error::msg(format!("cannot read {} ({e})", display_name(registry))))?;
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e| Error::msg(format!("cannot edit {} ({e})", display_name(registry))))?;
    let entry = document
        .get_mut("sources")
        .and_then(|sources| sources.get_mut(id))
        .ok_or_else(|| {
            Error::msg(format!(
                "cannot find `[sources.{id}]` in {}",
                display_name(registry)
            ))
        })?;
    let fields = [
        ("capture", value(capture)),
        ("sha256", value(hash)),
        ("captured-at", value(*moment)),
    ];
    match entry {
        Item::Table(table) => {
            for (key, item) in fields {
                table[key] = item;
            }
        }
        Item::Value(toml_edit::Value::InlineTable(table)) => {
            for (key, item) in fields {
                if let Item::Value(v) = item {
                    table.insert(key, v);
                }
            }
        }
        _ => {
            return Err(Error::msg(format!(
                "`sources.{id}` in {} is not a table",
                display_name(registry)
            )));
        }
    }
    lock.write(registry, document.to_string().as_bytes())
}
