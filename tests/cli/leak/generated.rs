//! Generated, not hand-picked: a confidential title, quote or URL placed at
//! every word position of paragraphs, footnotes, block quotes, list items,
//! table cells and columns on small pages, and inside random paragraphs with
//! random inline formatting, citations, links and footnotes, in Markdown and
//! Typst. Each layer of the scan must find it alone, and the binary must
//! refuse the build and write nothing.

use std::sync::atomic::{AtomicUsize, Ordering};

use dossier::render::leak::Field;
use proptest::prelude::*;

use super::{is, layers, project, refused};

const TITLE: &str = "Testimony of witness Quillfeather W-017";
const QUOTE: &str = "they came for us after midnight and took the men to the yard";
const URL: &str = "https://intranet.example.org/witness/17";

const WORDS: &[&str] = &[
    "prisoners",
    "were",
    "moved",
    "between",
    "prisons",
    "at",
    "night",
    "and",
    "families",
    "say",
    "nobody",
    "was",
    "told",
    "where",
    "the",
    "committee",
    "met",
    "in",
    "summer",
    "records",
    "show",
    "that",
    "hundreds",
    "of",
    "cases",
    "went",
    "unrecorded",
    "for",
    "years",
    "afterwards",
    "according",
    "to",
    "several",
    "accounts",
];

/// A small page, so breaks fall often, with the template's running header
/// and footer; two columns when asked.
fn page(columns: bool) -> String {
    format!(
        "#set page(width: 9cm, height: 6.5cm, margin: (x: 1cm, top: 1.6cm, bottom: 1.3cm), columns: {})\n",
        if columns { 2 } else { 1 }
    )
}

