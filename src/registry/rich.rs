//! Titles as their authors wrote them: the small markup the registry allows
//! in `title`, `short-title`, `original-title`, `container` and `series`.
//!
//! - `{…}` keeps the case as written: a style that re-cases titles leaves
//!   `{CTAN}` and `The {LaTeX} Companion` alone (hayagriva's and BibTeX's
//!   own convention).
//! - `<i>…</i>`, `<b>…</b>`, `<sc>…</sc>`, `<sup>…</sup>`, `<sub>…</sub>`:
//!   italics, bold, small capitals, superscript, subscript (the tags CSL and
//!   Zotero use).
//! - `\{`, `\}`, `\<` and `\\` write the character itself.

use std::fmt;

/// Inline formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// `<i>`.
    Italic,
    /// `<b>`.
    Bold,
    /// `<sc>`.
    SmallCaps,
    /// `<sup>`.
    Superscript,
    /// `<sub>`.
    Subscript,
}

impl Tag {
    /// Every tag with its name.
    pub const ALL: [(&'static str, Tag); 5] = [
        ("i", Tag::Italic),
        ("b", Tag::Bold),
        ("sc", Tag::SmallCaps),
        ("sup", Tag::Superscript),
        ("sub", Tag::Subscript),
    ];

    /// The name between the angle brackets.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("i", |(n, _)| n)
    }
}

/// A piece of rich text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Text.
    Text(String),
    /// `{…}`: case kept as written.
    Kept(Vec<Node>),
    /// Formatted text.
    Tagged(Tag, Vec<Node>),
}

/// Why a text is not valid rich text, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where.
    pub at: std::ops::Range<usize>,
    /// What.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The tag that opens or closes at the start of `rest` (`<i>`, `</sc>`),
/// with its length and whether it closes.
fn tag_at(rest: &str) -> Option<(Tag, usize, bool)> {
    let inner = rest.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(inner) => (true, inner),
        None => (false, inner),
    };
    let end = inner.find('>')?;
    let name = &inner[..end];
    let tag = Tag::ALL.iter().find(|(n, _)| *n == name)?.1;
    Some((tag, 1 + usize::from(closing) + end + 1, closing))
}

/// Parses rich text into nodes.
pub fn parse(text: &str) -> Result<Vec<Node>, Error> {
    enum Open {
        Brace,
        Tag(Tag),
    }
    // Each open group: what opened it, where, and the nodes read inside it.
    let mut stack: Vec<(Open, usize, Vec<Node>)> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut buffer = String::new();
    let mut at = 0;
    let flush = |buffer: &mut String, nodes: &mut Vec<Node>| {
        if !buffer.is_empty() {
            nodes.push(Node::Text(std::mem::take(buffer)));
        }
    };
    while at < text.len() {
        let rest = &text[at..];
        let c = rest.chars().next().unwrap_or_default();
        let current = match stack.last_mut() {
            Some((_, _, inner)) => inner,
            None => &mut nodes,
        };
        match c {
            '\\' => {
                let next = rest[1..].chars().next();
                match next {
                    Some(n @ ('\\' | '{' | '}' | '<')) => {
                        buffer.push(n);
                        at += 2;
                    }
                    _ => {
                        buffer.push('\\');
                        at += 1;
                    }
                }
                continue;
            }
            '{' => {
                flush(&mut buffer, current);
                stack.push((Open::Brace, at, Vec::new()));
                at += 1;
                continue;
            }
            '}' => {
                flush(&mut buffer, current);
                match stack.pop() {
                    Some((Open::Brace, _, inner)) => {
                        let parent = match stack.last_mut() {
                            Some((_, _, p)) => p,
                            None => &mut nodes,
                        };
                        parent.push(Node::Kept(inner));
                    }
                    Some((Open::Tag(tag), start, _)) => {
                        return Err(Error {
                            at: at..at + 1,
                            message: format!(
                                "`}}` closes `<{}>` at byte {start}; close the tag first",
                                tag.name()
                            ),
                        });
                    }
                    None => {
                        return Err(Error {
                            at: at..at + 1,
                            message: "`}` closes nothing; write `\\}` for the character".into(),
                        });
                    }
                }
                at += 1;
                continue;
            }
            '<' => {
                if let Some((tag, len, closing)) = tag_at(rest) {
                    flush(&mut buffer, current);
                    if !closing {
                        stack.push((Open::Tag(tag), at, Vec::new()));
                    } else {
                        match stack.pop() {
                            Some((Open::Tag(open), _, inner)) if open == tag => {
                                let parent = match stack.last_mut() {
                                    Some((_, _, p)) => p,
                                    None => &mut nodes,
                                };
                                parent.push(Node::Tagged(tag, inner));
                            }
                            _ => {
                                return Err(Error {
                                    at: at..at + len,
                                    message: format!(
                                        "`</{}>` closes a tag that is not open here",
                                        tag.name()
                                    ),
                                });
                            }
                        }
                    }
                    at += len;
                    continue;
                }
            }
            _ => {}
        }
        buffer.push(c);
        at += c.len_utf8();
    }
    if let Some((open, start, _)) = stack.pop() {
        let (what, len) = match open {
            Open::Brace => (
                "`{` is never closed; write `\\{` for the character".into(),
                1,
            ),
            Open::Tag(tag) => (
                format!("`<{}>` is never closed", tag.name()),
                tag.name().len() + 2,
            ),
        };
        return Err(Error {
            at: start..start + len,
            message: what,
        });
    }
    flush(&mut buffer, &mut nodes);
    Ok(nodes)
}

