//! hayagriva's output as runs of text the template prints.

use super::*;

/// Drops the style's brackets around a citation printed on its own.
pub(super) fn strip(body: &mut Vec<Value>, open: &str, close: &str) {
    if !open.is_empty()
        && let Some(first) = body.first_mut()
    {
        trim_run(first, |text| text.strip_prefix(open));
    }
    if !close.is_empty()
        && let Some(last) = body.last_mut()
    {
        trim_run(last, |text| text.strip_suffix(close));
    }
    body.retain(|run| run_text(run).is_none_or(|t| !t.is_empty()));
}

/// Gives a run of text what `trim` leaves of it, where it takes anything.
fn trim_run(run: &mut Value, trim: impl for<'t> Fn(&'t str) -> Option<&'t str>) {
    if let Some(rest) = run_text(run).and_then(trim).map(str::to_string) {
        set_run_text(run, rest);
    }
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
pub(super) struct Runs<'a> {
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
    pub(super) fn citation(request: &'a Request, children: &ElemChildren) -> Vec<Value> {
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

    pub(super) fn entry(first: Option<&ElemChild>, children: &ElemChildren) -> (Value, Vec<Value>) {
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
}
