//! Images read for what they say, never for their pixels: a JPEG's
//! segments (EXIF fields, XMP, comments; the thumbnail as a JPEG of its
//! own), a PNG's chunks (text chunks, compressed or not, and EXIF), a GIF's
//! comment, text and application blocks, a WebP's EXIF and XMP; and whatever
//! follows the end of the image. Pixel data is skipped: it is what makes a
//! photo megabytes long, and read as text it is noise that may by chance
//! spell a short name.

use super::files::{Reader, Unreadable, join, utf16};

/// EXIF tags whose BYTE values are UTF-16 text (Windows' XPTitle,
/// XPComment, XPAuthor, XPKeywords, XPSubject).
const XP_TAGS: std::ops::RangeInclusive<u16> = 0x9C9B..=0x9C9F;

impl Reader<'_, '_> {
    /// Reads an image's texts; `false` if `bytes` is no image this knows.
    pub(super) fn image(
        &mut self,
        bytes: &[u8],
        part: &str,
        depth: usize,
    ) -> Result<bool, Unreadable> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            self.jpeg(bytes, part, depth)?;
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            self.png(bytes, part, depth)?;
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            self.gif(bytes, part, depth)?;
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            self.webp(bytes, part, depth)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    fn jpeg(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        // Metadata split across segments is read joined: extended XMP by its
        // offsets, an ICC profile by its sequence, any other application
        // segment with the others of its marker.
        let mut extended: Vec<(u32, &[u8])> = Vec::new();
        let mut icc: Vec<(u8, &[u8])> = Vec::new();
        let mut other: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut comments: Vec<u8> = Vec::new();
        let mut at = 2;
        let mut after = None;
        while at + 4 <= bytes.len() {
            if bytes[at] != 0xFF {
                // Not where a marker should be: read the rest as data.
                self.binary(&bytes[at..], part);
                break;
            }
            let marker = bytes[at + 1];
            match marker {
                0xFF => {
                    at += 1;
                    continue;
                }
                0xD9 => {
                    after = Some(at + 2);
                    break;
                }
                0xD0..=0xD7 | 0x01 => {
                    at += 2;
                    continue;
                }
                _ => {}
            }
            let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
            let end = (at + 2 + length).min(bytes.len());
            let data = bytes.get(at + 4..end).unwrap_or_default();
            match marker {
                0xE1 if data.starts_with(b"Exif\0\0") => self.exif(&data[6..], part, depth)?,
                0xE1 if data.starts_with(b"http://ns.adobe.com/xmp/extension/\0") => {
                    let rest = &data[35..];
                    if let Some(offset) = rest.get(36..40) {
                        let offset =
                            u32::from_be_bytes([offset[0], offset[1], offset[2], offset[3]]);
                        extended.push((offset, rest.get(40..).unwrap_or_default()));
                    }
                }
                0xE1 if data.starts_with(b"http://ns.adobe.com/") => {
                    let xml = data.splitn(2, |&b| b == 0).nth(1).unwrap_or_default();
                    self.plain(xml, &join(part, "(XMP)"), depth + 1)?;
                }
                0xE2 if data.starts_with(b"ICC_PROFILE\0") && data.len() > 14 => {
                    icc.push((data[12], &data[14..]));
                }
                0xFE => {
                    self.plain(data, &join(part, "(comment)"), depth + 1)?;
                    comments.extend_from_slice(data);
                }
                // Frame and table definitions hold numbers only.
                0xC0..=0xCF | 0xDB | 0xDD => {}
                0xDA => {
                    at = entropy_end(bytes, end);
                    continue;
                }
                // Other application segments: IPTC, makers' own.
                _ => match other.iter_mut().find(|(m, _)| *m == marker) {
                    Some((_, joined)) => joined.extend_from_slice(data),
                    None => other.push((marker, data.to_vec())),
                },
            }
            at = end;
        }
        extended.sort_by_key(|(offset, _)| *offset);
        let xml: Vec<u8> = extended
            .iter()
            .flat_map(|(_, d)| d.iter().copied())
            .collect();
        if !xml.is_empty() {
            self.plain(&xml, &join(part, "(XMP)"), depth + 1)?;
        }
        icc.sort_by_key(|(sequence, _)| *sequence);
        let profile: Vec<u8> = icc.iter().flat_map(|(_, d)| d.iter().copied()).collect();
        if !profile.is_empty() {
            self.binary(&profile, &join(part, "(ICC profile)"));
        }
        for (_, data) in other {
            self.binary(&data, part);
        }
        // Comments read one after another, as tools show them.
        self.plain(&comments, &join(part, "(comment)"), depth + 1)?;
        match after {
            Some(from) => self.after(bytes, from, part, depth),
            None => Ok(()),
        }
    }

