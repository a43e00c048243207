//! Pandoc citations in Markdown, read as Pandoc's Markdown reader reads them
//! (its `cite`, `citeKey`, `citation`, `prefix` and `suffix` parsers):
//! `[@a]`, `[@a; @b]`, `[see @a, para. 4; also @b]`, `[-@a]`, `@a`,
//! `@a [p. 4]`, `@a [@b]` and braced keys `@{…}`, after any character that
//! does not end a word, with formatting, links and nested brackets in
//! prefixes and suffixes. pulldown-cmark decides what is prose, block by
//! block; citations are never looked for in code, raw HTML, autolinks, math,
//! bare URLs, example-list labels `(@label)` or after a backslash.

mod examples;
mod grammar;
mod prose;

use pulldown_cmark::{Options, Tag, TagEnd};

use super::{Citation, Group};
use crate::diag::{Code, Diagnostic, FileId};

/// The parser options every Markdown pass uses, so spans agree.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Every citation group in the body, which starts at byte `body_start`.
/// A citation in raw HTML, which Pandoc reads but a build prints as
/// written, is an error at its key.
pub fn citations(
    file: FileId,
    text: &str,
    body_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Group> {
    citations_and_figures(file, text, body_start, diagnostics).0
}

/// The citation groups, and the prose of each paragraph or list item that
/// holds a digit outside its citations (see [`passages`]): what the figure
/// rules read, found in the same pass.
pub fn citations_and_figures(
    file: FileId,
    text: &str,
    body_start: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Group>, Vec<Vec<super::sentence::Char>>) {
    let blocks = prose::blocks(text, body_start);
    let unprinted = unprinted_notes(text, body_start);
    let (examples, markers) = grammar::examples(text, &blocks);
    let mut groups = Vec::new();
    let mut figures = Vec::new();
    for (block, markers) in blocks.iter().zip(markers) {
        let (found, doubtful) = grammar::groups(file, text, block, &examples, &markers);
        if is_prose(block)
            && block.toks.iter().any(|t| {
                matches!(t.kind, prose::Kind::Char(c) if super::figure::is_digit(c))
                    && !t.url
                    && !found.iter().any(|g| g.range.contains(&t.start))
            })
        {
            figures.push(passage(text, block));
        }
        for citation in doubtful {
            diagnostics.push(
                Diagnostic::new(
                    Code::Syntax,
                    format!(
                        "`@{}` right after emphasis is not read as a citation",
                        citation.id
                    ),
                )
                .at(citation.span)
                .with_help("Markdown readers pair `*` and `_` differently here: put a space before the `@`, or escape the `*` or `_` as `\\*` or `\\_`"),
            );
        }
        if let Some(code) = &block.fence {
            let (label, help) = match code.reason {
                prose::Reason::Info => (
                    "Pandoc does not read this line as a fence",
                    "give the fence one word (`~~~ python`) or attributes in braces (`~~~ {.python title=\"x\"}`)",
                ),
                prose::Reason::Unclosed => (
                    "this fence is never closed, so Pandoc reads it as text",
                    "close the code block with a fence like the opening one",
                ),
                prose::Reason::Indented => (
                    "CommonMark reads this indented line as code; Pandoc continues the line before it",
                    "put a blank line before indented code, or do not indent a line of text",
                ),
            };
            for citation in found.into_iter().flat_map(|g| g.citations) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::Syntax,
                        format!(
                            "`@{}` is in a code block that Pandoc reads as text",
                            citation.id
                        ),
                    )
                    .at(citation.span)
                    .with_label(crate::diag::Span::new(file, code.line.clone()), label)
                    .with_help(help),
                );
            }
            continue;
        }
        if let Some(label) = &block.definition {
            let citations: Vec<_> = found.into_iter().flat_map(|g| g.citations).collect();
            if citations
                .iter()
                .any(|c| label.contains(&c.span.range.start))
            {
                for citation in citations {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Syntax,
                            format!(
                                "`@{}` is in a link reference definition, which is not printed",
                                citation.id
                            ),
                        )
                        .at(citation.span)
                        .with_label(crate::diag::Span::new(file, label.clone()), "CommonMark reads `[…]:` here as a link definition; Pandoc as a citation")
                        .with_help("escape the opening bracket as `\\[` if the line is text, or do not start a line with a citation followed by `:`"),
                    );
                }
            }
            continue;
        }
        if !block.html {
            for group in found {
                let (linked, cited): (Vec<_>, Vec<_>) = group.citations.iter().partition(|c| {
                    block
                        .note_links
                        .iter()
                        .any(|l| l.contains(&c.span.range.start))
                });
                let (cited, in_unprinted): (Vec<_>, Vec<_>) = cited.into_iter().partition(|c| {
                    !unprinted
                        .iter()
                        .any(|n| n.range.contains(&c.span.range.start))
                });
                for citation in in_unprinted {
                    let Some(note) = unprinted
                        .iter()
                        .find(|n| n.range.contains(&citation.span.range.start))
                    else {
                        continue;
                    };
                    let (message, help) = if note.replaced {
                        (
                            format!(
                                "`@{}` is in a footnote `[^{}]` that a later definition of the same label replaces, so it is not printed",
                                citation.id, note.label
                            ),
                            "give each footnote its own label",
                        )
                    } else {
                        (
                            format!(
                                "`@{}` is in footnote `[^{}]`, which nothing printed refers to, so it is not printed",
                                citation.id, note.label
                            ),
                            "refer to the note with its label where it belongs, or delete it",
                        )
                    };
                    diagnostics.push(
                        Diagnostic::new(Code::Syntax, message)
                            .at(citation.span.clone())
                            .with_help(help),
                    );
                }
                let (described, cited): (Vec<_>, Vec<_>) = cited
                    .into_iter()
                    .partition(|c| block.images.iter().any(|i| i.contains(&c.span.range.start)));
                for citation in described {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Syntax,
                            format!(
                                "`@{}` is in an image's description, which is not printed",
                                citation.id
                            ),
                        )
                        .at(citation.span.clone())
                        .with_help("cite the source in the text beside the image, where a reader sees the citation"),
                    );
                }
                for citation in linked {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Syntax,
                            format!("`@{}` is the destination of a link, not a citation", citation.id),
                        )
                        .at(citation.span.clone())
                        .with_help("`[^note](…)` is a link in CommonMark: put a space after the footnote reference `[^note]`"),
                    );
                }
                if !cited.is_empty() {
                    groups.push(group);
                }
            }
            continue;
        }
        for citation in found.into_iter().flat_map(|g| g.citations) {
            let diagnostic = match &block.unclosed {
                Some(opener) => Diagnostic::new(
                    Code::Syntax,
                    format!(
                        "`@{}` follows `{}`, which is never closed: the rest of the report is raw HTML",
                        citation.id,
                        &text[opener.clone()]
                    ),
                )
                .at(citation.span)
                .with_label(crate::diag::Span::new(file, opener.clone()), "opened here")
                .with_help("close it (`-->` ends a comment) or escape its `<` as `\\<`"),
                None => Diagnostic::new(
                    Code::Syntax,
                    format!(
                        "`@{}` in raw HTML is printed as written, not as a citation",
                        citation.id
                    ),
                )
                .at(citation.span)
                .with_help("end the HTML block with a blank line so the citation is Markdown, or write `&#64;` for an @ sign"),
            };
            diagnostics.push(diagnostic);
        }
    }
    (groups, figures)
}

