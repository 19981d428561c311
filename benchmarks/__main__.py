"""psr-check benchmarks: ``python -m benchmarks [--reports N] [--words W] [--seed S] [--out FILE]``.

One run measures, on drafts from benchmarks/generate.py:

* ``psr-check --help`` wall time (median of 5 process starts);
* cold ``psr-check lint`` wall time for one ~1,500-word report (median of 5 process starts);
* warm per-report latency in one process (``Linter().lint_text``; median and p95);
* batch throughput, reports/s and words/s, of ``psr-check lint FOLDER --workers 1`` and
  ``--workers 2`` with ``--format json --output`` (a process each, over a temp folder of drafts);
* ``psr-check audit records.csv --workers 2`` over the same drafts as reports, with generated
  allocation records (``write_records``), written as HTML, JSON and CSV;
* peak RSS of every psr-check process (``os.wait4`` rusage: the largest process of the run's
  tree), and the summed RSS of the batch's process tree, sampled from /proc;
* the same texts through a bare ``spacy.blank("en")`` + ``sentencizer`` pipeline — the baseline,
  measured in the same run — with every speed printed also as a ratio to it;

then the targets of issue 7, each PASS or MISS. ``--out FILE`` saves everything as JSON.
Not part of the test suite: timings depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.generate import COLD_WORDS, MIX, cold_report, generate, write_drafts, write_records

AUDIT_DRAFTS = 10_000
TARGETS = {  # issue 7, on this 2-core machine
    "lint_throughput_ratio": 0.5,   # warm full lint ≥ 0.5× the baseline
    "cold_lint_s": 1.0,
    "help_s": 0.3,
    "peak_rss_mb": 500,
    "audit_10000_2_workers_s": 60,
}


def psr_check_command() -> list[str]:
    script = Path(sys.executable).with_name("psr-check")
    return [str(script)] if script.exists() else [sys.executable, "-m", "psr_check.cli"]


# --------------------------------------------------------------------------- measuring processes

class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants from /proc."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.peak_processes = 0
        self._halt = threading.Event()
        self._page_kb = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self._halt.is_set():
            total, count = self._sample()
            if total > self.peak_kb:
                self.peak_kb, self.peak_processes = total, count
            self._halt.wait(self.interval)

    def _sample(self) -> tuple[int, int]:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2:].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * self._page_kb
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            children = [p for p, pp in parents.items() if pp == parent and p not in tree]
            tree.update(children)
            frontier.extend(children)
        return sum(rss.get(p, 0) for p in tree), len(tree)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(cmd: list[str], *, sample_tree: bool = False, ok: tuple[int, ...] = (0, 1)) -> dict:
    """Wall time, exit code and peak RSS (largest process of the tree, from wait4) of one command."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        sampler = TreeSampler(proc.pid) if sample_tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stop()
        if proc.returncode not in ok:
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace")[-2000:]
            raise SystemExit(f"benchmark: {' '.join(cmd)} exited {proc.returncode}:\n{message}")
    result = {"wall_s": wall, "exit_code": proc.returncode, "peak_rss_mb": usage.ru_maxrss / 1024}
    if sampler:
        result["tree_peak_rss_mb"] = sampler.peak_kb / 1024
        result["tree_processes_at_peak"] = sampler.peak_processes
    return result


def repeat(cmd: list[str], times: int) -> dict:
    runs = [run_measured(cmd) for _ in range(times)]
    walls = [r["wall_s"] for r in runs]
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            "runs_s": walls, "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


# --------------------------------------------------------------------------- in-process timings

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def time_each(func, texts: list[str]) -> list[float]:
    latencies = []
    for text in texts:
        start = time.perf_counter()
        func(text)
        latencies.append(time.perf_counter() - start)
    return latencies


def summarise(latencies: list[float], words: int, counts: list[int] | None = None) -> dict:
    total = sum(latencies)
    out = {"total_s": total, "median_ms": statistics.median(latencies) * 1000,
           "p95_ms": percentile(latencies, 0.95) * 1000, "max_ms": max(latencies) * 1000,
           "reports_per_s": len(latencies) / total, "words_per_s": words / total}
    if counts and len(set(counts)) > 1:
        out.update(cost_split(latencies, counts))
    return out


def cost_split(latencies: list[float], counts: list[int]) -> dict:
    """A straight line through each draft's time against its word count: the fixed cost every
    document pays (the intercept) and the cost per 100 words (the slope). Which of the two a
    speed-up should aim at: short oral records are half the drafts, so a fixed cost weighs."""
    slope, intercept = statistics.linear_regression(counts, latencies)
    return {"fixed_ms_per_document": intercept * 1000, "ms_per_100_words": slope * 100_000}


# --------------------------------------------------------------------------- the run

