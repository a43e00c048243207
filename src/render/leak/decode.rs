//! Text inside other text and inside bytes: the runs of UTF-8 and UTF-16
//! in binary data, markup without its tags, and the encodings a program or
//! a viewer undoes — HTML entities, `\u` escapes, base64, hexadecimal.

use base64::Engine as _;

/// Shortest run of printable characters worth reading in binary data.
const RUN: usize = 4;

/// Shortest base64 blob worth decoding.
const BASE64: usize = 24;

/// Runs of at least [`RUN`] printable UTF-16 characters, one per line. A
/// run keeps to one script block (the high byte of its code units) beside
/// ASCII, as written text does; random bytes rarely do.
pub(super) fn utf16_runs(bytes: &[u8], order: fn([u8; 2]) -> u16) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut block: Option<u8> = None;
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= RUN {
            out.push_str(run);
            out.push('\n');
        }
        run.clear();
    };
    for pair in bytes.chunks_exact(2) {
        let unit = order([pair[0], pair[1]]);
        let c = char::from_u32(u32::from(unit)).filter(|c| printable(*c) && *c != '\t');
        let high = (unit >> 8) as u8;
        let fits = match (c, block) {
            (None, _) => false,
            (Some(c), _) if c.is_ascii() => true,
            (Some(_), None) => {
                block = Some(high);
                true
            }
            (Some(_), Some(b)) => b == high,
        };
        match (fits, c) {
            (true, Some(c)) => run.push(c),
            _ => {
                flush(&mut run, &mut out);
                block = None;
                if let Some(c) = c.filter(|c| !c.is_ascii()) {
                    block = Some(high);
                    run.push(c);
                }
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Runs of printable text in binary data, where it is valid UTF-8, one run
/// per line.
pub(super) fn runs(bytes: &[u8]) -> String {
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
                flush(&mut run, &mut out);
                let bad = error
                    .error_len()
                    .unwrap_or(after.len())
                    .clamp(1, after.len());
                rest = &after[bad..];
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

pub(super) fn looks_like_markup(text: &str) -> bool {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\n', '\r', '\t']);
    start.starts_with('<') || text.contains("<svg") || text.contains("<?xml")
}

/// The text of XML or HTML without its tags, entities decoded, and the
/// values of its attributes, each a piece of its own.
pub(super) fn strip_markup(text: &str) -> (String, String) {
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
pub(super) fn decode_entities(text: &str) -> String {
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

/// Runs of hexadecimal digits long enough to hide a text, decoded.
pub(super) fn hex_blobs(text: &str) -> Vec<Vec<u8>> {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|run| run.len() >= 32 && run.chars().any(|c| c.is_ascii_digit()))
        .map(|run| {
            run.as_bytes()
                .chunks_exact(2)
                .filter_map(|pair| {
                    u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("zz"), 16).ok()
                })
                .collect()
        })
        .collect()
}

/// `\u0041`, `\u{41}` and `\x41` escapes decoded (surrogate pairs joined).
pub(super) fn decode_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut units: Vec<u16> = Vec::new();
    let mut at = 0;
    while let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        match escape(rest) {
            Some((value, used)) => {
                match u16::try_from(value) {
                    Ok(unit) => units.push(unit),
                    Err(_) => {
                        out.push_str(&String::from_utf16_lossy(&units));
                        units.clear();
                        out.extend(char::from_u32(value));
                    }
                }
                at += used;
            }
            None => {
                out.push_str(&String::from_utf16_lossy(&units));
                units.clear();
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                at += c.len_utf8().max(1);
            }
        }
    }
    out.push_str(&String::from_utf16_lossy(&units));
    out
}

/// The value of the escape `rest` starts with, and its length.
fn escape(rest: &str) -> Option<(u32, usize)> {
    let hex = |h: Option<&str>| h.and_then(|h| u32::from_str_radix(h, 16).ok());
    if let Some(braced) = rest.strip_prefix("\\u{") {
        let end = braced.find('}').filter(|&e| (1..=6).contains(&e))?;
        Some((hex(Some(&braced[..end]))?, 4 + end))
    } else if let Some(h) = rest.strip_prefix("\\u") {
        Some((hex(h.get(..4))?, 6))
    } else if let Some(h) = rest.strip_prefix("\\x") {
        Some((hex(h.get(..2))?, 4))
    } else {
        None
    }
}

/// Runs of base64 characters long enough to hide a text, line breaks
/// inside them allowed (MIME wraps at 76).
pub(super) fn base64_blobs(text: &str) -> Vec<String> {
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

pub(super) fn decode_base64(blob: &str) -> Option<Vec<u8>> {
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

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(
            decode_escapes(r"\u0051uill\x66eather \u{1F600} \ud83d\ude00 \u12 \\"),
            "Quillfeather 😀 😀 \\u12 \\\\"
        );
        assert_eq!(
            decode_entities("&#84;&#x65;st &amp; &bogus;"),
            "Test & &bogus;"
        );
    }
}
