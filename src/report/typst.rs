//! Citations in Typst reports, read with Typst's own parser: `@id`,
//! `@id[para. 4]`, `#cite(<id>)`, `#cite(label("id"))` and `#ref(<id>)`.
//! References to labels the report defines itself are not citations.

use std::collections::HashSet;

use typst_syntax::ast::{self, AstNode};
use typst_syntax::{LinkedNode, SyntaxKind};

use super::{Citation, Group, Mode};
use crate::diag::{Code, Diagnostic, FileId, Span};

/// Every citation group, and a `syntax` diagnostic for each parse error.
pub fn citations(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Group> {
    citations_among(file, text, &labels(text), diagnostics)
}

/// Every citation group of one file of a document whose files define
/// `labels` between them.
pub fn citations_among(
    file: FileId,
    text: &str,
    labels: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Group> {
    let root = typst_syntax::parse(text);
    let linked = LinkedNode::new(&root);
    let mut groups = Vec::new();
    walk(file, &linked, labels, &mut groups, diagnostics);
    groups
}

/// The prose of a Typst file, paragraph by paragraph and list item by list
/// item, as characters with their byte ranges: headings, raw text, math,
/// code and tables are left out; a footnote is a passage of its own, marked
/// in the text around it by a [`NOTE`](super::sentence::NOTE); what Typst
/// inserts from code is one [`OBJECT`](super::sentence::OBJECT).
pub fn passages(text: &str) -> Vec<Vec<super::sentence::Char>> {
    let root = typst_syntax::parse(text);
    let mut out = Vec::new();
    let mut current = Vec::new();
    prose(&LinkedNode::new(&root), 0, &mut current, &mut out);
    out.push(current);
    out.retain(|p| !p.is_empty());
    out
}

/// Content calls whose body is a block of its own.
const BLOCKS: &[&str] = &[
    "block", "align", "pad", "par", "columns", "place", "stack", "rect", "center",
];

/// Content calls whose body runs on in the text around them.
const INLINE: &[&str] = &[
    "emph",
    "quote",
    "strong",
    "underline",
    "overline",
    "strike",
    "text",
    "highlight",
    "smallcaps",
    "sub",
    "super",
    "upper",
    "lower",
    "box",
    "link",
    "lang",
];

fn prose(
    node: &LinkedNode<'_>,
    depth: usize,
    current: &mut Vec<super::sentence::Char>,
    out: &mut Vec<Vec<super::sentence::Char>>,
) {
    use super::sentence::{Char, NOTE, OBJECT};
    if depth > 200 {
        return;
    }
    let object = |current: &mut Vec<Char>, range: std::ops::Range<usize>| {
        current.push(Char { ch: OBJECT, range })
    };
    let flush = |current: &mut Vec<Char>, out: &mut Vec<Vec<Char>>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    for child in node.children() {
        let range = child.range();
        match child.kind() {
            SyntaxKind::Text => {
                for (i, ch) in child.get().leaf_text().char_indices() {
                    let start = range.start + i;
                    current.push(Char {
                        ch,
                        range: start..start + ch.len_utf8(),
                    });
                }
            }
            SyntaxKind::Space | SyntaxKind::Linebreak => current.push(Char { ch: ' ', range }),
            SyntaxKind::SmartQuote => {
                let ch = child.get().leaf_text().chars().next().unwrap_or('"');
                current.push(Char { ch, range });
            }
            SyntaxKind::Shorthand => {
                let ch = match child.get().leaf_text().as_str() {
                    "~" => '\u{a0}',
                    "--" => '–',
                    "---" => '—',
                    "..." => '…',
                    "-?" => continue,
                    _ => OBJECT,
                };
                current.push(Char { ch, range });
            }
            SyntaxKind::Escape => {
                let ch = child.cast::<ast::Escape>().map_or(OBJECT, |e| e.get());
                current.push(Char { ch, range });
            }
            SyntaxKind::Parbreak => flush(current, out),
            SyntaxKind::Markup | SyntaxKind::Strong | SyntaxKind::Emph => {
                prose(&child, depth + 1, current, out)
            }
            SyntaxKind::ListItem | SyntaxKind::EnumItem | SyntaxKind::TermItem => {
                flush(current, out);
                prose(&child, depth + 1, current, out);
                flush(current, out);
            }
            SyntaxKind::Heading => flush(current, out),
            SyntaxKind::ContentBlock => prose(&child, depth + 1, current, out),
            SyntaxKind::FuncCall => {
                let name = child
                    .cast::<ast::FuncCall>()
                    .and_then(|c| match c.callee() {
                        ast::Expr::Ident(ident) => Some(ident.as_str().to_string()),
                        ast::Expr::FieldAccess(access) => Some(access.field().as_str().to_string()),
                        _ => None,
                    });
                let bodies: Vec<LinkedNode<'_>> = child
                    .children()
                    .filter(|c| c.kind() == SyntaxKind::Args)
                    .flat_map(|args| args.children().collect::<Vec<_>>())
                    .filter(|c| c.kind() == SyntaxKind::ContentBlock)
                    .collect();
                match name.as_deref() {
                    Some("footnote") => {
                        current.push(Char { ch: NOTE, range });
                        for body in &bodies {
                            let mut note = Vec::new();
                            prose(body, depth + 1, &mut note, out);
                            flush(&mut note, out);
                        }
                    }
                    Some(name) if BLOCKS.contains(&name) => {
                        flush(current, out);
                        for body in &bodies {
                            prose(body, depth + 1, current, out);
                            flush(current, out);
                        }
                    }
                    Some(name) if INLINE.contains(&name) && !bodies.is_empty() => {
                        for body in &bodies {
                            prose(body, depth + 1, current, out);
                        }
                    }
                    _ => object(current, range),
                }
            }
            SyntaxKind::Hash
            | SyntaxKind::ListMarker
            | SyntaxKind::EnumMarker
            | SyntaxKind::TermMarker
            | SyntaxKind::Colon
            | SyntaxKind::LeftBracket
            | SyntaxKind::RightBracket
            | SyntaxKind::Star
            | SyntaxKind::Underscore
            | SyntaxKind::Label
            | SyntaxKind::LineComment
            | SyntaxKind::BlockComment
            | SyntaxKind::SetRule
            | SyntaxKind::ShowRule
            | SyntaxKind::LetBinding
            | SyntaxKind::ModuleImport
            | SyntaxKind::ModuleInclude
            | SyntaxKind::Semicolon => {}
            _ => object(current, range),
        }
    }
}

/// The labels a file attaches to its own content (`<intro>`).
pub fn labels(text: &str) -> HashSet<String> {
    let root = typst_syntax::parse(text);
    let mut labels = HashSet::new();
    collect_labels(&LinkedNode::new(&root), &mut labels);
    labels
}

/// The files a Typst file includes or imports (`#include "ch1.typ"`,
/// `#import "defs.typ": x`), as written, each with the span of its path; an
/// error at each `#include` whose path is computed, since the citations of
/// the file it reads cannot be checked.
pub fn included(
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, Span)> {
    let root = typst_syntax::parse(text);
    let mut found = Vec::new();
    collect_included(file, &LinkedNode::new(&root), &mut found, diagnostics);
    found
}

fn collect_included(
    file: FileId,
    node: &LinkedNode<'_>,
    found: &mut Vec<(String, Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source = if let Some(include) = node.cast::<ast::ModuleInclude>() {
        Some((include.source(), true))
    } else {
        node.cast::<ast::ModuleImport>()
            .map(|import| (import.source(), false))
    };
    if let Some((source, include)) = source {
        let at = node
            .children()
            .find(|c| {
                c.cast::<ast::Expr>()
                    .is_some_and(|e| e.to_untyped() == source.to_untyped())
            })
            .map_or(node.range(), |c| c.range());
        match source {
            ast::Expr::Str(path) if !path.get().starts_with('@') => {
                found.push((path.get().to_string(), Span::new(file, at)));
            }
            ast::Expr::Str(_) => {}
            _ if include => diagnostics.push(
                Diagnostic::new(
                    Code::Syntax,
                    "`#include` of a computed path: dossier cannot check the citations of the file it reads",
                )
                .at(Span::new(file, at))
                .with_help("write the path as a string, such as `#include \"chapter.typ\"`"),
            ),
            _ => {}
        }
    }
    for child in node.children() {
        collect_included(file, &child, found, diagnostics);
    }
}

/// Labels the document attaches to its own content (`<intro>`).
fn collect_labels(node: &LinkedNode<'_>, labels: &mut HashSet<String>) {
    if let Some(label) = node.cast::<ast::Label>()
        && !is_cite_argument(node)
    {
        labels.insert(label.get().to_string());
    }
    for child in node.children() {
        collect_labels(&child, labels);
    }
}

/// Whether a label node is the target of a `cite` or `ref` call.
fn is_cite_argument(node: &LinkedNode<'_>) -> bool {
    let call = node
        .parent()
        .filter(|p| p.kind() == SyntaxKind::Args)
        .and_then(LinkedNode::parent);
    call.and_then(|c| c.cast::<ast::FuncCall>())
        .is_some_and(|c| callee_name(c).is_some())
}

fn callee_name(call: ast::FuncCall<'_>) -> Option<&'static str> {
    match call.callee() {
        ast::Expr::Ident(ident) if ident.as_str() == "cite" => Some("cite"),
        ast::Expr::Ident(ident) if ident.as_str() == "ref" => Some("ref"),
        _ => None,
    }
}

fn walk(
    file: FileId,
    node: &LinkedNode<'_>,
    labels: &HashSet<String>,
    groups: &mut Vec<Group>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if node.kind() == SyntaxKind::Error {
        let (errors, _) = node.get().errors_and_warnings();
        for error in errors {
            let message = format!("{} (Typst)", error.message);
            diagnostics
                .push(Diagnostic::new(Code::Syntax, message).at(Span::new(file, node.range())));
        }
        return;
    }
    if let Some(call) = node.cast::<ast::FuncCall>()
        && callee_name(call).is_some()
        && let Some(group) = call_citation(file, node, call, labels, diagnostics)
    {
        groups.push(group);
    }
    // `@a @b`, with nothing but space between, is one group, as Typst
    // prints it: the index of the group the last `@id` opened or joined.
    let mut run: Option<usize> = None;
    for child in node.children() {
        if child.kind() == SyntaxKind::Space {
            continue;
        }
        if let Some(reference) = child.cast::<ast::Ref>()
            && !labels.contains(reference.target())
        {
            let marker = child.children().find(|c| c.kind() == SyntaxKind::RefMarker);
            let span = Span::new(file, marker.map_or(child.range(), |m| m.range()));
            let supplement = reference.supplement().map(|s| s.body());
            let plain = supplement.is_none_or(is_plain);
            let locator = supplement.map(content_text);
            let citation = citation(reference.target(), span, locator, Mode::Normal);
            match run {
                Some(i) if plain => {
                    groups[i].citations.push(citation);
                    groups[i].range.end = child.range().end;
                }
                _ => {
                    groups.push(Group {
                        range: child.range(),
                        citations: vec![citation],
                        planned: plain,
                    });
                    run = plain.then(|| groups.len() - 1);
                }
            }
            if plain {
                continue;
            }
        } else {
            run = None;
        }
        walk(file, &child, labels, groups, diagnostics);
    }
}

/// Whether a supplement is words and spaces only, so a plan can print it as
/// text.
fn is_plain(markup: ast::Markup<'_>) -> bool {
    markup
        .to_untyped()
        .children()
        .all(|c| matches!(c.kind(), SyntaxKind::Text | SyntaxKind::Space))
}

/// `cite(<id>)`, `cite(label("id"), supplement: [..], form: "..")`, `ref(<id>)`.
fn call_citation(
    file: FileId,
    node: &LinkedNode<'_>,
    call: ast::FuncCall<'_>,
    labels: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Group> {
    let args = node.children().find(|c| c.kind() == SyntaxKind::Args)?;
    let mut target = None;
    let mut locator = None;
    let mut mode = Mode::Normal;
    for arg in args.children() {
        if let Some(label) = arg.cast::<ast::Label>() {
            target.get_or_insert((label.get().to_string(), arg.range()));
        } else if let Some(inner) = arg.cast::<ast::FuncCall>()
            && matches!(inner.callee(), ast::Expr::Ident(i) if i.as_str() == "label")
        {
            let mut items = inner.args().items();
            let literal = matches!(
                (items.next(), items.next()),
                (Some(ast::Arg::Pos(ast::Expr::Str(_))), None)
            );
            match first_string(&arg) {
                Some(string) if literal => {
                    target.get_or_insert(string);
                }
                _ => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Syntax,
                            "a label computed when the document runs cannot be checked as a citation",
                        )
                        .at(Span::new(file, arg.range()))
                        .with_help("write the ID itself: `<diplomat-2013>` or `label(\"diplomat-2013\")`"),
                    );
                    return None;
                }
            }
        } else if let Some(named) = arg.cast::<ast::Named>() {
            match (named.name().as_str(), named.expr()) {
                ("supplement", ast::Expr::ContentBlock(block)) => {
                    locator = Some(content_text(block.body()))
                }
                ("supplement", ast::Expr::Str(s)) => locator = Some(s.get().to_string()),
                ("form", ast::Expr::Str(s)) if s.get() == "year" => mode = Mode::SuppressAuthor,
                ("form", ast::Expr::Str(s)) if s.get() == "prose" => mode = Mode::InText,
                _ => {}
            }
        }
    }
    let (id, range) = target?;
    if callee_name(call) == Some("ref") && labels.contains(&id) {
        return None;
    }
    let citation = citation(&id, Span::new(file, range), locator, mode);
    Some(Group {
        range: node.range(),
        citations: vec![citation],
        planned: false,
    })
}

/// The first string literal below `node`, with its range.
fn first_string(node: &LinkedNode<'_>) -> Option<(String, std::ops::Range<usize>)> {
    if let Some(s) = node.cast::<ast::Str>() {
        return Some((s.get().to_string(), node.range()));
    }
    node.children().find_map(|c| first_string(&c))
}

fn citation(id: &str, span: Span, locator: Option<String>, mode: Mode) -> Citation {
    Citation {
        id: id.to_string(),
        span,
        prefix: None,
        locator: locator.filter(|l| !l.is_empty()),
        suffix: None,
        mode,
    }
}

/// The plain text of a supplement's markup.
fn content_text(markup: ast::Markup<'_>) -> String {
    markup.to_untyped().full_text().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Files;

    fn cited(text: &str) -> Vec<(String, Option<String>, std::ops::Range<usize>)> {
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.typ"), text.into());
        let mut diagnostics = Vec::new();
        let groups = citations(id, text, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        groups
            .into_iter()
            .flat_map(|g| g.citations)
            .map(|c| (c.id, c.locator, c.span.range))
            .collect()
    }

    #[test]
    fn finds_every_citation_form() {
        let found = cited(
            "= Intro <intro>\nSee @intro and @a, @b[para. 4].\n#cite(<c>) #cite(label(\"d\"), supplement: [p. 2])\n`@e` // @f\n",
        );
        let ids: Vec<_> = found
            .iter()
            .map(|(id, loc, _)| (id.as_str(), loc.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("a", None),
                ("b", Some("para. 4")),
                ("c", None),
                ("d", Some("p. 2"))
            ]
        );
        assert_eq!(found[0].2, 31..33);
    }

    #[test]
    fn adjacent_references_are_one_group() {
        let text = "A @a @b[p. 4] and @c. @d[_p._ 4] @e <x> @x @f\n\n@g";
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.typ"), text.into());
        let groups = citations(id, text, &mut Vec::new());
        let shape: Vec<(Vec<&str>, bool)> = groups
            .iter()
            .map(|g| {
                let ids = g.citations.iter().map(|c| c.id.as_str()).collect();
                (ids, g.planned)
            })
            .collect();
        assert_eq!(
            shape,
            [
                (vec!["a", "b"], true),
                (vec!["c"], true),
                (vec!["d"], false),
                (vec!["e"], true),
                (vec!["f"], true),
                (vec!["g"], true),
            ]
        );
        assert_eq!(&text[groups[0].range.clone()], "@a @b[p. 4]");
    }

    #[test]
    fn reports_parse_errors() {
        let mut files = Files::new();
        let text = "#let x = (\nText";
        let id = files.add(std::path::Path::new("r.typ"), text.into());
        let mut diagnostics = Vec::new();
        citations(id, text, &mut diagnostics);
        assert_eq!(diagnostics[0].code, Code::Syntax);
    }
}
