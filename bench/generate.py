#!/usr/bin/env python3
"""Generates the benchmark workloads, the same for the same seed.

briefing-35   a ~35-page briefing with 400 citations of 250 claims and 100
              sources (and one confidential source, so every build runs the
              leak scan), as Markdown and as Typst, plus the same document as
              plain Typst with a hayagriva bibliography (claims expanded by
              hand, as a Typst user would write it).
registry-10k  10,000 sources and 20,000 claims in ten included files, and 100
              reports with 100,000 citations in all.
scaling-N     for N = 1,000, 5,000, 20,000 and 100,000: a Markdown report of
              N sentences, each citing one of 100 sources (briefing template);
              the same as plain Typst with a hayagriva bibliography; and the
              floor: the same look with every citation and the bibliography
              written out as text, which is what laying out the pages costs.

    python3 bench/generate.py --seed 1988 --out bench/work
"""

import argparse
import json
import random
from pathlib import Path

WORDS = """
account accountability acknowledged archive authorities called camp cases cemetery
commission committee court crimes daily decades decision documents evidence executions
families files findings graves groups hearings international investigation journalists
judges justice later lawyers letters lists months names officials orders organisation
period political prison prisoners records region relatives released report reports
research rights sentences sources statement summer survivors testimony trials victims
witnesses years written according although among before during early following former
general however included large local many most never often only public recent several
since small still through under until whose within without described confirmed reported
recorded remained returned said showed stated suggested transferred
""".split()

TYPES = ["article", "web", "report", "book"]
OUTLETS = ["The Observer Review", "Regional Times", "Human Rights Monitor", "Daily Chronicle", "Policy Quarterly"]
ORGS = ["Amnesty International", "Human Rights Watch", "Justice for the Victims of the 1988 Massacre in Iran",
        "Iran Human Rights Documentation Center", "United Nations Human Rights Council"]
FAMILIES = ["Abrahamian", "Robertson", "Stevenson", "Shahrooz", "Montazeri", "Rahimi", "Karimi", "Hosseini",
            "van der Berg", "de Montclos", "al-Mahmoud", "Ivanova", "Martin", "Nouri", "Farahani"]
GIVENS = ["Ervand", "Geoffrey", "Struan", "Kaveh", "Leila", "Maryam", "Anna", "Marc", "Sara", "Reza", "Nasrin"]
AFFILIATIONS = ["NCRI/PMOI", "Amnesty International", "Human Rights Watch", "UN", "Independent", "Academic"]


def sentence(rng, words=(12, 24)):
    n = rng.randint(*words)
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    return text[0].upper() + text[1:]


def toml_string(text):
    return json.dumps(text, ensure_ascii=False)


def source_toml(rng, sid, index):
    kind = TYPES[index % len(TYPES)]
    year = 1990 + index % 34
    lines = [f"[sources.{sid}]", f'type = "{kind}"', f"title = {toml_string(sentence(rng, (4, 9)))}"]
    if kind == "report" or index % 7 == 0:
        lines.append(f'authors = [{{ org = {toml_string(rng.choice(ORGS))} }}]')
    else:
        lines.append(f'authors = ["{rng.choice(FAMILIES)}, {rng.choice(GIVENS)}"]')
    if kind in ("article", "book"):
        lines.append(f"publisher = {toml_string(rng.choice(OUTLETS))}")
    lines.append(f'date = "{year}-{1 + index % 12:02d}"')
    if kind == "web":
        lines.append(f'url = "https://example.org/{sid}"')
        lines.append(f"accessed = 2026-{1 + index % 10:02d}-{1 + index % 27:02d}")
    lines.append(f'affiliation = "{AFFILIATIONS[index % len(AFFILIATIONS)]}"')
    lines.append(f'reliability = "{"ABCDEF"[index % 5]}"')
    return "\n".join(lines) + "\n"


