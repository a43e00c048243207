//! Text as the eye reads it: glyphs placed anywhere on a page, sorted into
//! lines by their baseline and along each line by their place, read left to
//! right and then right to left. Whatever order a document stores its text
//! in — placed pieces, stacks laid out from the right, mirrored or rotated
//! text, directional overrides, a PDF that draws words back to front — this
//! is the order a reader sees.

/// One glyph where it is seen.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Its place along the line, in points.
    pub x: f64,
    /// Its baseline, in points, growing down the page.
    pub y: f64,
    /// Its size, in points.
    pub size: f64,
    /// The text it shows.
    pub text: String,
}

/// `glyphs` as the eye reads them: lines from the top, each left to right
/// and then right to left, one line of text each; a wide gap on a line is a
/// space.
pub fn read(mut glyphs: Vec<Glyph>) -> String {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for glyph in glyphs {
        match lines.last_mut() {
            Some(line) if (glyph.y - line[0].y).abs() <= 0.35 * line[0].size.max(glyph.size) => {
                line.push(glyph)
            }
            _ => lines.push(vec![glyph]),
        }
    }
    let mut seen = String::new();
    for mut line in lines {
        // Superscripts and subscripts (a footnote mark, an exponent) stand
        // beside a word, not inside it: the line reads without them.
        let base = baseline(&line);
        line.retain(|g| (g.y - base).abs() <= 0.15 * g.size.max(1.0));
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        // Left to right, glyph by glyph.
        let mut last: Option<&Glyph> = None;
        for glyph in &line {
            gap(&mut seen, last, glyph);
            seen.push_str(&glyph.text);
            last = Some(glyph);
        }
        seen.push('\n');
        // Where a line holds right-to-left script, the glyphs left to right
        // are that script backwards: the bidirectional algorithm, run on
        // them, gives the order they are read in — both ways, as the line
        // may be part of a left-to-right or a right-to-left paragraph.
        if line.iter().any(|g| right_to_left(&g.text)) {
            let mut visual = String::new();
            let mut last: Option<&Glyph> = None;
            for glyph in &line {
                if let Some(last) = last
                    && (glyph.x - last.x).abs() > 1.2 * last.size.max(glyph.size)
                {
                    visual.push(' ');
                }
                visual.push_str(&glyph.text);
                last = Some(glyph);
            }
            for level in [None, Some(unicode_bidi::Level::rtl())] {
                let info = unicode_bidi::BidiInfo::new(&visual, level);
                for paragraph in &info.paragraphs {
                    seen.push_str(&info.reorder_line(paragraph, paragraph.range.clone()));
                }
                seen.push('\n');
            }
        }
    }
    seen
}

/// The baseline most of a line's glyphs sit on.
fn baseline(line: &[Glyph]) -> f64 {
    let mut ys: Vec<f64> = line.iter().map(|g| g.y).collect();
    ys.sort_by(f64::total_cmp);
    let mut best = (ys.first().copied().unwrap_or(0.0), 0);
    let mut i = 0;
    while i < ys.len() {
        let count = ys[i..]
            .iter()
            .take_while(|&&y| (y - ys[i]).abs() < 0.5)
            .count();
        if count > best.1 {
            best = (ys[i], count);
        }
        i += count.max(1);
    }
    best.0
}

/// A barrier where glyphs on a line stand far apart (two columns, cells of
/// a table): what lies on either side is not one word.
fn gap(seen: &mut String, last: Option<&Glyph>, glyph: &Glyph) {
    if let Some(last) = last
        && (glyph.x - last.x).abs() > 1.2 * last.size.max(glyph.size)
    {
        seen.push(crate::skeleton::BARRIER);
    }
}

/// Whether a glyph's text is right-to-left script.
fn right_to_left(text: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, R};
    text.chars()
        .any(|c| !c.is_ascii() && matches!(unicode_bidi::bidi_class(c), R | AL))
}

/// Collects a PDF page's glyphs where they are drawn, through pdf-extract's
/// fonts and encodings.
#[derive(Debug, Default)]
pub struct PdfPage {
    /// The glyphs in the order the page draws them.
    pub glyphs: Vec<Glyph>,
}

