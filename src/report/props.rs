//! Property tests of the prose readers: figures written in any of the
//! accepted forms read back as the value they were generated from, and
//! sentences joined with abbreviations, initials and decimals inside split
//! back into the sentences they were made of.

use proptest::prelude::*;

use super::figure::{Kind, figures};
use super::sentence::chars;
use crate::registry::value::{Number, PartialDate};

/// `n` in digits of `script` (0 Latin, 1 Arabic-Indic, 2 Persian), grouped
/// by `separator` when given.
fn written(n: u64, script: u8, separator: Option<char>) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0
            && (digits.len() - i).is_multiple_of(3)
            && let Some(s) = separator
        {
            out.push(s);
        }
        let d = c as u32 - '0' as u32;
        out.push(match script {
            0 => c,
            1 => char::from_u32(0x660 + d).unwrap(),
            _ => char::from_u32(0x6F0 + d).unwrap(),
        });
    }
    out
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

proptest! {
    #![proptest_config(crate::testing::config())]

    #[test]
    fn a_count_reads_back_as_the_value_it_was_written_from(
        n in 10u64..5_000_000_000,
        script in 0u8..3,
        grouped in any::<bool>(),
        qualifier in 0usize..4,
        before in prop::sample::select(vec!["The report says", "In all,", "Witnesses counted", "حدود"]),
        after in prop::sample::select(vec!["people died.", "were executed in secret.", "نفر.", ""]),
    ) {
        // A four-digit number from 1800 to 2100 is a year, by rule.
        prop_assume!(grouped || !(1800..=2100).contains(&n));
        let separator = grouped.then_some(if script == 0 { ',' } else { '٬' });
        let figure = written(n, script, separator);
        let words = ["", "about ", "more than ", "fewer than "][qualifier];
        let words = if before == "حدود" && qualifier > 0 { words } else if before == "حدود" { "" } else { words };
        let text = format!("{before} {words}{figure} {after}");
        let found = figures(&chars(&text));
        prop_assert_eq!(found.len(), 1, "{}", text);
        let f = &found[0];
        prop_assert_eq!(f.kind, Kind::Count);
        prop_assert_eq!(&text[f.range.clone()], figure.as_str());
        let exact = Number::Int(n as i64);
        let about = before == "حدود" || qualifier == 1;
        match qualifier {
            2 => prop_assert!(f.interval.low == exact && f.interval.high == Number::Float(f64::INFINITY)),
            3 => prop_assert!(f.interval.low == Number::Float(f64::NEG_INFINITY) && f.interval.high == exact),
            _ if about => prop_assert!(f.interval.low < exact && exact < f.interval.high),
            _ => prop_assert!(f.interval.low == exact && f.interval.high == exact),
        }
    }

    #[test]
    fn a_date_reads_back_as_the_day_it_was_written_from(
        year in 1800i32..2100,
        month in 1u32..=12,
        day in 1u32..=28,
        form in 0usize..5,
    ) {
        let name = MONTHS[month as usize - 1];
        let written = match form {
            0 => format!("{day} {name} {year}"),
            1 => format!("{name} {day}, {year}"),
            2 => format!("{year}-{month:02}-{day:02}"),
            3 => format!("{day}th of {name}, {year}"),
            _ => format!("{}. {day}, {year}", &name[..3]),
        };
        let text = format!("It happened on {written} in the capital.");
        let found = figures(&chars(&text));
        prop_assert_eq!(found.len(), 1, "{}", text);
        let expected = PartialDate { year, month: Some(month), day: Some(day) }.interval();
        prop_assert_eq!(found[0].kind, Kind::Date);
        prop_assert!(found[0].notable);
        prop_assert_eq!(found[0].interval, expected);
        prop_assert_eq!(&text[found[0].range.clone()], written.as_str());
    }

    #[test]
    fn sentences_split_back_into_the_sentences_they_were_joined_from(
        parts in prop::collection::vec(
            (
                prop::sample::select(vec!["The", "Dr. Smith", "J. R. Doe", "Some", "In 2.5 cases the", "Prisoners (see p. 4)", "Zahra"]),
                prop::sample::select(vec!["said", "wrote, e.g. in para. 3,", "counted 30,000", "cited No. 5 and", "met the U.N. envoy and"]),
                prop::sample::select(vec!["nothing", "it was over", "\u{201c}enough\u{201d}", "more"]),
                prop::sample::select(vec![".", "!", "?", ".\u{201d}", "؟"]),
            ),
            1..6,
        ),
    ) {
        let sentences: Vec<String> = parts
            .iter()
            .map(|(a, b, c, end)| format!("{a} {b} {c}{end}"))
            .collect();
        let text = sentences.join(" ");
        let mut files = crate::diag::Files::new();
        let id = files.add(std::path::Path::new("r.md"), text.clone());
        let (report, _) = super::parse(id, super::Format::Markdown, &files);
        let found: Vec<String> = super::sentence::sentences(&report, &files)
            .iter()
            .map(|s| s.chars.iter().map(|c| c.ch).collect::<String>().trim().to_string())
            .collect();
        // Smart punctuation makes the Markdown quotes typographic.
        prop_assert_eq!(found, sentences, "{}", text);
    }
}
