//! The fonts a build may use: Typst's embedded fonts, Vazirmatn for Arabic
//! script (Persian shapes right to left with no system font), and any found
//! in `--font-path` folders. Nothing is read from the system.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};
use typst_kit::fonts::FontStore;

/// Vazirmatn (SIL Open Font License, `templates/fonts/Vazirmatn-OFL.txt`).
const SHIPPED: &[&[u8]] = &[
    include_bytes!("../../templates/fonts/Vazirmatn-Regular.ttf"),
    include_bytes!("../../templates/fonts/Vazirmatn-Bold.ttf"),
];

/// The fonts every build has, parsed once per process.
static BASE: LazyLock<Vec<(Font, FontInfo)>> = LazyLock::new(|| {
    let shipped = SHIPPED.iter().flat_map(|data| fonts_in(Bytes::new(*data)));
    typst_kit::fonts::embedded().chain(shipped).collect()
});

fn fonts_in(data: Bytes) -> impl Iterator<Item = (Font, FontInfo)> {
    Font::iter(data).map(|font| {
        let info = font.info().clone();
        (font, info)
    })
}

/// A store with the base fonts and those in `dirs` (searched recursively).
pub fn store(dirs: &[PathBuf]) -> Result<FontStore, String> {
    let mut store = FontStore::new();
    store.extend(BASE.iter().cloned());
    for dir in dirs {
        let mut files = Vec::new();
        collect(dir, &mut files)
            .map_err(|e| format!("cannot read the font folder {} ({e})", dir.display()))?;
        files.sort();
        for file in files {
            let data = std::fs::read(&file)
                .map_err(|e| format!("cannot read {} ({e})", file.display()))?;
            store.extend(fonts_in(Bytes::new(data)));
        }
    }
    Ok(store)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
    Ok(())
}
