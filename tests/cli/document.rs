//! What the reader holds: every Markdown construct as formatting, citation
//! syntax, both templates with the claims annex, styles by name and by file,
//! locale terms, Persian, and draft markers — all read back from the PDF.

use super::support::{Project, pdf_text};

/// Builds `report` in a copy of the features fixture with `args`; returns the text.
fn build(report: &str, args: &[&str]) -> String {
    let project = Project::from_fixture("features");
    let mut all = vec!["build", report, "-o", "out.pdf"];
    all.extend_from_slice(args);
    project.run(&all).expect(0);
    pdf_text(&project.read("out.pdf").unwrap())
}

#[test]
fn every_markdown_construct_becomes_formatting() {
    let text = build("report.md", &[]);
    for expected in [
        "RESTRICTED",
        "Every feature of a report",
        "Markdown, citations and scripts",
        "Jane Doe, Ali Rezaei · Example Watch · 21 November 2026",
        "A short abstract that the templates print under the title.",
        "Text with emphasis, strong and struck words, a link, inline code, and an escaped *asterisk*.",
        "1. First ordered item",
        "2. Second item with a nested list:",
        "• nested bullet one",
        "3. Third item",
        "A block quote from a witness, over two lines.",
        "Year Executions Source 1988 30,000 NCRI 1988 5,000 Amnesty",
        "let x = \"code block\";",
        "A footnote that cites (Amnesty International 2018, p. 3) and says more.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    for markup in [
        "**",
        "~~",
        "[^",
        "|---",
        "```",
        "> A block",
        "](",
        "![",
        "@diplomat",
    ] {
        assert!(!text.contains(markup), "raw markup {markup:?} in {text}");
    }
}

#[test]
fn citation_syntax_prefixes_locators_suffixes_and_forms() {
    let text = build("report.md", &[]);
    // A prefix inside the brackets, a claim expanded to two sources, a
    // second prefix, a locator and a suffix.
    assert!(
        text.contains("executed (see Amnesty International 2018, p. 12; Stevenson 2013, para. 2; also Amnesty International 2018, pp. 33-35, emphasis added)"),
        "{text}"
    );
    // In-text with a locator, and without the author.
    assert!(
        text.contains("Stevenson (2013, para. 9) calls Rouhani"),
        "{text}"
    );
    assert!(text.contains("Some say so (2013)."), "{text}");
    // nocite: in the bibliography, never cited in the text.
    assert!(
        text.contains("Berg, Anna van der. 2020. Memory and Mass Graves."),
        "{text}"
    );
    assert!(!text.contains("(Berg"), "{text}");
}

#[test]
fn web_sources_show_access_and_archive_and_organisations_stay_whole() {
    let text = build("report.md", &["--style", "apa"]);
    assert!(
        text.contains("Amnesty International. (2018). Blood-soaked secrets"),
        "{text}"
    );
    assert!(
        text.contains("Internet Archive (https://web.archive.org/web/"),
        "{text}"
    );
    assert!(
        text.contains("Retrieved November 21, 2026, from https://iran-hrm.com/letters"),
        "{text}"
    );
    assert!(!text.contains("International, A."), "{text}");
    let chicago = build("report.md", &[]);
    assert!(
        chicago
            .contains("Iran Human Rights Monitor. n.d. “Letters of the families of the executed ["),
        "{chicago}"
    );
    assert!(
        chicago.contains("Accessed November 21, 2026. https://iran-hrm.com/letters."),
        "{chicago}"
    );
}

#[test]
fn styles_by_name_and_by_file() {
    let notes = build("report.md", &["--style", "chicago-notes"]);
    // Note styles put citations in footnotes; the prefix stays before the mark.
    assert!(
        notes.contains("Thousands were executed see 1; also 2."),
        "{notes}"
    );
    assert!(
        notes.contains("Amnesty International, Blood-Soaked Secrets, pp. 33-35, emphasis added."),
        "{notes}"
    );
    let csl = build("report.md", &["--style", "brackets.csl"]);
    assert!(csl.contains("⟦see Amnesty International 2018 p. 12 | Stevenson 2013 para. 2 | also Amnesty International 2018 pp. 33-35, emphasis added⟧"), "{csl}");
    assert!(
        csl.contains("Amnesty International — Blood-soaked secrets"),
        "{csl}"
    );
}

