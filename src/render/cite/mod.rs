//! Every citation and the bibliography of a build, formatted once, here,
//! with hayagriva — as Typst would format them, in document order — and
//! handed to the template as data. Typst then only prints text: no `cite`
//! element is left for it to resolve again in each layout iteration, which
//! made the cost of a build grow faster than its citations.
//!
//! hayagriva takes about a millisecond for each citation, so a citation is
//! asked once for each context that can change its text (see [`ask`]), not
//! once for each time the document prints it.
//!
//! - `parts`: a planned group as the citations Typst would have made;
//! - `ask`: which citations to ask hayagriva, and in which contexts;
//! - `locales`: the few locales a build reads;
//! - `runs`: hayagriva's output as runs of text the template prints.

mod ask;
mod locales;
mod parts;
mod runs;

use ask::{ask, positional, reads_citation_numbers};
use locales::locales_for;
use parts::parts;
use runs::{Runs, strip};

use std::collections::HashMap;
use std::sync::Arc;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{
    self, FontStyle, FontVariant, FontWeight, IndependentStyle, LocaleCode, StyleClass,
    TextDecoration, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta, Formatting, LocatorPayload, SpecificLocator, TransparentLocator,
};
use serde_json::{Map, Value, json};

use super::packages::Later;
use super::plan::{GroupPlan, Pair};
use super::style::Shape;

/// How a citation names its works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// The style's citation: "(Author 2020, 4)".
    Normal,
    /// The author in the text: "Author (2020, 4)".
    Prose,
    /// The date alone.
    Year,
    /// Not printed, only listed in the bibliography.
    Hidden,
    /// The author alone: in a note style, the name in the text before the
    /// note that cites the work.
    Author,
}

impl Form {
    fn of(planned: &str) -> Form {
        match planned {
            "year" => Form::Year,
            "prose" => Form::Prose,
            _ => Form::Normal,
        }
    }
}

/// One cited work in a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Item {
    key: String,
    supplement: Option<String>,
    form: Form,
}

/// What Typst would have sent hayagriva as one citation: adjacent cites.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Request {
    items: Vec<Item>,
    /// Printed without the style's brackets, so several share one pair.
    bare: bool,
}

/// A part of a printed citation group.
#[derive(Debug)]
enum Part {
    Text(String),
    Cite(Request),
    /// A work's author alone, asked apart from the citations so it does
    /// not count as one (the note after it is the first citation).
    Author(String),
}

/// What the template needs to print every citation.
#[derive(Debug, Clone)]
pub struct Printed {
    /// Per citation group of the report, each time the document prints it
    /// (a footnote referred to twice prints its groups twice): `unknown`
    /// IDs (draft markers) and `parts`, each a string, the index of a
    /// citation in `cites`, or `{a: index}`, an author named in the text.
    pub groups: Vec<Vec<Value>>,
    /// Each distinct printed citation: `note` (set as a footnote) and `body`.
    pub cites: Vec<Value>,
    /// A source's citation without brackets, by key, for the annex.
    pub names: Map<String, Value>,
}

/// Everything a build cites, to be formatted.
pub struct Input<'a> {
    /// The planned groups of the report, by index.
    pub plans: &'a [GroupPlan],
    /// The group indices in the order the document prints them, a group
    /// printed twice twice.
    pub order: &'a [usize],
    /// Keys listed without being cited, in order.
    pub nocite: &'a [String],
    /// Sources whose bare citation the annex may print.
    pub names: &'a [&'a str],
    /// The hayagriva YAML of the cited sources (what Typst would read).
    pub bibliography: &'a str,
    /// The style and its shape.
    pub style: &'a IndependentStyle,
    pub shape: &'a Shape,
    /// Language and region of the document, as Typst names them.
    pub lang: &'a str,
    pub region: Option<&'a str>,
}

