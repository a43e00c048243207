//! The texts every diagnostic points into: registry files, reports and front
//! matter, each kept once with its line starts so spans become line:column.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// An index into [`Files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

/// A 1-based line and column, counted in Unicode characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// One loaded text.
#[derive(Debug)]
struct Entry {
    name: String,
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

/// All texts loaded during one run.
#[derive(Debug, Default)]
pub struct Files {
    entries: Vec<Entry>,
    /// The first entry read from each path.
    by_path: std::collections::HashMap<PathBuf, FileId>,
}

impl Files {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text read from `path`; its display name is `path` relative to
    /// the current folder when it lies below it, else `path` as given.
    pub fn add(&mut self, path: &Path, text: String) -> FileId {
        // A lone carriage return ends a line too, as in CommonMark and Typst.
        let mut line_starts = vec![0];
        let mut at = 0;
        for line in lines(&text) {
            at += line.len();
            if line.ends_with(['\n', '\r']) {
                line_starts.push(at);
            }
        }
        let id = FileId(u32::try_from(self.entries.len()).expect("fewer than 4 billion files"));
        self.by_path.entry(path.to_path_buf()).or_insert(id);
        self.entries.push(Entry {
            name: display_name(path),
            path: path.to_path_buf(),
            text,
            line_starts,
        });
        id
    }

    /// The name shown to users.
    pub fn name(&self, id: FileId) -> &str {
        &self.entry(id).name
    }

    /// The path the text was read from.
    pub fn path(&self, id: FileId) -> &Path {
        &self.entry(id).path
    }

    /// The whole text.
    pub fn text(&self, id: FileId) -> &str {
        &self.entry(id).text
    }

    /// The paths of every text read, in the order they were read.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.entries.iter().map(|e| e.path.as_path())
    }

    /// The id of the file read from `path`, if it was loaded.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// The id of the file that is the same file as `path` on disk.
    pub fn find_same(&self, path: &Path) -> Option<FileId> {
        let wanted = path.canonicalize().ok()?;
        self.entries
            .iter()
            .position(|e| e.path.canonicalize().is_ok_and(|p| p == wanted))
            .map(|i| FileId(i as u32))
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn position(&self, id: FileId, offset: usize) -> Position {
        let entry = self.entry(id);
        let offset = floor_char_boundary(&entry.text, offset.min(entry.text.len()));
        let line = entry.line_starts.partition_point(|&start| start <= offset) - 1;
        let mut from = entry.line_starts[line];
        if line == 0 && entry.text.starts_with('\u{feff}') {
            // A byte order mark is no column.
            from = 3.min(offset);
        }
        let column = entry.text[from..offset].chars().count();
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Byte range of the 0-based line `line`, without its line break.
    fn line_range(&self, id: FileId, line: usize) -> Option<Range<usize>> {
        let entry = self.entry(id);
        let start = *entry.line_starts.get(line)?;
        let end = entry
            .line_starts
            .get(line + 1)
            .map_or(entry.text.len(), |&next| next);
        Some(start..end)
    }

    fn entry(&self, id: FileId) -> &Entry {
        &self.entries[id.0 as usize]
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The largest text file dossier reads: a registry, report or library
/// larger than this is a mistake, and reading it would take the memory.
const MAX_TEXT_BYTES: u64 = 256 << 20;

/// The lines of `text` with their endings, as CommonMark, Typst and YAML
/// end them and [`Files::position`] counts them: `\n`, `\r\n`, or a lone
/// `\r`.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

/// How a parser counts the columns of the positions it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// In bytes, lines ended by `\n` (serde_json).
    Bytes,
    /// In characters, lines ended as [`lines`] ends them (YAML).
    Chars,
}

/// The byte offset in `text` of a 1-based line and column as a parser
/// reports them: the one place a parser's error position becomes a span.
/// Past the end of a line, its end; past the last line, the end of the
/// text; never inside a character.
pub fn offset_of(text: &str, line: usize, column: usize, columns: Columns) -> usize {
    fn split(text: &str, columns: Columns) -> Box<dyn Iterator<Item = &str> + '_> {
        match columns {
            Columns::Bytes => Box::new(text.split_inclusive('\n')),
            Columns::Chars => Box::new(lines(text)),
        }
    }
    let start: usize = split(text, columns)
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let start = start.min(text.len());
    let line = split(&text[start..], columns).next().unwrap_or_default();
    let rest = line.trim_end_matches(['\n', '\r']);
    let within = match columns {
        Columns::Bytes => {
            let mut at = column.saturating_sub(1).min(rest.len());
            while !rest.is_char_boundary(at) {
                at -= 1;
            }
            at
        }
        Columns::Chars => rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i),
    };
    start + within
}

/// Reads a file a user gave: only a regular file (a FIFO would block, a
/// device never end), no larger than 256 MB.
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if metadata.len() > MAX_TEXT_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "{} MB, more than the {} MB dossier reads",
                metadata.len() >> 20,
                MAX_TEXT_BYTES >> 20
            ),
        ));
    }
    std::fs::read(path)
}

