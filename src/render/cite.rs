//! Every citation and the bibliography of a build, formatted once, here,
//! with hayagriva — as Typst would format them, in document order — and
//! handed to the template as data. Typst then only prints text: no `cite`
//! element is left for it to resolve again in each layout iteration, which
//! made the cost of a build grow faster than its citations.
//!
//! hayagriva takes about a millisecond for each citation, so a citation is
//! asked once for each context that can change its text (see [`ask`]), not
//! once for each time the document prints it.

use std::collections::HashMap;

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

/// The parts a planned group prints, as `cite-group` in the template printed
/// them when Typst formatted the citations.
fn parts(plan: &GroupPlan, shape: &Shape) -> Vec<Part> {
    let mut parts = Vec::new();
    let text = |parts: &mut Vec<Part>, s: &str| {
        if !s.is_empty() {
            parts.push(Part::Text(s.to_string()));
        }
    };
    let single = |Pair(key, supplement): &Pair, form: Form, bare: bool| {
        Part::Cite(Request {
            items: vec![Item {
                key: key.clone(),
                supplement: if form == Form::Year {
                    None
                } else {
                    supplement.clone()
                },
                form,
            }],
            bare,
        })
    };
    // A space the template wrote in markup, which a footnote's mark
    // swallows; text in other strings keeps its spaces.
    let space = |parts: &mut Vec<Part>| parts.push(Part::Text(" ".into()));
    // Typst drops the supplement of a year-only citation: it follows.
    let years = |parts: &mut Vec<Part>, pairs: &[Pair], delimiter: Option<&str>| {
        for (i, pair) in pairs.iter().enumerate() {
            if i > 0 {
                match delimiter {
                    Some(delimiter) => text(parts, delimiter),
                    None => {
                        text(parts, ";");
                        space(parts);
                    }
                }
            }
            parts.push(single(pair, Form::Year, false));
            if let Some(supplement) = &pair.1 {
                text(parts, ",");
                space(parts);
                text(parts, supplement);
            }
        }
    };
    if plan.mode == "bracketed" {
        text(&mut parts, &shape.open);
        for (j, segment) in plan.segments.iter().enumerate() {
            if j > 0 {
                text(&mut parts, &shape.delimiter);
            }
            if let Some(prefix) = &segment.prefix {
                text(&mut parts, prefix);
                space(&mut parts);
            }
            if segment.form == "year" && !(shape.numeric || shape.note) {
                years(&mut parts, &segment.pairs, Some(&shape.delimiter));
            } else {
                for (k, pair) in segment.pairs.iter().enumerate() {
                    if k > 0 {
                        text(&mut parts, &shape.delimiter);
                    }
                    parts.push(single(pair, Form::Normal, true));
                }
            }
        }
        text(&mut parts, &shape.close);
        return parts;
    }
    for (i, segment) in plan.segments.iter().enumerate() {
        if i > 0 && segment.prefix.is_some() {
            text(&mut parts, ";");
            space(&mut parts);
        }
        if let Some(prefix) = &segment.prefix {
            text(&mut parts, prefix);
            space(&mut parts);
        }
        // A numeric style names no author, and a note style names it in
        // the note, so leaving the author out (`[-@a]`) leaves the citation
        // as it is, as Pandoc prints it.
        if segment.form == "year" && !(shape.numeric || shape.note) {
            text(&mut parts, "(");
            years(&mut parts, &segment.pairs, None);
            text(&mut parts, ")");
            continue;
        }
        let form = match segment.form {
            "year" => Form::Normal,
            other => Form::of(other),
        };
        // A note style prints the author in the text and the citation in a
        // note after it ("Brown¹ says"), as Pandoc does.
        if shape.note && form == Form::Prose {
            for (k, pair) in segment.pairs.iter().enumerate() {
                if k > 0 {
                    text(&mut parts, ", ");
                }
                parts.push(Part::Author(pair.0.clone()));
            }
            parts.push(Part::Cite(Request {
                items: segment
                    .pairs
                    .iter()
                    .map(|pair| Item {
                        key: pair.0.clone(),
                        supplement: pair.1.clone(),
                        form: Form::Normal,
                    })
                    .collect(),
                bare: false,
            }));
            continue;
        }
        for pair in &segment.pairs {
            let item = Item {
                key: pair.0.clone(),
                supplement: pair.1.clone(),
                form,
            };
            // Typst makes one citation of cites with nothing between them.
            match parts.last_mut() {
                Some(Part::Cite(request)) if !request.bare => request.items.push(item),
                _ => parts.push(Part::Cite(Request {
                    items: vec![item],
                    bare: false,
                })),
            }
        }
    }
    parts
}

