//! Markdown → Typst. Every character of the author's text is escaped, every
//! construct becomes a Typst function call, and every citation group becomes a
//! call of `dossier.group` with its items as string data. A source map keeps,
//! for each piece of generated text, the Markdown range it came from, so a
//! Typst error can be shown at the author's line.

mod writer;

use std::fmt::Write;
use std::ops::Range;

use pulldown_cmark::Event;

use crate::diag::FileId;
use crate::report::Group;

/// Generated Typst and where each piece came from.
#[derive(Debug, Default)]
pub struct Converted {
    /// The Typst markup.
    pub text: String,
    /// Where the pieces of `text` came from, ascending by offset.
    pub map: Vec<Piece>,
    /// The citation groups of a Markdown report in the order they are
    /// written, each time they are written (a footnote referred to twice
    /// writes its groups twice).
    pub calls: Vec<usize>,
}

/// A piece of generated text and the report range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Where the piece starts in the generated text.
    pub at: usize,
    /// The report range it stands for.
    pub origin: Range<usize>,
    /// Whether the piece is the report's text itself, byte for byte, so an
    /// offset inside it maps to the same offset inside `origin`.
    pub verbatim: bool,
}

impl Converted {
    /// The report range that produced the generated `range`: exactly, inside
    /// text copied verbatim; else the whole construct it belongs to.
    pub fn origin(&self, range: Range<usize>) -> Option<Range<usize>> {
        let index = self.map.partition_point(|p| p.at <= range.start);
        let piece = &self.map[index.checked_sub(1)?];
        if !piece.verbatim {
            return Some(piece.origin.clone());
        }
        let start = piece.origin.start + (range.start - piece.at);
        let end = (piece.origin.start + range.end.saturating_sub(piece.at)).min(piece.origin.end);
        (start <= piece.origin.end).then(|| start..end.max(start))
    }
}

/// A Typst report as Typst compiles it: after the `preamble`, the author's
/// text byte for byte, except that each planned citation group becomes a
/// call that prints its plan.
/// Only the groups written in `file` are replaced; each call names the
/// group's index in `groups`, which holds those of every file.
pub fn inline(source: &str, groups: &[Group], file: FileId, preamble: &str) -> Converted {
    let mut out = Converted {
        text: String::with_capacity(preamble.len() + source.len() + 32 * groups.len()),
        map: Vec::with_capacity(2 * groups.len() + 1),
        calls: Vec::new(),
    };
    out.text.push_str(preamble);
    let verbatim = |out: &mut Converted, range: Range<usize>| {
        if !range.is_empty() {
            out.map.push(Piece {
                at: out.text.len(),
                origin: range.clone(),
                verbatim: true,
            });
            out.text.push_str(&source[range]);
        }
    };
    let mut pos = 0;
    for (index, group) in groups.iter().enumerate() {
        if !group.planned || group.range.start < pos || group.file() != Some(file) {
            continue;
        }
        verbatim(&mut out, pos..group.range.start);
        out.map.push(Piece {
            at: out.text.len(),
            origin: group.range.clone(),
            verbatim: false,
        });
        // The semicolon ends the call, so text right after it stays text.
        write!(out.text, "#{TYPST_GROUP}({index});").ok();
        pos = group.range.end;
    }
    verbatim(&mut out, pos..source.len());
    out
}

/// The name a Typst report's planned groups call, imported in the preamble;
/// unlike `dossier`, no author would name a variable so.
pub const TYPST_GROUP: &str = "__dossier-cite-group";

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Converts the report body (from `body_start`) after the `preamble`, each
/// citation group a call to the template's `cite-group`.
pub fn convert(source: &str, body_start: usize, groups: &[Group], preamble: &str) -> Converted {
    writer::convert_with(source, body_start, groups, preamble, None, false)
}

