//! TeX in BibTeX and BibLaTeX fields, turned into the text a reader sees.
//! hayagriva (through the `biblatex` crate) already resolves accents and
//! special letters (`{\"O}`, `{\c{C}}`, `{\i}`) and `---`; what it leaves —
//! ties, `--`, `\mkbibquote`, `\emph` and the other text commands,
//! `\hyphen`, escaped characters, braces and math delimiters — is turned
//! into characters here.

/// The text of a field as TeX would print it.
pub fn to_text(tex: &str) -> String {
    let chars: Vec<char> = tex.chars().collect();
    let mut out = String::with_capacity(tex.len());
    write(&chars, &mut 0, &mut out, 0);
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
        "textdegree" => "°",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        "BibTeX" => "BibTeX",
        "," | "thinspace" | "nobreakspace" => "\u{A0}",
        " " | "\\" | "newline" | "par" => " ",
        "&" => "&",
        "%" => "%",
        "$" => "$",
        "#" => "#",
        "_" => "_",
        "{" => "{",
        "}" => "}",
        "~" => "~",
        "relax" | "noopsort" | "bibnamedelima" | "bibnamedelimb" | "/" | "@" => "",
        _ => return None,
    })
}

/// Reads TeX from `at` to the end or to the closing brace of the group it
/// is in, writing its text to `out`.
fn write(chars: &[char], at: &mut usize, out: &mut String, depth: usize) {
    while *at < chars.len() {
        let c = chars[*at];
        *at += 1;
        match c {
            '}' if depth > 0 => return,
            '{' | '}' | '$' => {
                if c == '{' {
                    write(chars, at, out, depth + 1);
                }
            }
            '~' => out.push('\u{A0}'),
            '-' if chars.get(*at) == Some(&'-') => {
                if chars.get(*at + 1) == Some(&'-') {
                    *at += 2;
                    out.push('—');
                } else {
                    *at += 1;
                    out.push('–');
                }
            }
            '\\' => command(chars, at, out, depth),
            _ => out.push(c),
        }
    }
}

fn command(chars: &[char], at: &mut usize, out: &mut String, depth: usize) {
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
    if letters {
        // The space after a command word ends it and is not printed.
        if chars.get(*at) == Some(&' ') && symbol(&name).is_some() {
            *at += 1;
        }
    }
    if let Some(text) = symbol(&name) {
        out.push_str(text);
        // `\hyphen{}`: an empty group after it.
        if chars.get(*at) == Some(&'{') && chars.get(*at + 1) == Some(&'}') {
            *at += 2;
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
        write(chars, at, &mut inner, depth + 1);
        if quote {
            out.push('“');
            out.push_str(&inner);
            out.push('”');
        } else {
            // A text command (`\emph`, `\textsc`), or one dossier does not
            // know: its argument, without the formatting.
            out.push_str(&inner);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn commands_ties_dashes_and_braces_become_text() {
        assert_eq!(to_text("J.~Organomet. Chem."), "J.\u{a0}Organomet. Chem.");
        assert_eq!(
            to_text(r"\mkbibquote{Intention} in \emph{De Anima}: 5.2~nm, pp.~1--15"),
            "“Intention” in De Anima: 5.2\u{a0}nm, pp.\u{a0}1–15"
        );
        assert_eq!(
            to_text(r"Hermann\hyphen{}style and \textsc{Abc}"),
            "Hermann-style and Abc"
        );
        assert_eq!(
            to_text(r"The {LaTeX} Companion \& more, 50\,\% of $x^2$"),
            "The LaTeX Companion & more, 50\u{a0}% of x^2"
        );
        assert_eq!(to_text(r"\enquote{a \emph{b}} --- c"), "“a b” — c");
        assert_eq!(to_text(r"\unknown{kept} \relax end"), "kept end");
        assert_eq!(to_text(r"broken \emph{open"), "broken open");
        assert_eq!(to_text("\\"), "");
    }
}
