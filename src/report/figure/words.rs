//! The words around a number: qualifiers that bound it (`about`, `more
//! than`), scales and percent signs, and the words after which a number
//! names a part rather than counts (`Article 6`, `pp. 12–15`).

use super::token::{Tok, Token};

/// How a word before or after a figure bounds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Qualifier {
    About,
    AtLeast,
    AtMost,
}

pub(super) const BEFORE: &[(&str, Qualifier)] = &[
    ("about", Qualifier::About),
    ("around", Qualifier::About),
    ("some", Qualifier::About),
    ("approximately", Qualifier::About),
    ("approx", Qualifier::About),
    ("nearly", Qualifier::About),
    ("roughly", Qualifier::About),
    ("almost", Qualifier::About),
    ("circa", Qualifier::About),
    ("ca", Qualifier::About),
    ("c", Qualifier::About),
    ("an estimated", Qualifier::About),
    ("estimated", Qualifier::About),
    ("close to", Qualifier::About),
    ("~", Qualifier::About),
    ("≈", Qualifier::About),
    ("حدود", Qualifier::About),
    ("حدودا", Qualifier::About),
    ("حدوداً", Qualifier::About),
    ("تقریبا", Qualifier::About),
    ("تقریباً", Qualifier::About),
    ("نزدیک به", Qualifier::About),
    ("قرابة", Qualifier::About),
    ("حوالي", Qualifier::About),
    ("نحو", Qualifier::About),
    ("more than", Qualifier::AtLeast),
    ("over", Qualifier::AtLeast),
    ("at least", Qualifier::AtLeast),
    ("upwards of", Qualifier::AtLeast),
    ("in excess of", Qualifier::AtLeast),
    ("above", Qualifier::AtLeast),
    ("exceeding", Qualifier::AtLeast),
    ("greater than", Qualifier::AtLeast),
    (">", Qualifier::AtLeast),
    ("≥", Qualifier::AtLeast),
    ("بیش از", Qualifier::AtLeast),
    ("بیشتر از", Qualifier::AtLeast),
    ("بالغ بر", Qualifier::AtLeast),
    ("دست‌کم", Qualifier::AtLeast),
    ("حداقل", Qualifier::AtLeast),
    ("أكثر من", Qualifier::AtLeast),
    ("fewer than", Qualifier::AtMost),
    ("less than", Qualifier::AtMost),
    ("under", Qualifier::AtMost),
    ("at most", Qualifier::AtMost),
    ("up to", Qualifier::AtMost),
    ("no more than", Qualifier::AtMost),
    ("below", Qualifier::AtMost),
    ("as many as", Qualifier::AtMost),
    ("<", Qualifier::AtMost),
    ("≤", Qualifier::AtMost),
    ("کمتر از", Qualifier::AtMost),
    ("حداکثر", Qualifier::AtMost),
    ("أقل من", Qualifier::AtMost),
];

pub(super) const BEFORE_DATE: &[(&str, Qualifier)] = &[
    ("before", Qualifier::AtMost),
    ("by", Qualifier::AtMost),
    ("until", Qualifier::AtMost),
    ("till", Qualifier::AtMost),
    ("after", Qualifier::AtLeast),
    ("since", Qualifier::AtLeast),
];

pub(super) const AFTER: &[(&str, Qualifier)] = &[
    ("or more", Qualifier::AtLeast),
    ("or over", Qualifier::AtLeast),
    ("or fewer", Qualifier::AtMost),
    ("or less", Qualifier::AtMost),
];

