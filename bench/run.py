#!/usr/bin/env python3
"""Times dossier against plain Typst on the generated workloads, in one run.

Every figure is a whole process, timed with wall-clock time and its peak
resident memory read from the kernel (wait4); each is run once to warm up,
then --runs times; the table gives median, min and max.

    bench/run        (builds in release, installs the typst package, runs this)
    bench/run --scaling [--sizes 1000,5000,20000,100000,dense-100000] [--timeout 600]
                     (time and peak memory against citations, with the floor:
                     the same pages with the citations written out as text;
                     dense-N: N citations with no prose between them)
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLAIN = "plain Typst (typst 0.15.0 from PyPI), plain.typ"
PYTHON = "… of which Python start-up and import"
MD = "dossier build, report.md"
TYP = "dossier build, report.typ"
CHECK = "dossier check, report.md"
BIG = "dossier check, registry-10k (100 reports)"
WATCH = "dossier watch, one-word edit → PDF (20 edits)"


def run_once(command, cwd, timeout=None, failed=None):
    """Wall time in seconds and peak RSS in MiB of one process; with a
    timeout, None when the process had to be stopped; with `failed` (a
    list), None when it did not exit 0, its last line of errors added."""
    import threading
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if timer:
        timer.cancel()
        if elapsed >= timeout:
            process.stderr.close()
            return None
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if failed is not None and os.waitstatus_to_exitcode(status) != 0:
        lines = [l for l in stderr.splitlines() if "error" in l] or stderr.splitlines() or ["?"]
        failed.append(lines[0].strip())
        return None
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(map(str, command))} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def summary(samples):
    times = [t for t, _ in samples]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss": max(r for _, r in samples),
    }


def measure(command, cwd, runs):
    run_once(command, cwd)
    return summary([run_once(command, cwd) for _ in range(runs)])


def measure_together(jobs, runs):
    """Times several (command, cwd) jobs in turns, one run of each per
    round, so a slow spell of the machine falls on all of them alike."""
    for command, cwd in jobs.values():
        run_once(command, cwd)
    samples = {name: [] for name in jobs}
    for _ in range(runs):
        for name, (command, cwd) in jobs.items():
            samples[name].append(run_once(command, cwd))
    return {name: summary(s) for name, s in samples.items()}


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
        # A word in the middle of the body, as a writer would change it.
        middle = original.index("\n\n", len(original) // 2) + 2
        while not original[middle].isalpha():
            middle = original.index("\n\n", middle) + 2
        word = original.index(" ", middle)
        words = ["alpha", "bravo"]
        for i in range(edits_total):
            before = pdf.stat().st_mtime_ns
            text = original[:middle] + words[i % 2] + original[word:]
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


def scaling(dossier, work, sizes, runs, timeout, fonts):
    """Build time and peak memory against citations, beside plain Typst and
    the floor, one size after another, each measured in turns; a table and
    a CSV in `work`."""
    typst = lambda name: [sys.executable, "-c",
                          f"import typst; typst.compile('{name}.typ', output='{name}.pdf', "
                          f"ignore_system_fonts=True, font_paths=[{fonts!r}])"]
    rows, csv = [], ["citations,workload,measurement,median_s,min_s,peak_rss_mib,status"]
    for size in sizes:
        base = work / f"scaling-{size}"
        workload = "dense" if size.startswith("dense-") else "prose"
        n = int(size.removeprefix("dense-"))
        shown = f"{n:,}" + (" (dense)" if workload == "dense" else "")
        jobs = {
            "dossier build": ([dossier, "build", "report.md", "-o", "report.pdf"], base),
            "plain Typst": (typst("plain"), base / "plain"),
            "floor (citations as text)": (typst("floor"), base / "floor"),
        }
        # In turns, one run of each per round, so a slow spell of the
        # machine falls on all of them alike; a job that fails or runs out
        # of time is not run again.
        samples = {name: [] for name in jobs}
        failures = {name: [] for name in jobs}
        stopped = set()
        for _ in range(runs):
            for name, (command, cwd) in jobs.items():
                if name in stopped:
                    continue
                sample = run_once(command, cwd, timeout, failures[name])
                if sample is None:
                    stopped.add(name)
                else:
                    samples[name].append(sample)
        results = {}
        for name in jobs:
            failed = failures[name]
            results[name] = summary(samples[name]) if samples[name] else None
            status = "ok" if samples[name] else (f"failed: {failed[0]}" if failed else f"stopped after {timeout} s")
            if failed:
                print(f"{name}, {shown} citations: {failed[0]}", flush=True)
            r = results[name]
            csv.append(f"{n},{workload},{name},{r['median'] if r else ''},{r['min'] if r else ''},"
                       f"{r['rss'] if r else ''},{status}")
        floor = results["floor (citations as text)"]
        cells = []
        for name in jobs:
            r = results[name]
            failed = [line for line in csv if line.startswith(f"{n},{workload},{name},") and ",failed: " in line]
            cells.append(f"{r['median']:.2f} s, {r['rss']:.0f} MiB" if r else ("failed" if failed else f"> {timeout} s"))
        build = results["dossier build"]
        ratio = f"{build['median'] / floor['median']:.1f}×" if build and floor else "—"
        rows.append(f"| {shown} | " + " | ".join(cells) + f" | {ratio} |")
        print(rows[-1], flush=True)
    table = "\n".join([
        f"Runs: {runs} per figure, taken in turns, median; peak RSS the largest of the runs.", "",
        "| citations | dossier build | plain Typst, same citations | floor: citations and bibliography as text | build / floor |",
        "| ---: | ---: | ---: | ---: | ---: |", *rows])
    (work / "scaling.md").write_text(table + "\n")
    (work / "scaling.csv").write_text("\n".join(csv) + "\n")
    print(table)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--dossier", type=Path, default=ROOT / "target" / "release" / "dossier")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument("--scaling", action="store_true", help="time builds against citations instead")
    parser.add_argument("--sizes", default="1000,5000,20000,100000,dense-100000")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    dossier = str(args.dossier)
    if args.scaling:
        fonts = str(ROOT / "templates" / "fonts")
        os.environ["SOURCE_DATE_EPOCH"] = "1763683200"
        sizes = args.sizes.split(",")
        return scaling(dossier, args.work, sizes, min(args.runs, 5), args.timeout, fonts)
    brief = args.work / "briefing-35"
    big = args.work / "registry-10k"
    fonts = str(ROOT / "templates" / "fonts")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1763683200")
    os.environ.update(env)

    plain = [sys.executable, "-c",
             "import typst; typst.compile('plain.typ', output='plain.pdf', ignore_system_fonts=True, "
             f"font_paths=[{fonts!r}])"]
    python_only = [sys.executable, "-c", "import typst"]
    rows = measure_together({
        PLAIN: (plain, brief / "plain"),
        PYTHON: (python_only, brief / "plain"),
        MD: ([dossier, "build", "report.md", "-o", "md.pdf"], brief),
        TYP: ([dossier, "build", "report.typ", "-o", "typ.pdf"], brief),
        CHECK: ([dossier, "check", "report.md"], brief),
    }, args.runs)
    rows[BIG] = measure([dossier, "check", "reports"], big, args.runs)
    rows[WATCH] = watch(dossier, brief)
    checked = subprocess.run([dossier, "check", "reports", "--format", "short"], cwd=big,
                             capture_output=True, text=True)
    citations = int(re.search(r"(\d+) citations", checked.stdout + checked.stderr).group(1))

    pages = subprocess.run([dossier, "build", "report.md", "-o", "md.pdf"], cwd=brief, capture_output=True, text=True).stderr
    cores = os.cpu_count()
    out = [f"Machine: {cores} cores. Runs: 1 warm-up, then {args.runs} (watch: 20 timed edits of 100). "
           f"Last build: `{pages.strip().splitlines()[-1]}`", "",
           "| measurement | median | min | max | peak RSS |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, r in rows.items():
        rss = f"{r['rss']:.0f} MiB" + (f" (peak {r['peak']:.0f} MiB after 100 edits)" if "peak" in r else "")
        out.append(f"| {name} | {r['median'] * 1000:.0f} ms | {r['min'] * 1000:.0f} ms | {r['max'] * 1000:.0f} ms | {rss} |")
    plain_t, python_t = rows[PLAIN]["median"], rows[PYTHON]["median"]
    md, ty = rows[MD]["median"], rows[TYP]["median"]
    check, big_t = rows[CHECK]["median"], rows[BIG]["median"]
    out += ["", "| ratio | value | target |", "| --- | ---: | ---: |",
            f"| build report.md / plain Typst | {md / plain_t:.2f} | ≤ 1.05 |",
            f"| build report.typ / plain Typst | {ty / plain_t:.2f} | ≤ 1.05 |",
            f"| build report.md / plain Typst without Python's start-up | {md / (plain_t - python_t):.2f} | — |",
            f"| build report.typ / plain Typst without Python's start-up | {ty / (plain_t - python_t):.2f} | — |",
            f"| check / build of briefing-35 | {check / md * 100:.1f} % | ≤ 5 % |",
            f"| registry-10k check | {big_t:.2f} s, {citations:,} citations, {citations / big_t:,.0f} citations/s | ≤ 1.0 s |",
            f"| watch edit → PDF | {rows[WATCH]['median'] * 1000:.0f} ms | ≤ 150 ms |",
            f"| build peak RSS | {max(rows[MD]['rss'], rows[TYP]['rss']):.0f} MiB | ≤ 200 MB |",
            f"| watch RSS after 100 edits | {rows[WATCH]['rss']:.0f} MiB | ≤ 300 MB |"]
    table = "\n".join(out)
    (args.work / "results.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
