//! TeX in BibTeX and BibLaTeX fields, in both directions.
//!
//! Reading: hayagriva (through the `biblatex` crate) already resolves
//! accents and special letters (`{\"O}`, `{\c{C}}`, `{\i}`), escaped
//! characters (`\$`, `\{`), `@string` macros, `crossref`, `xdata` and
//! dashes, and splits off braces and math; what it leaves in the text —
//! ties, `\mkbibquote`, `\emph` and the other commands it does not know,
//! `\hyphen` — becomes registry rich text here ([`crate::registry::rich`]):
//! formatting commands become its tags. Math, which it hands over as TeX,
//! stays readable (`$11^{th}$` is "11<sup>th</sup>").
//!
//! Writing: registry rich text becomes TeX that reads back as itself.

use crate::registry::rich::{self, Node, Tag};

/// The registry rich text of a field's text as the `biblatex` crate
/// resolved it.
pub fn to_rich(tex: &str) -> String {
    let chars: Vec<char> = tex.chars().collect();
    let mut out = String::with_capacity(tex.len());
    write(&chars, &mut 0, &mut out, 0, false);
    out
}

/// The text of a TeX field as a reader sees it, without formatting.
pub fn to_text(tex: &str) -> String {
    rich::plain(&to_rich(tex))
}

/// TeX math as registry rich text: scripts become superscript and
/// subscript, Greek letters and symbols their characters.
pub fn math_to_rich(math: &str) -> String {
    let chars: Vec<char> = math.chars().collect();
    let mut out = String::with_capacity(math.len());
    write(&chars, &mut 0, &mut out, 0, true);
    out
}

/// Commands that stand for one character (or none).
fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "hyphen" => "-",
        "-" => "",
        "slash" => "/",
        "ldots" | "dots" | "textellipsis" => "…",
        "textendash" => "–",
        "textemdash" => "—",
        "textquoteleft" => "‘",
        "textquoteright" => "’",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "S" | "textsection" => "§",
        "P" | "textparagraph" => "¶",
        "copyright" | "textcopyright" => "©",
        "textregistered" => "®",
        "texttrademark" => "™",
        "textdegree" | "degree" => "°",
        "textbackslash" => "\\",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textless" => "<",
        "textgreater" => ">",
        "LaTeX" => "LaTeX",
        "LaTeXe" => "LaTeX2ε",
        "TeX" => "TeX",
        "BibTeX" => "BibTeX",
        "," | "thinspace" | "nobreakspace" | ";" => "\u{A0}",
        " " | "\\" | "newline" | "par" | "quad" | "qquad" => " ",
        "&" => "&",
        "%" => "%",
        "$" => "$",
        "#" => "#",
        "_" => "_",
        "{" => "{",
        "}" => "}",
        "~" => "~",
        "times" => "×",
        "pm" => "±",
        "cdot" => "·",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "infty" => "∞",
        "to" | "rightarrow" => "→",
        "dag" => "†",
        "ddag" => "‡",
        "relax" | "noopsort" | "bibnamedelima" | "bibnamedelimb" | "/" | "@" | "!" => "",
        _ => return greek(name),
    })
}