def bytecode_cached() -> bool:
    """Whether the psr_check modules a cold lint imports have .pyc files: without them (an editable
    install in an environment with PYTHONDONTWRITEBYTECODE) each process start compiles them,
    which a cold timing would count."""
    import importlib.util

    import psr_check.cli

    return all(Path(importlib.util.cache_from_source(module.__file__)).exists()
               for module in (psr_check, psr_check.cli))


def run(args: argparse.Namespace) -> dict:
    cmd = psr_check_command()
    t0 = time.perf_counter()
    drafts = generate(args.reports, args.seed, args.words)
    cold = cold_report(args.seed)
    generated_s = time.perf_counter() - t0
    texts = [d.text for d in drafts]
    words = sum(d.words for d in drafts)
    by_type = {kind: sum(d.report_type == kind for d in drafts) for kind in MIX}
    say(f"psr-check benchmark: {len(drafts):,} drafts ({', '.join(f'{n:,} {k}' for k, n in by_type.items())}; "
        f"{words:,} words, {words / len(drafts):.0f} a draft), seed {args.seed}, {os.cpu_count()} CPUs, "
        f"generated in {generated_s:.1f} s; cold report {cold.words:,} words")
    say(f"command: {' '.join(cmd)}")
    bytecode = bytecode_cached()
    if not bytecode:
        say("note: psr_check's modules have no cached bytecode (an editable install with PYTHONDONTWRITEBYTECODE "
            "set?), so every cold start compiles them first; `pip install .` compiles them at install time")

    work = Path(args.drafts) if args.drafts else Path(tempfile.mkdtemp(prefix="psr-bench-"))
    folder = work / "drafts"
    if folder.exists():
        shutil.rmtree(folder)
    write_drafts(drafts, folder)
    cold_path = work / f"cold-{COLD_WORDS}.txt"
    cold_path.write_text(cold.text, encoding="utf-8")
    args.drafts_list = drafts
    results: dict = {
        "config": {"reports": len(drafts), "words_option": args.words, "seed": args.seed, "by_type": by_type,
                   "words": words, "cold_report_words": cold.words, "cpus": os.cpu_count(),
                   "python": platform.python_version(), "platform": platform.platform(),
                   "command": cmd, "workers": args.workers, "process_starts": args.starts,
                   "bytecode_cached": bytecode},
        "targets": {},
    }
    try:
        results.update(measure(args, cmd, texts, words, cold, cold_path, folder, work))
    finally:
        if not args.drafts:
            shutil.rmtree(work, ignore_errors=True)
    results["targets"] = judge(results, len(drafts))
    report(results)
    return results


