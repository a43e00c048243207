//! A planned group as the citations Typst would have made of it.

use super::*;

/// The parts a planned group prints, as `cite-group` in the template printed
/// them when Typst formatted the citations.
pub(super) fn parts(plan: &GroupPlan, shape: &Shape) -> Vec<Part> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::plan::Segment;

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
            claims: vec![],
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
            claims: vec![],
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
}
