//! The prose held to its evidence, from the command line: figures checked
//! against the cited claims' values (`figure-mismatch`), figures with no
//! citation (`uncited-figure`) and quotes checked against captures
//! (`quote-mismatch`), at exact places, in every output format, with
//! `show` and the annex telling which quotes were found.

use serde_json::Value;

use super::support::{Project, pdf_text};

const REGISTRY: &str = r#"
[sources.focus]
title = "A massacre gone unpunished"
type = "article"
date = "2010"
authors = [{ org = "Iran Focus" }]

[sources.diplomat]
title = "The Forgotten Mass Execution"
type = "article"
date = "2013"
authors = ["Stevenson, Struan"]

[claims.toll-1988]
statement = "About 30,000 political prisoners were executed."
evidence = [
  { source = "focus", quote = "Some 30,000 political prisoners", value = { about = 30000 } },
  { source = "diplomat", quote = "As many as 30,000 political prisoners or more", value = { at-least = 30000 } },
]

[claims.fatwa-1988]
statement = "Khomeini issued the fatwa in July 1988."
evidence = [{ source = "diplomat", value = "1988-07" }]

[claims.gravesites]
statement = "Gravesites in at least 36 cities."
evidence = [{ source = "focus", value = { at-least = 36 } }]

[claims.families]
statement = "Families were harassed."
sources = ["focus"]
"#;

fn project() -> Project {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project
}

/// `(code, line, column, end column)` of each diagnostic of the new rules.
fn found(project: &Project, report: &str) -> Vec<(String, u64, u64, u64)> {
    let run = project.run(&["check", report, "--format", "json"]);
    let json: Value = serde_json::from_str(&run.stdout()).expect("json");
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap();
            code.contains("figure") || code == "quote-mismatch"
        })
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["end_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn at(code: &str, line: u64, column: u64, end: u64) -> (String, u64, u64, u64) {
    (code.to_string(), line, column, end)
}

#[test]
fn the_three_examples_are_flagged_at_their_figures() {
    let project = project();
    project.write(
        "report.md",
        "---\ntitle: Figures\n---\n\
         Some 3,000 political prisoners were executed [@toll-1988].\n\
         Khomeini issued the fatwa in August 1988 [@fatwa-1988].\n\
         Around 4,500 families are still searching for graves.\n\n\
         حدود ۳٬۰۰۰ زندانی سیاسی اعدام شدند [@toll-1988].\n",
    );
    assert_eq!(
        found(&project, "report.md"),
        [
            at("figure-mismatch", 4, 6, 11),
            at("figure-mismatch", 5, 30, 41),
            at("uncited-figure", 6, 8, 13),
            at("figure-mismatch", 8, 6, 11),
        ]
    );
    let human = project.run(&["check", "report.md"]).expect(0);
    let out = human.stdout();
    assert!(
        out.contains(
            "the evidence says `toll-1988`: about 30000 (focus); at least 30000 (diplomat)"
        ),
        "{out}"
    );
    assert!(out.contains("`fatwa-1988`: 1988-07 (diplomat)"), "{out}");
}

#[test]
fn figures_that_fit_their_evidence_and_numbers_that_name_are_quiet() {
    let project = project();
    project.write(
        "report.md",
        "---\ntitle: Quiet\n---\n\
         # In 1988, 3,000 or 45%\n\n\
         Some 30,000 prisoners were executed [@toll-1988, p. 3000]. More than 29,000 died [@toll-1988]. \
         Between 25,000 and 35,000 were killed [@toll-1988]. In 1988 the fatwa came, in July 1988 [@fatwa-1988].\n\n\
         Dr. J. Smith counted 30,000 dead and 36 sites in 1988 [@toll-1988; @gravesites; @fatwa-1988]. \
         Article 6 and para. 12 name, not count [@toll-1988]. Families were harassed in 2,000 ways [@families].\n\n\
         The toll of 30,000 is the camp's own figure [@toll-1988]; it is repeated here as 30,000.\n\n\
         | year | dead |\n|---|---|\n| 1988 | 12,000 |\n\n\
         ```\n45% and 4,500 in code\n```\n\n\
         In 1988 three people met.\n",
    );
    assert_eq!(found(&project, "report.md"), []);
}

