//! The registry (`sources.toml` and the files it includes): sources, the
//! claims they support, and the evidence that ties them together. Loading
//! validates every field and keeps the span of each, so later stages can point
//! at the exact key or value.

pub mod described;
pub mod details;
mod fields;
pub mod id;
mod load;
pub mod rich;
mod schema;
pub mod value;

use hayagriva::types::EntryType;

/// Entries by ID, in the order they were defined.
pub type Map<V> = indexmap::IndexMap<String, V, rustc_hash::FxBuildHasher>;

use crate::diag::{Code, FileId, Span, Spanned};

pub use self::details::Details;
pub use self::load::{LoadError, Loaded, Policy, find_registry, load};
pub use self::schema::is_language_tag;
pub use self::value::{PartialDate, Value};

/// Everything the registry files define, merged.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    /// `[registry] title`.
    pub title: Option<Spanned<String>>,
    /// `[registry] style`: the default CSL style for builds.
    pub style: Option<Spanned<String>>,
    /// `[registry.rules]`: severities changed from the defaults.
    pub rules: Vec<Rule>,
    /// Sources by ID, in the order they were defined.
    pub sources: Map<Source>,
    /// Claims by ID, in the order they were defined.
    pub claims: Map<Claim>,
    /// Every file read, the main registry first.
    pub files: Vec<FileId>,
    /// False when a file failed to parse: checks that need every ID are skipped.
    pub complete: bool,
}

/// One entry of `[registry.rules]`.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The code it changes.
    pub code: Code,
    /// What diagnostics with that code become.
    pub level: Level,
    /// Where it was written.
    pub span: Span,
}

/// What a rule makes of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Fails the check.
    Error,
    /// Reported without failing.
    Warning,
    /// Not reported.
    Allow,
}

impl Level {
    /// Every level with its name.
    pub const ALL: [(&'static str, Level); 3] = [
        ("error", Level::Error),
        ("warning", Level::Warning),
        ("allow", Level::Allow),
    ];
}

/// What an ID names.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// A claim.
    Claim(&'a Claim),
    /// A source.
    Source(&'a Source),
}

impl Registry {
    /// Looks an ID up among claims and sources.
    pub fn get(&self, id: &str) -> Option<Entry<'_>> {
        if let Some(claim) = self.claims.get(id) {
            Some(Entry::Claim(claim))
        } else {
            self.sources.get(id).map(Entry::Source)
        }
    }

    /// Whether `id` names a confidential source: what a public build, a
    /// terminal without `--internal` and the leak scan keep hidden.
    pub fn is_hidden(&self, id: &str) -> bool {
        self.sources.get(id).is_some_and(Source::is_confidential)
    }

    /// The claim's evidence a public build may show: none that rests on a
    /// confidential source.
    pub fn public_evidence<'a>(&'a self, claim: &'a Claim) -> impl Iterator<Item = &'a Evidence> {
        claim
            .evidence
            .iter()
            .filter(|e| !self.is_hidden(&e.source.value))
    }

    /// The distinct sources a claim's evidence names and the registry
    /// defines, in order of first naming.
    pub fn sources_of<'a>(&'a self, claim: &Claim) -> Vec<&'a Source> {
        let mut out: Vec<&Source> = Vec::new();
        for evidence in &claim.evidence {
            if let Some(source) = self.sources.get(&evidence.source.value)
                && !out.iter().any(|s| s.id.value == source.id.value)
            {
                out.push(source);
            }
        }
        out
    }

    /// The sources a cited ID stands for: a claim its evidence's sources, a
    /// source itself, nothing for an unknown ID.
    pub fn sources_for(&self, id: &str) -> Vec<&Source> {
        match self.get(id) {
            Some(Entry::Claim(claim)) => self.sources_of(claim),
            Some(Entry::Source(source)) => vec![source],
            None => Vec::new(),
        }
    }

    /// The registry a public build may show: no confidential source, no
    /// evidence that rests on one, no resolution that prefers one.
    pub fn public(&self) -> Registry {
        let mut public = self.clone();
        public.sources.retain(|_, source| !source.is_confidential());
        for (claim, original) in public.claims.values_mut().zip(self.claims.values()) {
            claim.evidence = self.public_evidence(original).cloned().collect();
            // A resolution that follows a confidential source would tell the
            // reader one exists, and its rationale may say why: it goes too.
            if claim
                .conflict
                .as_ref()
                .and_then(|c| c.source.as_ref())
                .is_some_and(|s| self.is_hidden(&s.value))
            {
                claim.conflict = None;
            }
        }
        public
    }

    /// The registry as a terminal may print it without `--internal`: a
    /// confidential source keeps its ID, type and flag and nothing else, and
    /// evidence resting on one keeps only its source.
    pub fn withheld(&self) -> Registry {
        let mut out = self.clone();
        for source in out.sources.values_mut().filter(|s| s.is_confidential()) {
            for field in described::FIELDS {
                (field.clear)(source);
            }
            source.details = Details::default();
        }
        for claim in out.claims.values_mut() {
            for evidence in claim
                .evidence
                .iter_mut()
                .filter(|e| self.is_hidden(&e.source.value))
            {
                evidence.locator = None;
                evidence.quote = None;
                evidence.value = None;
            }
        }
        out
    }

    /// Every ID, claims first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.claims
            .keys()
            .chain(self.sources.keys())
            .map(String::as_str)
    }
}

