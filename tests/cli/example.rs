//! The example dossier: the README's first command must work from the
//! repository root, and the briefing must read as text, not markup.

use std::path::Path;

use super::support::{dossier, pdf_text};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_example_checks_clean() {
    let output = dossier()
        .args([
            "check",
            "examples/1988-massacre/report.md",
            "--format",
            "json",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 0, "{json:#}");
    assert!(json["summary"]["claims"].as_u64().unwrap() >= 12);
    assert_eq!(json["summary"]["sources"], 5);
    // The only warnings it deserves: every claim rests on one camp.
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(json["summary"]["warnings"], json["summary"]["claims"]);
    assert!(
        diagnostics.iter().all(|d| d["code"] == "single-origin"),
        "{json:#}"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_chronology_states_only_figures_its_claims_give() {
    let output = dossier()
        .args([
            "check",
            "examples/1988-massacre/chronology.md",
            "--format",
            "json",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 0, "{json:#}");
    // One report does not cite every claim; nothing else is wrong with it.
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] == "single-origin" || d["code"] == "unused-claim"),
        "{json:#}"
    );
    assert!(json["summary"]["citations"].as_u64().unwrap() >= 15);
}

#[test]
fn the_example_builds_into_a_briefing() {
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("briefing.pdf");
    let output = dossier()
        .args(["build", "examples/1988-massacre/report.md", "-o"])
        .arg(&pdf)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = pdf_text(&std::fs::read(&pdf).unwrap());
    assert!(
        text.starts_with("The 1988 prison massacres in Iran"),
        "{text}"
    );
    assert!(text.contains("Deputy Commander-in-chief"), "{text}");
    assert!(
        text.contains("assistant to the deputy Commander-in-Chief"),
        "{text}"
    );
    assert!(text.contains("Sources"), "{text}");
    assert!(text.contains("Stevenson, Struan. 2013."), "{text}");
    assert!(!text.contains("[@") && !text.contains("**"), "{text}");
}