#[test]
fn each_figure_must_fit_some_cited_claim_of_its_kind() {
    let project = project();
    project.write(
        "report.md",
        "---\ntitle: Several\n---\n\
         Some 30,000 were executed, and 12 sites were found [@toll-1988; @gravesites].\n\n\
         Executions began in 1987 after the fatwa [@fatwa-1988].\n\n\
         In a footnote.[^1]\n\n\
         [^1]: On 19 July 1988 more than 20% were gone.\n\n\
         - A list item says 250 people wrote on 1988-07-19.\n\n\
         > A block quote says 1,200 people.\n",
    );
    assert_eq!(
        found(&project, "report.md"),
        [
            at("figure-mismatch", 4, 32, 34),
            at("figure-mismatch", 6, 21, 25),
            at("uncited-figure", 10, 10, 22),
            at("uncited-figure", 12, 20, 23),
            at("uncited-figure", 14, 22, 27),
        ]
    );
}

#[test]
fn typst_reports_are_held_to_their_evidence_too() {
    let project = project();
    project.write(
        "report.typ",
        "= Heading with 4,500\n\n\
         Some 3,000 political prisoners were executed @toll-1988.\n\
         Around 4,500 families are still searching for graves.\n\n\
         #table([12,000 in a table])\n\n\
         The fatwa came in July 1988 #cite(<fatwa-1988>).#footnote[About 45% of them.]\n",
    );
    assert_eq!(
        found(&project, "report.typ"),
        [
            at("figure-mismatch", 3, 6, 11),
            at("uncited-figure", 4, 8, 13),
            at("uncited-figure", 8, 65, 68),
        ]
    );
}

#[test]
fn rules_are_set_in_the_registry_and_every_format_carries_the_codes() {
    let project = project();
    project.write(
        "report.md",
        "Some 3,000 were executed [@toll-1988]. Around 4,500 families search.\n",
    );
    let sarif = project
        .run(&["check", "report.md", "--format", "sarif"])
        .expect(0);
    for code in ["figure-mismatch", "uncited-figure", "quote-mismatch"] {
        assert!(sarif.stdout().contains(&format!("\"{code}\"")), "{code}");
    }
    let github = project
        .run(&["check", "report.md", "--format", "github"])
        .expect(0);
    assert!(
        github
            .stdout()
            .contains("::warning file=report.md,line=1,col=6,")
            && github.stdout().contains("title=figure-mismatch"),
        "{}",
        github.stdout()
    );
    project.write(
        "sources.toml",
        &format!(
            "[registry.rules]\nfigure-mismatch = \"error\"\nuncited-figure = \"allow\"\n{REGISTRY}"
        ),
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout()
            .contains("report.md:1:6: error[figure-mismatch]"),
        "{}",
        run.stdout()
    );
    assert!(!run.stdout().contains("uncited-figure"), "{}", run.stdout());
}

const PAGE: &str = r#"<!doctype html>
<html><head><title>The regime</title><style>p { color: red }</style>
<script>var quote = "the Iranian parliament";</script></head>
<body><nav>Home News</nav>
<p>The brutal murder of over 30,000 political prisoners by the Iranian regime&nbsp;in 1988 &mdash; a &ldquo;crime against humanity&rdquo;.</p>
<p>Families were harass-
ed for years.</p>
</body></html>
"#;

