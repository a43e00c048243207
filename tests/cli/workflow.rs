//! The tool in a writer's day: init, import from Zotero and BibLaTeX, export,
//! list and show, completions and the manual, and watch.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::support::{Project, data, dossier, pdf_text};

#[test]
fn init_writes_a_project_that_builds_at_once_and_never_overwrites() {
    let project = Project::new();
    project.run(&["init", "brief"]).expect(0);
    let run = project.run(&["build", "brief/report.md"]).expect(0);
    assert!(
        run.stderr()
            .contains("built brief/report.pdf · 1 page · 4 citations"),
        "{}",
        run.stderr()
    );
    let text = pdf_text(&project.read("brief/report.pdf").unwrap());
    assert!(text.contains("thousands of political prisoners were executed in Iran (Amnesty International 2018, p. 5; Stevenson 2013, para. 2)"), "{text}");
    let check = project.run(&["check", "brief/report.md"]).expect(0);
    assert!(
        check.stdout().contains("0 errors, 0 warnings"),
        "{}",
        check.stdout()
    );
    // A second init refuses and changes nothing.
    project.write("brief/report.md", "mine");
    let run = project.run(&["init", "brief"]).expect(2);
    assert!(run.stderr().contains("already exists"), "{}", run.stderr());
    assert_eq!(project.read("brief/report.md").unwrap(), b"mine");
}

/// Imports `file` from the import fixtures into the project's registry.
fn import(project: &Project, file: &str) -> super::support::Run {
    let path = data("import").join(file);
    project.run(&["import", path.to_str().unwrap()])
}

#[test]
fn zotero_and_biblatex_libraries_import_cleanly_and_build() {
    for file in ["zotero.json", "library.bib"] {
        let project = Project::new();
        project.write(
            "sources.toml",
            "# Our registry.\n[registry]\ntitle = \"Imported\" # kept\n",
        );
        let run = import(&project, file).expect(0);
        assert!(
            run.stderr().contains("imported 23 sources"),
            "{file}: {}",
            run.stderr()
        );
        assert!(
            !run.stderr().contains("left out"),
            "{file}: {}",
            run.stderr()
        );
        let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
        assert!(
            registry.starts_with("# Our registry.\n[registry]\ntitle = \"Imported\" # kept\n"),
            "{registry}"
        );
        // Organisations whole, particles kept, non-Latin titles intact, access dates.
        for expected in [
            "authors = [{ org = \"Amnesty International\" }]",
            "authors = [{ org = \"Justice for the Victims of the 1988 Massacre in Iran\" }]",
            "authors = [\"van der Berg, Anna\"]",
            "authors = [\"Martin, Jr., Vanessa\"]",
            // Braced in the BibLaTeX file: kept as written.
            "Тюрьмы и политические заключённые в Иране",
            "title = \"خاطرات زندان\"",
            "accessed = 2026-11-02",
            "isbn = \"0520218663\"",
        ] {
            assert!(registry.contains(expected), "{file}: missing {expected:?}");
        }
        project.run(&["check"]).expect(0);
        // A second import of the same file changes nothing.
        let run = import(&project, file).expect(0);
        assert!(
            run.stderr().contains("imported 0 sources"),
            "{}",
            run.stderr()
        );
        assert!(
            run.stderr().contains("already in the registry"),
            "{}",
            run.stderr()
        );
        assert_eq!(
            String::from_utf8(project.read("sources.toml").unwrap()).unwrap(),
            registry
        );
        // The bibliography of a report citing some of them.
        let ids: Vec<&str> = registry
            .lines()
            .filter_map(|l| l.strip_prefix("[sources.")?.strip_suffix(']'))
            .collect();
        let citations: Vec<String> = ids.iter().map(|id| format!("[@{id}]")).collect();
        project.write(
            "report.md",
            &format!("All of them: {}.\n", citations.join(" ")),
        );
        // Titles in Chinese: no shipped font has those characters, which
        // PDF/A does not let a build print as empty boxes.
        let refused = project.run(&["build", "report.md"]).expect(1);
        assert!(
            refused
                .stderr()
                .contains("the text `\"伊\"` could not be displayed")
                && refused.stderr().contains("--font-path"),
            "{file}: {}",
            refused.stderr()
        );
        assert!(project.read("report.pdf").is_none());
        project
            .run(&["build", "report.md", "--pdf-standard", "none"])
            .expect(0);
        let text = pdf_text(&project.read("report.pdf").unwrap());
        // No TeX and no registry markup reaches the reader.
        for bad in ['\\', '~', '{', '}', '<', '\u{2060}', '\u{E00A}'] {
            assert!(!text.contains(bad), "{file}: `{bad}` in {text}");
        }
        assert!(
            text.contains("Justice for the Victims of the 1988 Massacre in Iran (JVMI). n.d."),
            "{file}: {text}"
        );
        assert!(text.contains("Berg, Anna van der. 2020."), "{file}: {text}");
        assert!(
            text.contains("Abrahamian, Ervand. 1999. Tortured"),
            "{file}: {text}"
        );
        assert!(
            text.contains("Accessed October 30, 2026."),
            "{file}: {text}"
        );
    }
}

