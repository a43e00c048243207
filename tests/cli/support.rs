//! Running the binary in throwaway projects and reading PDFs back as text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `dossier` binary under test.
pub fn dossier() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    command
}

/// The folder of the fixtures.
pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

/// A temporary project folder.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// An empty project.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// A project holding a copy of the fixture folder `tests/data/<name>`.
    pub fn from_fixture(name: &str) -> Self {
        let project = Self::new();
        copy_dir(&data(name), project.path());
        project
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file, creating folders.
    pub fn write(&self, path: &str, text: &str) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
        self
    }

    /// Runs `dossier ARGS` inside the project.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = dossier()
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("dossier runs");
        Run(output)
    }

    /// Bytes of a file in the project, if it exists.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path().join(path)).ok()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A finished run.
pub struct Run(pub Output);

impl Run {
    /// The exit code.
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }

    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// The text of a PDF with white space collapsed, as a reader would compare it.
pub fn pdf_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).expect("readable PDF");
    normalise(&text)
}

/// Collapses runs of white space and the spaces PDF extraction puts inside
/// brackets and before punctuation around styled runs.
pub fn normalise(text: &str) -> String {
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("( ", "("),
        (" )", ")"),
        ("⟦ ", "⟦"),
        (" ⟧", "⟧"),
        (" ,", ","),
        (" .", "."),
        (" ;", ";"),
        (" :", ":"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// The SHA-256 of some bytes, in lower-case hexadecimal.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files attached to `pdf`: each file specification's name and its
/// data, uncompressed.
pub fn attached(pdf: &[u8]) -> Vec<(String, Vec<u8>)> {
    let document = lopdf::Document::load_mem(pdf).expect("a PDF");
    let mut files = Vec::new();
    for object in document.objects.values() {
        let Ok(spec) = object.as_dict() else { continue };
        if spec.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Filespec".as_slice()) {
            continue;
        }
        let name = spec
            .get(b"UF")
            .or_else(|_| spec.get(b"F"))
            .and_then(|n| n.as_str())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let Ok(stream) = spec
            .get(b"EF")
            .and_then(|ef| ef.as_dict())
            .and_then(|ef| ef.get(b"F"))
            .and_then(|f| f.as_reference())
            .and_then(|id| document.get_object(id))
            .and_then(|o| o.as_stream())
        else {
            continue;
        };
        let data = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        files.push((name, data));
    }
    files
}
