//! The in-memory packages a build serves: `@dossier/lib` (the build's data
//! and the helpers every template uses) and `@dossier/templates` (the
//! built-in templates, written against `@dossier/lib` like any custom one).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};

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

/// A generated file still being made on another thread. Typst waits for
/// it where it reads it: the bibliography is read when it is laid out, so
/// it is formatted while the pages before it are.
#[derive(Debug, Clone)]
pub struct Later(Arc<(Slot, Condvar)>);

/// The file, or why it could not be made, once it is.
type Slot = Mutex<Option<Result<Bytes, String>>>;

impl Later {
    /// A file already made.
    pub fn ready(file: Result<Bytes, String>) -> Self {
        Self(Arc::new((Mutex::new(Some(file)), Condvar::new())))
    }

    /// A file `make` makes on a thread of its own. A panic, or a thread
    /// that cannot start, is an error, so nobody waits forever.
    pub fn spawn(make: impl FnOnce() -> Result<Bytes, String> + Send + 'static) -> Self {
        let later = Self(Arc::new((Mutex::new(None), Condvar::new())));
        let slot = later.clone();
        let started = std::thread::Builder::new()
            .name("bibliography".into())
            // A style's macros nest as deep as its author wrote them: as
            // much stack as the main thread has, and more.
            .stack_size(64 << 20)
            .spawn(move || {
                let file = std::panic::catch_unwind(std::panic::AssertUnwindSafe(make))
                    .unwrap_or_else(|_| Err("formatting the bibliography failed".into()));
                slot.set(file);
            });
        if let Err(e) = started {
            later.set(Err(format!(
                "cannot start a thread to format the bibliography ({e})"
            )));
        }
        later
    }

    fn set(&self, file: Result<Bytes, String>) {
        let (slot, ready) = &*self.0;
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(file);
        ready.notify_all();
    }

    /// The file, once it is made.
    pub fn wait(&self) -> Result<Bytes, String> {
        let (slot, ready) = &*self.0;
        let mut file = slot.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(file) = &*file {
                return file.clone();
            }
            file = ready.wait(file).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Our packages' files, by spec and path inside the package, and the
/// generated files still being made.
#[derive(Debug, Default)]
pub struct Packages(
    HashMap<PackageSpec, HashMap<String, Bytes>>,
    HashMap<String, Later>,
);

impl Packages {
    /// `@dossier/lib` with the build's generated files (those made `later`
    /// waited for when read), and the templates.
    pub fn new(generated: Vec<(&str, Bytes)>, later: Vec<(&str, Later)>) -> Self {
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
        Self(
            HashMap::from([(spec("lib"), lib), (spec("templates"), templates)]),
            later
                .into_iter()
                .map(|(name, later)| (name.to_string(), later))
                .collect(),
        )
    }

    /// Whether `spec` names one of our packages.
    pub fn has(&self, spec: &PackageSpec) -> bool {
        self.0.contains_key(spec)
    }

    /// A file of one of our packages, waiting for it if it is still being
    /// made.
    pub fn file(&self, spec: &PackageSpec, path: &str) -> Option<Result<Bytes, String>> {
        if *spec == self::spec("lib")
            && let Some(later) = self.1.get(path)
        {
            return Some(later.wait());
        }
        self.0.get(spec)?.get(path).cloned().map(Ok)
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