/// The text a reader sees, without markup; text that does not parse is
/// returned as it is.
pub fn plain(text: &str) -> String {
    if !text.contains(['{', '}', '<', '\\']) {
        return text.to_string();
    }
    match parse(text) {
        Ok(nodes) => {
            let mut out = String::with_capacity(text.len());
            plain_into(&nodes, &mut out);
            out
        }
        Err(_) => text.to_string(),
    }
}

fn plain_into(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Kept(inner) | Node::Tagged(_, inner) => plain_into(inner, out),
        }
    }
}

/// Text written so that it reads back as itself: the markup characters
/// escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\\' | '{' | '}' => out.push('\\'),
            '<' if tag_at(&text[i..]).is_some() => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// How a format writes rich text: its text, the brackets of kept case, and
/// the opening and closing of each tag.
pub struct Syntax<'a> {
    /// Writes text, escaped as the format needs.
    pub text: &'a dyn Fn(&str, &mut String),
    /// What opens and closes kept case.
    pub kept: (&'a str, &'a str),
    /// What opens and closes a tag.
    pub tag: &'a dyn Fn(Tag) -> (String, String),
}

/// Nodes written in a format's syntax.
pub fn write_with(nodes: &[Node], syntax: &Syntax<'_>, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => (syntax.text)(text, out),
            Node::Kept(inner) => {
                out.push_str(syntax.kept.0);
                write_with(inner, syntax, out);
                out.push_str(syntax.kept.1);
            }
            Node::Tagged(tag, inner) => {
                let (open, close) = (syntax.tag)(*tag);
                out.push_str(&open);
                write_with(inner, syntax, out);
                out.push_str(&close);
            }
        }
    }
}

/// A tag as the registry (and CSL) writes it: `<i>`, `</i>`.
pub fn angle(tag: Tag) -> (String, String) {
    (format!("<{}>", tag.name()), format!("</{}>", tag.name()))
}

/// Nodes written back as rich text.
pub fn write(nodes: &[Node]) -> String {
    let mut out = String::new();
    let syntax = Syntax {
        text: &|text, out| out.push_str(&escape(text)),
        kept: ("{", "}"),
        tag: &angle,
    };
    write_with(nodes, &syntax, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn braces_and_tags_are_read() {
        assert_eq!(
            parse("The {LaTeX} Companion").unwrap(),
            vec![
                Node::Text("The ".into()),
                Node::Kept(vec![Node::Text("LaTeX".into())]),
                Node::Text(" Companion".into()),
            ]
        );
        assert_eq!(
            plain("On <i>De Anima</i>, {CTAN} and H<sub>2</sub>O"),
            "On De Anima, CTAN and H2O"
        );
        assert_eq!(plain(r"a \{b\} \<i> c\d"), r"a {b} <i> c\d");
        assert_eq!(plain("x < y and <em>z</em>"), "x < y and <em>z</em>");
    }

    #[test]
    fn unbalanced_markup_is_located() {
        assert_eq!(parse("a } b").unwrap_err().at, 2..3);
        assert_eq!(parse("a { b").unwrap_err().at, 2..3);
        assert_eq!(parse("<i>a").unwrap_err().at, 0..3);
        assert_eq!(parse("<i>a</b>").unwrap_err().at, 4..8);
        assert_eq!(parse("<i>{a</i>}").unwrap_err().at, 5..9);
    }

    proptest! {
        #![proptest_config(crate::testing::config())]

        /// Any text, escaped, reads back as itself.
        #[test]
        fn escaped_text_reads_back(text in "[a-z{}<>\\\\/ ibsupc]{0,24}") {
            let escaped = escape(&text);
            prop_assert_eq!(plain(&escaped), text.clone());
            let nodes = parse(&escaped).unwrap();
            prop_assert_eq!(write(&nodes), escaped);
        }
    }
}
