#!/usr/bin/env python3
"""Times dossier against plain Typst on the generated workloads, in one run.

Every figure is a whole process, timed with wall-clock time and its peak
resident memory read from the kernel (wait4); each is run once to warm up,
then --runs times; the table gives median, min and max.

    bench/run        (builds in release, installs the typst package, runs this)
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(command, cwd):
    """Wall time in seconds and peak RSS in MiB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(map(str, command))} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def measure(command, cwd, runs):
    run_once(command, cwd)
    samples = [run_once(command, cwd) for _ in range(runs)]
    times = [t for t, _ in samples]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss": max(r for _, r in samples),
    }


def watch(dossier, cwd, edits_timed=20, edits_total=100):
    """Median time from a one-word edit of the report to the new PDF on disk,
    and the watcher's memory after `edits_total` edits."""
    report = cwd / "report.md"
    pdf = cwd / "watched.pdf"
    original = report.read_text()
    if pdf.exists():
        pdf.unlink()
    process = subprocess.Popen([dossier, "watch", "report.md", "-o", "watched.pdf"], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not pdf.exists():
            if time.time() > deadline:
                sys.exit("watch never built")
            time.sleep(0.01)
        time.sleep(1.0)
        latencies = []
        words = ["alpha", "bravo"]
        for i in range(edits_total):
            before = pdf.stat().st_mtime_ns
            text = original.replace("A generated briefing", f"A generated {words[i % 2]} briefing", 1)
            start = time.perf_counter()
            report.write_text(text)
            while True:
                try:
                    if pdf.stat().st_mtime_ns != before:
                        break
                except FileNotFoundError:
                    pass
                if time.perf_counter() - start > 30:
                    sys.exit("watch did not rebuild within 30 s")
                time.sleep(0.001)
            if i < edits_timed:
                latencies.append(time.perf_counter() - start)
            # Let the watcher settle before the next edit.
            time.sleep(0.15)
        status = Path(f"/proc/{process.pid}/status").read_text()
        field = lambda name: int(next(l for l in status.splitlines() if l.startswith(name)).split()[1]) / 1024
        return {
            "median": statistics.median(latencies),
            "min": min(latencies),
            "max": max(latencies),
            "rss": field("VmRSS:"),
            "peak": field("VmHWM:"),
        }
    finally:
        process.terminate()
        process.wait()
        report.write_text(original)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dossier", type=Path, default=ROOT / "target" / "release" / "dossier")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    args = parser.parse_args()
    dossier = str(args.dossier)
    brief = args.work / "briefing-35"
    big = args.work / "registry-10k"
    fonts = str(ROOT / "templates" / "fonts")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1763683200")
    os.environ.update(env)

    plain = [sys.executable, "-c",
             "import typst; typst.compile('plain.typ', output='plain.pdf', ignore_system_fonts=True, "
             f"font_paths=[{fonts!r}])"]
    python_only = [sys.executable, "-c", "import typst"]
    rows = {}
    rows["plain Typst (typst 0.15.0 from PyPI), plain.typ"] = measure(plain, brief / "plain", args.runs)
    rows["… of which Python start-up and import"] = measure(python_only, brief / "plain", args.runs)
    rows["dossier build, report.md"] = measure([dossier, "build", "report.md", "-o", "md.pdf"], brief, args.runs)
    rows["dossier build, report.typ"] = measure([dossier, "build", "report.typ", "-o", "typ.pdf"], brief, args.runs)
    rows["dossier check, report.md"] = measure([dossier, "check", "report.md"], brief, args.runs)
    rows["dossier check, registry-10k (100 reports)"] = measure([dossier, "check", "reports"], big, args.runs)
    rows["dossier watch, one-word edit → PDF (20 edits)"] = watch(dossier, brief)

    pages = subprocess.run([dossier, "build", "report.md", "-o", "md.pdf"], cwd=brief, capture_output=True, text=True).stderr
    cores = os.cpu_count()
    out = [f"Machine: {cores} cores. Runs: 1 warm-up, then {args.runs} (watch: 20 timed edits of 100). "
           f"Last build: `{pages.strip().splitlines()[-1]}`", "",
           "| measurement | median | min | max | peak RSS |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, r in rows.items():
        rss = f"{r['rss']:.0f} MiB" + (f" (peak {r['peak']:.0f} MiB after 100 edits)" if "peak" in r else "")
        out.append(f"| {name} | {r['median'] * 1000:.0f} ms | {r['min'] * 1000:.0f} ms | {r['max'] * 1000:.0f} ms | {rss} |")
    plain_t = rows["plain Typst (typst 0.15.0 from PyPI), plain.typ"]["median"]
    python_t = rows["… of which Python start-up and import"]["median"]
    md = rows["dossier build, report.md"]["median"]
    ty = rows["dossier build, report.typ"]["median"]
    check = rows["dossier check, report.md"]["median"]
    big_t = rows["dossier check, registry-10k (100 reports)"]["median"]
    citations = 100_510
    out += ["", "| ratio | value | target |", "| --- | ---: | ---: |",
            f"| build report.md / plain Typst | {md / plain_t:.2f} | ≤ 1.05 |",
            f"| build report.typ / plain Typst | {ty / plain_t:.2f} | ≤ 1.05 |",
            f"| build report.md / plain Typst without Python's start-up | {md / (plain_t - python_t):.2f} | — |",
            f"| check / build of briefing-35 | {check / md * 100:.1f} % | ≤ 5 % |",
            f"| registry-10k check | {big_t:.2f} s, {citations / big_t:,.0f} citations/s | ≤ 1.0 s |",
            f"| watch edit → PDF | {rows['dossier watch, one-word edit → PDF (20 edits)']['median'] * 1000:.0f} ms | ≤ 150 ms |",
            f"| build peak RSS | {max(rows['dossier build, report.md']['rss'], rows['dossier build, report.typ']['rss']):.0f} MiB | ≤ 200 MB |",
            f"| watch RSS after 100 edits | {rows['dossier watch, one-word edit → PDF (20 edits)']['rss']:.0f} MiB | ≤ 300 MB |"]
    table = "\n".join(out)
    (args.work / "results.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
