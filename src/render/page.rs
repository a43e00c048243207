//! The one walk over what a laid-out page shows: groups with their
//! transforms, text, shapes, links, images, and the frames of tilings that
//! paint text, shapes and the page itself. The leak scan and the check that
//! an internal build marks every page both read pages through it, so what
//! one counts as on the page the other does too.

use typst::foundations::Smart;
use typst::layout::{Frame, FrameItem, GroupItem, Point, Transform};
use typst::model::Destination;
use typst::text::TextItem;
use typst::visualize::{Image, Paint, Shape};
use typst_layout::Page;

/// What a walk over a page reports. Every method has a default that
/// ignores the item.
pub trait Visitor {
    /// A group is entered; `ts` maps its frame to the page.
    fn enter(&mut self, _group: &GroupItem, _ts: Transform) {}

    /// The group last entered is left.
    fn leave(&mut self) {}

    /// A run of text at `pos` in a frame that `ts` maps to the page.
    fn text(&mut self, _run: &TextItem, _pos: Point, _ts: Transform) {}

    /// A shape at `pos`, after any tiling filling it was walked.
    fn shape(&mut self, _shape: &Shape, _pos: Point, _ts: Transform) {}

    /// A link's destination.
    fn link(&mut self, _destination: &Destination) {}

    /// An image.
    fn image(&mut self, _image: &Image) {}
}

/// Walks a page: its frame, then the tiling of its fill.
pub fn walk_page(visitor: &mut impl Visitor, page: &Page) {
    walk(visitor, &page.frame, Transform::identity());
    if let Smart::Custom(Some(fill)) = &page.fill {
        paint(visitor, fill, Transform::identity());
    }
}

/// Walks a frame that `ts` maps to the page.
pub fn walk(visitor: &mut impl Visitor, frame: &Frame, ts: Transform) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let ts = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                visitor.enter(group, ts);
                walk(visitor, &group.frame, ts);
                visitor.leave();
            }
            FrameItem::Text(run) => {
                visitor.text(run, *pos, ts);
                paint(visitor, &run.fill, ts);
                if let Some(stroke) = &run.stroke {
                    paint(visitor, &stroke.paint, ts);
                }
            }
            FrameItem::Shape(shape, _) => {
                if let Some(fill) = &shape.fill {
                    paint(visitor, fill, ts);
                }
                visitor.shape(shape, *pos, ts);
                if let Some(stroke) = &shape.stroke {
                    paint(visitor, &stroke.paint, ts);
                }
            }
            FrameItem::Link(destination, _) => visitor.link(destination),
            FrameItem::Image(image, _, _) => visitor.image(image),
            FrameItem::Tag(_) => {}
        }
    }
}

/// A tiling paints with a frame of its own, which may hold text.
fn paint(visitor: &mut impl Visitor, paint: &Paint, ts: Transform) {
    if let Paint::Tiling(tiling) = paint {
        walk(visitor, tiling.frame(), ts);
    }
}

/// The text of a page in layout order, tilings included, with nothing
/// between runs.
pub fn text(page: &Page) -> String {
    struct Collect(String);
    impl Visitor for Collect {
        fn text(&mut self, run: &TextItem, _: Point, _: Transform) {
            self.0.push_str(&run.text);
        }
    }
    let mut collect = Collect(String::new());
    walk_page(&mut collect, page);
    collect.0
}
