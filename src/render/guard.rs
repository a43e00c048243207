//! What a public build's document may not read, by path, identity and
//! content.

use std::path::Path;

use super::{leak, world};
use crate::diag::Files;
use crate::registry::Registry;

/// What a public build's document may not read: the registry files, which
/// hold the confidential sources, and every capture — by path, by identity
/// and (the registry and confidential captures) by content.
pub(super) fn guard(
    registry: &Registry,
    files: &Files,
    scanner: std::sync::Arc<leak::Scanner>,
) -> world::Guard {
    use sha2::Digest;
    let mut guard = world::Guard {
        scanner: Some(scanner),
        ..world::Guard::default()
    };
    let mut add = |path: &Path, by_content: Option<Option<[u8; 32]>>| {
        let Ok(real) = path.canonicalize() else {
            return;
        };
        guard.identities.extend(world::identity(&real));
        match by_content {
            Some(Some(known)) => guard.digests.push(known),
            Some(None) => {
                if let Ok(bytes) = std::fs::read(&real) {
                    guard.digests.push(sha2::Sha256::digest(&bytes).into());
                }
            }
            None => {}
        }
        guard.paths.push(real);
    };
    for id in &registry.files {
        add(files.path(*id), Some(None));
    }
    for source in registry.sources.values() {
        if let Some(capture) = &source.capture {
            let base = files
                .path(capture.span.file)
                .parent()
                .unwrap_or(Path::new(""));
            let known = source.sha256.as_ref().and_then(|h| digest(&h.value));
            let by_content = source.is_confidential().then_some(known);
            add(&base.join(&capture.value), by_content);
        }
    }
    guard
}

/// A SHA-256 digest written in hexadecimal.
pub(super) fn digest(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}