/// A footnote definition a build does not print.
struct UnprintedNote {
    /// The definition, from `[^label]:` to its end.
    range: std::ops::Range<usize>,
    label: String,
    /// Whether a later definition of the label replaces it (else nothing
    /// printed refers to it).
    replaced: bool,
}

/// The footnote definitions a build does not print: the converter writes a
/// note where it is referred to, and of a label defined twice, the last
/// definition. A definition is printed when a reference in the text, or in
/// a printed note, names it.
fn unprinted_notes(text: &str, body_start: usize) -> Vec<UnprintedNote> {
    use pulldown_cmark::{Event, Parser};
    let mut definitions: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut references: Vec<(String, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(&text[body_start..], options()).into_offset_iter() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => definitions.push((
                label.to_string(),
                range.start + body_start..range.end + body_start,
            )),
            Event::FootnoteReference(label) => {
                references.push((label.to_string(), range.start + body_start))
            }
            _ => {}
        }
    }
    if definitions.is_empty() {
        return Vec::new();
    }
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, (label, _)) in definitions.iter().enumerate() {
        last.insert(label.as_str(), i);
    }
    let mut printed = vec![false; definitions.len()];
    let mut work: Vec<usize> = references
        .iter()
        .filter(|(_, at)| !definitions.iter().any(|(_, r)| r.contains(at)))
        .filter_map(|(label, _)| last.get(label.as_str()).copied())
        .collect();
    while let Some(d) = work.pop() {
        if std::mem::replace(&mut printed[d], true) {
            continue;
        }
        let within = definitions[d].1.clone();
        work.extend(
            references
                .iter()
                .filter(|(_, at)| within.contains(at))
                .filter_map(|(label, _)| last.get(label.as_str()).copied()),
        );
    }
    definitions
        .iter()
        .enumerate()
        .filter(|(i, _)| !printed[*i])
        .map(|(i, (label, range))| UnprintedNote {
            range: range.clone(),
            label: label.clone(),
            replaced: last.get(label.as_str()) != Some(&i),
        })
        .collect()
}