def claim_toml(rng, cid, source_ids):
    chosen = rng.sample(source_ids, rng.randint(1, 3))
    value = rng.choice([None, None, 1000 * rng.randint(1, 30)])
    evidence = []
    for s in chosen:
        locator = rng.choice(["para. ", "p. "]) + str(rng.randint(1, 40))
        item = f'{{ source = "{s}", locator = "{locator}"'
        if rng.random() < 0.3:
            item += f", quote = {toml_string(sentence(rng, (5, 10)).lower())}"
        if value is not None:
            item += f", value = {{ about = {value} }}"
        evidence.append(item + " }")
    return (f"[claims.{cid}]\nstatement = {toml_string(sentence(rng) + '.')}\ncredibility = {rng.randint(1, 6)}\n"
            f"evidence = [\n  " + ",\n  ".join(evidence) + ",\n]\n")


def citation(rng, claims, sources, typst):
    """One citation group: its Markdown, Typst and plain-Typst forms."""
    kind = rng.random()
    locator = rng.choice([None, None, "p. " + str(rng.randint(1, 200))])
    if kind < 0.55:
        c = rng.choice(claims)
        return f"[@{c}]", f"@{c}", [(c, None)], 1
    if kind < 0.8:
        s = rng.choice(sources)
        md = f"[@{s}, {locator}]" if locator else f"[@{s}]"
        ty = f"@{s}[{locator}]" if locator else f"@{s}"
        return md, ty, [(s, locator)], 1
    a, b = rng.choice(claims), rng.choice(sources)
    return f"[@{a}; @{b}]", f"@{a} @{b}", [(a, None), (b, None)], 2


def briefing(rng, out):
    source_ids = [f"src-{i:03d}" for i in range(100)]
    claim_ids = [f"claim-{i:03d}" for i in range(250)]
    claims = {}
    registry = ['[registry]\ntitle = "briefing-35"\nstyle = "chicago-author-date"\n']
    registry += [source_toml(rng, s, i) for i, s in enumerate(source_ids)]
    for c in claim_ids:
        text = claim_toml(rng, c, source_ids)
        claims[c] = [(line.split('source = "')[1].split('"')[0], line.split('locator = "')[1].split('"')[0])
                     for line in text.splitlines() if "source = " in line]
        registry.append(text)
    # As in an NGO's registry, a confidential source: every public build then
    # scans its PDF for the source's text.
    registry.append('[sources.witness-001]\ntype = "misc"\ntitle = "Interview with a former prisoner"\n'
                    'confidential = true\nnote = "Interviewed in Ankara by a researcher who asked not to be named"\n')
    (out / "sources.toml").write_text("\n".join(registry))

    md = ["---\ntitle: A generated briefing\nsubtitle: Thirty-five pages of cited prose\n"
          "authors: [Benchmark]\norganisation: dossier\ndate: 2026-11-21\n---\n"]
    ty = ["/*---\ntitle: A generated briefing\nsubtitle: Thirty-five pages of cited prose\n"
          "authors: [Benchmark]\norganisation: dossier\ndate: 2026-11-21\n---*/\n"]
    plain = [PLAIN_PREAMBLE]
    citations = 0
    section = 0
    while citations < 400:
        section += 1
        heading = sentence(rng, (2, 5))
        md.append(f"\n## {heading}\n")
        ty.append(f"\n= {heading}\n")
        plain.append(f"\n= {heading}\n")
        for _ in range(5):
            parts_md, parts_ty, parts_plain = [], [], []
            for _ in range(rng.randint(4, 6)):
                text = sentence(rng)
                if citations < 400 and rng.random() < 0.5:
                    cmd, cty, cited, n = citation(rng, claim_ids, source_ids, True)
                    if citations + n > 400:
                        c = rng.choice(claim_ids)
                        cmd, cty, cited, n = f"[@{c}]", f"@{c}", [(c, None)], 1
                    citations += n
                    expanded = []
                    for key, locator in cited:
                        for s, loc in claims.get(key, [(key, locator)]):
                            expanded.append(f"@{s}[{loc}]" if loc else f"@{s}")
                    parts_md.append(f"{text} {cmd}.")
                    parts_ty.append(f"{text} {cty}.")
                    parts_plain.append(f"{text} {' '.join(expanded)}.")
                else:
                    for parts in (parts_md, parts_ty, parts_plain):
                        parts.append(text + ".")
            md.append("\n" + " ".join(parts_md) + "\n")
            ty.append("\n" + " ".join(parts_ty) + "\n")
            plain.append("\n" + " ".join(parts_plain) + "\n")
    plain.append('\n#bibliography("refs.yml", title: [Sources], style: "chicago-author-date")\n')
    (out / "report.md").write_text("".join(md))
    (out / "report.typ").write_text("".join(ty))
    (out / "plain").mkdir(exist_ok=True)
    (out / "plain" / "plain.typ").write_text("".join(plain))
    return citations


