//! Every command-line option, as clap derive types. Options shared by several
//! commands live in small groups that are flattened into each.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Evidence-backed documents: check every citation from report to claim to
/// source, then build the PDF.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Resolve and check every citation of the reports; renders nothing.
    Check(CheckArgs),
    /// Check the report, then compile it into a PDF.
    Build(BuildArgs),
    /// Write a small working project: a registry and a report that cites it.
    Init(InitArgs),
    /// Add sources from BibTeX/BibLaTeX, CSL-JSON (Zotero) or hayagriva YAML.
    Import(ImportArgs),
    /// Write the registry's sources as CSL-JSON, BibLaTeX or hayagriva YAML.
    Export(ExportArgs),
    /// List the registry's claims or sources.
    List(ListArgs),
    /// Show one claim with its evidence, or one source with the claims it supports.
    Show(ShowArgs),
    /// Rebuild the PDF whenever the report, registry, template or a file it
    /// reads changes.
    Watch(BuildArgs),
    /// Check a built PDF against the evidence attached to it, and against
    /// the registry and captures when they are at hand.
    Verify(VerifyArgs),
    /// Copy a file into captures/ and record it, with its SHA-256 and the
    /// time, as the capture of a source.
    Capture(CaptureArgs),
    /// List the citation styles that can be named with `--style`.
    Styles,
    /// Print the source of a built-in template, to start a custom one from.
    Template(TemplateArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man,
}

/// `dossier init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The folder to write into [default: the current folder].
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `dossier import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// A .bib, CSL-JSON or hayagriva YAML file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format [default: detected from its content, then its extension].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<BibFormat>,
    /// Where the registry is; created if it does not exist.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// A bibliography format `import` reads and `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BibFormat {
    /// CSL-JSON, as Zotero and Better BibTeX export it.
    CslJson,
    /// BibTeX or BibLaTeX.
    Bibtex,
    /// hayagriva YAML.
    Hayagriva,
}

/// `dossier export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: BibFormat,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include confidential sources (left out by default).
    #[arg(long)]
    pub internal: bool,
    /// Where the registry is.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// What `dossier list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListKind {
    /// The claims.
    Claims,
    /// The sources.
    Sources,
}

/// Output of `list` and `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Aligned text for people.
    Human,
    /// JSON for scripts.
    Json,
}

/// `dossier list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Claims or sources.
    #[arg(value_enum)]
    pub kind: ListKind,
    /// Only those cited by none of the reports.
    #[arg(long)]
    pub unused: bool,
    /// With --unused: the reports to judge by [default: every .md and .typ
    /// file below the registry's folder].
    #[arg(value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Print confidential sources' fields and the evidence resting on them
    /// (withheld by default, so a log never holds them).
    #[arg(long)]
    pub internal: bool,
    /// Where the registry is.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `dossier show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// A claim or source ID.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Print confidential sources' fields and the evidence resting on them
    /// (withheld by default, so a log never holds them).
    #[arg(long)]
    pub internal: bool,
    /// Where the registry is.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `dossier completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `dossier capture`.
#[derive(Debug, Clone, Args)]
pub struct CaptureArgs {
    /// The source the file is a copy of.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The saved page, PDF, image or recording.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where the registry is.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `dossier template`.
#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// A built-in template: briefing or dossier.
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// Where the registry is.
#[derive(Debug, Clone, Args)]
pub struct RegistryArgs {
    /// The registry file [default: sources.toml in the report's folder, else
    /// the nearest one above it, else in the current folder].
    #[arg(long, value_name = "PATH")]
    pub registry: Option<PathBuf>,
    /// A folder outside the registry's folder that its `include` patterns
    /// may read from; repeatable.
    #[arg(long, value_name = "DIR")]
    pub include_from: Vec<PathBuf>,
}

/// How diagnostics are written and judged.
#[derive(Debug, Clone, Args)]
pub struct DiagnosticArgs {
    /// Output format of diagnostics.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
}

impl DiagnosticArgs {
    /// Whether warnings fail the run.
    pub fn deny_warnings(&self) -> bool {
        self.deny.contains(&Deny::Warnings)
    }
}

/// What `--deny` turns into failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Every warning.
    Warnings,
}

/// The diagnostic formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// Source snippets with the offending line, for people.
    Human,
    /// One line each: `file:line:col: severity[code]: message`.
    Short,
    /// One JSON document, for machines.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands, shown on the pull request.
    Github,
}

/// `dossier check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Reports to check: Markdown or Typst files, folders (searched for .md
    /// and .typ files) or glob patterns; none checks the registry alone.
    #[arg(value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Write the diagnostics to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Check for an internal build: citing confidential sources is allowed.
    #[arg(long)]
    pub internal: bool,
    /// Where the registry is.
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// How diagnostics are written.
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

/// `dossier verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The PDF a build wrote.
    #[arg(value_name = "FILE.pdf")]
    pub pdf: PathBuf,
    /// Check the PDF alone, even where a registry is at hand.
    #[arg(long, conflicts_with = "registry")]
    pub no_registry: bool,
    /// Where the registry is [default: sources.toml in the PDF's folder, else
    /// the nearest one above it, else in the current folder; without one,
    /// the PDF is checked alone].
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// How diagnostics are written.
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

/// `dossier build`.
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// The report to build (Markdown or Typst).
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Where to write the PDF [default: the report's path with `.pdf`, or
    /// `.internal.pdf` with --internal].
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: Option<PathBuf>,
    /// CSL style: a hayagriva style name or a `.csl` file [default: front
    /// matter, else the registry's `style`, else chicago-author-date].
    #[arg(long, value_name = "NAME|FILE.csl")]
    pub style: Option<String>,
    /// Template: a built-in name or a `.typ` file inside the root [default:
    /// front matter, else briefing].
    #[arg(long, value_name = "NAME|FILE.typ")]
    pub template: Option<String>,
    /// The folder Typst may read from [default: the registry's folder when
    /// the report lies inside it, else the report's folder].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Write the PDF even with errors: unknown IDs become red markers and
    /// errors are reported as warnings.
    #[arg(long)]
    pub draft: bool,
    /// Include confidential sources; every page says so, and the default
    /// output is NAME.internal.pdf.
    #[arg(long)]
    pub internal: bool,
    /// Record how long each step of the build took, as a Chrome trace (for
    /// chrome://tracing or Perfetto) in this file.
    #[arg(long, value_name = "FILE")]
    pub timings: Option<PathBuf>,
    /// A folder of more fonts (.ttf, .otf), searched recursively; repeatable.
    #[arg(long, value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
    /// The PDF standards to meet, comma-separated, as Typst names them
    /// (a-2b, a-3a, a-3b, a-4, ua-1, 1.7…), or `none` [default: a-3a,ua-1:
    /// archival and accessible].
    #[arg(long, value_name = "LIST")]
    pub pdf_standard: Option<String>,
    /// Stop a build that takes longer than this: a loop or recursion in the
    /// document that does not end is an error, not a hang.
    #[arg(long, value_name = "SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// Stop a build that holds more memory than this, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(64..))]
    pub max_memory: u64,
    /// Where the registry is.
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// How diagnostics are written.
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}
