//! Every text a file carries, whatever it is: the text of text files (XML,
//! SVG and HTML without their tags, with attribute values), images'
//! metadata read by format ([`super::images`]: EXIF, XMP, comments, PNG text
//! chunks; never the pixels), base64 blobs decoded, gzip and zip archives
//! (ODT, DOCX) opened, PDFs read for their strings, streams and page text,
//! and in any other binary data the runs of UTF-8 and UTF-16 text. Archives
//! nest; depth and decompressed size are bounded, and what cannot be read to
//! the end is said so, never passed over.
//!
//! Runs found in binary data may be chance: they are [`Trust::Binary`], and
//! only needles long enough not to arise by chance are searched in them.

use std::io::Read;

use super::decode::{
    base64_blobs, decode_base64, decode_entities, decode_escapes, hex_blobs, looks_like_markup,
    runs, strip_markup, utf16_runs,
};

/// Decompressed bytes one file may unfold into.
const BUDGET: u64 = 128 * 1024 * 1024;

/// How deep archives and encodings may nest.
const DEPTH: usize = 5;

/// How far a text found in a file is a text someone wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Text: a text file, a metadata field, a comment.
    Text,
    /// A run of printable characters in binary data, which may be chance.
    Binary,
}

/// Where the texts of a file go: the part of the file, the text, its trust.
pub type Sink<'s> = dyn FnMut(&str, &str, Trust) + 's;

/// A file could not be read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Where inside the file (`archive.zip › notes.txt`), empty for the file itself.
    pub part: String,
    /// Why.
    pub reason: String,
}

/// Reads every text in `bytes`, calling `sink(part, text, trust)` for each;
/// `part` names where inside the file it lies ("" for the file itself).
pub fn texts(bytes: &[u8], sink: &mut Sink<'_>) -> Result<(), Unreadable> {
    texts_within(bytes, BUDGET, sink)
}

/// [`texts`] with a budget of decompressed bytes.
fn texts_within(bytes: &[u8], budget: u64, sink: &mut Sink<'_>) -> Result<(), Unreadable> {
    let mut reader = Reader { budget, sink };
    reader.read(bytes, "", 0)
}

/// Reads a file and what it contains, within a budget.
pub(super) struct Reader<'s, 't> {
    budget: u64,
    sink: &'s mut Sink<'t>,
}

impl Reader<'_, '_> {
    /// Reads `bytes`, found at `part` of the file, nested `depth` deep.
    pub(super) fn read(
        &mut self,
        bytes: &[u8],
        part: &str,
        depth: usize,
    ) -> Result<(), Unreadable> {
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
        if let Some(format) = closed_format(bytes) {
            // What cannot be opened cannot be searched, and cannot be shown.
            return Err(self.unreadable(
                part,
                &format!("it is compressed as {format}, which a build cannot open"),
            ));
        }
        if is_zlib(bytes)
            && let Ok(inflated) = self.inflate(flate2::read::ZlibDecoder::new(bytes), part)
        {
            return self.read(&inflated, &join(part, "(zlib)"), depth + 1);
        }
        if bytes.get(257..262) == Some(b"ustar") {
            return self.tar(bytes, part, depth);
        }
        let head = bytes.get(..1024).unwrap_or(bytes);
        if head.windows(5).any(|w| w == b"%PDF-") {
            if self.pdf(bytes, part, depth)? {
                return Ok(());
            }
            // A viewer may still show what this cannot open (an encrypted
            // or damaged PDF): what cannot be read cannot be shown.
            return Err(self.unreadable(part, "a PDF that cannot be opened to read its text"));
        }
        if self.image(bytes, part, depth)? {
            return Ok(());
        }
        self.plain(bytes, part, depth)
    }

