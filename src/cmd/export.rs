//! `dossier export --format csl-json|bibtex|hayagriva`: the registry's
//! sources for other tools. Confidential sources stay out unless asked for.

use std::io::Write;

use super::{Error, Outcome};
use crate::args::ExportArgs;
use crate::diag::Files;
use crate::interop::{self, Record};
use crate::registry::{self, Policy};

/// Runs the export.
pub fn run(args: &ExportArgs) -> Result<Outcome, Error> {
    let path = registry::find_registry(args.registry.registry.as_deref(), None)?;
    let mut files = Files::new();
    // An export of a registry with errors would leave out, or change, what
    // is broken without a word.
    let mut registry = match super::registry(&path, &args.registry, &mut files, Policy::Valid)? {
        Ok(registry) => registry,
        Err(outcome) => return Ok(outcome),
    };
    if !args.internal {
        // A public entry that quotes a confidential source is exported with
        // that field withheld, and said so.
        let secrets = crate::render::leak::Secrets::of(&registry);
        for id in crate::render::leak::scrub(&mut registry, &secrets) {
            if registry.sources.contains_key(&id) {
                writeln!(
                    std::io::stderr(),
                    "warning: a field of `{id}` holds confidential text and is exported as {}",
                    crate::render::leak::WITHHELD
                )?;
            }
        }
    }
    let sources: Vec<_> = registry
        .sources
        .values()
        .filter(|s| args.internal || !s.is_confidential())
        .collect();
    let records: Vec<Record> = sources.iter().map(|s| Record::from_source(s)).collect();
    let text = interop::write(args.format.into(), &records).map_err(Error::msg)?;
    match &args.output {
        Some(file) => {
            // Never over a registry file or a capture it names.
            let mut read: Vec<std::path::PathBuf> =
                files.paths().map(|p| p.to_path_buf()).collect();
            read.extend(
                registry
                    .sources
                    .values()
                    .filter_map(|s| crate::check::capture_path(s, &files)),
            );
            super::refuse_output(file, "the export", &read)?;
            super::write_atomically(file, text.as_bytes())?
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(Outcome::Clean)
}