impl pdf_extract::OutputDev for PdfPage {
    fn begin_page(
        &mut self,
        _: u32,
        _: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        _: f64,
        _: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // pdf-extract's text rendering matrix leaves the font size out.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size.abs() * if scale > 0.0 { scale } else { 1.0 };
        self.glyphs.push(Glyph {
            x: trm.m31,
            // PDF measures up the page; the eye reads down.
            y: -trm.m32,
            size: size.max(1.0),
            text: char.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(x: f64, y: f64, text: &str) -> Glyph {
        Glyph {
            x,
            y,
            size: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn reads_lines_from_the_top_in_both_directions() {
        let glyphs = vec![
            glyph(9.0, 10.0, "hold"),
            glyph(0.0, 10.5, "Varn"),
            glyph(0.0, 30.0, "dl"),
            glyph(8.0, 30.0, "ro"),
            glyph(16.0, 30.0, "W"),
        ];
        let seen = read(glyphs);
        assert!(seen.contains("Varnhold\n"), "{seen}");
        // Latin reads left to right only.
        assert!(seen.ends_with("\ndlroW\n"), "{seen}");
        assert_eq!(seen.matches("Varnhold").count(), 1, "{seen}");
        // Right to left, with digits in their own order.
        let persian = vec![
            glyph(30.0, 0.0, "ش"),
            glyph(24.0, 0.0, "ا"),
            glyph(18.0, 0.0, "ه"),
            glyph(12.0, 0.0, "د"),
            glyph(4.0, 0.0, "۱"),
            glyph(8.0, 0.0, "۷"),
        ];
        assert!(read(persian).contains("شاهد۱۷"));
    }
}

/// An SVG's text as the eye reads it: characters placed by the `x` and `y`
/// of `<text>` and `<tspan>` (lists place them one by one), the others
/// following at an estimated advance; and, for text the SVG turns around
/// (`rotate`, a `transform`, right-to-left or an override), the characters
/// backwards too. `None` if it does not parse.
pub fn svg(source: &str) -> Option<(String, String)> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(source, options).ok()?;
    let mut glyphs = Vec::new();
    let mut turned = String::new();
    for text in document
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "text")
    {
        let mut cursor = Cursor::default();
        place(text, &mut cursor, &mut glyphs);
        let turns = text.descendants().any(|n| {
            n.is_element()
                && (n.has_attribute("rotate")
                    || n.has_attribute("transform")
                    || n.attribute("direction") == Some("rtl")
                    || n.attribute("unicode-bidi")
                        .is_some_and(|b| b.contains("override")))
        }) || text.ancestors().any(|n| n.has_attribute("transform"));
        if turns {
            let content: String = text
                .descendants()
                .filter_map(|n| n.text().filter(|_| n.is_text()))
                .collect();
            turned.extend(content.chars().rev());
            turned.push('\n');
        }
    }
    Some((read(glyphs), turned))
}

/// Where the next character of an SVG text goes.
#[derive(Debug, Default)]
struct Cursor {
    x: f64,
    y: f64,
}

fn place(node: roxmltree::Node<'_, '_>, cursor: &mut Cursor, glyphs: &mut Vec<Glyph>) {
    let numbers = |name: &str| -> Vec<f64> {
        node.attribute(name)
            .map(|v| {
                v.split([' ', ',', '\n', '\t'])
                    .filter_map(|n| n.trim_end_matches("px").parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let size = node
        .ancestors()
        .find_map(|n| n.attribute("font-size"))
        .and_then(|s| s.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(16.0);
    let (xs, ys) = (numbers("x"), numbers("y"));
    let mut index = 0;
    for child in node.children() {
        if child.is_element() {
            place(child, cursor, glyphs);
            continue;
        }
        let Some(text) = child.text().filter(|_| child.is_text()) else {
            continue;
        };
        for c in text.chars() {
            if let Some(&x) = xs.get(index) {
                cursor.x = x;
            }
            if let Some(&y) = ys.get(index) {
                cursor.y = y;
            }
            index += 1;
            glyphs.push(Glyph {
                x: cursor.x,
                y: cursor.y,
                size,
                text: c.to_string(),
            });
            cursor.x += 0.55 * size;
        }
    }
}

#[cfg(test)]
mod svg_tests {
    #[test]
    fn svg_text_reads_as_placed() {
        let (seen, turned) = super::svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><text y="40" font-size="30" x="111 103 87 70 55 43 28 10">dlohnraV</text>
            <text y="90" font-size="30"><tspan x="75">hold</tspan><tspan x="10">Varn</tspan></text>
            <text x="10" y="140" rotate="180">dlohnraV</text></svg>"#,
        )
        .unwrap();
        let lines: Vec<&str> = seen.lines().collect();
        assert_eq!(lines[0], "Varnhold");
        assert_eq!(lines[1], "Varnhold");
        assert_eq!(turned, "Varnhold\n");
    }
}
