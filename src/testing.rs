//! What the crate's own tests share.

use proptest::prelude::ProptestConfig;

/// A fixed seed, so CI runs the same cases each time; `PROPTEST_CASES`
/// and `DOSSIER_FUZZ_SEED` explore more.
pub(crate) fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(256),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("DOSSIER_FUZZ_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1988),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The crate's modules from the bottom up: each may use only modules of a
/// lower rank, so dependencies point one way.
const LAYERS: &[(&str, u8)] = &[
    ("identity", 0),
    ("diag", 0),
    ("skeleton", 0),
    ("typst_str", 0),
    ("budget", 0),
    ("quiet", 0),
    ("testing", 0),
    ("args", 0),
    ("registry", 1),
    ("interop", 2),
    ("report", 2),
    ("resolve", 3),
    ("check", 4),
    ("render", 5),
    ("verify", 6),
    ("cmd", 7),
];

/// The top-level modules a Rust text names through `crate::`, braces and
/// all (`crate::{diag::Files, registry}`), comments left out.
fn named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(inner) = rest.strip_prefix('{') {
                // The first name of each item at the outermost level.
                let mut depth = 0;
                let mut start = true;
                let mut name = String::new();
                for c in inner.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && (c.is_alphanumeric() || c == '_') => name.push(c),
                        _ if !name.is_empty() => {
                            out.push(std::mem::take(&mut name));
                            start = false;
                        }
                        _ => {}
                    }
                }
                if !name.is_empty() {
                    out.push(name);
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        }
    }
    out
}

fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn dependencies_point_one_way() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rank = |name: &str| LAYERS.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap();
        let top = relative.iter().next().unwrap().to_string_lossy();
        let top = top.trim_end_matches(".rs");
        // The crate root and binary join the layers; this file's test
        // texts name modules without using them.
        if matches!(top, "lib" | "main" | "testing") {
            continue;
        }
        let own = rank(top).unwrap_or_else(|| panic!("module `{top}` has no layer"));
        let text = std::fs::read_to_string(path).unwrap();
        for name in named(&text) {
            let Some(theirs) = rank(&name) else {
                continue;
            };
            if name != top && theirs >= own {
                wrong.push(format!("{} uses crate::{name}", relative.display()));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn names_are_read_through_braces_and_paths() {
    assert_eq!(
        named(
            "use crate::{diag::{Files, Span}, registry};\nlet x = crate::render::pdf::x(); // crate::cmd"
        ),
        ["diag", "registry", "render"]
    );
}