/// Whether a block is prose the figure rules read: a paragraph or list
/// item (in block quotes and footnotes too), not raw HTML, code Pandoc
/// reads as text or a link definition.
fn is_prose(block: &prose::Block) -> bool {
    block.paragraph && !block.html && block.fence.is_none() && block.definition.is_none()
}

/// The characters of a prose block with their byte ranges: code spans and
/// other atoms, and bare URLs, are one [`OBJECT`](super::sentence::OBJECT),
/// a footnote reference one [`NOTE`](super::sentence::NOTE).
fn passage(text: &str, block: &prose::Block) -> Vec<super::sentence::Char> {
    use super::sentence::{Char, NOTE, OBJECT};
    block
        .toks
        .iter()
        .filter_map(|t| {
            let ch = match t.kind {
                // A bare URL is an address, not prose.
                prose::Kind::Char(_) if t.url => OBJECT,
                prose::Kind::Char(c) => c,
                prose::Kind::Atom if text[t.start..].starts_with("[^") => NOTE,
                prose::Kind::Atom => OBJECT,
                prose::Kind::Open | prose::Kind::Close { .. } => return None,
            };
            Some(Char {
                ch,
                range: t.start..t.end,
            })
        })
        .collect()
}

/// The prose of each paragraph and list item (in block quotes and footnotes
/// too), as characters with their byte ranges: headings, table cells, code,
/// raw HTML and metadata are left out.
pub fn passages(text: &str, body_start: usize) -> Vec<Vec<super::sentence::Char>> {
    prose::blocks(text, body_start)
        .iter()
        .filter(|b| is_prose(b))
        .map(|b| passage(text, b))
        .collect()
}