/// The Greek letters, as TeX names them.
fn greek(name: &str) -> Option<&'static str> {
    const LOWER: [(&str, &str); 24] = [
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ε"),
        ("zeta", "ζ"),
        ("eta", "η"),
        ("theta", "θ"),
        ("iota", "ι"),
        ("kappa", "κ"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("nu", "ν"),
        ("xi", "ξ"),
        ("pi", "π"),
        ("rho", "ρ"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("upsilon", "υ"),
        ("phi", "φ"),
        ("chi", "χ"),
        ("psi", "ψ"),
        ("omega", "ω"),
        ("varepsilon", "ε"),
    ];
    const UPPER: [(&str, &str); 10] = [
        ("Gamma", "Γ"),
        ("Delta", "Δ"),
        ("Theta", "Θ"),
        ("Lambda", "Λ"),
        ("Xi", "Ξ"),
        ("Pi", "Π"),
        ("Sigma", "Σ"),
        ("Phi", "Φ"),
        ("Psi", "Ψ"),
        ("Omega", "Ω"),
    ];
    LOWER
        .iter()
        .chain(UPPER.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

/// The formatting an old-style switch stands for.
fn switch_of(name: &str) -> Option<Tag> {
    Some(match name {
        "em" | "it" | "sl" => Tag::Italic,
        "bf" => Tag::Bold,
        "sc" => Tag::SmallCaps,
        _ => return None,
    })
}

/// The formatting a text command stands for.
fn format_of(name: &str) -> Option<Tag> {
    Some(match name {
        "emph" | "textit" | "textsl" | "mkbibemph" | "mathit" | "itshape" => Tag::Italic,
        "textbf" | "mkbibbold" | "mathbf" | "bfseries" => Tag::Bold,
        "textsc" | "scshape" => Tag::SmallCaps,
        "textsuperscript" | "mkbibsuperscript" => Tag::Superscript,
        "textsubscript" | "mkbibsubscript" => Tag::Subscript,
        _ => return None,
    })
}

/// A character of text; `<` is always escaped, since what follows it is not
/// known yet.
fn push_text(out: &mut String, c: char) {
    if matches!(c, '\\' | '{' | '}' | '<') {
        out.push('\\');
    }
    out.push(c);
}

fn tagged(out: &mut String, tag: Tag, inner: &str) {
    let (open, close) = rich::angle(tag);
    out.push_str(&open);
    out.push_str(inner);
    out.push_str(&close);
}

/// Reads TeX from `at` to the end or to the closing brace of the command
/// argument it is in, writing its rich text to `out`. Outside math the text
/// is as the `biblatex` crate left it: braces and dollars there are the
/// characters themselves, escaped in the source.
fn write(chars: &[char], at: &mut usize, out: &mut String, depth: usize, math: bool) {
    while *at < chars.len() {
        let c = chars[*at];
        *at += 1;
        match c {
            '}' if depth > 0 => return,
            '{' if math => write(chars, at, out, depth + 1, math),
            '}' if math => {}
            '^' | '_' if math => {
                let mut inner = String::new();
                match chars.get(*at) {
                    Some('{') => {
                        *at += 1;
                        write(chars, at, &mut inner, depth + 1, math);
                    }
                    Some('\\') => {
                        *at += 1;
                        command(chars, at, &mut inner, depth, math);
                    }
                    Some(&next) => {
                        *at += 1;
                        push_text(&mut inner, next);
                    }
                    None => {}
                }
                let tag = if c == '^' {
                    Tag::Superscript
                } else {
                    Tag::Subscript
                };
                tagged(out, tag, &inner);
            }
            ' ' if math => {}
            '~' => out.push('\u{A0}'),
            // What the crate leaves of an accent on a dotless letter
            // (`{\'\i}`): the mark, then the letter.
            '\\' if chars
                .get(*at)
                .is_some_and(|c| ('\u{300}'..='\u{36f}').contains(c)) =>
            {
                let mark = chars[*at];
                *at += 1;
                let letter = match chars.get(*at) {
                    Some('ı') | Some('i') => 'i',
                    Some('ȷ') | Some('j') => 'j',
                    Some(&c) if c.is_alphabetic() => c,
                    _ => {
                        push_text(out, mark);
                        continue;
                    }
                };
                *at += 1;
                use unicode_normalization::UnicodeNormalization;
                for c in [letter, mark].iter().collect::<String>().nfc() {
                    push_text(out, c);
                }
            }
            // A command, or a backslash the source escaped.
            '\\' if chars.get(*at).is_some_and(|c| {
                c.is_ascii_alphabetic()
                    || (math || !c.is_whitespace()) && symbol(&c.to_string()).is_some()
            }) =>
            {
                command(chars, at, out, depth, math)
            }
            _ => push_text(out, c),
        }
    }
}

fn command(chars: &[char], at: &mut usize, out: &mut String, depth: usize, math: bool) {
    let start = *at;
    while *at < chars.len() && chars[*at].is_ascii_alphabetic() {
        *at += 1;
    }
    if *at == start && *at < chars.len() {
        // A one-character command: `\&`, `\,`, `\-`.
        *at += 1;
    }
    let name: String = chars[start..*at].iter().collect();
    let letters = name.chars().all(|c| c.is_ascii_alphabetic());
    if letters && chars.get(*at) == Some(&' ') && symbol(&name).is_some() {
        // The space after a command word ends it and is not printed.
        *at += 1;
    }
    if let Some(text) = symbol(&name) {
        for c in text.chars() {
            push_text(out, c);
        }
        // `\hyphen{}`: an empty group after it.
        if chars.get(*at) == Some(&'{') && chars.get(*at + 1) == Some(&'}') {
            *at += 2;
        }
        return;
    }
    // `{\em …}`, `{\bf …}`: a switch that formats the rest of its group.
    if let Some(tag) = switch_of(&name) {
        if chars.get(*at) == Some(&' ') {
            *at += 1;
        }
        let mut inner = String::new();
        write(chars, at, &mut inner, depth, math);
        if depth > 0 {
            // The group's end was read: give it back to the caller.
            *at -= 1;
        }
        tagged(out, tag, &inner);
        return;
    }
    // `\string~`: the next character as itself (how a tilde is exported).
    if name == "string" {
        if chars.get(*at) == Some(&' ') {
            *at += 1;
        }
        if let Some(&c) = chars.get(*at) {
            *at += 1;
            push_text(out, c);
        }
        return;
    }
    let quote = matches!(
        name.as_str(),
        "mkbibquote" | "enquote" | "textquote" | "mkbibquotes"
    );
    if chars.get(*at) == Some(&'{') {
        *at += 1;
        let mut inner = String::new();
        write(chars, at, &mut inner, depth + 1, math);
        if quote {
            out.push('“');
            out.push_str(&inner);
            out.push('”');
        } else if let Some(tag) = format_of(&name) {
            tagged(out, tag, &inner);
        } else {
            // A command dossier does not know (`\textup`, `\mbox`): its
            // argument.
            out.push_str(&inner);
        }
    } else if math && letters {
        // `\mathrm` without a group, `\log`: the name reads as itself.
        out.push_str(&rich::escape(&name));
    }
}

/// Registry rich text as TeX: `{…}` stays a brace group, tags become text
/// commands, and every character TeX treats specially is escaped.
pub fn from_rich(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    match rich::parse(text) {
        Ok(nodes) => write_nodes(&nodes, &mut out),
        Err(_) => escape_into(text, &mut out),
    }
    out
}

/// Plain text as TeX.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

fn write_nodes(nodes: &[Node], out: &mut String) {
    let command = |tag: Tag| {
        let name = match tag {
            Tag::Italic => "emph",
            Tag::Bold => "textbf",
            Tag::SmallCaps => "textsc",
            Tag::Superscript => "textsuperscript",
            Tag::Subscript => "textsubscript",
        };
        (format!("\\{name}{{"), "}".to_string())
    };
    let syntax = rich::Syntax {
        text: &escape_into,
        kept: ("{", "}"),
        tag: &command,
    };
    rich::write_with(nodes, &syntax, out);
}

fn escape_into(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `--` would print as a dash.
            '-' if chars.peek() == Some(&'-') => out.push_str("-{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\string~"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\u{A0}' => out.push('~'),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn commands_ties_dashes_and_braces_become_text() {
        assert_eq!(to_text("J.~Organomet. Chem."), "J.\u{a0}Organomet. Chem.");
        assert_eq!(
            to_text(r"\mkbibquote{Intention} in \emph{De Anima}: 5.2~nm, pp.~1–15"),
            "“Intention” in De Anima: 5.2\u{a0}nm, pp.\u{a0}1–15"
        );
        assert_eq!(
            to_text(r"Hermann\hyphen{}style and \textsc{Abc}"),
            "Hermann-style and Abc"
        );
        // What the crate left: escapes resolved, braces and dollars as text.
        assert_eq!(
            to_text(r"Costs of 50% and $5 #1 a_b {x} \ end"),
            r"Costs of 50% and $5 #1 a_b {x} \ end"
        );
        assert_eq!(to_text(r"\enquote{a \emph{b}} — c"), "“a b” — c");
        assert_eq!(to_text(r"\unknown{kept} \relax end"), "kept end");
        assert_eq!(to_text(r"broken \emph{open"), "broken open");
        assert_eq!(to_text("\\"), "\\");
    }

    #[test]
    fn formatting_becomes_rich_text() {
        assert_eq!(
            to_rich(r"On \emph{De Anima} and \textsc{Hume}"),
            "On <i>De Anima</i> and <sc>Hume</sc>"
        );
        assert_eq!(math_to_rich(r"11^{th}"), "11<sup>th</sup>");
        assert_eq!(math_to_rich(r"\alpha_{2}"), "α<sub>2</sub>");
        assert_eq!(
            read_back(r"Garc{\'\i}a and {\em the origin} of {\bf it}"),
            "García and <i>the origin</i> of <b>it</b>"
        );
        assert_eq!(
            read_back(r"H$_2$O, $\alpha$-decay, \$5 and \{c\}"),
            r"H<sub>2</sub>O, {α}-decay, $5 and \{c\}"
        );
    }

    /// A title written as TeX, read back as an import reads it: through
    /// the `biblatex` crate, then here.
    fn read_back(tex: &str) -> String {
        let bib = biblatex::Bibliography::parse(&format!("@misc{{k, title = {{{tex}}}}}")).unwrap();
        let chunks = bib.get("k").unwrap().get("title").unwrap();
        let chunked = hayagriva::types::ChunkedString::from(chunks);
        super::super::mapping::rich_text_tex(&chunked)
    }

    proptest! {
        #![proptest_config(crate::testing::config())]

        /// Any text written as TeX reads back as itself.
        #[test]
        fn rich_text_survives_tex(text in r"[a-zA-Z {}<>/&%$#_~^\u{a0}é-]{0,30}") {
            // (A backslash before letters reads back as a command.)
            let rich = rich::escape(&text);
            // (TeX reads a run of spaces as one.)
            let spaces = |s: &str| s.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
            let back = rich::plain(&read_back(&from_rich(&rich)));
            prop_assert_eq!(spaces(&back), spaces(&text));
        }

        /// Tags and kept case survive too.
        #[test]
        fn formatting_survives_tex(words in proptest::collection::vec("[a-zA-Z]{1,6}", 1..5), tag in 0usize..5) {
            let (name, _) = Tag::ALL[tag];
            let rich = format!("{} <{name}>{}</{name}> {{{}}}", words.join(" "), words[0], words[0]);
            prop_assert_eq!(read_back(&from_rich(&rich)), rich);
        }
    }
}
