//! Names, terms and messages: how confidential names are searched, what is
//! not a secret, and what is printed about a public build.

use dossier::render::leak::Field;

use super::{is, layers, project, refused};

#[test]
fn what_is_printed_about_a_public_build_never_shows_a_secret() {
    let project = project(
        "direct.md",
        "Witness W-017 (Testimony of witness Quillfeather W-017) said so [@secret-w17].\n\nVarnhold was there [@mixd].\n",
    );
    for args in [
        &["check", "direct.md"][..],
        &["build", "direct.md"],
        &["check", "direct.md", "--format", "sarif"],
    ] {
        let run = project.run(args).expect(1);
        let out = run.stdout() + &run.stderr();
        assert!(out.contains("direct.md"), "{args:?}: {out}");
        for secret in ["Quillfeather", "Varnhold"] {
            assert!(!out.contains(secret), "{args:?} printed {secret}: {out}");
        }
    }
    // A message Typst makes of computed text.
    project.write("panic.typ", "#panic(\"dlohnraV\".rev())\n");
    let run = project.run(&["build", "panic.typ"]).expect(1);
    assert!(!run.stderr().contains("Varnhold"), "{}", run.stderr());
    assert!(run.stderr().contains("withheld"), "{}", run.stderr());
    // A registry error inside a confidential source.
    let registry = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    project.write(
        "sources.toml",
        &registry.replace("short-title = \"W-017\"", "short-tittle = \"W-017\""),
    );
    let run = project.run(&["check"]).expect(1);
    assert!(
        run.stdout().contains("error[invalid-field]"),
        "{}",
        run.stdout()
    );
    assert!(!run.stdout().contains("W-017"), "{}", run.stdout());
    project.write("sources.toml", &registry);
    // list and show keep confidential fields back unless asked.
    for args in [
        &["list", "sources"][..],
        &["show", "secret-w17"],
        &["show", "mixed"],
        &["list", "sources", "--format", "json"],
    ] {
        let out = project.run(args).expect(0).stdout();
        for secret in ["Quillfeather", "intranet", "Lale", "midnight"] {
            assert!(!out.contains(secret), "{args:?} printed {secret}: {out}");
        }
    }
    let out = project
        .run(&["show", "secret-w17", "--internal"])
        .expect(0)
        .stdout();
    assert!(out.contains("Quillfeather"), "{out}");
}

#[test]
fn reordered_common_words_and_longer_words_are_not_secrets() {
    let project = super::super::support::Project::new();
    project.write(
        "sources.toml",
        r#"
[sources.pub-a]
type = "report"
title = "Public account"
url = "https://www.example.org/view?id=12"

[sources.secret]
type = "manuscript"
title = "Mass graves in Khavaran"
short-title = "Interview 3"
url = "https://example.org/doc/1"
redact = ["Mohammadi"]
note = "Yes, I was there, it was cold."
confidential = true

[claims.c]
statement = "Something happened."
evidence = [{ source = "pub-a" }, { source = "secret", quote = "They took us, all of us, to the yard" }]
"#,
    );
    project.write(
        "fine.md",
        "Families visit Khavaran. Mass graves were found there in 1988 [@c]. \
         In Khavaran, families found mass graves. Interview 30 was published. \
         Mohammadinejad and Mohammadieh are other names. He said it was cold; \
         all of us went. See https://example.org/doc/10 and https://example.org/doc/1-public \
         and https://www.example.org/view?id=1.\n",
    );
    let (before, after) = layers(&project, "fine.md");
    assert!(before.is_empty(), "{before:?}");
    assert!(after.is_empty(), "{after:?}");
    project.run(&["build", "fine.md"]).expect(0);
    // The same words in the title's order are the title.
    project.write("leak.md", "Mass graves in Khavaran [@c].\n");
    project.run(&["build", "leak.md"]).expect(1);
}