/// Inline formatting and links, which may hold citations and lie inside a
/// citation group; the build prints them from the group's plan.
pub fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// The end of an element [`is_inline`] starts.
pub fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Every citation in `text`, read as one paragraph of Markdown (a front
/// matter value such as `nocite`), with its range in `text`.
pub fn inline_citations(file: FileId, text: &str) -> Vec<Citation> {
    citations(file, text, 0, &mut Vec::new())
        .into_iter()
        .flat_map(|g| g.citations)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::diag::Files;
    use crate::report::{Format, Mode, parse};

    /// Each citation as `id|prefix|locator|suffix|mode`, groups split by ` / `.
    fn extract(text: &str) -> String {
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.md"), text.into());
        let (report, _) = parse(id, Format::Markdown, &files);
        let show = |s: &Option<String>| s.clone().unwrap_or_default();
        report
            .groups
            .iter()
            .map(|g| {
                g.citations
                    .iter()
                    .map(|c| {
                        let mode = match c.mode {
                            Mode::Normal => "n",
                            Mode::SuppressAuthor => "y",
                            Mode::InText => "t",
                            Mode::Nocite => "x",
                        };
                        format!(
                            "{}|{}|{}|{}|{mode}",
                            c.id,
                            show(&c.prefix),
                            show(&c.locator),
                            show(&c.suffix)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .collect::<Vec<_>>()
            .join(" / ")
    }

    #[test]
    fn extracts_citations_like_pandoc() {
        let cases = [
            ("plain [@a] text", "a||||n"),
            ("two [@a; @b].", "a||||n; b||||n"),
            ("[see @a, para. 4; also @b]", "a|see|para. 4||n; b|also|||n"),
            (
                "[@a, pp. 33-35, emphasis added]",
                "a||pp. 33-35|emphasis added|n",
            ),
            ("[@a, and passim]", "a|||and passim|n"),
            ("Smith says [-@smith2020, p. 3].", "smith2020||p. 3||y"),
            ("As @doe-2020 argues", "doe-2020||||t"),
            ("As @doe-2020 [p. 33] argues", "doe-2020||p. 33||t"),
            ("End of sentence @toll-1988.", "toll-1988||||t"),
            ("Colon @un:2020: text", "un:2020||||t"),
            ("code `[@a] @b` here", ""),
            ("```\n[@a] @b\n```\n", ""),
            ("    [@a] indented code", ""),
            ("mail me at someone@example.org", ""),
            ("<someone@example.org>", ""),
            ("see https://example.org/@a and <https://x.org/@b>", ""),
            ("a [link @a](https://x.org/@b)", "a||||t"),
            ("escaped \\@a and \\[@b]", "b||||t"),
            ("[not a citation] and [see p. 4]", ""),
            ("[@a; see p. 4]", "a||||t"),
            ("*[@a]* and **@b**", "a||||n / b||||t"),
            ("- item [@a, ch. 2]\n- @b", "a||ch. 2||n / b||||t"),
            ("> quoted [@a,\n> p. 3]", "a||p. 3||n"),
            ("| c |\n|---|\n| [@a] |", "a||||n"),
            ("note[^1]\n\n[^1]: in a footnote [@a].", "a||||n"),
            ("# Heading @a", "a||||t"),
            ("[@a] &amp; [@b]", "a||||n / b||||n"),
            ("(@a)", ""),
            ("x (@a) y", "a||||t"),
            ("and also in -@reese", "reese||||t"),
            ("Hi^[@a [@b].].", "a||||t; b||||n"),
            ("[@a](url)", "a||||t"),
            (
                "[-@item2 p. 30; see also @пункт3]",
                "item2||p. 30||y; пункт3|see also|||n",
            ),
            (
                "@пункт3 [p. 12] and [@пункт3].",
                "пункт3||p. 12||t / пункт3||||n",
            ),
            (
                "@{https://openreview.net/forum?id=Hk} and @{foo}",
                "https://openreview.net/forum?id=Hk||||t / foo||||t",
            ),
            (
                "@https://openreview.net/forum?id=Hk",
                "https://openreview.net/forum?id||||t",
            ),
            ("@averroes/bland [@a+b]", "averroes/bland||||t; a+b||||n"),
            ("foo-@bar, a/@b, \\\\@c", "bar||||t / b||||t / c||||t"),
            (
                "[@alpha, pp. 33-35, 38-39 and *passim*]",
                "alpha||pp. 33-35, 38-39|and passim|n",
            ),
            ("«@alpha»", "alpha||||t"),
            ("(@foo) Example.\n\nSee @foo and [@foo].", "foo||||n"),
            ("x.@a .@b **x**@c é@d 1@e", ""),
            ("x@y@z", "z||||t"),
            ("[foo @a bar @b]", "a|foo||bar|n; b||||t"),
            ("[@a, see [this]]", "a|||see [this]|n"),
            ("[see [this] @a]", "a|see [this]|||n"),
            ("[*see* @a]", "a|see|||n"),
            ("math $x@a$ and $5 @b", "b||||t"),
            ("[@a]{.class} [@b][ref]", "a||||t / b||||t"),
            ("@_a_ [@a*b*]", "_a_||||t; a|||b|n"),
        ];
        for (input, expected) in cases {
            assert_eq!(extract(input), expected, "{input:?}");
        }
    }

    #[test]
    fn hostile_brackets_are_read_once() {
        // Beyond a few dozen levels the key is still read, in running text.
        let nested = format!("{}@a{}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(extract(&nested), "a||||t");
        let nested = format!("{}@a{}", "[".repeat(8), "]".repeat(8));
        assert_eq!(extract(&nested), "a||||n");
        let open = format!("{} @b", "[x ".repeat(5000));
        assert_eq!(extract(&open), "b||||t");
    }

    #[test]
    fn spans_cover_the_at_sign_and_key() {
        let mut files = Files::new();
        let text = "---\ntitle: x\n---\nThe toll [@toll-198, para. 4] and *@{a b}* @{x}.";
        let id = files.add(std::path::Path::new("r.md"), text.into());
        let (report, _) = parse(id, Format::Markdown, &files);
        let spans: Vec<&str> = report
            .citations()
            .map(|c| &text[c.span.range.clone()])
            .collect();
        assert_eq!(spans, ["@toll-198", "@{x}"]);
        let citation = report.citations().next().unwrap();
        let position = files.position(id, citation.span.range.start);
        assert_eq!((position.line, position.column), (4, 11));
    }
}
