//! Right to left: a Latin citation inside a Persian sentence keeps its
//! brackets and locator in its own order, read from the glyphs as Typst
//! lays them out; dates and page numbers print in the language's digits.

use dossier::diag::Files;
use dossier::render::{self, Style, Template};
use dossier::{registry, report};
use typst::layout::{Abs, Frame, FrameItem, Point};

use super::support::{Project, normalise};

const REGISTRY: &str = r#"
[sources.amnesty-2018]
type = "report"
title = "Blood-soaked secrets"
authors = [{ org = "Amnesty International" }]
date = "2018"

[sources.letters]
type = "web"
title = "Letters of the families"
authors = [{ org = "Iran Human Rights Monitor" }]
language = "fa"
url = "https://iran-hrm.com/letters"
"#;

/// Each glyph of the first page: its line (baseline), its left edge and
/// the text it stands for.
fn glyphs(frame: &Frame, at: Point, out: &mut Vec<(Abs, Abs, String)>) {
    for (pos, item) in frame.items() {
        let pos = at + *pos;
        match item {
            FrameItem::Group(group) => glyphs(&group.frame, pos, out),
            FrameItem::Text(text) => {
                let mut x = pos.x;
                for glyph in &text.glyphs {
                    out.push((pos.y, x, text.text[glyph.range()].to_string()));
                    x += glyph.x_advance.at(text.size);
                }
            }
            _ => {}
        }
    }
}

/// The glyphs of the line holding `needle` (a Latin word), left to right.
fn line_with(project: &Project, report_text: &str, needle: &str) -> Vec<(Abs, String)> {
    line_in_style(project, report_text, needle, "chicago-author-date")
}

/// The same, in a CSL style.
fn line_in_style(
    project: &Project,
    report_text: &str,
    needle: &str,
    style: &str,
) -> Vec<(Abs, String)> {
    project.write("report.md", report_text);
    let mut files = Files::new();
    let (registry, _) =
        registry::load(&project.path().join("sources.toml"), &[], &mut files).unwrap();
    let (report, problems) = report::read(
        &project.path().join("report.md"),
        project.path(),
        &mut files,
    )
    .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let job = render::Job {
        registry: &registry,
        report: &report,
        root: project.path(),
        style: &Style::Name(style.into()),
        template: &Template::Builtin("briefing"),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        draft: false,
        font_paths: &[],
        internal: false,
        standards: &render::pdf::Standards::default(),
        summary: Default::default(),
    };
    let document = match render::laid_out(&job, &mut files) {
        Ok(document) => document,
        Err(render::Failure::Diagnostics(d)) => panic!("{d:#?}"),
        Err(render::Failure::Fatal(m)) => panic!("{m}"),
    };
    let mut all = Vec::new();
    glyphs(&document.pages()[0].frame, Point::zero(), &mut all);
    // The line where the glyphs spell the needle, one after another.
    let chars: Vec<String> = needle.chars().map(String::from).collect();
    let baseline = (0..all.len())
        .find(|&i| {
            all[i..].len() >= chars.len()
                && all[i..i + chars.len()]
                    .iter()
                    .zip(&chars)
                    .all(|((_, _, t), c)| t == c)
        })
        .map(|i| all[i].0)
        .expect("the line");
    let mut line: Vec<(Abs, String)> = all
        .into_iter()
        .filter(|(y, _, _)| (*y - baseline).abs() < Abs::pt(4.0))
        .map(|(_, x, t)| (x, t))
        .collect();
    line.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    line
}

/// The Latin glyphs of a line, left to right, without spaces.
fn latin(line: &[(Abs, String)]) -> String {
    line.iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| t.chars().all(|c| c.is_ascii() && !c.is_ascii_whitespace()))
        .collect()
}

#[test]
fn a_latin_citation_in_a_persian_sentence_keeps_its_order() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let line = line_with(
        &project,
        "---\ntitle: آزمون\nlang: fa\n---\n\nهزاران زندانی اعدام شدند [@amnesty-2018, p. 12].\n",
        "Amnesty",
    );
    // Left to right: the citation whole, then the Persian it follows
    // (which reads from the right).
    assert!(
        latin(&line).contains("(AmnestyInternational2018,p.12)"),
        "{}",
        latin(&line)
    );
    let x = |text: &str| {
        line.iter()
            .filter(|(_, t)| t == text)
            .map(|(x, _)| *x)
            .collect::<Vec<_>>()
    };
    let close = x(")")[0];
    let persian = line
        .iter()
        .filter(|(_, t)| t.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)))
        .map(|(x, _)| *x)
        .fold(Abs::inf(), Abs::min);
    assert!(
        close < persian,
        "the citation stands left of the Persian text"
    );
}

