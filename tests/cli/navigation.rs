//! Moving through a dossier: a claim's citation leads to its entry in the
//! claims annex, the entry back to each page that cites it, and the
//! bookmarks cover the sections, the sources and the annex.

use std::collections::BTreeMap;

use lopdf::{Document, Object};

use super::support::{Project, normalise, pdf_text};

const REGISTRY: &str = r#"
[sources.focus]
title = "A massacre gone unpunished"
type = "article"
date = "2010"
authors = [{ org = "Iran Focus" }]

[sources.diplomat]
title = "The Forgotten Mass Execution"
type = "article"
date = "2013"
authors = ["Stevenson, Struan"]

[claims.toll-1988]
statement = "Around 30,000 political prisoners were executed in 1988."
evidence = [{ source = "focus", locator = "para. 4" }]

[claims.fatwa-1988]
statement = "Khomeini issued a fatwa ordering the executions."
evidence = [{ source = "diplomat", locator = "para. 3" }]
"#;

/// Each link annotation of `pdf`: the page it stands on and where it
/// leads (a page number, or the URI it opens), all pages counted from 1.
fn links(pdf: &[u8]) -> Vec<(u32, Result<u32, String>)> {
    let document = Document::load_mem(pdf).unwrap();
    let pages: BTreeMap<u32, lopdf::ObjectId> = document.get_pages();
    let number = |id: lopdf::ObjectId| pages.iter().find(|(_, p)| **p == id).map(|(n, _)| *n);
    let resolve = |object: &Object| -> Object {
        match object.as_reference() {
            Ok(id) => document.get_object(id).unwrap().clone(),
            Err(_) => object.clone(),
        }
    };
    let mut found = Vec::new();
    for (page, id) in &pages {
        let page_dict = document.get_dictionary(*id).unwrap();
        let Ok(annots) = page_dict.get(b"Annots") else {
            continue;
        };
        for annot in resolve(annots).as_array().unwrap() {
            let annot = resolve(annot);
            let annot = annot.as_dict().unwrap();
            if annot.get(b"Subtype").unwrap().as_name().unwrap() != b"Link" {
                continue;
            }
            let target = if let Ok(dest) = annot.get(b"Dest") {
                let dest = resolve(dest);
                let first = dest.as_array().unwrap()[0].as_reference().unwrap();
                Ok(number(first).unwrap())
            } else {
                let action = resolve(annot.get(b"A").unwrap());
                let uri = action
                    .as_dict()
                    .unwrap()
                    .get(b"URI")
                    .unwrap()
                    .as_str()
                    .unwrap();
                Err(String::from_utf8_lossy(uri).into_owned())
            };
            found.push((*page, target));
        }
    }
    found
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_claims_citation_leads_to_its_annex_entry_and_the_entry_back() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    // The fatwa is cited on the first page of text and again after a page
    // of filler; the toll on the first only.
    let filler = "Words that fill the page to push the next citation on. ".repeat(60);
    project.write(
        "report.md",
        &format!(
            "---\ntitle: Navigation\ntemplate: dossier\n---\n\n## Events [@toll-1988]\n\n\
             About 30,000 were executed [@toll-1988; @fatwa-1988].\n\n{filler}\n\n{filler}\n\n\
             ## Orders\n\nThe order came in July [@fatwa-1988].\n"
        ),
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let pdf = project.read("out.pdf").unwrap();
    let text = pdf_text(&pdf);
    let pages: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .unwrap()
        .iter()
        .map(|p| normalise(p))
        .collect();
    let page_of = |needle: &str| {
        pages
            .iter()
            .position(|p| p.contains(needle))
            .map(|i| i as u32 + 1)
            .unwrap_or_else(|| panic!("`{needle}` in {text}"))
    };
    let annex = page_of("C1 · toll-1988");
    let first = page_of("About 30,000");
    let second = page_of("The order came");
    assert!(second > first, "{first} {second}");

    // No placeholder is left as an address, and the links from the pages
    // of text lead to the sources and the annex.
    let links = links(&pdf);
    assert!(
        links.iter().all(|(_, to)| to.is_ok()),
        "a link opens an address: {links:?}"
    );
    for page in [first, second] {
        assert!(
            links.iter().any(|(on, to)| *on == page && to == &Ok(annex)),
            "no link from page {page} to the annex on {annex}: {links:?}"
        );
    }
    // A screen reader reads each link as what it leads to (the source's
    // title, the claim's statement), not as an internal address.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(!raw.contains("(dossier-cite:") && !raw.contains("(dossier-claim:"));
    assert!(raw.contains("/Contents(Around 30,000 political prisoners were executed in 1988.)"));
    // The marks, numbered as the annex numbers its entries.
    let flat_text = flat(&text);
    assert!(flat_text.contains("C1 · toll-1988"), "{flat_text}");
    assert!(flat_text.contains("C2 · fatwa-1988"), "{flat_text}");

    // The annex lists the pages that cite each claim, each a link back.
    // The page labels count from the first page after the cover.
    let label = |page: u32| page - 1;
    let annex_text = &pages[annex as usize - 1];
    assert!(
        annex_text.contains(&format!("Cited on p. {}", label(first))),
        "{annex_text}"
    );
    assert!(
        annex_text.contains(&format!("Cited on p. {}, {}", label(first), label(second))),
        "{annex_text}"
    );
    for page in [first, second] {
        assert!(
            links.iter().any(|(on, to)| *on >= annex && to == &Ok(page)),
            "no link back to page {page}: {links:?}"
        );
    }

    // The bookmarks: each section, the sources and the annex.
    let toc = Document::load_mem(&pdf).unwrap().get_toc().unwrap();
    let titles: Vec<&str> = toc.toc.iter().map(|t| t.title.as_str()).collect();
    for title in ["Events", "Orders", "Sources", "Claims and evidence"] {
        assert!(
            titles.iter().any(|t| t.contains(title)),
            "{title} in {titles:?}"
        );
    }
    // A heading's citation is printed in the heading, not in the contents
    // or the bookmarks, and the contents page does not count as citing it.
    assert!(
        titles
            .iter()
            .all(|t| !t.contains('(') && !t.contains("C1") && *t == t.trim_end()),
        "{titles:?}"
    );
    let contents = &pages[page_of("Contents") as usize - 1];
    assert!(!contents.contains("Iran Focus"), "{contents}");
}

#[test]
fn a_briefing_has_no_annex_and_no_marks() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    project.write(
        "report.md",
        "---\ntitle: Briefing\n---\nAbout 30,000 were executed [@toll-1988].\n",
    );
    project
        .run(&["build", "report.md", "-o", "out.pdf"])
        .expect(0);
    let pdf = project.read("out.pdf").unwrap();
    let text = flat(&pdf_text(&pdf));
    assert!(text.contains("(Iran Focus 2010, para. 4)."), "{text}");
    assert!(!text.contains("C1"), "{text}");
    assert!(links(&pdf).iter().all(|(_, to)| to.is_ok()));
}

