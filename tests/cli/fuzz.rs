//! Every parser that takes untrusted input, fed random edits of real inputs
//! made of the characters their syntax turns on, and random Unicode: the
//! registry, front matter and the Markdown and Typst citation scanners, the
//! Markdown-to-Typst writer, BibTeX, CSL-JSON and hayagriva YAML import, and
//! every diagnostic format printing what they found. Nothing may panic.
//! `PROPTEST_CASES` sets how many cases each runs (default 256),
//! `DOSSIER_FUZZ_SEED` which.

use std::path::Path;

use dossier::args::DiagnosticFormat;
use dossier::check::{self, Options};
use dossier::diag::{Diagnostic, Files, Summary};
use dossier::interop;
use dossier::report::{self, Format};
use proptest::prelude::*;

const REGISTRY: &str = include_str!("../../sources.toml");
const REPORT: &str = include_str!("../../examples/1988-massacre/report.md");

const BIBTEX: &str = r#"@string{jo = "J.~Organomet. Chem."}
@article{a1, title = {The {LaTeX} Companion \emph{De Anima}}, author = {M{\"u}ller, J. and {\c{C}}elik, A.}, journal = jo, year = {2001}, pages = {1--10}, doi = {10.1234/x}}
@book{b2, title = "Book", editor = {Roe, R.}, date = {2003-04}, crossref = {a1}}
@online{c3, title = {Web}, url = {https://example.org/a?b=c}, urldate = {2020-01-02}}
"#;

const CSL_JSON: &str = r#"[{"id": "z1", "type": "article-journal", "title": "A <i>title</i> <span class=\"nocase\">CTAN</span>",
 "author": [{"family": "Doe", "given": "Jane"}, {"literal": "UN"}], "container-title": "Journal",
 "issued": {"date-parts": [[2001, 2, 3]]}, "DOI": "10.1/x", "URL": "https://example.org"},
 {"id": "z2", "type": "webpage", "title": "Page", "issued": {"raw": "1988"}, "accessed": {"date-parts": [["2020"]]}}]"#;

const HAYAGRIVA: &str = "h1:\n  type: article\n  title: Title\n  author: [\"Doe, Jane\"]\n  date: 2001-02\n  parent:\n    type: periodical\n    title: Journal\n  url: https://example.org\nh2:\n  type: web\n  title: { value: Page, short: P }\n";

/// Pieces the formats' syntax turns on, and some that break text apart.
const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "@",
    "\\",
    "*",
    "_",
    "`",
    "#",
    "$",
    "\"",
    "'",
    "=",
    ",",
    ";",
    ":",
    "-",
    "---",
    "+++",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "  ",
    "    ",
    "~~~",
    "```",
    "|",
    "^[",
    "[^n]",
    "[@toll-1988]",
    "@{",
    "[-@",
    "<!--",
    "-->",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "\u{202e}",
    "\u{85}",
    "é",
    "۳",
    "گزارش",
    "👍",
    "\u{301}",
    "[sources.x]",
    "[claims.y]",
    "evidence = [",
    "{ source = \"",
    "value = ",
    "date = ",
    "1e309",
    "-0",
    "9223372036854775808",
    "@article{",
    "title = {",
    "\"date-parts\": [[",
    "null",
    "true",
    "type: ",
    "  - ",
];

/// Random edits: at a place (a fraction of the text), insert, delete or
/// replace with a piece or a random string.
fn edits() -> impl Strategy<Value = Vec<(f64, u8, String)>> {
    let piece = prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[ -~]{0,12}",
    ];
    proptest::collection::vec((0.0..1.0f64, 0u8..3, piece), 1..12)
}

fn mutate(base: &str, edits: &[(f64, u8, String)]) -> String {
    let mut text = base.to_string();
    for (at, op, piece) in edits {
        let mut i = ((text.len() as f64) * at) as usize;
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        let end = text[i..]
            .char_indices()
            .nth(piece.chars().count().max(1))
            .map_or(text.len(), |(n, _)| i + n);
        match op {
            0 => text.insert_str(i, piece),
            1 => text.replace_range(i..end, ""),
            _ => text.replace_range(i..end, piece),
        }
    }
    text
}

/// Prints `diagnostics` in every format, as the commands would.
fn print_all(files: &Files, diagnostics: &[Diagnostic]) {
    let summary = Summary {
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
        reports: 1,
        citations: 0,
        claims: 0,
        sources: 0,
    };
    for format in [
        DiagnosticFormat::Human,
        DiagnosticFormat::Short,
        DiagnosticFormat::Json,
        DiagnosticFormat::Sarif,
        DiagnosticFormat::Github,
    ] {
        dossier::cmd::render(format, false, files, diagnostics, &summary).unwrap();
    }
}

fn options() -> Options {
    Options {
        unused: true,
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        internal: false,
    }
}

proptest! {
    // A fixed seed, so CI runs the same cases every time;
    // `DOSSIER_FUZZ_SEED` explores others.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("DOSSIER_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1988),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_registry_reader_takes_any_edit(edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, mutate(REGISTRY, &edits)).unwrap();
        let mut files = Files::new();
        if let Ok((registry, found)) = dossier::registry::load(&path, &[], &mut files) {
            let (diagnostics, _) = check::check(&registry, &[], &files, found, options());
            print_all(&files, &diagnostics);
        }
    }

    #[test]
    fn the_report_readers_and_writer_take_any_edit(edits in edits()) {
        let text = mutate(REPORT, &edits);
        for (name, format) in [("r.md", Format::Markdown), ("r.typ", Format::Typst)] {
            let mut files = Files::new();
            let id = files.add(Path::new(name), text.clone());
            let (report, diagnostics) = report::parse(id, format, &files);
            if format == Format::Markdown {
                dossier::render::markup::convert(&text, report.body_start, &report.groups, "");
            }
            print_all(&files, &diagnostics);
        }
    }

    #[test]
    fn every_import_format_takes_any_edit(edits in edits()) {
        for (format, base) in [
            (interop::Format::Bibtex, BIBTEX),
            (interop::Format::CslJson, CSL_JSON),
            (interop::Format::Hayagriva, HAYAGRIVA),
        ] {
            let text = mutate(base, &edits);
            let mut files = Files::new();
            let id = files.add(Path::new("library"), text.clone());
            match interop::read(format, id, &text) {
                Ok(records) => {
                    for record in &records {
                        let _ = interop::adjust_id(&record.id);
                    }
                }
                Err(diagnostics) => print_all(&files, &diagnostics),
            }
        }
    }
}

