//! Figures in prose: counts, percentages and dates as a sentence states them,
//! each read as the interval of values it allows. `3,000`, `2.5 million`,
//! `۳٬۰۰۰` and `45%` are counts; `19 July 1988`, `July 19, 1988`,
//! `July 1988`, `1988-07-19` and a bare year are dates. Words before a
//! figure qualify it: `about 30,000` allows ±10 %, `more than 30,000` has no
//! upper bound, `between 2,800 and 3,800` is a range. Numbers that name
//! rather than count (`Article 6`, `p. 12`, `COVID-19`, `25th`, `10:30`) are
//! not figures.

mod date;
#[cfg(test)]
mod tests;
mod token;
mod words;

use std::ops::Range;

use self::date::{date_at, date_interval, date_range, is_year, year_of, yearless_date};
pub use self::token::is_digit;
use self::token::{Tok, Token, tokens};
use self::words::{
    Qualifier, is_joiner, named, names_document, percent, qualifier_after, qualifier_before, scale,
    timed,
};
use super::sentence::Char;
use crate::registry::value::{Interval, Number, PartialDate};

/// What a figure states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number of things, or an amount.
    Count,
    /// A percentage; compared with evidence values as a number.
    Percent,
    /// A date, as precise as written.
    Date,
}

/// One figure in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Count, percentage or date.
    pub kind: Kind,
    /// The values it allows: days from the common era for dates.
    pub interval: Interval,
    /// Byte range in the file, from its first digit (or month) to its last
    /// character.
    pub range: Range<usize>,
    /// A count of 10 or more, a percentage or a date to the day: what a
    /// sentence may not state without a citation.
    pub notable: bool,
    /// The value as written, before its qualifier: `more than 12` states
    /// 12.
    pub stated: Interval,
}

/// A figure read from token `t`: its kind, interval, last token and whether
/// it is a date to the day.
struct Read {
    kind: Kind,
    low: Number,
    high: Number,
    last: usize,
    day: bool,
}

fn read_at(toks: &[Token], t: usize) -> Option<Read> {
    if let Some((last, date)) = date_at(toks, t) {
        let interval = date_interval(date, date)?;
        return Some(Read {
            kind: Kind::Date,
            low: interval.low,
            high: interval.high,
            last,
            day: date.day.is_some(),
        });
    }
    let Tok::Num(num) = &toks[t].tok else {
        return None;
    };
    if num.ordinal || named(toks, t) || timed(toks, t) {
        return None;
    }
    // `۱۳۶۷`: a year of the Solar Hijri (or Hijri) calendar, which is not
    // compared with the evidence's Gregorian dates.
    if num.native && num.plain && num.digits == 4 && (1300.0..1500.0).contains(&num.value) {
        return None;
    }
    if num.decade {
        let year = num.int? as i32;
        let interval = date_interval(
            PartialDate {
                year,
                month: None,
                day: None,
            },
            PartialDate {
                year: year + 9,
                month: None,
                day: None,
            },
        )?;
        return Some(Read {
            kind: Kind::Date,
            low: interval.low,
            high: interval.high,
            last: t,
            day: false,
        });
    }
    if num.glued_percent {
        let n = Number::Float(num.value);
        return Some(Read {
            kind: Kind::Percent,
            low: n,
            high: n,
            last: t,
            day: false,
        });
    }
    if num.factor != 1.0 {
        let n = Number::Float(num.value * num.factor);
        return Some(Read {
            kind: Kind::Count,
            low: n,
            high: n,
            last: t,
            day: false,
        });
    }
    if let Some(last) = percent(toks, t) {
        let n = Number::Float(num.value);
        return Some(Read {
            kind: Kind::Percent,
            low: n,
            high: n,
            last,
            day: false,
        });
    }
    if let Some((factor, last)) = scale(toks, t) {
        let n = Number::Float(num.value * factor);
        let last = percent(toks, last).unwrap_or(last);
        return Some(Read {
            kind: Kind::Count,
            low: n,
            high: n,
            last,
            day: false,
        });
    }
    if is_year(num) {
        if names_document(toks, t) {
            return None;
        }
        let year = num.int? as i32;
        let date = PartialDate {
            year,
            month: None,
            day: None,
        };
        let interval = date_interval(date, date)?;
        return Some(Read {
            kind: Kind::Date,
            low: interval.low,
            high: interval.high,
            last: t,
            day: false,
        });
    }
    let n = match num.int {
        Some(i) => Number::Int(i),
        None => Number::Float(num.value),
    };
    Some(Read {
        kind: Kind::Count,
        low: n,
        high: n,
        last: t,
        day: false,
    })
}

/// `n` times `factor` tenths.
fn widen(n: Number, tenths: f64) -> Number {
    match n {
        Number::Int(i) => Number::Float(i as f64 * tenths / 10.0),
        Number::Float(f) => Number::Float(f * tenths / 10.0),
    }
}