    /// Text as text, or the runs of text inside binary data.
    pub(super) fn plain(
        &mut self,
        bytes: &[u8],
        part: &str,
        depth: usize,
    ) -> Result<(), Unreadable> {
        match bytes {
            [0xFF, 0xFE, rest @ ..] => self.text(&utf16(rest, u16::from_le_bytes), part, depth),
            [0xFE, 0xFF, rest @ ..] => self.text(&utf16(rest, u16::from_be_bytes), part, depth),
            _ => match std::str::from_utf8(bytes) {
                Ok(text) => self.text(text.trim_start_matches('\u{feff}'), part, depth),
                Err(_) => {
                    self.binary(bytes, part);
                    Ok(())
                }
            },
        }
    }

    /// The runs of UTF-8 and UTF-16 text in binary data, in both byte orders
    /// and both alignments.
    pub(super) fn binary(&mut self, bytes: &[u8], part: &str) {
        let found = runs(bytes);
        if !found.is_empty() {
            (self.sink)(part, &found, Trust::Binary);
        }
        for order in [u16::from_le_bytes, u16::from_be_bytes] {
            for skip in 0..2 {
                let found = utf16_runs(bytes.get(skip..).unwrap_or_default(), order);
                if !found.is_empty() {
                    (self.sink)(part, &found, Trust::Binary);
                }
            }
        }
    }

    /// A text someone wrote: a metadata field, a comment.
    pub(super) fn written(&mut self, text: &str, part: &str) {
        (self.sink)(part, text, Trust::Text);
    }

    /// A text: itself, without markup when it is markup, and decoded base64.
    pub(super) fn text(&mut self, text: &str, part: &str, depth: usize) -> Result<(), Unreadable> {
        if looks_like_markup(text) {
            // What markup shows: its text and attribute values, not its
            // tag names (`x:xmpmeta` is no word anyone reads).
            let (content, attributes) = strip_markup(text);
            (self.sink)(part, &content, Trust::Text);
            (self.sink)(part, &attributes, Trust::Text);
            // An SVG's text where it is drawn, and backwards where it is
            // turned around (which may be chance for short words).
            if text.contains("<svg")
                && let Some((seen, turned)) = super::seen::svg(text)
            {
                (self.sink)(part, &seen, Trust::Text);
                (self.sink)(part, &turned, Trust::Binary);
            }
        } else {
            (self.sink)(part, text, Trust::Text);
            // Escapes a viewer or a program decodes: HTML entities outside
            // markup, `\u` escapes of JSON and JavaScript.
            if text.contains('&') {
                (self.sink)(part, &decode_entities(text), Trust::Text);
            }
            if text.contains("\\u") || text.contains("\\x") {
                (self.sink)(part, &decode_escapes(text), Trust::Text);
            }
        }
        for blob in base64_blobs(text) {
            if let Some(decoded) = decode_base64(&blob) {
                self.read(&decoded, &join(part, "(base64)"), depth + 1)?;
            }
        }
        for blob in hex_blobs(text) {
            self.read(&blob, &join(part, "(hexadecimal)"), depth + 1)?;
        }
        Ok(())
    }