/// A document, page, recording or testimony that evidence rests on.
#[derive(Debug, Clone)]
pub struct Source {
    /// The ID, spanned at its key.
    pub id: Spanned<String>,
    /// The hayagriva entry type (`misc` when not given).
    pub kind: Spanned<EntryType>,
    /// The title.
    pub title: Option<Spanned<String>>,
    /// A short form of the title, used where the style cites by title.
    pub short_title: Option<Spanned<String>>,
    /// Persons and organisations that made it.
    pub authors: Vec<Spanned<Author>>,
    /// The outlet or organisation that published it.
    pub publisher: Option<Spanned<String>>,
    /// When it was published, as precisely as known.
    pub date: Option<Spanned<PartialDate>>,
    /// Where it can be read.
    pub url: Option<Spanned<String>>,
    /// Digital Object Identifier, with or without the resolver prefix.
    pub doi: Option<Spanned<String>>,
    /// ISBN-10 or ISBN-13, hyphens allowed.
    pub isbn: Option<Spanned<String>>,
    /// When the URL was read.
    pub accessed: Option<Spanned<PartialDate>>,
    /// An archived copy.
    pub archived: Option<Spanned<String>>,
    /// BCP 47 language tag.
    pub language: Option<Spanned<String>>,
    /// The title in its original script.
    pub original_title: Option<Spanned<String>>,
    /// Who stands behind it; sources sharing one are not independent.
    pub affiliation: Option<Spanned<String>>,
    /// Admiralty source reliability, A–F.
    pub reliability: Option<Spanned<char>>,
    /// Never printed in a public build.
    pub confidential: Option<Spanned<bool>>,
    /// A local copy, relative to the registry file that names it.
    pub capture: Option<Spanned<String>>,
    /// SHA-256 of the capture.
    pub sha256: Option<Spanned<String>>,
    /// When the capture was made.
    pub captured_at: Option<Spanned<chrono::DateTime<chrono::FixedOffset>>>,
    /// Who collected the source (a researcher, a partner organisation).
    pub collected_by: Option<Spanned<String>>,
    /// A free note.
    pub note: Option<Spanned<String>>,
    /// On a confidential source: more terms (names, places, numbers) a
    /// public build must never show.
    pub redact: Vec<Spanned<String>>,
    /// The container, editors, volume, pages and the other details styles print.
    pub details: Details,
}

impl Source {
    /// Whether the source must stay out of public builds.
    pub fn is_confidential(&self) -> bool {
        self.confidential.as_ref().is_some_and(|c| c.value)
    }
}

/// Who made a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// A person, written "Family, Given".
    Person(String),
    /// An organisation, kept whole.
    Organisation(String),
}

/// A statement the report makes, backed by evidence.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The ID, spanned at its key.
    pub id: Spanned<String>,
    /// The statement.
    pub statement: Option<Spanned<String>>,
    /// Admiralty information credibility, 1–6.
    pub credibility: Option<Spanned<u8>>,
    /// What supports it, long and short forms merged.
    pub evidence: Vec<Evidence>,
    /// How a disagreement between the evidence is handled.
    pub conflict: Option<Conflict>,
}

impl Claim {
    /// Whether two of its evidence values cannot both be true.
    pub fn disagrees(&self) -> bool {
        !self.disagreeing().is_empty()
    }

    /// The evidence whose value cannot be true together with another's, in
    /// order: the one computation of a conflict.
    pub fn disagreeing(&self) -> Vec<&Evidence> {
        let valued: Vec<(&Evidence, &Value)> = self
            .evidence
            .iter()
            .filter_map(|e| e.value.as_ref().map(|v| (e, &v.value)))
            .collect();
        let mut involved = vec![false; valued.len()];
        for (i, (_, a)) in valued.iter().enumerate() {
            for (j, (_, b)) in valued.iter().enumerate().skip(i + 1) {
                if a.conflicts_with(b) {
                    involved[i] = true;
                    involved[j] = true;
                }
            }
        }
        valued
            .into_iter()
            .zip(involved)
            .filter_map(|((e, _), involved)| involved.then_some(e))
            .collect()
    }
}

/// One source's support for a claim.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The source's ID.
    pub source: Spanned<String>,
    /// Where in the source, e.g. "para. 4".
    pub locator: Option<Spanned<String>>,
    /// A short quotation.
    pub quote: Option<Spanned<String>>,
    /// What the source reports.
    pub value: Option<Spanned<Value>>,
}

/// How a claim handles evidence that disagrees.
#[derive(Debug, Clone)]
pub struct Conflict {
    /// The `conflict` table itself.
    pub span: Span,
    /// range, attributed or preferred.
    pub resolution: Option<Spanned<Resolution>>,
    /// Why.
    pub rationale: Option<Spanned<String>>,
    /// The preferred source, for `preferred`.
    pub source: Option<Spanned<String>>,
}

/// The ways a conflict can be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The report gives the range the sources span.
    Range,
    /// The report gives each value attributed to its source.
    Attributed,
    /// The report follows one source.
    Preferred,
}

impl Resolution {
    /// Every resolution with its name.
    pub const ALL: [(&'static str, Resolution); 3] = [
        ("range", Resolution::Range),
        ("attributed", Resolution::Attributed),
        ("preferred", Resolution::Preferred),
    ];

    /// The name as written in the registry.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Range => "range",
            Self::Attributed => "attributed",
            Self::Preferred => "preferred",
        }
    }
}
