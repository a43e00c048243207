//! Finding needles in skeletons: all at once (Aho–Corasick over every
//! needle), as whole words only, and a needle cut in two where the reader's
//! eye jumps — from the end of a line to the start of a line further on or
//! on the next page, past footnotes, running headers and footers.

use aho_corasick::AhoCorasick;
use rustc_hash::{FxHashMap, FxHashSet};

use super::needles::Needles;
use crate::skeleton::Builder;

/// The longest needle (in characters) looked for across a jump; longer
/// notes and quotes are looked for by their clauses.
const SPLIT_MAX: usize = 400;

/// The hashes of a needle cut in two at each place.
#[derive(Debug)]
struct Cuts {
    needle: usize,
    /// For each cut: the key of the part before and of the part after.
    keys: Vec<(u64, u64)>,
}

/// Every needle, ready to search for.
#[derive(Debug)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// The needles each pattern stands for.
    uses: Vec<Vec<usize>>,
    short: Vec<bool>,
    strict: Vec<bool>,
    one_word: Vec<bool>,
    person: Vec<bool>,
    coded: Vec<bool>,
    cuts: Vec<Cuts>,
    heads: FxHashSet<u64>,
    tails: FxHashSet<u64>,
    longest: usize,
    powers: Vec<u64>,
}

/// A needle found: which, and the skeleton byte where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Its index in [`Needles::list`].
    pub needle: usize,
    /// The byte of the skeleton text where it (or its first piece) starts.
    pub at: usize,
}

const BASE: u64 = 0x0000_0100_0000_01b3;

fn key(hash: u64, length: usize) -> u64 {
    hash ^ (length as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Matcher {
    /// Prepares the search for `needles`.
    pub fn new(needles: &Needles) -> Matcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        let mut uses: Vec<Vec<usize>> = Vec::new();
        for (i, needle) in needles.list.iter().enumerate() {
            let id = *index.entry(needle.skeleton.clone()).or_insert_with(|| {
                patterns.push(needle.skeleton.clone());
                uses.push(Vec::new());
                patterns.len() - 1
            });
            uses[id].push(i);
        }
        let automaton = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::Standard)
                .build(&patterns)
                .expect("the needles are few and short enough for an automaton")
        });
        let mut matcher = Matcher {
            automaton,
            uses,
            short: needles.list.iter().map(|n| n.short).collect(),
            strict: needles.list.iter().map(|n| n.strict).collect(),
            one_word: needles.list.iter().map(|n| n.one_word).collect(),
            person: needles.list.iter().map(|n| n.person).collect(),
            coded: needles.list.iter().map(|n| n.code).collect(),
            cuts: Vec::new(),
            heads: FxHashSet::default(),
            tails: FxHashSet::default(),
            longest: 0,
            powers: Vec::new(),
        };
        matcher.prepare_cuts(needles);
        matcher
    }

    fn prepare_cuts(&mut self, needles: &Needles) {
        for (i, needle) in needles.list.iter().enumerate() {
            let chars: Vec<u64> = needle.skeleton.chars().map(|c| c as u64 + 1).collect();
            if needle.short || chars.len() > SPLIT_MAX {
                continue;
            }
            self.longest = self.longest.max(chars.len());
            // Each part at least two characters: one alone is anybody's.
            let mut keys = Vec::with_capacity(chars.len());
            for cut in 2..chars.len().saturating_sub(1) {
                let head = key(hash(&chars[..cut]), cut);
                let tail = key(hash(&chars[cut..]), chars.len() - cut);
                self.heads.insert(head);
                self.tails.insert(tail);
                keys.push((head, tail));
            }
            self.cuts.push(Cuts { needle: i, keys });
        }
        self.powers = std::iter::successors(Some(1u64), |p| Some(p.wrapping_mul(BASE)))
            .take(self.longest + 1)
            .collect();
    }

    /// Every needle in `hay`, as whole words. With `long_only`, for text
    /// that may be chance (runs found in binary data), short needles are
    /// left out.
    pub fn find(&self, hay: &Builder, long_only: bool) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        let mut seen = FxHashSet::default();
        for found in automaton.find_overlapping_iter(hay.text.as_str()) {
            let (start, end) = (found.start(), found.end());
            if !hay.boundary_at(start) {
                continue;
            }
            for &i in &self.uses[found.pattern().as_usize()] {
                let ends = if self.strict[i] {
                    hay.url_ends_at(end)
                } else if self.coded[i] {
                    hay.code_ends_at(end)
                } else {
                    hay.boundary_at(end)
                };
                let split = (self.one_word[i] && hay.spaced_within(start, end))
                    || (self.person[i] && hay.stopped_within(start, end));
                if ends && !split && !(long_only && self.short[i]) && seen.insert(i) {
                    hits.push(Hit {
                        needle: i,
                        at: start,
                    });
                }
            }
        }
        hits
    }

    /// Needles cut in two where the eye jumps: the first part ends at one
    /// of `ends` and the second starts at one of `starts` (byte offsets in
    /// `hay`'s skeleton text).
    pub fn find_cut(&self, hay: &Builder, ends: &[usize], starts: &[usize]) -> Vec<Hit> {
        if self.cuts.is_empty() || ends.is_empty() || starts.is_empty() {
            return Vec::new();
        }
        let text = hay.text.as_str();
        // A first part must start a word; a second must end one (a URL's,
        // where a path segment ends).
        let mut heads = FxHashSet::default();
        // Heads a sentence's end does not follow, for names.
        let mut open_heads = FxHashSet::default();
        for &end in ends {
            let mut hash = 0u64;
            let mut from = end;
            for (length, c) in text[..end].chars().rev().take(self.longest).enumerate() {
                from -= c.len_utf8();
                hash = hash.wrapping_add((c as u64 + 1).wrapping_mul(self.powers[length]));
                let k = key(hash, length + 1);
                if self.heads.contains(&k) && hay.boundary_at(from) {
                    heads.insert(k);
                    if !hay.stopped_within(end.saturating_sub(1), end + 1) {
                        open_heads.insert(k);
                    }
                }
            }
        }
        if heads.is_empty() {
            return Vec::new();
        }
        let (mut tails, mut url_tails) = (FxHashSet::default(), FxHashSet::default());
        for &start in starts {
            let mut hash = 0u64;
            let mut to = start;
            for (length, c) in text[start..].chars().take(self.longest).enumerate() {
                to += c.len_utf8();
                hash = hash.wrapping_mul(BASE).wrapping_add(c as u64 + 1);
                let k = key(hash, length + 1);
                if self.tails.contains(&k) && hay.boundary_at(to) {
                    tails.insert(k);
                    if hay.url_ends_at(to) {
                        url_tails.insert(k);
                    }
                }
            }
        }
        let mut hits = Vec::new();
        for cuts in &self.cuts {
            let closing = if self.strict[cuts.needle] {
                &url_tails
            } else {
                &tails
            };
            let opening = if self.person[cuts.needle] {
                &open_heads
            } else {
                &heads
            };
            let found = cuts
                .keys
                .iter()
                .any(|(head, tail)| opening.contains(head) && closing.contains(tail));
            if found {
                hits.push(Hit {
                    needle: cuts.needle,
                    at: ends[0],
                });
            }
        }
        hits
    }
}

