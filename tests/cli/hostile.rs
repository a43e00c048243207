//! Hostile inputs: files that are not what they seem, documents that never
//! end, input nested or repeated without end. Nothing panics.

use super::support::Project;

pub const REGISTRY: &str = r#"# Shared registry: edited by several scripts at once.
[sources.base]
title = "Base report"
type = "web"
url = "https://example.org/base"
"#;

/// A PNG of a few bytes whose header declares `width`×`height` pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        // The checksum is not what is tested: a reader that checks it
        // refuses the file too, before decoding.
        out.extend_from_slice(&crc(kind, data).to_be_bytes());
        out
    }
    fn crc(kind: &[u8], data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in kind.iter().chain(data) {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &header));
    out.extend(chunk(b"IEND", &[]));
    out
}

#[test]
fn an_image_declaring_billions_of_pixels_is_an_error_at_the_image() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    // A 29-byte GIF declaring 65535×65535 pixels, likewise.
    let mut gif = b"GIF89a\xff\xff\xff\xff\x80\x00\x00".to_vec();
    gif.extend_from_slice(b"\0\0\0\xff\xff\xff,\0\0\0\0\xff\xff\xff\xff\0\x02\x02D\x01\0;");
    for (name, bytes, size) in [
        ("bomb.png", png(100_000, 100_000), "100000×100000 pixels"),
        ("bomb.gif", gif, "65535×65535 pixels"),
    ] {
        std::fs::write(project.path().join(name), bytes).unwrap();
        project.write(
            "report.md",
            &format!("---\ntitle: T\n---\n\nSee [@base].\n\n![A bomb]({name})\n"),
        );
        let run = project
            .run(&["build", "report.md", "--format", "short"])
            .expect(1);
        assert!(
            run.stdout().contains("report.md:7:1: error[compile]") && run.stdout().contains(size),
            "{}\n{}",
            run.stdout(),
            run.stderr()
        );
        assert!(project.read("report.pdf").is_none());
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_or_device_in_the_root_is_refused_not_read() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let fifo = project.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    std::os::unix::fs::symlink("/dev/zero", project.path().join("zero.txt")).unwrap();
    for file in ["pipe.txt", "zero.txt"] {
        project.write(
            "report.typ",
            &format!("= T\nSee @base.\n#read(\"{file}\")\n"),
        );
        let run = project
            .run(&["build", "report.typ", "--format", "short", "--root", "/"])
            .expect(1);
        assert!(
            run.stdout().contains("is not a regular file"),
            "{file}: {}",
            run.stdout()
        );
    }
}

#[test]
fn invalid_utf8_is_located_and_a_device_is_no_registry() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    std::fs::write(
        project.path().join("report.md"),
        b"Line one\nSee \xff [@base].\n",
    )
    .unwrap();
    let run = project.run(&["check", "report.md"]).expect(2);
    assert!(
        run.stderr()
            .contains("report.md (invalid UTF-8 at line 2, column 5: byte 0xFF"),
        "{}",
        run.stderr()
    );
    // Counted as every other position: a byte order mark is no column, a
    // lone carriage return ends a line.
    std::fs::write(project.path().join("bom.md"), b"\xef\xbb\xbf[\xff@b]\n").unwrap();
    let run = project.run(&["check", "bom.md"]).expect(2);
    assert!(
        run.stderr().contains("at line 1, column 2:"),
        "{}",
        run.stderr()
    );
    std::fs::write(project.path().join("cr.md"), b"a\rb\xff").unwrap();
    let run = project.run(&["check", "cr.md"]).expect(2);
    assert!(
        run.stderr().contains("at line 2, column 2:"),
        "{}",
        run.stderr()
    );
    std::fs::write(project.path().join("bad.toml"), b"# \xc3\n").unwrap();
    let run = project
        .run(&["check", "--registry", "bad.toml", "report.md"])
        .expect(2);
    assert!(
        run.stderr().contains("invalid UTF-8 at line 1, column 3"),
        "{}",
        run.stderr()
    );
    #[cfg(unix)]
    {
        project.write("ok.md", "See [@base].\n");
        let run = project
            .run(&["check", "--registry", "/dev/zero", "ok.md"])
            .expect(2);
        assert!(
            run.stderr().contains("not a regular file"),
            "{}",
            run.stderr()
        );
    }
}