#[test]
fn names_are_found_in_either_order_and_codes_by_their_plural() {
    let project = project("start.md", "Text [@mixed].\n");
    for (name, text, field) in [
        (
            "name.md",
            "Text [@mixed]. As Lale Ardent said.\n",
            Field::Author,
        ),
        (
            "reversed.md",
            "Text [@mixed]. Ardent, Lale (2019) said.\n",
            Field::Author,
        ),
        (
            "plural.md",
            "Text [@mixed]. The W-017s were heard.\n",
            Field::ShortTitle,
        ),
        (
            "footnote-mark.md",
            "Text [@mixed]. The Varn[^1]hold case.\n\n[^1]: A note.\n",
            Field::Redact,
        ),
    ] {
        project.write(name, text);
        let (before, after) = layers(&project, name);
        assert!(before.iter().any(|f| is(f, field)), "{name}: {before:?}");
        assert!(after.iter().any(|f| is(f, field)), "{name}: {after:?}");
    }
}

/// A registry of one public source and one confidential witness, with
/// `fields` added to the witness.
fn witness(fields: &str) -> super::super::support::Project {
    let project = super::super::support::Project::new();
    project.write(
        "sources.toml",
        &format!(
            r#"
[sources.pub-a]
type = "report"
title = "Public account"
authors = [{{ org = "Amnesty International" }}]
date = "2018"

[sources.witness]
type = "manuscript"
title = "Interview transcript, tape 4"
{fields}
confidential = true

[claims.c]
statement = "Something happened."
evidence = [{{ source = "pub-a" }}, {{ source = "witness", quote = "we were blindfolded - they took the men to the yard at night - nobody came back" }}]
"#
        ),
    );
    project
}

#[test]
fn names_written_any_way_a_registry_allows_are_searched() {
    for (authors, text) in [
        (
            r#"authors = ["Lale Ardent"]"#,
            "We met Lale Ardent in Erbil.",
        ),
        (
            r#"authors = ["Ardent, Lale and Karimi, Leila"]"#,
            "We met Leila Karimi.",
        ),
        (
            r#"authors = ["Ardent, Lale; Karimi, Leila"]"#,
            "We met Karimi, Leila.",
        ),
        (
            r#"authors = ["Karimi, Mohammad-Reza"]"#,
            "We interviewed Mohammad Karimi.",
        ),
    ] {
        let project = witness(authors);
        project.write("r.md", &format!("{text} [@c]\n"));
        let run = project
            .run(&["build", "r.md", "--format", "short"])
            .expect(1);
        assert!(
            run.stdout()
                .contains("the author's name of confidential source `witness`"),
            "{authors}: {}",
            run.stdout()
        );
    }
    // A clause between spaced dashes is a clause.
    let project = witness("");
    project.write(
        "q.md",
        "Survivors say they took the men to the yard at night [@c].\n",
    );
    project.run(&["build", "q.md"]).expect(1);
}

#[test]
fn ordinary_prose_about_other_people_builds() {
    let project = witness(
        r#"authors = ["Karimi, Leila", "Rahimi, Ali"]
short-title = "Witness A"
redact = ["Blackwater", "Newman", "Interview"]
note = "Met near the river; it was cold."
url = "https://intranet.example.org/witness/17"
"#,
    );
    project.write("karimi-1.png", "");
    std::fs::copy(
        super::super::support::data("features/chart.png"),
        project.path().join("karimi-1.png"),
    )
    .unwrap();
    let reports = [
        (
            "list.md",
            "The commission had three members [@c]:\n\n1. Karimi, the deputy prosecutor;\n2. Rahimi, the judge.\n\n| No. | Official |\n|---|---|\n| 1 | Karimi |\n",
        ),
        (
            "notes.md",
            "Signed by the deputy prosecutor Karimi[^1] in July [@c].\n\n[^1]: Amnesty International, 2018.\n",
        ),
        (
            "words.md",
            "A witness described the yard [@c]. We collected 3 witness statements. The convoy took bearing 017 W. Mohammad-Reza Rahimi, a former vice-president, was convicted. The scholar Leila Karimi-Hakkak wrote about it. Il exprima l'ardent désir. The black water of the marsh; he was a new man. The camp lies near the river.\n",
        ),
        (
            "image.md",
            "The deputy prosecutor [@c].\n\n![The deputy prosecutor in 1988](karimi-1.png)\n",
        ),
        (
            "neighbours.md",
            "The town is called Leila. Karimi supporters came [@c]. Speakers: Kaya, Leila; Karimi, Tom. Form Witness A1 and form Witness Ab were filed.\n",
        ),
        (
            "columns.typ",
            "#set page(columns: 2)\nThe commission met in July @c. \\ Present was the deputy minister Rahimi \\ and several judges.\n#colbreak()\nThe archives stayed closed. \\ a decade later researchers came \\ and found the ledgers.\n",
        ),
    ];
    for (name, text) in reports {
        project.write(name, text);
        let run = project.run(&["build", name, "--format", "short"]);
        assert_eq!(run.code(), 0, "{name} refused: {}", run.stdout());
    }
}

