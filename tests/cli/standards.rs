//! The PDF as it is filed: archival (PDF/A) and accessible (PDF/UA) by
//! default, other standards on request, and what a standard forbids as an
//! error at its place in the report.

use super::support::Project;

/// The XMP metadata of `pdf`, where a PDF declares its standards (PDF/A
/// keeps it uncompressed, so readers find it without a PDF library).
fn declared(pdf: &[u8]) -> String {
    let text = String::from_utf8_lossy(pdf);
    let start = text.find("<x:xmpmeta").expect("XMP metadata");
    let end = text[start..].find("</x:xmpmeta>").expect("XMP ends") + start;
    text[start..end].to_string()
}

#[test]
fn a_build_is_pdf_a_3a_and_pdf_ua_1_unless_told_otherwise() {
    let project = Project::from_fixture("features");
    project
        .run(&["build", "report.md", "-o", "default.pdf"])
        .expect(0);
    let xmp = declared(&project.read("default.pdf").unwrap());
    for part in [
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>A</pdfaid:conformance>",
        "<pdfuaid:part>1</pdfuaid:part>",
        // What the metadata says of the document.
        "Every feature of a report",
        "Jane Doe, Ali Rezaei",
        "<rdf:li>en</rdf:li>",
        "test, dossier",
    ] {
        assert!(xmp.contains(part), "{part} in {xmp}");
    }

    project
        .run(&[
            "build",
            "report.md",
            "--pdf-standard",
            "a-2b",
            "-o",
            "a2b.pdf",
        ])
        .expect(0);
    let xmp = declared(&project.read("a2b.pdf").unwrap());
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(!xmp.contains("pdfuaid:part>"), "{xmp}");

    project
        .run(&[
            "build",
            "report.md",
            "--pdf-standard",
            "none",
            "-o",
            "none.pdf",
        ])
        .expect(0);
    let xmp = declared(&project.read("none.pdf").unwrap());
    assert!(
        !xmp.contains("pdfaid:part>") && !xmp.contains("pdfuaid:part>"),
        "{xmp}"
    );
}

#[test]
fn an_image_without_a_description_is_an_error_at_the_image() {
    let project = Project::from_fixture("features");
    project.write(
        "noalt.md",
        "---\ntitle: Figures\n---\n\nThe chart:\n\n![](chart.png)\n",
    );
    let build = project
        .run(&["build", "noalt.md", "--format", "short", "-o", "out.pdf"])
        .expect(1);
    let said = build.stdout() + &build.stderr();
    assert!(
        said.contains("noalt.md:7:1: error[compile]: this image has no description (alt text), which PDF/A-3a, PDF/UA-1 requires"),
        "{said}"
    );
    assert!(project.read("out.pdf").is_none());
    // Without PDF/UA, an image may go undescribed.
    project
        .run(&[
            "build",
            "noalt.md",
            "--pdf-standard",
            "a-3b",
            "-o",
            "out.pdf",
        ])
        .expect(0);
}

#[test]
fn standards_no_pdf_can_meet_together_are_refused_before_building() {
    let project = Project::from_fixture("features");
    let build = project
        .run(&["build", "report.md", "--pdf-standard", "a-2b,a-3b"])
        .expect(2);
    assert!(
        build.stderr().contains("choose at most one PDF/A standard"),
        "{}",
        build.stderr()
    );
    let build = project
        .run(&["build", "report.md", "--pdf-standard", "a-3x"])
        .expect(2);
    assert!(
        build.stderr().contains("`a-3x` is not a PDF standard")
            && build.stderr().contains("`ua-1`"),
        "{}",
        build.stderr()
    );
    assert!(project.read("report.pdf").is_none());
}

/// The marks of a draft and an internal build sit on every page without
/// breaking the structure PDF/UA reads: a table laid out beside footnotes
/// stays a valid table.
#[test]
fn draft_and_internal_marks_keep_a_page_of_notes_and_a_table_valid() {
    let project = Project::from_fixture("features");
    for args in [
        &["--draft", "-o", "draft.pdf"][..],
        &["--internal", "-o", "out.internal.pdf"][..],
    ] {
        let mut all = vec!["build", "report.md", "--style", "chicago-notes"];
        all.extend_from_slice(args);
        project.run(&all).expect(0);
        let xmp = declared(&project.read(args[args.len() - 1]).unwrap());
        assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
    }
}
