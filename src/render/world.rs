//! The Typst `World` a build compiles in: our fonts, files read only from
//! inside the root (symbolic links are resolved and checked), our in-memory
//! packages `@dossier/lib` and `@dossier/templates`, and no other package — a
//! build never touches the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use super::leak::{self, Scanner};
use super::packages::Packages;

/// A compilation environment for one build.
pub struct DossierWorld {
    library: LazyHash<Library>,
    main: FileId,
    files: FileStore<Loader>,
    fonts: FontStore,
    today: Datetime,
}

/// Where file contents come from.
struct Loader {
    /// The canonical root folder.
    root: PathBuf,
    /// Files generated in memory (the main file), by id.
    generated: HashMap<FileId, Bytes>,
    /// Our packages.
    packages: Packages,
    /// What the document of a public build may not read, and the scan of
    /// what it does read.
    guard: Guard,
    /// Files the report includes or imports, by real path: as written, and
    /// as Typst reads them, their planned citation groups made calls.
    includes: HashMap<PathBuf, (Vec<u8>, Bytes)>,
}

/// Files a public build's document may not read — the registry and the
/// captures, by path, by identity (a hard link is the same file) and by
/// content (a copy is the same text) — and the leak scan every file it does
/// read goes through.
#[derive(Debug, Default, Clone)]
pub struct Guard {
    /// Canonical paths.
    pub paths: Vec<PathBuf>,
    /// Device and inode numbers.
    pub identities: Vec<(u64, u64)>,
    /// SHA-256 digests of the contents.
    pub digests: Vec<[u8; 32]>,
    /// The scan of every file read.
    pub scanner: Option<std::sync::Arc<Scanner>>,
}

impl DossierWorld {
    /// A world rooted at `root` (canonicalised here) whose main file is
    /// `main_text`, generated in memory as if it were `main_path` (so its
    /// relative paths resolve from there).
    pub fn new(
        root: &Path,
        main_path: &Path,
        main_text: String,
        packages: Packages,
        fonts: FontStore,
        today: chrono::NaiveDate,
    ) -> Result<Self, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open the root folder {} ({e})", root.display()))?;
        let vpath = virtual_path(&root, main_path)?;
        let main = FileId::unique(RootedPath::new(VirtualRoot::Project, vpath));
        let mut generated = HashMap::new();
        generated.insert(main, Bytes::from_string(main_text));
        let today = datetime(today)?;
        Ok(Self {
            library: LazyHash::new(Library::builder().build()),
            main,
            files: FileStore::new(Loader {
                root,
                generated,
                packages,
                guard: Guard::default(),
                includes: HashMap::new(),
            }),
            fonts,
            today,
        })
    }

    /// Starts a new round with a new main file, data and date: every file is
    /// read again, and sources that did not change are reparsed only where
    /// they changed, so Typst's caches carry over.
    pub fn refresh(
        &mut self,
        main_text: String,
        packages: Packages,
        today: chrono::NaiveDate,
    ) -> Result<(), String> {
        self.today = datetime(today)?;
        let loader = self.files.loader_mut();
        loader
            .generated
            .insert(self.main, Bytes::from_string(main_text));
        loader.packages = packages;
        self.files.reset();
        Ok(())
    }

    /// The files on disk the last compilation read.
    pub fn dependencies(&mut self) -> Vec<PathBuf> {
        let main = self.main;
        let (loader, ids) = self.files.dependencies();
        let mut paths: Vec<PathBuf> = ids
            .filter(|id| *id != main && matches!(id.root(), VirtualRoot::Project))
            .filter_map(|id| id.vpath().realize(&loader.root).ok())
            .collect();
        paths.sort();
        paths
    }

    /// Serves each file at a real path as its converted text, as long as it
    /// still reads as written.
    pub fn includes(&mut self, includes: HashMap<PathBuf, (Vec<u8>, Bytes)>) {
        self.files.loader_mut().includes = includes;
    }

    /// Forbids the document to read some files and scans what it reads.
    pub fn guard(&mut self, guard: Guard) {
        self.files.loader_mut().guard = guard;
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

fn datetime(date: chrono::NaiveDate) -> Result<Datetime, String> {
    use chrono::Datelike;
    Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
        .ok_or_else(|| "the document date is out of range".into())
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
            VirtualRoot::Package(spec) if self.packages.has(spec) => {
                match self.packages.file(spec, id.vpath().get_without_slash()) {
                    Some(Ok(bytes)) => Ok(bytes),
                    Some(Err(message)) => Err(FileError::Other(Some(message.into()))),
                    None => Err(FileError::NotFound(
                        id.vpath().get_without_slash().into(),
                    )),
                }
            }
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
        let refused = || {
            FileError::Other(Some(
                format!(
                    "`{}` is part of the registry or a capture, which the document of a public build may not read (confidential sources must stay out)",
                    vpath.get_with_slash()
                )
                .into(),
            ))
        };
        let guard = &self.guard;
        let same_file = identity(&real).is_some_and(|id| guard.identities.contains(&id));
        if guard.paths.contains(&real) || same_file {
            return Err(refused());
        }
        let metadata = std::fs::metadata(&real).map_err(|e| FileError::from_io(e, &path))?;
        if !metadata.is_file() {
            // A FIFO would block the build, a device would never end.
            return Err(other(format!(
                "`{}` is not a regular file",
                vpath.get_with_slash()
            )));
        }
        if metadata.len() > MAX_FILE_BYTES {
            return Err(other(format!(
                "`{}` is {} MB, more than the {} MB a document may read",
                vpath.get_with_slash(),
                metadata.len() >> 20,
                MAX_FILE_BYTES >> 20
            )));
        }
        let bytes = std::fs::read(&real).map_err(|e| FileError::from_io(e, &path))?;
        if let Ok(size) = imagesize::blob_size(&bytes) {
            let pixels = (size.width as u64).saturating_mul(size.height as u64);
            if pixels > MAX_IMAGE_PIXELS {
                return Err(other(format!(
                    "`{}` is an image of {}×{} pixels, more than the {} million a document may decode",
                    vpath.get_with_slash(),
                    size.width,
                    size.height,
                    MAX_IMAGE_PIXELS / 1_000_000
                )));
            }
        }
        if !guard.digests.is_empty() {
            use sha2::Digest;
            let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
            if guard.digests.contains(&digest) {
                return Err(refused());
            }
        }
        if let Some(scanner) = &guard.scanner {
            let shown = vpath.get_without_slash();
            scanner.guarded(&format!("`{shown}`"), || {
                leak::source::file(scanner, &real, shown, &bytes)
            });
        }
        if let Some((written, converted)) = self.includes.get(&real)
            && *written == bytes
        {
            return Ok(converted.clone());
        }
        Ok(Bytes::new(bytes))
    }
}

/// The largest file a document may read: more is no report's image or data.
const MAX_FILE_BYTES: u64 = 512 << 20;

/// The most pixels an image may have: decoding more could take gigabytes
/// from a file of a few bytes (a PNG's header states any size).
const MAX_IMAGE_PIXELS: u64 = 64_000_000;

fn other(message: String) -> FileError {
    FileError::Other(Some(message.into()))
}

/// A file's device and inode numbers, which every hard link shares.
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

impl World for DossierWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
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
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