# The plain document a Typst user would write for the same briefing: the
# briefing template's look, written out, and citations of the sources.
PLAIN_PREAMBLE = """#set document(title: "A generated briefing", author: "Benchmark")
#set text(font: ("Libertinus Serif", "Vazirmatn"), size: 11pt, lang: "en")
#set par(justify: true, leading: 0.62em, spacing: 1.1em)
#set page(paper: "a4", margin: (x: 2.6cm, top: 2.6cm, bottom: 2.4cm),
  header: context if here().page() > 1 { set text(size: 8.5pt); smallcaps[A generated briefing]; line(length: 100%) },
  footer: context align(center, text(size: 8.5pt, counter(page).display("1 / 1", both: true))))
#show heading: set block(above: 1.5em, below: 0.75em)
#block(text(size: 21pt, weight: "bold")[A generated briefing])
#text(size: 13pt)[Thirty-five pages of cited prose]
#line(length: 100%)
"""


def refs_yaml(out):
    """The sources as hayagriva YAML for the plain document."""
    import re
    text = (out / "sources.toml").read_text()
    entries = []
    for block in text.split("\n[sources.")[1:]:
        head, _, body = block.partition("]\n")
        fields = dict(re.findall(r'^([a-z-]+) = (.+)$', body.split("\n[")[0], re.M))
        if "confidential" in fields:
            continue
        kind = json.loads(fields["type"])
        lines = [f"{head}:", f"  type: {'article' if kind == 'article' else kind}", f"  title: {fields['title']}"]
        author = fields["authors"]
        org = re.search(r'org = ("[^"]+")', author)
        lines.append(f"  author: {{ name: {org.group(1)} }}" if org else f"  author: {json.loads(author[1:-1])!r}".replace("'", '"'))
        lines.append(f"  date: {json.loads(fields['date'])}")
        if "publisher" in fields:
            lines.append(f"  parent:\n    type: newspaper\n    title: {fields['publisher']}" if kind == "article"
                         else f"  publisher: {fields['publisher']}")
        if "url" in fields:
            lines.append(f"  url: {{ value: {json.loads(fields['url'])}, date: {fields['accessed']} }}")
        entries.append("\n".join(lines))
    (out / "plain" / "refs.yml").write_text("\n".join(entries) + "\n")


def registry_10k(rng, out):
    registry = out / "registry"
    registry.mkdir(exist_ok=True)
    (out / "sources.toml").write_text('[registry]\ntitle = "registry-10k"\ninclude = ["registry/*.toml"]\n')
    source_ids = [f"s{i:05d}" for i in range(10_000)]
    claim_ids = [f"c{i:05d}" for i in range(20_000)]
    for part in range(10):
        parts = [source_toml(rng, s, i) for i, s in enumerate(source_ids[part * 1000:(part + 1) * 1000])]
        parts += [claim_toml(rng, c, source_ids) for c in claim_ids[part * 2000:(part + 1) * 2000]]
        (registry / f"part-{part}.toml").write_text("\n".join(parts))
    reports = out / "reports"
    reports.mkdir(exist_ok=True)
    total = 0
    for r in range(100):
        lines = [f"---\ntitle: Report {r}\n---\n"]
        count = 0
        while count < 1000:
            lines.append(f"\n## {sentence(rng, (2, 4))}\n\n")
            for _ in range(10):
                cmd, _, _, n = citation(rng, claim_ids, source_ids, False)
                count += n
                lines.append(f"{sentence(rng, (8, 14))} {cmd}. ")
        total += count
        (reports / f"report-{r:03d}.md").write_text("".join(lines))
    return total


