//! Which report files a command's arguments name: `check` and `list` take
//! files, folders and glob patterns alike.

use std::path::{Path, PathBuf};

use super::Error;
use crate::diag::display_name;
use crate::report;

/// The report files the arguments name: files as given, the `.md` and `.typ`
/// files below folders, and the matches of glob patterns; each once, in order.
pub fn expand(arguments: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for argument in arguments {
        let found = if argument.is_dir() {
            let mut found = Vec::new();
            walk(argument, &mut found)?;
            if found.is_empty() {
                return Err(Error::msg(format!(
                    "no .md or .typ report in {}",
                    display_name(argument)
                )));
            }
            found
        } else if !argument.exists() && is_glob(argument) {
            let pattern = argument.to_string_lossy();
            let mut found: Vec<PathBuf> = glob::glob(&pattern)
                .map_err(|e| Error::msg(format!("`{pattern}` is not a valid pattern ({})", e.msg)))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::msg(format!("no report matches `{pattern}`")));
            }
            found
        } else {
            vec![argument.clone()]
        };
        for path in found {
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Every `.md` and `.typ` file below `dir`, sorted, skipping hidden folders
/// and build output.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::msg(format!("cannot read {} ({e})", display_name(dir))))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, out)?;
            }
        } else if report::Format::of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}
