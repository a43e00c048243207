//! What a source reports for a claim — a number, a date or a text — and the
//! interval semantics that decide when two reports conflict.

use std::cmp::Ordering;
use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A date as precise as the source allows: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, if known.
    pub month: Option<u32>,
    /// The day of the month, if known (only with a month).
    pub day: Option<u32>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let shape_ok = match parts.as_slice() {
            [y] => digits(y, 4),
            [y, m] => digits(y, 4) && digits(m, 2),
            [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
            _ => false,
        };
        if !shape_ok {
            return Err(DateError::Shape);
        }
        let number = |s: &str| s.parse::<u32>().expect("checked digits");
        let date = Self {
            year: number(parts[0]) as i32,
            month: parts.get(1).map(|m| number(m)),
            day: parts.get(2).map(|d| number(d)),
        };
        if date.first_day().is_none() {
            return Err(DateError::Impossible);
        }
        Ok(date)
    }

    /// A complete date.
    pub fn from_naive(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }

    /// Whether the string has the shape of a date (even an impossible one).
    pub fn looks_like_date(text: &str) -> bool {
        !matches!(Self::parse(text), Err(DateError::Shape))
    }

    /// The first day the date covers, or `None` if it does not exist.
    pub fn first_day(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date covers.
    pub fn last_day(&self) -> Option<NaiveDate> {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (y, next) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, m + 1)
                };
                NaiveDate::from_ymd_opt(y, next, 1)?.pred_opt()
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
    }

    /// The days covered, as an interval of day numbers.
    pub fn interval(&self) -> Interval {
        let day = |d: Option<NaiveDate>| {
            d.map_or(Number::Float(f64::NAN), |d| {
                Number::Int(i64::from(d.num_days_from_ce()))
            })
        };
        Interval {
            low: day(self.first_day()),
            high: day(self.last_day()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// Why a string is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Shape,
    /// Of the right form, but no such day exists (e.g. `2013-02-30`).
    Impossible,
}

/// A number as written: an integer exactly, whatever its size (two IDs'
/// counts of 2^53 + 1 and 2^53 differ), else a float.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// Any other number, or an infinite end of an interval.
    Float(f64),
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Number {
    /// Exactly, also between an integer and a float.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (*self, *other) {
            (Self::Int(a), Self::Int(b)) => Some(a.cmp(&b)),
            (Self::Float(a), Self::Float(b)) => a.partial_cmp(&b),
            (Self::Int(a), Self::Float(b)) => int_to_float(a, b),
            (Self::Float(a), Self::Int(b)) => int_to_float(b, a).map(Ordering::reverse),
        }
    }
}

/// How the integer `a` compares with the float `b`, without rounding `a`.
fn int_to_float(a: i64, b: f64) -> Option<Ordering> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if b.is_nan() {
        return None;
    }
    if b >= LIMIT {
        return Some(Ordering::Less);
    }
    if b < -LIMIT {
        return Some(Ordering::Greater);
    }
    // |b| < 2^63: its integer part is an exact i64.
    let whole = b.trunc() as i64;
    let fraction = b - b.trunc();
    Some(
        a.cmp(&whole)
            .then_with(|| 0.0f64.partial_cmp(&fraction).unwrap_or(Ordering::Equal)),
    )
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(n) => write!(f, "{n}"),
            Self::Float(n) => write!(f, "{}", format_number(*n)),
        }
    }
}

/// A closed interval; either end may be infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The lowest value included.
    pub low: Number,
    /// The highest value included.
    pub high: Number,
}

impl Interval {
    /// Whether the two intervals share at least one point.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// A bound written in a qualified value: a number or a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// A number.
    Number(Number),
    /// A date, covering all the days it names.
    Date(PartialDate),
}

impl Bound {
    fn low(&self) -> Number {
        match self {
            Self::Number(n) => *n,
            Self::Date(d) => d.interval().low,
        }
    }

    fn high(&self) -> Number {
        match self {
            Self::Number(n) => *n,
            Self::Date(d) => d.interval().high,
        }
    }

    fn is_date(&self) -> bool {
        matches!(self, Self::Date(_))
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Date(d) => write!(f, "{d}"),
        }
    }
}

/// What one piece of evidence reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An exact number or date.
    Exact(Bound),
    /// `{ about = N }`: treated as N.
    About(Bound),
    /// `{ at-least = N }`.
    AtLeast(Bound),
    /// `{ at-most = N }`.
    AtMost(Bound),
    /// `{ min = A, max = B }`.
    Range(Bound, Bound),
    /// A text, compared after case-folding and collapsing white space.
    Text(String),
}

/// The kind of a value: values of different kinds always conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Numbers, qualified or not.
    Number,
    /// Dates, qualified or not.
    Date,
    /// Texts.
    Text,
}

