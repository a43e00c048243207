#!/usr/bin/env python3
# Requires Pandoc 2.17.1.1 (the fixture records what exactly that version does).
"""Record the citation keys Pandoc finds in the Markdown of its own tests.

Regenerate citations.json with:

    git clone https://github.com/jgm/pandoc /tmp/pandoc
    python3 tests/data/pandoc/record.py /tmp/pandoc

The argument is a git directory of jgm/pandoc containing tag 2.17.1.1. The
inputs are Pandoc's own test files (GPL-2.0-or-later, John MacFarlane and
contributors), kept in citations.json as test data. Inputs containing "@" come from
test/command/*.md (command tests reading default Pandoc Markdown from stdin),
test/markdown-citations.txt, test/testsuite.txt and test/markdown-reader-more.txt (whole files), the string
literals given to the `markdown` reader in test/Tests/Readers/Markdown.hs, and
the cases in own.md next to this script (separated by lines "====").
Each input is parsed with `pandoc -f markdown -t json`; every Cite in the body
and in the metadata is recorded, nested ones included, in document order.
"""
import json
import re
import shlex
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

VERSION = TAG = "2.17.1.1"
HERE = Path(__file__).resolve().parent
HS_FILE = "test/Tests/Readers/Markdown.hs"
skipped = []  # (origin, reason)


def git(git_dir, *args):
    return subprocess.run(["git", "-C", git_dir, *args], check=True,
                          capture_output=True, text=True).stdout


def pandoc_json(text, *args):
    out = subprocess.run(["pandoc", "-f", "markdown", "-t", "json", *args],
                         input=text, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


# --- test/command/*.md ------------------------------------------------------

def value_options():
    """Options of `pandoc --help` that take a value: (short, long) sets."""
    help_text = subprocess.run(["pandoc", "--help"], capture_output=True,
                               text=True, check=True).stdout
    return (set(re.findall(r"(?<![\w-])(-\w) [A-Z]", help_text)),
            set(re.findall(r"(--[\w-]+)=", help_text)))


def stdin_is_default_markdown(cmd, short_opts, long_opts):
    """None if the first pandoc of `cmd` reads default Markdown from stdin,
    else the reason why not."""
    words = shlex.split(cmd)
    words = words[:words.index("|")] if "|" in words else words
    if words[:1] != ["pandoc"]:
        return "not a pandoc command"
    readers, i = [], 1
    while i < len(words):
        w = words[i]
        name, _, value = w.partition("=")
        if w.startswith("--") and name in long_opts and not value:
            value, i = words[i + 1], i + 1
        elif w[:2] in short_opts:
            name = w[:2]
            value = w[2:] or words[i + 1]
            i += not w[2:]
        elif not w.startswith("-"):
            return "reads file " + w
        if name in ("-f", "-r", "--from", "--read"):
            readers.append(value)
        i += 1
    if any(r != "markdown" for r in readers):
        return "reads " + ", ".join(readers)
    return None


def command_inputs(git_dir):
    short_opts, long_opts = value_options()
    files = git(git_dir, "ls-tree", "-r", "--name-only", TAG, "test/command/")
    for path in sorted(p for p in files.split("\n") if p.endswith(".md")):
        source = git(git_dir, "show", f"{TAG}:{path}")
        if "@" not in source:
            continue
        blocks = [b["c"][1] for b in pandoc_json(source)["blocks"]
                  if b["t"] == "CodeBlock"]
        for num, code in enumerate(blocks, 1):
            # Same reading as test/Tests/Command.hs.
            lines = code.split("\n")
            cont = 0
            while cont < len(lines) and lines[cont].endswith("\\"):
                cont += 1
            cmd = " ".join([l[:-1] for l in lines[:cont]] + lines[cont:cont + 1])
            rest = lines[cont + 1:]
            inp = rest[:rest.index("^D")] if "^D" in rest else rest
            text = "".join(l + "\n" for l in inp)
            origin = f"{path}#{num}"
            if "@" not in text:
                continue
            if not cmd.startswith("%"):
                skipped.append((origin, "no command line"))
                continue
            why = stdin_is_default_markdown(cmd[1:].strip(), short_opts, long_opts)
            if why:
                skipped.append((origin, why))
            else:
                yield origin, text


# --- test/Tests/Readers/Markdown.hs ------------------------------------------

ASCII = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 "
         "DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US SP").split()
