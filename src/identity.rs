//! When two identifiers name the same document: URLs compared after
//! normalisation, DOIs without their resolver and case, ISBNs as ISBN-13.
//! The registry validates with these functions, `duplicate-source` compares
//! with them and the leak scan searches with them, so what one calls the
//! same URL the others do too.

use std::fmt::Write;

/// Query parameters that track a reader rather than name a document.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_hsenc",
    "_hsmi",
];

/// A URL in the form every way of writing it comes to, for comparing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url {
    /// `http`, `https`, …
    pub scheme: String,
    /// The host in ASCII (punycode for international names), lower case,
    /// without `www.` and without a trailing dot.
    pub host: String,
    /// A port other than the scheme's default.
    pub port: Option<u16>,
    /// The path, percent-decoded, dot segments resolved, runs of slashes
    /// collapsed, no trailing slash.
    pub path: String,
    /// The query without tracking parameters, decoded and sorted: the order
    /// of parameters does not change the document.
    pub query: Vec<(String, String)>,
}

impl Url {
    /// Reads a URL (with a scheme); `None` if it does not parse or has no host.
    pub fn parse(text: &str) -> Option<Url> {
        let url = url::Url::parse(text.trim()).ok()?;
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
        let decoded = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
        let mut path = String::with_capacity(decoded.len());
        for c in decoded.chars() {
            if !(c == '/' && path.ends_with('/')) {
                path.push(c);
            }
        }
        let path = path.trim_end_matches('/').to_string();
        let mut query: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !k.starts_with("utm_") && !TRACKING.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        query.sort();
        Some(Url {
            scheme: url.scheme().to_string(),
            host,
            port: url.port(),
            path,
            query,
        })
    }

    /// The host in Unicode (`bücher.example` for `xn--bcher-kva.example`).
    pub fn unicode_host(&self) -> String {
        idna::domain_to_unicode(&self.host).0
    }

    /// Everything but the scheme: host, port, path and query.
    pub fn location(&self) -> String {
        let mut out = self.host.clone();
        if let Some(port) = self.port {
            write!(out, ":{port}").ok();
        }
        out.push_str(&self.path);
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(k);
            if !v.is_empty() {
                out.push('=');
                out.push_str(v);
            }
        }
        out
    }

    /// Whether this URL names `other` or something inside it: the same
    /// location, or one below its path. The scheme does not count.
    pub fn reaches(&self, other: &Url) -> bool {
        let (mine, theirs) = (self.location(), other.location());
        match mine.strip_prefix(&theirs) {
            Some("") => true,
            Some(rest) => other.query.is_empty() && rest.starts_with(['/', '?', '#']),
            None => false,
        }
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.location())
    }
}

/// A URL's comparison form (see [`Url`]); `None` if it does not parse.
pub fn url(text: &str) -> Option<String> {
    Url::parse(text).map(|u| u.to_string())
}

/// Whether `text` is an http or https URL with a host, as the registry wants.
pub fn is_web_url(text: &str) -> bool {
    url::Url::parse(text.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// A DOI in lower case without `https://doi.org/`, `dx.doi.org` or `doi:`;
/// `None` unless it looks like `10.1234/abc`.
pub fn doi(text: &str) -> Option<String> {
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
        .unwrap_or(&lower)
        .trim();
    let (prefix, suffix) = bare.split_once('/')?;
    let shaped = prefix.starts_with("10.")
        && prefix.len() > 3
        && !suffix.is_empty()
        && !bare.contains(char::is_whitespace);
    shaped.then(|| bare.to_string())
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
            "https://amnesty.org:443/en/./documents//mde13/9421/2018/en",
            "https://amnesty.org./en/documents/mde13/9421/2018/%65n",
            "https://amnesty.org/en/documents/x/../mde13/9421/2018/en",
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
        assert_eq!(
            url("https://example.org/a?lang=en&id=17"),
            url("https://example.org/a?id=17&lang=en")
        );
        assert_eq!(
            url("https://bücher.example/a%2Db").unwrap(),
            url("https://xn--bcher-kva.example/a-b").unwrap()
        );
        assert_eq!(
            Url::parse("https://xn--bcher-kva.example/")
                .unwrap()
                .unicode_host(),
            "bücher.example"
        );
    }

    #[test]
    fn a_url_reaches_what_lies_below_it() {
        let base = Url::parse("https://example.org/witness/17").unwrap();
        let reaches = |u: &str| Url::parse(u).unwrap().reaches(&base);
        assert!(reaches("http://www.example.org/witness/17/"));
        assert!(reaches("https://example.org/witness/17/tape?x=1"));
        assert!(!reaches("https://example.org/witness/170"));
        assert!(!reaches("https://example.org/witness"));
    }

    #[test]
    fn dois_and_isbns_compare_by_meaning() {
        assert_eq!(
            doi("https://doi.org/10.1017/S0020743800000000"),
            doi("doi:10.1017/s0020743800000000")
        );
        assert_eq!(doi("10.1234"), None);
        assert_eq!(doi("10.1234/a b"), None);
        assert_eq!(isbn("0-306-40615-2"), isbn("978-0-306-40615-7"));
        assert_eq!(isbn("978 0 306 40615 7").as_deref(), Some("9780306406157"));
        assert_eq!(isbn("0-306-40615-3"), None);
        assert_eq!(isbn("978-0-306-40615-8"), None);
        assert_eq!(isbn("080442957X").as_deref(), Some("9780804429573"));
    }
}
