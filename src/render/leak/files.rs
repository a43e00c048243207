//! Every text a file carries, whatever it is: the text of text files (XML,
//! SVG and HTML without their tags, with attribute values), UTF-16 and
//! single-byte runs inside binary files (JPEG comments, EXIF, XMP), PNG text
//! chunks, base64 blobs decoded, gzip and zip archives (ODT, DOCX) opened,
//! and PDFs read for their strings, streams and page text. Archives nest;
//! depth and decompressed size are bounded, and what cannot be read to the
//! end is said so, never passed over.

use std::io::Read;

use base64::Engine as _;

/// Decompressed bytes one file may unfold into.
const BUDGET: u64 = 256 * 1024 * 1024;

/// How deep archives and encodings may nest.
const DEPTH: usize = 5;

/// Shortest run of printable characters worth reading in binary data.
const RUN: usize = 4;

/// Shortest base64 blob worth decoding.
const BASE64: usize = 24;

/// A file could not be read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Where inside the file (`archive.zip › notes.txt`), empty for the file itself.
    pub part: String,
    /// Why.
    pub reason: String,
}

/// Reads every text in `bytes`, calling `sink(part, text)` for each; `part`
/// names where inside the file it lies ("" for the file itself).
pub fn texts(bytes: &[u8], sink: &mut dyn FnMut(&str, &str)) -> Result<(), Unreadable> {
    texts_within(bytes, BUDGET, sink)
}

/// [`texts`] with a budget of decompressed bytes.
fn texts_within(
    bytes: &[u8],
    budget: u64,
    sink: &mut dyn FnMut(&str, &str),
) -> Result<(), Unreadable> {
    let mut reader = Reader { budget, sink };
    reader.read(bytes, "", 0)
}

struct Reader<'s> {
    budget: u64,
    sink: &'s mut dyn FnMut(&str, &str),
}