/// Converts the report body with each citation group written as the
/// markup in `printed` (by group index, then by the time it is written: a
/// footnote referred to twice is written twice): its citations already
/// formatted, so Typst calls no function to print them. In a right-to-left
/// report (`rtl`), bracketed Latin asides are set apart as bidi isolates.
pub fn convert_printed(
    source: &str,
    body_start: usize,
    groups: &[Group],
    preamble: &str,
    printed: &[Vec<[String; 2]>],
    rtl: bool,
) -> Converted {
    writer::convert_with(source, body_start, groups, preamble, Some(printed), rtl)
}

/// How a Markdown report's call to print a citation group starts; the
/// group's index and `)` follow.
const GROUP_CALL: &str = "#dossier.cite-group(";

/// The call that prints citation group number `index`; what it prints is
/// data, planned before Typst runs.
fn group_call(index: usize) -> String {
    format!("{GROUP_CALL}{index})")
}

#[cfg(test)]
mod tests {
    use super::writer::{MAX_TABLE_CELLS, PARAGRAPH_ELEMENTS};
    use super::*;
    use crate::diag::Files;
    use crate::report::{self, Format};

    fn typst(md: &str) -> String {
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.md"), md.into());
        let (report, _) = report::parse(id, Format::Markdown, &files);
        convert(md, report.body_start, &report.groups, "").text
    }

    #[test]
    fn typst_reports_keep_their_text_and_its_places() {
        let text = "= Hi\nSee @a @b[p. 4], #emph[x] #cite(<c>) @a.\n";
        let mut files = Files::new();
        let id = files.add(std::path::Path::new("r.typ"), text.into());
        let (report, _) = report::parse(id, Format::Typst, &files);
        let out = inline(text, &report.groups, report.file, "PRE\n");
        assert_eq!(
            out.text,
            "PRE\n= Hi\nSee #__dossier-cite-group(0);, #emph[x] #cite(<c>) #__dossier-cite-group(2);.\n"
        );
        // Verbatim text maps to the same bytes; a call to its whole group.
        let at = |needle: &str| out.text.find(needle).unwrap();
        let emph = at("emph");
        assert_eq!(
            out.origin(emph..emph + 4),
            Some(text.find("emph").map(|s| s..s + 4).unwrap())
        );
        let call = at("#__dossier-cite-group(0)");
        assert_eq!(out.origin(call + 3..call + 5), Some(9..20));
        assert_eq!(out.origin(0..3), None);
    }

    #[test]
    fn escapes_every_markup_character() {
        let out = typst("a #b $c$ *d* _e_ < f > [g] @ h\\i `j` <tag>");
        assert_eq!(
            out,
            "#\"a #b $c$ \";#emph[#\"d\";]#\" \";#emph[#\"e\";]#\" < f > [g] @ h\\\\i \";#raw(\"j\")#\" \";\n\n"
        );
    }

    #[test]
    fn replaces_citation_groups_with_calls() {
        let out = typst("As shown [see @a, p. 4; @b]. Also @c said.");
        assert_eq!(
            out,
            "#\"As shown\"; #dossier.cite-group(0)#\". Also\"; #dossier.cite-group(1)#\" said.\";\n\n"
        );
        // The space before a group, a line break too, is markup, which a
        // footnote's mark takes the place of.
        assert_eq!(
            typst("Said\n[@a]."),
            "#\"Said\"; #dossier.cite-group(0)#\".\";\n\n"
        );
    }

    #[test]
    fn converts_blocks() {
        let out = typst(
            "# T\n\n- a\n- b\n\n> q\n\n```rust\nlet x = \"1\";\n```\n\nx[^n]\n\n[^n]: note *here*\n",
        );
        assert!(out.contains("#heading(level: 1)[#\"T\";]"), "{out}");
        assert!(out.contains("#list([#\"a\";],\n[#\"b\";],\n)"), "{out}");
        assert!(out.contains("#quote(block: true)[#\"q\";\n\n]"), "{out}");
        assert!(
            out.contains("#raw(block: true, lang: \"rust\", \"let x = \\\"1\\\";\\n\")"),
            "{out}"
        );
        assert!(
            out.contains("#\"x\";#footnote[#\"note \";#emph[#\"here\";]]"),
            "{out}"
        );
    }

