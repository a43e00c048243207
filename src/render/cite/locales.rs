//! The locales a build reads, decoded one by one from hayagriva's archive.

use super::*;

/// hayagriva's locales, by language, each still CBOR as the archive holds
/// it: reading all 64 takes longer than formatting a thousand citations,
/// and a build needs at most three.
static LOCALE_INDEX: std::sync::LazyLock<Vec<(Option<LocaleCode>, &'static [u8])>> =
    std::sync::LazyLock::new(|| {
        #[derive(serde::Deserialize)]
        struct Lang {
            #[serde(rename = "@xml:lang")]
            lang: Option<LocaleCode>,
        }
        hayagriva::archive::LOCALES
            .iter()
            .map(|bytes| {
                let lang = ciborium::de::from_reader::<Lang, _>(*bytes)
                    .ok()
                    .and_then(|l| l.lang);
                (lang, *bytes)
            })
            .collect()
    });

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
}
