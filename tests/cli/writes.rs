//! Writing under faults: concurrent edits, outputs that name inputs, full
//! devices, readers that stop early. Nothing is lost, nothing panics.

use std::process::Stdio;

use super::hostile::REGISTRY;
use super::support::{Project, dossier};

fn bib(i: usize) -> String {
    format!(
        "@article{{imported{i}a,\n  title = {{Imported {i} A}},\n  author = {{Doe, Jane}},\n  year = {{2001}},\n}}\n\n@article{{imported{i}b,\n  title = {{Imported {i} B}},\n  author = {{Roe, Rich}},\n  year = {{2002}},\n}}\n"
    )
}

#[test]
fn concurrent_imports_and_captures_all_land() {
    let project = Project::new();
    let mut registry = REGISTRY.to_string();
    for i in 0..4 {
        registry.push_str(&format!(
            "\n[sources.page{i}]\ntitle = \"Page {i}\"\ntype = \"web\"\nurl = \"https://example.org/{i}\"\n"
        ));
        project.write(&format!("page{i}.html"), &format!("<p>Page {i}</p>"));
        project.write(&format!("lib{i}.bib"), &bib(i));
    }
    project.write("sources.toml", &registry);
    // Eight processes at once: four imports, four captures.
    let children: Vec<_> = (0..4)
        .flat_map(|i| {
            [
                vec!["import".to_string(), format!("lib{i}.bib")],
                vec![
                    "capture".to_string(),
                    format!("page{i}"),
                    format!("page{i}.html"),
                ],
            ]
        })
        .map(|args| {
            dossier()
                .args(&args)
                .current_dir(project.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("dossier starts")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    assert!(text.starts_with("# Shared registry"), "{text}");
    for i in 0..4 {
        for id in [format!("imported{i}a"), format!("imported{i}b")] {
            assert!(
                text.contains(&format!("[sources.{id}]")),
                "{id} lost:\n{text}"
            );
        }
        let table = text.split(&format!("[sources.page{i}]")).nth(1).unwrap();
        let table = table.split("\n[").next().unwrap();
        assert!(
            table.contains("sha256 = "),
            "capture of page{i} lost:\n{text}"
        );
    }
    project.run(&["check", "--format", "short"]).expect(0);
}

#[cfg(unix)]
#[test]
fn a_rewrite_keeps_mode_goes_through_links_and_refuses_read_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    project.write("shared/sources.toml", REGISTRY);
    project.write("page.html", "<p>Page</p>");
    let shared = project.path().join("shared/sources.toml");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o664)).unwrap();
    std::os::unix::fs::symlink(&shared, project.path().join("sources.toml")).unwrap();

    project.run(&["capture", "base", "page.html"]).expect(0);
    let link = std::fs::symlink_metadata(project.path().join("sources.toml")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a copy"
    );
    let text = std::fs::read_to_string(&shared).unwrap();
    assert!(text.contains("sha256 = "), "{text}");
    let mode = std::fs::metadata(&shared).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);

    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o444)).unwrap();
    project.write("more.bib", &bib(9));
    let run = project.run(&["import", "more.bib"]).expect(2);
    assert!(run.stderr().contains("read-only"), "{}", run.stderr());
    assert_eq!(std::fs::read_to_string(&shared).unwrap(), text);
    // A refused capture leaves no copy behind.
    project.write("other.html", "<p>Other</p>");
    let captures = || {
        std::fs::read_dir(project.path().join("captures"))
            .unwrap()
            .count()
    };
    let before = captures();
    let run = project.run(&["capture", "base", "other.html"]).expect(2);
    assert!(run.stderr().contains("read-only"), "{}", run.stderr());
    assert_eq!(captures(), before);
    assert_eq!(std::fs::read_to_string(&shared).unwrap(), text);
}

/// A full standard error is no panic either: the build's PDF is written,
/// a failure is still exit 2.
#[test]
fn a_full_standard_error_is_no_panic() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write("report.md", "---\ntitle: T\n---\n\nSee [@base].\n");
    for (args, code) in [
        (vec!["build", "report.md"], 0),
        (vec!["check", "missing.md"], 2),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = dossier()
            .args(&args)
            .current_dir(project.path())
            .stderr(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}");
    }
    assert!(project.read("report.pdf").is_some());
}

