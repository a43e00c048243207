//! The Typst `World` a build compiles in: embedded fonts, files read only from
//! inside the root (symbolic links are resolved and checked), our own
//! in-memory package `@dossier/lib` with the templates and the build's data,
//! and no other package — a build never touches the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::package::{PackageSpec, PackageVersion};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

/// The namespace, name and version under which templates import our package.
pub const PACKAGE: (&str, &str, (u32, u32, u32)) = ("dossier", "lib", (0, 1, 0));

/// The spec of our in-memory package, `@dossier/lib:0.1.0`.
pub fn package_spec() -> PackageSpec {
    let (namespace, name, (major, minor, patch)) = PACKAGE;
    PackageSpec {
        namespace: namespace.into(),
        name: name.into(),
        version: PackageVersion {
            major,
            minor,
            patch,
        },
    }
}

/// The embedded fonts, loaded once per process.
static FONTS: LazyLock<FontStore> = LazyLock::new(|| {
    let mut store = FontStore::new();
    store.extend(typst_kit::fonts::embedded());
    store
});

/// A compilation environment for one build.
pub struct DossierWorld {
    library: LazyHash<Library>,
    main: FileId,
    files: FileStore<Loader>,
    today: Datetime,
}

/// Where file contents come from.
struct Loader {
    /// The canonical root folder.
    root: PathBuf,
    /// Files generated in memory (the main file), by id.
    generated: HashMap<FileId, Bytes>,
    /// Files of `@dossier/lib`, by path inside the package.
    package: HashMap<String, Bytes>,
}

impl DossierWorld {
    /// A world rooted at `root` (canonicalised here) whose main file is
    /// `main_text`, generated in memory as if it were `main_path` (so its
    /// relative paths resolve from there); `package` holds the files of
    /// `@dossier/lib` by their path inside it.
    pub fn new(
        root: &Path,
        main_path: &Path,
        main_text: String,
        package: HashMap<String, Bytes>,
        today: chrono::NaiveDate,
    ) -> Result<Self, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open the root folder {} ({e})", root.display()))?;
        let vpath = virtual_path(&root, main_path)?;
        let main = FileId::unique(RootedPath::new(VirtualRoot::Project, vpath));
        let mut generated = HashMap::new();
        generated.insert(main, Bytes::from_string(main_text));
        let today = Datetime::from_ymd(
            chrono::Datelike::year(&today),
            chrono::Datelike::month(&today) as u8,
            chrono::Datelike::day(&today) as u8,
        )
        .ok_or("the document date is out of range")?;
        Ok(Self {
            library: LazyHash::new(Library::builder().build()),
            main,
            files: FileStore::new(Loader {
                root,
                generated,
                package,
            }),
            today,
        })
    }

    /// The canonical root.
    pub fn root(&self) -> &Path {
        &self.files.loader().root
    }

    /// The real path of a project file, for diagnostics.
    pub fn path_of(&self, id: FileId) -> Option<PathBuf> {
        match id.root() {
            VirtualRoot::Project => id.vpath().realize(self.root()).ok(),
            VirtualRoot::Package(_) => None,
        }
    }
}

/// The path of `path` inside `root`, checked not to escape it.
fn virtual_path(root: &Path, path: &Path) -> Result<VirtualPath, String> {
    let absolute = std::path::absolute(path).map_err(|e| e.to_string())?;
    let parent = absolute.parent().unwrap_or(&absolute);
    let parent = parent
        .canonicalize()
        .map_err(|e| format!("cannot open {} ({e})", parent.display()))?;
    let full = parent.join(absolute.file_name().unwrap_or_default());
    VirtualPath::virtualize(root, &full).map_err(|_| {
        format!(
            "{} lies outside the root folder {} (set --root to a folder that contains it)",
            crate::diag::display_name(path),
            crate::diag::display_name(root)
        )
    })
}

impl FileLoader for Loader {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.generated.get(&id) {
            return Ok(bytes.clone());
        }
        match id.root() {
            VirtualRoot::Package(spec) if *spec == package_spec() => self
                .package
                .get(id.vpath().get_without_slash())
                .cloned()
                .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into())),
            VirtualRoot::Package(spec) => Err(FileError::Package(PackageError::Other(Some(
                format!(
                    "package imports are not available in dossier builds, which never use the network: `{spec}`"
                )
                .into(),
            )))),
            VirtualRoot::Project => self.load_project_file(id.vpath()),
        }
    }
}

impl Loader {
    /// Reads a project file, refusing anything whose real path leaves the root.
    fn load_project_file(&self, vpath: &VirtualPath) -> FileResult<Bytes> {
        let path = vpath
            .realize(&self.root)
            .map_err(|_| FileError::AccessDenied)?;
        let real = path
            .canonicalize()
            .map_err(|e| FileError::from_io(e, &path))?;
        if !real.starts_with(&self.root) {
            return Err(FileError::Other(Some(
                format!(
                    "`{}` leads outside the root folder ({}) through a symbolic link",
                    vpath.get_with_slash(),
                    crate::diag::display_name(&self.root)
                )
                .into(),
            )));
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &path))
    }
}

impl World for DossierWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        FONTS.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