impl Reader<'_> {
    fn read(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        if depth > DEPTH {
            return Err(self.unreadable(part, "archives or encodings nest too deep"));
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let inflated = self.inflate(flate2::read::MultiGzDecoder::new(bytes), part)?;
            return self.read(&inflated, &join(part, "(gzip)"), depth + 1);
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return self.zip(bytes, part, depth);
        }
        if bytes
            .get(..1024)
            .unwrap_or(bytes)
            .windows(5)
            .any(|w| w == b"%PDF-")
        {
            self.pdf(bytes, part, depth)?;
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            self.png(bytes, part, depth)?;
        }
        self.plain(bytes, part, depth)
    }

    /// Text as text, or the printable runs of binary data; UTF-16 and
    /// base64 inside either.
    fn plain(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        match bytes {
            [0xFF, 0xFE, rest @ ..] => self.text(&utf16(rest, u16::from_le_bytes), part, depth),
            [0xFE, 0xFF, rest @ ..] => self.text(&utf16(rest, u16::from_be_bytes), part, depth),
            _ => match std::str::from_utf8(bytes) {
                Ok(text) => self.text(text.trim_start_matches('\u{feff}'), part, depth),
                Err(_) => {
                    self.text(&runs(bytes), part, depth)?;
                    // UTF-16 without a byte-order mark inside binary data:
                    // EXIF's XPTitle, Windows metadata; both byte orders,
                    // both alignments.
                    for order in [u16::from_le_bytes, u16::from_be_bytes] {
                        for skip in 0..2 {
                            let found = utf16_runs(bytes.get(skip..).unwrap_or_default(), order);
                            if !found.is_empty() {
                                (self.sink)(part, &found);
                            }
                        }
                    }
                    Ok(())
                }
            },
        }
    }

    /// A text: itself, without markup when it is markup, and decoded base64.
    fn text(&mut self, text: &str, part: &str, depth: usize) -> Result<(), Unreadable> {
        if looks_like_markup(text) {
            let (content, attributes) = strip_markup(text);
            (self.sink)(part, &content);
            (self.sink)(part, &attributes);
        }
        (self.sink)(part, text);
        for blob in base64_blobs(text) {
            if let Some(decoded) = decode_base64(&blob) {
                self.read(&decoded, &join(part, "(base64)"), depth + 1)?;
            }
        }
        Ok(())
    }

    fn zip(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| self.unreadable(part, &format!("a broken zip archive ({e})")))?;
        for i in 0..archive.len() {
            let mut entry = archive
                .by_index(i)
                .map_err(|e| self.unreadable(part, &format!("a zip entry cannot be read ({e})")))?;
            let name = match entry.name() {
                Ok(name) => join(part, &name),
                Err(_) => join(part, &format!("entry {}", i + 1)),
            };
            if entry.is_dir() {
                continue;
            }
            if entry.encrypted() {
                return Err(self.unreadable(&name, "it is encrypted"));
            }
            let data = self.inflate(&mut entry, &name)?;
            self.read(&data, &name, depth + 1)?;
        }
        Ok(())
    }

    fn pdf(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let loaded = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes));
        let Ok(Ok(document)) = loaded else {
            // Not a PDF a reader could open either; its bytes are read as
            // binary data all the same.
            return Ok(());
        };
        let part = join(part, "(PDF)");
        let mut strings = String::new();
        let mut streams = Vec::new();
        for object in document.objects.values() {
            collect(object, &mut strings, &mut streams);
        }
        (self.sink)(&part, &strings);
        for stream in streams {
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            self.budget = self.budget.saturating_sub(content.len() as u64);
            if self.budget == 0 {
                return Err(self.unreadable(&part, "it unfolds into too much data"));
            }
            self.read(&content, &part, depth + 1)?;
        }
        // What a reader sees on its pages, through the fonts' own maps.
        for page in document.get_pages().keys() {
            let mut text = String::new();
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut output = pdf_extract::PlainTextOutput::new(&mut text);
                pdf_extract::output_doc_page(&document, &mut output, *page)
            }));
            if matches!(read, Ok(Ok(()))) {
                (self.sink)(&part, &text);
            }
        }
        Ok(())
    }

    /// PNG text chunks, which may be compressed.
    fn png(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let mut at = 8;
        while let Some(header) = bytes.get(at..at + 8) {
            let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
            let kind = &header[4..8];
            let Some(data) = bytes.get(at + 8..(at + 8).saturating_add(length)) else {
                break;
            };
            let compressed = match kind {
                b"zTXt" => data
                    .iter()
                    .position(|&b| b == 0)
                    .and_then(|nul| data.get(nul + 2..)),
                b"iTXt" => itxt_compressed(data),
                _ => None,
            };
            if let Some(compressed) = compressed {
                let text = self.inflate(flate2::read::ZlibDecoder::new(compressed), part)?;
                self.read(&text, &join(part, "(PNG text)"), depth + 1)?;
            }
            at += 12 + length;
        }
        Ok(())
    }

    /// Decompresses within the budget.
    fn inflate(&mut self, reader: impl Read, part: &str) -> Result<Vec<u8>, Unreadable> {
        let mut out = Vec::new();
        let read = reader.take(self.budget + 1).read_to_end(&mut out);
        if read.is_err() {
            return Err(self.unreadable(part, "its compressed data is broken"));
        }
        if out.len() as u64 > self.budget {
            return Err(self.unreadable(part, "it unfolds into too much data"));
        }
        self.budget -= out.len() as u64;
        Ok(out)
    }

    fn unreadable(&self, part: &str, reason: &str) -> Unreadable {
        Unreadable {
            part: part.to_string(),
            reason: reason.to_string(),
        }
    }
}

fn join(part: &str, inner: &str) -> String {
    if part.is_empty() {
        inner.to_string()
    } else {
        format!("{part} › {inner}")
    }
}

/// The compressed text of an iTXt chunk, if it is compressed.
fn itxt_compressed(data: &[u8]) -> Option<&[u8]> {
    let keyword = data.iter().position(|&b| b == 0)?;
    let flag = *data.get(keyword + 1)?;
    if flag != 1 {
        return None;
    }
    // Skip compression method, then the language tag and the translated
    // keyword, each ending in a zero byte.
    let rest = data.get(keyword + 3..)?;
    let language = rest.iter().position(|&b| b == 0)?;
    let rest = rest.get(language + 1..)?;
    let translated = rest.iter().position(|&b| b == 0)?;
    rest.get(translated + 1..)
}