fn filler(n: usize, from: usize) -> String {
    (0..n)
        .map(|i| WORDS[(from + i * 7) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a secret sits.
#[derive(Debug, Clone, Copy)]
enum Container {
    Paragraph,
    Footnote,
    Quote,
    ListItem,
    TableCell,
    Columns,
}

/// A report in `format` ("md" or "typ") with `before` words of filler ahead
/// of the secret, inside `container`.
fn document(format: &str, container: Container, before: usize, secret: &str) -> String {
    let lead = filler(before, 3);
    let tail = filler(24, 11);
    let text = format!("{lead} {secret} {tail}");
    let markdown = format == "md";
    let body = match (container, markdown) {
        (Container::Paragraph | Container::Columns, _) => {
            format!("{} {text}.\n", if markdown { "[@mixed]" } else { "@mixed" })
        }
        (Container::Footnote, true) => {
            format!("Text [@mixed].[^1] {}\n\n[^1]: {text}.\n", filler(30, 5))
        }
        (Container::Footnote, false) => {
            format!("Text @mixed.#footnote[{text}.] {}\n", filler(30, 5))
        }
        (Container::Quote, true) => format!("Text [@mixed].\n\n> {text}.\n"),
        (Container::Quote, false) => format!("Text @mixed.\n\n#quote(block: true)[{text}.]\n"),
        (Container::ListItem, true) => format!("Text [@mixed].\n\n- first item\n- {text}.\n"),
        (Container::ListItem, false) => format!("Text @mixed.\n\n- first item\n- {text}.\n"),
        (Container::TableCell, true) => {
            format!("Text [@mixed].\n\n| a | b |\n|---|---|\n| x | {text} |\n")
        }
        (Container::TableCell, false) => {
            format!("Text @mixed.\n\n#table(columns: (1fr, 3fr), [x], [{text}])\n")
        }
    };
    let columns = matches!(container, Container::Columns);
    if markdown {
        let template = if columns {
            "small-columns.typ"
        } else {
            "small.typ"
        };
        format!("---\ntitle: Transfers\ntemplate: {template}\n---\n{body}")
    } else {
        format!("{}{body}", page(columns))
    }
}

/// Templates for Markdown reports: the briefing on a small page.
fn templates(project: &super::super::support::Project) {
    for (name, columns) in [("small.typ", false), ("small-columns.typ", true)] {
        project.write(
            name,
            &format!(
                "#import \"@dossier/templates:0.1.0\": briefing\n#let template(body) = briefing({{\n{}body\n}})\n",
                page(columns)
            ),
        );
    }
}

fn field_of(secret: &str) -> Field {
    match secret {
        TITLE => Field::Title,
        QUOTE => Field::Quote,
        _ => Field::Url,
    }
}

/// Both layers find the secret of the report `name` on their own.
fn check_layers(
    project: &super::super::support::Project,
    name: &str,
    field: Field,
) -> Result<(), String> {
    let (before, after) = layers(project, name);
    let found_before = before.iter().any(|f| is(f, field));
    let found_after = after.iter().any(|f| is(f, field));
    if found_before && found_after {
        Ok(())
    } else {
        let text = std::fs::read_to_string(project.path().join(name)).unwrap_or_default();
        Err(format!(
            "{name}: before layout {found_before}, after {found_after}\n{text}\nbefore: {before:?}\nafter: {after:?}"
        ))
    }
}

#[test]
fn a_secret_at_every_word_position_is_found_across_line_page_and_column_breaks() {
    let project = project("start.md", "Text [@mixed].\n");
    templates(&project);
    let containers = [
        Container::Paragraph,
        Container::Footnote,
        Container::Quote,
        Container::ListItem,
        Container::TableCell,
        Container::Columns,
    ];
    let mut failures = Vec::new();
    let mut built = 0;
    for format in ["typ", "md"] {
        for container in containers {
            // Every position where breaks matter most; every third elsewhere.
            let fine = matches!(
                container,
                Container::Paragraph | Container::Footnote | Container::Columns
            );
            for (secret, step) in [(TITLE, if fine { 1 } else { 3 }), (QUOTE, 4), (URL, 6)] {
                // Enough positions to move every word gap of the secret
                // through a line end, and the secret through a page break.
                for before in (0..42).step_by(step) {
                    let name = format!("sweep.{format}");
                    project.write(&name, &document(format, container, before, secret));
                    if let Err(problem) = check_layers(&project, &name, field_of(secret)) {
                        failures.push(format!("{container:?} {before}: {problem}"));
                    }
                    built += 1;
                }
            }
        }
    }
    assert!(built > 300);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Inline formatting a writer might put anywhere, in Markdown and Typst.
#[derive(Debug, Clone, Copy)]
enum Mark {
    Plain,
    Emphasis,
    Strong,
    Code,
    Strike,
    Link,
    Box,
    Underline,
    SmallCaps,
}

fn marked(word: &str, mark: Mark, markdown: bool) -> String {
    match (mark, markdown) {
        (Mark::Plain, _) => word.into(),
        (Mark::Emphasis, true) => format!("*{word}*"),
        (Mark::Strong, true) => format!("**{word}**"),
        (Mark::Code, true) => format!("`{word}`"),
        (Mark::Strike, true) => format!("~~{word}~~"),
        (Mark::Link, true) => format!("[{word}](https://example.org/{})", word.len()),
        (Mark::Box | Mark::Underline | Mark::SmallCaps, true) => format!("*{word}*"),
        (Mark::Emphasis, false) => format!("#emph[{word}]"),
        (Mark::Strong, false) => format!("#strong[{word}]"),
        (Mark::Code, false) => format!("`{word}`"),
        (Mark::Strike, false) => format!("#strike[{word}]"),
        (Mark::Link, false) => format!("#link(\"https://example.org/{}\")[{word}]", word.len()),
        (Mark::Box, false) => format!("#box[{word}]"),
        (Mark::Underline, false) => format!("#underline[{word}]"),
        (Mark::SmallCaps, false) => format!("#smallcaps[{word}]"),
    }
}

fn mark() -> impl Strategy<Value = Mark> {
    prop_oneof![
        4 => Just(Mark::Plain),
        1 => Just(Mark::Emphasis),
        1 => Just(Mark::Strong),
        1 => Just(Mark::Code),
        1 => Just(Mark::Strike),
        1 => Just(Mark::Link),
        1 => Just(Mark::Box),
        1 => Just(Mark::Underline),
        1 => Just(Mark::SmallCaps),
    ]
}

/// What sits between words of the paragraph around the secret.
#[derive(Debug, Clone, Copy)]
enum Extra {
    None,
    Citation,
    Footnote,
}

fn extra() -> impl Strategy<Value = Extra> {
    prop_oneof![6 => Just(Extra::None), 1 => Just(Extra::Citation), 1 => Just(Extra::Footnote)]
}

fn extra_text(extra: Extra, markdown: bool, n: usize) -> String {
    match (extra, markdown) {
        (Extra::None, _) => String::new(),
        (Extra::Citation, true) => " [@pub-a, p. 4]".into(),
        (Extra::Citation, false) => " @pub-a[p. 4]".into(),
        (Extra::Footnote, true) => format!("[^f{n}]"),
        (Extra::Footnote, false) => format!("#footnote[{}]", filler(8 + n % 9, n)),
    }
}

/// A paragraph of random words with random marks and extras, the secret at
/// a random word position, its own words marked at random too (splitting a
/// word's formatting, as `*Quill*feather`, where the mark allows it).
fn paragraph(
    markdown: bool,
    words: &[(usize, Mark, Extra)],
    at: usize,
    secret: &str,
    inner: &[Mark],
) -> String {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (i, (word, mark, extra)) in words.iter().enumerate() {
        if i == at {
            out.push(secret_text(secret, inner, markdown));
        }
        let mut piece = marked(WORDS[word % WORDS.len()], *mark, markdown);
        piece.push_str(&extra_text(*extra, markdown, i));
        if markdown && matches!(extra, Extra::Footnote) {
            notes.push(format!("[^f{i}]: {}", filler(8 + i % 9, i)));
        }
        out.push(piece);
    }
    if at >= words.len() {
        out.push(secret_text(secret, inner, markdown));
    }
    let mut text = out.join(" ");
    text.push_str(if markdown {
        " [@mixed].\n"
    } else {
        " @mixed.\n"
    });
    for note in notes {
        text.push('\n');
        text.push_str(&note);
        text.push('\n');
    }
    text
}

fn secret_text(secret: &str, inner: &[Mark], markdown: bool) -> String {
    if secret == URL {
        return if markdown {
            format!("<{URL}>")
        } else {
            URL.to_string()
        };
    }
    secret
        .split(' ')
        .enumerate()
        .map(|(i, word)| {
            let mark = inner.get(i).copied().unwrap_or(Mark::Plain);
            // Links and code are for whole words; a word cut in two by
            // formatting keeps its halves together.
            match mark {
                Mark::Link | Mark::Code | Mark::Plain => marked(word, mark, markdown),
                _ if word.len() > 5 => {
                    let (a, b) = word.split_at(word.len() / 2);
                    format!("{}{b}", marked(a, mark, markdown))
                }
                _ => marked(word, mark, markdown),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

static CASES: AtomicUsize = AtomicUsize::new(0);

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(40);
    ProptestConfig {
        cases,
        // The same inputs in every run, unless a seed is asked for.
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1988),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_secret_in_any_paragraph_is_refused(
        markdown in any::<bool>(),
        words in prop::collection::vec((0usize..100, mark(), extra()), 10..90),
        at in 0usize..90,
        secret in prop_oneof![Just(TITLE), Just(QUOTE), Just(URL)],
        inner in prop::collection::vec(mark(), 12),
        width in 6u32..16,
        columns in any::<bool>(),
    ) {
        let name = if markdown { "random.md" } else { "random.typ" };
        let body = paragraph(markdown, &words, at, secret, &inner);
        let text = if markdown {
            body
        } else {
            format!(
                "#set page(width: {width}cm, height: 7cm, margin: (x: 1cm, top: 1.6cm, bottom: 1.3cm), columns: {})\n{body}",
                if columns { 2 } else { 1 }
            )
        };
        let project = project(name, &text);
        if let Err(problem) = check_layers(&project, name, field_of(secret)) {
            return Err(TestCaseError::fail(problem));
        }
        // The binary, as a user runs it, for every third case.
        if CASES.fetch_add(1, Ordering::Relaxed).is_multiple_of(3) {
            refused(&project, name);
        }
    }
}
