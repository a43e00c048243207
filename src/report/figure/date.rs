//! Dates in prose: month names, `19 July 1988`, `July 19, 1988`, ISO
//! dates, yearless days and the ranges between them, as day intervals.

use super::token::{Num, Tok, Token};
use super::words::is_joiner;
use crate::registry::value::{Interval, Number, PartialDate};

pub(super) const MONTHS: &[&[&str]] = &[
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["may"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// The Gregorian months as Persian writes them, in order.
pub(super) const PERSIAN_MONTHS: &[&str] = &[
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
];

/// Months of other calendars (Solar Hijri, Hijri): a date in one is not
/// compared, and its day is no count.
pub(super) const OTHER_MONTHS: &[&str] = &[
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "امرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
    "محرم",
    "صفر",
    "رمضان",
    "شوال",
    "رجب",
    "شعبان",
];

pub(super) fn month(tok: &Tok) -> Option<u32> {
    let Tok::Word(w) = tok else { return None };
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .or_else(|| PERSIAN_MONTHS.iter().position(|m| m == w))
        .map(|m| m as u32 + 1)
}

pub(super) fn day_number(date: PartialDate, last: bool) -> Option<Number> {
    let interval = date.interval();
    let n = if last { interval.high } else { interval.low };
    match n {
        Number::Int(_) => Some(n),
        Number::Float(_) => None,
    }
}

pub(super) fn date_interval(low: PartialDate, high: PartialDate) -> Option<Interval> {
    Some(Interval {
        low: day_number(low, false)?,
        high: day_number(high, true)?,
    })
}

pub(super) fn is_year(num: &Num) -> bool {
    num.plain && num.digits == 4 && !num.ordinal && (1800.0..=2100.0).contains(&num.value)
}

pub(super) fn year_of(tok: &Tok) -> Option<i32> {
    match tok {
        Tok::Num(n) if n.plain && n.digits == 4 && !n.ordinal && !n.decade => {
            n.int.map(|y| y as i32)
        }
        _ => None,
    }
}

pub(super) fn day_of(tok: &Tok) -> Option<u32> {
    match tok {
        Tok::Num(n) if n.plain && n.digits <= 2 && !n.decade => {
            n.int.filter(|d| (1..=31).contains(d)).map(|d| d as u32)
        }
        _ => None,
    }
}

/// A date starting at token `t`: its last token and the date.
pub(super) fn date_at(toks: &[Token], t: usize) -> Option<(usize, PartialDate)> {
    let tok = |k: usize| toks.get(k).map(|x| &x.tok);
    let punct =
        |k: usize, c: char| matches!(tok(k), Some(Tok::Punct(p)) if *p == c) && !toks[k].spaced;
    let date = |year: i32, month: Option<u32>, day: Option<u32>| {
        let d = PartialDate { year, month, day };
        d.first_day().map(|_| d)
    };
    // ISO: 1988-07-19, 1988-07.
    if let Some(Tok::Num(y)) = tok(t)
        && y.plain
        && y.digits == 4
        && punct(t + 1, '-')
        && let Some(Tok::Num(m)) = tok(t + 2)
        && m.plain
        && m.digits == 2
        && !toks[t + 2].spaced
        && let (Some(year), Some(month)) = (y.int, m.int)
    {
        if punct(t + 3, '-')
            && let Some(Tok::Num(d)) = tok(t + 4)
            && d.plain
            && d.digits == 2
            && !toks[t + 4].spaced
        {
            return Some((
                t + 4,
                date(year as i32, Some(month as u32), d.int.map(|d| d as u32))?,
            ));
        }
        if (1..=12).contains(&month) {
            return Some((t + 2, date(year as i32, Some(month as u32), None)?));
        }
    }
    // July 19, 1988 / July 1988 / July 19th 1988.
    if let Some(m) = tok(t).and_then(month) {
        let mut k = t + 1;
        if matches!(tok(k), Some(Tok::Punct('.'))) {
            k += 1;
        }
        let day = tok(k).and_then(day_of);
        if day.is_some() {
            let mut y = k + 1;
            if matches!(tok(y), Some(Tok::Punct(','))) {
                y += 1;
            }
            if let Some(year) = tok(y).and_then(year_of) {
                return Some((y, date(year, Some(m), day)?));
            }
            return None;
        }
        if let Some(year) = tok(k).and_then(year_of) {
            return Some((k, date(year, Some(m), None)?));
        }
        return None;
    }
    // 19 July 1988 / 19th of July, 1988.
    if let Some(day) = tok(t).and_then(day_of) {
        let mut k = t + 1;
        if matches!(tok(k), Some(Tok::Word(w)) if w == "of") {
            k += 1;
        }
        let m = tok(k).and_then(month)?;
        let mut y = k + 1;
        if matches!(tok(y), Some(Tok::Punct('.'))) {
            y += 1;
        }
        if matches!(tok(y), Some(Tok::Punct(','))) {
            y += 1;
        }
        let year = tok(y).and_then(year_of)?;
        return Some((y, date(year, Some(m), Some(day))?));
    }
    None
}

/// A day and month with no year (`19 July`, `July 19`): not a figure, but
/// its number is not a count either. Returns the last token.
pub(super) fn yearless_date(toks: &[Token], t: usize) -> Option<usize> {
    let tok = |k: usize| toks.get(k).map(|x| &x.tok);
    let any_month = |k: usize| {
        tok(k).and_then(month).is_some()
            || matches!(tok(k), Some(Tok::Word(w)) if OTHER_MONTHS.contains(&w.as_str()))
    };
    if tok(t).and_then(day_of).is_some() {
        let k = if matches!(tok(t + 1), Some(Tok::Word(w)) if w == "of") {
            t + 2
        } else {
            t + 1
        };
        if any_month(k) {
            return Some(k);
        }
    }
    if any_month(t) {
        let k = if matches!(tok(t + 1), Some(Tok::Punct('.'))) {
            t + 2
        } else {
            t + 1
        };
        if tok(k).and_then(day_of).is_some() {
            return Some(k);
        }
    }
    None
}

/// A range of dates that share their year (or month and year) with the
/// date that ends it: `July to September 1988`, `July–August 1988`,
/// `21–22 July 1988`, `between 1 and 10 July 1988`, `1987–88`. Returns its
/// last token and its interval.
pub(super) fn date_range(toks: &[Token], t: usize) -> Option<(usize, Interval)> {
    let tok = |k: usize| toks.get(k).map(|x| &x.tok);
    let joined =
        |k: usize| tok(k).is_some_and(is_joiner) && !matches!(tok(k), Some(Tok::Punct(',')));
    // `July to September 1988`.
    if let Some(m) = tok(t).and_then(month)
        && date_at(toks, t).is_none()
    {
        let k = if matches!(tok(t + 1), Some(Tok::Punct('.'))) {
            t + 2
        } else {
            t + 1
        };
        if joined(k)
            && let Some((last, end)) = date_at(toks, k + 1)
            && end.month.is_some()
        {
            let start = PartialDate {
                year: end.year,
                month: Some(m),
                day: None,
            };
            return date_interval(start, end).map(|i| (last, i));
        }
    }
    // `July 19–20, 1988`, `July 19 and 20, 1988`.
    if let Some(m) = tok(t).and_then(month) {
        let k = if matches!(tok(t + 1), Some(Tok::Punct('.'))) {
            t + 2
        } else {
            t + 1
        };
        if let Some(first) = tok(k).and_then(day_of)
            && joined(k + 1)
            && let Some(second) = tok(k + 2).and_then(day_of)
        {
            let mut y = k + 3;
            if matches!(tok(y), Some(Tok::Punct(','))) {
                y += 1;
            }
            if let Some(year) = tok(y).and_then(year_of) {
                let a = PartialDate {
                    year,
                    month: Some(m),
                    day: Some(first),
                };
                let b = PartialDate {
                    year,
                    month: Some(m),
                    day: Some(second),
                };
                a.first_day()?;
                b.first_day()?;
                return date_interval(a, b).map(|i| (y, i));
            }
        }
    }
    // `19 July to 5 August 1988`, `July 19 and August 5, 1988`.
    if let Some(end_first) = yearless_date(toks, t)
        && date_at(toks, t).is_none()
        && joined(end_first + 1)
        && let Some((last, end)) = date_at(toks, end_first + 2)
        && end.day.is_some()
    {
        let (day, m) = match (tok(t).and_then(day_of), tok(t).and_then(month)) {
            (Some(d), _) => (d, tok(end_first).and_then(month)),
            (None, Some(m)) => (tok(end_first).and_then(day_of).unwrap_or(1), Some(m)),
            _ => (1, None),
        };
        if let Some(m) = m {
            let start = PartialDate {
                year: end.year,
                month: Some(m),
                day: Some(day),
            };
            start.first_day()?;
            return date_interval(start, end).map(|i| (last, i));
        }
    }
    // `21–22 July 1988`.
    if tok(t).and_then(day_of).is_some()
        && let Some(d) = tok(t).and_then(day_of)
        && date_at(toks, t).is_none()
        && joined(t + 1)
        && let Some((last, end)) = date_at(toks, t + 2)
        && end.day.is_some()
    {
        let start = PartialDate {
            year: end.year,
            month: end.month,
            day: Some(d),
        };
        start.first_day()?;
        return date_interval(start, end).map(|i| (last, i));
    }
    // `1987–88` (but `1988-07` is July 1988).
    if date_at(toks, t).is_none_or(|(_, d)| d.month.is_none())
        && let Some(year) = tok(t).and_then(year_of)
        && (1800..=2100).contains(&year)
        && matches!(tok(t + 1), Some(Tok::Punct('–' | '-' | '—' | '/')))
        && !toks[t + 1].spaced
        && let Some(Tok::Num(n)) = tok(t + 2)
        && n.plain
        && n.digits == 2
        && !toks[t + 2].spaced
        && let Some(short) = n.int
    {
        let century = year - year % 100;
        let mut end = century + short as i32;
        if end < year {
            end += 100;
        }
        let (a, b) = (
            PartialDate {
                year,
                month: None,
                day: None,
            },
            PartialDate {
                year: end,
                month: None,
                day: None,
            },
        );
        return date_interval(a, b).map(|i| (t + 2, i));
    }
    None
}