/// Words after which a number names a part or an item, not a quantity.
pub(super) const NAMING: &[&str] = &[
    "article",
    "articles",
    "art",
    "resolution",
    "resolutions",
    "res",
    "no",
    "nos",
    "number",
    "numbers",
    "page",
    "pages",
    "p",
    "pp",
    "para",
    "paras",
    "paragraph",
    "paragraphs",
    "section",
    "sections",
    "sec",
    "chapter",
    "chapters",
    "ch",
    "vol",
    "volume",
    "volumes",
    "item",
    "items",
    "rule",
    "rules",
    "clause",
    "clauses",
    "figure",
    "fig",
    "table",
    "annex",
    "appendix",
    "footnote",
    "note",
    "notes",
    "line",
    "lines",
    "verse",
    "amendment",
    "protocol",
    "session",
    "case",
    "file",
    "ward",
    "block",
    "room",
    "cell",
    "route",
    "highway",
    "flight",
    "code",
    "version",
    "level",
    "grade",
    "step",
    "phase",
    "stage",
    "part",
    "book",
    "issue",
    "series",
    "credibility",
    "reliability",
    "score",
    "rank",
    "tier",
    "category",
    "class",
    "type",
    "model",
    "goal",
    "goals",
    "sdg",
    "sdgs",
    "target",
    "targets",
    "indicator",
    "principle",
    "principles",
    "recommendation",
    "recommendations",
    "box",
    "chart",
    "map",
    "schedule",
    "law",
    "act",
    "decree",
    "order",
    "district",
    "zone",
    "sector",
    "camp",
    "unit",
    "brigade",
    "division",
    "building",
    "exhibit",
    "question",
    "docket",
    "unscr",
    "cop",
    "objective",
    "pillar",
    "priority",
    "tranche",
    "round",
    "wave",
    "cohort",
    "title",
    "iso",
    "windows",
    "boeing",
    "hall",
    "قطعنامه",
    "تبصره",
    "مصوبه",
    "مواد",
    "ماده",
    "بند",
    "صفحه",
    "شماره",
    "اصل",
    "فصل",
];

/// The words (or signs) that end just before token `t`, as one phrase of up
/// to `n` words, lower case.
pub(super) fn phrase_before(toks: &[Token], t: usize, n: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut k = t;
    while k > 0 && words.len() < n {
        k -= 1;
        match &toks[k].tok {
            Tok::Word(w) => words.push(w.clone()),
            Tok::Punct(c @ ('~' | '≈' | '>' | '<' | '≥' | '≤')) => words.push(c.to_string()),
            // `approx.`, `c.`
            Tok::Punct('.') if words.is_empty() => {}
            _ => break,
        }
    }
    words.reverse();
    words.join(" ")
}

pub(super) fn qualifier_before(toks: &[Token], t: usize, date: bool) -> Option<Qualifier> {
    let table: &[(&str, Qualifier)] = if date { BEFORE_DATE } else { BEFORE };
    for n in (1..=3).rev() {
        let phrase = phrase_before(toks, t, n);
        if phrase.is_empty() {
            continue;
        }
        // The last n words of what precedes.
        if let Some((_, q)) = table.iter().find(|(p, _)| {
            phrase == *p || phrase.ends_with(&format!(" {p}")) && p.split(' ').count() == n
        }) {
            // `c.` and `ca.` only with their full stop.
            let word = phrase.rsplit(' ').next().unwrap_or("");
            if matches!(word, "c" | "ca" | "approx")
                && !matches!(
                    toks.get(t.wrapping_sub(1)).map(|k| &k.tok),
                    Some(Tok::Punct('.'))
                )
            {
                continue;
            }
            return Some(*q);
        }
    }
    None
}