#[test]
fn a_broken_import_or_registry_changes_nothing() {
    let project = Project::new();
    let registry = "# Mine.\n[sources.a]\ntitle = \"A\"\n";
    project.write("sources.toml", registry);
    project.write(
        "broken.json",
        "[\n  {\"id\": \"x\", \"title\": \"X\",}\n]\n",
    );
    let run = project.run(&["import", "broken.json"]).expect(1);
    assert!(
        run.stderr().contains("broken.json:2:28"),
        "{}",
        run.stderr()
    );
    project.write("broken.bib", "@article{x,\n  title = {X\n}\n");
    let run = project.run(&["import", "broken.bib"]).expect(1);
    assert!(
        run.stderr().contains("error[syntax]") && run.stderr().contains("broken.bib:"),
        "{}",
        run.stderr()
    );
    assert_eq!(project.read("sources.toml").unwrap(), registry.as_bytes());
    project.write("notes.txt", "just text");
    let run = project.run(&["import", "notes.txt"]).expect(2);
    assert!(
        run.stderr().contains("cannot tell the format of notes.txt"),
        "{}",
        run.stderr()
    );
    project.write("sources.toml", "[sources.a]\ntitle = \"A\n");
    let run = import(&project, "zotero.json").expect(1);
    assert!(run.stderr().contains("sources.toml:2:"), "{}", run.stderr());
    assert_eq!(
        project.read("sources.toml").unwrap(),
        b"[sources.a]\ntitle = \"A\n"
    );
}

#[test]
fn export_then_import_gives_the_same_sources() {
    let source = Project::from_fixture("features");
    for format in ["csl-json", "bibtex", "hayagriva"] {
        let out = source
            .run(&["export", "--format", format])
            .expect(0)
            .stdout();
        let target = Project::new();
        target.write("library", &out);
        target.run(&["import", "library"]).expect(0);
        let show = |project: &Project, id: &str| {
            let mut json: serde_json::Value = serde_json::from_str(
                &project
                    .run(&["show", id, "--format", "json"])
                    .expect(0)
                    .stdout(),
            )
            .unwrap();
            // Not every format carries these; the rest must match.
            for key in [
                "claims",
                "affiliation",
                "reliability",
                "confidential",
                "capture",
                "sha256",
                "captured-at",
                "collected-by",
            ] {
                json.as_object_mut().unwrap().remove(key);
            }
            if format == "bibtex" {
                json.as_object_mut().unwrap().remove("archived");
            }
            json
        };
        for id in [
            "amnesty-2018",
            "iranhrm-letters",
            "diplomat-2013",
            "van-der-berg-2020",
        ] {
            assert_eq!(show(&target, id), show(&source, id), "{format}: {id}");
        }
    }
}

#[test]
fn export_leaves_confidential_sources_out_unless_internal() {
    let project = Project::from_fixture("confidential");
    let public = project
        .run(&["export", "--format", "csl-json"])
        .expect(0)
        .stdout();
    assert!(
        !public.contains("witness-a") && !public.contains("Gohardasht"),
        "{public}"
    );
    let internal = project
        .run(&[
            "export",
            "--format",
            "csl-json",
            "--internal",
            "-o",
            "all.json",
        ])
        .expect(0);
    assert!(internal.stdout().is_empty());
    assert!(
        String::from_utf8(project.read("all.json").unwrap())
            .unwrap()
            .contains("Gohardasht")
    );
}

