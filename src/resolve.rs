//! Resolution: citation → claim → evidence → source. Decides which claims and
//! sources a set of reports reaches, which is what the bibliography lists and
//! what the `unused-*` rules compare against.

/// IDs in the order they were first cited.
pub type Set<'a> = indexmap::IndexSet<&'a str, rustc_hash::FxBuildHasher>;

use crate::registry::{Entry, Registry};
use crate::report::{Citation, Report};

/// What a set of reports cites.
#[derive(Debug, Default)]
pub struct Resolved<'a> {
    /// Claims cited, in order of first citation.
    pub claims: Set<'a>,
    /// Sources reached, directly or through a claim's evidence, in order of
    /// first citation; evidence naming unknown sources is left out.
    pub sources: Set<'a>,
    /// Citations whose ID is neither a claim nor a source.
    pub unknown: Vec<&'a Citation>,
}

/// Resolves every citation of `reports` against `registry`.
pub fn resolve<'a>(registry: &'a Registry, reports: &'a [Report]) -> Resolved<'a> {
    let mut resolved = Resolved::default();
    let nocite = reports.iter().flat_map(|r| &r.nocite);
    for citation in reports.iter().flat_map(Report::citations).chain(nocite) {
        if citation.is_every_source() {
            resolved
                .sources
                .extend(registry.sources.keys().map(String::as_str));
            continue;
        }
        match registry.get(&citation.id) {
            Some(Entry::Claim(claim)) => {
                resolved.claims.insert(&claim.id.value);
            }
            Some(Entry::Source(_)) => {}
            None => resolved.unknown.push(citation),
        }
        let sources = registry.sources_for(&citation.id);
        resolved
            .sources
            .extend(sources.into_iter().map(|s| s.id.value.as_str()));
    }
    resolved
}
