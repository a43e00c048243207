//! Leaks through what a document shows or attaches: images with EXIF,
//! archives, embedded PDFs, SVG text, attachments a build cannot open.

use std::io::Write;

use dossier::render::leak::Field;

use super::{is, layers, project, refused};

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