/// What the template needs to print every citation and the bibliography.
#[derive(Debug, Clone)]
pub struct Printed {
    /// Per citation group of the report, each time the document prints it
    /// (a footnote referred to twice prints its groups twice): `unknown`
    /// IDs (draft markers) and `parts`, each a string, the index of a
    /// citation in `cites`, or `{a: index}`, an author named in the text.
    pub groups: Vec<Vec<Value>>,
    /// Each distinct printed citation: `note` (set as a footnote) and `body`.
    pub cites: Vec<Value>,
    /// `hanging`, `prefixed` and `entries` (`key`, `prefix`, `body`).
    pub bibliography: Value,
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

/// Formats every citation and the bibliography.
pub fn print(input: &Input<'_>) -> Result<Printed, String> {
    let library = {
        let _scope = typst_timing::TimingScope::new("dossier: read the bibliography back");
        hayagriva::io::from_yaml_str(input.bibliography)
    }
    .map_err(|e| format!("the bibliography of this build cannot be read back ({e})"))?;
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
    let mut driver = BibliographyDriver::new();
    for request in &asked.requests {
        driver.citation(citation(request, &library, input.style, &locale, &locales)?);
    }
    let rendered = driver.finish(BibliographyRequest {
        style: input.style,
        locale: Some(locale.clone()),
        locale_files: &locales,
    });
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
        let mut driver = BibliographyDriver::new();
        for request in &author_requests {
            driver.citation(citation(request, &library, input.style, &locale, &locales)?);
        }
        driver
            .finish(BibliographyRequest {
                style: input.style,
                locale: Some(locale.clone()),
                locale_files: &locales,
            })
            .citations
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
            let mut body = Runs::citation(request, &rendered.citations[answer].citation);
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
            json!({ "note": footnote, "body": body, "inline": inline })
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

    let bibliography = match &rendered.bibliography {
        Some(bibliography) => {
            let entries: Vec<Value> = bibliography
                .items
                .iter()
                .map(|item| {
                    let (prefix, body) = Runs::entry(item.first_field.as_ref(), &item.content);
                    json!({ "key": item.key, "prefix": prefix, "body": body })
                })
                .collect();
            let prefixed = entries.iter().any(|e| !e["prefix"].is_null());
            json!({
                "hanging": bibliography.hanging_indent,
                "prefixed": prefixed,
                "entries": entries,
            })
        }
        None if library.is_empty() => json!({ "hanging": false, "prefixed": false, "entries": [] }),
        None => return Err("the citation style has no bibliography layout".into()),
    };
    Ok(Printed {
        groups,
        cites,
        bibliography,
        names: names_out,
    })
}

/// hayagriva's locales, by language, each still CBOR as the archive holds
/// it: reading all 64 takes longer than formatting a thousand citations,
/// and a build needs at most three.
static LOCALE_INDEX: std::sync::LazyLock<Vec<(Option<LocaleCode>, &'static [u8])>> =
    std::sync::LazyLock::new(|| {
        #[derive(serde::Deserialize)]
        struct Lang {
            #[serde(rename = "@xml:lang")]
            lang: Option<LocaleCode>,
        }
        hayagriva::archive::LOCALES
            .iter()
            .map(|bytes| {
                let lang = ciborium::de::from_reader::<Lang, _>(*bytes)
                    .ok()
                    .and_then(|l| l.lang);
                (lang, *bytes)
            })
            .collect()
    });

/// The locales hayagriva can read for `locale`: its own, the one it falls
/// back to, and American English, the last resort. hayagriva looks a term up
/// in no other, and searches the list each time it looks one up.
fn locales_for(locale: &LocaleCode) -> Vec<citationberg::Locale> {
    let mut wanted: Vec<LocaleCode> = Vec::with_capacity(3);
    for code in [
        Some(locale.clone()),
        locale.fallback(),
        Some(LocaleCode::en_us()),
    ]
    .into_iter()
    .flatten()
    {
        if !wanted.contains(&code) {
            wanted.push(code);
        }
    }
    wanted
        .iter()
        .filter_map(|code| {
            let (_, bytes) = LOCALE_INDEX
                .iter()
                .find(|(lang, _)| lang.as_ref() == Some(code))?;
            ciborium::de::from_reader(*bytes).ok()
        })
        .collect()
}

/// The requests to send hayagriva for a document's citations, and for each
/// of them the request whose answer it takes.
struct Asked<'r> {
    requests: Vec<&'r Request>,
    answer_of: Vec<usize>,
}

/// Each citation is asked once per context that can change its text.
/// hayagriva prints an item by its position: whether its work was cited
/// before (first or subsequent), and whether the item before it, the last
/// of the previous citation, is the same work (ibid., with or without a
/// locator); notes carry no number, so no item is near another. A citation
/// is therefore asked again only with another mask of first items, or after
/// another citation that shares a work with it; it is asked after the
/// citation that precedes it in the document, or, where none of its works
/// precedes it, after any citation that shares no work with it, so both
/// contexts match.
/// Numbers, year suffixes and added names are the same for a work wherever
/// it stands, and the order in which works are first cited is kept.
///
/// A style whose citations never look at their position (most author-date
/// and numeric styles; see [`positional`]) prints a citation alike wherever
/// it stands, so each is asked once.
fn ask<'r>(sequence: &[&'r Request], positional: bool) -> Asked<'r> {
    type Key<'r> = (&'r [Item], Vec<bool>, Option<&'r [Item]>);
    let mut requests: Vec<&'r Request> = Vec::new();
    let mut answer_of = Vec::with_capacity(sequence.len());
    let mut known: HashMap<Key<'r>, usize> = HashMap::new();
    let mut cited: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (p, &request) in sequence.iter().enumerate() {
        let first: Vec<bool> = request
            .items
            .iter()
            .map(|item| cited.insert(item.key.as_str()) && positional)
            .collect();
        let previous = p.checked_sub(1).map(|q| sequence[q]);
        let shares = |other: &Request| {
            other
                .items
                .iter()
                .any(|a| request.items.iter().any(|b| a.key == b.key))
        };
        let context = previous
            .filter(|q| positional && shares(q))
            .map(|q| q.items.as_slice());
        let key = (request.items.as_slice(), first, context);
        let answer = match known.get(&key) {
            Some(&answer) => answer,
            None => {
                // The citation asked before it must stand in for the one
                // that precedes it: the same one where they share a work,
                // else any that shares none.
                let stands_in = match (requests.last(), previous) {
                    _ if !positional => true,
                    (_, None) => true,
                    (Some(last), Some(previous)) if context.is_some() => {
                        last.items == previous.items
                    }
                    (Some(last), Some(_)) => !shares(last),
                    (None, Some(_)) => false,
                };
                if !stands_in && let Some(previous) = previous {
                    requests.push(previous);
                }
                requests.push(request);
                known.insert(key, requests.len() - 1);
                requests.len() - 1
            }
        };
        answer_of.push(answer);
    }
    Asked {
        requests,
        answer_of,
    }
}

