//! The citations dossier reads in Markdown against those Pandoc 2.17 reads
//! in the same text: the Markdown of Pandoc's own test files and cases of our
//! own, with Pandoc's keys recorded by `tests/data/pandoc/record.py`.

use std::collections::BTreeMap;

use dossier::diag::{Code, Diagnostic, Files};
use dossier::report::{self, Format, Mode};
use serde_json::Value;

/// Each key with how it is cited, counted: Pandoc's names for the modes.
type Keys = BTreeMap<(String, &'static str), usize>;

fn pandoc_mode(mode: &str) -> &'static str {
    match mode {
        "AuthorInText" => "AuthorInText",
        "SuppressAuthor" => "SuppressAuthor",
        _ => "NormalCitation",
    }
}

/// What dossier reads: body keys, nocite keys, keys refused with an error
/// at them, and keys after emphasis, refused because the two readers pair
/// `*` and `_` differently there (perhaps a citation to Pandoc, perhaps not).
fn ours(markdown: &str) -> (Keys, Keys, Vec<String>, Vec<String>) {
    let mut files = Files::new();
    let file = files.add("r.md".as_ref(), markdown.into());
    let (report, diagnostics) = report::parse(file, Format::Markdown, &files);
    let mut body = Keys::new();
    for citation in report.citations() {
        let mode = match citation.mode {
            Mode::InText => "AuthorInText",
            Mode::SuppressAuthor => "SuppressAuthor",
            Mode::Normal | Mode::Nocite => "NormalCitation",
        };
        *body.entry((citation.id.clone(), mode)).or_default() += 1;
    }
    let mut nocite = Keys::new();
    for citation in &report.nocite {
        *nocite
            .entry((citation.id.clone(), "NormalCitation"))
            .or_default() += 1;
    }
    // Keys in other front-matter fields, raw HTML or a fence Pandoc reads as
    // text are errors at the key.
    let key = |d: &&Diagnostic| {
        d.span.as_ref().map(|s| {
            markdown[s.range.clone()]
                .trim_start_matches('@')
                .to_string()
        })
    };
    let doubtful = |d: &Diagnostic| d.message.contains("right after emphasis");
    let refused = diagnostics
        .iter()
        .filter(|d| {
            (d.code == Code::InvalidField && d.message.contains("holds a citation"))
                || (d.code == Code::Syntax && d.message.starts_with("`@") && !doubtful(d))
        })
        .filter_map(|d| key(&d))
        .collect();
    let after_emphasis = diagnostics
        .iter()
        .filter(|d| doubtful(d))
        .filter_map(|d| key(&d))
        .collect();
    (body, nocite, refused, after_emphasis)
}

/// Every key of `keys` as often as it is cited, whatever the mode, with
/// `more`, sorted.
fn ids(keys: &Keys, more: &[String]) -> Vec<String> {
    let mut out: Vec<String> = keys
        .iter()
        .flat_map(|((id, _), n)| std::iter::repeat_n(id.clone(), *n))
        .chain(more.iter().cloned())
        .collect();
    out.sort();
    out
}

