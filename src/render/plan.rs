//! How each citation is to be printed, worked out before Typst runs: claims
//! expanded to their evidence with its locators, citations of one author put
//! side by side, repeats dropped, and the cases hayagriva gets wrong routed
//! around. Typst then only loops over the result, which keeps the templates
//! simple and the build fast.

use serde::Serialize;

use super::style::Shape;
use crate::registry::Registry;
use crate::report::{Citation, Group, Mode};

/// One citation to print: a source and what follows its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair(pub String, pub Option<String>);

/// Citations that share a prefix and a form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Text before them, e.g. "see".
    pub prefix: Option<String>,
    /// `normal`, `year` (author left out) or `prose` (author in the text).
    pub form: &'static str,
    /// What to cite, in order.
    pub pairs: Vec<Pair>,
}

/// How to print one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPlan {
    /// IDs the registry does not have: red markers in a draft.
    pub unknown: Vec<String>,
    /// `native`: Typst groups the citations itself; `bracketed`: each is
    /// cited on its own inside one pair of the style's brackets, so prefixes
    /// can stand inside them, or because hayagriva would garble the group.
    pub mode: &'static str,
    /// The citations.
    pub segments: Vec<Segment>,
    /// The claims cited, each once, in order: their marks link to the
    /// claims annex.
    pub claims: Vec<String>,
}

/// The pairs one cited ID stands for: a claim stands for each of its
/// evidence sources with the evidence locator; the author's own locator and
/// suffix follow the last of them.
pub fn targets(
    registry: &Registry,
    id: &str,
    locator: Option<&str>,
    suffix: Option<&str>,
) -> Vec<Pair> {
    let extra: Vec<&str> = locator.into_iter().chain(suffix).collect();
    let join = |parts: Vec<&str>| (!parts.is_empty()).then(|| parts.join(", "));
    match registry.claims.get(id) {
        Some(claim) => {
            let last = claim.evidence.len().saturating_sub(1);
            claim
                .evidence
                .iter()
                .enumerate()
                .filter(|(_, e)| registry.sources.contains_key(&e.source.value))
                .map(|(i, e)| {
                    let mut parts: Vec<&str> = e.locator.iter().map(|l| l.value.as_str()).collect();
                    if i == last {
                        parts.extend(&extra);
                    }
                    Pair(e.source.value.clone(), join(parts))
                })
                .collect()
        }
        None => vec![Pair(id.to_string(), join(extra))],
    }
}

/// The pairs without repeats, all citations of one author side by side in
/// order of first appearance. hayagriva (0.10.1) moves same-author citations
/// together itself but then gives the citation it moves past the wrong
/// group, which drops that one's author or title; grouped input avoids that.
pub fn by_author(registry: &Registry, pairs: Vec<Pair>) -> Vec<Pair> {
    let mut groups: Vec<(String, Vec<Pair>)> = Vec::new();
    for pair in pairs {
        let name = author_key(registry, &pair.0);
        let slot = match groups.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                groups.push((name, Vec::new()));
                groups.len() - 1
            }
        };
        if !groups[slot].1.contains(&pair) {
            groups[slot].1.push(pair);
        }
    }
    groups.into_iter().flat_map(|(_, pairs)| pairs).collect()
}

fn author_key(registry: &Registry, key: &str) -> String {
    let authors: Vec<String> = registry
        .sources
        .get(key)
        .map(|s| s.authors.iter().map(|a| format!("{:?}", a.value)).collect())
        .unwrap_or_default();
    if authors.is_empty() {
        format!("@{key}")
    } else {
        authors.join("; ")
    }
}

/// Whether two different works of one author, one of them undated, are
/// cited together: hayagriva (0.10.1) prints nothing for the second.
pub fn undated_twice(registry: &Registry, pairs: &[Pair]) -> bool {
    let mut works: Vec<(String, Vec<&str>)> = Vec::new();
    for Pair(key, _) in pairs {
        let Some(source) = registry.sources.get(key) else {
            continue;
        };
        if source.authors.is_empty() {
            continue;
        }
        let name = author_key(registry, key);
        match works.iter_mut().find(|(n, _)| *n == name) {
            Some((_, keys)) if !keys.contains(&key.as_str()) => keys.push(key),
            Some(_) => {}
            None => works.push((name, vec![key])),
        }
    }
    works.iter().any(|(_, keys)| {
        keys.len() > 1
            && keys
                .iter()
                .any(|k| registry.sources.get(*k).is_some_and(|s| s.date.is_none()))
    })
}

