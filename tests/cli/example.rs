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

#[test]
fn the_example_is_filed_as_pdf_a_with_its_evidence_and_verifies() {
    // A copy of the example project: the registry, captures and reports.
    let project = super::support::Project::new();
    std::fs::copy(
        root().join("sources.toml"),
        project.path().join("sources.toml"),
    )
    .unwrap();
    for folder in ["captures", "examples/1988-massacre"] {
        let to = project.path().join(folder);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    project
        .run(&["build", "examples/1988-massacre/report.md", "-o", "out.pdf"])
        .expect(0);
    let pdf = project.read("out.pdf").unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("<pdfaid:part>3</pdfaid:part>")
            && text.contains("<pdfaid:conformance>A</pdfaid:conformance>")
            && text.contains("<pdfuaid:part>1</pdfuaid:part>")
    );
    let attached = super::support::attached(&pdf);
    assert_eq!(attached.len(), 1);
    let evidence: serde_json::Value = serde_json::from_slice(&attached[0].1).unwrap();
    assert_eq!(evidence["check"]["citations"], 50);
    // Every citation links into the document, none to an address.
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let links: Vec<&lopdf::Dictionary> = document
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Link".as_slice()))
        .collect();
    let inside = links.iter().filter(|d| d.get(b"Dest").is_ok()).count();
    assert!(inside >= 50, "{inside} links into the document");
    project.run(&["verify", "out.pdf"]).expect(0);
    // A capture changed after the build fails the PDF.
    let capture = project
        .path()
        .join("captures/diplomat-2013-af23a5e557ac.txt");
    let mut changed = std::fs::read_to_string(&capture).unwrap();
    changed.push_str("\nOne more line.\n");
    std::fs::write(&capture, changed).unwrap();
    let run = project
        .run(&["verify", "out.pdf", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().contains("error[capture-mismatch]"),
        "{}",
        run.stdout()
    );
}
