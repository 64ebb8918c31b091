"""make bench: how fast jtai-extract is, stage by stage, on a folder of real letters.

Usage: python scripts/bench.py PDF_DIR [--runs 3] [--letters N] [--skip-batch]

Prints one line per figure, "name: value unit", so that a run can be compared with the last.
Per-letter figures are medians over the letters of each letter's median over --runs runs, all
measured in this one process. The machine is shared and noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from jtai_extract.output import to_json
from jtai_extract.pipeline import extract
from jtai_extract.readers import Source, pdf_pages
from jtai_extract.tagging import Tagger

EXE = str(Path(sys.executable).parent / "jtai-extract")
STAGES = ("read", "lines", "layout", "sections_fields", "tagging", "serialise")


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def full_run(source: Source, engine: str, tagger: Tagger) -> dict[str, float]:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    letter = extract(source, engine=engine, tagger=tagger, timings=timings)
    mid = time.perf_counter()
    to_json(letter.model_dump(mode="json"))
    end = time.perf_counter()
    timings["serialise"] = end - mid
    timings["total"] = end - start
    return timings


def median_runs(source: Source, engine: str, tagger: Tagger, runs: int) -> dict[str, float]:
    samples = [full_run(source, engine, tagger) for _ in range(runs)]
    return {k: statistics.median(s.get(k, 0.0) for s in samples) for k in samples[0]}


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of the largest process a command runs (itself or a worker)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def wall(cmd: list[str], runs: int) -> float:
    return timed(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf_dir", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--letters", type=int, default=0, help="only the first N letters")
    ap.add_argument("--skip-batch", action="store_true")
    args = ap.parse_args()
    pdfs = sorted(args.pdf_dir.glob("*.pdf"))[: args.letters or None]
    if not pdfs:
        print(f"no PDFs in {args.pdf_dir}", file=sys.stderr)
        return 2
    tagger = Tagger.load()
    pdftotext = shutil.which("pdftotext")
    per: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        per.setdefault(key, []).append(value)

    for pdf in pdfs:
        source = Source.from_path(pdf)
        add("pdfplumber_read_alone", timed(lambda s=source: list(pdf_pages(s.data, "pdfplumber")), args.runs))
        for stage, value in median_runs(source, "pdfplumber", tagger, args.runs).items():
            add(f"default_{stage}", value)
        for stage, value in median_runs(source, "pdfium", tagger, args.runs).items():
            add(f"pdfium_{stage}", value)
        if pdftotext:
            add("pdftotext", wall([pdftotext, "-q", str(pdf), "-"], args.runs))
        add("ratio_default_total_over_read_alone", per["default_total"][-1] / per["pdfplumber_read_alone"][-1])
        add("speedup_pdfium_over_default", per["default_total"][-1] / per["pdfium_total"][-1])
        if pdftotext:
            add("ratio_pdfium_total_over_pdftotext", per["pdfium_total"][-1] / per["pdftotext"][-1])

    med = {k: statistics.median(v) for k, v in per.items()}
    print(f"letters: {len(pdfs)} count")
    print(f"runs per letter: {args.runs} count")
    print(f"pdfplumber reading alone (median per letter): {med['pdfplumber_read_alone'] * 1000:.1f} ms")
    for engine in ("default", "pdfium"):
        for stage in STAGES:
            print(f"{engine} stage {stage} (median per letter): {med.get(f'{engine}_{stage}', 0) * 1000:.1f} ms")
        print(f"{engine} total (median per letter): {med[f'{engine}_total'] * 1000:.1f} ms")
    print(f"default total / pdfplumber reading alone (median of per-letter ratios): "
          f"{med['ratio_default_total_over_read_alone']:.3f} ratio")
    print(f"default total / pdfium total (median of per-letter ratios): {med['speedup_pdfium_over_default']:.1f} ratio")
    if pdftotext:
        print(f"pdftotext (median per letter): {med['pdftotext'] * 1000:.1f} ms")
        print(f"pdfium total / pdftotext (median of per-letter ratios): "
              f"{med['ratio_pdfium_total_over_pdftotext']:.2f} ratio")
    else:
        print("pdftotext: not installed (apt-get install poppler-utils) - skipped")
    one = str(pdfs[0])
    print(f"start-up jtai-extract --version: {wall([EXE, '--version'], 5) * 1000:.0f} ms")
    one_wall = wall([EXE, one, '--json'], 3)
    print(f"one-letter run wall ({pdfs[0].name}): {one_wall * 1000:.0f} ms")
    print(f"one-letter run peak memory: {peak_rss_mb([EXE, one, '--json']):.0f} MB")
    # a closed pipe ends the run at once: the first letter, then the workers are stopped
    head = wall(["sh", "-c", f"{shlex.quote(EXE)} {shlex.quote(str(args.pdf_dir))} --jsonl | head -n1 >/dev/null"], 3)
    print(f"--jsonl | head -n1 over the folder: {head * 1000:.0f} ms")
    print(f"--jsonl | head -n1 / one-letter run: {head / one_wall:.2f} ratio (target: under 3)")
    if not args.skip_batch:
        folder = str(args.pdf_dir)
        jobs1 = wall([EXE, folder, "--jsonl", "--jobs", "1"], 1)
        jobs2 = wall([EXE, folder, "--jsonl", "--jobs", "2"], 1)
        print(f"batch wall --jobs 1 ({len(list(args.pdf_dir.glob('*.pdf')))} letters): {jobs1:.2f} s")
        print(f"batch wall --jobs 2: {jobs2:.2f} s")
        print(f"batch speed-up jobs 1 / jobs 2: {jobs1 / jobs2:.2f} ratio")
        print(f"batch peak memory per worker (--jobs 2): {peak_rss_mb([EXE, folder, '--jsonl', '--jobs', '2']):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