ESCAPE = re.compile(r"\\(?:(\s+\\)|(&)|(\d+)|x([0-9a-fA-F]+)|o([0-7]+)|\^(.)|"
                    r"(DEL|" + "|".join(sorted(ASCII, key=len, reverse=True)) +
                    r")|(.))", re.S)
SIMPLE = dict(zip("abfnrtv\\\"'", "\a\b\f\n\r\t\v\\\"'"))


def unescape(body):
    def one(m):
        gap, amp, dec, hexa, octa, ctrl, name, char = m.groups()
        if gap or amp:
            return ""
        if dec or hexa or octa:
            return chr(int(dec or hexa or octa, 10 if dec else 16 if hexa else 8))
        if ctrl:
            return chr(ord(ctrl) - 64)
        if name:
            return "\x7f" if name == "DEL" else chr(ASCII.index(name))
        return SIMPLE[char]
    return ESCAPE.sub(one, body)


HS_TOKEN = re.compile(r"""
    (?P<space>\s+) | (?P<block>\{-) |
    (?P<str>"(?:\\\s+\\|\\.|[^"\\])*") |
    (?P<name>(?:[A-Z][\w']*\.)*[\w][\w']*) |
    (?P<char>'(?:\\.[^']*|[^'\\])') |
    (?P<op>[-!\#$%&*+./<=>?@\\^|~:]+) | (?P<other>.)""", re.X | re.S)


def hs_tokens(src):
    """(kind, value, line) for each Haskell token, comments dropped."""
    pos, out = 0, []
    while pos < len(src):
        m = HS_TOKEN.match(src, pos)
        kind, value = m.lastgroup, m.group()
        if kind == "block":  # nested {- -} comment
            depth, end = 0, pos
            for m2 in re.finditer(r"\{-|-\}", src[pos:]):
                depth += 1 if m2.group() == "{-" else -1
                if not depth:
                    end = pos + m2.end()
                    break
            pos = end
            continue
        if kind == "op" and re.fullmatch("--+", value):  # line comment
            pos = src.find("\n", pos)
            pos = len(src) if pos < 0 else pos
            continue
        if kind != "space":
            out.append((kind, unescape(value[1:-1]) if kind == "str" else value,
                        src.count("\n", 0, pos) + 1))
        pos = m.end()
    return out


def literal_value(expr):
    """The text of `"a"`, `"a" <> "b"` or `T.unlines ["a", ...]`, else None."""
    kinds = [k for k, _, _ in expr]
    values = [v for _, v, _ in expr]
    if kinds[::2] == ["str"] * len(kinds[::2]) and \
            set(values[1::2]) <= {"<>", "++"} and len(expr) % 2:
        return "".join(values[::2])
    if values[:2] in (["T.unlines", "["], ["unlines", "["]) and values[-1] == "]":
        items = expr[2:-1]
        if [k for k, _, _ in items[::2]] == ["str"] * len(items[::2]) and \
                set(values[3:-1:2]) <= {","}:
            return "".join(v + "\n" for v in values[2:-1:2])
    return None


