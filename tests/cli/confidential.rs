//! Confidential sources never reach a public PDF: they are left out before
//! Typst sees the data, citing them is an error, and a scan of the finished
//! PDF refuses every channel a hurried writer might paste them into.
//! Internal builds include them and say so on every page.

use super::support::{Project, attached, normalise, pdf_text};

/// Everything the registry holds about the witness that must stay hidden.
const SECRETS: &[&str] = &[
    "Testimony of a former guard at Gohardasht prison",
    "شهادت نگهبان سابق زندان گوهردشت",
    "intranet.example.org/witness/7781",
    "Karim Hosseini",
    "we hanged prisoners from cranes at night",
    "no names were written down",
];

fn project() -> Project {
    Project::from_fixture("confidential")
}

/// Every string of the PDF file (metadata, bookmarks, link targets) as text.
fn metadata(pdf: &[u8]) -> String {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = String::new();
    for object in document.objects.values() {
        if let lopdf::Object::Dictionary(dict) = object {
            for (_, value) in dict.iter() {
                if let lopdf::Object::String(bytes, _) = value {
                    out.push_str(&String::from_utf8_lossy(bytes));
                    out.push(' ');
                }
            }
        }
    }
    out
}

#[test]
fn a_public_build_leaves_every_confidential_string_out() {
    let project = project();
    project.run(&["build", "report.md"]).expect(0);
    let pdf = project.read("report.pdf").unwrap();
    let text = pdf_text(&pdf);
    // The claim is cited through its public evidence alone.
    assert!(
        text.contains("executed (Amnesty International 2018, p. 12)."),
        "{text}"
    );
    let everything = format!("{text} {}", metadata(&pdf)).to_lowercase();
    for secret in SECRETS.iter().chain(&["tape 2", "Field researcher"]) {
        assert!(
            !everything.contains(&secret.to_lowercase()),
            "{secret:?} leaked: {everything}"
        );
    }
}