#[test]
fn reads_every_key_pandoc_reads_and_no_other() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/pandoc/citations.json"
    );
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut keys = 0;
    for case in &cases {
        let markdown = case["markdown"].as_str().unwrap();
        let mut body = Keys::new();
        for key in case["keys"].as_array().unwrap() {
            let mode = pandoc_mode(key["mode"].as_str().unwrap());
            *body
                .entry((key["id"].as_str().unwrap().to_string(), mode))
                .or_default() += 1;
            keys += 1;
        }
        let mut nocite = Keys::new();
        let mut elsewhere = Vec::new();
        for key in case["meta"].as_array().unwrap() {
            let id = key["id"].as_str().unwrap().to_string();
            if key["field"] == "nocite" {
                *nocite.entry((id, "NormalCitation")).or_default() += 1;
            } else {
                elsewhere.push(id);
            }
            keys += 1;
        }
        let (our_body, our_nocite, mut refused, after_emphasis) = ours(markdown);
        // Every key Pandoc reads is read under that key, or refused with an
        // error at it (in raw HTML, in a printed front-matter field, after
        // emphasis) ...
        let theirs = ids(&body, &elsewhere);
        for key in after_emphasis {
            let covered = ids(&our_body, &refused);
            let count = |v: &[String]| v.iter().filter(|k| **k == key).count();
            if count(&theirs) > count(&covered) {
                refused.push(key);
            }
        }
        let mine = ids(&our_body, &refused);
        // ... and each one read is cited as Pandoc cites it.
        let modes_agree = our_body
            .iter()
            .all(|(key, n)| body.get(key).is_some_and(|m| m >= n));
        if theirs != mine || !modes_agree || our_nocite != nocite {
            failures.push(format!(
                "{}: {markdown:?}\n  Pandoc: {body:?} nocite {nocite:?} elsewhere {elsewhere:?}\n  dossier: {our_body:?} nocite {our_nocite:?} refused {refused:?}",
                case["origin"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs read otherwise than by Pandoc:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // The corpus is what it claims to be.
    assert!(
        cases.len() >= 140 && keys >= 450,
        "{} inputs, {keys} keys",
        cases.len()
    );
}

/// Random documents: prose with formatting, links, footnotes, lists, quotes,
/// tables and code around citations placed at random, and decoys (`@` in
/// code, addresses, URLs, after a backslash or a word) that are none.
mod generated {
    use proptest::prelude::*;

    use super::*;

    /// A piece of prose: text, or a citation to be found.
    #[derive(Debug, Clone)]
    enum Inline {
        Word(&'static str),
        /// `@key`, or `@{key}` when braced, right after `before` and before
        /// `after`.
        InText {
            key: String,
            braced: bool,
            before: &'static str,
            after: &'static str,
            /// Emphasised on its own: `*@key*`.
            tight: bool,
        },
        /// `[prefix @key, p. 4; -@key2 …]`.
        Bracket(Vec<(Option<&'static str>, bool, String, Option<&'static str>)>),
        Decoy(&'static str),
        Emphasis(Vec<Inline>),
        /// `[text](https://example.org/@x)` around its pieces.
        Link(Vec<Inline>),
        Footnote(Vec<Inline>),
    }

    #[derive(Debug, Clone)]
    enum Block {
        Paragraph(Vec<Inline>),
        Heading(Vec<Inline>),
        Item(Vec<Inline>),
        Quote(Vec<Inline>),
        Table(Vec<Inline>, Vec<Inline>),
        Code,
    }

    const WORDS: &[&str] = &[
        "prisoners",
        "were",
        "moved",
        "at",
        "night",
        "Müller",
        "گزارش",
        "пункт",
        "1988",
        "30,000",
        "(see",
        "below)",
        "“quoted”",
        "it's",
        "—",
        "x.y",
    ];
    const DECOYS: &[&str] = &[
        "`@code [@a]`",
        "name@example.org",
        "https://example.org/@user",
        "<https://example.org/@auto>",
        "<mail@example.org>",
        "\\@escaped",
        "\\[\\@b]",
        "x.@after",
        "word@glued",
        "$x@math$",
        "[^not]",
        "[no citation]",
    ];
    const BEFORE: &[&str] = &["", "(", "«", "-", "/", "“", "word-", "x_", "\\\\"];
    const AFTER: &[&str] = &[" says", ", says", ". Says", ")", "»", "'s", "--", "…"];
    const PREFIXES: &[&str] = &["see", "*cf.*", "also", "compare"];
    const LOCATORS: &[&str] = &["p. 4", "pp. 33-35, 38", "para. 12", "and *passim*", "ch. 2"];

    fn key() -> impl Strategy<Value = String> {
        let first = prop::sample::select(vec!['a', 'Z', '7', '_', 'п', 'گ', '۱', 'é']);
        let regular = prop::sample::select(vec!['b', 'Q', '0', '_', 'ж', 'ز', '۳', 'ü']);
        let internal = prop::sample::select(vec![
            ':', '.', '#', '$', '%', '&', '-', '+', '?', '<', '>', '~', '/',
        ]);
        let segment = (
            prop::option::of(internal),
            prop::collection::vec(regular, 1..3),
        );
        (first, prop::collection::vec(segment, 0..4)).prop_map(|(first, segments)| {
            let mut key = first.to_string();
            for (punct, chars) in segments {
                key.extend(punct);
                key.extend(chars);
            }
            key
        })
    }

    fn inline() -> impl Strategy<Value = Inline> {
        let leaf = prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(Inline::Word),
            2 => (
                key(),
                any::<bool>(),
                prop::sample::select(BEFORE),
                prop::sample::select(AFTER),
                prop::bool::weighted(0.2),
            )
                .prop_map(|(key, braced, before, after, tight)| Inline::InText {
                    key,
                    braced,
                    before,
                    after,
                    tight,
                }),
            2 => prop::collection::vec(
                (
                    prop::option::of(prop::sample::select(PREFIXES)),
                    any::<bool>(),
                    key(),
                    prop::option::of(prop::sample::select(LOCATORS)),
                ),
                1..4,
            )
            .prop_map(Inline::Bracket),
            1 => prop::sample::select(DECOYS).prop_map(Inline::Decoy),
        ];
        leaf.prop_recursive(2, 12, 4, |inner| {
            let pieces = prop::collection::vec(inner, 1..4);
            prop_oneof![
                pieces.clone().prop_map(Inline::Emphasis),
                pieces.clone().prop_map(Inline::Link),
                pieces.prop_map(Inline::Footnote),
            ]
        })
    }

    fn block() -> impl Strategy<Value = Block> {
        let line = || prop::collection::vec(inline(), 1..8);
        prop_oneof![
            4 => line().prop_map(Block::Paragraph),
            1 => line().prop_map(Block::Heading),
            1 => line().prop_map(Block::Item),
            1 => line().prop_map(Block::Quote),
            1 => (line(), line()).prop_map(|(a, b)| Block::Table(a, b)),
            1 => Just(Block::Code),
        ]
    }

    /// The document being written, with each citation's key and where its
    /// `@` is.
    #[derive(Default)]
    struct Writer {
        text: String,
        expected: Vec<(String, usize)>,
        notes: Vec<Vec<Inline>>,
        /// Inside a link, where neither links nor footnotes go.
        in_link: bool,
        /// Writing footnotes, which hold no footnotes.
        in_note: bool,
        /// How deep emphasis nests here: each level has its own delimiter,
        /// as Pandoc reads `**a **b** c**` otherwise than CommonMark.
        emphasis: usize,
    }

    impl Writer {
        fn citation(&mut self, key: &str, braced: bool) {
            self.expected.push((key.to_string(), self.text.len()));
            if braced {
                self.text.push_str(&format!("@{{{key}}}"));
            } else {
                self.text.push('@');
                self.text.push_str(key);
            }
        }

        /// The emphasis delimiter for this depth.
        fn mark(&self) -> &'static str {
            ["**", "*"][self.emphasis % 2]
        }

        fn inlines(&mut self, pieces: &[Inline]) {
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    self.text.push(' ');
                }
                self.inline(piece);
            }
        }

        fn inline(&mut self, piece: &Inline) {
            match piece {
                Inline::Word(w) => self.text.push_str(w),
                Inline::Decoy(d) => self.text.push_str(d),
                // A word after it, so no bracket reads as its locator.
                Inline::InText {
                    key,
                    braced,
                    before,
                    after,
                    tight,
                } => {
                    // Delimiters next to punctuation would pair otherwise.
                    let (mark, before) = if *tight {
                        (self.mark(), "")
                    } else {
                        ("", *before)
                    };
                    self.text.push_str(before);
                    self.text.push_str(mark);
                    self.citation(key, *braced);
                    self.text.push_str(mark);
                    self.text.push_str(after);
                    self.text.push_str(" says");
                }
                Inline::Bracket(items) => {
                    self.text.push('[');
                    for (i, (prefix, suppress, key, locator)) in items.iter().enumerate() {
                        if i > 0 {
                            self.text.push_str("; ");
                        }
                        if let Some(p) = prefix {
                            self.text.push_str(p);
                            self.text.push(' ');
                        }
                        if *suppress {
                            self.text.push('-');
                        }
                        self.citation(key, false);
                        if let Some(l) = locator {
                            self.text.push_str(", ");
                            self.text.push_str(l);
                        }
                    }
                    self.text.push(']');
                }
                Inline::Emphasis(inner) => {
                    let mark = self.mark();
                    self.emphasis += 1;
                    self.text.push_str(mark);
                    self.text.push_str("so ");
                    self.inlines(inner);
                    self.text.push_str(" end");
                    self.text.push_str(mark);
                    self.emphasis -= 1;
                }
                Inline::Link(inner) if self.in_link => self.inlines(inner),
                Inline::Link(inner) => {
                    let was = std::mem::replace(&mut self.in_link, true);
                    self.text.push_str("[link ");
                    self.inlines(inner);
                    self.text.push_str("](https://example.org/@x)");
                    self.in_link = was;
                }
                Inline::Footnote(inner) if !self.in_link && !self.in_note => {
                    self.notes.push(inner.clone());
                    self.text.push_str(&format!("[^n{}]", self.notes.len()));
                }
                Inline::Footnote(inner) => self.inlines(inner),
            }
        }

        fn block(&mut self, block: &Block) {
            match block {
                Block::Paragraph(p) => {
                    self.text.push_str("Text ");
                    self.inlines(p);
                }
                Block::Heading(p) => {
                    self.text.push_str("## Heading ");
                    self.inlines(p);
                }
                Block::Item(p) => {
                    self.text.push_str("- item ");
                    self.inlines(p);
                }
                Block::Quote(p) => {
                    self.text.push_str("> quote ");
                    self.inlines(p);
                }
                Block::Table(a, b) => {
                    self.text.push_str("| one | two |\n|---|---|\n| ");
                    self.inlines(a);
                    self.text.push_str(" | ");
                    self.inlines(b);
                    self.text.push_str(" |");
                }
                Block::Code => self.text.push_str("```\n@code [@block]\n```"),
            }
            self.text.push_str("\n\n");
        }
    }

    fn document(front: &[String], blocks: &[Block]) -> Writer {
        let mut w = Writer::default();
        if !front.is_empty() {
            w.text.push_str("---\ntitle: \"A report\"\nnocite: |\n  ");
            for (i, key) in front.iter().enumerate() {
                if i > 0 {
                    w.text.push_str(", ");
                }
                w.citation(key, false);
            }
            w.text.push_str("\n---\n\n");
        }
        for block in blocks {
            w.block(block);
        }
        w.in_note = true;
        let mut n = 0;
        while n < w.notes.len() {
            let note = w.notes[n].clone();
            n += 1;
            w.text.push_str(&format!("[^n{n}]: Note "));
            w.inlines(&note);
            w.text.push_str("\n\n");
        }
        w
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300),
            rng_seed: proptest::test_runner::RngSeed::Fixed(1988),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn finds_exactly_the_citations_placed(
            front in prop::collection::vec(key(), 0..3),
            blocks in prop::collection::vec(block(), 1..6),
        ) {
            let doc = document(&front, &blocks);
            if let Ok(dir) = std::env::var("DUMP_DIR") {
                let n = std::fs::read_dir(&dir).unwrap().count();
                std::fs::write(format!("{dir}/{n}.md"), &doc.text).unwrap();
                let keys: Vec<&str> = doc.expected.iter().map(|(k, _)| k.as_str()).collect();
                std::fs::write(format!("{dir}/{n}.keys"), keys.join("\n")).unwrap();
            }
            let mut files = Files::new();
            let file = files.add("r.md".as_ref(), doc.text.clone());
            let (report, diagnostics) = report::parse(file, Format::Markdown, &files);
            prop_assert!(diagnostics.is_empty(), "{:?}\n{}", diagnostics, doc.text);
            let mut found: Vec<(String, usize)> = report
                .nocite
                .iter()
                .chain(report.citations())
                .map(|c| (c.id.clone(), c.span.range.start))
                .collect();
            found.sort_by_key(|(_, at)| *at);
            let mut expected = doc.expected.clone();
            expected.sort_by_key(|(_, at)| *at);
            prop_assert_eq!(found, expected, "{}", doc.text);
        }
    }
}