/// Whether a citation's text can depend on where it stands: on whether its
/// works were cited before, or on the citation before it. hayagriva reads
/// position in two places: `position` conditions (first, subsequent, ibid.,
/// ibid. with locator, near note) and the `et-al-subsequent-*` name options;
/// the `first-reference-note-number` variable depends on it too. A style
/// that uses none of them anywhere prints a citation alike wherever it
/// stands. Anything unreadable counts as positional.
fn positional(style: &IndependentStyle) -> bool {
    fn uses(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(key, value)| {
                let positional = key == "@position" || key.starts_with("@et-al-subsequent");
                (positional && !value.is_null()) || uses(value)
            }),
            Value::Array(values) => values.iter().any(uses),
            Value::String(text) => text == "first-reference-note-number",
            _ => false,
        }
    }
    [
        serde_json::to_value(&style.settings),
        serde_json::to_value(&style.citation),
        serde_json::to_value(&style.macros),
    ]
    .iter()
    .any(|value| value.as_ref().map_or(true, uses))
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

/// Drops the style's brackets around a citation printed on its own.
fn strip(body: &mut Vec<Value>, open: &str, close: &str) {
    if !open.is_empty()
        && let Some(first) = body.first_mut()
        && let Some(text) = run_text(first)
        && let Some(rest) = text.strip_prefix(open)
    {
        let rest = rest.to_string();
        set_run_text(first, rest);
    }
    if !close.is_empty()
        && let Some(last) = body.last_mut()
        && let Some(text) = run_text(last)
        && let Some(rest) = text.strip_suffix(close)
    {
        let rest = rest.to_string();
        set_run_text(last, rest);
    }
    body.retain(|run| run_text(run).is_none_or(|t| !t.is_empty()));
}