#[test]
fn citing_what_is_only_confidential_is_an_error_in_check_and_build() {
    let project = project();
    project.write(
        "direct.md",
        "The witness [@witness-a] and the guards [@guard-account].\n",
    );
    let run = project
        .run(&["check", "direct.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    assert!(
        out.contains(
            "direct.md:1:14: error[confidential-only]: `witness-a` is a confidential source"
        ),
        "{out}"
    );
    assert!(out.contains("direct.md:1:42: error[confidential-only]: every source of claim `guard-account` is confidential"), "{out}");
    project.run(&["build", "direct.md"]).expect(1);
    assert!(project.read("direct.pdf").is_none());
    // For an internal build, citing them is what it is for.
    project.run(&["check", "direct.md", "--internal"]).expect(0);
}

/// Each way a writer might paste confidential text into a report.
const CHANNELS: &[(&str, &str, &str)] = &[
    (
        "prose.md",
        "The guard said: we hanged prisoners from cranes at night [@toll-1988].\n",
        "quote",
    ),
    (
        "heading.md",
        "## Testimony of a former guard at Gohardasht prison\n\nText [@toll-1988].\n",
        "title",
    ),
    (
        "footnote.md",
        "Text[^1] [@toll-1988].\n\n[^1]: He lives under the name Karim Hosseini.\n",
        "note",
    ),
    (
        "table.md",
        "| Account |\n|---|\n| We hanged prisoners from cranes at night |\n\n[@toll-1988]\n",
        "quote",
    ),
    (
        "link.md",
        "See [the tape](https://intranet.example.org/witness/7781) [@toll-1988].\n",
        "URL",
    ),
    (
        "title.md",
        "---\ntitle: \"Testimony of a former guard at Gohardasht prison\"\n---\nText [@toll-1988].\n",
        "title",
    ),
    (
        "keywords.md",
        "---\ntitle: A report\nkeywords: [\"we hanged prisoners from cranes at night\"]\n---\nText [@toll-1988].\n",
        "quote",
    ),
    (
        "alt.md",
        "![We hanged prisoners from cranes at night](chart.png)\n\n[@toll-1988]\n",
        "quote",
    ),
    (
        "code.md",
        "```\nno names were written down\n```\n\n[@toll-1988]\n",
        "quote",
    ),
    (
        "persian.md",
        "متن شهادت نگهبان سابق زندان گوهردشت [@toll-1988].\n",
        "original title",
    ),
    (
        "bare-url.md",
        "The file is at intranet.example.org/witness/7781 [@toll-1988].\n",
        "URL",
    ),
    (
        "wrapped.md",
        "| x |\n|---|\n| Testimony of a former guard at Gohardasht prison, and words enough to wrap it |\n\n[@toll-1988]\n",
        "title",
    ),
    (
        "hidden.typ",
        "#text(fill: white, size: 1pt)[WE HANGED PRISONERS FROM CRANES AT NIGHT] @toll-1988\n",
        "quote",
    ),
    (
        "metadata.typ",
        "#set document(keywords: (\"Testimony of a former guard at Gohardasht prison\",))\n@toll-1988\n",
        "title",
    ),
    (
        "tiling.typ",
        "#rect(width: 100%, height: 30pt, fill: tiling(size: (400pt, 30pt))[Interviewed in Erbil; lives under the name Karim Hosseini])\n@toll-1988\n",
        "note",
    ),
    (
        "page-fill.typ",
        "#set page(fill: tiling(size: (300pt, 20pt), text(size: 6pt)[Interviewed in Erbil; lives under the name Karim Hosseini]))\nText @toll-1988\n",
        "note",
    ),
    (
        "sketch.md",
        "![A sketch](sketch.svg)\n\n[@toll-1988]\n",
        "note",
    ),
    (
        "photo.md",
        "![A courtyard](photo.jpg)\n\n[@toll-1988]\n",
        "note",
    ),
    (
        "attachment.typ",
        "#pdf.attach(\"notes.txt\", bytes(\"no names were written down\"))\n@toll-1988\n",
        "quote",
    ),
];

#[test]
fn every_channel_of_a_leak_is_refused_without_printing_the_secret() {
    let project = project();
    std::fs::copy(
        super::support::data("features/chart.png"),
        project.path().join("chart.png"),
    )
    .unwrap();
    // A JPEG goes into the PDF as it is, with the comment in its header.
    std::fs::copy(
        super::support::data("confidential/photo.jpg"),
        project.path().join("photo.jpg"),
    )
    .unwrap();
    // Text in an SVG image is text in the PDF, not in Typst's layout.
    project.write(
        "sketch.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"40\"><text x=\"5\" y=\"25\" font-size=\"12\">Interviewed in Erbil; lives under the name Karim Hosseini</text></svg>",
    );
    for (name, text, field) in CHANNELS {
        project.write(name, text);
        let run = project.run(&["build", name, "--format", "short"]);
        let out = run.stdout() + &run.stderr();
        assert_eq!(run.code(), 1, "{name} was not refused: {out}");
        assert!(
            out.contains("error[confidential-leak]") && out.contains("`witness-a`"),
            "{name}: {out}"
        );
        assert!(
            out.contains(&format!("{field} ")) || out.contains("quote of"),
            "{name}: {out}"
        );
        let pdf = format!("{}.pdf", name.rsplit_once('.').unwrap().0);
        assert!(project.read(&pdf).is_none(), "{name} wrote {pdf}");
        for secret in SECRETS {
            assert!(
                !normalise(&out)
                    .to_lowercase()
                    .contains(&secret.to_lowercase()),
                "{name} printed {secret:?}: {out}"
            );
        }
    }
}

#[test]
fn the_document_of_a_public_build_cannot_read_the_registry() {
    let project = project();
    project.write("read.typ", "#raw(read(\"sources.toml\"))\n@toll-1988\n");
    let run = project.run(&["build", "read.typ"]).expect(1);
    assert!(
        run.stderr()
            .contains("is part of the registry or a capture"),
        "{}",
        run.stderr()
    );
    assert!(project.read("read.pdf").is_none());
}

#[test]
fn an_internal_build_includes_everything_and_says_so_on_every_page() {
    let project = project();
    project.run(&["build", "report.md"]).expect(0);
    let public = project.read("report.pdf").unwrap();
    let long = format!(
        "---\ntitle: Executions of 1988\n---\n{}",
        "Thousands were executed [@toll-1988]. Guards kept no record [@guard-account].\n\n"
            .repeat(60)
    );
    project.write("report.md", &long);
    let run = project.run(&["build", "report.md", "--internal"]).expect(0);
    assert!(
        run.stderr().contains("built report.internal.pdf"),
        "{}",
        run.stderr()
    );
    // The public PDF is a different file and stays as it was.
    assert_eq!(project.read("report.pdf").unwrap(), public);
    let pdf = project.read("report.internal.pdf").unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages.len() >= 3, "{}", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert!(
            normalise(page).contains("INTERNAL — contains confidential sources"),
            "page {}: {page}",
            i + 1
        );
    }
    let text = pdf_text(&pdf);
    assert!(text.contains("(Amnesty International 2018, p. 12; “Testimony of a Former Guard at Gohardasht Prison,” tape 2)"), "{text}");
    let meta = metadata(&pdf);
    assert!(meta.contains("INTERNAL"), "{meta}");
}

