//! `dossier styles` and `dossier template`: what a writer needs to choose a
//! style or start a template of their own.

use std::io::Write;

use super::{Error, Outcome};
use crate::args::TemplateArgs;
use crate::render::{TEMPLATES, packages, style};

/// Prints every built-in style: the name to pass to `--style`, and its title.
pub fn styles() -> Result<Outcome, Error> {
    let mut out = std::io::stdout().lock();
    let names = style::names();
    let width = names.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, title) in names {
        writeln!(out, "{name:width$}  {title}")?;
    }
    Ok(Outcome::Clean)
}

/// Prints the source of a built-in template.
pub fn template(args: &TemplateArgs) -> Result<Outcome, Error> {
    let Some(source) = packages::template_source(&args.name) else {
        let names: Vec<&str> = TEMPLATES.iter().map(|(name, _)| *name).collect();
        return Err(Error::msg(format!(
            "no built-in template `{}` (built-in: {})",
            args.name,
            names.join(", ")
        )));
    };
    std::io::stdout().lock().write_all(source.as_bytes())?;
    Ok(Outcome::Clean)
}

/// Prints completions for a shell.
pub fn completions(args: &crate::args::CompletionsArgs) -> Result<Outcome, Error> {
    let mut command = <crate::args::Cli as clap::CommandFactory>::command();
    // Generated into memory: clap_complete panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "dossier", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Prints the manual page in roff.
pub fn man() -> Result<Outcome, Error> {
    let command = <crate::args::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(Outcome::Clean)
}
