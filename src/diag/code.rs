//! The stable codes of diagnostics: their names, default severities and the
//! texts that explain them (shown by SARIF viewers and in the README).

use super::Severity;

macro_rules! codes {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident => $name:literal, $severity:ident,
            when: $when:literal,
            help: $help:literal;
    )*) => {
        /// The stable code of a diagnostic, as listed in the contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the contract's order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as users write and read it, e.g. `unknown-id`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The severity a code has unless the registry's rules change it.
            pub fn default_severity(self) -> Severity {
                match self {
                    $(Self::$variant => Severity::$severity,)*
                }
            }

            /// When the diagnostic is given, in one sentence.
            pub fn when(self) -> &'static str {
                match self {
                    $(Self::$variant => $when,)*
                }
            }

            /// How to fix what it reports.
            pub fn help(self) -> &'static str {
                match self {
                    $(Self::$variant => $help,)*
                }
            }

            /// The code named `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Code> {
                Self::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

codes! {
    /// The registry, a report or its front matter does not parse.
    Syntax => "syntax", Error,
        when: "The registry, a report or its front matter does not parse.",
        help: "Fix the TOML, YAML, Markdown or Typst syntax at the location shown.";
    /// A field has the wrong type or an impossible value, or is unknown.
    InvalidField => "invalid-field", Error,
        when: "A field has the wrong type or an impossible value, or is unknown.",
        help: "Correct the field's name or value; unknown fields come with the closest known name.";
    /// A report cites an ID that is neither a claim nor a source.
    UnknownId => "unknown-id", Error,
        when: "A report cites an ID that is in the registry as neither claim nor source.",
        help: "Correct the ID (the closest registered one is suggested) or register the claim or source.";
    /// An ID is defined twice.
    DuplicateId => "duplicate-id", Error,
        when: "An ID is defined twice, across included files or as both a claim and a source.",
        help: "Rename one of the two definitions: one ID names one thing.";
    /// A claim's evidence names a source that does not exist.
    UnknownSource => "unknown-source", Error,
        when: "A claim's evidence names a source that does not exist.",
        help: "Correct the source ID in the evidence or register the source.";
    /// A claim has no evidence.
    NoEvidence => "no-evidence", Error,
        when: "A claim has no evidence.",
        help: "Add `evidence = [{ source = \"…\" }]` or `sources = [\"…\"]` to the claim.";
    /// A claim's evidence values conflict and no resolution is recorded.
    ConflictingEvidence => "conflicting-evidence", Error,
        when: "A claim's evidence values conflict and no `conflict` resolution is recorded.",
        help: "Record how the report treats the disagreement: `conflict = { resolution = \"range\" | \"attributed\" | \"preferred\", rationale = \"…\" }`.";
    /// A public build cites a confidential source, or a claim resting only on them.
    ConfidentialOnly => "confidential-only", Error,
        when: "A public build cites a claim whose every source is confidential, or a confidential source directly.",
        help: "Cite a claim that has public evidence too, or make an internal build with --internal.";
    /// Text of a confidential source appears in a public PDF.
    ConfidentialLeak => "confidential-leak", Error,
        when: "A public build would show a confidential source's title, short or original title, URL, archived URL, redact term, author, note or quote (or a clause of one), in what the report or a file it reads says, or in the laid-out document, its metadata, images or attachments.",
        help: "Remove the confidential text from the report (prose, headings, notes, tables, links, front matter), or make an internal build with --internal.";
    /// A capture file is missing or does not match its SHA-256.
    CaptureMismatch => "capture-mismatch", Error,
        when: "A capture file is missing or its SHA-256 differs from `sha256`.",
        help: "Restore the captured file, or capture the source again and record its new SHA-256.";
    /// Typst could not compile the document.
    Compile => "compile", Error,
        when: "Typst could not compile the document (builds only).",
        help: "Fix the Typst or Markdown at the location shown.";
    /// Two sources share a URL, DOI or ISBN.
    DuplicateSource => "duplicate-source", Warning,
        when: "Two sources share a URL (after normalisation), a DOI or an ISBN.",
        help: "Merge the two sources into one and point the evidence at it.";
    /// A claim is registered but cited by none of the checked reports.
    UnusedClaim => "unused-claim", Warning,
        when: "A claim is registered but cited by none of the checked reports.",
        help: "Cite the claim in a report or remove it from the registry.";
    /// A source is registered but cited by none of the checked reports.
    UnusedSource => "unused-source", Warning,
        when: "A source is registered but cited by none of the checked reports, directly or through a claim.",
        help: "Cite the source, use it as evidence for a cited claim, or remove it.";
    /// Every source of a claim shares one affiliation.
    SingleOrigin => "single-origin", Warning,
        when: "Every source of a claim shares one `affiliation`, so they are not independent.",
        help: "Find a source with another affiliation, or tell readers that the claim rests on one camp.";
    /// A claim rests only on sources graded E or F.
    WeakEvidence => "weak-evidence", Warning,
        when: "A claim rests only on sources whose reliability is graded E or F.",
        help: "Find a more reliable source, or lower the claim's credibility and say so in the report.";
    /// A date is out of order or in the future.
    DateOrder => "date-order", Warning,
        when: "A source was accessed before it was published, or a date lies in the future.",
        help: "Correct the date; a future date is usually a typo in the year.";
    /// An evidence quote is not in its source's capture.
    QuoteMismatch => "quote-mismatch", Error,
        when: "An evidence `quote` does not occur in the text of its source's capture (compared after Unicode NFKC, case folding, white space, quote marks, dashes and line-end hyphens; `…` stands for any text).",
        help: "Copy the quote from the capture as it is (the closest passage is shown), mark left-out text with `…`, or capture the source again.";
    /// A figure in a citing sentence contradicts the cited claim's evidence.
    FigureMismatch => "figure-mismatch", Warning,
        when: "A figure (count, percentage or date) in a sentence citing a claim shares no value with any evidence value of that kind of the claims it cites.",
        help: "Write the figure as the evidence gives it, qualify it (`about`, `more than`, `between … and …`), or cite the claim that gives it.";
    /// A sentence states a figure and cites nothing.
    UncitedFigure => "uncited-figure", Warning,
        when: "A sentence of a paragraph, list item, block quote or footnote states a count of 10 or more, a percentage or a date to the day, and cites nothing.",
        help: "Cite the claim or source the figure comes from, or say in words that it is an estimate of the report's own.";
    /// A PDF given to `verify` carries no evidence.
    EvidenceMissing => "evidence-missing", Error,
        when: "A PDF given to `verify` carries no `evidence.json`: it was not built by dossier, was built under PDF/A-1 or PDF/A-2, or the attachment was removed.",
        help: "Verify the PDF as it was built, or build it again under a standard that allows attachments (the default a-3a,ua-1, a-3b or a-4).";
    /// The evidence a PDF carries is not what it was built with.
    EvidenceAltered => "evidence-altered", Error,
        when: "The evidence attached to a PDF is not the evidence it was sealed with when built, is not dossier's evidence, or the file was changed after it was built.",
        help: "Do not edit a built dossier: build it again from its report and registry.";
    /// A PDF's evidence no longer matches the registry.
    EvidenceChanged => "evidence-changed", Error,
        when: "A claim or source in a PDF's attached evidence differs from the registry at hand, or is no longer in it.",
        help: "Build the PDF again so it says what the registry says now, or restore the registry entry it was built from.";
}