#[test]
fn capture_records_the_file_and_keeps_the_registry_as_written() {
    let project = project();
    let page = "<html>Blood-soaked secrets: at least 5,000 prisoners</html>\n";
    project.write("saved/amnesty.html", page);
    let before = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    let mut command = super::support::dossier();
    command
        .args(["capture", "amnesty-2018", "saved/amnesty.html"])
        .current_dir(project.path())
        .env("SOURCE_DATE_EPOCH", "1763700000");
    assert!(command.output().unwrap().status.success());
    let after = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    // Comments and every other line are as they were.
    assert!(after.starts_with("# A registry with a confidential witness."));
    for line in before.lines() {
        assert!(after.contains(line), "lost {line:?}");
    }
    let hash = super::support::sha256(page.as_bytes());
    assert!(
        after.contains(&format!(
            "capture = \"captures/amnesty-2018-{}.html\"",
            &hash[..12]
        )),
        "{after}"
    );
    assert!(after.contains(&format!("sha256 = \"{hash}\"")), "{after}");
    assert!(
        after.contains("captured-at = 2025-11-21T04:40:00Z"),
        "{after}"
    );
    assert!(
        project
            .read(&format!("captures/amnesty-2018-{}.html", &hash[..12]))
            .is_some()
    );
    project.run(&["check"]).expect(0);
    // A second capture of the same file changes nothing.
    assert!(command.output().unwrap().status.success());
    assert_eq!(
        std::fs::read_to_string(project.path().join("sources.toml")).unwrap(),
        after
    );
    // capture-mismatch protects it from then on.
    project.write(
        &format!("captures/amnesty-2018-{}.html", &hash[..12]),
        "<html>edited</html>\n",
    );
    let run = project.run(&["check", "--format", "short"]).expect(1);
    assert!(
        run.stdout()
            .contains("error[capture-mismatch]: the capture of `amnesty-2018` has changed"),
        "{}",
        run.stdout()
    );
}

#[test]
fn capture_refuses_unknown_ids_and_broken_registries_without_writing() {
    let project = project();
    project.write("page.html", "<html></html>\n");
    let run = project
        .run(&["capture", "amnesty-2081", "page.html"])
        .expect(2);
    assert!(
        run.stderr().contains("did you mean `amnesty-2018`?"),
        "{}",
        run.stderr()
    );
    let run = project
        .run(&["capture", "amnesty-2018", "missing.html"])
        .expect(2);
    assert!(
        run.stderr().contains("cannot read missing.html"),
        "{}",
        run.stderr()
    );
    let broken = "[sources.amnesty-2018]\ntitle = \"Blood-soaked secrets\n";
    project.write("sources.toml", broken);
    let run = project
        .run(&["capture", "amnesty-2018", "page.html"])
        .expect(1);
    assert!(run.stderr().contains("error[syntax]"), "{}", run.stderr());
    assert_eq!(
        std::fs::read_to_string(project.path().join("sources.toml")).unwrap(),
        broken
    );
}