SCALES = (1_000, 5_000, 20_000, 100_000)
DENSE = (100_000,)


def scaling(rng, out, n, dense=False):
    """A report of `n` sentences citing 100 sources, as dossier, plain Typst
    and the text-only floor see it; `dense`, the citations alone, twenty to
    a paragraph, with no prose between them."""
    import re
    source_ids = [f"src-{i:03d}" for i in range(100)]
    tables = [source_toml(rng, s, i) for i, s in enumerate(source_ids)]
    (out / "sources.toml").write_text('[registry]\ntitle = "scaling"\nstyle = "chicago-author-date"\n\n'
                                      + "\n".join(tables))
    names = {}
    for sid, table in zip(source_ids, tables):
        org = re.search(r'org = "([^"]+)"', table)
        person = re.search(r'authors = \["([^,"]+)', table)
        year = re.search(r'date = "(\d{4})', table).group(1)
        title = json.loads(re.search(r"^title = (.+)$", table, re.M).group(1))
        names[sid] = ((org or person).group(1), year, title)
    md = ["---\ntitle: A scaling report\ndate: 2026-11-21\n---\n"]
    plain, floor = [PLAIN_PREAMBLE], [PLAIN_PREAMBLE]
    for i in range(n):
        if i % (5000 if dense else 250) == 0:
            heading = sentence(rng, (2, 5))
            for doc, mark in ((md, "##"), (plain, "="), (floor, "=")):
                doc.append(f"\n{mark} {heading}\n\n")
        sid = rng.choice(source_ids)
        text = "" if dense else sentence(rng, (8, 16)) + " "
        who, year, _ = names[sid]
        md.append(f"{text}[@{sid}]. ")
        plain.append(f"{text}@{sid}. ")
        floor.append(f"{text}({who} {year}). ")
        if i % (20 if dense else 5) == (19 if dense else 4):
            for doc in (md, plain, floor):
                doc.append("\n\n")
    plain.append('\n#bibliography("refs.yml", title: [Sources], style: "chicago-author-date")\n')
    floor.append("\n= Sources\n#set par(hanging-indent: 1.5em)\n")
    for sid in sorted(set(source_ids), key=lambda s: names[s]):
        who, year, title = names[sid]
        floor.append(f"\n{who}. {year}. “{title}.”\n")
    (out / "report.md").write_text("".join(md))
    (out / "plain").mkdir(exist_ok=True)
    (out / "plain" / "plain.typ").write_text("".join(plain))
    refs_yaml(out)
    (out / "floor").mkdir(exist_ok=True)
    (out / "floor" / "floor.typ").write_text("".join(floor))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1988)
    parser.add_argument("--out", type=Path, default=Path("bench/work"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    brief = args.out / "briefing-35"
    brief.mkdir(parents=True, exist_ok=True)
    print(f"briefing-35: {briefing(rng, brief)} citations")
    refs_yaml(brief)
    big = args.out / "registry-10k"
    big.mkdir(parents=True, exist_ok=True)
    print(f"registry-10k: {registry_10k(rng, big)} citations")
    for n in SCALES:
        work = args.out / f"scaling-{n}"
        work.mkdir(parents=True, exist_ok=True)
        scaling(random.Random(args.seed + n), work, n)
        print(f"scaling-{n}: {n} citations")
    for n in DENSE:
        work = args.out / f"scaling-dense-{n}"
        work.mkdir(parents=True, exist_ok=True)
        scaling(random.Random(args.seed + n), work, n, dense=True)
        print(f"scaling-dense-{n}: {n} citations, no prose")


if __name__ == "__main__":
    main()
