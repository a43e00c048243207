//! The registry schema: turns one parsed TOML file into sources and claims,
//! checking every field's type and value and reporting each problem.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::fields::{Reader, key_span};
use super::{Claim, Level, Rule, Source, id};
use crate::diag::Code;
use crate::diag::Spanned;

mod claim;
mod source;

use self::claim::claim;
pub use self::source::is_language_tag;
use self::source::source;

/// What one registry file defines.
#[derive(Debug, Default)]
pub struct Part {
    /// `[registry] title`.
    pub title: Option<Spanned<String>>,
    /// `[registry] style`.
    pub style: Option<Spanned<String>>,
    /// `[registry.rules]`.
    pub rules: Vec<Rule>,
    /// `[registry] include` patterns.
    pub include: Vec<Spanned<String>>,
    /// Sources in file order.
    pub sources: Vec<Source>,
    /// Claims in file order.
    pub claims: Vec<Claim>,
}

const TOP: &[&str] = &["registry", "sources", "claims"];
const REGISTRY: &[&str] = &["title", "style", "include", "rules"];
const CLAIM: &[&str] = &[
    "statement",
    "credibility",
    "evidence",
    "sources",
    "conflict",
];
const EVIDENCE: &[&str] = &["source", "locator", "quote", "value"];
const CONFLICT: &[&str] = &["resolution", "rationale", "source"];
const QUALIFIERS: &[&str] = &["at-least", "at-most", "min", "max", "about"];

/// Reads one registry file; `main` says whether `[registry]` is allowed.
pub fn read(r: &mut Reader<'_>, root: &DeTable<'_>, main: bool) -> Part {
    let mut part = Part::default();
    r.unknown_keys(root, TOP, "the registry");
    if let Some((table, span)) = r.table(root, "registry") {
        if main {
            r.unknown_keys(table, REGISTRY, "`[registry]`");
            part.title = r.text(table, "title");
            part.style = r.text(table, "style");
            part.include = r.strings(table, "include").unwrap_or_default();
            part.rules = rules(r, table);
        } else {
            let at = key_span(root, "registry").unwrap_or(span);
            r.invalid(
                at,
                "`[registry]` belongs in the main registry file, not in an included one",
            );
        }
    }
    for_each_entry(r, root, "sources", |r, id, table, _| {
        part.sources.push(source(r, id, table))
    });
    for_each_entry(r, root, "claims", |r, id, table, span| {
        part.claims.push(claim(r, id, table, span))
    });
    part
}

/// Calls `f` for every `[group.ID]` table with a valid ID.
fn for_each_entry<'t, 'i>(
    r: &mut Reader<'_>,
    root: &'t DeTable<'i>,
    group: &str,
    mut f: impl FnMut(&mut Reader<'_>, Spanned<String>, &'t DeTable<'i>, Range<usize>),
) {
    let Some((table, _)) = r.table(root, group) else {
        return;
    };
    for (key, item) in table.iter() {
        let name = key.get_ref().to_string();
        if let Some(problem) = id::check(&name) {
            r.invalid(key.span(), format!("invalid ID `{name}`: {problem}"));
            continue;
        }
        let DeValue::Table(entry) = item.get_ref() else {
            let what = if group == "sources" {
                "a source"
            } else {
                "a claim"
            };
            r.wrong_type(
                &format!("{group}.{name}"),
                item,
                &format!("a table describing {what}"),
            );
            continue;
        };
        let id = Spanned::new(name, r.span(key.span()));
        f(r, id, entry, key.span());
    }
}

fn rules(r: &mut Reader<'_>, registry: &DeTable<'_>) -> Vec<Rule> {
    let Some((table, _)) = r.table(registry, "rules") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, item) in table.iter() {
        let name = key.get_ref().as_ref();
        let Some(code) = Code::from_name(name) else {
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            let help = crate::diag::unknown_name_help(name, &codes, "codes");
            r.invalid(
                key.span(),
                format!("unknown code `{name}` in `[registry.rules]`"),
            )
            .help = Some(help);
            continue;
        };
        let DeValue::String(given) = item.get_ref() else {
            r.wrong_type(name, item, "\"error\", \"warning\" or \"allow\"");
            continue;
        };
        let guarded = matches!(code, Code::ConfidentialOnly | Code::ConfidentialLeak);
        match Level::ALL.iter().find(|(n, _)| *n == given.as_ref()) {
            Some(&(_, level)) if guarded && level != Level::Error => {
                r.invalid(
                    key.span().start..item.span().end,
                    format!("`{name}` protects confidential sources and cannot be lowered"),
                )
                .help = Some(
                    "cite public evidence instead, or build for internal use with --internal"
                        .into(),
                );
            }
            Some(&(_, level)) => out.push(Rule {
                code,
                level,
                span: r.span(key.span().start..item.span().end),
            }),
            None => {
                let help = crate::diag::suggest(given, Level::ALL.map(|(n, _)| n))
                    .unwrap_or_else(|| "use \"error\", \"warning\" or \"allow\"".into());
                r.invalid(item.span(), format!("unknown level `{given}` for `{name}`"))
                    .help = Some(help);
            }
        }
    }
    out
}