fn run_text(run: &Value) -> Option<&str> {
    match run {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("t").and_then(Value::as_str),
        _ => None,
    }
}

fn set_run_text(run: &mut Value, text: String) {
    match run {
        Value::String(s) => *s = text,
        Value::Object(o) => {
            o.insert("t".into(), Value::String(text));
        }
        _ => {}
    }
}

/// hayagriva's output as runs the template prints: a string is plain text;
/// `{t, f}` text with formats (`f`, innermost first: `i` emphasis, `b`
/// strong, `l` light, `c` small capitals, `u` underline, `^` superscript,
/// `_` subscript); `{k, b}` a link to the bibliography entry of key `k`;
/// `{u, b}` a link to a URL; `{d, b}` a block (`block` or `indent`).
struct Runs<'a> {
    /// The request whose citation this is, for supplements and links.
    request: Option<&'a Request>,
    /// Formats opened by the marks the registry's rich titles carry.
    marks: Vec<char>,
}

/// The private-use marks of `interop::mapping`: pairs that open and close a
/// format, and the mark that stands for nothing.
const MARKS: [(char, char, char); 5] = [
    ('\u{E000}', '\u{E001}', 'i'),
    ('\u{E002}', '\u{E003}', 'b'),
    ('\u{E004}', '\u{E005}', 'c'),
    ('\u{E006}', '\u{E007}', '^'),
    ('\u{E008}', '\u{E009}', '_'),
];
const NOTHING: char = '\u{E00A}';

impl<'a> Runs<'a> {
    fn citation(request: &'a Request, children: &ElemChildren) -> Vec<Value> {
        let mut runs = Runs {
            request: Some(request),
            marks: Vec::new(),
        };
        let mut out = Vec::new();
        for (i, child) in children.0.iter().enumerate() {
            runs.child(child, &mut out, None, i == 0);
        }
        merge(out)
    }

    fn entry(first: Option<&ElemChild>, children: &ElemChildren) -> (Value, Vec<Value>) {
        let mut runs = Runs {
            request: None,
            marks: Vec::new(),
        };
        let mut prefix: Option<Vec<Value>> = None;
        if let Some(first) = first {
            let mut out = Vec::new();
            runs.child(first, &mut out, None, false);
            prefix = Some(out);
        }
        let mut body = Vec::new();
        for child in &children.0 {
            runs.child(child, &mut body, Some(&mut prefix), false);
        }
        let mut body = merge(body);
        // hayagriva leaves a comma before closing punctuation when a date
        // has no month or day ("Iran Focus,." or "(2010,)"), and a period
        // after a quoted title that already ends in one ("“Corrigendum.”.").
        for run in &mut body {
            if let Some(text) = run_text(run)
                && (text.contains(",.") || text.contains(",)") || text.contains(".”."))
            {
                let fixed = text
                    .replace(",.", ".")
                    .replace(",)", ")")
                    .replace(".”.", ".”");
                set_run_text(run, fixed);
            }
        }
        (
            prefix
                .map(|p| Value::Array(merge(p)))
                .unwrap_or(Value::Null),
            body,
        )
    }