#[cfg(unix)]
#[test]
fn an_include_glob_ends_in_a_folder_that_links_to_itself() {
    let project = Project::new();
    project.write(
        "sources.toml",
        &format!("[registry]\ninclude = [\"**/*.toml\"]\n{REGISTRY}"),
    );
    project.write(
        "parts/deep/more.toml",
        "[sources.more]\ntitle = \"More\"\ntype = \"web\"\nurl = \"https://example.org/more\"\n",
    );
    std::os::unix::fs::symlink(".", project.path().join("parts/self")).unwrap();
    std::os::unix::fs::symlink("..", project.path().join("parts/deep/up")).unwrap();
    project.write("report.md", "See [@base] and [@more].\n");
    let started = std::time::Instant::now();
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(0);
    assert!(run.stdout().contains("2 sources"), "{}", run.stdout());
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn an_imported_date_check_would_refuse_is_left_out_with_a_note() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write(
        "old.json",
        r#"[{"id":"old","type":"book","title":"Old","issued":{"date-parts":[[-5]]}},
            {"id":"far","type":"book","title":"Far","issued":{"date-parts":[[12000, 1]]}}]"#,
    );
    let run = project.run(&["import", "old.json"]).expect(0);
    assert!(
        run.stderr().contains("left out the date in year -5"),
        "{}",
        run.stderr()
    );
    project.write("report.md", "See [@base], [@old] and [@far].\n");
    project.run(&["check", "report.md"]).expect(0);
}

#[test]
fn a_huge_line_is_not_echoed_and_repeated_errors_are_counted() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let mut text = format!("See [@base] {} [@nope].\n\n", "x".repeat(1_000_000));
    for _ in 0..500 {
        text.push_str("- item [@missing]\n");
    }
    project.write("report.md", &text);
    let run = project.run(&["check", "report.md"]).expect(1);
    let out = run.stdout();
    assert!(out.len() < 20_000, "{} bytes of diagnostics", out.len());
    assert!(
        out.contains("report.md:1:1000015: error[unknown-id]: no claim or source named `nope`"),
        "{}",
        &out[..out.len().min(2000)]
    );
    assert_eq!(out.matches("named `missing`").count(), 10);
    assert!(
        out.contains("note: 490 more diagnostics repeat a message"),
        "{out}"
    );
    let json = project
        .run(&["check", "report.md", "--format", "json"])
        .expect(1);
    assert_eq!(json.stdout().matches("named `missing`").count(), 500);
}

/// A document that never ends, or grows without end, is stopped with an
/// error at the report; no PDF is written, the previous one stays.
#[test]
fn a_runaway_document_is_stopped_at_the_limits() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write("loop.typ", "#for i in range(1000000000) {}\nText.\n");
    project.write("grow.typ", "#let a = (0,) * 100000000\n#a.len()\n");
    project.write("loop.pdf", "previous");
    let run = project
        .run(&["build", "loop.typ", "--timeout", "2", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().starts_with(
            "loop.typ:1:1: error[compile]: the document was still compiling after 2 s, the limit `--timeout` sets"
        ),
        "{}",
        run.stdout()
    );
    assert_eq!(project.read("loop.pdf").unwrap(), b"previous");
    let run = project
        .run(&[
            "build",
            "grow.typ",
            "--max-memory",
            "256",
            "--format",
            "json",
        ])
        .expect(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "compile");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 256 MB"),
        "{json}"
    );
    assert!(project.read("grow.pdf").is_none());
    let leftovers: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp") || n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `include` reads only inside the registry's folder, unless the user names
