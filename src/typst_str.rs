//! Text written as a Typst string literal: the one escaper every piece of
//! generated Typst uses, so no text can become code.

/// A Typst string literal.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match escape(ch) {
            Some(escape) => out.push_str(&escape),
            None => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// How `ch` is written inside a Typst string literal, if not as itself.
pub fn escape(ch: char) -> Option<String> {
    Some(match ch {
        '\\' => "\\\\".into(),
        '"' => "\\\"".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
        _ => return None,
    })
}
