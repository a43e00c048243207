//! `dossier build`: the PDF's text read back, determinism, and that a failed
//! build writes nothing and leaves the previous PDF as it was.

use super::support::{Project, pdf_text};

#[test]
fn claims_expand_to_their_sources_and_the_bibliography_lists_exactly_those_cited() {
    let project = Project::from_fixture("build");
    project.run(&["build", "report.md"]).expect(0);
    let text = pdf_text(&project.read("report.pdf").expect("report.pdf written"));
    // The claim became the citations of its evidence, each with its locator.
    assert!(
        text.contains("executed (Amnesty International 2018, p. 12; Stevenson 2013, para. 2)"),
        "{text}"
    );
    // Author left out, and an in-text citation with its locator.
    assert!(
        text.contains("The Diplomat piece (2013, para. 9)"),
        "{text}"
    );
    assert!(
        text.contains("so does Amnesty International (2018, p. 3)"),
        "{text}"
    );
    // Citations of one author are brought together without losing the
    // title of the unsigned source between them.
    assert!(text.contains("Sources apart (Stevenson 2013, para. 2; 2013, para. 4; “Call for Prosecution” 2016, para. 1)"), "{text}");
    // The bibliography: the cited sources, not the uncited one.
    let bibliography = text
        .rsplit_once(" Sources ")
        .map(|(_, b)| b)
        .unwrap_or_default();
    assert!(
        bibliography.contains("Amnesty International. 2018. Blood-Soaked Secrets."),
        "{text}"
    );
    assert!(
        bibliography.contains("“Iran: Call for Prosecution of Perpetrators.” 2016."),
        "{text}"
    );
    assert!(bibliography.contains("Stevenson, Struan. 2013. “The Forgotten Mass Execution of Prisoners in Iran in 1988.” The Diplomat"), "{text}");
    assert!(!text.contains("Nobody Cites"), "{text}");
    // Front matter and Markdown formatting, with no markup left over.
    assert!(
        text.starts_with("Executions of 1988 A test briefing Jane Doe · Example Watch"),
        "{text}"
    );
    assert!(
        text.contains("Characters like #, $, <, > and @ stay text."),
        "{text}"
    );
    assert!(
        !text.contains("**") && !text.contains("[@") && !text.contains("*list"),
        "{text}"
    );
}

#[test]
fn typst_reports_cite_claims_and_sources() {
    let project = Project::from_fixture("build");
    project
        .run(&["build", "report.typ", "-o", "typst.pdf"])
        .expect(0);
    let text = pdf_text(&project.read("typst.pdf").unwrap());
    assert!(text.contains("Executions of 1988 in Typst"), "{text}");
    assert!(
        text.contains("executed (Amnesty International 2018, p. 12; Stevenson 2013, para. 2)"),
        "{text}"
    );
    assert!(
        text.contains("See Section 1 and (Stevenson 2013, para. 9)"),
        "{text}"
    );
    assert!(!text.contains("Nobody Cites"), "{text}");
}

#[test]
fn typst_runs_of_citations_are_one_group_and_errors_keep_their_place() {
    let project = Project::from_fixture("build");
    project.write(
        "runs.typ",
        "Executed @toll-1988 @anon-2016[p. 3]. Cabled @diplomat-2013[_para._ 9];x.\n",
    );
    project.run(&["build", "runs.typ"]).expect(0);
    let text = pdf_text(&project.read("runs.pdf").unwrap());
    assert!(
        text.contains(
            "Executed (Amnesty International 2018, p. 12; Stevenson 2013, para. 2; “Call for Prosecution” 2016, p. 3)."
        ),
        "{text}"
    );
    // A supplement with markup is Typst's to print; the text after stays.
    assert!(
        text.contains("Cabled (Stevenson 2013, para. 9);x."),
        "{text}"
    );

    // An error after a citation is shown where the author wrote it.
    project.write(
        "broken.typ",
        "/*---\ntitle: T\n---*/\nSee @toll-1988 and\n  #nothing-here() @anon-2016.\n",
    );
    let run = project
        .run(&["build", "broken.typ", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout()
            .contains("broken.typ:5:4: error[compile]: unknown variable: nothing-here"),
        "{}",
        run.stdout()
    );
    assert!(project.read("broken.pdf").is_none());
}

#[test]
fn identical_inputs_give_identical_bytes() {
    let project = Project::from_fixture("build");
    project
        .run(&["build", "report.md", "-o", "first.pdf"])
        .expect(0);
    project
        .run(&["build", "report.md", "-o", "second.pdf"])
        .expect(0);
    assert_eq!(project.read("first.pdf"), project.read("second.pdf"));
}

#[test]
fn the_date_comes_from_source_date_epoch_then_front_matter() {
    let project = Project::from_fixture("build");
    let run = |extra: &[(&str, &str)]| {
        let mut command = super::support::dossier();
        command
            .args(["build", "report.md", "-o", "dated.pdf"])
            .current_dir(project.path());
        for (k, v) in extra {
            command.env(k, v);
        }
        assert!(command.status().unwrap().success());
        (
            pdf_text(&project.read("dated.pdf").unwrap()),
            project.read("dated.pdf").unwrap(),
        )
    };
    let (text, epoch_bytes) = run(&[("SOURCE_DATE_EPOCH", "1700000000")]);
    assert!(text.contains("14 November 2023"), "{text}");
    let (_, again) = run(&[("SOURCE_DATE_EPOCH", "1700000000")]);
    assert_eq!(epoch_bytes, again);
    let report = std::fs::read_to_string(project.path().join("report.md")).unwrap();
    project.write(
        "report.md",
        &report.replace("organisation:", "date: 2025-03-01\norganisation:"),
    );
    let (text, _) = run(&[]);
    assert!(text.contains("1 March 2025"), "{text}");
}

#[test]
fn a_failed_build_leaves_the_previous_pdf_byte_for_byte() {
    let project = Project::from_fixture("build");
    project.run(&["build", "report.md"]).expect(0);
    let before = project.read("report.pdf").unwrap();
    let report = std::fs::read_to_string(project.path().join("report.md")).unwrap();

    // A broken citation: the check stops the build.
    project.write("report.md", &report.replace("[@toll-1988]", "[@toll-198]"));
    let run = project.run(&["build", "report.md"]).expect(1);
    assert!(
        run.stderr()
            .contains("error[unknown-id]: no claim or source named `toll-198`"),
        "{}",
        run.stderr()
    );
    assert_eq!(project.read("report.pdf").unwrap(), before);

    // A document Typst cannot compile: an image that does not exist.
    project.write("report.md", &format!("{report}\n![chart](missing.png)\n"));
    let run = project.run(&["build", "report.md"]).expect(1);
    assert!(run.stderr().contains("report.md:17:1"), "{}", run.stderr());
    assert_eq!(project.read("report.pdf").unwrap(), before);

    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

#[test]
fn styles_come_from_the_command_line_and_unknown_ones_are_refused() {
    let project = Project::from_fixture("build");
    project
        .run(&["build", "report.md", "--style", "ieee", "-o", "ieee.pdf"])
        .expect(0);
    let text = pdf_text(&project.read("ieee.pdf").unwrap());
    assert!(
        text.contains("executed [1, p. 12], [2, para. 2]")
            || text.contains("executed [1, p. 12; 2, para. 2]"),
        "{text}"
    );
    let run = project
        .run(&["build", "report.md", "--style", "chicago-author-dat"])
        .expect(2);
    assert!(
        run.stderr().contains("did you mean `chicago-author-date`?"),
        "{}",
        run.stderr()
    );
    assert!(project.read("report.pdf").is_none());
}