    #[test]
    fn footnotes_inside_footnotes_are_written_once() {
        let out = typst("Text[^a].\n\n[^a]: See also[^b] and[^a].\n\n[^b]: More.\n");
        assert!(
            out.contains(
                "#\"Text\";#footnote[#\"See also\";#footnote[#\"More.\";]#\" and[^a].\";]"
            ),
            "{out}"
        );
    }

    /// Typst's cost grows with a paragraph's length times its elements: a
    /// long paragraph's text is one string per run, and it is cut into
    /// pieces of bounded size, broken into lines greedily.
    #[test]
    fn long_paragraphs_are_cut_into_bounded_pieces() {
        let punctuated = "It's 30,000 (or 3.5%); \"said\" -- *a **a ".repeat(1000);
        let out = typst(&punctuated);
        assert!(
            out.starts_with("#set par(linebreaks: \"simple\")\n"),
            "{}",
            &out[..80]
        );
        assert!(!out.contains('\\') || out.matches('\\').count() <= 2 * 1000 + 2);
        assert!(out.matches("#\"").count() < 10, "one string per run");
        let emphasised = "*a* ".repeat(5000);
        let out = typst(&emphasised);
        let pieces: Vec<&str> = out.split("\n\n").collect();
        assert!(pieces.len() >= 10, "{} pieces", pieces.len());
        for piece in &pieces {
            assert!(piece.matches("#emph[").count() <= PARAGRAPH_ELEMENTS + 1);
        }
        assert_eq!(out.matches("#emph[").count(), 5000);
        // A short paragraph is left whole, with optimal line breaking.
        let out = typst(&"*a* ".repeat(100));
        assert!(!out.contains("linebreaks") && out.trim_end().split("\n\n").count() == 1);
    }

    #[test]
    fn a_table_too_large_for_typst_becomes_rows_of_text() {
        let mut md = String::from("|h1|h2|\n|---|---|\n");
        for row in 0..(MAX_TABLE_CELLS / 2 + 1) {
            md.push_str(&format!("|r{row}a|r{row}b|\n"));
        }
        let out = typst(&md);
        assert!(!out.contains("#table("), "{}", &out[..200]);
        assert!(
            out.starts_with("#strong[#\"h1\"; | #\"h2\";]"),
            "{}",
            &out[..200]
        );
        let last = MAX_TABLE_CELLS / 2;
        assert!(out.contains(&format!("#\"r{last}a\"; | #\"r{last}b\";\n\n")));
        let small = typst("|h1|h2|\n|---|---|\n|a|b|\n");
        assert!(small.contains("#table("), "{small}");
    }

    /// Whatever the author writes, the generated Typst parses: hundreds of
    /// random edits of the example report, made of markup characters.
    #[test]
    fn any_markdown_becomes_typst_that_parses() {
        let base = include_str!("../../../examples/1988-massacre/report.md");
        let pieces = [
            "[",
            "]",
            "@",
            "\\",
            "*",
            "_",
            "`",
            "#",
            "$",
            "<",
            ">",
            "\n",
            "\n\n",
            "- ",
            "1. ",
            "> ",
            "|",
            "[^1]",
            "[^1]: ",
            "&amp;",
            "---\n",
            "```",
            "    ",
            "[@b]",
            "-@c",
            ";",
            " p. 4",
            "ش",
            "\"",
            "~",
            "//",
            "/*",
            "{",
            "}",
            "(",
            ")",
            "![x](y)",
            "<!--",
            "<br>",
            "http://x/@y",
            "\r\n",
            "=",
            "...",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        for round in 0..120 {
            let mut text = base.to_string();
            for _ in 0..next() % 12 + 1 {
                let mut at = next() % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, pieces[next() % pieces.len()]);
            }
            let out = typst(&text);
            let (errors, _) = typst_syntax::parse(&out).errors_and_warnings();
            assert!(errors.is_empty(), "round {round}: {errors:?}\n{text}");
        }
    }
}