impl Value {
    /// Numbers, dates or texts.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Text(_) => Kind::Text,
            Self::Exact(b)
            | Self::About(b)
            | Self::AtLeast(b)
            | Self::AtMost(b)
            | Self::Range(b, _) => {
                if b.is_date() {
                    Kind::Date
                } else {
                    Kind::Number
                }
            }
        }
    }

    /// The interval a number or date covers; `None` for texts.
    pub fn interval(&self) -> Option<Interval> {
        Some(match self {
            Self::Exact(b) | Self::About(b) => Interval {
                low: b.low(),
                high: b.high(),
            },
            Self::AtLeast(b) => Interval {
                low: b.low(),
                high: Number::Float(f64::INFINITY),
            },
            Self::AtMost(b) => Interval {
                low: Number::Float(f64::NEG_INFINITY),
                high: b.high(),
            },
            Self::Range(a, b) => Interval {
                low: a.low(),
                high: b.high(),
            },
            Self::Text(_) => return None,
        })
    }

    /// Whether this value and `other` cannot both be true.
    pub fn conflicts_with(&self, other: &Value) -> bool {
        if self.kind() != other.kind() {
            return true;
        }
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => fold(a) != fold(b),
            _ => match (self.interval(), other.interval()) {
                (Some(a), Some(b)) => !a.overlaps(&b),
                _ => true,
            },
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(b) => write!(f, "{b}"),
            Self::About(b) => write!(f, "about {b}"),
            Self::AtLeast(b) => write!(f, "at least {b}"),
            Self::AtMost(b) => write!(f, "at most {b}"),
            Self::Range(a, b) => write!(f, "{a}–{b}"),
            Self::Text(t) => write!(f, "“{t}”"),
        }
    }
}

/// Case-folds and collapses white space, for comparing texts.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prints integers without a fractional part.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Bound {
        Bound::Number(Number::Float(x))
    }

    fn d(s: &str) -> Bound {
        Bound::Date(PartialDate::parse(s).unwrap())
    }

    #[test]
    fn parses_partial_dates_and_rejects_impossible_ones() {
        assert_eq!(PartialDate::parse("1988").unwrap().to_string(), "1988");
        assert_eq!(PartialDate::parse("1988-07").unwrap().month, Some(7));
        assert_eq!(PartialDate::parse("2013-02-30"), Err(DateError::Impossible));
        assert_eq!(PartialDate::parse("1988-13"), Err(DateError::Impossible));
        assert_eq!(PartialDate::parse("88-07"), Err(DateError::Shape));
        assert_eq!(PartialDate::parse("July 1988"), Err(DateError::Shape));
        assert_eq!(
            PartialDate::parse("2024-02").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
    }

    #[test]
    fn numbers_conflict_only_without_a_common_point() {
        let exact = Value::Exact(n(30000.0));
        assert!(!exact.conflicts_with(&Value::AtLeast(n(30000.0))));
        assert!(!exact.conflicts_with(&Value::About(n(30000.0))));
        assert!(exact.conflicts_with(&Value::Range(n(2800.0), n(3800.0))));
        assert!(!Value::AtMost(n(5000.0)).conflicts_with(&Value::Range(n(2800.0), n(3800.0))));
        assert!(Value::AtLeast(n(5001.0)).conflicts_with(&Value::AtMost(n(5000.0))));
        assert!(!Value::AtLeast(n(5000.0)).conflicts_with(&Value::AtMost(n(5000.0))));
    }

    #[test]
    fn partial_dates_cover_their_whole_period() {
        assert!(!Value::Exact(d("1988-07")).conflicts_with(&Value::Exact(d("1988-07-19"))));
        assert!(!Value::Exact(d("1988")).conflicts_with(&Value::Exact(d("1988-12-31"))));
        assert!(Value::Exact(d("1988-07")).conflicts_with(&Value::Exact(d("1988-08-01"))));
        assert!(!Value::AtLeast(d("1988-07")).conflicts_with(&Value::Exact(d("1988-07-01"))));
    }

    #[test]
    fn texts_compare_folded_and_kinds_never_mix() {
        let a = Value::Text("Deputy  Commander-in-chief".into());
        assert!(!a.conflicts_with(&Value::Text("deputy commander-in-chief".into())));
        assert!(a.conflicts_with(&Value::Text(
            "assistant to the deputy Commander-in-Chief".into()
        )));
        assert!(Value::Exact(n(1988.0)).conflicts_with(&Value::Exact(d("1988"))));
        assert!(Value::Exact(n(1.0)).conflicts_with(&Value::Text("1".into())));
    }

    #[test]
    fn integers_compare_exactly_whatever_their_size() {
        let int = |i: i64| Bound::Number(Number::Int(i));
        let big = 1i64 << 53;
        assert!(Value::Exact(int(big)).conflicts_with(&Value::Exact(int(big + 1))));
        assert!(!Value::Exact(int(big + 1)).conflicts_with(&Value::Exact(int(big + 1))));
        assert!(Value::AtLeast(int(i64::MAX)).conflicts_with(&Value::Exact(int(i64::MAX - 1))));
        // Against a float, exactly too: 2^53 + 1 is not the float 2^53.
        assert!(Value::Exact(int(big + 1)).conflicts_with(&Value::Exact(n(big as f64))));
        assert!(!Value::Exact(int(big)).conflicts_with(&Value::Exact(n(big as f64))));
        assert!(!Value::Range(n(2.5), n(3.5)).conflicts_with(&Value::Exact(int(3))));
        assert!(Value::AtMost(n(2.5)).conflicts_with(&Value::Exact(int(3))));
        assert_eq!(
            Bound::Number(Number::Int(i64::MAX)).to_string(),
            "9223372036854775807"
        );
    }
}
