//! What guards the scan itself: the registry and captures by any name, rules
//! that cannot be lowered, internal names, languages, reports that write a
//! secret themselves, and public reports that only share common words.

use super::{layers, project};

#[test]
fn the_registry_and_captures_cannot_be_read_by_another_name() {
    let project = project("start.md", "Text [@mixed].\n");
    let transcript = "Interview transcript, tape 1: they came for us after midnight and took the men to the yard.\n";
    project.write("captures/w17.txt", transcript);
    let registry = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    let registry = registry.replace(
        "confidential = true",
        &format!(
            "confidential = true\ncapture = \"captures/w17.txt\"\nsha256 = \"{}\"",
            super::super::support::sha256(transcript.as_bytes())
        ),
    );
    project.write("sources.toml", &registry);
    std::fs::hard_link(
        project.path().join("sources.toml"),
        project.path().join("linked.toml"),
    )
    .unwrap();
    std::fs::copy(
        project.path().join("captures/w17.txt"),
        project.path().join("copy.txt"),
    )
    .unwrap();
    for (name, text) in [
        (
            "hard-link.typ",
            "#let r = toml(\"linked.toml\")\nText @mixed\n",
        ),
        ("copy.typ", "#let t = read(\"copy.txt\")\nText @mixed\n"),
        (
            "capture.typ",
            "#let t = read(\"captures/w17.txt\")\nText @mixed\n",
        ),
    ] {
        project.write(name, text);
        let run = project.run(&["build", name]).expect(1);
        assert!(
            run.stderr()
                .contains("is part of the registry or a capture"),
            "{name}: {}",
            run.stderr()
        );
        let pdf = name.replace(".typ", ".pdf");
        assert!(project.read(&pdf).is_none(), "{name}");
    }
}

#[test]
fn the_guarding_rules_cannot_be_lowered() {
    for (code, level) in [
        ("confidential-only", "allow"),
        ("confidential-leak", "warning"),
        ("confidential-leak", "allow"),
    ] {
        let project = project("direct.md", "The witness said so [@secret-w17].\n");
        let registry = format!(
            "[registry.rules]\n{code} = \"{level}\"\ninvalid-field = \"allow\"\n{}",
            super::REGISTRY
        );
        project.write("sources.toml", &registry);
        let run = project
            .run(&["build", "direct.md", "--format", "short"])
            .expect(1);
        let out = run.stdout();
        assert!(out.contains("error[confidential-only]"), "{code}: {out}");
        assert!(project.read("direct.pdf").is_none());
        project.write(
            "sources.toml",
            &registry.replace("invalid-field = \"allow\"\n", ""),
        );
        let run = project.run(&["check", "--format", "short"]).expect(1);
        assert!(
            run.stdout().contains(&format!(
                "error[invalid-field]: `{code}` protects confidential sources and cannot be lowered"
            )),
            "{}",
            run.stdout()
        );
    }
}

#[test]
fn an_internal_build_writes_only_an_internal_name() {
    let project = project("r.md", "Text [@mixed].\n");
    project.run(&["build", "r.md"]).expect(0);
    let public = project.read("r.pdf").unwrap();
    let run = project
        .run(&["build", "r.md", "--internal", "-o", "r.pdf"])
        .expect(2);
    assert!(
        run.stderr().contains("ends in .internal.pdf"),
        "{}",
        run.stderr()
    );
    assert_eq!(project.read("r.pdf").unwrap(), public);
    project
        .run(&["build", "r.md", "--internal", "-o", "copy.internal.pdf"])
        .expect(0);
    let internal = project.read("copy.internal.pdf").unwrap();
    // A public build never takes an internal name, given or linked.
    let run = project
        .run(&["build", "r.md", "-o", "copy.internal.pdf"])
        .expect(2);
    assert!(
        run.stderr()
            .contains("never writes to a file named .internal.pdf"),
        "{}",
        run.stderr()
    );
    #[cfg(unix)]
    {
        // Nor is a link a way round either rule.
        std::os::unix::fs::symlink("r.pdf", project.path().join("sneaky.internal.pdf")).unwrap();
        project
            .run(&["build", "r.md", "--internal", "-o", "sneaky.internal.pdf"])
            .expect(2);
        std::os::unix::fs::symlink("copy.internal.pdf", project.path().join("out.pdf")).unwrap();
        project.run(&["build", "r.md", "-o", "out.pdf"]).expect(2);
    }
    assert_eq!(project.read("r.pdf").unwrap(), public);
    assert_eq!(project.read("copy.internal.pdf").unwrap(), internal);
}

#[test]
fn public_reports_sharing_common_words_with_a_secret_still_build() {
    let project = project(
        "fine.md",
        "The testimony of a witness [@mixed] was heard; witnesses gave testimony \
         about the yard, after midnight, and about the men. Record W-0171 and \
         AW-017 are other files. The river is near.\n",
    );
    let (before, after) = layers(&project, "fine.md");
    assert!(before.is_empty(), "{before:?}");
    assert!(after.is_empty(), "{after:?}");
    project.run(&["build", "fine.md"]).expect(0);
}

#[test]
fn front_matter_languages_are_what_typst_takes() {
    let project = project("de.md", "---\ntitle: T\nlang: de-CH\n---\nText [@mixed].\n");
    project.run(&["build", "de.md"]).expect(0);
    project.write(
        "zh.md",
        "---\ntitle: T\nlang: zh-Hant-TW\n---\nText [@mixed].\n",
    );
    project.run(&["build", "zh.md"]).expect(0);
    project.write(
        "es.md",
        "---\ntitle: T\nlang: es-419\n---\nText [@mixed].\n",
    );
    project.run(&["build", "es.md"]).expect(0);
    project.write(
        "bad.md",
        "---\ntitle: T\nlang: english\n---\nText [@mixed].\n",
    );
    let run = project
        .run(&["build", "bad.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout()
            .contains("bad.md:3:7: error[invalid-field]: front matter `lang` must be a BCP 47 tag"),
        "{}",
        run.stdout()
    );
}

#[test]
fn check_refuses_a_report_that_writes_a_secret_itself() {
    let project = project(
        "wrap.md",
        "Moved at night [@mixed], as the Testimony of\nwitness *Quill*feather W-017 says.\n",
    );
    let run = project
        .run(&["check", "wrap.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    assert!(
        out.contains("wrap.md:1:33: error[confidential-leak]: the title of confidential source `secret-w17` would reach the reader through the report's text"),
        "{out}"
    );
    assert!(!out.contains("Quillfeather"), "{out}");
    // The human format gives the place, never the line.
    let run = project.run(&["check", "wrap.md"]).expect(1);
    assert!(run.stdout().contains("wrap.md:1:33"), "{}", run.stdout());
    assert!(!run.stdout().contains("Testimony of"), "{}", run.stdout());
    project.run(&["check", "wrap.md", "--internal"]).expect(0);
}