    /// EXIF (a TIFF structure): every text field, the UTF-16 ones decoded,
    /// and the thumbnail read as an image.
    fn exif(&mut self, tiff: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let part = join(part, "(EXIF)");
        let Ok(exif) = exif::Reader::new().read_raw(tiff.to_vec()) else {
            self.binary(tiff, &part);
            return Ok(());
        };
        let little = tiff.starts_with(b"II");
        for field in exif.fields() {
            match &field.value {
                exif::Value::Ascii(lines) => {
                    for line in lines {
                        self.written(&latin(line), &part);
                    }
                }
                exif::Value::Byte(bytes) if XP_TAGS.contains(&field.tag.number()) => {
                    let text = utf16(bytes, u16::from_le_bytes);
                    self.written(text.trim_end_matches('\0'), &part);
                }
                exif::Value::Undefined(bytes, _) => match bytes.split_at_checked(8) {
                    Some((b"UNICODE\0", text)) => {
                        let order = if little {
                            u16::from_le_bytes
                        } else {
                            u16::from_be_bytes
                        };
                        self.written(&utf16(text, order), &part);
                    }
                    Some((b"ASCII\0\0\0" | b"\0\0\0\0\0\0\0\0", text)) => {
                        self.written(&latin(text), &part)
                    }
                    _ => self.binary(bytes, &part),
                },
                exif::Value::Byte(bytes) => self.binary(bytes, &part),
                _ => {}
            }
        }
        let thumbnail = |tag| {
            exif.get_field(tag, exif::In::THUMBNAIL)
                .and_then(|f| f.value.get_uint(0))
        };
        if let (Some(offset), Some(length)) = (
            thumbnail(exif::Tag::JPEGInterchangeFormat),
            thumbnail(exif::Tag::JPEGInterchangeFormatLength),
        ) {
            let (offset, length) = (offset as usize, length as usize);
            if let Some(image) = exif.buf().get(offset..offset.saturating_add(length)) {
                self.read(image, &join(&part, "thumbnail"), depth + 1)?;
            }
        }
        Ok(())
    }

    fn png(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let mut at = 8;
        while let Some(header) = bytes.get(at..at + 8) {
            let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
            let kind = [header[4], header[5], header[6], header[7]];
            let end = (at + 8).saturating_add(length);
            let data = bytes.get(at + 8..end.min(bytes.len())).unwrap_or_default();
            let inner = join(part, "(PNG text)");
            match &kind {
                b"tEXt" => {
                    let (keyword, text) = split_nul(data);
                    self.written(&format!("{}\n{}", latin(keyword), latin(text)), &inner);
                }
                b"zTXt" => {
                    let (keyword, rest) = split_nul(data);
                    self.written(&latin(keyword), &inner);
                    let text = self.inflate(
                        flate2::read::ZlibDecoder::new(rest.get(1..).unwrap_or_default()),
                        &inner,
                    )?;
                    self.written(&latin(&text), &inner);
                }
                b"iTXt" => self.itxt(data, &inner)?,
                b"eXIf" => self.exif(data, part, depth)?,
                b"iCCP" => {
                    let (_, rest) = split_nul(data);
                    let profile = self.inflate(
                        flate2::read::ZlibDecoder::new(rest.get(1..).unwrap_or_default()),
                        part,
                    )?;
                    self.binary(&profile, &join(part, "(ICC profile)"));
                }
                b"IEND" => return self.after(bytes, end + 4, part, depth),
                // Pixels, palettes and the other critical chunks.
                b"IDAT" | b"fdAT" | b"IHDR" | b"PLTE" | b"acTL" | b"fcTL" | b"tRNS" => {}
                _ => self.binary(data, part),
            }
            at = end + 4;
        }
        Ok(())
    }

    /// An international text chunk: keyword, flags, language, translated
    /// keyword and the text, compressed or not.
    fn itxt(&mut self, data: &[u8], part: &str) -> Result<(), Unreadable> {
        let (keyword, rest) = split_nul(data);
        let compressed = rest.first() == Some(&1);
        let (language, rest) = split_nul(rest.get(2..).unwrap_or_default());
        let (translated, text) = split_nul(rest);
        let heading = format!(
            "{}\n{}\n{}",
            latin(keyword),
            latin(language),
            String::from_utf8_lossy(translated)
        );
        self.written(&heading, part);
        let text = if compressed {
            self.inflate(flate2::read::ZlibDecoder::new(text), part)?
        } else {
            text.to_vec()
        };
        self.written(&String::from_utf8_lossy(&text), part);
        Ok(())
    }

