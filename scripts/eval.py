"""Score jtai-extract on the real corpus and fail when a score falls below eval/thresholds.json.

Usage: python scripts/eval.py CORPUS_DIR   (CORPUS_DIR holds pdf/, text/, gold/, negatives/; the
scorer is CORPUS_DIR/../tools/score.py). Extracts with the installed command line, so the real
user path is what is measured.
"""

from __future__ import annotations

import json
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


def main() -> int:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus").resolve()
    engine = sys.argv[2] if len(sys.argv) > 2 else "pdfplumber"
    limits = json.loads((ROOT / "eval" / "thresholds.json").read_text())
    failures: list[str] = []

    def check(name: str, value: float, minimum: float) -> None:
        ok = value >= minimum
        print(f"{'ok  ' if ok else 'FAIL'} {name:32s} {value:.4f} (>= {minimum})")
        if not ok:
            failures.append(name)

    with tempfile.TemporaryDirectory() as tmp:
        pdf_out, txt_out, neg_out = Path(tmp, "pdf"), Path(tmp, "text"), Path(tmp, "neg")
        run = extract(corpus / "pdf", pdf_out, "--engine", engine)
        accepted = len(list(pdf_out.glob("*.json")))
        check("letters accepted", accepted, limits["letters_accepted"])
        if run.stderr.strip():
            print(run.stderr.strip())
        s = score(corpus, pdf_out)
        pdf = limits["pdf"]
        for field, value in s["fields"].items():
            check(f"pdf field {field}", value, pdf["fields_min"])
        check("pdf findings soft F1", s["findings"]["soft_f1"], pdf["findings_soft_f1"])
        check("pdf findings exact F1", s["findings"]["exact_f1"], pdf["findings_exact_f1"])
        check("pdf case studies F1", s["case_studies"]["f1"], pdf["case_studies_f1"])
        check("pdf addressees F1", s["addressees"]["f1"], pdf["addressees_f1"])
        check("pdf signatories F1", s["signatories"]["f1"], pdf["signatories_f1"])
        extract(corpus / "text", txt_out)
        t = score(corpus, txt_out)
        check("text findings soft F1", t["findings"]["soft_f1"], limits["text"]["findings_soft_f1"])
        neg = extract(corpus / "negatives", neg_out)
        refused = neg.stderr.count(": not_a_jtai_letter:")
        check("negatives refused", refused, limits["negatives_refused"])
        if list(neg_out.glob("*.json")):
            failures.append("a negative was accepted")
        (ROOT / "eval" / "last-scores.json").write_text(json.dumps({"engine": engine, "pdf": s, "text": t},
                                                                    indent=1) + "\n")
    print("EVAL", "FAILED: " + ", ".join(failures) if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