/// Every string in a PDF object (text strings decoded), and every stream
/// worth reading: not font programs (glyph outlines), not raw image
/// samples (pixels), but JPEG and JPEG 2000 images, which keep their
/// metadata, attachments, metadata streams and page content.
fn collect<'d>(object: &'d lopdf::Object, out: &mut String, streams: &mut Vec<&'d lopdf::Stream>) {
    match object {
        lopdf::Object::String(bytes, _) => {
            out.push_str(&decode_pdf_string(bytes));
            out.push('\n');
        }
        lopdf::Object::Name(name) => {
            out.push_str(&String::from_utf8_lossy(name));
            out.push('\n');
        }
        lopdf::Object::Array(items) => items.iter().for_each(|i| collect(i, out, streams)),
        lopdf::Object::Dictionary(dict) => dict.iter().for_each(|(_, v)| collect(v, out, streams)),
        lopdf::Object::Stream(stream) => {
            stream
                .dict
                .iter()
                .for_each(|(_, v)| collect(v, out, streams));
            if worth_reading(&stream.dict) {
                streams.push(stream);
            }
        }
        _ => {}
    }
}

/// Whether a stream's content can hold text: not a font program, not raw
/// image samples.
pub fn worth_reading(dict: &lopdf::Dictionary) -> bool {
    let name = |key: &[u8]| dict.get(key).and_then(|s| s.as_name()).ok();
    let font = ["Length1", "Length2", "Length3"]
        .iter()
        .any(|key| dict.has(key.as_bytes()))
        || matches!(
            name(b"Subtype"),
            Some(b"Type1C" | b"CIDFontType0C" | b"OpenType")
        );
    let image = name(b"Subtype") == Some(b"Image");
    let encoded_image = match dict.get(b"Filter") {
        Ok(lopdf::Object::Name(filter)) => matches!(filter.as_slice(), b"DCTDecode" | b"JPXDecode"),
        Ok(lopdf::Object::Array(filters)) => filters
            .iter()
            .any(|f| matches!(f.as_name(), Ok(b"DCTDecode" | b"JPXDecode"))),
        _ => false,
    };
    !font && (!image || encoded_image)
}

/// A PDF text string: UTF-16 with a byte-order mark, UTF-8 with one, else
/// one byte a character.
pub fn decode_pdf_string(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
        },
    }
}