    fn child(
        &mut self,
        child: &ElemChild,
        out: &mut Vec<Value>,
        prefix: Option<&mut Option<Vec<Value>>>,
        trim: bool,
    ) {
        match child {
            ElemChild::Text(formatted) => {
                let text = if trim {
                    formatted.text.trim_start()
                } else {
                    formatted.text.as_str()
                };
                self.text(text, &formatted.formatting, out);
            }
            ElemChild::Elem(elem) => self.elem(elem, out, prefix),
            // Math: hayagriva passes it on for Typst to evaluate; the
            // registry never writes any, so it stays text.
            ElemChild::Markup(markup) => self.text(markup, &Formatting::default(), out),
            ElemChild::Link { text, url } => {
                let mut body = Vec::new();
                self.text(&text.text, &text.formatting, &mut body);
                out.push(json!({ "u": url, "b": merge(body) }));
            }
            ElemChild::Transparent { cite_idx, format } => {
                let supplement = self
                    .request
                    .and_then(|r| r.items.get(*cite_idx))
                    .and_then(|i| i.supplement.as_deref())
                    .unwrap_or_default();
                let formats = formats(format);
                if !supplement.is_empty() {
                    out.push(run(supplement, formats));
                }
            }
        }
    }

    fn elem(
        &mut self,
        elem: &hayagriva::Elem,
        out: &mut Vec<Value>,
        mut prefix: Option<&mut Option<Vec<Value>>>,
    ) {
        use citationberg::Display;
        let block = matches!(elem.display, Some(Display::Block | Display::Indent));
        let mut inner = Vec::new();
        for child in &elem.children.0 {
            let slot = if block { None } else { prefix.as_deref_mut() };
            self.child(child, &mut inner, slot, false);
        }
        let mut inner = merge(inner);
        match elem.display {
            Some(Display::Block) => inner = vec![json!({ "d": "block", "b": inner })],
            Some(Display::Indent) => inner = vec![json!({ "d": "indent", "b": inner })],
            // Only at the top of a bibliography entry: the first column.
            Some(Display::LeftMargin) => {
                if let Some(prefix) = prefix {
                    prefix.get_or_insert_with(Vec::new).extend(inner);
                    return;
                }
            }
            _ => {}
        }
        if let Some(ElemMeta::Entry(i)) = elem.meta
            && let Some(item) = self.request.and_then(|r| r.items.get(i))
        {
            out.push(json!({ "k": item.key, "b": inner }));
        } else {
            out.extend(inner);
        }
    }

    /// Text with hayagriva's formatting, split where the registry's marks
    /// open and close formats of their own.
    fn text(&mut self, text: &str, formatting: &Formatting, out: &mut Vec<Value>) {
        let outer = formats(formatting);
        let mut piece = String::new();
        let flush = |piece: &mut String, marks: &[char], out: &mut Vec<Value>| {
            if !piece.is_empty() {
                let mut f: String = marks.iter().collect();
                f.push_str(&outer);
                out.push(run(piece, f));
                piece.clear();
            }
        };
        for c in text.chars() {
            if c == NOTHING {
                continue;
            }
            if let Some((_, _, f)) = MARKS.iter().find(|(open, _, _)| *open == c) {
                flush(&mut piece, &self.marks, out);
                self.marks.push(*f);
            } else if let Some((_, _, f)) = MARKS.iter().find(|(_, close, _)| *close == c) {
                flush(&mut piece, &self.marks, out);
                if let Some(at) = self.marks.iter().rposition(|m| m == f) {
                    self.marks.remove(at);
                }
            } else {
                piece.push(c);
            }
        }
        flush(&mut piece, &self.marks, out);
    }
}

