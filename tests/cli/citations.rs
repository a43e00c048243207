//! No citation is lost from the command line: IDs in any script and with
//! Pandoc's punctuation through check, build, list, show and export;
//! `nocite`; citations dossier cannot print are errors at the key; Typst
//! reports' included files checked and built.

use super::support::{Project, pdf_text};

const REGISTRY: &str = r#"
[sources."گزارش-۱۳۶۷"]
title = "Report on 1988"
type = "report"
date = "2017"
authors = ["Amnesty International"]

[sources."averroes/bland"]
title = "On the Bland"
type = "book"
date = "2001"
authors = ["Averroes, Ibn"]

[sources."a+b"]
title = "Plus"
type = "article"
date = "2010"
authors = ["Doe, Jane"]

[sources.extra]
title = "Listed through nocite"
type = "web"
url = "https://example.org/extra"

[claims."пункт3"]
statement = "Thousands were executed in summer 1988."
sources = ["گزارش-۱۳۶۷"]
"#;

fn project() -> Project {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project
}

#[test]
fn ids_in_any_script_and_with_punctuation_go_through_every_command() {
    let project = project();
    project.write(
        "report.md",
        "---\ntitle: IDs\nnocite: \"@*\"\n---\n\nThe report [@گزارش-۱۳۶۷, pp. 33-35, 38-39 and *passim*], \
         @averroes/bland [p. 4] and [see @a+b; -@пункт3]. Also «@пункт3».\n",
    );
    let check = project.run(&["check", "report.md"]).expect(0);
    assert!(
        check.stdout().contains("0 errors, 0 warnings"),
        "{}",
        check.stdout()
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let text = pdf_text(&project.read("out.pdf").unwrap());
    for shown in [
        "Amnesty International 2017, pp. 33-35, 38-39, and passim",
        "Averroes (2001, p. 4)",
        "see Doe 2010; 2017",
        "Listed Through Nocite",
    ] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
    let show = project.run(&["show", "averroes/bland"]).expect(0);
    assert!(show.stdout().contains("On the Bland"));
    let show = project.run(&["show", "пункт3"]).expect(0);
    assert!(
        show.stdout().contains("evidence from گزارش-۱۳۶۷"),
        "{}",
        show.stdout()
    );
    let list = project.run(&["list", "sources"]).expect(0);
    assert!(list.stdout().contains("averroes/bland") && list.stdout().contains("گزارش-۱۳۶۷"));
    let bib = project.run(&["export", "--format", "bibtex"]).expect(0);
    assert!(
        bib.stdout().contains("@book{averroes/bland,"),
        "{}",
        bib.stdout()
    );
    let csl = project.run(&["export", "--format", "csl-json"]).expect(0);
    assert!(csl.stdout().contains("\"id\": \"a+b\""));
}

#[test]
fn a_key_dossier_cannot_take_is_an_error_at_the_key() {
    let project = project();
    project.write(
        "report.md",
        "---\ntitle: \"On @a+b\"\nnocite: |\n  @extra, @nowhere\n---\n\nBody @* and @{x=y} [@*x].\n\n<div>\nSee @extra.\n</div>\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    for line in [
        "report.md:2:12: error[invalid-field]: front matter `title` holds a citation of `a+b`",
        "report.md:4:11: error[unknown-id]: no claim or source named `nowhere`",
        "report.md:7:6: error[unknown-id]: no claim or source named `*`",
        "report.md:7:13: error[unknown-id]: no claim or source named `x=y`",
        "report.md:7:21: error[unknown-id]: no claim or source named `*x`",
        "report.md:10:5: error[syntax]: `@extra` in raw HTML is printed as written",
    ] {
        assert!(out.contains(line), "{line}\nin\n{out}");
    }
    let json = project
        .run(&["check", "report.md", "--format", "json"])
        .expect(1);
    assert!(
        json.stdout().contains("`=` cannot be part of an ID"),
        "{}",
        json.stdout()
    );
}

#[test]
fn markup_that_hides_a_citation_from_one_reader_is_an_error_at_the_key() {
    let project = project();
    project.write(
        "report.md",
        "Said *so*@extra.\n\nClaim.[^n](@extra) more.\n\n[^n]: Note.\n\n~~~ python title=\"x\"\nSee @extra.\n~~~\n\n<!-- never closed\n\nLater [@extra].\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    for line in [
        "report.md:1:10: error[syntax]: `@extra` right after emphasis is not read as a citation",
        "report.md:3:12: error[syntax]: `@extra` is the destination of a link, not a citation",
        "report.md:8:5: error[syntax]: `@extra` is in a code block that Pandoc reads as text",
        "report.md:13:8: error[syntax]: `@extra` follows `<!--`, which is never closed",
    ] {
        assert!(out.contains(line), "{line}\nin\n{out}");
    }
}

/// Where CommonMark's blocks and Pandoc's part ways, a key Pandoc reads is
/// never lost: fence lines, unclosed fences, indented lines Pandoc
/// continues, link definitions, and braced keys with separators Pandoc's
/// `isSpace` does not count as space.
#[test]
fn blocks_the_two_readers_part_on_never_lose_a_key() {
    let project = project();
    project.write(
        "report.md",
        "~~~ python title=\"x\" [@extra]\nbody\n~~~\n\n\
         >\n     lazy @extra\n\n\
         [@extra]: https://example.org \"@extra\"\n\n\
         x @{a\u{2028}b} and @{c\rd}.\n\n\
         Code:\n\n    @decorator\n\n\
         ```\n@inside\n```\n\n\
         ~~~ two words\n@extra\n~~~\n\n\
         ~~~ [@extra]\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    for line in [
        "report.md:1:23: error[syntax]: `@extra` is in a code block that Pandoc reads as text",
        "report.md:6:11: error[syntax]: `@extra` is in a code block that Pandoc reads as text",
        "report.md:8:2: error[syntax]: `@extra` is in a link reference definition, which is not printed",
        "report.md:8:32: error[syntax]: `@extra` is in a link reference definition, which is not printed",
        "report.md:10:3: error[unknown-id]: no claim or source named",
        "report.md:10:14: error[unknown-id]: no claim or source named",
        "report.md:25:6: error[syntax]: `@extra` is in a code block that Pandoc reads as text",
        "report.md:22:1: error[syntax]: `@extra` is in a code block that Pandoc reads as text",
    ] {
        assert!(out.contains(line), "{line}\nin\n{out}");
    }
    // Code both readers agree on stays code.
    assert!(
        !out.contains("decorator") && !out.contains("inside"),
        "{out}"
    );
    assert_eq!(out.matches("error[").count(), 8, "{out}");
}

#[test]
fn positions_count_every_line_ending_and_no_byte_order_mark() {
    let project = project();
    // A byte order mark, a rule rather than front matter, lone CRs.
    project.write(
        "report.md",
        "\u{feff}---\n\nSee @nowhere.\rAnd @nowhere2.\r\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    for line in [
        "report.md:3:5: error[unknown-id]: no claim or source named `nowhere`",
        "report.md:4:5: error[unknown-id]: no claim or source named `nowhere2`",
    ] {
        assert!(out.contains(line), "{line}\nin\n{out}");
    }
    project.write("bom.md", "\u{feff}See @nowhere.\n");
    let run = project
        .run(&["check", "bom.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().contains("bom.md:1:5: error[unknown-id]"),
        "{}",
        run.stdout()
    );
}

#[test]
fn check_refuses_a_style_or_template_a_build_could_not_use() {
    let project = project();
    project.write(
        "report.md",
        "---\nstyle: chicago-autor-date\ntemplate: nope\n---\n\nSee @extra.\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    assert!(
        out.contains("report.md:2:8: error[invalid-field]: unknown style `chicago-autor-date`"),
        "{out}"
    );
    assert!(
        out.contains("report.md:3:11: error[invalid-field]: unknown template `nope`"),
        "{out}"
    );
}

#[test]
fn registry_ids_follow_pandocs_keys() {
    let project = Project::new();
    project.write(
        "sources.toml",
        "[sources.\"a--b\"]\ntitle = \"x\"\n\n[sources.\"a.\"]\ntitle = \"y\"\n\n[sources._ok_]\ntitle = \"z\"\n",
    );
    project.write("r.md", "[@_ok_]\n");
    let run = project
        .run(&["check", "r.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    assert!(
        out.contains(
            "sources.toml:1:10: error[invalid-field]: invalid ID `a--b`: `-` may only stand between"
        ),
        "{out}"
    );
    assert!(
        out.contains("sources.toml:4:10: error[invalid-field]: invalid ID `a.`"),
        "{out}"
    );
    assert!(!out.contains("_ok_"), "{out}");
}

#[test]
fn typst_includes_are_checked_and_built() {
    let project = project();
    project.write(
        "main.typ",
        "#set heading(numbering: \"1.\")\n= Main\nSee #cite(label(\"averroes/bland\"), supplement: [*p.* 4]).\n#include \"parts/one.typ\"\n",
    );
    project.write(
        "parts/one.typ",
        "== One <one>\nIncluded @пункт3[p. 2] and @one and #include \"/parts/two.typ\"\n",
    );
    project.write("parts/two.typ", "Two cites @missing and @extra.\n");
    let run = project
        .run(&["check", "main.typ", "--format", "short"])
        .expect(1);
    assert_eq!(
        run.stdout()
            .lines()
            .filter(|l| l.contains(": error"))
            .collect::<Vec<_>>(),
        ["parts/two.typ:1:11: error[unknown-id]: no claim or source named `missing`"],
        "{}",
        run.stdout()
    );
    project.write(
        "parts/two.typ",
        "Two cites #cite(label(\"a+b\")) and @extra.\n",
    );
    project
        .run(&["build", "main.typ", "-o", "out.pdf"])
        .expect(0);
    let text = pdf_text(&project.read("out.pdf").unwrap());
    for shown in [
        "(Averroes 2001, p. 4)",
        "(Amnesty International 2017, p. 2)",
        "(Doe 2010)",
    ] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
    project.write(
        "main.typ",
        "#let p = \"parts/one.typ\"\n#include p\n#include \"gone.typ\"\n",
    );
    let run = project
        .run(&["check", "main.typ", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout()
            .contains("main.typ:2:10: error[syntax]: `#include` of a computed path"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stdout()
            .contains("main.typ:3:10: error[syntax]: cannot read `gone.typ`"),
        "{}",
        run.stdout()
    );
}

/// A Typst label computed when the document runs is not half-read as the
/// first string in it: it is an error at the call.
#[test]
fn a_computed_typst_label_is_an_error_not_a_wrong_key() {
    let project = project();
    project.write(
        "report.typ",
        "#cite(label(\"ext\" + \"ra\"))\n#cite(label(\"extra\"))\n",
    );
    let run = project
        .run(&["check", "report.typ", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    assert!(
        out.contains("report.typ:1:7: error[syntax]: a label computed when the document runs cannot be checked as a citation"),
        "{out}"
    );
    assert!(!out.contains("`ext`"), "{out}");
    assert!(out.contains("1 citation"), "{out}");
}

/// A Typst report's code decides where and how often a citation prints, so
/// its numbers, first notes and "ibid." follow the printed document, as
/// Typst's own citations do: content bound with `#let` and printed later,
/// a citation that never prints, one printed twice by a loop.
#[test]
fn typst_code_decides_where_and_how_often_a_citation_prints() {
    let project = project();
    project.write(
        "report.typ",
        "#let later = [Later @пункт3.]\n#if false [Hidden @пункт3.]\nFirst @extra.\n#later\n#for i in range(2) [Again @extra. ]\n",
    );
    let text = built(&project, "report.typ", "ieee");
    for shown in ["First [1]", "Later [2]", "Again [1]. Again [1]"] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
    let text = built(&project, "report.typ", "deutsche-sprache");
    assert!(text.contains("Again (ibid.)"), "{text}");
}

/// dossier formats a Markdown report's citations itself and leaves a Typst
/// report's to Typst: the same citations, written in each, print the same
/// text in every kind of style — numbers, author-date with year suffixes,
/// notes with "ibid." and short forms, locators, claims — and the same
/// bibliography.
#[test]
fn markdown_citations_print_what_typst_prints_for_the_same_citations() {
    let project = Project::new();
    project.write(
        "sources.toml",
        r#"
[sources."doe-a"]
title = "The First Study"
type = "book"
date = "2004"
authors = ["Doe, Jane"]
publisher = "North Press"

[sources."doe-b"]
title = "The Second Study"
type = "article"
date = "2004"
authors = ["Doe, Jane"]
publisher = "Journal of Records"

[sources."گزارش-۱۳۶۷"]
title = "گزارش سال ۱۳۶۷"
type = "report"
date = "2017"
authors = ["Amnesty International"]

[sources.many]
title = "Written by Many"
type = "article"
date = "1999"
authors = ["Roe, Rich", "Moe, Max", "Poe, Pia", "Low, Lea"]
publisher = "Review of Archives"

[claims.summer]
statement = "Thousands were executed in summer 1988."
evidence = [{ source = "گزارش-۱۳۶۷", locator = "p. 12" }]
"#,
    );
    // Paragraph by paragraph: the Markdown spelling and the Typst one.
    let paragraphs = [
        ("One [@doe-a].", "One @doe-a."),
        ("Two [@doe-b, p. 4].", "Two @doe-b[p. 4]."),
        ("Three [@doe-b, p. 4].", "Three @doe-b[p. 4]."),
        ("Four [@doe-b, p. 9].", "Four @doe-b[p. 9]."),
        ("Five [@summer].", "Five @summer."),
        ("Six [@many].", "Six @many."),
        ("Seven [@doe-a].", "Seven @doe-a."),
        ("Eight [@many, ch. 2].", "Eight @many[ch. 2]."),
        ("Nine [@summer].", "Nine @summer."),
        // A note referred to twice prints twice, each time in its place.
        (
            "Ten.[^t] Eleven.[^t]",
            "Ten.#footnote[See @doe-a.] Eleven.#footnote[See @doe-a.]",
        ),
        ("[^t]: See [@doe-a].", ""),
    ];
    // A note style's citation in a footnote prints in the note's text
    // (dossier, as Pandoc) or as a note of the note (Typst): the notes are
    // compared in styles whose citations are not notes.
    let join = |typst: bool, notes: bool| {
        paragraphs
            .iter()
            .filter(|(md, _)| notes || !md.contains("[^t]"))
            .map(|(md, typ)| if typst { *typ } else { *md })
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n"
    };
    for style in [
        "ieee",
        "chicago-author-date",
        "apa",
        "american-sociological-association",
        "chicago-notes",
        "deutsche-sprache",
    ] {
        let notes = style != "chicago-notes";
        project.write("report.md", &join(false, notes));
        project.write("report.typ", &join(true, notes));
        let texts = ["report.md", "report.typ"].map(|report| built(&project, report, style));
        assert_eq!(texts[0], texts[1], "{style}: Markdown, then Typst");
        assert!(texts[0].contains("Nine"), "{style}: {}", texts[0]);
    }
}

/// A footnote's text prints where it is referred to, wherever its
/// definition stands; the citations between the reference and the
/// definition keep their place. A citation in what is never printed (an
/// image's description, a note nothing refers to, a definition a later one
/// of the same label replaces) is an error at the key, not a lost citation.
#[test]
fn footnotes_defined_anywhere_lose_no_citation_and_images_cite_nothing() {
    let project = project();
    project.write(
        "report.md",
        "A.[^1] B [@a+b].\n\n[^2]: Other [@extra].\n\nC.[^2]\n\n[^1]: Note [@averroes/bland].\n",
    );
    let text = built(&project, "report.md", "ieee");
    for shown in ["B [2]", "Note [1]", "Other [3]"] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
    assert!(!text.contains("[@"), "{text}");

    // Prose that reads like the converter's own markup is only prose: the
    // citations keep their order.
    project.write(
        "report.md",
        "Says #dossier.cite-group(1) first [@averroes/bland], then [@a+b].\n",
    );
    let text = built(&project, "report.md", "ieee");
    assert!(
        text.contains("Says #dossier.cite-group(1) first [1], then [2]."),
        "{text}"
    );

    // A note nothing refers to, and one a later definition replaces, are
    // not printed: their citations are errors, not silently lost.
    project.write(
        "report.md",
        "Text[^a] [@a+b].\n\n[^a]: First [@extra].\n\n[^a]: Second.\n\n[^z]: Alone [@averroes/bland].\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    for line in [
        "report.md:3:14: error[syntax]: `@extra` is in a footnote `[^a]` that a later definition of the same label replaces, so it is not printed",
        "report.md:7:14: error[syntax]: `@averroes/bland` is in footnote `[^z]`, which nothing printed refers to, so it is not printed",
    ] {
        assert!(run.stdout().contains(line), "{line}\nin\n{}", run.stdout());
    }

    project.write(
        "report.md",
        "![Chart [@extra]](chart.png)\n\nText [@a+b].\n",
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().contains(
            "report.md:1:10: error[syntax]: `@extra` is in an image's description, which is not printed"
        ),
        "{}",
        run.stdout()
    );
}

/// `[-@id]` leaves the author out; a numeric style prints no author, so
/// the citation stays a number, as Pandoc prints it, while an author-date
/// style prints the year. A locator in braces prints without them.
#[test]
fn leaving_the_author_out_of_a_numeric_citation_leaves_the_number() {
    let project = project();
    project.write(
        "report.md",
        "First [@extra]. Then [-@a+b, p. 4] and [@a+b, {ii, A}].\n",
    );
    let text = built(&project, "report.md", "ieee");
    assert!(text.contains("Then [2, p. 4] and [2, ii, A]."), "{text}");
    let text = built(&project, "report.md", "apa");
    assert!(text.contains("Then (2010, p. 4)"), "{text}");
}

/// In a note style, `@id says` prints the author in the text and the
/// citation in a note after the name, as Pandoc does; the note is the
/// work's first citation, so a later one is short. `[-@id]`, the author
/// left out, is a note like any other.
#[test]
fn a_note_style_puts_the_author_in_the_text_and_the_citation_in_a_note() {
    let project = project();
    project.write(
        "report.md",
        "Then @averroes/bland [p. 4] says so. Later [@averroes/bland]. Plus [-@a+b, p. 2].[^n]\n\n[^n]: As @averroes/bland [p. 7] and [@a+b] show.\n",
    );
    let text = built(&project, "report.md", "chicago-notes");
    for shown in [
        "Then Ibn Averroes 1 says so.",
        "1 Ibn Averroes, On the Bland",
        "2 Averroes, On the Bland.",
        "Plus 3. 4",
        "3 Jane Doe, “Plus,” preprint, 2010, p. 2.",
        // In a note, a citation is part of the note's text.
        "4 As Averroes, On the Bland, p. 7 and Doe, “Plus” show.",
    ] {
        assert!(text.contains(shown), "{shown:?} in {text}");
    }
}

/// The text of `report` built in `style`.
fn built(project: &Project, report: &str, style: &str) -> String {
    let output = format!("{style}-{report}.pdf");
    project
        .run(&["build", report, "--style", style, "-o", &output])
        .expect(0);
    pdf_text(&project.read(&output).unwrap())
}

/// A numeric style whose bibliography is sorted by author, not by first
/// citation: each citation's number is its work's place in that order, so
/// the citations are formatted with the bibliography, not before it.
const SORTED_NUMBERS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Sorted numbers</title><id>http://example.org/sorted</id><updated>2026-11-21T00:00:00+00:00</updated></info>
  <citation><layout prefix="[" suffix="]" delimiter=", "><text variable="citation-number"/></layout></citation>
  <bibliography>
    <sort><key variable="author"/></sort>
    <layout><text variable="citation-number" suffix=". "/><names variable="author"/></layout>
  </bibliography>
</style>
"#;

#[test]
fn citation_numbers_follow_a_bibliography_sorted_by_author() {
    let project = project();
    project.write("sorted.csl", SORTED_NUMBERS);
    project.write(
        "report.md",
        "First [@a+b], then [@averroes/bland], last [@گزارش-۱۳۶۷].\n",
    );
    let text = built(&project, "report.md", "sorted.csl");
    let squeezed: String = text.split_whitespace().collect();
    for shown in [
        "First[3],then[2],last[1].",
        "1.AmnestyInternational",
        "2.IbnAverroes",
        "3.JaneDoe",
    ] {
        assert!(squeezed.contains(shown), "{shown:?} in {text}");
    }
}

/// A style with citations and no bibliography layout cannot list the
/// sources: the build says so and writes nothing.
#[test]
fn a_style_without_a_bibliography_layout_is_an_error_not_an_empty_list() {
    let project = project();
    let csl = SORTED_NUMBERS
        .split("  <bibliography>")
        .next()
        .unwrap()
        .to_string()
        + "</style>\n";
    project.write("citations-only.csl", &csl);
    project.write("report.md", "Cited [@a+b].\n");
    let build = project
        .run(&[
            "build",
            "report.md",
            "--style",
            "citations-only.csl",
            "-o",
            "out.pdf",
        ])
        .expect(2);
    assert!(
        build.stderr().contains("no bibliography layout"),
        "{}",
        build.stderr()
    );
    assert!(project.read("out.pdf").is_none());
}
