//! What each command does with a registry that has errors: one policy for
//! all, and never silence.

use super::support::Project;

const VALID: &str = r#"
[sources.focus]
title = "A massacre gone unpunished"
type = "article"
date = "2010"
url = "https://www.iranfocus.com/en/a"
"#;

#[test]
fn export_list_and_show_refuse_a_registry_that_does_not_parse() {
    let project = Project::new();
    project.write("sources.toml", &format!("{VALID}\n[sources.broken\n"));
    for args in [
        &["export", "--format", "csl-json"][..],
        &["list", "sources"],
        &["show", "focus"],
    ] {
        let run = project.run(args).expect(1);
        assert!(run.stdout().is_empty(), "{args:?}: {}", run.stdout());
        assert!(
            run.stderr().contains("error[syntax]"),
            "{args:?}: {}",
            run.stderr()
        );
    }
}

#[test]
fn export_refuses_a_field_it_would_drop_and_the_others_say_so() {
    let project = Project::new();
    project.write(
        "sources.toml",
        &VALID.replace("https://www.iranfocus.com/en/a", "not a url"),
    );
    // An export would leave the broken address out without a word.
    let run = project.run(&["export", "--format", "csl-json"]).expect(1);
    assert!(run.stdout().is_empty(), "{}", run.stdout());
    assert!(
        run.stderr().contains("error[invalid-field]"),
        "{}",
        run.stderr()
    );
    // Listing and showing go on, and say what is wrong.
    for args in [&["list", "sources"][..], &["show", "focus"]] {
        let run = project.run(args).expect(0);
        assert!(run.stdout().contains("focus"), "{args:?}: {}", run.stdout());
        assert!(
            run.stderr().contains("error[invalid-field]"),
            "{args:?}: {}",
            run.stderr()
        );
    }
    // A valid registry exports without a word on standard error.
    project.write("sources.toml", VALID);
    let run = project.run(&["export", "--format", "csl-json"]).expect(0);
    assert!(run.stdout().contains("iranfocus"), "{}", run.stdout());
    assert!(run.stderr().is_empty(), "{}", run.stderr());
}

#[test]
fn a_style_that_cannot_be_used_stops_the_build_whatever_the_rules_say() {
    let project = Project::new();
    project.write(
        "sources.toml",
        &format!("[registry.rules]\ninvalid-field = \"allow\"\n{VALID}"),
    );
    project.write(
        "report.md",
        "---\ntitle: T\nstyle: no-such-style\n---\nText [@focus].\n",
    );
    for draft in [false, true] {
        let mut args = vec!["build", "report.md", "--format", "short"];
        if draft {
            args.push("--draft");
        }
        let run = project.run(&args).expect(1);
        assert!(
            run.stdout().contains("report.md:3:8: error[invalid-field]"),
            "draft {draft}: {}{}",
            run.stdout(),
            run.stderr()
        );
        assert!(project.read("report.pdf").is_none());
    }
    // `check` says so too.
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().contains("error[invalid-field]"),
        "{}",
        run.stdout()
    );
}

/// `export` refuses what `check` would call an error in the registry
/// alone (evidence naming no source, a claim without evidence), and lets
/// `[registry.rules]` lower it as `check` does.
#[test]
fn export_refuses_every_error_check_finds_in_the_registry() {
    let project = Project::new();
    let broken = format!(
        "{VALID}\n[claims.c]\nstatement = \"x\"\nevidence = [{{ source = \"nope\" }}]\n\n[claims.empty]\nstatement = \"y\"\n"
    );
    project.write("sources.toml", &broken);
    let run = project.run(&["export", "--format", "bibtex"]).expect(1);
    assert!(run.stdout().is_empty(), "{}", run.stdout());
    for code in ["error[unknown-source]", "error[no-evidence]"] {
        assert!(run.stderr().contains(code), "{code}: {}", run.stderr());
    }
    let lowered = broken.replacen(
        "[sources.",
        "[registry.rules]\nunknown-source = \"warning\"\nno-evidence = \"allow\"\n\n[sources.",
        1,
    );
    project.write("sources.toml", &lowered);
    let run = project.run(&["export", "--format", "bibtex"]).expect(0);
    assert!(run.stdout().contains("focus"), "{}", run.stdout());
    assert!(
        run.stderr().contains("warning[unknown-source]"),
        "{}",
        run.stderr()
    );
}
