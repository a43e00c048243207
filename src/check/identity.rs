//! When two sources are the same document: URLs compared after
//! normalisation, DOIs without their resolver and case, ISBNs as ISBN-13.

/// Query parameters that track a reader rather than name a document.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_hsenc",
    "_hsmi",
];

/// A URL with case, `www.`, the trailing slash, the fragment and tracking
/// parameters taken out; `None` if it does not parse.
pub fn url(text: &str) -> Option<String> {
    let mut url = url::Url::parse(text.trim()).ok()?;
    url.set_fragment(None);
    if let Some(host) = url.host_str().map(str::to_ascii_lowercase)
        && let Some(bare) = host.strip_prefix("www.")
    {
        url.set_host(Some(bare)).ok()?;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_") && !TRACKING.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Some(url.to_string().trim_end_matches('/').to_string())
}

/// A DOI in lower case without `https://doi.org/`, `dx.doi.org` or `doi:`.
pub fn doi(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    let prefixes = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "doi:",
    ];
    let bare = prefixes
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    bare.trim().to_string()
}

/// The ISBN-13 an ISBN-10 or ISBN-13 stands for; `None` if the check digit is wrong.
pub fn isbn(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let digit = |c: &char| c.to_digit(10);
    match chars.len() {
        10 => {
            let mut sum = 0;
            for (i, c) in chars.iter().enumerate() {
                let value = match (i, c) {
                    (9, 'X' | 'x') => 10,
                    _ => digit(c)?,
                };
                sum += value * (10 - i as u32);
            }
            if sum % 11 != 0 {
                return None;
            }
            let body: String = std::iter::once("978".to_string())
                .chain(chars[..9].iter().map(|c| c.to_string()))
                .collect();
            let check = isbn13_check(&body)?;
            Some(format!("{body}{check}"))
        }
        13 => {
            let body: String = chars[..12].iter().collect();
            (isbn13_check(&body)? == digit(&chars[12])?).then(|| chars.iter().collect())
        }
        _ => None,
    }
}

/// The check digit of the first twelve digits of an ISBN-13.
fn isbn13_check(body: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in body.chars().enumerate() {
        sum += c.to_digit(10)? * if i % 2 == 0 { 1 } else { 3 };
    }
    Some((10 - sum % 10) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_normalise() {
        let same = [
            "https://www.Amnesty.org/en/documents/mde13/9421/2018/en/",
            "HTTPS://amnesty.org/en/documents/mde13/9421/2018/en",
            "https://amnesty.org/en/documents/mde13/9421/2018/en/#summary",
            "https://amnesty.org/en/documents/mde13/9421/2018/en?utm_source=x&utm_medium=y&fbclid=z",
        ];
        let first = url(same[0]).unwrap();
        for u in same {
            assert_eq!(url(u).unwrap(), first, "{u}");
        }
        assert_ne!(
            url("https://amnesty.org/en/a?page=2").unwrap(),
            url("https://amnesty.org/en/a?page=3").unwrap()
        );
        assert_ne!(url("http://amnesty.org/a").unwrap(), first);
        assert_eq!(
            url("https://example.org/a?page=2&utm_source=x").unwrap(),
            "https://example.org/a?page=2"
        );
    }

    #[test]
    fn dois_and_isbns_compare_by_meaning() {
        assert_eq!(
            doi("https://doi.org/10.1017/S0020743800000000"),
            doi("doi:10.1017/s0020743800000000")
        );
        assert_eq!(isbn("0-306-40615-2"), isbn("978-0-306-40615-7"));
        assert_eq!(isbn("978 0 306 40615 7").as_deref(), Some("9780306406157"));
        assert_eq!(isbn("0-306-40615-3"), None);
        assert_eq!(isbn("978-0-306-40615-8"), None);
        assert_eq!(isbn("080442957X").as_deref(), Some("9780804429573"));
    }
}
