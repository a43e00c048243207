//! Real reference libraries: every BibLaTeX entry type and every Zotero item
//! type, with the TeX, protected case and rich text their authors write,
//! imported, printed, and carried through every export format unchanged.

use super::support::{Project, data, pdf_text};

/// A project with an empty registry and `file` imported into it.
fn imported(name: &str, text: &str) -> Project {
    let project = Project::new();
    project.write("sources.toml", "[registry]\ntitle = \"Library\"\n");
    project.write(name, text);
    project.run(&["import", name]).expect(0);
    project
}

/// The sources of a project's registry, without the import comments.
fn sources(project: &Project) -> String {
    String::from_utf8(project.read("sources.toml").unwrap())
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("# Imported from"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The bibliography of a report that cites every source of `project`.
fn bibliography(project: &Project) -> String {
    let registry = sources(project);
    let citations: Vec<String> = registry
        .lines()
        .filter_map(|l| l.strip_prefix("[sources.")?.strip_suffix(']'))
        .map(|id| format!("[@{id}]"))
        .collect();
    project.write("report.md", &format!("All: {}.\n", citations.join(" ")));
    project.run(&["check", "report.md"]).expect(0);
    project.run(&["build", "report.md"]).expect(0);
    pdf_text(&project.read("report.pdf").unwrap())
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(data("library").join(name)).unwrap()
}

/// Nothing of TeX, of the registry's markup or of the marks that carry
/// formatting reaches the reader.
fn assert_clean(text: &str, what: &str, allowed: &[&str]) {
    for bad in ["\\", "~", "{", "}", "<i>", "<sc>", "</", "$", "emph"] {
        if allowed.contains(&bad) {
            continue;
        }
        assert!(!text.contains(bad), "{what}: `{bad}` printed in {text}");
    }
    assert!(
        !text
            .chars()
            .any(|c| ('\u{E000}'..='\u{E00A}').contains(&c) || c == '\u{2060}'),
        "{what}: a formatting mark printed in {text}"
    );
}

#[test]
fn every_biblatex_entry_type_imports_and_prints_as_written() {
    let project = imported("library.bib", &fixture("types.bib"));
    let registry = sources(&project);
    for expected in [
        // Types, containers and the fields each carries.
        "[sources.art]\ntype = \"article\"",
        "container = \"J.\u{a0}Organomet. Chem.\"\nvolume = \"494\"\nissue = \"1\"\npages = \"5–15\"\nissn = \"0022-328X\"",
        "[sources.inbk]\ntype = \"chapter\"",
        "container = \"Kants Werke\"",
        "[sources.incoll]\ntype = \"anthos\"",
        "container = \"Aristotle on Mind and the Senses\"\ncontainer-type = \"proceedings\"",
        "[sources.rep]\ntype = \"report\"",
        "number = \"MDE 13/9421/2018\"\ninstitution = \"Amnesty International\"\ngenre = \"Research report\"",
        "[sources.thes]\ntype = \"thesis\"",
        "institution = \"Uppsala Universitet\"\nlocation = \"Uppsala\"\ngenre = \"PhD thesis\"",
        "[sources.juris]\ntype = \"case\"",
        "[sources.vid]\ntype = \"video\"",
        "[sources.aud]\ntype = \"audio\"",
        "[sources.artw]\ntype = \"artwork\"",
        "[sources.leg]\ntype = \"legislation\"",
        "[sources.data]\ntype = \"repository\"",
        "[sources.rev]\ntype = \"article\"",
        "container = \"Iranian Studies\"",
        "volume = \"C\"\nedition = \"2\"\nseries = \"Computers & {Typesetting}\"",
        "translators = [\"Doe, Jane\"]",
        "editors = [\"Nietzsche, Friedrich\"]",
        // crossref and xdata resolved.
        "publisher = \"Kluwer Academic Publishers\"",
        "publisher = \"Encyclopaedia Iranica Foundation\"",
        // TeX as text, formatting as tags, protected case as braces.
        "title = \"A study of “Intention” in <i>De Anima</i>: 5.2\u{a0}nm by S.\u{a0}Hermann-style\"",
        "authors = [\"Herrmann, Wolfgang A.\", \"Öfele, Karl\", \"von Preysing, Daniela\"]",
        "title = \"The {METAFONTbook}\"",
        "title = \"The {LaTeX} Companion\"",
        "title = \"On {11<sup>th</sup>} Anniversaries and H<sub>2</sub>O\"",
        "title = \"Miscellaneous Notes on <sc>Unesco</sc>\"",
        "title = \"Sämtliche Werke: Kritische Studienausgabe\"",
    ] {
        assert!(
            registry.contains(expected),
            "missing {expected:?} in\n{registry}"
        );
    }
    // An `@xdata` entry is data for others, not a source.
    assert!(!registry.contains("[sources.iranica]"), "{registry}");
    let text = bibliography(&project);
    assert_clean(&text, "BibLaTeX", &[]);
    for expected in [
        "The METAFONTbook",
        "The LaTeX Companion",
        "The CTAN Handbook",
        // The journal is the container, with its volume, issue and pages.
        "Organomet. Chem. 494 (1): 5–15",
        "Translated by Jane Doe",
        "Uppsala Universitet",
        "Öfele",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
}

#[test]
fn every_zotero_item_type_imports_and_prints_as_written() {
    let project = imported("zotero.json", &fixture("zotero.json"));
    let registry = sources(&project);
    for expected in [
        "title = 'The <i>Fatwa</i> and the \\{1988\\} {UN} Response'",
        "container = \"Journal of {Iranian} Studies\"\nvolume = \"12\"\nissue = \"3\"\npages = \"45-67\"\nissn = \"0021-0862\"",
        "[sources.newspaper]\ntype = \"article\"",
        "publisher = \"The Guardian\"",
        "[sources.conference]\ntype = \"article\"",
        "container-type = \"proceedings\"",
        "editors = [\"Roe, Richard\"]\ntranslators = [\"Moe, Mina\"]\nedition = \"2\"\nseries = \"Human Rights <i>Now</i>\"\nlocation = \"London\"",
        "archive = \"Hoover Institution\"\ncall-number = \"Box 12, Folder 3\"",
        "[sources.case]\ntype = \"case\"",
        "[sources.film]\ntype = \"video\"",
        "[sources.dataset]\ntype = \"repository\"",
        "[sources.collection]\ntype = \"anthology\"",
        "[sources.blog]\ntype = \"post\"",
        "container-type = \"blog\"",
        "number = \"MDE 13/9421/2018\"",
        "title = \"On H<sub>2</sub>O and 11<sup>th</sup> Anniversaries\"",
    ] {
        assert!(
            registry.contains(expected),
            "missing {expected:?} in\n{registry}"
        );
    }
    let text = bibliography(&project);
    // CSL-JSON braces are text: the title says `{1988}`.
    assert_clean(&text, "CSL-JSON", &["{", "}"]);
    for expected in [
        "Journal of Iranian Studies 12 (3): 45–67",
        "The Fatwa and the {1988} UN Response",
        "Translated by Mina Moe",
        "Hoover Institution",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
}

/// Import, export and import into an empty registry give the same sources,
/// field for field.
fn assert_round_trip(name: &str, text: &str, format: &str) {
    let first = imported(name, text);
    let exported = first
        .run(&["export", "--format", format])
        .expect(0)
        .stdout();
    let second = imported("exported", &exported);
    assert_eq!(
        sources(&second),
        sources(&first),
        "{name} through {format}:\n{exported}"
    );
}

#[test]
fn libraries_survive_a_round_trip_in_every_format() {
    let bib = fixture("types.bib");
    let zotero = fixture("zotero.json");
    assert_round_trip("library.bib", &bib, "bibtex");
    assert_round_trip("zotero.json", &zotero, "csl-json");
    // hayagriva YAML as dossier writes it, from both libraries.
    for (name, text) in [("library.bib", &bib), ("zotero.json", &zotero)] {
        let yaml = imported(name, text)
            .run(&["export", "--format", "hayagriva"])
            .expect(0)
            .stdout();
        assert_round_trip("library.yml", &yaml, "hayagriva");
    }
}

#[test]
fn awkward_entries_import_as_written_and_print_cleanly() {
    let project = imported(
        "awkward.bib",
        r#"@book{a, author={Lamport, Leslie}, title={{LaTeX} for beginners}, year=1994, publisher={AW}}
@book{n, author={Doe, Jane}, title={\emph{Hamlet \emph{within} Hamlet}}, year=1995}
@article{, title={No key}, journaltitle={J}, year=1996}
@article{o, author={{World Health Organization} and Doe, Jane and others}, title={Org}, journaltitle={Journal}, issuetitle={The Issue}, date=2001}
@article{e, author={{}}, title={Empty org}, journaltitle={J}, date=2002}
@misc{cost, title={Costs of 50\% and \$5 \#1 a\_b \{x\} end, $\alpha$-helix}, issn={0028-0836 1476-4687}, langid={english}, year=2003}
"#,
    );
    let registry = sources(&project);
    for expected in [
        "title = \"{LaTeX} for beginners\"",
        "[sources.item-3]",
        "authors = [{ org = \"World Health Organization\" }, \"Doe, Jane\"]",
        "container = \"Journal\"",
        "[sources.e]\ntype = \"article\"\ntitle = \"Empty org\"\ndate",
        r"title = 'Costs of 50% and $5 #1 a_b \{x\} end, {α}-helix'",
        "language = \"en\"",
        "issn = \"0028-0836\"",
    ] {
        assert!(
            registry.contains(expected),
            "missing {expected:?} in\n{registry}"
        );
    }
    assert!(!registry.contains("others"), "{registry}");
    let text = bibliography(&project);
    assert_clean(&text, "awkward BibLaTeX", &["{", "}", "$"]);
    for expected in [
        "LaTeX for Beginners",
        "Hamlet within Hamlet",
        "$5 #1 a_b",
        "Helix",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    // Zotero's rich text around literal angle brackets and braces.
    let project = imported(
        "awkward.json",
        r#"[{"id": "lt", "type": "book", "title": "a < b and c > d & {curly}", "issued": {"date-parts": [[2020]]}},
{"id": "sc", "type": "book", "title": "<span style=\"font-variant:small-caps;\">Unesco</span> and <i>x</i>", "ISSN": "0028-0836, 1476-4687", "issued": {"date-parts": [[2021]]}}]"#,
    );
    let registry = sources(&project);
    for expected in [
        r"title = 'a < b and c > d & \{curly\}'",
        "title = \"<sc>Unesco</sc> and <i>x</i>\"",
        "issn = \"0028-0836\"",
    ] {
        assert!(
            registry.contains(expected),
            "missing {expected:?} in\n{registry}"
        );
    }
}

/// A syntax error in an exported library is shown where it is, counted as
/// the reader counts: a byte order mark is no column, and neither are the
/// bytes of a letter beyond its first.
#[test]
fn a_broken_library_is_located_past_a_byte_order_mark_and_accents() {
    let project = Project::new();
    project.write("sources.toml", "[registry]\ntitle = \"Library\"\n");
    project.write(
        "zotero.json",
        "\u{feff}[{\"title\": \"Gohardasht é\", x}]\n",
    );
    let run = project.run(&["import", "zotero.json"]).expect(1);
    assert!(
        run.stderr().contains("zotero.json:1:28"),
        "{}",
        run.stderr()
    );
}

/// A year or date the registry cannot hold as written is left out and said,
/// in BibLaTeX and CSL-JSON alike, never read as another year; a range is
/// dated by its start.
#[test]
fn dates_an_import_cannot_hold_are_left_out_and_said() {
    let project = Project::new();
    project.write("sources.toml", "[registry]\ntitle = \"Library\"\n");
    project.write(
        "y.bib",
        "@book{y1, title={A}, year={20xx}}\n@book{y2, title={B}, date={20xx}}\n@book{y3, title={C}, date={2019-05/2020}}\n",
    );
    let run = project.run(&["import", "y.bib"]).expect(0);
    assert!(
        run.stderr().contains("`y1`: left out the year `20xx`"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("`y2`: left out the date `20xx`"),
        "{}",
        run.stderr()
    );
    let registry = sources(&project);
    assert!(
        !registry.contains("0020") && !registry.contains("2099"),
        "{registry}"
    );
    assert!(registry.contains("date = \"2019-05\""), "{registry}");
    project.write(
        "z.json",
        r#"[{"id":"z1","type":"book","title":"Z","issued":{"date-parts":[["20xx"]]}}]"#,
    );
    let run = project.run(&["import", "z.json"]).expect(0);
    assert!(
        run.stderr().contains("`z1`: left out the date"),
        "{}",
        run.stderr()
    );
}
