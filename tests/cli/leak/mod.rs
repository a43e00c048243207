//! The leak guarantee held to inputs nobody picked: each layer of the scan
//! alone must refuse what ordinary writing puts on the page, and the
//! binary must refuse, exit 1 and write nothing, naming the source and the
//! channel but never the text.

mod families;
mod files;
mod generated;
mod names;
mod policy;

use std::path::Path;

use dossier::diag::Files;
use dossier::render::leak::{Field, Finding};
use dossier::render::{self, Style, Template};
use dossier::{registry, report};

use super::support::Project;

/// The registry every case is built against: one public source, one
/// confidential witness with a title, a short title that is one token, a
/// URL, a note, `redact` terms and a quote.
pub const REGISTRY: &str = r#"
[sources.pub-a]
type = "report"
title = "Public account of transfers"
authors = [{ org = "Amnesty International" }]
date = "2018"
url = "https://www.amnesty.org/en/documents/mde13/9421/2018/en/"

[sources.secret-w17]
type = "manuscript"
title = "Testimony of witness Quillfeather W-017"
short-title = "W-017"
original-title = "شهادت شاهد کویلفدر ۱۷"
url = "https://intranet.example.org/witness/17"
archived = "https://bücher-archiv.example/tape-17"
authors = ["Ardent, Lale"]
note = "Met in Erbil in March; she lives under the name Lale Ardent, near the river"
redact = ["Varnhold", "+98 21 555 0134"]
confidential = true

[claims.mixed]
statement = "Prisoners were moved at night."
evidence = [
  { source = "pub-a", locator = "p. 3", quote = "moved at night" },
  { source = "secret-w17", locator = "tape 1", quote = "they came for us after midnight and took the men to the yard" },
]
"#;

/// The confidential texts, and the field each one is.
pub const SECRETS: &[(&str, Field)] = &[
    ("Testimony of witness Quillfeather W-017", Field::Title),
    ("W-017", Field::ShortTitle),
    ("شهادت شاهد کویلفدر ۱۷", Field::OriginalTitle),
    ("https://intranet.example.org/witness/17", Field::Url),
    ("Varnhold", Field::Redact),
    ("she lives under the name Lale Ardent", Field::Note),
    (
        "they came for us after midnight and took the men to the yard",
        Field::Quote,
    ),
];

/// What each layer found in a public build of `report` in `project`.
pub fn layers(project: &Project, report: &str) -> (Vec<Finding>, Vec<Finding>) {
    let mut files = Files::new();
    let (registry, problems) =
        registry::load(&project.path().join("sources.toml"), &[], &mut files).expect("registry");
    assert!(problems.is_empty(), "{problems:?}");
    let (report, problems) =
        report::read(&project.path().join(report), project.path(), &mut files).expect("report");
    assert!(problems.is_empty(), "{problems:?}");
    let style = Style::Name("chicago-author-date".into());
    let template = Template::Builtin("briefing");
    let job = render::Job {
        registry: &registry,
        report: &report,
        root: project.path(),
        style: &style,
        template: &template,
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        draft: false,
        font_paths: &[],
        internal: false,
        // No standard, so a document no standard allows (an embedded PDF,
        // an image without a description) is still searched.
        standards: &render::pdf::Standards::parse("none").unwrap(),
        summary: Default::default(),
    };
    match render::leak_layers(&job, &mut files) {
        Ok(found) => found,
        Err(render::Failure::Diagnostics(d)) => panic!("{report:?} did not compile: {d:#?}"),
        Err(render::Failure::Fatal(m)) => panic!("{m}"),
    }
}

/// Whether a finding is the leak of `field`.
pub fn is(finding: &Finding, field: Field) -> bool {
    matches!(finding, Finding::Leak(owner, _) if owner.field == field)
}

/// A project with the registry and one report.
pub fn project(name: &str, text: &str) -> Project {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write(name, text);
    project
}

/// Asserts the binary refuses the public build: exit 1, no PDF, a
/// `confidential-leak` naming the source, and none of the secret's words.
#[track_caller]
pub fn refused(project: &Project, report: &str) -> String {
    let run = project
        .run(&["build", report, "--format", "json"])
        .expect(1);
    let pdf = Path::new(report).with_extension("pdf");
    assert!(
        project.read(pdf.to_str().unwrap()).is_none(),
        "a PDF was written"
    );
    let out = run.stdout();
    assert!(out.contains("\"code\": \"confidential-leak\""), "{out}");
    assert!(out.contains("`secret-w17`"), "{out}");
    for (secret, _) in SECRETS {
        for word in secret.split_whitespace().filter(|w| w.chars().count() > 4) {
            assert!(!out.contains(word), "{word:?} printed: {out}");
        }
    }
    out
}