def hs_inputs(git_dir):
    """Inputs of `"name" =: INPUT =?> ...` and `test READER "name" $ INPUT =?>`."""
    toks = hs_tokens(git(git_dir, "show", f"{TAG}:{HS_FILE}"))
    for i, (_, value, _) in enumerate(toks):
        if value != "=?>":
            continue
        j, depth = i - 1, 0
        while j >= 0:
            kind, v, _ = toks[j]
            if kind == "str":
                pass
            elif v in (")", "]", "}"):
                depth += 1
            elif v in ("(", "[", "{"):
                if not depth:
                    break
                depth -= 1
            elif not depth and v in ("=:", "$", ",", "=", "->", "in", "=?>"):
                break
            j -= 1
        expr = toks[j + 1:i]
        if not any(k == "str" and "@" in v for k, v, _ in expr):
            continue
        origin = f"{HS_FILE}:{expr[0][2]}"
        reader = "markdown" if toks[j][1] == "=:" else \
            toks[j - 2][1] if toks[j][1] == "$" and toks[j - 3][1] == "test" else None
        text = literal_value(expr)
        if reader != "markdown":
            skipped.append((origin, f"read with {reader or 'an unknown reader'}"))
        elif text is None:
            skipped.append((origin, "input is not a plain literal"))
        elif "@" in text:
            yield origin, text


# --- everything --------------------------------------------------------------

def own_inputs():
    own = HERE / "own.md"
    if own.exists():
        cases = re.split(r"^====\n", own.read_text(encoding="utf-8"), flags=re.M)
        for num, case in enumerate(cases, 1):
            yield f"own#{num}", case.strip("\n") + "\n"


def citations(node):
    """Every Citation below `node`, in document order (pre-order)."""
    if isinstance(node, dict):
        if "citationId" in node:
            yield {"id": node["citationId"], "mode": node["citationMode"]["t"]}
        for value in node.values():
            yield from citations(value)
    elif isinstance(node, list):
        for value in node:
            yield from citations(value)


def record(origin_text):
    origin, text = origin_text
    doc = pandoc_json(text)
    meta = [{"field": field, **cite} for field, value in doc["meta"].items()
            for cite in citations(value)]
    return {"origin": origin, "markdown": text,
            "keys": list(citations(doc["blocks"])), "meta": meta}


def natural(origin):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", origin)]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: record.py GIT_DIR_OF_PANDOC")
    git_dir = sys.argv[1]
    found = subprocess.run(["pandoc", "--version"], capture_output=True,
                           text=True).stdout.split("\n")[0]
    if found != "pandoc " + VERSION:
        sys.exit(f"need pandoc {VERSION}, found {found!r}: citations.json records "
                 f"what Pandoc {VERSION} parses from the inputs at tag {TAG}, and "
                 "other versions read some citations differently.")
    inputs = [*command_inputs(git_dir)]
    for path in ("test/markdown-citations.txt", "test/testsuite.txt", "test/markdown-reader-more.txt"):
        inputs.append((path, git(git_dir, "show", f"{TAG}:{path}")))
    inputs += [*hs_inputs(git_dir), *own_inputs()]
    unique = {}
    for origin, text in inputs:
        if text in unique:
            skipped.append((origin, "same input as " + unique[text]))
        else:
            unique[text] = origin
    with ThreadPoolExecutor() as pool:
        records = list(pool.map(record, [(o, t) for t, o in unique.items()]))
    records.sort(key=lambda r: natural(r["origin"]))
    out = HERE / "citations.json"
    out.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")

    reasons = {}
    for origin, why in skipped:
        reasons.setdefault(why, []).append(origin)
    for why, origins in reasons.items():
        more = f" and {len(origins) - 3} more" if len(origins) > 3 else ""
        print(f"skipped ({why}): {', '.join(origins[:3])}{more}")
    per_file = Counter(re.split(r"[#:]", r["origin"])[0] for r in records)
    for name, count in sorted(per_file.items()):
        print(f"{count:5} inputs from {name}")
    print(f"{len(records)} inputs, {sum(len(r['keys']) for r in records)} body keys, "
          f"{sum(len(r['meta']) for r in records)} meta keys -> {out}")


if __name__ == "__main__":
    main()
