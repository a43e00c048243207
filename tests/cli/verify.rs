//! `dossier verify`: a built PDF checked against the evidence it carries,
//! and against the registry and captures when they are at hand.

use serde_json::Value;

use super::support::Project;

const REGISTRY: &str = r#"
[sources.focus]
title = "A massacre gone unpunished"
type = "article"
date = "2010"
authors = [{ org = "Iran Focus" }]

[claims.toll-1988]
statement = "Around 30,000 political prisoners were executed in 1988."
credibility = 3
evidence = [{ source = "focus", locator = "para. 4", quote = "Some 30,000 political prisoners were hanged", value = 30000 }]
"#;

/// A project with a captured source, built into `out.pdf`.
fn built() -> Project {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write(
        "page.txt",
        "Some 30,000 political prisoners were hanged in the summer.\n",
    );
    project.run(&["capture", "focus", "page.txt"]).expect(0);
    project.write(
        "report.md",
        "---\ntitle: Verified\n---\nAbout 30,000 were executed [@toll-1988].\n",
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    project
}

/// A diagnostic's code, line and column.
type Found = (String, Option<u64>, Option<u64>);

/// The exit code of `verify --format json`, and what it reports.
fn codes(project: &Project, args: &[&str]) -> (i32, Vec<Found>) {
    let mut all = vec!["verify", "out.pdf", "--format", "json"];
    all.extend_from_slice(args);
    let run = project.run(&all);
    let json: Value = serde_json::from_str(&run.stdout()).expect("JSON");
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64(),
                d["column"].as_u64(),
            )
        })
        .collect();
    (run.code(), found)
}

/// Rewrites the PDF with lopdf after `change` edits its objects.
fn rewritten(project: &Project, change: impl FnOnce(&mut lopdf::Document)) {
    let bytes = project.read("out.pdf").unwrap();
    let mut document = lopdf::Document::load_mem(&bytes).unwrap();
    change(&mut document);
    let mut out = Vec::new();
    document.save_to(&mut out).unwrap();
    std::fs::write(project.path().join("out.pdf"), out).unwrap();
}

/// The file specification of the attached evidence.
fn evidence_spec(document: &lopdf::Document) -> lopdf::ObjectId {
    document
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_dict().is_ok_and(|d| {
                d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Filespec".as_slice())
            })
        })
        .map(|(id, _)| *id)
        .expect("an attached file")
}

#[test]
fn an_intact_pdf_verifies_with_and_without_its_registry() {
    let project = built();
    let run = project.run(&["verify", "out.pdf"]).expect(0);
    assert!(
        run.stdout()
            .contains("0 errors, 0 warnings · 1 report · 1 citation · 1 claim · 1 source"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr()
            .contains("out.pdf is intact, and its evidence matches sources.toml"),
        "{}",
        run.stderr()
    );
    // Away from its registry, the PDF is checked against itself alone.
    let away = Project::new();
    std::fs::copy(project.path().join("out.pdf"), away.path().join("out.pdf")).unwrap();
    let run = away.run(&["verify", "out.pdf"]).expect(0);
    assert!(
        run.stderr().contains("no registry at hand"),
        "{}",
        run.stderr()
    );
    assert_eq!(codes(&away, &[]), (0, vec![]));
}

#[test]
fn a_changed_capture_fails_at_its_place_in_the_registry() {
    let project = built();
    let capture = std::fs::read_dir(project.path().join("captures"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&capture, "Some 3,000 prisoners were hanged.\n").unwrap();
    let (code, found) = codes(&project, &[]);
    assert_eq!(code, 1);
    let names: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["capture-mismatch", "quote-mismatch"], "{found:?}");
    // The capture line the registry gained from `dossier capture`, and the
    // quote in the claim's evidence.
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    let line = |needle: &str| {
        registry
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u64 + 1)
    };
    assert_eq!(found[0].1, line("capture = "));
    assert_eq!(found[1].1, line("quote = "));
    // The PDF alone is still intact.
    assert_eq!(codes(&project, &["--no-registry"]), (0, vec![]));
}

