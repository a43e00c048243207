//! One case per family of leak found by trying the scan as an adversary and
//! as a careless author: boxes, out-of-order placement, attachments and
//! archives, EXIF, an embedded internal PDF, Unicode, quotes, right-to-left
//! text, URL forms, short titles, the registry by another path, policies.
//! Each says which layer must find it alone; the binary must refuse it.

use std::io::Write;

use dossier::render::leak::Field;

use super::{is, layers, project, refused};

/// Which layers must each find a case on their own.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layers {
    /// Both: ordinary writing, or a file both the reader and the document see.
    Both,
    /// Only after layout: text that exists only once Typst has computed it.
    After,
}

struct Case {
    name: &'static str,
    text: String,
    field: Field,
    layers: Layers,
}

fn case(name: &'static str, text: &str, field: Field, layers: Layers) -> Case {
    Case {
        name,
        text: text.to_string(),
        field,
        layers,
    }
}

fn cases() -> Vec<Case> {
    use Field::*;
    use Layers::*;
    let filler =
        "Prisoners were moved between prisons at night, families say, and nobody was told where. "
            .repeat(3);
    vec![
        // Boxes and out-of-order placement.
        case(
            "box.typ",
            "Text @mixed. #box[Testimony of witness] Quillfeather W-017 says.\n",
            Title,
            Both,
        ),
        case(
            "stack.typ",
            "Text @mixed.\n\n#stack(dir: rtl, spacing: 4pt, [Quillfeather W-017], [Testimony of witness])\n",
            Title,
            After,
        ),
        case(
            "place.typ",
            "Text @mixed.\n\n#block(height: 3em)[#place(dx: 8em)[Quillfeather W-017]#place(dx: 0em)[Testimony of witness]]\n",
            Title,
            After,
        ),
        case(
            "letters.typ",
            "Text @mixed. #stack(dir: rtl, ..\"dlohnraV\".clusters()) case.\n",
            Redact,
            After,
        ),
        case(
            "mirror.typ",
            "Text @mixed. #scale(x: -100%)[#for c in \"dlohnraV\".clusters() { box(scale(x: -100%, c)) }] case.\n",
            Redact,
            After,
        ),
        case(
            "invisible.typ",
            "Text @mixed. The Varn#text(size: 0pt)[x]hold and Varn#box(width: 0pt, clip: true)[y]hold and Varn#text(fill: white)[z]hold case.\n",
            Redact,
            After,
        ),
        case(
            "override.md",
            "Text [@mixed]. Title: \u{202E}710-W rehtaeflliuQ ssentiw fo ynomitseT\u{202C}.\n",
            Title,
            Both,
        ),
        case(
            "rotate.typ",
            "Text @mixed. #rotate(180deg)[Testimony of witness Quillfeather W-017]\n",
            Title,
            Both,
        ),
        // Computed text: only what Typst makes of it shows the title.
        case(
            "upper.typ",
            "Text @mixed. #upper(\"testimony of \" + \"witness quill\" + \"feather w-017\")\n",
            Title,
            After,
        ),
        case(
            "join.typ",
            "#let parts = (\"Quill\", \"feather\")\nText @mixed. Testimony of witness #parts.join() W-0#str(17).\n",
            Title,
            After,
        ),
        case(
            "numbers.typ",
            "#let n = 17\nText @mixed. The informant W-0#n testified.\n",
            ShortTitle,
            After,
        ),
        // Markdown as a writer types it.
        case(
            "md-emphasis.md",
            &format!(
                "{filler}As the *Testimony* of **witness** *Quill*feather W-017 says [@mixed].\n"
            ),
            Title,
            Both,
        ),
        case(
            "md-link.md",
            &format!(
                "{filler}See [the Testimony of witness](https://example.org) Quillfeather W-017 [@mixed].\n"
            ),
            Title,
            Both,
        ),
        case(
            "md-footnote.md",
            &format!(
                "Text [@mixed].[^1]\n\n[^1]: {filler} As the Testimony of witness Quillfeather W-017 says.\n"
            ),
            Title,
            Both,
        ),
        case(
            "md-quote.md",
            &format!(
                "One survivor [@mixed] said: \"They came for us after midnight, and took the men to the yard.\" {filler}\n"
            ),
            Quote,
            Both,
        ),
        case(
            "md-table.md",
            "| Source | Said |\n|---|---|\n| W-017 | nothing |\n\nText [@mixed].\n",
            ShortTitle,
            Both,
        ),
        case(
            "md-list.md",
            &format!("- {filler} Testimony of witness Quillfeather W-017\n- Text [@mixed]\n"),
            Title,
            Both,
        ),
        case(
            "md-code.md",
            "Text [@mixed]. The file is `Varnhold.txt`.\n",
            Redact,
            Both,
        ),
        case(
            "md-letterspaced.md",
            "Text [@mixed]. The name was V a r n h o l d, spelt out.\n",
            Redact,
            Both,
        ),
        case(
            "md-html.md",
            "Text [@mixed]. Quill<span>feather</span> W-017 &amp; friends.\n",
            ShortTitle,
            Both,
        ),
        case(
            "md-entity.md",
            "Text [@mixed]. The Testimony of witness Quill&#102;eather W&#x2D;017.\n",
            Title,
            Both,
        ),
        // Unicode: case, look-alikes, quote marks, apostrophes, scripts.
        case(
            "upper-md.md",
            "TEXT [@mixed]. THE TESTIMONY OF WITNESS QUILLFEATHER W-017.\n",
            Title,
            Both,
        ),
        case(
            "confusable.md",
            "Text [@mixed]. Testimony of witness Quіllfeаther W-017.\n",
            Title,
            Both,
        ),
        case(
            "guillemets.md",
            "Text [@mixed]. ‹Testimony› of «witness» Quill’feather `W–017`.\n",
            Title,
            Both,
        ),
        case(
            "apostrophes.md",
            "Text [@mixed]. Testimony of witness Quillʼfeather´ W-017.\n",
            Title,
            Both,
        ),
        case(
            "arabic-letters.md",
            "Text [@mixed]. شهادت شاهد كويلفدر ١٧.\n",
            OriginalTitle,
            Both,
        ),
        case(
            "persian-in-english.md",
            "An English report [@mixed] quoting شهادت شاهد کویلفدر ۱۷ in its own script.\n",
            OriginalTitle,
            Both,
        ),
        case(
            "rtl-typst.typ",
            "#set text(lang: \"fa\", dir: rtl)\nمتن @mixed شهادت شاهد کویلفدر 17 و باقی متن\n",
            OriginalTitle,
            Both,
        ),
        case(
            "zero-width.md",
            "Text [@mixed]. Testimony of witness Quill\u{200B}feather W\u{2060}-017.\n",
            Title,
            Both,
        ),
        // Short titles and redact terms, as whole words.
        case(
            "short.md",
            "Text [@mixed]. Source W-017 said so.\n",
            ShortTitle,
            Both,
        ),
        case(
            "phone.md",
            "Text [@mixed]. Call +98 (21) 555-0134.\n",
            Redact,
            Both,
        ),
        // URLs in every form duplicate-source calls the same.
        case(
            "url-slash.md",
            "Text [@mixed]. <https://intranet.example.org/witness/17/>\n",
            Url,
            Both,
        ),
        case(
            "url-www.md",
            "Text [@mixed]. See [here](http://www.intranet.example.org/witness/17).\n",
            Url,
            Both,
        ),
        case(
            "url-utm.md",
            "Text [@mixed]. See [here](https://intranet.example.org/witness/17?utm_source=mail&utm_medium=x).\n",
            Url,
            Both,
        ),
        case(
            "url-fragment.md",
            "Text [@mixed]. See [here](https://intranet.example.org/witness/17#tape).\n",
            Url,
            Both,
        ),
        case(
            "url-encoded.md",
            "Text [@mixed]. See [here](https://intranet.example.org/%77itness/17).\n",
            Url,
            Both,
        ),
        case(
            "url-dots.md",
            "Text [@mixed]. See [here](https://intranet.example.org:443/./witness//17).\n",
            Url,
            Both,
        ),
        case(
            "url-host-dot.md",
            "Text [@mixed]. See [here](https://intranet.example.org./witness/17).\n",
            Url,
            Both,
        ),
        case(
            "url-bare.md",
            "Text [@mixed]. The tape is at intranet.example.org/witness/17 now.\n",
            Url,
            Both,
        ),
        case(
            "url-deeper.md",
            "Text [@mixed]. See [here](https://intranet.example.org/witness/17/tape-2.mp3).\n",
            Url,
            Both,
        ),
        case(
            "url-punycode.md",
            "Text [@mixed]. See [here](https://xn--bcher-archiv-dlb.example/tape-17).\n",
            Archived,
            Both,
        ),
        case(
            "url-unicode-text.md",
            "Text [@mixed]. The copy is at bücher-archiv.example/tape%2D17 today.\n",
            Archived,
            Both,
        ),
        case(
            "url-percent.typ",
            "Text @mixed. #link(\"https://b%C3%BCcher-archiv.example/tape%2D17\")[the copy]\n",
            Archived,
            Both,
        ),
        // Metadata and attachments made in Typst.
        case(
            "keywords.typ",
            "#set document(keywords: (\"Quillfeather W-017\",))\nText @mixed\n",
            ShortTitle,
            Both,
        ),
        case(
            "attach-bytes.typ",
            "#pdf.attach(\"n.txt\", bytes(\"Testimony of \" + \"witness Quillfeather W-017\"))\nText @mixed\n",
            Title,
            Both,
        ),
    ]
}

