//! `dossier init [DIR]`: a small project that builds at once — a registry
//! with two sources and two claims, and a report that cites them.

use std::io::Write;
use std::path::PathBuf;

use super::{Error, Outcome};
use crate::args::InitArgs;
use crate::diag::display_name;

const REGISTRY: &str = r#"# The registry: the sources your report rests on, and the claims they support.
# Check it with `dossier check report.md`; build with `dossier build report.md`.

[registry]
title = "My dossier — sources"
style = "chicago-author-date"

[sources.amnesty-2018]
type = "report"
title = "Blood-soaked secrets: Why Iran's 1988 prison massacres are ongoing crimes against humanity"
short-title = "Blood-soaked secrets"
authors = [{ org = "Amnesty International" }]
publisher = "Amnesty International"
date = "2018-12-04"
url = "https://www.amnesty.org/en/documents/mde13/9421/2018/en/"
language = "en"
reliability = "B"            # Admiralty grade of the source, A–F

[sources.diplomat-2013]
type = "article"
title = "The Forgotten Mass Execution of Prisoners in Iran in 1988"
authors = ["Stevenson, Struan"]
publisher = "The Diplomat"
date = "2013"
language = "en"
affiliation = "FOFI"         # who stands behind it
reliability = "C"

[claims.executions-1988]
statement = "Thousands of political prisoners were executed in Iran in the summer of 1988."
credibility = 2              # Admiralty grade of the information, 1–6
evidence = [
  { source = "amnesty-2018", locator = "p. 5", value = { at-least = 5000 } },
  { source = "diplomat-2013", locator = "para. 2", value = { at-least = 30000 } },
]

[claims.no-acknowledgement]
statement = "The Iranian authorities have never acknowledged the killings."
sources = ["diplomat-2013", "amnesty-2018"]
"#;

const REPORT: &str = r#"---
title: A first briefing
subtitle: Written with dossier
authors: [Your Name]
organisation: Your Organisation
---

## Summary

In the summer of 1988 thousands of political prisoners were executed in Iran
[@executions-1988]. Amnesty International documented the killings
[see @amnesty-2018, p. 12], and @diplomat-2013 [para. 4] called them "the
forgotten mass execution". The authorities have never acknowledged them
[@no-acknowledgement].
"#;

/// Writes the two files; refuses to overwrite anything.
pub fn run(args: &InitArgs) -> Result<Outcome, Error> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let files = [
        (dir.join("sources.toml"), REGISTRY),
        (dir.join("report.md"), REPORT),
    ];
    if let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(Error::msg(format!(
            "{} already exists; dossier init writes only into an empty project",
            display_name(path)
        )));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::msg(format!("cannot create {} ({e})", display_name(&dir))))?;
    for (path, text) in &files {
        super::write_atomically(path, text.as_bytes())?;
    }
    let report = display_name(&files[1].0);
    writeln!(
        std::io::stderr(),
        "wrote {} and {}; next: dossier build {report}",
        display_name(&files[0].0),
        report
    )?;
    Ok(Outcome::Clean)
}