/// Formats every citation, and the bibliography `later`, as JSON:
/// `hanging`, `prefixed` and `entries` (`key`, `prefix`, `body`).
///
/// The bibliography of most styles costs more than all their citations
/// (each entry runs the style's whole bibliography layout, and sorting
/// runs its sort macros for each comparison), and Typst needs it last: it
/// is formatted on another thread while the pages before it are laid out.
/// The citations are formatted here without it, which changes nothing
/// unless a citation reads the number the bibliography's order gives its
/// work; such a style formats both here.
pub fn print(input: &Input<'_>) -> Result<(Printed, Later), String> {
    let library = {
        let _scope = typst_timing::TimingScope::new("dossier: read the bibliography back");
        hayagriva::io::from_yaml_str(input.bibliography)
    }
    .map_err(|e| format!("the bibliography of this build cannot be read back ({e})"))?;
    let library = Arc::new(library);
    let locale = LocaleCode(match input.region {
        Some(region) => format!("{}-{region}", input.lang),
        None => input.lang.to_string(),
    });

    // The requests in document order: the groups, then the sources listed
    // without citation (where the bibliography stands), then the annex.
    let planned: Vec<(usize, Vec<Part>)> = input
        .order
        .iter()
        .map(|&g| (g, parts(&input.plans[g], input.shape)))
        .collect();
    let mut sequence: Vec<&Request> = Vec::new();
    for (_, parts) in &planned {
        for part in parts {
            if let Part::Cite(request) = part {
                sequence.push(request);
            }
        }
    }
    let nocite = Request {
        items: input
            .nocite
            .iter()
            .map(|key| Item {
                key: key.clone(),
                supplement: None,
                form: Form::Hidden,
            })
            .collect(),
        bare: false,
    };
    if !nocite.items.is_empty() {
        sequence.push(&nocite);
    }
    let names: Vec<(&str, Request)> = input
        .names
        .iter()
        .map(|key| {
            let request = Request {
                items: vec![Item {
                    key: key.to_string(),
                    supplement: None,
                    form: Form::Normal,
                }],
                bare: true,
            };
            (*key, request)
        })
        .collect();
    sequence.extend(names.iter().map(|(_, r)| r));

    let asked = ask(&sequence, positional(input.style));
    let _scope = typst_timing::TimingScope::new("dossier: hayagriva");
    let locales = locales_for(&locale);
    // Both threads format every citation, so the split pays only where the
    // pages before the list are long enough to hide it: more citations
    // printed than works listed (not a short report listing a library
    // through `nocite`).
    let printed = sequence.len() - usize::from(!nocite.items.is_empty()) - names.len();
    let listed: std::collections::HashSet<&str> = sequence
        .iter()
        .flat_map(|r| r.items.iter().map(|i| i.key.as_str()))
        .collect();
    let alone = input
        .style
        .bibliography
        .as_ref()
        .filter(|_| printed >= listed.len() && !reads_citation_numbers(input.style))
        .map(|_| IndependentStyle {
            bibliography: None,
            ..input.style.clone()
        });
    let citation_style = alone.as_ref().unwrap_or(input.style);
    let (citations, later) = match &alone {
        Some(alone) => {
            let later = {
                let requests: Vec<Request> = asked.requests.iter().map(|&r| r.clone()).collect();
                let (library, style, locale, locales) = (
                    library.clone(),
                    input.style.clone(),
                    locale.clone(),
                    locales.clone(),
                );
                Later::spawn(move || {
                    let requests: Vec<&Request> = requests.iter().collect();
                    let rendered = format(&requests, &library, &style, &locale, &locales)?;
                    let bibliography = bibliography(rendered.bibliography.as_ref(), &library)?;
                    Ok(typst::foundations::Bytes::from_string(
                        bibliography.to_string(),
                    ))
                })
            };
            let rendered = format(&asked.requests, &library, alone, &locale, &locales)?;
            (rendered.citations, later)
        }
        None => {
            let rendered = format(&asked.requests, &library, input.style, &locale, &locales)?;
            let bibliography = bibliography(rendered.bibliography.as_ref(), &library)
                .map(|b| typst::foundations::Bytes::from_string(b.to_string()));
            (rendered.citations, Later::ready(bibliography))
        }
    };
    let answer_of = asked.answer_of;
    // Authors printed in the text, asked apart: as citations they would
    // make the note after them a later one.
    let mut author_keys: Vec<&str> = Vec::new();
    for (_, parts) in &planned {
        for part in parts {
            if let Part::Author(key) = part
                && !author_keys.contains(&key.as_str())
            {
                author_keys.push(key);
            }
        }
    }
    let author_requests: Vec<Request> = author_keys
        .iter()
        .map(|key| Request {
            items: vec![Item {
                key: key.to_string(),
                supplement: None,
                form: Form::Author,
            }],
            bare: true,
        })
        .collect();
    let authors = if author_requests.is_empty() {
        Vec::new()
    } else {
        let requests: Vec<&Request> = author_requests.iter().collect();
        format(&requests, &library, citation_style, &locale, &locales)?.citations
    };
    drop(_scope);

    // Each printed citation once in the table.
    let note = input.style.settings.class == StyleClass::Note;
    let mut cites: Vec<Value> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut cite_of: Vec<usize> = Vec::with_capacity(sequence.len());
    for (request, &answer) in sequence.iter().zip(&answer_of) {
        let hidden = request.items.iter().all(|i| i.form == Form::Hidden);
        let body = if hidden {
            Vec::new()
        } else {
            let mut body = Runs::citation(request, &citations[answer].citation);
            if request.bare {
                strip(&mut body, &input.shape.open, &input.shape.close);
            }
            body
        };
        let footnote = note
            && !hidden
            && request
                .items
                .iter()
                .all(|i| matches!(i.form, Form::Normal | Form::Hidden));
        // In a footnote's text, a note's citation is part of the sentence:
        // without the style's closing period.
        let value = if footnote {
            let mut inline = body.clone();
            strip(&mut inline, &input.shape.open, &input.shape.close);
            // A note is set in the direction of its own first letter.
            let rtl = body.iter().find_map(crate::render::bidi::runs_first_strong);
            json!({ "note": footnote, "body": body, "inline": inline, "rtl": rtl })
        } else {
            json!({ "note": footnote, "body": body })
        };
        let text = value.to_string();
        let index = *index_of.entry(text).or_insert_with(|| {
            cites.push(value);
            cites.len() - 1
        });
        cite_of.push(index);
    }

    let mut author_cite: HashMap<&str, usize> = HashMap::new();
    for ((key, request), rendered) in author_keys.iter().zip(&author_requests).zip(&authors) {
        let mut body = Runs::citation(request, &rendered.citation);
        strip(&mut body, &input.shape.open, &input.shape.close);
        let value = json!({ "note": false, "body": body });
        let index = *index_of.entry(value.to_string()).or_insert_with(|| {
            cites.push(value);
            cites.len() - 1
        });
        author_cite.insert(key, index);
    }

    let mut groups = vec![Vec::new(); input.plans.len()];
    let mut next = cite_of.iter();
    for (g, parts) in &planned {
        let printed: Vec<Value> = parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => Value::String(text.clone()),
                Part::Cite(_) => json!(next.next().copied().unwrap_or_default()),
                Part::Author(key) => {
                    json!({ "a": author_cite.get(key.as_str()).copied().unwrap_or_default() })
                }
            })
            .collect();
        groups[*g].push(json!({ "unknown": input.plans[*g].unknown, "parts": printed }));
    }
    // The nocite request prints nothing.
    if !nocite.items.is_empty() {
        next.next();
    }
    let mut names_out = Map::new();
    for ((key, _), cite) in names.iter().zip(next) {
        names_out.insert(key.to_string(), cites[*cite]["body"].clone());
    }

    Ok((
        Printed {
            groups,
            cites,
            names: names_out,
        },
        later,
    ))
}