#[test]
fn a_heading_of_a_citation_alone_keeps_it_and_builds() {
    let project = Project::new();
    project.write("sources.toml", REGISTRY);
    // PDF/UA needs a title for each heading: one made of a citation keeps
    // it in the contents and bookmarks. A note in a heading after text is
    // left out of the contents, as a citation is.
    project.write(
        "report.md",
        "---\ntitle: Headings\ntemplate: dossier\n---\n\n## [@toll-1988]\n\nText.\n\n\
         ## Orders[^n]\n\nMore.[^b]\n\n[^n]: A heading's note.\n\n[^b]: A body note.\n",
    );
    for style in ["chicago-author-date", "chicago-notes"] {
        project
            .run(&["build", "report.md", "-o", "out.pdf", "--style", style])
            .expect(0);
        let pdf = project.read("out.pdf").unwrap();
        let titles: Vec<String> = Document::load_mem(&pdf)
            .unwrap()
            .get_toc()
            .unwrap()
            .toc
            .into_iter()
            .map(|t| t.title)
            .collect();
        assert!(
            titles.iter().any(|t| t.contains("Iran Focus")),
            "{titles:?}"
        );
        assert!(titles.iter().any(|t| t.ends_with("Orders")), "{titles:?}");
        let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
        let contents = normalise(&pages[1]);
        assert!(!contents.contains("A heading's note"), "{contents}");
    }
}