/// A BibLaTeX field value as libraries write them: well formed or not.
fn bib_value(field: &'static str) -> impl Strategy<Value = String> {
    let pieces: &'static [&'static str] = match field {
        "doi" => &[
            "10.1234/abc",
            "{10.1234}",
            "doi:10.1/x",
            "https://doi.org/10.5/y",
            "10.1234",
            "abc",
            "10.1000/{a}b",
        ],
        "isbn" => &[
            "978-0-306-40615-7",
            "0306406152",
            "978-0-306-40615-8",
            "12",
            "ISBN 0-306-40615-2",
        ],
        "url" => &[
            "https://example.org/a b",
            "example.org",
            "https://x.org/{y}",
            "ftp://f.org/z",
            "http://[::1]/",
            "https://ex.org/p?q=1#f",
        ],
        "date" => &[
            "2019",
            "2019-13",
            "May 2019",
            "",
            "2019-02-30",
            "2019/2020",
            "0000",
        ],
        "title" => &[
            "A {T}itle",
            "G{\\\"o}del",
            "$x^2$ and \\& co",
            "{{Braces}}",
            "Über \\emph{alles}",
            "}unbalanced{",
        ],
        _ => &[
            "{Amnesty International}",
            "Doe, J. and Roe, R.",
            "Müller, Jörg",
            "and",
            "{A} and {B}",
        ],
    };
    proptest::sample::select(pieces).prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("DOSSIER_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1988),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// What `import` writes, `check` accepts: a value the registry would
    /// refuse is left out (with a note), never written.
    #[test]
    fn import_writes_only_what_check_accepts(
        doi in bib_value("doi"),
        isbn in bib_value("isbn"),
        url in bib_value("url"),
        date in bib_value("date"),
        title in bib_value("title"),
        author in bib_value("author"),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let bib = dir.path().join("library.bib");
        std::fs::write(
            &bib,
            format!(
                "@article{{key,\n  title = {{{title}}},\n  author = {{{author}}},\n  date = {{{date}}},\n  \
                 doi = {{{doi}}},\n  isbn = {{{isbn}}},\n  url = {{{url}}},\n}}\n"
            ),
        )
        .unwrap();
        let registry = dir.path().join("sources.toml");
        let imported = dossier::cmd::import::run(&dossier::args::ImportArgs {
            file: bib,
            from: None,
            registry: dossier::args::RegistryArgs {
                registry: Some(registry.clone()),
                include_from: Vec::new(),
            },
        });
        if imported.is_err() || !registry.exists() {
            // Refused whole (the entry could not be read): nothing written.
            return Ok(());
        }
        let mut files = Files::new();
        let (loaded, found) = dossier::registry::load(&registry, &[], &mut files).unwrap();
        let (diagnostics, _) = check::check(&loaded, &[], &files, found, options());
        let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
        prop_assert!(
            errors.is_empty(),
            "{:?}\n{}",
            errors.iter().map(|d| &d.message).collect::<Vec<_>>(),
            std::fs::read_to_string(&registry).unwrap()
        );
    }
}