/// Reads a text file a user gave: only a regular file (a FIFO would block,
/// a device never end), no larger than 256 MB, in UTF-8. Invalid UTF-8 is
/// an error naming its line and column.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        // Counted as every other position is: line endings, a byte order mark.
        let mut files = Files::new();
        let id = files.add(path, valid.to_string());
        let Position { line, column } = files.position(id, at);
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "invalid UTF-8 at line {line}, column {column}: byte 0x{:02X}; save the file as UTF-8",
                bytes[at]
            ),
        )
    })
}

/// `path` relative to the current folder when below it, else as given.
pub fn display_name(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf));
    match relative {
        Some(r) if r.as_os_str().is_empty() => ".".into(),
        Some(r) => r.to_string_lossy().into_owned(),
        None => path.to_string_lossy().into_owned(),
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Files {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(Files::name(self, id))
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.text(id))
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.position(id, byte).line - 1)
    }

    fn column_number(
        &'a self,
        id: FileId,
        _line: usize,
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.position(id, byte).column)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        Files::line_range(self, id, line).ok_or(codespan_reporting::files::Error::LineTooLarge {
            given: line,
            max: self.entry(id).line_starts.len() - 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_from_one() {
        let mut files = Files::new();
        let id = files.add(Path::new("r.md"), "ab\nçé @x\n".into());
        assert_eq!(files.position(id, 0), Position { line: 1, column: 1 });
        assert_eq!(files.position(id, 3), Position { line: 2, column: 1 });
        // "çé " is 5 bytes but 3 characters.
        assert_eq!(files.position(id, 8), Position { line: 2, column: 4 });
        assert_eq!(files.position(id, 100), Position { line: 3, column: 1 });
    }

    #[test]
    fn a_parser_position_is_a_byte_offset_in_bytes_or_characters() {
        let text = "{\n  \"é\": x\n}";
        // serde_json counts bytes: `x` is the 9th byte of line 2.
        assert_eq!(
            offset_of(text, 2, 9, Columns::Bytes),
            text.find('x').unwrap()
        );
        // YAML counts characters: `x` is the 8th character.
        assert_eq!(
            offset_of(text, 2, 8, Columns::Chars),
            text.find('x').unwrap()
        );
        // Inside a character, at its start; past the end, the end.
        assert_eq!(
            offset_of(text, 2, 5, Columns::Bytes),
            text.find('é').unwrap()
        );
        assert_eq!(offset_of(text, 9, 1, Columns::Chars), text.len());
        assert_eq!(offset_of(text, 1, 40, Columns::Bytes), 1);
    }

    #[test]
    fn every_line_ending_starts_a_line() {
        let mut files = Files::new();
        let id = files.add(Path::new("r.md"), "a\rb\r\nc\nd".into());
        assert_eq!(files.position(id, 2), Position { line: 2, column: 1 });
        assert_eq!(files.position(id, 5), Position { line: 3, column: 1 });
        assert_eq!(files.position(id, 7), Position { line: 4, column: 1 });
    }

    #[test]
    fn a_byte_order_mark_is_no_column() {
        let mut files = Files::new();
        let id = files.add(Path::new("r.md"), "\u{feff}ab @x".into());
        assert_eq!(files.position(id, 6), Position { line: 1, column: 4 });
    }
}