#[test]
fn list_and_show_the_registry() {
    let project = Project::from_fixture("check/unused");
    let run = project.run(&["list", "sources"]).expect(0);
    assert!(
        run.stdout()
            .lines()
            .any(|l| l.starts_with("amnesty-2018") && l.ends_with("Blood-soaked secrets")),
        "{}",
        run.stdout()
    );
    let run = project
        .run(&["list", "claims", "--unused", "--format", "json"])
        .expect(0);
    let unused: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(unused.as_array().unwrap().len(), 1, "{unused}");
    assert_eq!(unused[0]["id"], "commission");
    let run = project
        .run(&["list", "sources", "--unused", "a.md"])
        .expect(0);
    let out = run.stdout();
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["hrw-2022", "diplomat-2013", "ncri-2016"]);

    let project = Project::from_fixture("features");
    let claim = project
        .run(&["show", "rouhani-role-1988"])
        .expect(0)
        .stdout();
    for expected in [
        "claim rouhani-role-1988",
        "evidence from diplomat-2013",
        "Stevenson, Struan",
        "locator      para. 9",
        "resolution   attributed",
    ] {
        assert!(claim.contains(expected), "missing {expected:?} in {claim}");
    }
    let source = project.run(&["show", "amnesty-2018"]).expect(0).stdout();
    assert!(
        source.contains("supports") && source.contains("toll-1988 (p. 12)"),
        "{source}"
    );
    let run = project.run(&["show", "amnesty-2081"]).expect(2);
    assert!(
        run.stderr().contains("did you mean `amnesty-2018`?"),
        "{}",
        run.stderr()
    );
}

#[test]
fn completions_and_the_manual() {
    let project = Project::new();
    let bash = project.run(&["completions", "bash"]).expect(0).stdout();
    assert!(
        bash.contains("_dossier()") && bash.contains("import"),
        "{bash}"
    );
    let man = project.run(&["man"]).expect(0).stdout();
    assert!(
        man.starts_with(".ie") || man.contains(".TH dossier"),
        "{man}"
    );
    assert!(man.contains("watch"), "{man}");
}