/// hayagriva's formatting as format letters, in the order Typst applies
/// them (the innermost first).
fn formats(f: &Formatting) -> String {
    let mut out = String::new();
    if f.font_style == FontStyle::Italic {
        out.push('i');
    }
    if f.font_variant == FontVariant::SmallCaps {
        out.push('c');
    }
    match f.font_weight {
        FontWeight::Bold => out.push('b'),
        FontWeight::Light => out.push('l'),
        FontWeight::Normal => {}
    }
    if f.text_decoration == TextDecoration::Underline {
        out.push('u');
    }
    match f.vertical_align {
        VerticalAlign::Sup => out.push('^'),
        VerticalAlign::Sub => out.push('_'),
        VerticalAlign::None | VerticalAlign::Baseline => {}
    }
    out
}

fn run(text: &str, formats: String) -> Value {
    if formats.is_empty() {
        Value::String(text.to_string())
    } else {
        json!({ "t": text, "f": formats })
    }
}

/// Adjacent runs with the same formats joined.
fn merge(runs: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(runs.len());
    for run in runs {
        match (out.last_mut(), &run) {
            (Some(Value::String(last)), Value::String(text)) => last.push_str(text),
            (Some(Value::Object(last)), Value::Object(this))
                if last.contains_key("t")
                    && this.contains_key("t")
                    && last.get("f") == this.get("f") =>
            {
                let joined = format!(
                    "{}{}",
                    last["t"].as_str().unwrap_or_default(),
                    this["t"].as_str().unwrap_or_default()
                );
                last.insert("t".into(), Value::String(joined));
            }
            _ => out.push(run),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::plan::Segment;
    use hayagriva::archive::ArchivedStyle;

    fn shape() -> Shape {
        Shape {
            note: false,
            open: "(".into(),
            close: ")".into(),
            delimiter: "; ".into(),
            numeric: false,
        }
    }

    fn pair(key: &str, supplement: Option<&str>) -> Pair {
        Pair(key.into(), supplement.map(Into::into))
    }

    fn shown(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Author(key) => format!("<author {key}>"),
                Part::Cite(request) => {
                    let items: Vec<String> = request
                        .items
                        .iter()
                        .map(|i| {
                            format!(
                                "{}:{:?}:{}",
                                i.key,
                                i.form,
                                i.supplement.as_deref().unwrap_or("")
                            )
                        })
                        .collect();
                    format!(
                        "<{}{}>",
                        if request.bare { "bare " } else { "" },
                        items.join(" ")
                    )
                }
            })
            .collect()
    }

    #[test]
    fn groups_become_the_citations_typst_would_have_made() {
        let native = GroupPlan {
            unknown: vec![],
            mode: "native",
            segments: vec![
                Segment {
                    prefix: None,
                    form: "normal",
                    pairs: vec![pair("a", Some("p. 2")), pair("b", None)],
                },
                Segment {
                    prefix: Some("see".into()),
                    form: "year",
                    pairs: vec![pair("c", Some("p. 4")), pair("d", None)],
                },
            ],
        };
        assert_eq!(
            shown(&parts(&native, &shape())),
            "<a:Normal:p. 2 b:Normal:>; see (<c:Year:>, p. 4; <d:Year:>)"
        );
        let bracketed = GroupPlan {
            mode: "bracketed",
            ..native
        };
        assert_eq!(
            shown(&parts(&bracketed, &shape())),
            "(<bare a:Normal:p. 2>; <bare b:Normal:>; see <c:Year:>, p. 4; <d:Year:>)"
        );
        // A numeric style has no author to leave out.
        let numeric = Shape {
            numeric: true,
            ..shape()
        };
        assert_eq!(
            shown(&parts(
                &GroupPlan {
                    mode: "native",
                    ..bracketed.clone()
                },
                &numeric
            )),
            "<a:Normal:p. 2 b:Normal:>; see <c:Normal:p. 4 d:Normal:>"
        );
        // A note style: the authors in the text, the citation in a note.
        let prose = GroupPlan {
            unknown: vec![],
            mode: "native",
            segments: vec![Segment {
                prefix: None,
                form: "prose",
                pairs: vec![pair("a", Some("p. 2")), pair("b", None)],
            }],
        };
        let note = Shape {
            note: true,
            ..shape()
        };
        assert_eq!(
            shown(&parts(&prose, &note)),
            "<author a>, <author b><a:Normal:p. 2 b:Normal:>"
        );
    }

    #[test]
    fn marks_become_formats_and_the_brackets_of_a_bare_citation_go() {
        let request = Request {
            items: vec![],
            bare: true,
        };
        let mut runs = Runs {
            request: Some(&request),
            marks: Vec::new(),
        };
        let mut out = Vec::new();
        let italic = Formatting {
            font_style: FontStyle::Italic,
            ..Formatting::default()
        };
        runs.text(
            "(\u{E00A}H\u{E008}2\u{E009}O and ",
            &Formatting::default(),
            &mut out,
        );
        runs.text("\u{E000}Nature\u{E001} 2020)", &italic, &mut out);
        let mut out = merge(out);
        strip(&mut out, "(", ")");
        assert_eq!(
            Value::Array(out).to_string(),
            r#"["H",{"t":"2","f":"_"},"O and ",{"t":"Nature","f":"ii"},{"t":" 2020","f":"i"}]"#
        );
    }

    /// Each request's citation text and the bibliography, asking hayagriva
    /// as [`ask`] does or once for every citation.
    fn formatted(sequence: &[&Request], style: &str, once_each: bool) -> (Vec<String>, String) {
        let library = hayagriva::io::from_yaml_str(LIBRARY).unwrap();
        let citationberg::Style::Independent(style) = ArchivedStyle::by_name(style).unwrap().get()
        else {
            panic!("an independent style")
        };
        let locale = LocaleCode("en".into());
        let locales = locales_for(&locale);
        let asked = if once_each {
            Asked {
                requests: sequence.to_vec(),
                answer_of: (0..sequence.len()).collect(),
            }
        } else {
            ask(sequence, positional(&style))
        };
        let mut driver = BibliographyDriver::new();
        for request in &asked.requests {
            driver.citation(citation(request, &library, &style, &locale, &locales).unwrap());
        }
        let rendered = driver.finish(BibliographyRequest {
            style: &style,
            locale: Some(locale),
            locale_files: &locales,
        });
        let texts = sequence
            .iter()
            .zip(&asked.answer_of)
            .map(|(r, &a)| {
                Value::Array(Runs::citation(r, &rendered.citations[a].citation)).to_string()
            })
            .collect();
        let bibliography = rendered
            .bibliography
            .map(|b| {
                b.items
                    .iter()
                    .map(|i| {
                        Value::Array(Runs::entry(i.first_field.as_ref(), &i.content).1).to_string()
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        (texts, bibliography)
    }

    /// No two people share a family name: hayagriva 0.10.1 then counts a
    /// work's repeated citations as ambiguous with each other and drops
    /// the given names it should add (`Doe ()` for John Doe), which asking
    /// each context once happens to avoid, so the two ways would differ for
    /// hayagriva's sake, not this module's.
    const LIBRARY: &str = r#"
a: { type: book, title: First book, author: ["Doe, Jane"], date: 2004 }
b: { type: book, title: Second book, author: ["Doe, Jane"], date: 2004 }
c: { type: article, title: An article, author: ["Roe, Rich"], parent: { type: periodical, title: A Journal } }
d: { type: web, title: A page, author: ["Vey, John"], date: 2004, url: "https://example.org" }
e: { type: article, title: Four authors, author: ["Doe, Jane", "Moe, Max", "Poe, Pia", "Roe, Rich"], date: 2004 }
"#;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Asking each context once gives every citation the text it gets
        /// when hayagriva is asked for each one in turn: first and later
        /// notes, ibid. with and without locators, year suffixes, numbers.
        #[test]
        fn asking_each_context_once_prints_what_asking_every_citation_prints(
            requests in proptest::collection::vec(
                proptest::collection::vec((0..5usize, 0..3usize, 0..5usize), 1..4),
                1..24,
            ),
            style in 0..8usize,
        ) {
            let style = [
                "chicago-notes",
                "modern-humanities-research-association-notes",
                "deutsche-sprache",
                "chicago-author-date",
                "ieee",
                "apa",
                "american-sociological-association",
                "modern-language-association",
            ][style];
            let requests: Vec<Request> = requests
                .iter()
                .map(|items| Request {
                    items: items
                        .iter()
                        .map(|&(key, locator, form)| Item {
                            key: ["a", "b", "c", "d", "e"][key].into(),
                            supplement: [None, Some("p. 4"), Some("p. 9")][locator].map(Into::into),
                            form: [Form::Normal, Form::Normal, Form::Normal, Form::Prose, Form::Year][form],
                        })
                        .collect(),
                    bare: false,
                })
                .collect();
            let sequence: Vec<&Request> = requests.iter().collect();
            let asked = ask(&sequence, true);
            proptest::prop_assert!(asked.requests.len() <= 2 * sequence.len());
            proptest::prop_assert_eq!(
                formatted(&sequence, style, false),
                formatted(&sequence, style, true)
            );
        }
    }

    #[test]
    fn a_citation_asked_anew_follows_the_citation_that_precedes_it() {
        // The last citation is new (d is cited for the first time) and
        // follows b; the one asked before it cited a, which would make its
        // first item "ibid." if it were asked right after it.
        let keys = [
            &["a"][..],
            &["b"],
            &["c"],
            &["b"],
            &["a"],
            &["a"],
            &["b"],
            &["a", "d"],
        ];
        let requests: Vec<Request> = keys
            .iter()
            .map(|keys| Request {
                items: keys
                    .iter()
                    .map(|key| Item {
                        key: key.to_string(),
                        supplement: None,
                        form: Form::Normal,
                    })
                    .collect(),
                bare: false,
            })
            .collect();
        let sequence: Vec<&Request> = requests.iter().collect();
        let style = "deutsche-sprache";
        let (asked, _) = formatted(&sequence, style, false);
        assert_eq!(asked, formatted(&sequence, style, true).0);
        assert!(asked[5].contains("ibid."), "{:#?}", asked);
        assert!(!asked[7].contains("ibid."), "{:#?}", asked);
    }

    #[test]
    fn each_locale_read_alone_is_the_one_hayagriva_reads() {
        let all = hayagriva::archive::locales();
        assert_eq!(LOCALE_INDEX.len(), all.len());
        for locale in &all {
            let code = locale
                .lang
                .clone()
                .expect("a locale file names its language");
            assert_eq!(locales_for(&code).first(), Some(locale));
        }
        let de = locales_for(&LocaleCode("de".into()));
        let langs: Vec<_> = de
            .iter()
            .filter_map(|l| l.lang.as_ref())
            .map(|l| l.0.as_str())
            .collect();
        assert_eq!(langs, ["de-DE", "en-US"]);
    }

    #[test]
    fn styles_that_read_a_citations_position_are_known() {
        let position = |name: &str| {
            let citationberg::Style::Independent(style) =
                ArchivedStyle::by_name(name).unwrap().get()
            else {
                panic!("an independent style")
            };
            positional(&style)
        };
        // ibid. and short notes; et al. only after the first citation; a
        // personal communication named in full only the first time.
        for name in [
            "chicago-notes",
            "deutsche-sprache",
            "modern-humanities-research-association-notes",
            "american-sociological-association",
            "chicago-author-date",
        ] {
            assert!(position(name), "{name}");
        }
        for name in ["ieee", "apa", "nature", "vancouver"] {
            assert!(!position(name), "{name}");
        }
    }

    #[test]
    fn a_document_citing_few_works_asks_few_citations() {
        let requests: Vec<Request> = (0..1000)
            .map(|i| Request {
                items: vec![Item {
                    key: ["a", "b", "c", "d"][i * 7 % 4].into(),
                    supplement: None,
                    form: Form::Normal,
                }],
                bare: false,
            })
            .collect();
        let sequence: Vec<&Request> = requests.iter().collect();
        assert!(ask(&sequence, true).requests.len() < 40);
        assert_eq!(ask(&sequence, false).requests.len(), 4);
    }
}
