//! A capture's text as a reader sees it: an HTML page without its markup,
//! a PDF's text in reading order.

/// The text of an HTML page as a reader sees it: tags, comments, scripts
/// and styles left out, entities decoded, blocks on lines of their own;
/// with, for each stretch of text, the line of the page it comes from.
/// html5ever's tokenizer reads it in one pass, whatever the nesting.
pub fn html_text(html: &str) -> (String, Vec<(usize, usize)>) {
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
        states::RawKind,
    };
    use std::cell::{Cell, RefCell};

    #[derive(Default)]
    struct Sink {
        text: RefCell<String>,
        lines: RefCell<Vec<(usize, usize)>>,
        /// Inside a script, style or title: text nobody reads as prose.
        hidden: Cell<bool>,
    }

    impl Sink {
        /// Adds text that ends on line `last` of the page.
        fn push(&self, piece: &str, last: u64) {
            let mut text = self.text.borrow_mut();
            let mut lines = self.lines.borrow_mut();
            let mut line = (last as usize).saturating_sub(piece.matches('\n').count());
            for (i, part) in piece.split('\n').enumerate() {
                if i > 0 {
                    text.push('\n');
                    line += 1;
                }
                if lines.last().is_none_or(|&(_, l)| l != line) {
                    lines.push((text.len(), line));
                }
                text.push_str(part);
            }
        }
    }

    impl TokenSink for Sink {
        type Handle = ();

        fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
            match token {
                Token::TagToken(tag) => {
                    let name: &str = &tag.name;
                    let start = tag.kind == TagKind::StartTag;
                    let raw = match name {
                        "script" => Some(RawKind::ScriptData),
                        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                            Some(RawKind::Rawtext)
                        }
                        "title" | "textarea" => Some(RawKind::Rcdata),
                        _ => None,
                    };
                    if let Some(kind) = raw {
                        let hide = name != "textarea";
                        if start && !tag.self_closing {
                            self.hidden.set(hide);
                            return TokenSinkResult::RawData(kind);
                        }
                        self.hidden.set(false);
                        return TokenSinkResult::Continue;
                    }
                    if name == "plaintext" && start {
                        return TokenSinkResult::Plaintext;
                    }
                    if is_block(name) {
                        self.push("\n", line);
                    }
                }
                Token::CharacterTokens(text) if !self.hidden.get() => self.push(&text, line),
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }

    fn is_block(name: &str) -> bool {
        matches!(
            name,
            "p" | "div"
                | "br"
                | "li"
                | "ul"
                | "ol"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "tr"
                | "td"
                | "th"
                | "table"
                | "section"
                | "article"
                | "header"
                | "footer"
                | "blockquote"
                | "pre"
                | "hr"
                | "dd"
                | "dt"
                | "dl"
                | "figcaption"
                | "figure"
                | "aside"
                | "nav"
                | "main"
                | "address"
                | "caption"
                | "details"
                | "summary"
        )
    }

    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = tokenizer.sink;
    (sink.text.into_inner(), sink.lines.into_inner())
}

/// A PDF's text with each line that holds right-to-left letters turned
/// into reading order: PDF text comes out in the order the glyphs are
/// drawn, left to right, so a Persian line reads backwards. Runs of
/// left-to-right letters and digits inside it keep their order. `None`
/// when no line has right-to-left letters.
pub(super) fn logical_order(text: &str) -> Option<String> {
    use unicode_bidi::{BidiClass, bidi_class};
    let rtl = |c: char| matches!(bidi_class(c), BidiClass::R | BidiClass::AL);
    if !text.chars().any(rtl) {
        return None;
    }
    let ltr = |c: char| matches!(bidi_class(c), BidiClass::L | BidiClass::EN | BidiClass::AN);
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if !line.chars().any(rtl) {
            out.push_str(line);
            continue;
        }
        let reversed: Vec<char> = line.chars().rev().collect();
        let mut i = 0;
        while i < reversed.len() {
            if !ltr(reversed[i]) {
                out.push(reversed[i]);
                i += 1;
                continue;
            }
            // A left-to-right run, with what lies between its letters.
            let mut last = i;
            let mut j = i + 1;
            while j < reversed.len() && !rtl(reversed[j]) {
                if ltr(reversed[j]) {
                    last = j;
                }
                j += 1;
            }
            out.extend(reversed[i..=last].iter().rev());
            i = last + 1;
        }
    }
    Some(out)
}

/// The text of a PDF, page after page.
pub(super) fn pdf_text(bytes: &[u8]) -> std::io::Result<String> {
    let invalid = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidData, why);
    match crate::quiet::quietly(|| pdf_extract::extract_text_from_mem(bytes)) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(error)) => Err(invalid(format!("not a readable PDF: {error}"))),
        Err(_) => Err(invalid("not a readable PDF".into())),
    }
}