#[test]
fn a_latin_aside_the_author_wrote_in_brackets_keeps_its_order() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let line = line_with(
        &project,
        "---\ntitle: آزمون\nlang: fa\n---\n\nگزارش و (Stevenson 2013, para. 2) را نقل کرد [@letters].\n",
        "Stevenson",
    );
    assert!(
        latin(&line).contains("(Stevenson2013,para.2)"),
        "{}",
        latin(&line)
    );
}

#[test]
fn an_english_paragraph_and_note_in_a_persian_report_run_from_the_left() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let text = "---\ntitle: آزمون\nlang: fa\n---\n\nمتن فارسی [@amnesty-2018].\n\nIt ends here.\n";
    // The paragraph: its first word stands leftmost on its line.
    let line = line_with(&project, text, "ends");
    assert_eq!(line[0].1, "I", "{line:?}");
    // In a note style, the English note runs from the left too: its first
    // letter stands leftmost, its full stop is not moved before it.
    let line = line_in_style(&project, text, "International,", "chicago-notes");
    assert_eq!(line[0].1, "A", "{line:?}");
    assert_eq!(line.last().unwrap().1, ".", "{line:?}");
}

#[test]
fn a_persian_paragraph_in_an_english_report_runs_from_the_right_with_its_citation_whole() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let line = line_with(
        &project,
        "---\ntitle: Test\n---\n\nAn English paragraph.\n\nهزاران زندانی اعدام شدند [@amnesty-2018, p. 12].\n",
        "Amnesty",
    );
    assert!(
        latin(&line).contains("(AmnestyInternational2018,p.12)"),
        "{}",
        latin(&line)
    );
    // Right to left: the Persian stands right of the citation.
    let close = line.iter().find(|(_, t)| t == ")").unwrap().0;
    assert!(
        line.iter()
            .filter(|(_, t)| t.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)))
            .all(|(x, _)| *x > close),
        "{line:?}"
    );
}

#[test]
fn an_english_footnote_in_a_persian_report_runs_from_the_left() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let line = line_with(
        &project,
        "---\ntitle: آزمون\nlang: fa\n---\n\nمتن فارسی.[^1]\n\n[^1]: This English note cites [@amnesty-2018].\n",
        "note",
    );
    let first = line.iter().position(|(_, t)| t == "T").unwrap();
    assert!(
        line[..first]
            .iter()
            .all(|(_, t)| !t.chars().any(char::is_alphabetic)),
        "{line:?}"
    );
    // Its full stop last (after the citation's closing isolate).
    assert!(line.last().unwrap().1.ends_with('.'), "{line:?}");
}

#[test]
fn a_persian_report_prints_its_own_digits_unless_told_otherwise() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let text = "---\ntitle: آزمون\nlang: fa\ndate: 2026-11-21\n---\n\nمتن [@letters].\n";
    project.write("report.md", text);
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let pages = pdf_extract::extract_text_from_mem(&project.read("out.pdf").unwrap()).unwrap();
    let pages = normalise(&pages);
    // The date line and the page number, in either order of extraction.
    assert!(
        pages.contains("۲۱") && pages.contains("۲۰۲۶") && pages.contains("۱ / ۱"),
        "{pages}"
    );
    project.write(
        "report.md",
        &text.replace("lang: fa", "lang: fa\ndigits: latin"),
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let pages =
        normalise(&pdf_extract::extract_text_from_mem(&project.read("out.pdf").unwrap()).unwrap());
    assert!(pages.contains("2026") && pages.contains("1 / 1"), "{pages}");
    // The dossier's words too (its annex names the grades 1 to 6).
    project
        .run(&[
            "build",
            "report.md",
            "-o",
            "out.pdf",
            "--template",
            "dossier",
        ])
        .expect(0);
    let pages = pdf_extract::extract_text_from_mem(&project.read("out.pdf").unwrap()).unwrap();
    assert!(!pages.chars().any(|c| ('۰'..='۹').contains(&c)), "{pages}");
    // Anything else is refused at its place.
    project.write(
        "report.md",
        &text.replace("lang: fa", "lang: fa\ndigits: roman"),
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().contains("report.md:4:9: error[invalid-field]"),
        "{}",
        run.stdout()
    );
}