    fn gif(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let Some(&flags) = bytes.get(10) else {
            return Ok(());
        };
        let mut at = 13 + color_table(flags);
        while let Some(&block) = bytes.get(at) {
            match block {
                0x21 => {
                    let label = bytes.get(at + 1).copied().unwrap_or_default();
                    let (data, next) = sub_blocks(bytes, at + 2);
                    match label {
                        0xFE => self.written(&latin(&data), &join(part, "(comment)")),
                        // Plain text: a 12-byte header, then the text.
                        0x01 => self.written(&latin(data.get(13..).unwrap_or_default()), part),
                        0xFF => self.binary(&data, part),
                        _ => {}
                    }
                    at = next;
                }
                0x2C => {
                    let flags = bytes.get(at + 9).copied().unwrap_or_default();
                    let start = at + 10 + color_table(flags) + 1;
                    at = sub_blocks(bytes, start).1;
                }
                0x3B => return self.after(bytes, at + 1, part, depth),
                _ => {
                    self.binary(&bytes[at..], part);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn webp(&mut self, bytes: &[u8], part: &str, depth: usize) -> Result<(), Unreadable> {
        let mut at = 12;
        while let Some(header) = bytes.get(at..at + 8) {
            let length = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
            let end = (at + 8).saturating_add(length);
            let data = bytes.get(at + 8..end.min(bytes.len())).unwrap_or_default();
            match &header[..4] {
                b"EXIF" => {
                    self.exif(data.strip_prefix(b"Exif\0\0").unwrap_or(data), part, depth)?
                }
                b"XMP " => self.plain(data, &join(part, "(XMP)"), depth + 1)?,
                b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF" => {}
                _ => self.binary(data, part),
            }
            at = end + (length & 1);
        }
        Ok(())
    }

    /// Bytes after the end of an image: ignored by viewers, kept in the file.
    fn after(
        &mut self,
        bytes: &[u8],
        from: usize,
        part: &str,
        depth: usize,
    ) -> Result<(), Unreadable> {
        match bytes.get(from..) {
            Some(rest) if !rest.is_empty() => {
                self.read(rest, &join(part, "after the image"), depth + 1)
            }
            _ => Ok(()),
        }
    }
}

/// Where a JPEG's entropy-coded data that starts at `from` ends: at the
/// first marker that is neither a stuffed zero nor a restart.
fn entropy_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while at + 1 < bytes.len() {
        if bytes[at] == 0xFF && !matches!(bytes[at + 1], 0x00 | 0xD0..=0xD7 | 0xFF) {
            return at;
        }
        at += 1;
    }
    bytes.len()
}

/// A GIF's sub-blocks from `at`: their data joined, and where they end.
fn sub_blocks(bytes: &[u8], mut at: usize) -> (Vec<u8>, usize) {
    let mut data = Vec::new();
    while let Some(&size) = bytes.get(at) {
        at += 1;
        if size == 0 {
            break;
        }
        let end = (at + usize::from(size)).min(bytes.len());
        data.extend_from_slice(&bytes[at..end]);
        at = end;
    }
    (data, at)
}

/// The size of a GIF color table announced by `flags`.
fn color_table(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 << ((flags & 0x07) + 1)
    } else {
        0
    }
}

fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[]),
    }
}

/// UTF-8 where it is, else one byte a character (Latin-1).
fn latin(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::files::{Trust, texts};

    fn written(bytes: &[u8]) -> (String, usize) {
        let mut text = String::new();
        let mut binary = 0;
        texts(bytes, &mut |_, t, trust| match trust {
            Trust::Text => {
                text.push_str(t);
                text.push('\n');
            }
            Trust::Binary => binary += t.len(),
        })
        .unwrap();
        (text, binary)
    }

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(data);
        out.extend([0, 0, 0, 0]);
        out
    }

    #[test]
    fn a_png_says_its_text_chunks_and_not_its_pixels() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"compressed W-017").unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &[0; 13]));
        png.extend(png_chunk(b"tEXt", b"Title\0Testimony of witness"));
        png.extend(png_chunk(
            b"zTXt",
            &[b"Comment\0\0".as_slice(), &z.finish().unwrap()].concat(),
        ));
        png.extend(png_chunk(b"iTXt", "Author\0\0\0fa\0\0کویلفدر".as_bytes()));
        png.extend(png_chunk(
            b"IDAT",
            b"Quillfeather-in-the-pixels-is-not-text",
        ));
        png.extend(png_chunk(b"IEND", b""));
        png.extend(b"appended after the end");
        let (text, _) = written(&png);
        assert!(text.contains("Testimony of witness"), "{text}");
        assert!(text.contains("compressed W-017"), "{text}");
        assert!(text.contains("کویلفدر"), "{text}");
        assert!(text.contains("appended after the end"), "{text}");
        assert!(!text.contains("pixels"), "{text}");
    }

    #[test]
    fn a_jpeg_says_its_comment_and_skips_its_scan() {
        let mut jpeg = vec![0xFF, 0xD8];
        let comment = b"Quillfeather W-017";
        jpeg.extend([0xFF, 0xFE]);
        jpeg.extend(((comment.len() + 2) as u16).to_be_bytes());
        jpeg.extend(comment);
        jpeg.extend([0xFF, 0xDA, 0x00, 0x02]);
        jpeg.extend(b"pixels pixels \xFF\x00 pixels");
        jpeg.extend([0xFF, 0xD9]);
        let (text, binary) = written(&jpeg);
        assert!(text.contains("Quillfeather W-017"), "{text}");
        assert!(!text.contains("pixels"), "{text}");
        assert_eq!(binary, 0);
    }

    #[test]
    fn a_gif_says_its_comment() {
        let mut gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        gif.extend(b"\x21\xFE\x0bQuillfeathe\x06r W017\x00");
        gif.extend(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        gif.extend(b"\x3B");
        let (text, _) = written(&gif);
        assert!(text.contains("Quillfeather W017"), "{text}");
    }
}