#[test]
fn messages_about_a_confidential_source_quote_nothing_of_it() {
    let project = witness(
        r#"url = "intranet.example.org/witness/17"
authors = ["Karimi, Leila, Ardent, Lale"]"#,
    );
    project.write("r.md", "Text [@c].\n");
    for format in ["human", "short", "json", "sarif", "github"] {
        let run = project
            .run(&["check", "r.md", "--format", format])
            .expect(1);
        let out = run.stdout() + &run.stderr();
        assert!(out.contains("invalid-field"), "{format}: {out}");
        for secret in ["intranet", "Karimi", "Ardent"] {
            assert!(!out.contains(secret), "{format} printed {secret}: {out}");
        }
    }
}

#[test]
fn public_entries_quoting_a_secret_are_printed_withheld() {
    let project = witness(r#"redact = ["Varnhold"]"#);
    let registry = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    project.write(
        "sources.toml",
        &registry.replace(
            "title = \"Public account\"",
            "title = \"The Varnhold file\"\nnote = \"Varnhold said so\"\ndoi = \"10.1000/Varnhold9\"\nisbn = \"978-3-16-148410-0\"",
        ),
    );
    // A term that is an ISBN's digits is searched in the ISBN too.
    let registry = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    project.write(
        "sources.toml",
        &registry.replace(
            r#"redact = ["Varnhold"]"#,
            r#"redact = ["Varnhold", "148410"]"#,
        ),
    );
    for args in [
        &["list", "sources"][..],
        &["show", "pub-a"],
        &["export", "--format", "bibtex"],
        &["export", "--format", "csl-json"],
    ] {
        let run = project.run(args).expect(0);
        assert!(
            !run.stdout().contains("Varnhold") && !run.stdout().contains("148410"),
            "{args:?}: {}",
            run.stdout()
        );
        assert!(
            run.stdout().contains("withheld"),
            "{args:?}: {}",
            run.stdout()
        );
    }
    let out = project
        .run(&["show", "pub-a", "--internal"])
        .expect(0)
        .stdout();
    assert!(out.contains("Varnhold"), "{out}");
}

#[test]
fn a_snippet_never_shows_the_part_of_a_quote_on_its_line() {
    // The quote runs over two lines; an unrelated error on the second line
    // must not print that line, which holds most of the quote.
    let project = project("snippet", "");
    project.write(
        "r.md",
        "The witness told us that they\ncame for us after midnight and took the men to the yard [@mixd].\n",
    );
    for format in ["human", "short", "json", "github"] {
        let run = project
            .run(&["check", "r.md", "--format", format])
            .expect(1);
        let out = run.stdout() + &run.stderr();
        assert!(out.contains("unknown-id"), "{format}: {out}");
        assert!(out.contains("confidential-leak"), "{format}: {out}");
        assert!(!out.contains("after midnight"), "{format}: {out}");
    }
    // Away from any quote, the same error shows its line.
    project.write("r.md", "Prisoners were moved at night [@mixd].\n");
    let out = project.run(&["check", "r.md"]).expect(1).stdout();
    assert!(out.contains("moved at night [@mixd]"), "{out}");
}

#[test]
fn letters_hidden_by_their_ground_do_not_split_a_word() {
    // A decoy letter inside the word, of the colour of what lies beneath it
    // or covered by a shape painted over it: the page reads "Varnhold".
    let decoys = [
        "#set page(fill: yellow)\nVarn#box(width: 0pt, text(fill: yellow)[x])hold",
        "Varn#box(width: 0pt)[x#place(top + left, dx: -0.1em, dy: -0.3em, rect(width: 0.8em, height: 1.3em, fill: white))]hold",
        "#block(fill: black, inset: 4pt)[#text(fill: white)[Varn]#box(width: 0pt, text(fill: black)[x])#text(fill: white)[hold]]",
        "#rect(fill: blue)[Varn#box(width: 0pt, text(fill: blue)[x])hold]",
        "#table(columns: 1, fill: red, [Varn#box(width: 0pt, text(fill: red)[x])hold])",
    ];
    let project = project("start.typ", "");
    for (i, decoy) in decoys.iter().enumerate() {
        let name = format!("d{i}.typ");
        project.write(&name, &format!("Text @mixed\n\n{decoy}\n"));
        let (_, after) = layers(&project, &name);
        assert!(
            after.iter().any(|f| is(f, Field::Redact)),
            "{decoy}: {after:?}"
        );
        refused(&project, &name);
    }
    // Ink that stands out from its ground still splits words.
    project.write(
        "plain.typ",
        "Text @mixed\n\n#block(fill: black, inset: 4pt)[#text(fill: white)[Varn]#text(fill: yellow)[x]#text(fill: white)[hold]]\n",
    );
    let (_, after) = layers(&project, "plain.typ");
    assert!(!after.iter().any(|f| is(f, Field::Redact)), "{after:?}");
}

#[test]
fn hyphenated_terms_are_found_written_with_a_space() {
    let project = witness(r#"redact = ["Mohammadi-Nejad"]"#);
    for text in [
        "Mohammadi Nejad spoke.",
        "Mohammadi\nNejad spoke.",
        "Mohammadi - Nejad spoke.",
        "Mohammadi–Nejad spoke.",
    ] {
        project.write("r.md", &format!("Text [@c]. {text}\n"));
        let run = project.run(&["build", "r.md"]).expect(1);
        let out = run.stdout() + &run.stderr();
        assert!(out.contains("confidential-leak"), "{text}: {out}");
        assert!(!project.path().join("r.pdf").exists(), "{text}");
    }
}

/// `show` quotes a public capture's closest passage only when it holds
/// nothing confidential: a witness's term, name or title there is withheld.
#[test]
fn show_never_quotes_a_capture_passage_that_holds_a_secret() {
    let project = super::super::support::Project::new();
    let capture = "Line one.\nThe informant ZQX-991 met the press on Tuesday.\nEnd.\n";
    project.write("captures/p.txt", capture);
    let hash = super::super::support::sha256(capture.as_bytes());
    project.write(
        "sources.toml",
        &format!(
            r#"[sources.w1]
type = "web"
title = "Secret Witness Testimony"
confidential = true
redact = ["ZQX-991"]

[sources.p]
type = "web"
title = "Public"
capture = "captures/p.txt"
sha256 = "{hash}"

[claims.c]
statement = "The informant met the press."
evidence = [{{ source = "p", quote = "The informant met the press on Wednesday" }}]
"#
        ),
    );
    for args in [&["show", "c"][..], &["show", "c", "--format", "json"]] {
        let out = project.run(args).expect(0).stdout();
        assert!(!out.contains("ZQX-991"), "{args:?}: {out}");
        assert!(out.contains("withheld"), "{args:?}: {out}");
    }
    let out = project.run(&["show", "c", "--internal"]).expect(0).stdout();
    assert!(out.contains("ZQX-991"), "{out}");
}