    /// A tar archive's files.
    fn tar(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let mut at = 0;
        while let Some(header) = bytes.get(at..at + 512) {
            if header.iter().all(|&b| b == 0) {
                break;
            }
            let name = String::from_utf8_lossy(&header[..100])
                .trim_end_matches('\0')
                .to_string();
            let size = std::str::from_utf8(&header[124..136])
                .ok()
                .and_then(|s| {
                    u64::from_str_radix(s.trim_matches(|c: char| c == '\0' || c == ' '), 8).ok()
                })
                .ok_or_else(|| self.unreadable(part, "a broken tar archive"))?;
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            let start = at + 512;
            let data = bytes
                .get(start..start.saturating_add(size))
                .ok_or_else(|| self.unreadable(part, "a tar archive cut short"))?;
            if header[156] == b'0' || header[156] == 0 {
                self.read(data, &join(part, &name), depth + 1)?;
            }
            at = start + size.div_ceil(512) * 512;
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

    /// A PDF's strings, streams and page text; `false` if it does not parse
    /// (its bytes are then read as binary data).
    fn pdf(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<bool, Unreadable> {
        let loaded = crate::quiet::quietly(|| lopdf::Document::load_mem(bytes));
        let Ok(Ok(document)) = loaded else {
            return Ok(false);
        };
        let part = join(part, "(PDF)");
        let mut strings = String::new();
        let mut streams = Vec::new();
        for object in document.objects.values() {
            collect(object, &mut strings, &mut streams);
        }
        (self.sink)(&part, &strings, Trust::Text);
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
        // What a reader sees on its pages, through the fonts' own maps: in
        // the order drawn, and as the eye reads it. A page that cannot be
        // read is not passed over.
        for page in document.get_pages().keys() {
            let mut drawn = super::seen::PdfPage::default();
            let read = crate::quiet::quietly(|| {
                pdf_extract::output_doc_page(&document, &mut drawn, *page)
            });
            if !matches!(read, Ok(Ok(()))) {
                return Err(self.unreadable(
                    &part,
                    &format!("page {page} of a PDF cannot be read for its text"),
                ));
            }
            let in_order: String = drawn.glyphs.iter().map(|g| g.text.as_str()).collect();
            (self.sink)(&part, &in_order, Trust::Text);
            (self.sink)(&part, &super::seen::read(drawn.glyphs), Trust::Text);
        }
        Ok(true)
    }

    /// Decompresses within the budget.
    pub(super) fn inflate(&mut self, reader: impl Read, part: &str) -> Result<Vec<u8>, Unreadable> {
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

    pub(super) fn unreadable(&self, part: &str, reason: &str) -> Unreadable {
        Unreadable {
            part: part.to_string(),
            reason: reason.to_string(),
        }
    }
}

pub(super) fn join(part: &str, inner: &str) -> String {
    if part.is_empty() {
        inner.to_string()
    } else {
        format!("{part} › {inner}")
    }
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

pub(super) fn utf16(bytes: &[u8], order: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|p| order([p[0], p[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// The compression formats a build cannot open, by their magic numbers.
fn closed_format(bytes: &[u8]) -> Option<&'static str> {
    let formats: [(&[u8], &str); 6] = [
        (b"\xFD7zXZ\0", "xz"),
        (b"BZh", "bzip2"),
        (b"\x28\xB5\x2F\xFD", "zstd"),
        (b"7z\xBC\xAF\x27\x1C", "7z"),
        (b"Rar!\x1A\x07", "RAR"),
        (b"\x04\x22\x4D\x18", "LZ4"),
    ];
    let bzip2 = |b: &[u8]| b.get(3).is_some_and(|l| (b'1'..=b'9').contains(l));
    formats
        .iter()
        .find(|(magic, name)| bytes.starts_with(magic) && (*name != "bzip2" || bzip2(bytes)))
        .map(|(_, name)| *name)
}

/// Whether `bytes` begin as a zlib stream does.
fn is_zlib(bytes: &[u8]) -> bool {
    match bytes {
        [cmf, flg, ..] => {
            cmf & 0x0F == 8 && cmf >> 4 <= 7 && (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> String {
        let mut out = String::new();
        texts(bytes, &mut |_, t, _| {
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
        let mut bytes = vec![0x00, 0x01, 0xFE, 0x80, 0, 0];
        for unit in "Quillfeather W-017 کویلفدر".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        bytes.extend([0, 0, 0x01, 0x02]);
        bytes.extend("Café Nordström\x00\x01".as_bytes());
        let found = all(&bytes);
        assert!(found.contains("Quillfeather W-017 کویلفدر"), "{found}");
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
        use base64::Engine as _;
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
        let result = texts_within(&gz, 1 << 19, &mut |_, _, _| {});
        assert_eq!(result.unwrap_err().reason, "it unfolds into too much data");
        assert!(texts_within(&gz, 1 << 21, &mut |_, _, _| {}).is_ok());
    }
}
