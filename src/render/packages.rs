//! The in-memory packages a build serves: `@dossier/lib` (the build's data
//! and the helpers every template uses) and `@dossier/templates` (the
//! built-in templates, written against `@dossier/lib` like any custom one).

use std::collections::HashMap;

use typst::foundations::Bytes;
use typst::syntax::package::{PackageSpec, PackageVersion};

/// The version both packages carry; templates import it.
pub const VERSION: (u32, u32, u32) = (0, 1, 0);

/// The built-in templates: name and source.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("briefing", include_str!("../../templates/briefing.typ")),
    ("dossier", include_str!("../../templates/dossier.typ")),
];

/// The source of `@dossier/lib`'s entry point.
const LIB: &str = include_str!("../../templates/lib.typ");

/// The spec of `@dossier/NAME:0.1.0`.
pub fn spec(name: &str) -> PackageSpec {
    let (major, minor, patch) = VERSION;
    PackageSpec {
        namespace: "dossier".into(),
        name: name.into(),
        version: PackageVersion {
            major,
            minor,
            patch,
        },
    }
}

/// `"@dossier/NAME:0.1.0"` as Typst writes an import.
pub fn import(name: &str) -> String {
    format!("\"{}\"", spec(name))
}

/// Our packages' files, by spec and path inside the package.
#[derive(Debug, Default)]
pub struct Packages(HashMap<PackageSpec, HashMap<String, Bytes>>);

impl Packages {
    /// `@dossier/lib` with the build's generated files, and the templates.
    pub fn new(generated: Vec<(&str, Bytes)>) -> Self {
        let mut lib: HashMap<String, Bytes> = generated
            .into_iter()
            .map(|(name, bytes)| (name.to_string(), bytes))
            .collect();
        lib.insert("typst.toml".into(), manifest("lib"));
        lib.insert("lib.typ".into(), Bytes::from_string(LIB));
        let mut templates: HashMap<String, Bytes> = TEMPLATES
            .iter()
            .map(|(name, text)| (format!("{name}.typ"), Bytes::from_string(*text)))
            .collect();
        let entry: String = TEMPLATES
            .iter()
            .map(|(name, _)| format!("#import \"{name}.typ\": template as {name}\n"))
            .collect();
        templates.insert("lib.typ".into(), Bytes::from_string(entry));
        templates.insert("typst.toml".into(), manifest("templates"));
        Self(HashMap::from([
            (spec("lib"), lib),
            (spec("templates"), templates),
        ]))
    }

    /// Whether `spec` names one of our packages.
    pub fn has(&self, spec: &PackageSpec) -> bool {
        self.0.contains_key(spec)
    }

    /// A file of one of our packages.
    pub fn file(&self, spec: &PackageSpec, path: &str) -> Option<Bytes> {
        self.0.get(spec)?.get(path).cloned()
    }
}

fn manifest(name: &str) -> Bytes {
    let (major, minor, patch) = VERSION;
    Bytes::from_string(format!(
        "[package]\nname = \"{name}\"\nversion = \"{major}.{minor}.{patch}\"\nentrypoint = \"lib.typ\"\n"
    ))
}

/// The source of a built-in template, to start a custom one from.
pub fn template_source(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}