#[test]
fn quotes_are_checked_against_the_capture_with_the_closest_passage() {
    let project = project();
    project.write("page.html", PAGE);
    project.run(&["capture", "focus", "page.html"]).expect(0);
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    let registry = registry.replace(
        r#"{ source = "focus", quote = "Some 30,000 political prisoners", value = { about = 30000 } },"#,
        "{ source = \"focus\", quote = \"the brutal murder of over 30,000 political prisoners by the Iranian regime in 1988 - a 'crime\", value = { about = 30000 } },\n  \
         { source = \"focus\", quote = \"THE BRUTAL MURDER … \\\"crime against humanity\\\". Families were harassed\" },\n  \
         { source = \"focus\", quote = \"the brutal murder of over 30,000 political prisoners by the Iranian parliament\" },",
    );
    project.write("sources.toml", &registry);
    project.write("report.md", "A claim [@toll-1988].\n");
    let line = registry
        .lines()
        .position(|l| l.contains("Iranian parliament"))
        .unwrap() as u64
        + 1;
    let column = registry
        .lines()
        .nth(line as usize - 1)
        .unwrap()
        .find("\"the brutal")
        .unwrap() as u64
        + 1;
    let run = project
        .run(&["check", "report.md", "--format", "json"])
        .expect(1);
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    let quotes: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "quote-mismatch")
        .collect();
    assert_eq!(quotes.len(), 1, "{json}");
    assert_eq!(quotes[0]["severity"], "error");
    assert_eq!(
        (
            quotes[0]["line"].as_u64().unwrap(),
            quotes[0]["column"].as_u64().unwrap()
        ),
        (line, column)
    );
    let help = quotes[0]["help"].as_str().unwrap();
    assert!(
        help.contains("The brutal murder of over 30,000 political prisoners by the Iranian regime"),
        "{help}"
    );
    // `show` says where each quote was found, or the closest passage.
    let show = project.run(&["show", "toll-1988"]).expect(0);
    let out = show.stdout();
    assert_eq!(out.matches("found in captures/focus-").count(), 2, "{out}");
    assert!(out.contains("NOT FOUND in captures/focus-"), "{out}");
    assert!(
        out.contains("unverified: the source has no capture"),
        "{out}"
    );
}

#[test]
fn the_annex_marks_each_quote_verified_or_not() {
    let project = project();
    project.write("page.txt", "Some 30,000 political prisoners were hanged.\n");
    project.run(&["capture", "focus", "page.txt"]).expect(0);
    project.write(
        "report.md",
        "---\ntitle: Annex\ntemplate: dossier\n---\nAbout 30,000 were executed [@toll-1988].\n",
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let text = pdf_text(&project.read("out.pdf").unwrap());
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Verified against the capture of"), "{flat}");
    assert!(flat.contains("Not verified against a capture"), "{flat}");
}

#[test]
fn a_public_check_never_prints_a_confidential_source_in_its_help() {
    let project = project();
    project.write(
        "w.txt",
        "The witness Lale Ardent was moved to Evin at night.\n",
    );
    project.write(
        "sources.toml",
        &format!(
            "{REGISTRY}\n[sources.witness-3]\ntitle = \"Interview\"\nconfidential = true\n\n\
             [claims.count]\nstatement = \"A count.\"\nevidence = [\n  {{ source = \"focus\", value = 30000 }},\n  \
             {{ source = \"witness-3\", value = 41234, quote = \"The witness Lale Ardent was moved to Evin in the morning\" }},\n]\n"
        ),
    );
    project.run(&["capture", "witness-3", "w.txt"]).expect(0);
    project.write("report.md", "Some 20,000 died [@count].\n");
    let public = project.run(&["check", "report.md"]).expect(1);
    let out = public.stdout();
    assert!(out.contains("error[quote-mismatch]"), "{out}");
    assert!(out.contains("warning[figure-mismatch]"), "{out}");
    assert!(!out.contains("at night") && !out.contains("41234"), "{out}");
    let internal = project.run(&["check", "report.md", "--internal"]).expect(1);
    let out = internal.stdout();
    assert!(
        out.contains("moved to Evin at night") && out.contains("41234"),
        "{out}"
    );
}

#[test]
fn deeply_nested_html_is_read_in_one_pass_and_lines_are_the_page_s() {
    let project = project();
    let depth = 100_000;
    let page = format!(
        "<html>\n<body>\n{}<p>As many as 30,000 political prisoners or more</p>{}\n</body></html>\n",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    project.write("page.html", &page);
    project.run(&["capture", "diplomat", "page.html"]).expect(0);
    project.write("report.md", "A claim [@toll-1988].\n");
    let run = project
        .run(&["show", "toll-1988", "--format", "json"])
        .expect(0);
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    let check = &json["evidence"][1]["quote-check"];
    assert_eq!(check["status"], "found", "{json}");
    assert_eq!(check["line"], 3, "{json}");
}
