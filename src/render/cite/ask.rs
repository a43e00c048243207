//! Which citations hayagriva is asked, and in which contexts.

use super::*;

/// The requests to send hayagriva for a document's citations, and for each
/// of them the request whose answer it takes.
pub(super) struct Asked<'r> {
    pub(super) requests: Vec<&'r Request>,
    pub(super) answer_of: Vec<usize>,
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
pub(super) fn ask<'r>(sequence: &[&'r Request], positional: bool) -> Asked<'r> {
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
pub(super) fn positional(style: &IndependentStyle) -> bool {
    uses(
        style,
        &|key, value| {
            (key == "@position" || key.starts_with("@et-al-subsequent")) && !value.is_null()
        },
        "first-reference-note-number",
    )
}

/// Whether a citation can print, or be sorted or collapsed by, the number
/// the bibliography gives its work: only then does formatting the citations
/// need the bibliography's order.
pub(super) fn reads_citation_numbers(style: &IndependentStyle) -> bool {
    uses(style, &|_, _| false, "citation-number")
}

/// Whether the style's settings, citation layout or macros hold an
/// attribute `attribute` accepts or the value `word`. Anything unreadable
/// counts as used.
fn uses(style: &IndependentStyle, attribute: &dyn Fn(&str, &Value) -> bool, word: &str) -> bool {
    fn walk(value: &Value, attribute: &dyn Fn(&str, &Value) -> bool, word: &str) -> bool {
        match value {
            Value::Object(map) => map
                .iter()
                .any(|(key, value)| attribute(key, value) || walk(value, attribute, word)),
            Value::Array(values) => values.iter().any(|v| walk(v, attribute, word)),
            Value::String(text) => text == word,
            _ => false,
        }
    }
    [
        serde_json::to_value(&style.settings),
        serde_json::to_value(&style.citation),
        serde_json::to_value(&style.macros),
    ]
    .iter()
    .any(|value| value.as_ref().map_or(true, |v| walk(v, attribute, word)))
}

#[cfg(test)]
mod tests {
    use super::super::locales::locales_for;
    use super::super::runs::Runs;
    use super::*;
    use hayagriva::archive::ArchivedStyle;

    /// Each request's citation text and the bibliography, asking hayagriva
    /// as [`ask`] does or once for every citation.
    fn formatted(sequence: &[&Request], style: &str, once_each: bool) -> (Vec<String>, String) {
        let library = hayagriva::io::from_yaml_str(LIBRARY).unwrap();
        let style = archived(style);
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
        let rendered = format(&asked.requests, &library, &style, &locale, &locales).unwrap();
        // As a build asks: the citations without the bibliography, where
        // they cannot read its numbers.
        let citations = if !once_each && !reads_citation_numbers(&style) {
            let alone = IndependentStyle {
                bibliography: None,
                ..style.clone()
            };
            format(&asked.requests, &library, &alone, &locale, &locales)
                .unwrap()
                .citations
        } else {
            rendered.citations.clone()
        };
        let texts = sequence
            .iter()
            .zip(&asked.answer_of)
            .map(|(r, &a)| Value::Array(Runs::citation(r, &citations[a].citation)).to_string())
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
            style in 0..9usize,
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
                // Numbers in the order of a bibliography sorted by author.
                "association-for-computing-machinery",
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

    /// A built-in independent style.
    fn archived(name: &str) -> IndependentStyle {
        let citationberg::Style::Independent(style) = ArchivedStyle::by_name(name).unwrap().get()
        else {
            panic!("an independent style")
        };
        style
    }

    #[test]
    fn styles_that_read_a_citations_position_are_known() {
        let position = |name: &str| positional(&archived(name));
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
    fn styles_whose_citations_read_the_bibliographys_numbers_are_known() {
        let numbers = |name: &str| reads_citation_numbers(&archived(name));
        for name in [
            "ieee",
            "nature",
            "vancouver",
            "american-medical-association",
        ] {
            assert!(numbers(name), "{name}");
        }
        for name in [
            "apa",
            "chicago-author-date",
            "chicago-notes",
            "modern-language-association",
        ] {
            assert!(!numbers(name), "{name}");
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