/// Every request, in order, formatted in one run of hayagriva.
fn format(
    requests: &[&Request],
    library: &hayagriva::Library,
    style: &IndependentStyle,
    locale: &LocaleCode,
    locales: &[citationberg::Locale],
) -> Result<hayagriva::Rendered, String> {
    let mut driver = BibliographyDriver::new();
    for request in requests {
        driver.citation(citation(request, library, style, locale, locales)?);
    }
    Ok(driver.finish(BibliographyRequest {
        style,
        locale: Some(locale.clone()),
        locale_files: locales,
    }))
}

/// The bibliography as the template prints it.
fn bibliography(
    rendered: Option<&hayagriva::RenderedBibliography>,
    library: &hayagriva::Library,
) -> Result<Value, String> {
    match rendered {
        Some(bibliography) => {
            let entries: Vec<Value> = bibliography
                .items
                .iter()
                .map(|item| {
                    let (prefix, body) = Runs::entry(item.first_field.as_ref(), &item.content);
                    // Set in the direction of its own first letter.
                    let rtl =
                        body.iter().find_map(crate::render::bidi::runs_first_strong) == Some(true);
                    json!({ "key": item.key, "prefix": prefix, "body": body, "rtl": rtl })
                })
                .collect();
            let prefixed = entries.iter().any(|e| !e["prefix"].is_null());
            Ok(json!({
                "hanging": bibliography.hanging_indent,
                "prefixed": prefixed,
                "entries": entries,
            }))
        }
        None if library.is_empty() => {
            Ok(json!({ "hanging": false, "prefixed": false, "entries": [] }))
        }
        None => Err("the citation style has no bibliography layout".into()),
    }
}

/// A request as hayagriva takes it, as Typst would make it: the supplement
/// is a locator printed as written.
fn citation<'a>(
    request: &'a Request,
    library: &'a hayagriva::Library,
    style: &'a IndependentStyle,
    locale: &LocaleCode,
    locales: &'a [citationberg::Locale],
) -> Result<CitationRequest<'a, hayagriva::Entry>, String> {
    let mut items = Vec::with_capacity(request.items.len());
    for item in &request.items {
        let entry = library
            .get(&item.key)
            .ok_or_else(|| format!("the source `{}` is not in the bibliography", item.key))?;
        let locator = item.supplement.as_ref().map(|s| {
            SpecificLocator(
                Locator::Custom,
                LocatorPayload::Transparent(TransparentLocator::new(s.clone())),
            )
        });
        let (hidden, purpose) = match item.form {
            Form::Normal => (false, None),
            Form::Prose => (false, Some(CitePurpose::Prose)),
            Form::Year => (false, Some(CitePurpose::Year)),
            Form::Hidden => (true, None),
            Form::Author => (false, Some(CitePurpose::Author)),
        };
        items.push(CitationItem::new(entry, locator, None, hidden, purpose));
    }
    Ok(CitationRequest::new(
        items,
        style,
        Some(locale.clone()),
        locales,
        None,
    ))
}
