//! `dossier` checks evidence-backed documents and builds them into PDFs.
//!
//! Authors write reports in Markdown or Typst that cite **claims** by ID;
//! claims and the **sources** that support them live in a TOML registry. The
//! pipeline runs one way, one module per stage:
//!
//! [`registry`] (load and validate) → [`report`] (find citations) →
//! [`resolve`] (citation → claim → evidence → source) → [`check`] (every rule)
//! → [`render`] (Typst World, bibliography, PDF) → [`verify`] (a built PDF
//! against the evidence it carries), with [`diag`] carrying every problem
//! found to the reporters and [`cmd`] on top. [`interop`] (BibLaTeX,
//! CSL-JSON, hayagriva) sits beside [`report`], above the registry. Below
//! them all, [`skeleton`] is the one form in which texts are compared (the
//! leak scan matches confidential text in it), [`identity`] the one judge of
//! when two URLs, DOIs or ISBNs name the same document, and [`quiet`] runs
//! third-party readers on untrusted bytes. A test holds every module to its
//! layer: dependencies point one way.
//!
//! ```
//! use dossier::diag::Files;
//! use dossier::report::{self, Format};
//!
//! let mut files = Files::new();
//! let text = "Some 30,000 prisoners were executed [@toll-1988, para. 4].";
//! let id = files.add("report.md".as_ref(), text.into());
//! let (report, diagnostics) = report::parse(id, Format::Markdown, &files);
//! assert!(diagnostics.is_empty());
//! let citation = report.citations().next().unwrap();
//! assert_eq!(citation.id, "toll-1988");
//! assert_eq!(citation.locator.as_deref(), Some("para. 4"));
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr, missing_docs)]

pub mod args;
pub mod budget;
pub mod check;
pub mod cmd;
pub mod diag;
pub mod identity;
pub mod interop;
pub mod quiet;
pub mod registry;
pub mod render;
pub mod report;
pub mod resolve;
pub mod skeleton;
#[cfg(test)]
mod testing;
pub mod typst_str;
pub mod verify;
