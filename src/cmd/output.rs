//! Writing files a user keeps: whole or not at all, through symlinks to the
//! real file, with its mode and owner kept; and the lock that serialises
//! every read-edit-write of a registry.

use std::fs::{File, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Error;
use crate::diag::display_name;

/// Writes `bytes` to `path` through a temporary file beside it, renamed over
/// it, so a reader never sees half a file and a failure leaves the old one.
/// A symlink is written through to the file it names; an existing file
/// keeps its mode and owner, and a read-only one is refused; a new file
/// gets the usual mode (0666 less the umask).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let path = &real_path(path);
    let existing = match std::fs::metadata(path) {
        Ok(metadata) => Some(metadata),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(Error::msg(format!(
                "cannot write {} ({e})",
                display_name(path)
            )));
        }
    };
    if let Some(metadata) = &existing {
        if !metadata.is_file() {
            return Err(Error::msg(format!(
                "cannot write {}: it is not a regular file",
                display_name(path)
            )));
        }
        if metadata.permissions().readonly() {
            return Err(Error::msg(format!(
                "cannot write {}: it is read-only",
                display_name(path)
            )));
        }
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask applies to a new file's mode, as for any other program.
        builder.permissions(Permissions::from_mode(0o666));
    }
    let mut file = builder
        .tempfile_in(dir)
        .map_err(|e| Error::msg(format!("cannot write in {} ({e})", display_name(dir))))?;
    file.write_all(bytes)?;
    if let Some(metadata) = &existing {
        keep_mode_and_owner(file.as_file(), metadata);
    }
    file.as_file().sync_all()?;
    file.persist(path)
        .map_err(|e| Error::msg(format!("cannot write {} ({})", display_name(path), e.error)))?;
    Ok(())
}

/// Refuses an output path that names one of the command's `inputs` (through
/// any link) or something other than a regular file, before anything is
/// written: every command that writes a file the user names (the PDF,
/// `--timings`, `check --output`, `export --output`) asks here first, so no
/// output ever takes the place of a report, a registry or a capture.
/// `what` names the output in the message.
pub fn refuse_output<P: AsRef<Path>>(output: &Path, what: &str, inputs: &[P]) -> Result<(), Error> {
    let real = real_path(output);
    if let Ok(metadata) = std::fs::metadata(&real) {
        if !metadata.is_file() {
            return Err(Error::refusal(format!(
                "cannot write {}: it is not a regular file",
                display_name(output)
            )));
        }
        if metadata.permissions().readonly() {
            return Err(Error::refusal(format!(
                "cannot write {}: it is read-only",
                display_name(output)
            )));
        }
    }
    let folder = match real.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(Error::refusal(format!(
            "cannot write {}: there is no folder {}",
            display_name(output),
            display_name(folder)
        )));
    }
    if let Some(input) = inputs
        .iter()
        .map(AsRef::as_ref)
        .find(|input| real_path(input) == real || same_file(input, &real))
    {
        return Err(Error::refusal(format!(
            "cannot write {what} to {}: the command reads {}",
            display_name(output),
            display_name(input)
        )));
    }
    Ok(())
}

/// Whether two existing paths are one file (hard links included).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_a: &Path, _b: &Path) -> bool {
    false
}

/// Gives a rewritten file the mode and, where allowed, the owner of the file
/// it replaces.
fn keep_mode_and_owner(file: &File, metadata: &std::fs::Metadata) {
    let _ = file.set_permissions(metadata.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only the owner's own processes or root get here; a refused change
        // of owner leaves the writer as owner, as any editor would.
        let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
    }
}

/// `path` with every symlink resolved, so a rewrite lands in the file a
/// link names; a path that does not exist yet has its folder resolved.
pub fn real_path(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    // A dangling link names the file to create.
    if let Ok(target) = std::fs::read_link(path) {
        let target = match path.parent() {
            Some(dir) => dir.join(target),
            None => target,
        };
        return real_path(&target);
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => dir
            .canonicalize()
            .map_or_else(|_| path.to_path_buf(), |d| d.join(name)),
        _ => path.to_path_buf(),
    }
}

/// An exclusive lock on the folders of the files a command edits, held
/// from before it reads them until after it has written them: two imports
/// or captures into one registry run one after the other, and neither edit
/// is lost. Folders are locked rather than files because a rewrite
/// replaces the file.
pub struct Lock {
    _held: Vec<File>,
    /// The folders held, resolved.
    folders: Vec<PathBuf>,
}

impl Lock {
    /// Waits for the folders of `paths`, in one order so two commands never
    /// wait on each other.
    pub fn folders<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<Self, Error> {
        let mut folders: Vec<PathBuf> = paths
            .into_iter()
            .map(|p| {
                let real = real_path(p);
                match real.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                    _ => PathBuf::from("."),
                }
            })
            .collect();
        folders.sort();
        folders.dedup();
        let mut held = Vec::new();
        for folder in &folders {
            held.extend(lock_folder(folder)?);
        }
        Ok(Self {
            _held: held,
            folders,
        })
    }

    /// Writes an edited file in a folder this lock holds, atomically: the
    /// one way a command rewrites a file it read, so no edit is made
    /// without the lock.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let real = real_path(path);
        let folder = match real.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !self.folders.contains(&folder) {
            return Err(Error::msg(format!(
                "cannot edit {}: its folder is not locked",
                display_name(path)
            )));
        }
        write_atomically(path, bytes)
    }
}

#[cfg(unix)]
fn lock_folder(folder: &Path) -> Result<Option<File>, Error> {
    let handle = File::open(folder)
        .map_err(|e| Error::msg(format!("cannot open {} ({e})", display_name(folder))))?;
    handle
        .lock()
        .map_err(|e| Error::msg(format!("cannot lock {} ({e})", display_name(folder))))?;
    Ok(Some(handle))
}

#[cfg(not(unix))]
fn lock_folder(_folder: &Path) -> Result<Option<File>, Error> {
    // Folders cannot be opened as files here; edits are not serialised.
    Ok(None)
}
