//! The locales a build reads, decoded one by one from hayagriva's archive.

use super::*;

/// hayagriva's locales, by language, each still CBOR as the archive holds
/// it: reading all 64 takes longer than formatting a thousand citations,
/// and a build needs at most three.
static LOCALE_INDEX: std::sync::LazyLock<Vec<(Option<LocaleCode>, &'static [u8])>> =
    std::sync::LazyLock::new(|| {
        hayagriva::archive::LOCALES
            .iter()
            .map(|bytes| (lang(bytes), *bytes))
            .collect()
    });

/// The language a locale file names. citationberg writes it as the first
/// key of the locale's map, read here without the rest; a file written
/// otherwise is decoded until the key is found.
fn lang(bytes: &[u8]) -> Option<LocaleCode> {
    use ciborium_ll::{Decoder, Header};
    fn text(decoder: &mut Decoder<&[u8]>) -> Option<String> {
        let Ok(Header::Text(len @ Some(..=64))) = decoder.pull() else {
            return None;
        };
        let mut text = String::new();
        let mut segments = decoder.text(len);
        while let Ok(Some(mut segment)) = segments.pull() {
            let mut buffer = [0u8; 64];
            while let Ok(Some(chunk)) = segment.pull(&mut buffer) {
                text.push_str(chunk);
            }
        }
        Some(text)
    }
    let mut decoder = Decoder::from(bytes);
    let first = match decoder.pull() {
        Ok(Header::Map(_)) => text(&mut decoder),
        _ => None,
    };
    if first.as_deref() == Some("@xml:lang")
        && let Some(lang) = text(&mut decoder)
    {
        return Some(LocaleCode(lang));
    }
    #[derive(serde::Deserialize)]
    struct Lang {
        #[serde(rename = "@xml:lang")]
        lang: Option<LocaleCode>,
    }
    ciborium::de::from_reader::<Lang, _>(bytes)
        .ok()
        .and_then(|l| l.lang)
}

/// The locales hayagriva can read for `locale`: its own, the one it falls
/// back to, and American English, the last resort. hayagriva looks a term up
/// in no other, and searches the list each time it looks one up.
pub(super) fn locales_for(locale: &LocaleCode) -> Vec<citationberg::Locale> {
    let mut wanted: Vec<LocaleCode> = Vec::with_capacity(3);
    for code in [
        Some(locale.clone()),
        locale.fallback(),
        Some(LocaleCode::en_us()),
    ]
    .into_iter()
    .flatten()
    {
        if !wanted.contains(&code) {
            wanted.push(code);
        }
    }
    wanted
        .iter()
        .filter_map(|code| {
            let (_, bytes) = LOCALE_INDEX
                .iter()
                .find(|(lang, _)| lang.as_ref() == Some(code))?;
            ciborium::de::from_reader(*bytes).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_locale_read_alone_is_the_one_hayagriva_reads() {
        let all = hayagriva::archive::locales();
        assert_eq!(LOCALE_INDEX.len(), all.len());
        for locale in &all {
            let code = locale
                .lang
                .clone()
                .expect("a locale file names its language");
            assert_eq!(locales_for(&code).first(), Some(locale));
        }
        let de = locales_for(&LocaleCode("de".into()));
        let langs: Vec<_> = de
            .iter()
            .filter_map(|l| l.lang.as_ref())
            .map(|l| l.0.as_str())
            .collect();
        assert_eq!(langs, ["de-DE", "en-US"]);
    }

    #[test]
    fn a_locale_that_names_its_language_after_other_keys_is_still_found() {
        let mut first = Vec::new();
        ciborium::ser::into_writer(
            &serde_json::json!({ "@xml:lang": "fa-IR", "info": {} }),
            &mut first,
        )
        .unwrap();
        let mut later = Vec::new();
        ciborium::ser::into_writer(
            &serde_json::json!({ "info": { "@xml:lang": "xx" }, "@xml:lang": "fa-IR" }),
            &mut later,
        )
        .unwrap();
        for bytes in [&first, &later] {
            assert_eq!(lang(bytes), Some(LocaleCode("fa-IR".into())));
        }
        assert_eq!(lang(b"not cbor"), None);
    }
}
