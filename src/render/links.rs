//! A citation's link to its bibliography entry, made after layout. The
//! template links each printed citation to a placeholder address naming the
//! source; here each placeholder becomes the place of the entry, as Typst's
//! own citations link. Linking to the entry's label in the template instead
//! would make every paragraph with a citation wait for where the entries
//! land: two more rounds of layout, each as long as the first.

use std::collections::HashMap;

use typst::foundations::Label;
use typst::introspection::{Introspector, Location};
use typst::layout::{Frame, FrameItem};
use typst::model::{Destination, Document};
use typst::utils::PicoStr;
use typst_layout::{Page, PagedDocument};

/// The address a printed citation links to, followed by the source's key.
pub const PLACEHOLDER: &str = "dossier-cite:";

/// The label of a source's bibliography entry, followed by its key.
pub const ENTRY: &str = "dossier-source-";

/// The document with every placeholder link pointing at its entry; a
/// placeholder whose entry the template never printed is no link.
pub fn resolve(document: PagedDocument) -> PagedDocument {
    let mut targets: HashMap<String, Option<Location>> = HashMap::new();
    for page in document.pages() {
        placeholders(&page.frame, &mut |key| {
            if !targets.contains_key(key) {
                targets.insert(key.to_string(), None);
            }
        });
    }
    if targets.is_empty() {
        return document;
    }
    let introspector = document.introspector();
    for (key, target) in targets.iter_mut() {
        *target = Label::new(PicoStr::intern(&format!("{ENTRY}{key}")))
            .and_then(|label| introspector.query_label(label).ok()?.location());
    }
    // The pages are changed in place once the document that shares them is
    // gone: a frame shared would be copied, and a large document's pages
    // held twice.
    let info = document.info().clone();
    let mut pages: Vec<Page> = document.pages().to_vec();
    drop(document);
    for page in &mut pages {
        relink(&mut page.frame, &targets);
    }
    PagedDocument::new(pages.into(), info)
}

fn relink(frame: &mut Frame, targets: &HashMap<String, Option<Location>>) {
    if !has_placeholder(frame) {
        return;
    }
    frame.retain(|item| match item {
        FrameItem::Group(group) => {
            relink(&mut group.frame, targets);
            true
        }
        FrameItem::Link(dest, _) => match dest {
            Destination::Url(url) => match url.as_str().strip_prefix(PLACEHOLDER) {
                Some(key) => match targets.get(key).copied().flatten() {
                    Some(location) => {
                        *dest = Destination::Location(location);
                        true
                    }
                    None => false,
                },
                None => true,
            },
            _ => true,
        },
        _ => true,
    });
}

/// Calls `found` with the key of each placeholder link in `frame`.
fn placeholders(frame: &Frame, found: &mut impl FnMut(&str)) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => placeholders(&group.frame, found),
            FrameItem::Link(Destination::Url(url), _) => {
                if let Some(key) = url.as_str().strip_prefix(PLACEHOLDER) {
                    found(key);
                }
            }
            _ => {}
        }
    }
}

fn has_placeholder(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => has_placeholder(&group.frame),
        FrameItem::Link(Destination::Url(url), _) => url.as_str().starts_with(PLACEHOLDER),
        _ => false,
    })
}
