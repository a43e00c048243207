//! The citations dossier reads in Markdown against those Pandoc 2.17 reads
//! in the same text: the Markdown of Pandoc's own test files and cases of our
//! own, with Pandoc's keys recorded by `tests/data/pandoc/record.py`.

use std::collections::BTreeMap;

use dossier::diag::{Code, Files};
use dossier::report::{self, Format, Mode};
use serde_json::Value;

/// Each key with how it is cited, counted: Pandoc's names for the modes.
type Keys = BTreeMap<(String, &'static str), usize>;

fn pandoc_mode(mode: &str) -> &'static str {
    match mode {
        "AuthorInText" => "AuthorInText",
        "SuppressAuthor" => "SuppressAuthor",
        _ => "NormalCitation",
    }
}

fn ours(markdown: &str) -> (Keys, Keys, Vec<String>) {
    let mut files = Files::new();
    let file = files.add("r.md".as_ref(), markdown.into());
    let (report, diagnostics) = report::parse(file, Format::Markdown, &files);
    let mut body = Keys::new();
    for citation in report.citations() {
        let mode = match citation.mode {
            Mode::InText => "AuthorInText",
            Mode::SuppressAuthor => "SuppressAuthor",
            Mode::Normal | Mode::Nocite => "NormalCitation",
        };
        *body.entry((citation.id.clone(), mode)).or_default() += 1;
    }
    let mut nocite = Keys::new();
    for citation in &report.nocite {
        *nocite
            .entry((citation.id.clone(), "NormalCitation"))
            .or_default() += 1;
    }
    // Keys in other front-matter fields are errors at the key.
    let refused = diagnostics
        .iter()
        .filter(|d| d.code == Code::InvalidField && d.message.contains("holds a citation"))
        .filter_map(|d| d.span.as_ref())
        .map(|s| {
            markdown[s.range.clone()]
                .trim_start_matches('@')
                .to_string()
        })
        .collect();
    (body, nocite, refused)
}

#[test]
fn reads_every_key_pandoc_reads_and_no_other() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/pandoc/citations.json"
    );
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut keys = 0;
    for case in &cases {
        let markdown = case["markdown"].as_str().unwrap();
        let mut body = Keys::new();
        for key in case["keys"].as_array().unwrap() {
            let mode = pandoc_mode(key["mode"].as_str().unwrap());
            *body
                .entry((key["id"].as_str().unwrap().to_string(), mode))
                .or_default() += 1;
            keys += 1;
        }
        let mut nocite = Keys::new();
        let mut elsewhere = Vec::new();
        for key in case["meta"].as_array().unwrap() {
            let id = key["id"].as_str().unwrap().to_string();
            if key["field"] == "nocite" {
                *nocite.entry((id, "NormalCitation")).or_default() += 1;
            } else {
                elsewhere.push(id);
            }
            keys += 1;
        }
        elsewhere.sort();
        let (our_body, our_nocite, mut refused) = ours(markdown);
        refused.sort();
        if (our_body.clone(), our_nocite.clone(), refused.clone())
            != (body.clone(), nocite.clone(), elsewhere.clone())
        {
            failures.push(format!(
                "{}: {markdown:?}\n  Pandoc: {body:?} nocite {nocite:?} refused {elsewhere:?}\n  dossier: {our_body:?} nocite {our_nocite:?} refused {refused:?}",
                case["origin"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs read otherwise than by Pandoc:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // The corpus is what it claims to be.
    assert!(
        cases.len() >= 140 && keys >= 450,
        "{} inputs, {keys} keys",
        cases.len()
    );
}