#[test]
fn each_family_is_found_by_its_layers_and_refused() {
    let project = project("start.md", "Text [@mixed].\n");
    let mut failures = Vec::new();
    for case in cases() {
        project.write(case.name, &case.text);
        let (before, after) = layers(&project, case.name);
        let found_before = before.iter().any(|f| is(f, case.field));
        let found_after = after.iter().any(|f| is(f, case.field));
        let wanted_before = case.layers == Layers::Both;
        if found_before != wanted_before && wanted_before || !found_after {
            failures.push(format!(
                "{}: before layout {found_before} (want {wanted_before}), after {found_after}\n  before: {before:?}\n  after: {after:?}",
                case.name
            ));
            continue;
        }
        refused(&project, case.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A JPEG with the title in its EXIF XPTitle (UTF-16), as Windows writes it.
fn jpeg_with_xptitle(title: &str) -> Vec<u8> {
    let base = std::fs::read(super::super::support::data("confidential/photo.jpg")).unwrap();
    let mut value: Vec<u8> = title.encode_utf16().flat_map(u16::to_le_bytes).collect();
    value.extend([0, 0]);
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x9C9Bu16.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend((value.len() as u32).to_le_bytes());
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(&value);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let mut out = base[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((segment.len() + 2) as u16).to_be_bytes());
    out.extend(segment);
    out.extend(&base[2..]);
    out
}

fn zip(name: &str, content: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut writer = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file(name, options).unwrap();
        writer.write_all(content).unwrap();
        writer.finish().unwrap();
    }
    out.into_inner()
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(content).unwrap();
    gz.finish().unwrap()
}

#[test]
fn files_the_document_shows_or_attaches_are_read_to_the_end() {
    use base64::Engine as _;
    let title = "Testimony of witness Quillfeather W-017";
    let project = project("start.md", "Text [@mixed].\n");
    let odt = zip(
        "content.xml",
        b"<office:text><text:p>Testimony of witness <text:span>Quill</text:span>feather W-017</text:p></office:text>",
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(title.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let base64 = base64::engine::general_purpose::STANDARD.encode(gzip(title.as_bytes()));
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("exif.jpg", jpeg_with_xptitle(title)),
        ("notes.odt", odt),
        ("notes.zip", zip("a/b.txt", title.as_bytes())),
        ("notes.txt.gz", gzip(title.as_bytes())),
        ("notes-utf16.txt", utf16),
        ("notes.b64", base64.into_bytes()),
    ];
    let mut failures = Vec::new();
    for (name, bytes) in files {
        std::fs::write(project.path().join(name), bytes).unwrap();
        let report = format!("{}.typ", name.replace('.', "-"));
        let text = if name.ends_with(".jpg") {
            format!("Text @mixed\n\n#image(\"{name}\", width: 2cm)\n")
        } else {
            format!("Text @mixed\n\n#pdf.attach(\"{name}\")\n")
        };
        project.write(&report, &text);
        let (before, after) = layers(&project, &report);
        if !before.iter().any(|f| is(f, Field::Title)) || !after.iter().any(|f| is(f, Field::Title))
        {
            failures.push(format!("{name}: before {before:?}\nafter {after:?}"));
            continue;
        }
        refused(&project, &report);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_page_of_the_internal_pdf_cannot_be_shown_in_the_public_one() {
    let project = project("internal.md", "Prisoners were moved at night [@mixed].\n");
    project
        .run(&["build", "internal.md", "--internal"])
        .expect(0);
    project.write(
        "embed.typ",
        "Text @mixed\n\n#image(\"internal.internal.pdf\", page: 1, width: 8cm)\n",
    );
    let (before, after) = layers(&project, "embed.typ");
    assert!(before.iter().any(|f| is(f, Field::Title)), "{before:?}");
    assert!(after.iter().any(|f| is(f, Field::Title)), "{after:?}");
    refused(&project, "embed.typ");
}

#[test]
fn the_registry_and_captures_cannot_be_read_by_another_name() {
    let project = project("start.md", "Text [@mixed].\n");
    let transcript = "Interview transcript, tape 1: they came for us after midnight and took the men to the yard.\n";
    project.write("captures/w17.txt", transcript);
    let registry = std::fs::read_to_string(project.path().join("sources.toml")).unwrap();
    let registry = registry.replace(
        "confidential = true",
        &format!(
            "confidential = true\ncapture = \"captures/w17.txt\"\nsha256 = \"{}\"",
            super::super::support::sha256(transcript.as_bytes())
        ),
    );
    project.write("sources.toml", &registry);
    std::fs::hard_link(
        project.path().join("sources.toml"),
        project.path().join("linked.toml"),
    )
    .unwrap();
    std::fs::copy(
        project.path().join("captures/w17.txt"),
        project.path().join("copy.txt"),
    )
    .unwrap();
    for (name, text) in [
        (
            "hard-link.typ",
            "#let r = toml(\"linked.toml\")\nText @mixed\n",
        ),
        ("copy.typ", "#let t = read(\"copy.txt\")\nText @mixed\n"),
        (
            "capture.typ",
            "#let t = read(\"captures/w17.txt\")\nText @mixed\n",
        ),
    ] {
        project.write(name, text);
        let run = project.run(&["build", name]).expect(1);
        assert!(
            run.stderr()
                .contains("is part of the registry or a capture"),
            "{name}: {}",
            run.stderr()
        );
        let pdf = name.replace(".typ", ".pdf");
        assert!(project.read(&pdf).is_none(), "{name}");
    }
}

#[test]
fn the_guarding_rules_cannot_be_lowered() {
    for (code, level) in [
        ("confidential-only", "allow"),
        ("confidential-leak", "warning"),
        ("confidential-leak", "allow"),
    ] {
        let project = project("direct.md", "The witness said so [@secret-w17].\n");
        let registry = format!(
            "[registry.rules]\n{code} = \"{level}\"\ninvalid-field = \"allow\"\n{}",
            super::REGISTRY
        );
        project.write("sources.toml", &registry);
        let run = project
            .run(&["build", "direct.md", "--format", "short"])
            .expect(1);
        let out = run.stdout();
        assert!(out.contains("error[confidential-only]"), "{code}: {out}");
        assert!(project.read("direct.pdf").is_none());
        project.write(
            "sources.toml",
            &registry.replace("invalid-field = \"allow\"\n", ""),
        );
        let run = project.run(&["check", "--format", "short"]).expect(1);
        assert!(
            run.stdout().contains(&format!(
                "error[invalid-field]: `{code}` protects confidential sources and cannot be lowered"
            )),
            "{}",
            run.stdout()
        );
    }
}

#[test]
fn an_internal_build_writes_only_an_internal_name() {
    let project = project("r.md", "Text [@mixed].\n");
    project.run(&["build", "r.md"]).expect(0);
    let public = project.read("r.pdf").unwrap();
    let run = project
        .run(&["build", "r.md", "--internal", "-o", "r.pdf"])
        .expect(2);
    assert!(
        run.stderr().contains("ends in .internal.pdf"),
        "{}",
        run.stderr()
    );
    assert_eq!(project.read("r.pdf").unwrap(), public);
    project
        .run(&["build", "r.md", "--internal", "-o", "copy.internal.pdf"])
        .expect(0);
}

#[test]
fn public_reports_sharing_common_words_with_a_secret_still_build() {
    let project = project(
        "fine.md",
        "The testimony of a witness [@mixed] was heard; witnesses gave testimony \
         about the yard, after midnight, and about the men. Record W-0171 and \
         AW-017 are other files. The river is near.\n",
    );
    let (before, after) = layers(&project, "fine.md");
    assert!(before.is_empty(), "{before:?}");
    assert!(after.is_empty(), "{after:?}");
    project.run(&["build", "fine.md"]).expect(0);
}

#[test]
fn front_matter_languages_are_what_typst_takes() {
    let project = project("de.md", "---\ntitle: T\nlang: de-CH\n---\nText [@mixed].\n");
    project.run(&["build", "de.md"]).expect(0);
    project.write(
        "zh.md",
        "---\ntitle: T\nlang: zh-Hant-TW\n---\nText [@mixed].\n",
    );
    project.run(&["build", "zh.md"]).expect(0);
    project.write(
        "es.md",
        "---\ntitle: T\nlang: es-419\n---\nText [@mixed].\n",
    );
    project.run(&["build", "es.md"]).expect(0);
    project.write(
        "bad.md",
        "---\ntitle: T\nlang: english\n---\nText [@mixed].\n",
    );
    let run = project
        .run(&["build", "bad.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout()
            .contains("bad.md:3:7: error[invalid-field]: front matter `lang` must be a BCP 47 tag"),
        "{}",
        run.stdout()
    );
}

#[test]
fn check_refuses_a_report_that_writes_a_secret_itself() {
    let project = project(
        "wrap.md",
        "Moved at night [@mixed], as the Testimony of\nwitness *Quill*feather W-017 says.\n",
    );
    let run = project
        .run(&["check", "wrap.md", "--format", "short"])
        .expect(1);
    let out = run.stdout();
    assert!(
        out.contains("wrap.md:1:33: error[confidential-leak]: the title of confidential source `secret-w17` would reach the reader through the report's text"),
        "{out}"
    );
    assert!(!out.contains("Quillfeather"), "{out}");
    // The human format gives the place, never the line.
    let run = project.run(&["check", "wrap.md"]).expect(1);
    assert!(run.stdout().contains("wrap.md:1:33"), "{}", run.stdout());
    assert!(!run.stdout().contains("Testimony of"), "{}", run.stdout());
    project.run(&["check", "wrap.md", "--internal"]).expect(0);
}

/// A one-page PDF drawing `content` with `font` as /F1.
fn pdf(content: &str, font: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 80] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        font.to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn embedded_pdfs_are_read_as_drawn_or_refused() {
    let helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    let project = project("start.md", "Text [@mixed].\n");
    let cases = [
        // Words drawn back to front: a reader sees "Varnhold".
        (
            "reorder.pdf",
            pdf(
                "BT /F1 30 Tf 75 30 Td (hold) Tj -65 0 Td (Varn) Tj ET",
                helvetica,
            ),
        ),
        // A font the text extractor cannot read: refused, not passed over.
        (
            "no-base-font.pdf",
            pdf(
                "BT /F1 14 Tf 5 30 Td (Varnhold) Tj ET",
                "<< /Type /Font /Subtype /Type1 >>",
            ),
        ),
    ];
    for (name, bytes) in cases {
        std::fs::write(project.path().join(name), bytes).unwrap();
        let report = name.replace(".pdf", ".typ");
        project.write(
            &report,
            &format!("Text @mixed\n\n#image(\"{name}\", width: 6cm)\n"),
        );
        let run = project
            .run(&["build", &report, "--format", "short"])
            .expect(1);
        let out = run.stdout() + &run.stderr();
        assert!(out.contains("error[confidential-leak]"), "{name}: {out}");
        assert!(!out.contains("panicked"), "{name}: {out}");
        assert!(!out.contains("Varnhold"), "{name}: {out}");
    }
}

#[test]
fn svg_text_is_read_where_it_is_drawn() {
    let project = project("start.md", "Text [@mixed].\n");
    let svgs = [
        r#"<text y="40" font-size="30" x="111 103 87 70 55 43 28 10">dlohnraV</text>"#,
        r#"<text y="40" font-size="30"><tspan x="75">hold</tspan><tspan x="10">Varn</tspan></text>"#,
        r#"<text x="10" y="40" font-size="30" rotate="180">dlohnraV</text>"#,
        r#"<text x="10" y="40" font-size="30" direction="rtl" unicode-bidi="bidi-override">dlohnraV</text>"#,
        // Spaced out letter by letter, a word still reads as one.
        r#"<text x="10" y="40" font-size="30" xml:space="preserve">V a r n h o l d</text>"#,
    ];
    for (i, text) in svgs.iter().enumerate() {
        let name = format!("s{i}.svg");
        project.write(
            &name,
            &format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60">{text}</svg>"#
            ),
        );
        let report = format!("s{i}.typ");
        project.write(
            &report,
            &format!("Text @mixed\n\n#image(\"{name}\", width: 6cm)\n"),
        );
        let (before, after) = layers(&project, &report);
        assert!(
            before.iter().any(|f| is(f, Field::Redact)),
            "{text}: {before:?}"
        );
        assert!(
            after.iter().any(|f| is(f, Field::Redact)),
            "{text}: {after:?}"
        );
    }
}

#[test]
fn attachments_in_formats_a_build_cannot_open_are_refused() {
    let project = project("start.md", "Text [@mixed].\n");
    let formats: [(&str, &[u8]); 3] = [
        ("notes.xz", b"\xFD7zXZ\0\0\x04\xE6\xD6\xB4\x46"),
        ("notes.bz2", b"BZh91AY&SY"),
        ("notes.zst", b"\x28\xB5\x2F\xFD\x04\x58"),
    ];
    for (name, bytes) in formats {
        std::fs::write(project.path().join(name), bytes).unwrap();
        let report = format!("{}.typ", name.replace('.', "-"));
        project.write(
            &report,
            &format!("Text @mixed\n\n#pdf.attach(\"{name}\")\n"),
        );
        let run = project
            .run(&["build", &report, "--format", "short"])
            .expect(1);
        assert!(
            run.stdout()
                .contains("cannot be searched for confidential text (it is compressed as"),
            "{name}: {}",
            run.stdout()
        );
    }
    // Escapes a browser or a program decodes are read decoded.
    for (name, text) in [
        (
            "notes.html",
            "Seen: &#86;&#97;&#114;&#110;&#104;&#111;&#108;&#100;",
        ),
        ("notes.json", r#"{"who": "\u0056arnhold"}"#),
    ] {
        project.write(name, text);
        let report = format!("{}.typ", name.replace('.', "-"));
        project.write(
            &report,
            &format!("Text @mixed\n\n#pdf.attach(\"{name}\")\n"),
        );
        refused(&project, &report);
    }
}

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
            "title = \"The Varnhold file\"\nnote = \"Varnhold said so\"",
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
            !run.stdout().contains("Varnhold"),
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
