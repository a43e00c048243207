#!/usr/bin/env python3
"""Check the generated documents of tests/cli/pandoc.rs against Pandoc 2.17.

The property test places citations at random in random Markdown and expects
dossier to find exactly those. This script asks Pandoc whether it finds the
same keys in the same documents:

    mkdir /tmp/generated
    DUMP_DIR=/tmp/generated PROPTEST_CASES=600 cargo test --test cli pandoc::generated
    python3 tests/data/pandoc/compare.py /tmp/generated

Keys inside bare URLs (`https://example.org/@user`, and link targets that are
not links) are left out: Pandoc reads them as citations, dossier does not.
"""
import glob
import json
import subprocess
import sys

URL_KEYS = {"user", "auto", "x"}


def keys(node, out):
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            out.extend(c["citationId"] for c in node["c"][0])
        for value in node.values():
            keys(value, out)
    elif isinstance(node, list):
        for value in node:
            keys(value, out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: compare.py DUMP_DIR")
    files = sorted(glob.glob(f"{sys.argv[1]}/*.md"))
    differ = 0
    for path in files:
        text = open(path, encoding="utf-8").read()
        ast = subprocess.run(["pandoc", "-f", "markdown", "-t", "json"], input=text,
                             capture_output=True, text=True, check=True).stdout
        found = []
        keys(json.loads(ast), found)
        found = sorted(k for k in found if k not in URL_KEYS)
        placed = sorted(k for k in open(path[:-3] + ".keys", encoding="utf-8").read().split("\n") if k)
        if found != placed:
            differ += 1
            print(f"{path}: Pandoc {found} placed {placed}")
    print(f"{differ} of {len(files)} documents differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
