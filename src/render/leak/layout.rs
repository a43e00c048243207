//! Layer two, after layout: what the reader is shown. Every page is read
//! twice. In the order Typst laid it out, the text of all pages — text in
//! tilings and page fills included — is one stream with no separator between
//! runs, lines, boxes, footnotes, columns or pages, and a needle cut where
//! the eye jumps from the end of a line to the start of a line further on or
//! on the next page (past footnotes, a running footer and header) is found
//! too. As the eye sees it, the plainly visible glyphs of each page are
//! sorted into lines by their baseline and along each line by their place,
//! left to right and right to left: text placed out of order (`#place`,
//! `#stack(dir: rtl)`, mirrored, rotated, right-to-left overrides) reads as
//! it looks, and letters too small, transparent, white or clipped away do
//! not split a word. Link targets, image descriptions, images' own text and
//! metadata (SVG text, EXIF, embedded PDFs), the document's metadata and the
//! PDF file itself (every string and stream, attachments opened) are
//! searched as well.

use typst::foundations::Smart;
use typst::layout::{Abs, GroupItem, Point, Transform};
use typst::model::Destination;
use typst::model::Document as _;
use typst::visualize::{ImageKind, Paint};
use typst_layout::PagedDocument;

use super::seen::{self, Glyph};
use super::{Channel, Scanner, files};
use crate::render::page;
use crate::skeleton::Builder;

/// How far apart two runs' baselines are before they are on different lines.
const SAME_LINE: f64 = 1.0;

/// One run of text as laid out.
struct Run {
    /// Skeleton bytes it spans.
    start: usize,
    end: usize,
    /// Its baseline on the page, in points.
    y: f64,
}

/// The document's text in layout order, with where each page's runs are.
struct Stream {
    hay: Builder,
    /// The same without the runs that are marks (a footnote number, an
    /// asterisk), which sit inside a word without belonging to it.
    unmarked: Builder,
    /// The runs' text as written, a line break where a line ends: for URLs
    /// and percent-encoding.
    raw: String,
    /// The baseline of the last run.
    last_y: f64,
    /// Runs of each page.
    pages: Vec<Vec<Run>>,
}

/// Searches the laid-out document.
pub fn document(scanner: &Scanner, document: &PagedDocument) {
    let _scope = typst_timing::TimingScope::new("dossier: leak scan, pages");
    let mut stream = Stream {
        hay: Builder::with_origins(),
        unmarked: Builder::with_origins(),
        raw: String::new(),
        last_y: f64::NAN,
        pages: Vec::new(),
    };
    let mut seen = Builder::with_origins();
    let mut logical = Builder::with_origins();
    for (i, page) in document.pages().iter().enumerate() {
        stream.pages.push(Vec::new());
        let mut walker = Walker {
            scanner,
            stream: &mut stream,
            page: i,
            glyphs: Vec::new(),
            runs: Vec::new(),
            links: String::new(),
            clip: None,
            clips: Vec::new(),
            looks: Vec::new(),
            fills: Vec::new(),
        };
        page::walk_page(&mut walker, page);
        // A page without a fill of its own shows white.
        let paper = match &page.fill {
            Smart::Custom(Some(paint)) => solid(paint),
            _ => Some([1.0; 3]),
        };
        let glyphs = walker.seen(paper);
        in_source_order(std::mem::take(&mut walker.runs), i, &mut logical);
        if !walker.links.is_empty() {
            scanner.text(&walker.links, &|_| {
                Channel::new(format!("a link target on page {}", i + 1))
            });
        }
        seen.junction();
        seen.push_at(&seen::read(glyphs), i);
    }
    let _search = typst_timing::TimingScope::new("dossier: leak scan, pages, search");
    let page_of = |origin: Option<u32>| {
        Channel::new(match origin {
            Some(page) => format!("the laid-out text of page {}", page + 1),
            None => "the laid-out text".into(),
        })
    };
    scanner.search(&stream.hay, &page_of);
    scanner.search(&stream.unmarked, &page_of);
    scanner.search(&logical, &page_of);
    scanner.search(&seen, &|origin| {
        Channel::new(match origin {
            Some(page) => format!("page {} as it looks", page + 1),
            None => "the pages as they look".into(),
        })
    });
    // URLs as the reader sees them, percent-decoded or compared as URLs.
    scanner.encoded(&stream.raw, &|_| Channel::new("the laid-out text"));
    for i in 0..stream.pages.len() {
        let ends = line_ends(&stream.pages[i]);
        let mut starts = line_starts(&stream.pages[i]);
        if let Some(next) = stream.pages.get(i + 1) {
            starts.extend(line_starts(next));
        }
        let channel = Channel::new(format!(
            "the laid-out text of page {}, read across a break",
            i + 1
        ));
        scanner.search_cut(&stream.hay, &ends, &starts, &channel);
    }
    let info = document.info();
    let mut all: Vec<String> = info.title.iter().map(|t| t.to_string()).collect();
    all.extend(info.author.iter().map(|a| a.to_string()));
    all.extend(info.description.iter().map(|d| d.to_string()));
    all.extend(info.keywords.iter().map(|k| k.to_string()));
    scanner.text(&all.join("\n"), &|_| {
        Channel::new("the PDF's metadata (title, author, subject, keywords)")
    });
}

