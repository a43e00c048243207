//! `dossier list claims|sources`: the registry at a glance, or with
//! `--unused`, what no report cites.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::{Error, Outcome};
use crate::args::{ListArgs, ListKind, TextFormat};
use crate::diag::Files;
use crate::registry::{self, Policy, Registry};
use crate::{report, resolve};

/// Runs the listing.
pub fn run(args: &ListArgs) -> Result<Outcome, Error> {
    let near = args.reports.first().map(PathBuf::as_path);
    let path = registry::find_registry(args.registry.registry.as_deref(), near)?;
    let mut files = Files::new();
    let registry = match super::registry(&path, &args.registry, &mut files, Policy::Parsed)? {
        Ok(registry) => registry,
        Err(outcome) => return Ok(outcome),
    };
    let secrets = if args.internal {
        crate::render::leak::Secrets::none()
    } else {
        crate::render::leak::Secrets::of(&registry)
    };
    let registry = crate::render::leak::as_printed(registry, args.internal, &secrets);
    let used = if args.unused {
        let folder = path.parent().map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        });
        let paths = if args.reports.is_empty() {
            folder.into_iter().collect()
        } else {
            args.reports.clone()
        };
        let mut reports = Vec::new();
        for report in super::reports::expand(&paths)? {
            let root = super::settings::default_root(&report, &path)?;
            reports.push(report::read(&report, &root, &mut files)?.0);
        }
        let resolved = resolve::resolve(&registry, &reports);
        Some((
            resolved
                .claims
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
            resolved
                .sources
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        ))
    } else {
        None
    };
    let rows = match args.kind {
        ListKind::Claims => claims(&registry, used.as_ref().map(|u| &u.0)),
        ListKind::Sources => sources(&registry, used.as_ref().map(|u| &u.1)),
    };
    let mut out = std::io::stdout().lock();
    let result = match args.format {
        TextFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&rows.iter().map(|r| &r.json).collect::<Vec<_>>())
                .unwrap_or_default()
        ),
        TextFormat::Human => table(&mut out, &rows),
    };
    result?;
    Ok(Outcome::Clean)
}

/// One entry: its columns for people and its object for scripts.
struct Row {
    columns: Vec<String>,
    json: serde_json::Value,
}

fn claims(registry: &Registry, used: Option<&Vec<String>>) -> Vec<Row> {
    registry
        .claims
        .values()
        .filter(|c| used.is_none_or(|u| !u.contains(&c.id.value)))
        .map(|c| {
            let statement = c
                .statement
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default();
            let sources: Vec<&str> = c.evidence.iter().map(|e| e.source.value.as_str()).collect();
            let credibility = c
                .credibility
                .as_ref()
                .map(|g| g.value.to_string())
                .unwrap_or_else(|| "-".into());
            Row {
                columns: vec![
                    c.id.value.clone(),
                    credibility,
                    sources.len().to_string(),
                    statement.clone(),
                ],
                json: json!({
                    "id": c.id.value, "statement": statement,
                    "credibility": c.credibility.as_ref().map(|g| g.value),
                    "sources": sources, "disagrees": c.disagrees(),
                }),
            }
        })
        .collect()
}

fn sources(registry: &Registry, used: Option<&Vec<String>>) -> Vec<Row> {
    registry
        .sources
        .values()
        .filter(|s| used.is_none_or(|u| !u.contains(&s.id.value)))
        .map(|s| {
            let text =
                |v: &Option<crate::diag::Spanned<String>>| v.as_ref().map(|t| t.value.clone());
            let date = s.date.as_ref().map(|d| d.value.to_string());
            let reliability = s.reliability.as_ref().map(|r| r.value.to_string());
            let mut flags = Vec::new();
            if s.is_confidential() {
                flags.push("confidential");
            }
            if s.capture.is_some() {
                flags.push("captured");
            }
            Row {
                columns: vec![
                    s.id.value.clone(),
                    crate::interop::type_name(&s.kind.value),
                    date.clone().unwrap_or_else(|| "-".into()),
                    reliability.clone().unwrap_or_else(|| "-".into()),
                    text(&s.affiliation).unwrap_or_else(|| "-".into()),
                    text(&s.title)
                        .map(|t| crate::registry::rich::plain(&t))
                        .unwrap_or_else(|| withheld(s))
                        + &if flags.is_empty() {
                            String::new()
                        } else {
                            format!(" [{}]", flags.join(", "))
                        },
                ],
                json: json!({
                    "id": s.id.value, "type": crate::interop::type_name(&s.kind.value),
                    "title": text(&s.title), "date": date, "reliability": reliability,
                    "affiliation": text(&s.affiliation), "confidential": s.is_confidential(),
                    "url": text(&s.url), "capture": text(&s.capture),
                }),
            }
        })
        .collect()
}

/// What stands for a confidential source's title when it is withheld.
fn withheld(source: &crate::registry::Source) -> String {
    if source.is_confidential() {
        "(withheld; --internal shows it)".into()
    } else {
        String::new()
    }
}

/// Columns padded to their widest entry; the last one runs free.
fn table(out: &mut impl Write, rows: &[Row]) -> std::io::Result<()> {
    let count = rows.first().map_or(0, |r| r.columns.len());
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            rows.iter()
                .map(|r| r.columns[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, column) in row.columns.iter().enumerate() {
            if i + 1 == count {
                line.push_str(column);
            } else {
                line.push_str(&format!("{column:width$}  ", width = widths[i]));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
