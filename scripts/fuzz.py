"""The fuzz run: thousands of mutated real letters and crafted hostile inputs, through the same
worker pool as the command line, with both PDF engines and the text reader.

Usage: python scripts/fuzz.py [--cases 5000] [--seed 13] [--timeout 10] [--jobs 2] [--quick]

Real letters come from $JTAI_CORPUS (pdf/ and text/) when it is set, else from samples/ and the
test fixtures. Every case must end with a letter or an error code of the contract, within its
time budget (plus the time it takes to stop a worker) and its memory budget: a traceback of
ours (internal_error), an unknown outcome or a case over budget fails the run. Prints one line
per figure: the number of cases, the count of each outcome, the slowest case, the peak memory.
``--quick`` leaves out the crafted inputs that run until their time budget stops them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jtai_extract.batch import Input, run  # noqa: E402
from jtai_extract.limits import Limits  # noqa: E402
from tests import hostile  # noqa: E402

CODES = {"unreadable", "not_a_pdf", "encrypted", "no_text_layer", "not_a_jtai_letter", "empty", "too_large",
         "timed_out"}
STOP_GRACE_S = 2.0  # past the deadline: killing a worker and reaping it
SHARE_TEXT, SHARE_PDFIUM, SHARE_PDFPLUMBER = 0.36, 0.48, 0.12  # of the mutated cases; crafted ones take the rest
CRAFTED_SHARE = 0.04
PDFPLUMBER_LETTERS = 8  # pdfplumber is slow: its mutations start from the smallest real PDFs


@dataclass
class Case:
    name: str
    engine: str
    path: Path  # its bytes, written where the workers read them


def real_letters() -> tuple[list[bytes], list[bytes]]:
    """(PDFs, texts): the corpus when $JTAI_CORPUS is set, else the samples and fixtures."""
    corpus = os.environ.get("JTAI_CORPUS")
    if corpus and (Path(corpus) / "pdf").is_dir():
        pdfs = sorted(Path(corpus, "pdf").glob("*.pdf"))
        texts = sorted(Path(corpus, "text").glob("*.txt"))
    else:
        pdfs = sorted((ROOT / "samples").glob("*.pdf"))
        texts = sorted((ROOT / "tests" / "fixtures").glob("*.txt"))
    return [p.read_bytes() for p in pdfs], [p.read_bytes() for p in texts]


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.choice(["flip", "cut", "splice", "zero", "dup", "truncate", "digits"])
        pos = rng.randrange(max(len(out), 1))
        if kind == "flip" and out:
            out[pos] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del out[pos:pos + rng.randint(1, 4096)]
        elif kind == "splice":
            out[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif kind == "zero":
            out[pos:pos + 64] = bytes(len(out[pos:pos + 64]))
        elif kind == "dup":
            out[pos:pos] = out[pos:pos + rng.randint(1, 2048)]
        elif kind == "truncate":
            del out[pos:]
        elif kind == "digits":  # offsets, lengths, object numbers
            end = min(len(out), pos + 256)
            for i in range(pos, end):
                if 48 <= out[i] <= 57 and rng.random() < 0.3:
                    out[i] = 48 + rng.randrange(10)
    return bytes(out)


def content_limit(quick: bool) -> float:
    """The --max-content of the run: the default, or a small one so that a quick run's bombs
    are quick to make."""
    return 32.0 if quick else Limits().max_content_mb


def crafted(quick: bool) -> list[tuple[str, Callable[[], bytes], tuple[str, ...]]]:
    """(name, maker, engines) of every crafted kind; the slow ones (a library loops or takes
    minutes until the time budget stops it) only with pdfplumber and not in a quick run."""
    sample = hostile.SAMPLE_PDF.read_bytes()
    text = hostile.text_letter()
    both = ("pdfium", "pdfplumber")
    bomb_mb = int(content_limit(quick) * 1.2)  # past the content cap
    kinds: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
        ("self-referring-contents", hostile.self_referring_contents, ("pdfium",)),
        ("reference-loop", hostile.reference_loop, ("pdfium",)),
        ("bomb-nested", lambda: hostile.decompression_bomb(bomb_mb), both),
        ("bomb-plain", lambda: hostile.decompression_bomb(bomb_mb, nested=False), both),
        ("deep-q-nesting", lambda: hostile.one_page(hostile.stream(b"q " * 50_000 + hostile.PAGE_TEXT
                                                                   + b" Q" * 50_000)), both),
        ("deep-arrays", lambda: hostile.one_page(hostile.stream(b"[" * 100_000 + b"]" * 100_000 + b" "
                                                                + hostile.PAGE_TEXT)), both),
        ("rotated-90", lambda: hostile.rotated(sample, 90), both),
        ("rotated-180", lambda: hostile.rotated(sample, 180), both),
        ("rotated-270", lambda: hostile.rotated(sample, 270), both),
        ("no-mediabox", lambda: hostile.without_mediabox(sample), both),
        ("xref-offsets-shifted", lambda: hostile.shifted_offsets(sample), both),
        ("cut-in-trailer", lambda: hostile.cut_in_trailer(sample), both),
        ("cut-in-half", lambda: sample[: len(sample) // 2], both),
        ("text-windows-1252", lambda: text.encode("cp1252", "replace"), ("text",)),
        ("text-utf-16", lambda: text.encode("utf-16"), ("text",)),
        ("text-latin-1-byte", lambda: text.encode().replace(b"Midshire", b"Mid\xe9shire", 1), ("text",)),
        ("text-escape-sequences", lambda: text.replace("\n", "\n\x1b]0;x\x07\x1b[2J", 3).encode(), ("text",)),
        ("text-pdf-marker", lambda: text.replace("\n", "\n%PDF-1.4\n", 1).encode(), ("text",)),
        ("text-long-prose", lambda: b"The partnership works well together. " * 60_000, ("text",)),
        ("empty", lambda: b"", ("text",)),
        ("whitespace", lambda: b" \n\t\f" * 100, ("text",)),
        ("random-bytes", lambda: random.Random(7).randbytes(4096), ("text",)),
    ]
    if not quick:
        kinds += SLOW_KINDS
    return kinds


# crafted inputs that run until the time budget stops them (pdfminer loops, or takes minutes):
# each costs a whole budget, so they come round only a few times
SLOW_KINDS: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
    ("self-referring-contents-slow", hostile.self_referring_contents, ("pdfplumber",)),
    ("reference-loop-slow", hostile.reference_loop, ("pdfplumber",)),
    ("pages-2000-slow", lambda: hostile.many_pages(2000), ("pdfium", "pdfplumber")),
]
SLOW_ROUNDS = 2


def cases(count: int, seed: int, quick: bool, folder: Path) -> list[Case]:
    """``count`` cases, each written to a file in ``folder`` as it is made."""
    rng = random.Random(seed)
    pdfs, texts = real_letters()
    small_pdfs = sorted(pdfs, key=len)[:PDFPLUMBER_LETTERS]
    out: list[Case] = []

    def add(name: str, engine: str, data: bytes) -> None:
        path = folder / f"{len(out):05d}"
        path.write_bytes(data)
        out.append(Case(name, engine, path))

    kinds = crafted(quick)
    n_crafted = max(len(kinds), int(count * CRAFTED_SHARE)) if count >= 2 * len(kinds) else count // 2
    made: dict[str, Path] = {}
    for i in range(n_crafted):
        name, maker, engines = kinds[i % len(kinds)]
        if name.endswith("-slow") and i // len(kinds) >= SLOW_ROUNDS:
            continue
        engine = engines[(i // len(kinds)) % len(engines)]
        engine = "pdfium" if engine == "text" else engine
        if name in made:  # the same bytes again, with the other engine
            out.append(Case(f"crafted:{name}", engine, made[name]))
        else:
            add(f"crafted:{name}", engine, maker())
            made[name] = out[-1].path
    rest = count - len(out)
    for i in range(rest):
        share = i / max(rest, 1)
        if share < SHARE_TEXT:
            add("mutated-text", "pdfium", mutate(rng.choice(texts), rng))
        elif share < SHARE_TEXT + SHARE_PDFIUM:
            add("mutated-pdf", "pdfium", mutate(rng.choice(pdfs), rng))
        else:
            add("mutated-pdf", "pdfplumber", mutate(rng.choice(small_pdfs), rng))
    rng.shuffle(out)
    return out


def fuzz(count: int, seed: int = 13, timeout_s: float = 10.0, jobs: int = 2, quick: bool = False,
         report: Callable[[str], None] = print) -> list[str]:
    """Run the cases; report one line per figure; return the failures (empty: the run passed)."""
    limits = Limits(timeout_s=timeout_s, max_content_mb=content_limit(quick))
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    slowest = (0.0, "")
    peak = (0.0, "")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="jtai-fuzz-") as folder:
        all_cases = cases(count, seed, quick, Path(folder))
        for engine in ("pdfium", "pdfplumber"):
            chosen = [case for case in all_cases if case.engine == engine]
            results = run([Input(str(case.path)) for case in chosen], engine=engine, jobs=jobs, limits=limits)
            for case, result in zip(chosen, results, strict=True):
                label = f"{case.name} {engine} ({case.path.name})"
                code = result.error.code if result.error else "extracted"
                outcomes[code] += 1
                if result.error is not None and code not in CODES:
                    failures.append(f"{label}: {code}: {result.error.message}")
                if result.letter is not None and result.letter.get("schema_version") != 1:
                    failures.append(f"{label}: a letter without schema_version 1")
                seconds = result.seconds or 0.0
                if seconds > timeout_s + STOP_GRACE_S:
                    failures.append(f"{label}: {seconds:.1f} s, past its {timeout_s:g} s budget")
                if seconds > slowest[0]:
                    slowest = (seconds, label)
                if (result.peak_memory_mb or 0.0) > peak[0]:
                    peak = (result.peak_memory_mb or 0.0, label)
    report(f"fuzz cases: {len(all_cases)} count")
    for code, n in sorted(outcomes.items()):
        report(f"fuzz outcome {code}: {n} count")
    report(f"fuzz slowest case: {slowest[0]:.2f} s ({slowest[1]}; budget {timeout_s:g} s)")
    # a worker reports its peak so far with each result, and results are read in input order, not in
    # the order the two workers ran them: the case named is where the peak was first seen, a lead only
    report(f"fuzz peak worker memory: {peak[0]:.0f} MB (first seen with {peak[1]}; budget {limits.max_memory_mb:g} MB)")
    report(f"fuzz wall time: {time.monotonic() - started:.0f} s")
    for failure in failures:
        report(f"fuzz FAILED: {failure}")
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--timeout", type=float, default=10.0, help="each case's time budget, seconds")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="leave out the cases that run until stopped")
    args = ap.parse_args()
    failures = fuzz(args.cases, args.seed, args.timeout, args.jobs, args.quick)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
