//! One case per family of leak found by trying the scan as an adversary and
//! as a careless author: boxes, out-of-order placement, attachments and
//! archives, EXIF, an embedded internal PDF, Unicode, quotes, right-to-left
//! text, URL forms, short titles, the registry by another path, policies.
//! Each says which layer must find it alone; the binary must refuse it.

use dossier::render::leak::Field;

use super::{is, layers, project, refused};

/// Which layers must each find a case on their own.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layers {
    /// Both: ordinary writing, or a file both the reader and the document see.
    Both,
    /// Only after layout: text that exists only once Typst has computed it.
    After,
}

struct Case {
    name: &'static str,
    text: String,
    field: Field,
    layers: Layers,
}

fn case(name: &'static str, text: &str, field: Field, layers: Layers) -> Case {
    Case {
        name,
        text: text.to_string(),
        field,
        layers,
    }
}

fn cases() -> Vec<Case> {
    use Field::*;
    use Layers::*;
    let filler =
        "Prisoners were moved between prisons at night, families say, and nobody was told where. "
            .repeat(3);
    vec![
        // Boxes and out-of-order placement.
        case(
            "box.typ",
            "Text @mixed. #box[Testimony of witness] Quillfeather W-017 says.\n",
            Title,
            Both,
        ),
        case(
            "stack.typ",
            "Text @mixed.\n\n#stack(dir: rtl, spacing: 4pt, [Quillfeather W-017], [Testimony of witness])\n",
            Title,
            After,
        ),
        case(
            "place.typ",
            "Text @mixed.\n\n#block(height: 3em)[#place(dx: 8em)[Quillfeather W-017]#place(dx: 0em)[Testimony of witness]]\n",
            Title,
            After,
        ),
        case(
            "letters.typ",
            "Text @mixed. #stack(dir: rtl, ..\"dlohnraV\".clusters()) case.\n",
            Redact,
            After,
        ),
        case(
            "mirror.typ",
            "Text @mixed. #scale(x: -100%)[#for c in \"dlohnraV\".clusters() { box(scale(x: -100%, c)) }] case.\n",
            Redact,
            After,
        ),
        case(
            "invisible.typ",
            "Text @mixed. The Varn#text(size: 0pt)[x]hold and Varn#box(width: 0pt, clip: true)[y]hold and Varn#text(fill: white)[z]hold case.\n",
            Redact,
            After,
        ),
        case(
            "override.md",
            "Text [@mixed]. Title: \u{202E}710-W rehtaeflliuQ ssentiw fo ynomitseT\u{202C}.\n",
            Title,
            Both,
        ),
        case(
            "rotate.typ",
            "Text @mixed. #rotate(180deg)[Testimony of witness Quillfeather W-017]\n",
            Title,
            Both,
        ),
        // Computed text: only what Typst makes of it shows the title.
        case(
            "upper.typ",
            "Text @mixed. #upper(\"testimony of \" + \"witness quill\" + \"feather w-017\")\n",
            Title,
            After,
        ),
        case(
            "join.typ",
            "#let parts = (\"Quill\", \"feather\")\nText @mixed. Testimony of witness #parts.join() W-0#str(17).\n",
            Title,
            After,
        ),
        case(
            "numbers.typ",
            "#let n = 17\nText @mixed. The informant W-0#n testified.\n",
            ShortTitle,
            After,
        ),
        // Markdown as a writer types it.
        case(
            "md-emphasis.md",
            &format!(
                "{filler}As the *Testimony* of **witness** *Quill*feather W-017 says [@mixed].\n"
            ),
            Title,
            Both,
        ),
        case(
            "md-link.md",
            &format!(
                "{filler}See [the Testimony of witness](https://example.org) Quillfeather W-017 [@mixed].\n"
            ),
            Title,
            Both,
        ),
        case(
            "md-footnote.md",
            &format!(
                "Text [@mixed].[^1]\n\n[^1]: {filler} As the Testimony of witness Quillfeather W-017 says.\n"
            ),
            Title,
            Both,
        ),
        case(
            "md-quote.md",
            &format!(
                "One survivor [@mixed] said: \"They came for us after midnight, and took the men to the yard.\" {filler}\n"
            ),
            Quote,
            Both,
        ),
        case(
            "md-table.md",
            "| Source | Said |\n|---|---|\n| W-017 | nothing |\n\nText [@mixed].\n",
            ShortTitle,
            Both,
        ),
        case(
            "md-list.md",
            &format!("- {filler} Testimony of witness Quillfeather W-017\n- Text [@mixed]\n"),
            Title,
            Both,
        ),
        case(
            "md-code.md",
            "Text [@mixed]. The file is `Varnhold.txt`.\n",
            Redact,
            Both,
        ),
        case(
            "md-letterspaced.md",
            "Text [@mixed]. The name was V a r n h o l d, spelt out.\n",
            Redact,
            Both,
        ),
        case(
            "md-html.md",
            "Text [@mixed]. Quill<span>feather</span> W-017 &amp; friends.\n",
            ShortTitle,
            Both,
        ),
        case(
            "md-entity.md",
            "Text [@mixed]. The Testimony of witness Quill&#102;eather W&#x2D;017.\n",
            Title,
            Both,
        ),
        // Unicode: case, look-alikes, quote marks, apostrophes, scripts.
        case(
            "upper-md.md",
            "TEXT [@mixed]. THE TESTIMONY OF WITNESS QUILLFEATHER W-017.\n",
            Title,
            Both,
        ),
        case(
            "confusable.md",
            "Text [@mixed]. Testimony of witness Quіllfeаther W-017.\n",
            Title,
            Both,
        ),
        case(
            "guillemets.md",
            "Text [@mixed]. ‹Testimony› of «witness» Quill’feather `W–017`.\n",
            Title,
            Both,
        ),
        case(
            "apostrophes.md",
            "Text [@mixed]. Testimony of witness Quillʼfeather´ W-017.\n",
            Title,
            Both,
        ),
        case(
            "arabic-letters.md",
            "Text [@mixed]. شهادت شاهد كويلفدر ١٧.\n",
            OriginalTitle,
            Both,
        ),
        case(
            "persian-in-english.md",
            "An English report [@mixed] quoting شهادت شاهد کویلفدر ۱۷ in its own script.\n",
            OriginalTitle,
            Both,
        ),
        case(
            "rtl-typst.typ",
            "#set text(lang: \"fa\", dir: rtl)\nمتن @mixed شهادت شاهد کویلفدر 17 و باقی متن\n",
            OriginalTitle,
            Both,
        ),
        case(
            "zero-width.md",
            "Text [@mixed]. Testimony of witness Quill\u{200B}feather W\u{2060}-017.\n",
            Title,
            Both,
        ),
        // Short titles and redact terms, as whole words.
        case(
            "short.md",
            "Text [@mixed]. Source W-017 said so.\n",
            ShortTitle,
            Both,
        ),
        case(
            "phone.md",
            "Text [@mixed]. Call +98 (21) 555-0134.\n",
            Redact,
            Both,
        ),
        // URLs in every form duplicate-source calls the same.
        case(
            "url-slash.md",
            "Text [@mixed]. <https://intranet.example.org/witness/17/>\n",
            Url,
            Both,
        ),
        case(
            "url-www.md",
            "Text [@mixed]. See [here](http://www.intranet.example.org/witness/17).\n",
            Url,
            Both,
        ),
        case(
            "url-utm.md",
            "Text [@mixed]. See [here](https://intranet.example.org/witness/17?utm_source=mail&utm_medium=x).\n",
            Url,
            Both,
        ),
        case(
            "url-fragment.md",
            "Text [@mixed]. See [here](https://intranet.example.org/witness/17#tape).\n",
            Url,
            Both,
        ),
        case(
            "url-encoded.md",
            "Text [@mixed]. See [here](https://intranet.example.org/%77itness/17).\n",
            Url,
            Both,
        ),
        case(
            "url-dots.md",
            "Text [@mixed]. See [here](https://intranet.example.org:443/./witness//17).\n",
            Url,
            Both,
        ),
        case(
            "url-host-dot.md",
            "Text [@mixed]. See [here](https://intranet.example.org./witness/17).\n",
            Url,
            Both,
        ),
        case(
            "url-bare.md",
            "Text [@mixed]. The tape is at intranet.example.org/witness/17 now.\n",
            Url,
            Both,
        ),
        case(
            "url-deeper.md",
            "Text [@mixed]. See [here](https://intranet.example.org/witness/17/tape-2.mp3).\n",
            Url,
            Both,
        ),
        case(
            "url-punycode.md",
            "Text [@mixed]. See [here](https://xn--bcher-archiv-dlb.example/tape-17).\n",
            Archived,
            Both,
        ),
        case(
            "url-unicode-text.md",
            "Text [@mixed]. The copy is at bücher-archiv.example/tape%2D17 today.\n",
            Archived,
            Both,
        ),
        case(
            "url-percent.typ",
            "Text @mixed. #link(\"https://b%C3%BCcher-archiv.example/tape%2D17\")[the copy]\n",
            Archived,
            Both,
        ),
        // Metadata and attachments made in Typst.
        case(
            "keywords.typ",
            "#set document(keywords: (\"Quillfeather W-017\",))\nText @mixed\n",
            ShortTitle,
            Both,
        ),
        case(
            "attach-bytes.typ",
            "#pdf.attach(\"n.txt\", bytes(\"Testimony of \" + \"witness Quillfeather W-017\"))\nText @mixed\n",
            Title,
            Both,
        ),
    ]
}

#[test]
fn each_family_is_found_by_its_layers_and_refused() {
    let project = project("start.md", "Text [@mixed].\n");
    let mut failures = Vec::new();
    for case in cases() {
        project.write(case.name, &case.text);
        let (before, after) = layers(&project, case.name);
        let found_before = before.iter().any(|f| is(f, case.field));
        let found_after = after.iter().any(|f| is(f, case.field));
        let wanted_before = case.layers == Layers::Both;
        if found_before != wanted_before && wanted_before || !found_after {
            failures.push(format!(
                "{}: before layout {found_before} (want {wanted_before}), after {found_after}\n  before: {before:?}\n  after: {after:?}",
                case.name
            ));
            continue;
        }
        refused(&project, case.name);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