/// Appends the lines of a page whose runs stand in another order than the
/// author wrote them (right-to-left script with digits or Latin in it,
/// stacks laid out from the right, placed pieces), read in the source's
/// order: Typst numbers the parts of a source in the order they are written.
fn in_source_order(runs: Vec<PlacedRun>, page: usize, out: &mut Builder) {
    let mut line: Vec<((u64, u16), String)> = Vec::new();
    let mut flush = |line: &mut Vec<((u64, u16), String)>| {
        if line.windows(2).any(|w| w[0].0 > w[1].0) {
            line.sort_by_key(|(key, _)| *key);
            out.junction();
            for (_, text) in line.iter() {
                out.push_at(text, page);
            }
        }
        line.clear();
    };
    let mut last_y = f64::NAN;
    let mut last_key = (0, 0);
    for (y, source, text) in runs {
        if (y - last_y).abs() > SAME_LINE {
            flush(&mut line);
        }
        last_y = y;
        // Text made by code has no place of its own: it keeps its neighbour's.
        let key = source.unwrap_or(last_key);
        last_key = key;
        line.push((key, text));
    }
    flush(&mut line);
}

fn line_ends(runs: &[Run]) -> Vec<usize> {
    runs.iter()
        .enumerate()
        .filter(|(i, run)| {
            runs.get(i + 1)
                .is_none_or(|next| (next.y - run.y).abs() > SAME_LINE)
        })
        .map(|(_, run)| run.end)
        .collect()
}

fn line_starts(runs: &[Run]) -> Vec<usize> {
    runs.iter()
        .enumerate()
        .filter(|(i, run)| {
            i.checked_sub(1)
                .is_none_or(|before| (runs[before].y - run.y).abs() > SAME_LINE)
        })
        .map(|(_, run)| run.start)
        .collect()
}

/// A run's baseline, where in the source it comes from, and its text.
type PlacedRun = (f64, Option<(u64, u16)>, String);

/// An axis-aligned box on the page, in points.
#[derive(Clone, Copy)]
struct Area {
    min: (f64, f64),
    max: (f64, f64),
}

struct Walker<'a> {
    scanner: &'a Scanner,
    stream: &'a mut Stream,
    page: usize,
    glyphs: Vec<Glyph>,
    /// The page's runs with their baseline and where in the source they
    /// come from, for reading each line in the author's order.
    runs: Vec<PlacedRun>,
    /// The page's link targets, one a line.
    links: String,
    /// What the enclosing groups' clips leave visible.
    clip: Option<Area>,
    /// The clips of the groups entered, outermost first.
    clips: Vec<Option<Area>>,
    /// For each of `glyphs`, where its middle is and its colour.
    looks: Vec<Look>,
    /// The filled shapes of the page, in the order they are painted.
    fills: Vec<Look>,
}

/// Something painted: a glyph (at its middle) or a filled shape (its box),
/// its colour (`None`: a gradient or tiling) and when it was painted.
struct Look {
    area: Area,
    color: Option<[f64; 3]>,
    order: usize,
}

impl page::Visitor for Walker<'_> {
    fn enter(&mut self, group: &GroupItem, ts: Transform) {
        let outer = self.clip;
        self.clips.push(outer);
        if let Some(clip) = &group.clip {
            let area = area(clip.bbox(None).min, clip.bbox(None).max, ts);
            self.clip = Some(match outer {
                Some(o) => intersect(o, area),
                None => area,
            });
        }
    }

    fn leave(&mut self) {
        self.clip = self.clips.pop().flatten();
    }

    fn text(&mut self, run: &typst::text::TextItem, pos: Point, ts: Transform) {
        self.run(run, pos, ts);
    }

    fn shape(&mut self, shape: &typst::visualize::Shape, pos: Point, ts: Transform) {
        if let Some(fill) = &shape.fill {
            self.fill(
                shape,
                fill,
                ts.pre_concat(Transform::translate(pos.x, pos.y)),
            );
        }
    }

    fn link(&mut self, destination: &Destination) {
        if let Destination::Url(url) = destination {
            self.links.push_str(url.as_str());
            self.links.push('\n');
        }
    }

    fn image(&mut self, image: &typst::visualize::Image) {
        self.picture(image);
    }
}