fn form(citation: &Citation) -> &'static str {
    match citation.mode {
        Mode::Normal | Mode::Nocite => "normal",
        Mode::SuppressAuthor => "year",
        Mode::InText => "prose",
    }
}

/// How to print a citation group of a Markdown report.
pub fn group(registry: &Registry, group: &Group, shape: &Shape) -> GroupPlan {
    let (unknown, known): (Vec<&Citation>, Vec<&Citation>) = group
        .citations
        .iter()
        .partition(|c| registry.get(&c.id).is_none());
    let mut segments: Vec<Segment> = Vec::new();
    for citation in known {
        let form = form(citation);
        let fresh = match segments.last() {
            None => true,
            Some(last) => citation.prefix.is_some() || last.form != form,
        };
        if fresh {
            segments.push(Segment {
                prefix: citation.prefix.clone(),
                form,
                pairs: Vec::new(),
            });
        }
        let pairs = targets(
            registry,
            &citation.id,
            citation.locator.as_deref(),
            citation.suffix.as_deref(),
        );
        if let Some(segment) = segments.last_mut() {
            segment.pairs.extend(pairs);
        }
    }
    for segment in &mut segments {
        segment.pairs = by_author(registry, std::mem::take(&mut segment.pairs));
    }
    let brackets = !shape.note && !shape.open.is_empty();
    let prefixed = segments.iter().any(|s| s.prefix.is_some());
    let garbled = segments
        .iter()
        .any(|s| s.form == "normal" && undated_twice(registry, &s.pairs));
    let all_bracketable = segments.iter().all(|s| s.form != "prose");
    let mode = if brackets && all_bracketable && (prefixed || garbled) {
        "bracketed"
    } else {
        "native"
    };
    let mut claims: Vec<String> = Vec::new();
    for citation in &group.citations {
        if registry.claims.contains_key(&citation.id) && !claims.contains(&citation.id) {
            claims.push(citation.id.clone());
        }
    }
    GroupPlan {
        unknown: unknown.iter().map(|c| c.id.clone()).collect(),
        mode,
        segments,
        claims,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Files;
    use crate::report::{Format, parse};

    fn registry(text: &str) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, text).unwrap();
        crate::registry::load(&path, &[], &mut Files::new())
            .unwrap()
            .0
    }

    const REGISTRY: &str = r#"
[sources.a]
title = "A"
authors = ["Stevenson, Struan"]
date = "2013"
[sources.b]
title = "B"
date = "2016"
[sources.c]
title = "C"
authors = ["Stevenson, Struan"]
[sources.d]
title = "D"
authors = ["Stevenson, Struan"]
date = "2014"
[claims.toll]
statement = "x"
evidence = [{ source = "a", locator = "para. 2" }, { source = "b", locator = "p. 1" }, { source = "a", locator = "para. 4" }]
"#;

    fn plan(markdown: &str) -> GroupPlan {
        let registry = registry(REGISTRY);
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.md"), markdown.into());
        let (report, _) = parse(id, Format::Markdown, &files);
        let shape = Shape {
            note: false,
            open: "(".into(),
            close: ")".into(),
            delimiter: "; ".into(),
            numeric: false,
        };
        group(&registry, &report.groups[0], &shape)
    }

    fn pair(key: &str, supplement: Option<&str>) -> Pair {
        Pair(key.into(), supplement.map(Into::into))
    }

    #[test]
    fn claims_expand_and_one_authors_citations_come_together() {
        let p = plan("[@toll, emphasis added]");
        assert_eq!(p.mode, "native");
        assert_eq!(
            p.segments[0].pairs,
            [
                pair("a", Some("para. 2")),
                pair("a", Some("para. 4, emphasis added")),
                pair("b", Some("p. 1"))
            ]
        );
    }

    #[test]
    fn prefixes_and_undated_works_are_bracketed_by_hand() {
        let p = plan("[see @a; also @b]");
        assert_eq!(p.mode, "bracketed");
        assert_eq!(p.segments.len(), 2);
        assert_eq!(p.segments[1].prefix.as_deref(), Some("also"));
        assert_eq!(plan("[@a; @d]").mode, "native");
        assert_eq!(plan("[@a; @c]").mode, "bracketed");
        assert_eq!(plan("[@a; @ghost]").unknown, ["ghost"]);
    }
}