/// another folder on the command line; nothing outside is walked.
#[test]
fn includes_stay_inside_the_registry_folder_unless_named() {
    let project = Project::new();
    project.write(
        "reg/sources.toml",
        "[registry]\ninclude = [\"parts/*.toml\", \"../shared/*.toml\", \"/etc/passwd\", \"/**/*.conf\"]\n\n[sources.s1]\ntitle = \"A\"\ntype = \"web\"\nurl = \"https://example.org/a\"\n",
    );
    project.write(
        "reg/parts/p.toml",
        "[sources.s2]\ntitle = \"B\"\ntype = \"web\"\nurl = \"https://example.org/b\"\n",
    );
    project.write(
        "shared/x.toml",
        "[sources.s3]\ntitle = \"C\"\ntype = \"web\"\nurl = \"https://example.org/c\"\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        "../../shared/x.toml",
        project.path().join("reg/parts/link.toml"),
    )
    .unwrap();
    let run = project
        .run(&[
            "check",
            "--registry",
            "reg/sources.toml",
            "--format",
            "short",
        ])
        .expect(1);
    let out = run.stdout();
    for (column, pattern) in [
        (28, "../shared/*.toml"),
        (48, "/etc/passwd"),
        (63, "/**/*.conf"),
    ] {
        let line = format!(
            "reg/sources.toml:2:{column}: error[invalid-field]: `include` pattern `{pattern}` reaches outside the registry's folder"
        );
        assert!(out.contains(&line), "{line}\nin\n{out}");
    }
    #[cfg(unix)]
    assert!(
        out.contains("`include` pattern `parts/*.toml` reaches outside the registry's folder (reg/parts/link.toml)"),
        "{out}"
    );
    assert!(out.contains("2 sources"), "{out}");
    // Named on the command line, the shared folder may be read.
    let run = project
        .run(&[
            "check",
            "--registry",
            "reg/sources.toml",
            "--include-from",
            "shared",
            "--format",
            "short",
        ])
        .expect(1);
    assert!(!run.stdout().contains("../shared"), "{}", run.stdout());
    assert!(run.stdout().contains("3 sources"), "{}", run.stdout());
}

/// `capture` reads only a regular file; a BibTeX file whose macros or
/// entries refer to themselves is an error at the name, not a stack overflow.
#[test]
fn devices_to_capture_and_self_referring_bibtex_are_errors() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let run = project.run(&["capture", "base", "/dev/zero"]).expect(2);
    assert!(
        run.stderr()
            .contains("cannot read /dev/zero (not a regular file)"),
        "{}",
        run.stderr()
    );
    for (name, text, place, message) in [
        (
            "macro.bib",
            "@string{a = a # a}\n@article{k, title = a}\n",
            "macro.bib:1:9",
            "error[syntax]: `@string` macro `a` refers to itself",
        ),
        (
            "pair.bib",
            "@string{x = \"1\"}\n@string{a = b}\n@string{b = x # a}\n@article{k, title = a}\n",
            "pair.bib:2:9",
            "error[syntax]: `@string` macro `a` refers to itself",
        ),
        (
            "cross.bib",
            "@article{a, title = {A}, crossref = {b}}\n@article{b, title = {B}, xdata = {c, a}}\n",
            "cross.bib:1:10",
            "error[syntax]: entry `a` refers to itself",
        ),
    ] {
        project.write(name, text);
        let run = project.run(&["import", name]);
        let out = run.stdout() + &run.stderr();
        assert!(
            out.contains(place) && out.contains(message),
            "{message} at {place}\nin\n{out}"
        );
        assert_eq!(run.code(), 1, "{out}");
    }
    assert_eq!(
        String::from_utf8(project.read("sources.toml").unwrap()).unwrap(),
        REGISTRY
    );
}

/// Markdown nested deeper than Typst parses, and a table longer than Typst
/// lays out quickly, still build: past a depth the content goes on at the
/// depth reached, past 1,000 rows a table is printed as rows of text.
#[test]
fn deep_nesting_and_long_tables_build() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    let mut table = String::from("|a|b|\n|---|---|\n");
    for row in 0..1001 {
        table.push_str(&format!("|r{row}|x|\n"));
    }
    project.write(
        "report.md",
        &format!(
            "---\ntitle: T\n---\n\nSee [@base].\n\n{}deep list\n\n{} deep quote\n\n{}",
            "- ".repeat(2000),
            ">".repeat(2000),
            table
        ),
    );
    let run = project
        .run(&["build", "report.md", "--format", "short"])
        .expect(0);
    assert!(!run.stdout().contains("error"), "{}", run.stdout());
    let text = super::support::pdf_text(&project.read("report.pdf").unwrap());
    for needle in ["deep list", "deep quote", "r1000 | x"] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
}

/// Brackets nested without end in front matter are refused at once, at
/// the bracket, before the YAML reader spends quadratic time on them.
#[test]
fn deeply_nested_front_matter_is_refused_at_the_bracket() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write(
        "report.md",
        &format!("---\ntitle: {}\n---\n\nSee [@base].\n", "[".repeat(100_000)),
    );
    let run = project
        .run(&["check", "report.md", "--format", "short"])
        .expect(1);
    assert!(
        run.stdout().contains(
            "report.md:2:108: error[syntax]: front matter: brackets nested more than 100 deep"
        ),
        "{}",
        run.stdout()
    );
}