impl Walker<'_> {
    fn run(&mut self, run: &typst::text::TextItem, pos: Point, ts: Transform) {
        let hay = &mut self.stream.hay;
        hay.junction();
        let start = hay.text.len();
        hay.push_at(&run.text, self.page);
        let end = hay.text.len();
        let mark = run.text.chars().count() <= 3 && !run.text.chars().any(char::is_alphabetic);
        if !mark {
            self.stream.unmarked.junction();
            self.stream.unmarked.push_at(&run.text, self.page);
        }
        let y = pos.transform(ts).y.to_pt();
        let source = run
            .glyphs
            .iter()
            .filter(|g| !g.span.0.is_detached())
            .map(|g| (g.span.0.into_raw().get(), g.span.1))
            .min();
        self.runs.push((y, source, run.text.to_string()));
        if (y - self.stream.last_y).abs() > SAME_LINE || self.stream.last_y.is_nan() {
            self.stream.raw.push('\n');
        }
        self.stream.last_y = y;
        self.stream.raw.push_str(&run.text);
        if end > start {
            self.stream.pages[self.page].push(Run { start, end, y });
        }
        // Each glyph where the eye sees it, if it can be seen at all.
        let size = run.size.to_pt() * scale(ts);
        if !transparent(&run.fill) && size >= 1.0 {
            let mut x = Abs::zero();
            let mut last = usize::MAX;
            for glyph in &run.glyphs {
                let range = glyph.range();
                let left = pos.x + x + glyph.x_offset.at(run.size);
                let advance = glyph.x_advance.at(run.size);
                let at = Point::new(left, pos.y).transform(ts);
                // A glyph is seen if its middle is: one in a clipping box of
                // no width is not.
                let middle = Point::new(left + advance / 2.0, pos.y).transform(ts);
                x += advance;
                if range.start == last || !self.inside(middle) {
                    continue;
                }
                last = range.start;
                let (x, y) = (middle.x.to_pt(), middle.y.to_pt());
                self.looks.push(Look {
                    area: Area {
                        min: (x, y),
                        max: (x, y),
                    },
                    color: solid(&run.fill),
                    order: self.looks.len() + self.fills.len(),
                });
                let text = run.text.get(range).unwrap_or_default().to_string();
                self.glyphs.push(Glyph {
                    x: at.x.to_pt(),
                    y: at.y.to_pt(),
                    size,
                    text,
                });
            }
        }
    }

    fn inside(&self, at: Point) -> bool {
        let (x, y) = (at.x.to_pt(), at.y.to_pt());
        self.clip.is_none_or(|c| {
            x >= c.min.0 - 0.01 && x <= c.max.0 + 0.01 && y >= c.min.1 - 0.01 && y <= c.max.1 + 0.01
        })
    }

    /// Notes a filled shape: what it covers cannot be seen, and it is the
    /// background of what is painted on it.
    fn fill(&mut self, shape: &typst::visualize::Shape, paint: &Paint, ts: Transform) {
        let alpha = match paint {
            Paint::Solid(color) => color.to_rgb().alpha,
            Paint::Gradient(_) | Paint::Tiling(_) => 1.0,
        };
        if alpha < 0.9 || matches!(shape.geometry, typst::visualize::Geometry::Line(_)) {
            return;
        }
        let bbox = shape.bbox(false);
        let mut covers = area(bbox.min, bbox.max, ts);
        if let Some(clip) = self.clip {
            covers = intersect(covers, clip);
        }
        self.fills.push(Look {
            area: covers,
            color: solid(paint),
            order: self.looks.len() + self.fills.len(),
        });
    }

    /// The page's glyphs a reader can see: not covered by a shape painted
    /// after them, and not of the colour of what lies beneath them (the
    /// topmost shape painted before them there, or the paper).
    fn seen(&mut self, paper: Option<[f64; 3]>) -> Vec<Glyph> {
        let glyphs = std::mem::take(&mut self.glyphs);
        let looks = std::mem::take(&mut self.looks);
        let fills = std::mem::take(&mut self.fills);
        let under = |look: &Look| {
            let (x, y) = look.area.min;
            let contains = |fill: &&Look| {
                x >= fill.area.min.0
                    && x <= fill.area.max.0
                    && y >= fill.area.min.1
                    && y <= fill.area.max.1
            };
            let covered = fills.iter().filter(contains).any(|f| f.order > look.order);
            let beneath = fills
                .iter()
                .filter(contains)
                .filter(|f| f.order < look.order)
                .max_by_key(|f| f.order)
                .map_or(paper, |f| f.color);
            (covered, beneath)
        };
        glyphs
            .into_iter()
            .zip(looks)
            .filter(|(_, look)| {
                let (covered, beneath) = under(look);
                let blends = match (look.color, beneath) {
                    (Some(ink), Some(ground)) => {
                        (0..3).all(|i| (ink[i] - ground[i]).abs() < BLENDS)
                    }
                    _ => false,
                };
                !covered && !blends
            })
            .map(|(glyph, _)| glyph)
            .collect()
    }

    fn picture(&mut self, image: &typst::visualize::Image) {
        let page = self.page + 1;
        if let Some(alt) = image.alt() {
            self.scanner.text(alt, &|_| {
                Channel::new(format!("an image description on page {page}"))
            });
        }
        let channel = Channel::new(format!("an image on page {page} (its text or metadata)"));
        match image.kind() {
            ImageKind::Raster(raster) => self.scanner.bytes(raster.data(), &channel),
            ImageKind::Svg(svg) => self.scanner.bytes(svg.data(), &channel),
            ImageKind::Pdf(pdf) => {
                let data = pdf.document().pdf().data().clone();
                self.scanner.bytes(data.as_ref(), &channel);
            }
        }
    }
}