/// Every file a command writes where the user says (the PDF, `--timings`,
/// `check --output`, `export --output`) is refused over a file it reads.
#[test]
fn no_command_writes_over_what_it_reads() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write("part.typ", "Included text.\n");
    project.write("page.html", "<p>Base</p>");
    project.run(&["capture", "base", "page.html"]).expect(0);
    project.write(
        "report.md",
        "---\ntitle: T\n---\n\nSee [@base].\n\n![A figure](fig.svg)\n",
    );
    project.write(
        "fig.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#,
    );
    project.write("main.typ", "= T\n#include \"part.typ\"\nSee @base.\n");
    let capture = std::fs::read_dir(project.path().join("captures"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let capture = format!(
        "captures/{}",
        capture.file_name().unwrap().to_string_lossy()
    );
    let before: Vec<_> = ["report.md", "sources.toml", "part.typ", "fig.svg", &capture]
        .iter()
        .map(|f| project.read(f))
        .collect();
    for (report, output) in [
        ("report.md", "report.md"),
        ("report.md", "sources.toml"),
        ("report.md", capture.as_str()),
        ("report.md", "fig.svg"),
        ("main.typ", "part.typ"),
    ] {
        let run = project.run(&["build", report, "-o", output]).expect(2);
        assert!(
            run.stderr().contains("the command reads"),
            "{output}: {}",
            run.stderr()
        );
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("sources.toml", project.path().join("out.pdf")).unwrap();
        let run = project
            .run(&["build", "report.md", "-o", "out.pdf"])
            .expect(2);
        assert!(
            run.stderr().contains("the command reads"),
            "{}",
            run.stderr()
        );
        let run = project
            .run(&["build", "report.md", "-o", "/dev/null"])
            .expect(2);
        assert!(
            run.stderr().contains("not a regular file"),
            "{}",
            run.stderr()
        );
    }
    let refused = |args: &[&str], said: &str| {
        let run = project.run(args).expect(2);
        assert!(run.stderr().contains(said), "{args:?}: {}", run.stderr());
    };
    for output in ["report.md", "sources.toml", "fig.svg", capture.as_str()] {
        let args = ["build", "report.md", "--timings", output];
        refused(&args, "cannot write the timings");
    }
    let args = ["build", "report.md", "--timings", "report.pdf"];
    refused(&args, "the build writes the PDF there");
    for output in ["report.md", "sources.toml", capture.as_str()] {
        let args = ["check", "report.md", "--output", output];
        refused(&args, "cannot write the diagnostics");
    }
    for output in ["sources.toml", capture.as_str()] {
        let args = ["export", "--format", "bibtex", "--output", output];
        refused(&args, "cannot write the export");
    }
    let after: Vec<_> = ["report.md", "sources.toml", "part.typ", "fig.svg", &capture]
        .iter()
        .map(|f| project.read(f))
        .collect();
    assert_eq!(before, after);
    project.run(&["build", "report.md"]).expect(0);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_output_is_exit_2_with_a_message_never_a_panic() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    for args in [
        vec!["completions", "bash"],
        vec!["man"],
        vec!["--help"],
        vec!["list", "sources"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = dossier()
            .args(&args)
            .current_dir(project.path())
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write to standard output (")
                && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

/// A reader that stops early (`dossier man | head -1`) is not a failure:
/// whatever a command was writing to standard output, it ends without an
/// error message. `check` keeps its verdict for CI.
#[test]
fn a_closed_output_pipe_ends_every_command_quietly() {
    let project = Project::from_fixture("check/clean");
    let commands: &[(&[&str], i32)] = &[
        (&["man"], 0),
        (&["completions", "bash"], 0),
        (&["template", "briefing"], 0),
        (&["styles"], 0),
        (&["list", "sources"], 0),
        (&["list", "claims", "--format", "json"], 0),
        (&["export", "--format", "csl-json"], 0),
        (&["check", "--format", "json"], 0),
    ];
    for (args, code) in commands {
        let output = into_closed_pipe(&project, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // Help and version, printed by the argument parser.
    for args in [&["--help"][..], &["--version"], &["build", "--help"]] {
        let output = into_closed_pipe(&project, args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(output.stderr.is_empty(), "{args:?}");
    }
    // A broken registry's verdict survives a reader that stopped.
    let broken = Project::from_fixture("check/duplicate-id");
    let output = into_closed_pipe(&broken, &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    // So does a report with more to say than a pipe's buffer holds, in
    // every format: the reporters keep the kind of what failed.
    project.write("long.md", &"Text [@no-such-claim].\n\n".repeat(3000));
    for format in ["human", "short", "json", "sarif", "github"] {
        let args = ["check", "long.md", "--format", format];
        let output = into_closed_pipe(&project, &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{format}: {stderr}");
        assert!(!stderr.contains("error"), "{format}: {stderr}");
    }
}

/// Runs `args` in `project` with standard output a pipe nobody reads.
fn into_closed_pipe(project: &Project, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    dossier()
        .args(args)
        .current_dir(project.path())
        .stdout(writer)
        .output()
        .unwrap()
}

/// `--timings` is refused before the PDF is written, the PDF is refused as
/// timings by any name, and fonts a build reads are inputs too.
#[test]
fn timings_and_fonts_are_refused_before_anything_is_written() {
    let project = Project::from_fixture("check/clean");
    // Timings over an input, or where they cannot be written: refused, and
    // no PDF is left behind.
    for (timings, said) in [
        ("sources.toml", "cannot write the timings"),
        ("nodir/t.json", "there is no folder"),
    ] {
        let args = ["build", "report.md", "-o", "out.pdf", "--timings", timings];
        let run = project.run(&args).expect(2);
        assert!(run.stderr().contains(said), "{timings}: {}", run.stderr());
        assert!(!project.path().join("out.pdf").exists(), "{timings}");
    }
    project.run(&["build", "report.md"]).expect(0);
    let pdf = project.read("report.pdf").unwrap();
    std::fs::hard_link(
        project.path().join("report.pdf"),
        project.path().join("linked"),
    )
    .unwrap();
    let run = project
        .run(&["build", "report.md", "--timings", "linked"])
        .expect(2);
    assert!(
        run.stderr().contains("the build writes the PDF there"),
        "{}",
        run.stderr()
    );
    assert_eq!(project.read("report.pdf").unwrap(), pdf);
    project.write("fonts/extra.ttf", "not really a font");
    let run = project
        .run(&[
            "build",
            "report.md",
            "--font-path",
            "fonts",
            "-o",
            "fonts/extra.ttf",
        ])
        .expect(2);
    assert!(
        run.stderr().contains("the command reads"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        project.read("fonts/extra.ttf").unwrap(),
        b"not really a font"
    );
}

/// A capture altered since it was made is restored by capturing the same
/// page again, and a link in its place is refused, not written through.
#[test]
fn capturing_again_restores_an_altered_copy_and_never_follows_a_link() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write("page.html", "<p>Base</p>");
    project.run(&["capture", "base", "page.html"]).expect(0);
    let capture = std::fs::read_dir(project.path().join("captures"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&capture, "<p>Tampered</p>").unwrap();
    let run = project.run(&["capture", "base", "page.html"]).expect(0);
    assert!(
        run.stderr()
            .contains("had changed since it was captured; restored"),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read(&capture).unwrap(), b"<p>Base</p>");
    #[cfg(unix)]
    {
        let registry = project.read("sources.toml").unwrap();
        std::fs::remove_file(&capture).unwrap();
        std::os::unix::fs::symlink(project.path().join("sources.toml"), &capture).unwrap();
        let run = project.run(&["capture", "base", "page.html"]).expect(2);
        assert!(
            run.stderr().contains("something other than a file"),
            "{}",
            run.stderr()
        );
        assert_eq!(project.read("sources.toml").unwrap(), registry);
    }
}