#[test]
fn the_dossier_template_has_a_cover_contents_and_the_claims_annex() {
    let text = build("report.md", &["--template", "dossier"]);
    // The cover: classification band (letter-spaced), organisation, title.
    assert!(
        text.starts_with("R E S T R I C T E D EXAMPLE WATCH Every feature of a report"),
        "{text}"
    );
    assert!(text.contains("Contents 1 Findings"), "{text}");
    let annex = text.rsplit_once("Claims and evidence").expect("annex").1;
    // Each cited claim with its statement, credibility and evidence.
    assert!(annex.contains("toll-1988"), "{annex}");
    assert!(
        annex.contains(
            "Thousands of political prisoners were executed in 1988. Credibility: 2 (probably true)"
        ),
        "{annex}"
    );
    for cell in [
        "Source",
        "Where",
        "Excerpt",
        "Reports",
        "Reliability",
        "p. 12",
        "“at least 5,000 prisoners”",
        "“As many as 30,000 political prisoners or more”",
        "at least 30,000",
    ] {
        assert!(annex.contains(cell), "missing {cell:?} in {annex}");
    }
    // Disagreeing evidence shows each value and the recorded resolution.
    assert!(annex.contains("The sources disagree"), "{annex}");
    assert!(
        annex.contains("Resolution: attributed (each value is attributed to its source)"),
        "{annex}"
    );
    assert!(
        annex.contains("Rationale: Each title is reported with its source."),
        "{annex}"
    );
}

#[test]
fn languages_set_locale_terms_and_persian_shapes() {
    let french = build("french.md", &[]);
    assert!(french.contains("21 novembre 2026"), "{french}");
    assert!(
        french.contains("Iran Human Rights Monitor, s. d."),
        "{french}"
    );
    assert!(french.contains("Consulté le 21 novembre 2026"), "{french}");
    // Right-to-left text comes out of the PDF in visual order.
    let persian = build("persian.md", &[]);
    let rtl = |phrase: &str| {
        persian.contains(phrase) || persian.contains(&phrase.chars().rev().collect::<String>())
    };
    for phrase in ["منابع", "نوامبر", "بدون تاریخ", "تابستان", "یافته"]
    {
        assert!(rtl(phrase), "missing {phrase:?} in {persian}");
    }
}

#[test]
fn draft_builds_mark_unknown_ids_and_still_write() {
    let project = Project::from_fixture("features");
    project.write("draft.md", "---\ntitle: Draft\n---\nKnown [@toll-1988], unknown [@toll-198; @diplomat-2013] and @ghost.\n");
    let run = project.run(&["build", "draft.md"]).expect(1);
    assert!(
        run.stderr().contains("error[unknown-id]"),
        "{}",
        run.stderr()
    );
    assert!(project.read("draft.pdf").is_none());
    let run = project.run(&["build", "draft.md", "--draft"]).expect(0);
    assert!(
        run.stderr()
            .contains("warning[unknown-id]: no claim or source named `toll-198`"),
        "{}",
        run.stderr()
    );
    let text = pdf_text(&project.read("draft.pdf").unwrap());
    assert!(
        text.contains("unknown [?toll-198] (Stevenson 2013) and [?ghost]"),
        "{text}"
    );
    assert!(text.replace(' ', "").contains("DRAFT"), "{text}");
    // The same in a Typst report.
    project.write(
        "draft.typ",
        "Known @toll-1988 and unknown @ghost and #cite(<ghost2>).\n",
    );
    project.run(&["build", "draft.typ", "--draft"]).expect(0);
    let text = pdf_text(&project.read("draft.pdf").unwrap());
    assert!(text.contains("[?ghost] and [?ghost2]"), "{text}");
}

#[test]
fn a_copied_builtin_template_works_as_a_custom_one() {
    let project = Project::from_fixture("features");
    let run = project.run(&["template", "dossier"]).expect(0);
    project.write(
        "templates/mine.typ",
        &run.stdout().replace("Contents", "Inhalt"),
    );
    let run = project
        .run(&["build", "report.md", "--template", "templates/mine.typ"])
        .expect(0);
    assert!(
        run.stderr().contains("built report.pdf"),
        "{}",
        run.stderr()
    );
    let text = pdf_text(&project.read("report.pdf").unwrap());
    assert!(text.contains("Claims and evidence"), "{text}");
    let styles = project.run(&["styles"]).expect(0);
    assert!(
        styles
            .stdout()
            .lines()
            .any(|l| l.starts_with("chicago-author-date "))
    );
    project.run(&["template", "nope"]).expect(2);
}