def measure(args, cmd, texts, words, cold, cold_path, folder, work) -> dict:
    import spacy

    out: dict = {"spacy": spacy.__version__}
    starts = args.starts
    counts = [draft.words for draft in args.drafts_list]  # words per draft, in the order of texts

    # process starts --------------------------------------------------------
    run_measured([sys.executable, "-c", "pass"])  # page in the interpreter
    out["python_start"] = repeat([sys.executable, "-c", "pass"], starts)
    out["help"] = repeat([*cmd, "--help"], starts)
    run_measured([*cmd, "lint", str(cold_path)])  # untimed: page in files, write .pyc
    out["cold_lint"] = repeat([*cmd, "lint", str(cold_path)], starts)
    baseline_script = ("import sys, spacy\nnlp = spacy.blank('en'); nlp.add_pipe('sentencizer')\n"
                       "doc = nlp(open(sys.argv[1], encoding='utf-8').read())\nlen(list(doc.sents))\n")
    out["cold_baseline"] = repeat([sys.executable, "-c", baseline_script, str(cold_path)], starts)
    say(f"process starts measured ({starts} each)")

    # warm, in this process ---------------------------------------------------
    baseline = spacy.blank("en")
    baseline.add_pipe("sentencizer")
    baseline(cold.text)
    import gc

    gc.freeze()  # both loops run with what is alive frozen, as a psr-check batch runs (below)
    base_lat = time_each(lambda t: len(list(baseline(t).sents)), texts)
    out["baseline"] = summarise(base_lat, words, counts)

    from psr_check.lint import Linter

    t0 = time.perf_counter()
    linter = Linter()
    out["linter_build_s"] = time.perf_counter() - t0
    linter.lint_text(cold.text)
    # what a serial `psr-check lint` batch of BATCH or more drafts does once the Linter is built
    # (gc.freeze: the pipeline and rule pack leave the collector's sight); findings never change
    from psr_check.lint import settle_for_batch

    settle_for_batch()
    lint_lat = time_each(linter.lint_text, texts)
    out["warm_lint"] = summarise(lint_lat, words, counts)
    import resource

    out["bench_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say("warm latency measured")

    # batches ---------------------------------------------------------------
    out["batch"] = {}
    outputs = {}
    for workers in args.workers:
        target = work / f"findings-w{workers}.json"
        result = run_measured([*cmd, "lint", str(folder), "--workers", str(workers), "--format", "json",
                               "--output", str(target)], sample_tree=True)
        result["reports_per_s"] = len(texts) / result["wall_s"]
        result["words_per_s"] = words / result["wall_s"]
        outputs[workers] = target.read_bytes()
        out["batch"][str(workers)] = result
        say(f"batch --workers {workers} measured")
    if len(outputs) > 1:
        first = next(iter(outputs.values()))
        out["batch_outputs_identical"] = all(o == first for o in outputs.values())

    # the SPO audit: records + reports, 2 workers ---------------------------------
    records = write_records(args.drafts_list, work, args.seed)
    result = run_measured([*cmd, "audit", str(records), "--workers", "2", "--format", "json,csv,html",
                           "--output", str(work / "audit-out")], sample_tree=True)
    result["cases_per_s"] = len(texts) / result["wall_s"]
    out["audit"] = result
    small = len(texts) // 10
    if small >= 10 and len(texts) < AUDIT_DRAFTS:
        # the same audit of a tenth of the cases, so a 10,000 estimate can tell the fixed cost
        # (process starts, a pipeline per worker) from the cost per case
        records = write_records(args.drafts_list[:small], work, args.seed, name="records-small.csv")
        out["audit_small"] = run_measured([*cmd, "audit", str(records), "--workers", "2", "--format",
                                           "json,csv,html", "--output", str(work / "audit-small-out")])
        out["audit_small"]["cases"] = small
    say("audit --workers 2 measured")
    return out


def audit_estimate(r: dict, count: int) -> tuple[float, str]:
    """The wall time of a 10,000-case audit from the runs of ``count`` cases and of a tenth of them:
    a straight line through the two (fixed cost + cost per case). Without the small run, the
    plain proportion, which counts the fixed cost 25 times and so overstates."""
    full = r["audit"]["wall_s"]
    small = r.get("audit_small")
    if not small or small["wall_s"] >= full:
        return full * AUDIT_DRAFTS / count, f"ESTIMATED in proportion to {count:,} cases"
    per_case = (full - small["wall_s"]) / (count - small["cases"])
    fixed = full - per_case * count
    return fixed + per_case * AUDIT_DRAFTS, (
        f"ESTIMATED: {fixed:.1f} s fixed + {per_case * 1000:.1f} ms a case, from audits of {small['cases']:,} "
        f"and {count:,} cases (run with --reports {AUDIT_DRAFTS} to measure)")


def judge(r: dict, count: int) -> dict:
    base_wps = r["baseline"]["words_per_s"]
    targets = {}

    def add(name, label, value, limit, better, unit, note=""):
        ok = value >= limit if better == "higher" else value <= limit
        targets[name] = {"label": label, "value": value, "target": limit, "unit": unit,
                         "status": "PASS" if ok else "MISS", "note": note}

    add("lint_throughput_ratio", "full lint throughput / baseline (warm, one process)",
        r["warm_lint"]["words_per_s"] / base_wps, TARGETS["lint_throughput_ratio"], "higher", "×")
    add("cold_lint_s", f"cold psr-check lint, {r['config']['cold_report_words']:,}-word report (median)",
        r["cold_lint"]["median_s"], TARGETS["cold_lint_s"], "lower", "s")
    add("help_s", "psr-check --help (median)", r["help"]["median_s"], TARGETS["help_s"], "lower", "s")
    peaks = [r["cold_lint"]["peak_rss_mb"], *(b["peak_rss_mb"] for b in r["batch"].values()),
             *([r["audit"]["peak_rss_mb"]] if r.get("audit") else [])]
    tree = max((b.get("tree_peak_rss_mb", 0) for b in r["batch"].values()), default=0)
    add("peak_rss_mb", "peak RSS of any psr-check process", max(peaks), TARGETS["peak_rss_mb"], "lower", "MB",
        f"whole process tree of a batch peaked at {tree:.0f} MB")
    audit = r.get("audit")
    if audit:
        if count == AUDIT_DRAFTS:
            value, note = audit["wall_s"], "measured: 10,000 cases"
        else:
            value, note = audit_estimate(r, count)
        add("audit_10000_2_workers_s", "psr-check audit of 10,000 records with reports, --workers 2, "
            "html+json+csv", value, TARGETS["audit_10000_2_workers_s"], "lower", "s", note)
    return targets


# --------------------------------------------------------------------------- printing

def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report(r: dict) -> None:
    base = r["baseline"]
    warm = r["warm_lint"]
    lines = [
        "",
        f"psr-check benchmark — {r['config']['reports']:,} drafts, {r['config']['words']:,} words, "
        f"seed {r['config']['seed']}, spaCy {r['spacy']}, Python {r['config']['python']}, {r['config']['cpus']} CPUs",
        "baseline = the same texts through spacy.blank('en') + sentencizer, in the same run; "
        "ratio = psr-check speed / baseline speed",
        "",
        f"  baseline, warm            {base['reports_per_s']:9,.1f} reports/s {base['words_per_s']:11,.0f} words/s"
        f"   latency median {base['median_ms']:.2f} ms, p95 {base['p95_ms']:.2f} ms",
        f"  psr-check --help          {r['help']['median_s']:9.3f} s (median of {len(r['help']['runs_s'])})"
        f"   [python -c pass: {r['python_start']['median_s']:.3f} s]",
        f"  cold lint, 1 report       {r['cold_lint']['median_s']:9.3f} s (median of {len(r['cold_lint']['runs_s'])})"
        f"   {r['cold_baseline']['median_s'] / r['cold_lint']['median_s']:.2f}× baseline cold start "
        f"({r['cold_baseline']['median_s']:.3f} s)"
        + ("" if r["config"].get("bytecode_cached", True) else "; psr_check compiled at each start (no .pyc)"),
        f"  Linter() build, in process{r['linter_build_s']:9.3f} s",
        f"  warm latency              median {warm['median_ms']:.1f} ms, p95 {warm['p95_ms']:.1f} ms, max {warm['max_ms']:.0f} ms"
        f"   {base['median_ms'] / warm['median_ms']:.3f}× baseline (median)",
        f"  warm throughput           {warm['reports_per_s']:9,.1f} reports/s {warm['words_per_s']:11,.0f} words/s"
        f"   {warm['words_per_s'] / base['words_per_s']:.3f}× baseline",
    ]
    if "fixed_ms_per_document" in warm and "fixed_ms_per_document" in base:
        lines.append(
            f"  warm cost split           {warm['fixed_ms_per_document']:.2f} ms a document + "
            f"{warm['ms_per_100_words']:.3f} ms per 100 words   baseline {base['fixed_ms_per_document']:.2f} ms + "
            f"{base['ms_per_100_words']:.3f} ms (a straight line through each draft's time against its words)")
    for workers, b in r["batch"].items():
        lines.append(
            f"  batch --workers {workers:<9} {b['reports_per_s']:9,.1f} reports/s {b['words_per_s']:11,.0f} words/s"
            f"   {b['words_per_s'] / base['words_per_s']:.3f}× baseline   wall {b['wall_s']:.1f} s,"
            f" peak RSS {b['peak_rss_mb']:.0f} MB (largest process), {b['tree_peak_rss_mb']:.0f} MB (tree)")
    if r.get("audit"):
        a = r["audit"]
        lines.append(
            f"  audit --workers 2         {a['cases_per_s']:9,.1f} cases/s   wall {a['wall_s']:.1f} s,"
            f" peak RSS {a['peak_rss_mb']:.0f} MB (largest process), {a['tree_peak_rss_mb']:.0f} MB (tree)")
    if "batch_outputs_identical" in r:
        lines.append(f"  batch outputs identical across worker counts: {'yes' if r['batch_outputs_identical'] else 'NO'}")
    lines.append(f"  peak RSS, cold lint       {r['cold_lint']['peak_rss_mb']:9.0f} MB;"
                 f" this benchmark process {r['bench_process_peak_rss_mb']:.0f} MB")
    lines += ["", "targets (issue 7)"]
    for t in r["targets"].values():
        value = f"{t['value']:.3f}" if t["unit"] in ("×", "s") else f"{t['value']:.0f}"
        comparison = "≥" if t["unit"] == "×" else "≤"
        lines.append(f"  {t['status']:4}  {t['label']}: {value} {t['unit']} (target {comparison} {t['target']} {t['unit']})"
                     + (f" — {t['note']}" if t["note"] else ""))
    print("\n".join(lines))


def parse_workers(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=400, help="generated drafts (default 400; 10000 for the audit-size target)")
    parser.add_argument("--words", type=int, default=None,
                        help="about this many words per draft (default: the national mix of oral/short/standard)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--out", type=Path, default=None, help="save all figures as JSON here")
    parser.add_argument("--workers", type=parse_workers, default=[1, 2], help="batch worker counts (default 1,2)")
    parser.add_argument("--starts", type=int, default=5, help="process starts per cold timing (default 5)")
    parser.add_argument("--drafts", default=None, help="keep the generated drafts and outputs in this folder")
    args = parser.parse_args(argv)
    if args.reports < 1:
        parser.error("--reports must be at least 1")
    results = run(args)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        say(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
