//! What a source reports for a claim — a number, a date or a text — and the
//! interval semantics that decide when two reports conflict.

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
    fn interval(&self) -> Interval {
        let day = |d: Option<NaiveDate>| d.map_or(f64::NAN, |d| f64::from(d.num_days_from_ce()));
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

/// A closed interval; either end may be infinite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The lowest value included.
    pub low: f64,
    /// The highest value included.
    pub high: f64,
}

impl Interval {
    fn point(x: f64) -> Self {
        Self { low: x, high: x }
    }

    /// Whether the two intervals share at least one point.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// A bound written in a qualified value: a number or a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// A number.
    Number(f64),
    /// A date, covering all the days it names.
    Date(PartialDate),
}

impl Bound {
    fn low(&self) -> f64 {
        match self {
            Self::Number(n) => *n,
            Self::Date(d) => d.interval().low,
        }
    }

    fn high(&self) -> f64 {
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
            Self::Number(n) => write!(f, "{}", format_number(*n)),
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
                high: f64::INFINITY,
            },
            Self::AtMost(b) => Interval {
                low: f64::NEG_INFINITY,
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

impl Interval {
    /// The interval of a single number.
    pub fn exact(x: f64) -> Self {
        Self::point(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Bound {
        Bound::Number(x)
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
}