/// How far apart, in every channel, ink and ground must be for a reader to
/// see the ink.
const BLENDS: f64 = 0.06;

/// Whether text painted so cannot be seen at all.
fn transparent(paint: &Paint) -> bool {
    matches!(paint, Paint::Solid(color) if color.to_rgb().alpha < 0.1)
}

/// A solid paint's colour as red, green and blue; `None` for a gradient or
/// tiling, which shows on any ground.
fn solid(paint: &Paint) -> Option<[f64; 3]> {
    match paint {
        Paint::Solid(color) => {
            let rgb = color.to_rgb();
            Some([rgb.red, rgb.green, rgb.blue].map(f64::from))
        }
        Paint::Gradient(_) | Paint::Tiling(_) => None,
    }
}

/// How much a transform enlarges lengths (the root of its determinant).
fn scale(ts: Transform) -> f64 {
    let det = ts.sx.get() * ts.sy.get() - ts.kx.get() * ts.ky.get();
    det.abs().sqrt()
}

/// The box on the page that a box in a group's space covers.
fn area(min: Point, max: Point, ts: Transform) -> Area {
    let corners = [
        Point::new(min.x, min.y),
        Point::new(max.x, min.y),
        Point::new(min.x, max.y),
        Point::new(max.x, max.y),
    ]
    .map(|p| p.transform(ts));
    let xs = corners.map(|p| p.x.to_pt());
    let ys = corners.map(|p| p.y.to_pt());
    let fold = |v: [f64; 4], f: fn(f64, f64) -> f64| v.into_iter().reduce(f).unwrap_or(0.0);
    Area {
        min: (fold(xs, f64::min), fold(ys, f64::min)),
        max: (fold(xs, f64::max), fold(ys, f64::max)),
    }
}

fn intersect(a: Area, b: Area) -> Area {
    Area {
        min: (a.min.0.max(b.min.0), a.min.1.max(b.min.1)),
        max: (a.max.0.min(b.max.0), a.max.1.min(b.max.1)),
    }
}

/// Searches the PDF file: every string and every stream that can hold text
/// (metadata, bookmarks, link targets, attachments, structure, embedded
/// JPEGs with their EXIF), compressed or not. A file that cannot be parsed
/// is searched as bytes.
pub fn pdf(scanner: &Scanner, pdf: &[u8]) {
    let _scope = typst_timing::TimingScope::new("dossier: leak scan, PDF file");
    let channel = Channel::new("the PDF file (metadata, bookmarks, attachments, embedded data)");
    let loaded = crate::quiet::quietly(|| lopdf::Document::load_mem(pdf));
    let Ok(Ok(document)) = loaded else {
        scanner.bytes(pdf, &channel);
        return;
    };
    // Page content streams hold glyph numbers, not text: the layout is
    // searched instead.
    let contents: std::collections::HashSet<lopdf::ObjectId> = document
        .get_pages()
        .values()
        .flat_map(|id| document.get_page_contents(*id))
        .collect();
    let mut strings = String::new();
    for (id, object) in &document.objects {
        match object {
            lopdf::Object::Stream(stream) => {
                collect_strings(
                    &lopdf::Object::Dictionary(stream.dict.clone()),
                    &mut strings,
                );
                if contents.contains(id) || !files::worth_reading(&stream.dict) {
                    continue;
                }
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                scanner.bytes(&content, &channel);
            }
            other => collect_strings(other, &mut strings),
        }
    }
    scanner.text(&strings, &|_| channel.clone());
}

fn collect_strings(object: &lopdf::Object, out: &mut String) {
    match object {
        lopdf::Object::String(bytes, _) => {
            out.push_str(&files::decode_pdf_string(bytes));
            out.push('\n');
        }
        lopdf::Object::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        lopdf::Object::Dictionary(dict) => dict.iter().for_each(|(_, v)| collect_strings(v, out)),
        _ => {}
    }
}
