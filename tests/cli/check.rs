//! `dossier check` on the fixture projects in `tests/data/check/`: each holds
//! a registry, reports and an `expected` file with the arguments, the exit
//! code and every diagnostic as `severity code file:line:column`.

use super::support::{data, dossier};

fn run_case(name: &str) {
    let dir = data("check").join(name);
    let expected = std::fs::read_to_string(dir.join("expected")).unwrap();
    let mut lines = expected.lines();
    let args: Vec<&str> = lines
        .next()
        .unwrap()
        .strip_prefix("args: ")
        .unwrap()
        .split_whitespace()
        .collect();
    let exit: i32 = lines
        .next()
        .unwrap()
        .strip_prefix("exit: ")
        .unwrap()
        .parse()
        .unwrap();
    let wanted: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();

    let output = dossier()
        .args(&args)
        .args(["--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{name}: {e}\n{}", String::from_utf8_lossy(&output.stderr)));
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}:{}",
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect();
    assert_eq!(found, wanted, "{name}: {json:#}");
    assert_eq!(output.status.code(), Some(exit), "{name}");
}

macro_rules! cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_case($dir);
            }
        )*
    };
}

cases! {
    syntax_in_the_registry => "syntax-registry",
    syntax_in_a_typst_report => "syntax-report",
    syntax_in_front_matter => "syntax-front-matter",
    invalid_fields => "invalid-field",
    invalid_source_details => "source-details",
    unknown_ids_in_markdown_and_typst => "unknown-id",
    duplicate_ids_across_files_and_kinds => "duplicate-id",
    duplicate_ids_within_one_file => "duplicate-id-same-file",
    unknown_sources => "unknown-source",
    claims_without_evidence => "no-evidence",
    conflicting_evidence_and_agreements => "conflicting-evidence",
    unused_claims_and_sources => "unused",
    registry_alone_reports_nothing_unused => "registry-only",
    a_clean_project_reports_nothing => "clean",
    duplicate_sources_by_url_doi_and_isbn => "duplicate-source",
    claims_from_a_single_camp => "single-origin",
    claims_on_weak_sources_only => "weak-evidence",
    dates_out_of_order_or_in_the_future => "date-order",
    captures_missing_or_changed => "capture-mismatch",
    quotes_not_in_their_capture => "quote-mismatch",
    figures_against_their_evidence => "figure-mismatch",
    figures_without_a_citation => "uncited-figure",
    registry_rules_change_severities => "rules",
    a_folder_of_reports_is_checked_together => "many",
}

#[test]
fn human_output_shows_the_line_and_the_help() {
    let dir = data("check/duplicate-id");
    let output = dossier()
        .args(["check", "report.md"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "error[duplicate-id]: `toll-1988` is defined both as a claim and as a source"
        ),
        "{text}"
    );
    assert!(text.contains("┌─ sources.toml:12:10"), "{text}");
    assert!(text.contains("[sources.toll-1988]"), "{text}");
    assert!(text.contains("first defined here"), "{text}");
    assert!(
        text.contains("2 errors, 0 warnings · 1 report · 1 citation · 1 claim · 1 source"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );
}

#[test]
fn a_missing_report_or_registry_cannot_run() {
    let dir = data("check/clean");
    let output = dossier()
        .args(["check", "nowhere.md"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read nowhere.md"));
    let output = dossier()
        .args(["check", "--registry", "missing.toml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read missing.toml"));
    let output = dossier()
        .args(["check", "notes.txt"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = dossier().args(["chek"]).current_dir(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}