#[test]
fn a_claim_changed_since_the_build_is_named_with_what_changed() {
    let project = built();
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    project.write(
        "sources.toml",
        &registry.replace("credibility = 3", "credibility = 2"),
    );
    let line = 1 + registry
        .lines()
        .position(|l| l.starts_with("credibility"))
        .unwrap();
    let run = project
        .run(&["verify", "out.pdf", "--format", "short"])
        .expect(1);
    let expected = format!(
        "sources.toml:{line}:15: error[evidence-changed]: claim `toll-1988` has changed since `out.pdf` was built: credibility"
    );
    assert!(run.stdout().contains(&expected), "{}", run.stdout());
    // Confidential now: the public PDF names it, and must be withdrawn.
    project.write(
        "sources.toml",
        &registry.replace(
            "type = \"article\"",
            "type = \"article\"\nconfidential = true",
        ),
    );
    let run = project
        .run(&["verify", "out.pdf", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout()
            .contains("error[evidence-changed]: source `focus` is confidential now"),
        "{}",
        run.stdout()
    );
    // Removed from the registry.
    project.write(
        "sources.toml",
        &registry.replace("[claims.toll-1988]", "[claims.toll]"),
    );
    let (code, found) = codes(&project, &[]);
    assert_eq!(code, 1);
    assert!(
        found.contains(&("evidence-changed".into(), None, None)),
        "{found:?}"
    );
}

#[test]
fn a_pdf_whose_evidence_was_removed_or_replaced_is_not_intact() {
    let project = built();
    let pdf = project.read("out.pdf").unwrap();

    // Removed: the attachment is renamed away.
    rewritten(&project, |document| {
        let spec = evidence_spec(document);
        let dict = document
            .get_object_mut(spec)
            .unwrap()
            .as_dict_mut()
            .unwrap();
        dict.set("UF", lopdf::Object::string_literal("other.json"));
        dict.set("F", lopdf::Object::string_literal("other.json"));
    });
    let run = project.run(&["verify", "out.pdf"]).expect(1);
    assert!(
        run.stdout().contains("error[evidence-missing]"),
        "{}",
        run.stdout()
    );

    // Unlinked: the catalog no longer lists it, so no reader shows it.
    std::fs::write(project.path().join("out.pdf"), &pdf).unwrap();
    rewritten(&project, |document| {
        let catalog = document.catalog_mut().unwrap();
        catalog.remove(b"AF");
        catalog.remove(b"Names");
    });
    let run = project.run(&["verify", "out.pdf"]).expect(1);
    assert!(
        run.stdout().contains("error[evidence-missing]"),
        "{}",
        run.stdout()
    );

    // Replaced: the statement is edited inside the attached file.
    std::fs::write(project.path().join("out.pdf"), &pdf).unwrap();
    rewritten(&project, |document| {
        let spec = evidence_spec(document);
        let stream = document
            .get_object(spec)
            .and_then(|o| o.as_dict())
            .and_then(|d| d.get(b"EF"))
            .and_then(|ef| ef.as_dict())
            .and_then(|ef| ef.get(b"F"))
            .and_then(|f| f.as_reference())
            .unwrap();
        let stream = document
            .get_object_mut(stream)
            .unwrap()
            .as_stream_mut()
            .unwrap();
        let json = String::from_utf8(stream.decompressed_content().unwrap()).unwrap();
        assert!(json.contains("Around 30,000"), "{json}");
        stream.dict.remove(b"Filter");
        stream.set_content(json.replace("Around 30,000", "Around 3,000").into_bytes());
    });
    let (code, found) = codes(&project, &["--no-registry"]);
    assert_eq!(
        (code, found),
        (1, vec![("evidence-altered".into(), None, None)])
    );

    // Appended to: an incremental update after the build.
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let mut updated = lopdf::IncrementalDocument::create_from(pdf.clone(), document);
    updated
        .new_document
        .add_object(lopdf::Object::string_literal("a later revision"));
    let mut out = Vec::new();
    updated.save_to(&mut out).unwrap();
    std::fs::write(project.path().join("out.pdf"), out).unwrap();
    let run = project.run(&["verify", "out.pdf"]).expect(1);
    assert!(
        run.stdout().contains("was changed after it was built"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr().contains("out.pdf is not intact"),
        "{}",
        run.stderr()
    );
}

#[test]
fn what_is_not_a_built_pdf_is_refused() {
    let project = built();
    project.write("fake.pdf", "%PDF-1.7\nnot really\n");
    let run = project.run(&["verify", "fake.pdf"]).expect(2);
    assert!(
        run.stderr().contains("cannot read fake.pdf"),
        "{}",
        run.stderr()
    );
    project.run(&["verify", "missing.pdf"]).expect(2);
    // A PDF built under a standard that allows no attachment carries none.
    project
        .run(&[
            "build",
            "report.md",
            "-o",
            "a2.pdf",
            "--pdf-standard",
            "a-2b",
        ])
        .expect(0);
    let run = project.run(&["verify", "a2.pdf"]).expect(1);
    assert!(
        run.stdout().contains("error[evidence-missing]"),
        "{}",
        run.stdout()
    );
}

#[test]
fn verify_never_prints_a_confidential_line() {
    let project = built();
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    let secret = "they took the men to the yard at midnight";
    project.write(
        "sources.toml",
        &registry.replace(
            "value = 30000 }]",
            &format!(
                "value = 30000 }}, {{ source = \"witness\", quote = \"{secret}\" }}]\n\n\
                 [sources.witness]\ntitle = \"Interview\"\nconfidential = true\n"
            ),
        ),
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    // The public evidence changes on the line the secret shares.
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    project.write(
        "sources.toml",
        &registry.replace("locator = \"para. 4\"", "locator = \"para. 5\""),
    );
    for format in ["human", "short", "json", "sarif", "github"] {
        let run = project
            .run(&["verify", "out.pdf", "--format", format])
            .expect(1);
        assert!(
            run.stdout().contains("evidence-changed"),
            "{}",
            run.stdout()
        );
        assert!(
            !run.stdout().contains("midnight") && !run.stderr().contains("midnight"),
            "{format}: {}",
            run.stdout()
        );
    }
}
