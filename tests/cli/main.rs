//! End-to-end tests of the `dossier` binary: one test binary, one module per
//! feature, fixtures under `tests/data/`.

mod build;
mod check;
mod citations;
mod confidential;
mod document;
mod example;
mod formats;
mod fuzz;
mod hostile;
mod leak;
mod library;
mod navigation;
mod pandoc;
mod policy;
mod prose;
mod rtl;
mod sandbox;
mod standards;
mod support;
mod verify;
mod workflow;
mod writes;
