"""Score jtai-extract on the real corpus and fail when a score falls below eval/thresholds.json.

The tag floors (thresholds.json "tags") are set on the leave-one-letter-out figure of
scripts/tag_eval.py (the numbers fitted on the other letters, scored on the held-out one); the
score_tags.py figures on the command line's output must clear them too.

Usage: python scripts/eval.py CORPUS_DIR [ENGINE ...]   (CORPUS_DIR holds pdf/, text/, gold/, negatives/; the
scorer is CORPUS_DIR/../tools/score.py). Extracts with the installed command line, so the real
user path is what is measured. With several engines, their scores must be equal.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def extract(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "jtai-extract"
    return subprocess.run([str(exe), str(folder), "--out-dir", str(out), "--quiet", *extra],
                          capture_output=True, text=True)


def score(corpus: Path, pred: Path) -> dict:
    scorer = corpus.parent / "tools" / "score.py"
    done = subprocess.run([sys.executable, str(scorer), str(corpus / "gold"), str(pred), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["summary"]


def tag_scores(corpus: Path, pred: Path) -> dict[str, float]:
    scorer = corpus.parent / "tools" / "score_tags.py"
    done = subprocess.run([sys.executable, str(scorer), str(corpus / "tags"), str(pred)],
                          capture_output=True, text=True, check=True)
    scores = {}
    for line in done.stdout.splitlines():
        m = re.match(r"(agencies|themes): precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)\s+"
                     r"analysts' agreement ([\d.]+)", line)
        if m:
            scores[f"{m.group(1)}_f1"] = float(m.group(4))
            scores[f"{m.group(1)}_analysts"] = float(m.group(5))
    return scores


def tag_cv(corpus: Path) -> dict:
    """The tagger's figures from scripts/tag_eval.py: on every letter with the shipped numbers, and
    leave-one-letter-out (numbers fitted on the other letters) with a bootstrap interval by letter."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "tags.json")
        script = str(ROOT / "scripts" / "tag_eval.py")
        done = subprocess.run([sys.executable, script, str(corpus), "--cv", "--per-label", "--json", str(out)],
                              capture_output=True, text=True)
        print(done.stdout.rstrip())
        if done.returncode != 0:
            print(done.stderr.strip())
            return {}
        return json.loads(out.read_text())


def main() -> int:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus").resolve()
    engines = (" ".join(sys.argv[2:]) or "pdfplumber").split()
    limits = json.loads((ROOT / "eval" / "thresholds.json").read_text())
    failures: list[str] = []

    def check(name: str, value: float, minimum: float) -> None:
        ok = value >= minimum
        print(f"{'ok  ' if ok else 'FAIL'} {name:40s} {value:.4f} (>= {minimum})")
        if not ok:
            failures.append(name)

    report: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            pdf_out = Path(tmp, f"pdf-{engine}")
            run = extract(corpus / "pdf", pdf_out, "--engine", engine)
            check(f"[{engine}] letters accepted", len(list(pdf_out.glob("*.json"))), limits["letters_accepted"])
            if run.stderr.strip():
                print(run.stderr.strip())
            s = report[engine] = score(corpus, pdf_out)
            pdf = limits["pdf"]
            for field, value in s["fields"].items():
                check(f"[{engine}] field {field}", value, pdf["fields_min"])
            check(f"[{engine}] findings soft F1", s["findings"]["soft_f1"], pdf["findings_soft_f1"])
            check(f"[{engine}] findings exact F1", s["findings"]["exact_f1"], pdf["findings_exact_f1"])
            check(f"[{engine}] case studies F1", s["case_studies"]["f1"], pdf["case_studies_f1"])
            check(f"[{engine}] addressees F1", s["addressees"]["f1"], pdf["addressees_f1"])
            check(f"[{engine}] signatories F1", s["signatories"]["f1"], pdf["signatories_f1"])
            tags = report[engine]["tags"] = tag_scores(corpus, pdf_out)
            for kind in ("agencies", "themes"):  # fitted on these letters: must clear the floor set on the CV figure
                check(f"[{engine}] tags {kind} F1, score_tags.py (analysts agree {tags[f'{kind}_analysts']:.2f})",
                      tags[f"{kind}_f1"], limits["tags"][f"{kind}_f1"])
        if len(engines) > 1:
            first = report[engines[0]]
            for engine in engines[1:]:
                same = report[engine] == first
                print(f"{'ok  ' if same else 'FAIL'} [{engine}] scores equal to [{engines[0]}]'s")
                if not same:
                    failures.append(f"{engine} scores differ from {engines[0]}")
        cv = report["tags_cv"] = tag_cv(corpus)
        for kind in ("agencies", "themes"):
            check(f"tags {kind} F1, leave-one-letter-out", cv.get("cv", {}).get(kind, [0, 0, 0])[2],
                  limits["tags"][f"{kind}_f1"])
        txt_out, neg_out = Path(tmp, "text"), Path(tmp, "neg")
        extract(corpus / "text", txt_out)
        t = report["text"] = score(corpus, txt_out)
        check("text findings soft F1", t["findings"]["soft_f1"], limits["text"]["findings_soft_f1"])
        neg = extract(corpus / "negatives", neg_out)
        check("negatives refused", neg.stderr.count(": not_a_jtai_letter:"), limits["negatives_refused"])
        if list(neg_out.glob("*.json")):
            failures.append("a negative was accepted")
        (ROOT / "eval" / "last-scores.json").write_text(json.dumps(report, indent=1) + "\n")
    print("EVAL", "FAILED: " + ", ".join(failures) if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