fn utf16(bytes: &[u8], order: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|p| order([p[0], p[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// Runs of at least [`RUN`] printable UTF-16 characters, one per line.
fn utf16_runs(bytes: &[u8], order: fn([u8; 2]) -> u16) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= RUN {
            out.push_str(run);
            out.push('\n');
        }
        run.clear();
    };
    for unit in char::decode_utf16(bytes.chunks_exact(2).map(|p| order([p[0], p[1]]))) {
        match unit {
            Ok(c) if printable(c) && !(c.is_ascii_control() || c == '\u{0}') => run.push(c),
            _ => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Runs of printable text in binary data: UTF-8 where it is valid, else
/// bytes as Latin-1 (PNG's tEXt, old EXIF), one run per line.
fn runs(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut rest = bytes;
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= RUN {
            out.push_str(run);
            out.push('\n');
        }
        run.clear();
    };
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                push_printable(valid, &mut run, &mut out, flush);
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                push_printable(valid, &mut run, &mut out, flush);
                let bad = error.error_len().unwrap_or(after.len()).max(1);
                for &b in &after[..bad.min(after.len())] {
                    let c = char::from(b);
                    if b >= 0xA0 {
                        run.push(c);
                    } else {
                        flush(&mut run, &mut out);
                    }
                }
                rest = &after[bad.min(after.len())..];
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

fn push_printable(
    text: &str,
    run: &mut String,
    out: &mut String,
    flush: fn(&mut String, &mut String),
) {
    for c in text.chars() {
        if printable(c) {
            run.push(c);
        } else {
            flush(run, out);
        }
    }
}

fn printable(c: char) -> bool {
    !c.is_control() || c == '\t'
}

fn looks_like_markup(text: &str) -> bool {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\n', '\r', '\t']);
    start.starts_with('<') || text.contains("<svg") || text.contains("<?xml")
}

/// The text of XML or HTML without its tags, entities decoded, and the
/// values of its attributes, each a piece of its own.
fn strip_markup(text: &str) -> (String, String) {
    let mut content = String::with_capacity(text.len());
    let mut attributes = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        content.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open..];
        if let Some(cdata) = after.strip_prefix("<![CDATA[") {
            let end = cdata.find("]]>").unwrap_or(cdata.len());
            content.push_str(&cdata[..end]);
            rest = cdata.get(end + 3..).unwrap_or_default();
            continue;
        }
        let Some(close) = after.find('>') else {
            content.push_str(after);
            rest = "";
            break;
        };
        let tag = &after[..close];
        for value in tag.split(['"', '\'']).skip(1).step_by(2) {
            attributes.push_str(&decode_entities(value));
            attributes.push('\n');
        }
        // A tag separates words only where it could: between blocks and
        // around line breaks; inline tags (`<tspan>`, `<b>`) join text.
        content.push(' ');
        rest = &after[close + 1..];
    }
    content.push_str(&decode_entities(rest));
    (content, attributes)
}

/// `&amp;`, `&#x51;`, `&#81;` and the named entities of HTML that matter
/// for words.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|end| {
            let name = &after[..end];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    "shy" => Some('\u{ad}'),
                    _ => None,
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Runs of base64 characters long enough to hide a text, line breaks
/// inside them allowed (MIME wraps at 76).
fn base64_blobs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut blob = String::new();
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=');
    let mut flush = |blob: &mut String| {
        let trimmed = blob.trim_end_matches('=');
        if trimmed.len() >= BASE64 {
            out.push(blob.clone());
        }
        blob.clear();
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if base64(c) {
            blob.push(c);
        } else if matches!(c, '\n' | '\r') && chars.peek().is_some_and(|&n| base64(n) || n == '\n')
        {
            continue;
        } else {
            flush(&mut blob);
        }
    }
    flush(&mut blob);
    out
}

fn decode_base64(blob: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let bare = blob.trim_end_matches('=');
    // A blob of letters only is more likely a word or a hash than base64;
    // decoding it costs little and finds nothing.
    let engine = if bare.contains(['-', '_']) {
        URL_SAFE_NO_PAD
    } else {
        STANDARD_NO_PAD
    };
    // Decode the longest prefix whose length base64 allows.
    let usable = bare.len() - bare.len() % 4
        + if bare.len() % 4 >= 2 {
            bare.len() % 4
        } else {
            0
        };
    engine.decode(&bare[..usable]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> String {
        let mut out = String::new();
        texts(bytes, &mut |_, t| {
            out.push_str(t);
            out.push('\n');
        })
        .unwrap();
        out
    }

    #[test]
    fn markup_loses_its_tags() {
        let svg = r#"<svg><text x="1">Quill<tspan>feather</tspan> &amp; W&#x2D;017</text><title>t</title><desc attr="Hidden value"/></svg>"#;
        let found = all(svg.as_bytes());
        assert!(crate::skeleton::of(&found).contains("quill"), "{found}");
        assert!(found.contains("W-017"), "{found}");
        assert!(found.contains("Hidden value"), "{found}");
    }

    #[test]
    fn utf16_and_latin1_inside_binary() {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 0];
        for unit in "Quillfeather W-017".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        bytes.extend([0, 0, 0x01, 0x02]);
        bytes.extend(b"Caf\xe9 Nordstr\xf6m\x00\x01");
        let found = all(&bytes);
        assert!(found.contains("Quillfeather W-017"), "{found}");
        assert!(found.contains("Café Nordström"), "{found}");
    }

    #[test]
    fn archives_and_base64_are_opened() {
        use std::io::Write;
        let mut zipped = std::io::Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut zipped);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("content.xml", options).unwrap();
            writer
                .write_all(b"<text:p>Quill<text:span>feather</text:span> W-017</text:p>")
                .unwrap();
            writer.finish().unwrap();
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&zipped.into_inner()).unwrap();
        let gz = gz.finish().unwrap();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&gz);
        let found = all(format!("data: {encoded}\n").as_bytes());
        assert!(
            crate::skeleton::of(&found).contains(&crate::skeleton::of("Quillfeather W-017")),
            "{found}"
        );
    }

    #[test]
    fn a_bomb_is_unreadable_not_skipped() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![0u8; 1 << 20]).unwrap();
        let gz = gz.finish().unwrap();
        let result = texts_within(&gz, 1 << 19, &mut |_, _| {});
        assert_eq!(result.unwrap_err().reason, "it unfolds into too much data");
        assert!(texts_within(&gz, 1 << 21, &mut |_, _| {}).is_ok());
    }
}