pub(super) fn qualifier_after(toks: &[Token], t: usize) -> Option<(Qualifier, usize)> {
    let word = |k: usize| match toks.get(k).map(|x| &x.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    if let Some(Tok::Punct('+')) = toks.get(t + 1).map(|x| &x.tok)
        && !toks[t + 1].spaced
    {
        return Some((Qualifier::AtLeast, t + 1));
    }
    let two = format!("{} {}", word(t + 1)?, word(t + 2)?);
    AFTER
        .iter()
        .find(|(p, _)| *p == two)
        .map(|(_, q)| (*q, t + 2))
}

/// Whether the token before `t` names what follows (`Article 6`, `§ 4`).
pub(super) fn named(toks: &[Token], t: usize) -> bool {
    // A grouped number, a decimal or a percentage is an amount whatever
    // the word before it: `in the first phase 12,000 died`.
    let Tok::Num(num) = &toks[t].tok else {
        return false;
    };
    // `Section 4.2` names; `phase 12,000` counts.
    if num.grouped
        || num.glued_percent
        || num.factor != 1.0
        || percent(toks, t).is_some()
        || scale(toks, t).is_some()
    {
        return false;
    }
    match t.checked_sub(1).map(|k| &toks[k].tok) {
        Some(Tok::Word(w)) => NAMING.contains(&w.as_str()),
        Some(Tok::Punct('.')) => matches!(
            t.checked_sub(2).map(|k| &toks[k].tok),
            Some(Tok::Word(w)) if NAMING.contains(&w.as_str()) || DOTTED.contains(&w.as_str())
        ),
        Some(Tok::Punct('#' | '§' | '№' | '¶')) => true,
        _ => false,
    }
}

/// Short forms that name a part only with their full stop: `n. 12`,
/// `s. 4`, `r. 7`.
pub(super) const DOTTED: &[&str] = &[
    "n", "nn", "fn", "fns", "s", "ss", "r", "rr", "l", "ll", "v", "vv", "nr",
];

/// What joins the two ends of a range or the items of a list of numbers.
pub(super) fn is_joiner(tok: &Tok) -> bool {
    match tok {
        Tok::Punct(c) => matches!(c, '–' | '—' | '-' | '−' | ',' | '&'),
        Tok::Word(w) => matches!(w.as_str(), "to" | "and" | "or" | "تا" | "و"),
        _ => false,
    }
}

/// Whether the number at `t` names a time of day: `11 p.m.`, `9am`,
/// `10 o'clock`.
pub(super) fn timed(toks: &[Token], t: usize) -> bool {
    let word = |k: usize| match toks.get(k).map(|x| &x.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    match word(t + 1) {
        Some("am" | "pm" | "hrs" | "hours" | "h" | "o") => true,
        Some("a" | "p") => {
            matches!(toks.get(t + 2).map(|x| &x.tok), Some(Tok::Punct('.')))
                && word(t + 3) == Some("m")
        }
        _ => false,
    }
}

pub(super) fn scale(toks: &[Token], t: usize) -> Option<(f64, usize)> {
    let Some(Tok::Word(w)) = toks.get(t + 1).map(|x| &x.tok) else {
        return None;
    };
    let factor = match w.as_str() {
        "thousand" | "هزار" | "ألف" | "آلاف" => 1e3,
        "million" | "millions" | "mn" | "میلیون" | "مليون" | "ملايين" => 1e6,
        "billion" | "billions" | "bn" | "میلیارد" | "مليار" => 1e9,
        _ => return None,
    };
    Some((factor, t + 1))
}

pub(super) fn percent(toks: &[Token], t: usize) -> Option<usize> {
    match toks.get(t + 1).map(|x| &x.tok) {
        Some(Tok::Punct('%' | '٪')) => Some(t + 1),
        Some(Tok::Word(w)) if w == "percent" || w == "درصد" || w == "بالمئة" => {
            Some(t + 1)
        }
        Some(Tok::Word(w)) if w == "per" => match toks.get(t + 2).map(|x| &x.tok) {
            Some(Tok::Word(c)) if c == "cent" => Some(t + 2),
            _ => None,
        },
        _ => None,
    }
}

/// Words after which a year names a document: `the 1951 Refugee
/// Convention`, `the 1966 Covenant`.
pub(super) const INSTRUMENTS: &[&str] = &[
    "convention",
    "conventions",
    "covenant",
    "protocol",
    "protocols",
    "agreement",
    "accord",
    "accords",
    "charter",
    "declaration",
    "treaty",
    "constitution",
    "census",
    "act",
    "statute",
];

/// Whether the year at `t` is part of a document's name.
pub(super) fn names_document(toks: &[Token], t: usize) -> bool {
    (t + 1..(t + 4).min(toks.len()))
        .any(|k| matches!(&toks[k].tok, Tok::Word(w) if INSTRUMENTS.contains(&w.as_str())))
        && toks[t + 1..(t + 4).min(toks.len())]
            .iter()
            .take_while(|x| matches!(x.tok, Tok::Word(_)))
            .any(|x| matches!(&x.tok, Tok::Word(w) if INSTRUMENTS.contains(&w.as_str())))
}
