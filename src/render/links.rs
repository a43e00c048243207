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
use typst_layout::PagedDocument;

/// The address a printed citation links to, followed by the source's key.
pub const PLACEHOLDER: &str = "dossier-cite:";

/// The label of a source's bibliography entry, followed by its key.
pub const ENTRY: &str = "dossier-source-";

/// The document with every placeholder link pointing at its entry; a
/// placeholder whose entry the template never printed is no link.
pub fn resolve(document: PagedDocument) -> PagedDocument {
    if !document.pages().iter().any(|p| has_placeholder(&p.frame)) {
        return document;
    }
    let mut targets: HashMap<String, Option<Location>> = HashMap::new();
    let introspector = document.introspector().clone();
    let mut target = |key: &str| {
        *targets.entry(key.to_string()).or_insert_with(|| {
            let label = Label::new(PicoStr::intern(&format!("{ENTRY}{key}")))?;
            introspector.query_label(label).ok()?.location()
        })
    };
    let pages = document
        .pages()
        .iter()
        .cloned()
        .map(|mut page| {
            relink(&mut page.frame, &mut target);
            page
        })
        .collect();
    PagedDocument::new(pages, document.info().clone())
}

fn relink(frame: &mut Frame, target: &mut impl FnMut(&str) -> Option<Location>) {
    if !has_placeholder(frame) {
        return;
    }
    frame.retain(|item| match item {
        FrameItem::Group(group) => {
            relink(&mut group.frame, target);
            true
        }
        FrameItem::Link(dest, _) => match dest {
            Destination::Url(url) => match url.as_str().strip_prefix(PLACEHOLDER) {
                Some(key) => match target(key) {
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

fn has_placeholder(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => has_placeholder(&group.frame),
        FrameItem::Link(Destination::Url(url), _) => url.as_str().starts_with(PLACEHOLDER),
        _ => false,
    })
}
