//! A citation's link to its bibliography entry, and a claim mark's to the
//! claim's entry in the annex, made after layout. The template links each
//! to a placeholder address naming the source or claim; here each
//! placeholder becomes the place of the entry, as Typst's own citations
//! link. Linking to the entry's label in the template instead
//! would make every paragraph with a citation wait for where the entries
//! land: two more rounds of layout, each as long as the first.

use std::collections::HashMap;

use typst::foundations::Label;
use typst::introspection::{Introspector, Location, Tag};
use typst::layout::{Frame, FrameItem};
use typst::model::{Destination, Document, LinkMarker};
use typst::utils::PicoStr;
use typst_layout::{Page, PagedDocument};

/// Each placeholder address (followed by a source's key or a claim's ID)
/// and the label of the entry it stands for (followed by the same).
const PLACEHOLDERS: [(&str, &str); 2] = [
    ("dossier-cite:", "dossier-source-"),
    ("dossier-claim:", "dossier-claim-"),
];

/// The label of the entry a placeholder address stands for.
fn entry(url: &str) -> Option<String> {
    PLACEHOLDERS
        .iter()
        .find_map(|(address, label)| url.strip_prefix(address).map(|key| format!("{label}{key}")))
}

/// The document with every placeholder link pointing at its entry; a
/// placeholder whose entry the template never printed is no link. What a
/// screen reader says of each link (its alternative text, the address by
/// default) is `describe` of the address.
pub fn resolve(
    document: PagedDocument,
    describe: &dyn Fn(&str) -> Option<String>,
) -> PagedDocument {
    let mut targets: HashMap<String, Option<Location>> = HashMap::new();
    for page in document.pages() {
        placeholders(&page.frame, &mut |url| {
            if !targets.contains_key(url) {
                targets.insert(url.to_string(), None);
            }
        });
    }
    if targets.is_empty() {
        return document;
    }
    let introspector = document.introspector();
    for (url, target) in targets.iter_mut() {
        *target = entry(url)
            .and_then(|entry| Label::new(PicoStr::intern(&entry)))
            .and_then(|label| introspector.query_label(label).ok()?.location());
    }
    // The pages are changed in place once the document that shares them is
    // gone: a frame shared would be copied, and a large document's pages
    // held twice.
    let info = document.info().clone();
    let mut pages: Vec<Page> = document.pages().to_vec();
    drop(document);
    let alts: HashMap<&str, Option<String>> = targets
        .keys()
        .map(|url| (url.as_str(), describe(url)))
        .collect();
    for page in &mut pages {
        relink(&mut page.frame, &targets, &alts);
    }
    PagedDocument::new(pages.into(), info)
}

fn relink(
    frame: &mut Frame,
    targets: &HashMap<String, Option<Location>>,
    alts: &HashMap<&str, Option<String>>,
) {
    if !has_placeholder(frame) {
        return;
    }
    frame.retain(|item| match item {
        FrameItem::Group(group) => {
            relink(&mut group.frame, targets, alts);
            true
        }
        FrameItem::Tag(Tag::Start(content, _)) => {
            // Looked at first, and changed (a copy of the element) only
            // when it is a placeholder's.
            let alt = content
                .to_packed::<LinkMarker>()
                .and_then(|marker| alts.get(marker.alt.as_deref()?))
                .cloned()
                .flatten();
            if let (Some(alt), Some(marker)) = (alt, content.to_packed_mut::<LinkMarker>()) {
                marker.alt = Some(alt.into());
            }
            true
        }
        FrameItem::Link(dest, _) => match dest {
            Destination::Url(url) => match targets.get(url.as_str()) {
                Some(Some(location)) => {
                    *dest = Destination::Location(*location);
                    true
                }
                Some(None) => false,
                None => true,
            },
            _ => true,
        },
        _ => true,
    });
}

/// Calls `found` with the address of each placeholder link in `frame`.
fn placeholders(frame: &Frame, found: &mut impl FnMut(&str)) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => placeholders(&group.frame, found),
            FrameItem::Link(Destination::Url(url), _) if is_placeholder(url) => found(url),
            _ => {}
        }
    }
}

fn is_placeholder(url: &str) -> bool {
    PLACEHOLDERS
        .iter()
        .any(|(address, _)| url.starts_with(address))
}

fn has_placeholder(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => has_placeholder(&group.frame),
        FrameItem::Link(Destination::Url(url), _) => is_placeholder(url),
        _ => false,
    })
}
