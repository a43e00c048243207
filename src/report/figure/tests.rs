use super::*;
use crate::report::sentence::chars;

/// Each figure as `text kind low..high`.
fn read(text: &str) -> Vec<String> {
    figures(&chars(text))
        .into_iter()
        .map(|f| {
            let kind = match f.kind {
                Kind::Count => "n",
                Kind::Percent => "%",
                Kind::Date => "d",
            };
            format!(
                "{} {kind} {}..{}",
                &text[f.range], f.interval.low, f.interval.high
            )
        })
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> i64 {
    use chrono::Datelike;
    i64::from(
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .num_days_from_ce(),
    )
}

#[test]
fn counts_with_separators_scales_and_scripts() {
    assert_eq!(read("Some 3,000 died"), ["3,000 n 2700..3300"]);
    assert_eq!(
        read("exactly 30,000 and 2.5 million"),
        ["30,000 n 30000..30000", "2.5 million n 2500000..2500000"]
    );
    assert_eq!(read("حدود ۳٬۰۰۰ نفر"), ["۳٬۰۰۰ n 2700..3300"]);
    assert_eq!(read("٣٠٠٠٠ شخص"), ["٣٠٠٠٠ n 30000..30000"]);
    assert_eq!(
        read("45% and 12.5 per cent"),
        ["45% % 45..45", "12.5 per cent % 12.5..12.5"]
    );
    assert_eq!(read("more than 30,000"), ["30,000 n 30000..inf"]);
    assert_eq!(read("fewer than 500"), ["500 n -inf..500"]);
    assert_eq!(
        read("between 2,800 and 3,800 people"),
        ["2,800 and 3,800 n 2800..3800"]
    );
    assert_eq!(read("2,800–3,800 people"), ["2,800–3,800 n 2800..3800"]);
    assert_eq!(
        read("over 30 000 and 1 234 567, not 1988 300"),
        [
            "30 000 n 30000..inf",
            "1 234 567 n 1234567..1234567",
            "1988 d 725737..726102",
            "300 n 300..300"
        ]
    );
    assert!(read("a 3-year-old and a 10-day wait").is_empty());
    assert_eq!(read("30,000 or more"), ["30,000 or more n 30000..inf"]);
}

#[test]
fn names_ordinals_times_and_units_are_not_figures() {
    assert!(
        read("Article 6 of Resolution 2231, p. 12, COVID-19, G20, the 25th, at 10:30, 5km, § 4")
            .is_empty()
    );
}

#[test]
fn dates_in_english_and_iso() {
    let july = format!("{}..{}", day(1988, 7, 1), day(1988, 7, 31));
    let the19 = format!("{0}..{0}", day(1988, 7, 19));
    assert_eq!(read("in July 1988"), [format!("July 1988 d {july}")]);
    assert_eq!(read("on 19 July 1988"), [format!("19 July 1988 d {the19}")]);
    assert_eq!(
        read("on July 19, 1988"),
        [format!("July 19, 1988 d {the19}")]
    );
    assert_eq!(read("on 1988-07-19"), [format!("1988-07-19 d {the19}")]);
    assert_eq!(
        read("in 1988"),
        [format!("1988 d {}..{}", day(1988, 1, 1), day(1988, 12, 31))]
    );
    assert_eq!(read("on 19 July they"), Vec::<String>::new());
    assert_eq!(
        read("the 1980s"),
        [format!(
            "1980s d {}..{}",
            day(1980, 1, 1),
            day(1989, 12, 31)
        )]
    );
}

/// Each text holds one date range: the part read and its first and last
/// days.
type Case = (&'static str, &'static str, (i32, u32, u32), (i32, u32, u32));

const RANGES: &[Case] = &[
    (
        "from July to September 1988",
        "July to September 1988",
        (1988, 7, 1),
        (1988, 9, 30),
    ),
    (
        "in July–August 1988",
        "July–August 1988",
        (1988, 7, 1),
        (1988, 8, 31),
    ),
    (
        "on 21–22 July 1988",
        "21–22 July 1988",
        (1988, 7, 21),
        (1988, 7, 22),
    ),
    (
        "between 1 and 10 July 1988",
        "1 and 10 July 1988",
        (1988, 7, 1),
        (1988, 7, 10),
    ),
    ("in 1987–88", "1987–88", (1987, 1, 1), (1988, 12, 31)),
    ("in the 1980's", "1980's", (1980, 1, 1), (1989, 12, 31)),
    (
        "۲۰ ژوئیه ۱۹۸۸",
        "۲۰ ژوئیه ۱۹۸۸",
        (1988, 7, 20),
        (1988, 7, 20),
    ),
    (
        "On July 19–20, 1988",
        "July 19–20, 1988",
        (1988, 7, 19),
        (1988, 7, 20),
    ),
    (
        "from 19 July to 5 August 1988",
        "19 July to 5 August 1988",
        (1988, 7, 19),
        (1988, 8, 5),
    ),
    (
        "between July 19 and August 5, 1988",
        "July 19 and August 5, 1988",
        (1988, 7, 19),
        (1988, 8, 5),
    ),
];

#[test]
fn ranges_of_months_days_and_years_are_one_interval() {
    for &(text, part, (y1, m1, d1), (y2, m2, d2)) in RANGES {
        let expected = format!("{part} d {}..{}", day(y1, m1, d1), day(y2, m2, d2));
        assert_eq!(read(text), [expected], "{text}");
    }
}

#[test]
fn numbers_that_name_are_not_figures_and_amounts_after_names_are() {
    // Times, locator runs, a day and month, '88, Solar Hijri dates, names
    // with decimals, a resolution's year, an instrument's year, dotted dates.
    for text in [
        "At 11 p.m. on Jan. 5, as pp. 12–15 and Articles 6 and 7 and n. 12 and §§ 3–4 show, in '88",
        "در ۲۸ تیر ۱۳۶۷ و تابستان ۱۳۶۷، قطعنامه ۲۲۳۱",
        "Section 4.2, Figure 2.1, Goal 2, SDG 16, Target 16.2, resolution 2417 (2018), the 1951 Refugee Convention, on 16.04.2024",
    ] {
        assert!(read(text).is_empty(), "{text}: {:?}", read(text));
    }
    // A word that names only names a plain number.
    assert_eq!(
        read("in the first phase 12,000 died"),
        ["12,000 n 12000..12000"]
    );
    assert_eq!(read("in stage 2 45% died"), ["45% % 45..45"]);
    // A descending pair is no range.
    assert_eq!(read("the vote was 12 to 3"), ["12 n 12..12", "3 n 3..3"]);
    assert_eq!(
        read("$3.7bn, 71m people, 45pc"),
        [
            "3.7bn n 3700000000..3700000000",
            "71m n 71000000..71000000",
            "45pc % 45..45"
        ]
    );
    // The value as written, before its qualifier.
    let f = &figures(&chars("more than 12 cities"))[0];
    assert_eq!(
        f.stated,
        Interval {
            low: Number::Int(12),
            high: Number::Int(12)
        }
    );
}

#[test]
fn notable_figures() {
    let notable = |t: &str| figures(&chars(t)).iter().any(|f| f.notable);
    assert!(notable("Around 4,500 families"));
    assert!(notable("5% of them"));
    assert!(notable("on 19 July 1988"));
    assert!(!notable("in 1988"));
    assert!(!notable("in July 1988"));
    assert!(!notable("three or 4 people"));
}
