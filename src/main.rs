//! The `dossier` binary: parse the arguments, run the command, and map how it
//! ended to the exit code the contract documents (0 clean, 1 errors found,
//! 2 could not run).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use dossier::args::{Cli, Command};
use dossier::cmd::{self, Outcome};

/// Counts memory, so a build can stop at `--max-memory`.
#[global_allocator]
static ALLOCATOR: dossier::budget::Counting = dossier::budget::Counting;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help or version that cannot be written is a failure too.
            let printed = error.print().and_then(|()| {
                use std::io::Write;
                std::io::stdout().flush()
            });
            // A reader that stopped early is no failure.
            if let Err(e) = printed.as_ref()
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                // Standard error may be full too: never panic over it.
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot write to standard output ({e})"
                );
                return ExitCode::from(2);
            }
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::List(args) => cmd::list::run(args),
        Command::Show(args) => cmd::show::run(args),
        Command::Watch(args) => cmd::watch::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Capture(args) => cmd::capture::run(args),
        Command::Styles => cmd::info::styles(),
        Command::Template(args) => cmd::info::template(args),
        Command::Completions(args) => cmd::info::completions(args),
        Command::Man => cmd::info::man(),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        // A reader that stopped early (`dossier man | head`) is not a
        // failure of ours, whatever the command was writing.
        Err(error) if error.kind() == Some(std::io::ErrorKind::BrokenPipe) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            ExitCode::from(2)
        }
    }
}