/// Waits until `check` holds, for at most a minute.
fn until(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `dossier watch REPORT` in the project; its status lines are
/// collected as they come.
fn watch(
    project: &Project,
    report: &str,
) -> (
    std::process::Child,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    let mut child = dossier()
        .args(["watch", report])
        .current_dir(project.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    (child, lines)
}

#[test]
fn watch_rebuilds_on_every_edit_and_survives_bad_ones() {
    let project = Project::new();
    project.run(&["init"]).expect(0);
    let (mut child, lines) = watch(&project, "report.md");
    let built = |n: usize| {
        lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("] built report.pdf"))
            .count()
            >= n
    };
    until("the first build", || built(1));
    let first = project.read("report.pdf").unwrap();

    // An edit rebuilds the PDF.
    let report = String::from_utf8(project.read("report.md").unwrap()).unwrap();
    project.write(
        "report.md",
        &report.replace("A first briefing", "A watched briefing"),
    );
    until("the second build", || built(2));
    let second = project.read("report.pdf").unwrap();
    assert_ne!(first, second);
    assert!(pdf_text(&second).starts_with("A watched briefing"));

    // A bad edit is reported, the PDF stays, the watch goes on.
    project.write(
        "report.md",
        &report.replace("[@no-acknowledgement]", "[@no-acknowledgemen]"),
    );
    until("the error", || {
        lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("not built"))
    });
    assert_eq!(project.read("report.pdf").unwrap(), second);

    // An edit of the registry is seen too, and the watch recovers.
    project.write("report.md", &report);
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    project.write(
        "sources.toml",
        &registry.replace("The Diplomat", "The Diplomat Magazine"),
    );
    until("the recovery", || built(3));
    until("the registry's change", || {
        pdf_text(&project.read("report.pdf").unwrap()).contains("The Diplomat Magazine")
    });
    let status = lines
        .lock()
        .unwrap()
        .iter()
        .find(|l| l.contains("] built"))
        .cloned()
        .unwrap();
    assert!(
        status.starts_with('[') && status.contains(" · 1 page · 4 citations · "),
        "{status}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The project folder deleted and made again (a checkout switched, a sync
/// tool's rewrite): the watch reports the missing report, then builds again.
#[test]
fn watch_survives_its_folder_deleted_and_made_again() {
    let project = Project::new();
    std::fs::create_dir(project.path().join("proj")).unwrap();
    let init = dossier()
        .args(["init"])
        .current_dir(project.path().join("proj"))
        .output()
        .unwrap();
    assert!(init.status.success());
    let report = project.read("proj/report.md").unwrap();
    let registry = project.read("proj/sources.toml").unwrap();
    let (mut child, lines) = watch(&project, "proj/report.md");
    let count = |what: &str| {
        lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(what))
            .count()
    };
    until("the first build", || count("] built") >= 1);
    std::fs::remove_dir_all(project.path().join("proj")).unwrap();
    until("the missing report", || count("] error") >= 1);
    std::fs::create_dir(project.path().join("proj")).unwrap();
    std::fs::write(project.path().join("proj/sources.toml"), &registry).unwrap();
    std::fs::write(project.path().join("proj/report.md"), &report).unwrap();
    until("the build in the new folder", || count("] built") >= 2);
    assert!(project.read("proj/report.pdf").is_some());
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn biblatex_tex_is_imported_as_text_and_printed_without_markup() {
    let project = super::support::Project::new();
    project.write("sources.toml", "[registry]\ntitle = \"TeX\"\n");
    project.write(
        "lib.bib",
        r#"@string{jomch = {J.~Organomet. Chem.}}
@article{herrmann,
  author = {Herrmann, Wolfgang A. and {\"O}fele, Karl},
  title = {A study of \mkbibquote{Intention} in \emph{De Anima}: 5.2~nm by S.~Hermann\hyphen{}style --- \textsc{Abc} \& more},
  journaltitle = jomch,
  date = {1995},
}
"#,
    );
    project.run(&["import", "lib.bib"]).expect(0);
    let registry = String::from_utf8(project.read("sources.toml").unwrap()).unwrap();
    assert!(
        !registry.contains('\\') && !registry.contains('~'),
        "{registry}"
    );
    assert!(
        registry.contains(
            "A study of “Intention” in <i>De Anima</i>: 5.2\u{a0}nm by S.\u{a0}Hermann-style — <sc>Abc</sc> & more"
        ),
        "{registry}"
    );
    project.write("report.md", "As shown [@herrmann].\n");
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let text = super::support::pdf_text(&project.read("out.pdf").unwrap());
    assert!(!text.contains('\\') && !text.contains('~'), "{text}");
    assert!(
        text.contains("Intention") && text.contains("Öfele"),
        "{text}"
    );
}

/// A style file named in the front matter that is broken when the watch
/// starts is watched all the same: repairing it builds.
#[test]
fn watch_builds_once_a_broken_style_file_is_repaired() {
    let project = Project::new();
    project.run(&["init"]).expect(0);
    let report = String::from_utf8(project.read("report.md").unwrap()).unwrap();
    project.write("own.csl", "not a style");
    project.write(
        "report.md",
        &report.replacen("---\n", "---\nstyle: own.csl\n", 1),
    );
    let (mut child, lines) = watch(&project, "report.md");
    until("the style's error", || {
        lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("not a usable CSL style"))
    });
    let style = std::fs::read_to_string(data("features/brackets.csl")).unwrap();
    project.write("own.csl", &style);
    until("the build with the repaired style", || {
        lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("] built report.pdf"))
    });
    assert!(pdf_text(&project.read("report.pdf").unwrap()).contains('⟦'));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What no edit can make right stops `watch` at once, with exit code 2:
/// an output that is the registry, an internal build to a public name,
/// `--timings`, which traces one build.
#[test]
fn watch_stops_at_once_on_arguments_no_edit_can_fix() {
    let project = Project::from_fixture("check/clean");
    let registry = project.read("sources.toml").unwrap();
    for (args, said) in [
        (
            &["watch", "report.md", "-o", "sources.toml"][..],
            "the command reads",
        ),
        (
            &["watch", "report.md", "--internal", "-o", "x.pdf"],
            "ends in .internal.pdf",
        ),
        (
            &["watch", "report.md", "--timings", "t.json"],
            "use it with `dossier build`",
        ),
    ] {
        let run = project.run(args).expect(2);
        assert!(run.stderr().contains(said), "{args:?}: {}", run.stderr());
    }
    // Inputs known only once the document is read count as much.
    project.write(
        "fig.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#,
    );
    project.write("figure.md", "---\ntitle: T\n---\n\n![A figure](fig.svg)\n");
    let svg = project.read("fig.svg").unwrap();
    let run = project
        .run(&["watch", "figure.md", "-o", "fig.svg"])
        .expect(2);
    assert!(
        run.stderr().contains("the command reads"),
        "{}",
        run.stderr()
    );
    assert_eq!(project.read("fig.svg").unwrap(), svg);
    assert_eq!(project.read("sources.toml").unwrap(), registry);
}