/// Every figure in a sentence.
pub fn figures(chars: &[Char]) -> Vec<Figure> {
    let toks = tokens(chars);
    let mut out = Vec::new();
    let mut t = 0;
    while t < toks.len() {
        if let Some((last, interval)) = date_range(&toks, t) {
            let (low, high) = (interval.low, interval.high);
            let interval = match qualifier_before(&toks, t, true) {
                Some(Qualifier::AtLeast) => Interval {
                    low,
                    high: Number::Float(f64::INFINITY),
                },
                Some(Qualifier::AtMost) => Interval {
                    low: Number::Float(f64::NEG_INFINITY),
                    high,
                },
                _ => interval,
            };
            out.push(Figure {
                kind: Kind::Date,
                interval,
                range: chars[toks[t].start].range.start..chars[toks[last].end - 1].range.end,
                notable: false,
                stated: interval,
            });
            t = last + 1;
            continue;
        }
        if let Some(last) = yearless_date(&toks, t)
            && date_at(&toks, t).is_none()
        {
            t = last + 1;
            continue;
        }
        if matches!(toks[t].tok, Tok::Num(_)) && named(&toks, t) {
            // `pp. 12–15`, `Articles 6 and 7`: every number of the run names.
            t += 1;
            while t + 1 < toks.len()
                && is_joiner(&toks[t].tok)
                && matches!(toks[t + 1].tok, Tok::Num(_))
            {
                t += 2;
            }
            // `resolution 2417 (2018)`: the year is part of the name.
            if matches!(toks.get(t).map(|x| &x.tok), Some(Tok::Punct('(')))
                && toks.get(t + 1).is_some_and(|x| year_of(&x.tok).is_some())
                && matches!(toks.get(t + 2).map(|x| &x.tok), Some(Tok::Punct(')')))
            {
                t += 3;
            }
            continue;
        }
        let Some(read) = read_at(&toks, t) else {
            t += 1;
            continue;
        };
        let first = t;
        let mut last = read.last;
        let (mut low, mut high) = (read.low, read.high);
        let date = read.kind == Kind::Date;
        // A range: `2,800–3,800`, `between 2,800 and 3,800`, `from 1988 to 1989`.
        let between = matches!(t.checked_sub(1).map(|k| &toks[k].tok), Some(Tok::Word(w)) if w == "between" || w == "from");
        let joiner = match toks.get(last + 1).map(|x| &x.tok) {
            Some(Tok::Punct('–' | '—' | '-' | '−')) => true,
            Some(Tok::Word(w)) if w == "to" || (between && w == "and") || w == "تا" => true,
            _ => false,
        };
        let mut ranged = false;
        if joiner
            && last + 2 < toks.len()
            && let Some(other) = read_at(&toks, last + 2)
            && other.kind == read.kind
            && (scale(&toks, last + 2).is_some() || read.low <= other.high)
        {
            // `between 2.5 and 3 million`: the scale of the second applies
            // to both.
            if let Tok::Num(first_num) = &toks[t].tok
                && scale(&toks, t).is_none()
                && percent(&toks, t).is_none()
                && let Some((factor, _)) = scale(&toks, last + 2)
            {
                low = Number::Float(first_num.value * factor);
            }
            high = other.high;
            last = other.last;
            ranged = true;
        } else if joiner
            && last + 2 < toks.len()
            && let Tok::Num(n) = &toks[last + 2].tok
            && read.kind != Kind::Date
            && (scale(&toks, last + 2).is_some() || Number::Float(n.value) >= read.low)
            && let Some((factor, end)) = scale(&toks, last + 2).or(Some((1.0, last + 2)))
        {
            // `2.5 to 3 million`: the scale of the second applies to both.
            let scale_first = scale(&toks, t).is_none() && factor != 1.0;
            if scale_first {
                low = widen(low, factor * 10.0);
            }
            let end = percent(&toks, end).unwrap_or(end);
            high = Number::Float(n.value * factor);
            last = end;
            ranged = true;
        }
        if !ranged {
            let qualifier = qualifier_before(&toks, first, date).or_else(|| {
                qualifier_after(&toks, last).map(|(q, end)| {
                    last = end;
                    q
                })
            });
            match qualifier {
                Some(Qualifier::About) if !date => {
                    low = widen(low, 9.0);
                    high = widen(high, 11.0);
                }
                Some(Qualifier::AtLeast) => high = Number::Float(f64::INFINITY),
                Some(Qualifier::AtMost) => low = Number::Float(f64::NEG_INFINITY),
                _ => {}
            }
        }
        let stated = Interval {
            low: read.low,
            high: read.high,
        };
        let notable = match read.kind {
            Kind::Percent => true,
            Kind::Date => read.day,
            Kind::Count => {
                high >= Number::Int(10) && high != Number::Float(f64::INFINITY)
                    || low >= Number::Int(10)
            }
        };
        out.push(Figure {
            kind: read.kind,
            interval: Interval { low, high },
            range: chars[toks[first].start].range.start..chars[toks[last].end - 1].range.end,
            notable,
            stated: if ranged {
                Interval { low, high }
            } else {
                stated
            },
        });
        t = last + 1;
    }
    out
}
