//! Finding needles in skeletons: all at once (Aho–Corasick over every
//! needle and every word of a needle), short needles as whole words only,
//! the words of a title or name placed out of order close together, and a
//! needle cut in two where the reader's eye jumps — from the end of a line
//! to the start of a line further on or on the next page, past footnotes,
//! running headers and footers.

use aho_corasick::AhoCorasick;
use rustc_hash::{FxHashMap, FxHashSet};

use super::needles::Needles;
use crate::skeleton::Builder;

/// Words shorter than this (in bytes of skeleton) count, for out-of-order
/// pieces, only where they stand as whole words.
const SHORT_WORD: usize = 5;

/// The longest needle (in characters) looked for across a jump; longer
/// notes and quotes are looked for by their clauses.
const SPLIT_MAX: usize = 400;

/// What an automaton pattern stands for.
#[derive(Debug, Clone, Copy)]
enum Use {
    Needle(usize),
    Word(usize),
}

/// A needle whose words may be found out of order.
#[derive(Debug)]
struct Window {
    needle: usize,
    words: Vec<usize>,
    /// The widest span, in skeleton bytes, its words may be spread over.
    limit: usize,
}

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
    uses: Vec<Vec<Use>>,
    whole: Vec<bool>,
    word_lengths: Vec<usize>,
    windows: Vec<Window>,
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
        let mut uses: Vec<Vec<Use>> = Vec::new();
        let mut add = |text: &str, use_: Use| -> usize {
            let id = *index.entry(text.to_string()).or_insert_with(|| {
                patterns.push(text.to_string());
                uses.push(Vec::new());
                patterns.len() - 1
            });
            uses[id].push(use_);
            id
        };
        let mut words: FxHashMap<String, usize> = FxHashMap::default();
        let mut word_lengths = Vec::new();
        let mut windows = Vec::new();
        for (i, needle) in needles.list.iter().enumerate() {
            add(&needle.skeleton, Use::Needle(i));
            if needle.words.is_empty() {
                continue;
            }
            let mut ids = Vec::new();
            for word in &needle.words {
                let id = match words.get(word) {
                    Some(&id) => id,
                    None => {
                        let id = word_lengths.len();
                        words.insert(word.clone(), id);
                        word_lengths.push(word.len());
                        add(word, Use::Word(id));
                        id
                    }
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.len() >= 2 {
                let length = needle.skeleton.len();
                windows.push(Window {
                    needle: i,
                    words: ids,
                    limit: length + length / 2 + 8,
                });
            }
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
            whole: needles.list.iter().map(|n| n.whole).collect(),
            word_lengths,
            windows,
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
            if needle.whole || chars.len() < 2 || chars.len() > SPLIT_MAX {
                continue;
            }
            self.longest = self.longest.max(chars.len());
            let mut keys = Vec::with_capacity(chars.len() - 1);
            for cut in 1..chars.len() {
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

    /// Every needle in `hay`: whole, or (titles, names, terms, notes and
    /// quotes) as its words out of order within a short span.
    /// With `long_only`, for text that may be chance (runs found in binary
    /// data): only needles that match anywhere, not short whole words, and
    /// no words out of order.
    pub fn find(&self, hay: &Builder, long_only: bool) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        let mut seen = FxHashSet::default();
        let mut occurrences: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.word_lengths.len()];
        for found in automaton.find_overlapping_iter(hay.text.as_str()) {
            let (start, end) = (found.start(), found.end());
            let aligned = || hay.boundary_at(start) && hay.boundary_at(end);
            for use_ in &self.uses[found.pattern().as_usize()] {
                match *use_ {
                    Use::Needle(i) => {
                        let allowed = if self.whole[i] {
                            !long_only && aligned()
                        } else {
                            true
                        };
                        if allowed && seen.insert(i) {
                            hits.push(Hit {
                                needle: i,
                                at: start,
                            });
                        }
                    }
                    Use::Word(_) if long_only => {}
                    Use::Word(w) => {
                        if self.word_lengths[w] >= SHORT_WORD || aligned() {
                            occurrences[w].push((start, end));
                        }
                    }
                }
            }
        }
        for window in &self.windows {
            if seen.contains(&window.needle) {
                continue;
            }
            if let Some(at) = spread(&occurrences, &window.words, window.limit) {
                seen.insert(window.needle);
                hits.push(Hit {
                    needle: window.needle,
                    at,
                });
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
        let mut heads = FxHashSet::default();
        for &end in ends {
            let mut hash = 0u64;
            for (length, c) in text[..end].chars().rev().take(self.longest).enumerate() {
                hash = hash.wrapping_add((c as u64 + 1).wrapping_mul(self.powers[length]));
                let k = key(hash, length + 1);
                if self.heads.contains(&k) {
                    heads.insert(k);
                }
            }
        }
        if heads.is_empty() {
            return Vec::new();
        }
        let mut tails = FxHashSet::default();
        for &start in starts {
            let mut hash = 0u64;
            for (length, c) in text[start..].chars().take(self.longest).enumerate() {
                hash = hash.wrapping_mul(BASE).wrapping_add(c as u64 + 1);
                let k = key(hash, length + 1);
                if self.tails.contains(&k) {
                    tails.insert(k);
                }
            }
        }
        let mut hits = Vec::new();
        for cuts in &self.cuts {
            let found = cuts
                .keys
                .iter()
                .any(|(head, tail)| heads.contains(head) && tails.contains(tail));
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

/// The start of the narrowest span of at most `limit` bytes holding an
/// occurrence of each of `words`, if there is one.
fn spread(occurrences: &[Vec<(usize, usize)>], words: &[usize], limit: usize) -> Option<usize> {
    if words.iter().any(|&w| occurrences[w].is_empty()) {
        return None;
    }
    let mut all: Vec<(usize, usize, usize)> = words
        .iter()
        .enumerate()
        .flat_map(|(slot, &w)| occurrences[w].iter().map(move |&(s, e)| (s, e, slot)))
        .collect();
    all.sort_unstable();
    let mut counts = vec![0usize; words.len()];
    let mut covered = 0;
    let mut left = 0;
    for right in 0..all.len() {
        let slot = all[right].2;
        counts[slot] += 1;
        if counts[slot] == 1 {
            covered += 1;
        }
        while covered == words.len() {
            let end = all[left..=right].iter().map(|o| o.1).max().unwrap_or(0);
            if end - all[left].0 <= limit {
                return Some(all[left].0);
            }
            let slot = all[left].2;
            counts[slot] -= 1;
            if counts[slot] == 0 {
                covered -= 1;
            }
            left += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::leak::needles::{Field, Needle, Owner};
    use crate::skeleton;

    fn needles(texts: &[(&str, bool)]) -> Needles {
        let list = texts
            .iter()
            .map(|(text, pieces)| {
                let skeleton = skeleton::of(text);
                let words: Vec<String> = if *pieces {
                    text.split_whitespace().map(skeleton::of).collect()
                } else {
                    Vec::new()
                };
                Needle {
                    owner: Owner {
                        source: "s".into(),
                        field: Field::Title,
                        claim: None,
                    },
                    whole: skeleton.chars().count() < 8,
                    skeleton,
                    words,
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
    fn finds_across_pieces_and_whole_words_only_when_short() {
        let m = Matcher::new(&needles(&[
            ("Testimony of witness Quillfeather W-017", true),
            ("W-017", true),
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
    }

    #[test]
    fn finds_words_out_of_order_only_close_together() {
        let m = Matcher::new(&needles(&[(
            "Testimony of witness Quillfeather W-017",
            true,
        )]));
        assert_eq!(
            found(&m, &["Quillfeather W-017", "Testimony of witness"]),
            [0]
        );
        let far = format!(
            "Quillfeather W-017 {} Testimony of witness",
            "lorem ipsum ".repeat(20)
        );
        assert!(found(&m, &[&far]).is_empty());
        // Common words in another order are not the title.
        assert!(found(&m, &["the witness of a testimony"]).is_empty());
    }

    #[test]
    fn finds_needles_cut_where_the_eye_jumps() {
        let m = Matcher::new(&needles(&[(
            "Testimony of witness Quillfeather W-017",
            true,
        )]));
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