/// The polynomial hash of a sequence: Σ cᵢ·BASEⁿ⁻¹⁻ⁱ.
fn hash(chars: &[u64]) -> u64 {
    chars
        .iter()
        .fold(0u64, |h, &c| h.wrapping_mul(BASE).wrapping_add(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::leak::needles::{Field, Needle, Owner};
    use crate::skeleton;

    fn needles(texts: &[&str]) -> Needles {
        let list = texts
            .iter()
            .map(|text| {
                let skeleton = skeleton::of(text);
                Needle {
                    owner: Owner {
                        source: "s".into(),
                        field: Field::Title,
                        claim: None,
                    },
                    short: skeleton.chars().count() < 8,
                    strict: text.contains('/'),
                    one_word: text.chars().all(char::is_alphabetic),
                    person: false,
                    code: false,
                    skeleton,
                }
            })
            .collect();
        Needles {
            list,
            urls: Vec::new(),
        }
    }

    fn hay(pieces: &[&str]) -> Builder {
        let mut builder = Builder::default();
        for piece in pieces {
            builder.junction();
            builder.push(piece, 0);
        }
        builder
    }

    fn found(matcher: &Matcher, pieces: &[&str]) -> Vec<usize> {
        matcher
            .find(&hay(pieces), false)
            .into_iter()
            .map(|h| h.needle)
            .collect()
    }

    #[test]
    fn finds_across_pieces_as_whole_words() {
        let m = Matcher::new(&needles(&[
            "Testimony of witness Quillfeather W-017",
            "W-017",
            "Mohammadi",
            "example.org/witness/17",
        ]));
        assert_eq!(
            found(
                &m,
                &[
                    "as the Testimony of",
                    "wit-",
                    "ness Quill",
                    "feather W-",
                    "017 says"
                ]
            ),
            [0, 1]
        );
        assert_eq!(found(&m, &["code W-0171 and XW-017"]), Vec::<usize>::new());
        assert_eq!(found(&m, &["(W–017)"]), [1]);
        assert_eq!(found(&m, &["the W-017s"]), [1]);
        assert_eq!(found(&m, &["Mohammadinejad"]), Vec::<usize>::new());
        assert_eq!(found(&m, &["Mohammadi's"]), [2]);
        assert_eq!(found(&m, &["Moham madi"]), Vec::<usize>::new());
        assert_eq!(found(&m, &["Moham-", "madi"]), [2]);
        assert_eq!(
            found(&m, &["see example.org/witness/17-public"]),
            Vec::<usize>::new()
        );
        assert_eq!(
            found(&m, &["see example.org/witness/170"]),
            Vec::<usize>::new()
        );
        assert_eq!(found(&m, &["see example.org/witness/17."]), [3]);
        assert_eq!(found(&m, &["see example.org/witness/17/tape"]), [3]);
    }

    #[test]
    fn finds_needles_cut_where_the_eye_jumps() {
        let m = Matcher::new(&needles(&["Testimony of witness Quillfeather W-017"]));
        let h = hay(&[
            "as the Testimony of witness",
            "1 A footnote.",
            "Report title — page 2",
            "Quillfeather W-017 says",
        ]);
        let at = |piece: &str| h.text.find(&skeleton::of(piece)).unwrap();
        let ends = [at("1 A footnote"), at("Report title"), at("Quillfeather")];
        let starts = [at("1 A footnote"), at("Report title"), at("Quillfeather")];
        assert_eq!(m.find(&h, false), []);
        let hits = m.find_cut(&h, &ends, &starts);
        assert_eq!(hits.len(), 1);
        assert!(m.find_cut(&h, &ends[..1], &starts[..2]).is_empty());
    }
}
