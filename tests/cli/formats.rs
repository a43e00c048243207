//! The output formats CI systems read: `short`, `json`, `sarif` (validated
//! against the SARIF 2.1.0 schema kept in `tests/data/sarif/`), `github`;
//! `--output FILE` and `--deny warnings`.

use super::support::{Project, data, dossier};

/// Runs `check` on the unknown-id fixture with `args`.
fn unknown_id(args: &[&str]) -> std::process::Output {
    dossier()
        .args(["check", "report.md"])
        .args(args)
        .current_dir(data("check/unknown-id"))
        .output()
        .unwrap()
}

#[test]
fn short_is_one_line_per_diagnostic() {
    let output = unknown_id(&["--format", "short"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "sources.toml:7:9: warning[unused-claim]: claim `toll-1988` is not cited by any checked report\n\
         report.md:6:26: error[unknown-id]: no claim or source named `toll-198`\n\
         report.md:7:21: error[unknown-id]: no claim or source named `amnesty-2019`\n\
         report.md:7:53: error[unknown-id]: no claim or source named `hrw-2022`\n\
         3 errors, 1 warning · 1 report · 4 citations · 1 claim · 1 source\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn github_writes_workflow_commands() {
    let output = unknown_id(&["--format", "github"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "::warning file=sources.toml,line=7,col=9,endLine=7,endColumn=18,title=unused-claim::claim `toll-1988` is not cited by any checked report"
    );
    assert_eq!(
        lines[1],
        "::error file=report.md,line=6,col=26,endLine=6,endColumn=35,title=unknown-id::no claim or source named `toll-198`%0Ahelp: did you mean `toll-1988`?"
    );
    assert_eq!(lines.len(), 5);
}

#[test]
fn json_has_the_contract_shape() {
    let dir = data("check/unknown-id");
    let output = dossier()
        .args(["check", "report.md", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let first = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-id")
        .unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-id");
    assert_eq!(first["message"], "no claim or source named `toll-198`");
    assert_eq!(first["help"], "did you mean `toll-1988`?");
    assert_eq!(
        (&first["file"], &first["line"], &first["column"]),
        (&"report.md".into(), &6.into(), &26.into())
    );
    assert_eq!(
        (&first["end_line"], &first["end_column"]),
        (&6.into(), &35.into())
    );
    let summary = &json["summary"];
    assert_eq!(summary["errors"], 3);
    // Only report.md is checked, so the claim it misspells is unused.
    assert_eq!(summary["warnings"], 1);
    assert_eq!(diagnostics[0]["code"], "unused-claim");
    assert_eq!(summary["citations"], 4);
    assert_eq!(summary["claims"], 1);
    assert_eq!(summary["sources"], 1);
}

fn sarif_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(data("sarif/sarif-2.1.0-rtm.5.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sarif_validates_against_the_schema() {
    let validator = jsonschema::draft4::new(&sarif_schema()).unwrap();
    for fixture in [
        "unknown-id",
        "duplicate-id",
        "conflicting-evidence",
        "clean",
    ] {
        let dir = data("check").join(fixture);
        let expected = std::fs::read_to_string(dir.join("expected")).unwrap();
        let args: Vec<&str> = expected
            .lines()
            .next()
            .unwrap()
            .strip_prefix("args: ")
            .unwrap()
            .split_whitespace()
            .collect();
        let output = dossier()
            .args(&args)
            .args(["--format", "sarif"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:#?}");
    }
    // The validator does reject a log that breaks the schema.
    let mut broken =
        serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": { "driver": {} } }] });
    assert!(!validator.is_valid(&broken));
    broken["runs"][0]["tool"]["driver"]["name"] = "dossier".into();
    assert!(validator.is_valid(&broken));
}

#[test]
fn sarif_has_one_rule_per_code_and_located_results() {
    let output = unknown_id(&["--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for code in [
        "syntax",
        "invalid-field",
        "unknown-id",
        "duplicate-id",
        "unknown-source",
        "no-evidence",
        "conflicting-evidence",
        "capture-mismatch",
        "duplicate-source",
        "unused-claim",
        "unused-source",
        "single-origin",
        "weak-evidence",
        "date-order",
        "quote-mismatch",
        "figure-mismatch",
        "uncited-figure",
    ] {
        assert!(ids.contains(&code), "{code} missing from {ids:?}");
    }
    assert!(
        rules
            .iter()
            .all(|r| !r["help"]["text"].as_str().unwrap().is_empty())
    );
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "unknown-id")
        .unwrap();
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "unknown-id"
    );
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "report.md");
    assert_eq!(location["region"]["startLine"], 6);
    assert_eq!(location["region"]["startColumn"], 26);
    assert_eq!(location["region"]["endColumn"], 35);
}

#[test]
fn output_writes_the_report_to_a_file() {
    let project = Project::from_fixture("check/unknown-id");
    let run = project
        .run(&[
            "check",
            "report.md",
            "--format",
            "sarif",
            "--output",
            "dossier.sarif",
        ])
        .expect(1);
    assert!(run.stdout().is_empty(), "{}", run.stdout());
    let sarif: serde_json::Value =
        serde_json::from_slice(&project.read("dossier.sarif").unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn deny_warnings_fails_a_run_with_warnings_only() {
    let project = Project::from_fixture("check/single-origin");
    project.run(&["check"]).expect(0);
    let run = project.run(&["check", "--deny", "warnings"]).expect(1);
    assert!(
        run.stdout().contains("0 errors, 2 warnings"),
        "{}",
        run.stdout()
    );
    Project::from_fixture("check/clean")
        .run(&["check", "report.md", "report.typ", "--deny", "warnings"])
        .expect(0);
}

#[test]
fn globs_name_reports_and_unused_counts_over_all_of_them() {
    let project = Project::from_fixture("check/many");
    let run = project
        .run(&["check", "reports/*.md", "--format", "short"])
        .expect(0);
    // Only one.md matches: commission, cited in two.typ, is now unused.
    assert!(
        run.stdout()
            .contains("warning[unused-claim]: claim `commission`"),
        "{}",
        run.stdout()
    );
    let run = project
        .run(&[
            "check",
            "reports/one.md",
            "reports/part-two/two.typ",
            "--format",
            "short",
        ])
        .expect(0);
    assert!(!run.stdout().contains("commission"), "{}", run.stdout());
    let run = project.run(&["check", "nothing/*.md"]).expect(2);
    assert!(
        run.stderr().contains("no report matches `nothing/*.md`"),
        "{}",
        run.stderr()
    );
}

/// Output of `check` in `fixture` compared with the file `golden` beside it.
#[track_caller]
fn pinned(fixture: &str, format: &str, golden: &str) {
    let dir = data("check").join(fixture);
    let output = dossier()
        .args(["check", "--format", format])
        .current_dir(&dir)
        .output()
        .unwrap();
    let expected = std::fs::read_to_string(dir.join(golden)).unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

#[test]
fn human_output_is_pinned() {
    pinned("conflicting-evidence", "human", "human.txt");
}

#[test]
fn json_output_is_pinned() {
    pinned("weak-evidence", "json", "expected.json");
}
