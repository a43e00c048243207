//! Typst may read only inside the root: `..`, absolute paths, symbolic links
//! that lead out and package imports all fail with a located error, and no
//! PDF is written.

use super::support::Project;

const REGISTRY: &str = "[sources.a]\ntype = \"web\"\ntitle = \"A\"\n";

/// A project in `project/` with a secret beside it, outside the root.
fn project() -> Project {
    let project = Project::new();
    project.write("secret.txt", "the informant's name");
    project.write("project/sources.toml", REGISTRY);
    project
}

#[track_caller]
fn refused(project: &Project, report: &str, text: &str, message: &str) {
    project.write(&format!("project/{report}"), text);
    let run = project
        .run(&["build", &format!("project/{report}")])
        .expect(1);
    assert!(run.stderr().contains(message), "{}", run.stderr());
    assert!(!run.stderr().contains("the informant's name"));
    let pdf = format!("project/{}", report.rsplit_once('.').unwrap().0) + ".pdf";
    assert!(project.read(&pdf).is_none(), "no PDF for {report}");
}

#[test]
fn parent_folders_are_out_of_reach() {
    refused(
        &project(),
        "up.typ",
        "@a #read(\"../secret.txt\")\n",
        "would escape the project root",
    );
    refused(
        &project(),
        "up.md",
        "[@a]\n\n![x](../secret.txt)\n",
        "report.md".replace("report", "up").as_str(),
    );
}

#[test]
fn absolute_paths_stay_inside_the_root() {
    let project = project();
    let absolute = project.path().join("secret.txt");
    let text = format!("@a #read(\"{}\")\n", absolute.display());
    refused(&project, "abs.typ", &text, "file not found");
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_root_are_refused() {
    let project = project();
    std::os::unix::fs::symlink(
        project.path().join("secret.txt"),
        project.path().join("project/link.txt"),
    )
    .unwrap();
    refused(
        &project,
        "link.typ",
        "@a #read(\"link.txt\")\n",
        "leads outside the root folder",
    );
}

#[test]
fn package_imports_are_refused_without_the_network() {
    refused(
        &project(),
        "pkg.typ",
        "#import \"@preview/cetz:0.2.2\": canvas\n@a\n",
        "package imports are not available in dossier builds",
    );
}

#[test]
fn a_report_outside_the_root_cannot_be_built() {
    let project = project();
    project.write("elsewhere/report.md", "[@a]\n");
    let run = project
        .run(&[
            "build",
            "elsewhere/report.md",
            "--registry",
            "project/sources.toml",
            "--root",
            "project",
        ])
        .expect(2);
    assert!(
        run.stderr().contains("lies outside the root folder"),
        "{}",
        run.stderr()
    );
}