#[test]
fn the_details_of_a_confidential_source_are_needles_too() {
    let project = project();
    let registry = String::from_utf8(project.read("sources.toml").unwrap())
        .unwrap()
        .replace(
            "title = \"Testimony of a former guard at Gohardasht prison\"",
            "title = \"Testimony of a <i>former guard</i> at {Gohardasht} prison\"\n\
             translators = [\"Rahimi, Shirin\"]\neditors = [\"Najafi, Dariush\"]\n\
             call-number = \"BOX-7781-GH\"\ncontainer = \"Field tapes\"",
        );
    project.write("sources.toml", &registry);
    for (name, text, field) in [
        (
            "title.md",
            "The testimony of a former guard at Gohardasht prison [@toll-1988].\n",
            "title",
        ),
        (
            "translator.md",
            "Translated by Shirin Rahimi [@toll-1988].\n",
            "`translators`",
        ),
        (
            "editor.md",
            "Edited by Dariush Najafi [@toll-1988].\n",
            "`editors`",
        ),
        // Raw HTML between the names prints as their text.
        (
            "html.md",
            "Edited by Dariush <i>Najafi</i> [@toll-1988].\n",
            "`editors`",
        ),
        (
            "call.md",
            "Kept as BOX-7781-GH [@toll-1988].\n",
            "`call-number`",
        ),
    ] {
        project.write(name, text);
        let run = project.run(&["build", name, "--format", "short"]);
        let out = run.stdout() + &run.stderr();
        assert_eq!(run.code(), 1, "{name} was not refused: {out}");
        assert!(
            out.contains("error[confidential-leak]") && out.contains(field),
            "{name}: {out}"
        );
    }
    // The container names no one: citing a public source in it is fine.
    project.write("public.md", "Field tapes were kept [@toll-1988].\n");
    project.run(&["build", "public.md"]).expect(0);
}

/// The evidence a PDF carries: the cited claims and their public evidence,
/// the sources with their captures, the check; never what is confidential,
/// which an internal build carries and says so.
#[test]
fn the_evidence_attached_to_a_public_build_holds_nothing_confidential() {
    let project = project();
    project.run(&["build", "report.md"]).expect(0);
    let pdf = project.read("report.pdf").unwrap();
    let files = attached(&pdf);
    assert_eq!(
        files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["evidence.json"]
    );
    let text = String::from_utf8(files[0].1.clone()).unwrap();
    let evidence: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(evidence["internal"], false, "{text}");
    assert_eq!(evidence["check"]["errors"], 0, "{text}");
    assert!(
        evidence["claims"]
            .as_object()
            .is_some_and(|c| !c.is_empty()),
        "{text}"
    );
    assert!(
        evidence["sources"]["amnesty-2018"]["title"].is_string(),
        "{text}"
    );
    for secret in SECRETS.iter().chain(&["witness-a"]) {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "{secret:?} in {text}"
        );
    }

    project.run(&["build", "report.md", "--internal"]).expect(0);
    let files = attached(&project.read("report.internal.pdf").unwrap());
    let text = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(text.contains("\"internal\": true"), "{text}");
    assert!(text.contains("witness-a"), "{text}");

    // PDF/A-2 allows no attached file: the build carries none.
    project
        .run(&[
            "build",
            "report.md",
            "--pdf-standard",
            "a-2b",
            "-o",
            "a2.pdf",
        ])
        .expect(0);
    assert!(attached(&project.read("a2.pdf").unwrap()).is_empty());
}

/// The check that an internal build marks every page reads pages as the
/// leak scan does: a report that takes the background away fails, and the
/// mark painted by a page's tiling fill counts as shown.
#[test]
fn the_internal_mark_is_looked_for_where_the_leak_scan_looks() {
    let project = project();
    project.write(
        "bare.typ",
        "#set page(background: none)\nThousands were executed @guard-account.\n",
    );
    let run = project.run(&["build", "bare.typ", "--internal"]).expect(1);
    assert!(
        run.stderr().contains("of the internal build does not show"),
        "{}",
        run.stderr()
    );
    assert!(!project.path().join("bare.internal.pdf").exists());
    project.write(
        "tiled.typ",
        "#set page(background: none, fill: tiling(size: (400pt, 20pt), text(size: 8pt)[INTERNAL — contains confidential sources]))\nThousands were executed @guard-account.\n",
    );
    project.run(&["build", "tiled.typ", "--internal"]).expect(0);
}
