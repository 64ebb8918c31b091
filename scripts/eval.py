"""Score jtai-extract on the real corpus and fail when a score falls below eval/thresholds.json.

Usage: python scripts/eval.py CORPUS_DIR [ENGINE ...]   (CORPUS_DIR holds pdf/, text/, gold/, negatives/; the
scorer is CORPUS_DIR/../tools/score.py). Extracts with the installed command line, so the real
user path is what is measured. With several engines, their scores must be equal.

Besides the scores it prints, per letter and worst first, what each letter scored; checks the
signatory roles read from the text copies against those read from the PDFs; and, for each layout
setting whose number was chosen by looking at letters (``settings.TUNABLE``), a leave-one-letter-out
estimate: for each letter, the value that scores best on the other letters is chosen and the
left-out letter is scored with it, so the figure says how the rule holds on letters it was not
tuned on. ``--no-loo`` skips that part.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jtai_extract.settings import LayoutSettings

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


# --- per-letter scores ---------------------------------------------------------------------------

def scorer_module(corpus: Path) -> ModuleType:
    """The corpus scorer, imported to score one letter at a time (same rules as score.py)."""
    spec = importlib.util.spec_from_file_location("jtai_score", corpus.parent / "tools" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _f1(tp: int, npred: int, ngold: int) -> float:
    if not npred and not ngold:
        return 1.0
    return 2 * tp / (npred + ngold) if npred + ngold else 0.0


def letter_scores(sc: ModuleType, gold: dict, pred: dict) -> dict[str, float]:
    """One letter's fields accuracy, findings soft F1, case studies F1 and people F1."""
    gv, pv = sc.field_values(gold, pred)
    fields = sum(gv[f] == pv[f] for f in sc.FIELDS) / len(sc.FIELDS)
    tp = exact_tp = npred = ngold = 0
    for section in sc.SECTIONS:
        g = gold.get(section) or []
        p = [x.get("text", "") for x in pred.get(section) or []]
        soft, exact = sc.match_texts(g, p, 0.90)[:2]
        tp, exact_tp, npred, ngold = tp + soft, exact_tp + exact, npred + len(p), ngold + len(g)
    gc, pc = gold.get("case_studies") or [], pred.get("case_studies") or []
    used: set[int] = set()
    for c in gc:
        for j, q in enumerate(pc):
            if j not in used and q.get("kind") == c["kind"] and \
                    sc.ratio(sc.norm(c["text"]), sc.norm(q.get("text", ""))) >= 0.8:
                used.add(j)
                break
    people = []
    for who in ("addressees", "signatories"):
        t, n_p, n_g = sc.match_names(gold.get(who) or [], [x.get("name", "") for x in pred.get(who) or []])
        people.append(_f1(t, n_p, n_g))
    out = {"fields": fields, "findings": _f1(tp, npred, ngold), "case_studies": _f1(len(used), len(pc), len(gc)),
           "people": sum(people) / 2}
    out["letter"] = sum(out.values()) / len(out)
    out["exact"] = _f1(exact_tp, npred, ngold)  # not in the letter's score: it orders letters that tie
    return out


def print_worst_first(title: str, scores: dict[str, dict[str, float]], show: int = 10) -> None:
    print(f"per-letter scores, {title}, worst first (fields / findings soft F1 / case studies F1 / people F1 "
          "/ findings exact F1):")
    for name, s in sorted(scores.items(), key=lambda kv: (kv[1]["letter"], kv[1]["exact"], kv[0]))[:show]:
        print(f"  {s['letter']:.4f}  {name:36s} {s['fields']:.3f} {s['findings']:.3f} {s['case_studies']:.3f} "
              f"{s['people']:.3f} {s['exact']:.3f}")


def folder_letter_scores(sc: ModuleType, corpus: Path, pred: Path) -> dict[str, dict[str, float]]:
    out = {}
    for gold_file in sorted((corpus / "gold").glob("*.json")):
        pred_file = pred / gold_file.name
        pred_letter = json.loads(pred_file.read_text(encoding="utf-8")) if pred_file.exists() else {}
        out[gold_file.stem] = letter_scores(sc, json.loads(gold_file.read_text(encoding="utf-8")), pred_letter)
    return out


def signatory_roles(pdf_out: Path, text_out: Path) -> tuple[int, int, list[str]]:
    """How many signatories read from the PDFs the text copies give the same role and
    inspectorate (the gold has no roles: the PDF's grid positions are the reference)."""
    right = total = 0
    wrong = []
    for pdf_file in sorted(pdf_out.glob("*.json")):
        text_file = text_out / pdf_file.name
        if not text_file.exists():
            continue
        text_people = {s["name"]: s for s in json.loads(text_file.read_text(encoding="utf-8"))["signatories"]}
        for s in json.loads(pdf_file.read_text(encoding="utf-8"))["signatories"]:
            total += 1
            t = text_people.get(s["name"])
            if t is not None and (t["role"], t["inspectorate"]) == (s["role"], s["inspectorate"]):
                right += 1
            else:
                wrong.append(f"{pdf_file.stem}: {s['name']}")
    return right, total, wrong


# --- leave one letter out ------------------------------------------------------------------------

def leave_one_out(corpus: Path, sc: ModuleType) -> list[tuple[str, float, float, float, list[float],
                                                              dict[float, float]]]:
    """For each tunable setting: (name, default value, mean letter score at the default, mean
    held-out letter score, the values chosen, the mean letter score at each value tried). PDFs
    are read once (pdfium) and rebuilt under each value; text settings are scored on the text
    copies."""
    from jtai_extract.errors import ExtractError
    from jtai_extract.pipeline import letter_from_document
    from jtai_extract.readers import Source, document_from_pages, pdf_pages, read_text
    from jtai_extract.settings import DEFAULT, READ_STAGE, TUNABLE

    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "gold").glob("*.json"))}
    pdfs = {stem: (Source.from_path(corpus / "pdf" / f"{stem}.pdf")) for stem in golds}
    raw = {stem: list(pdf_pages(src.data, "pdfium")) for stem, src in pdfs.items()}
    texts = {stem: Source.from_path(corpus / "text" / f"{stem}.txt") for stem in golds
             if (corpus / "text" / f"{stem}.txt").exists()}
    cache: dict[str, dict[str, float]] = {}
    read_once = {stem: document_from_pages(pages, "pdfium") for stem, pages in raw.items()}

    def scored(stem: str, letter: dict) -> float:
        key = stem + hashlib.sha1(json.dumps(letter, sort_keys=True).encode()).hexdigest()
        if key not in cache:
            cache[key] = letter_scores(sc, golds[stem], letter)
        return cache[key]["letter"]

    def run(stem: str, name: str, settings: LayoutSettings, text: bool) -> float:
        try:
            if text:
                doc = read_text(texts[stem].data.decode("utf-8"))
                letter = letter_from_document(texts[stem], doc, settings)
            else:  # the lines are rebuilt only for the settings used while reading
                doc = document_from_pages(raw[stem], "pdfium", settings) if name in READ_STAGE else read_once[stem]
                letter = letter_from_document(pdfs[stem], doc, settings)
        except ExtractError:
            return 0.0
        return scored(stem, letter.model_dump(mode="json"))

    results = []
    for name, values in TUNABLE.items():
        text = name.startswith("text_")
        stems = sorted(texts) if text else sorted(golds)
        default = getattr(DEFAULT, name)
        grid = sorted(set(values) | {default})
        table = {v: {stem: run(stem, name, DEFAULT.with_(**{name: v}), text) for stem in stems} for v in grid}
        totals = {v: sum(table[v].values()) for v in grid}
        held_out, chosen = [], []
        for stem in stems:
            # the value best on the other letters; ties go to the value nearest the default
            on_others = {v: (totals[v] - table[v][stem], -abs(v - default)) for v in grid}
            best = max(grid, key=on_others.__getitem__)
            chosen.append(best)
            held_out.append(table[best][stem])
        results.append((name, default, statistics.mean(table[default].values()), statistics.mean(held_out),
                        sorted(set(chosen)), {v: statistics.mean(table[v].values()) for v in grid}))
    return results


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    loo = "--no-loo" not in sys.argv
    corpus = Path(args[0] if args else ROOT.parent / "shared" / "corpus").resolve()
    engines = (" ".join(args[1:]) or "pdfplumber").split()
    limits = json.loads((ROOT / "eval" / "thresholds.json").read_text())
    failures: list[str] = []

    def check(name: str, value: float, minimum: float) -> None:
        ok = value >= minimum
        print(f"{'ok  ' if ok else 'FAIL'} {name:40s} {value:.4f} (>= {minimum})")
        if not ok:
            failures.append(name)

    sc = scorer_module(corpus)
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
            for kind in ("agencies", "themes"):
                check(f"[{engine}] tags {kind} F1 (analysts agree {tags[f'{kind}_analysts']:.2f})",
                      tags[f"{kind}_f1"], limits["tags"][f"{kind}_f1"])
            print_worst_first(f"PDF [{engine}]", folder_letter_scores(sc, corpus, pdf_out))
        if len(engines) > 1:
            first = report[engines[0]]
            for engine in engines[1:]:
                same = report[engine] == first
                print(f"{'ok  ' if same else 'FAIL'} [{engine}] scores equal to [{engines[0]}]'s")
                if not same:
                    failures.append(f"{engine} scores differ from {engines[0]}")
        txt_out, neg_out = Path(tmp, "text"), Path(tmp, "neg")
        extract(corpus / "text", txt_out)
        t = report["text"] = score(corpus, txt_out)
        text_limits = limits["text"]
        check("text findings soft F1", t["findings"]["soft_f1"], text_limits["findings_soft_f1"])
        check("text case studies F1", t["case_studies"]["f1"], text_limits["case_studies_f1"])
        right, total, wrong = signatory_roles(Path(tmp, f"pdf-{engines[0]}"), txt_out)
        check(f"text signatory roles as in the PDFs ({right} of {total})", right / total if total else 0.0,
              text_limits["signatory_roles"])
        for line in wrong[:10]:
            print(f"     role differs: {line}")
        report["text"]["signatory_roles"] = round(right / total, 4) if total else None
        print_worst_first("text copies", folder_letter_scores(sc, corpus, txt_out))
        neg = extract(corpus / "negatives", neg_out)
        check("negatives refused", neg.stderr.count(": not_a_jtai_letter:"), limits["negatives_refused"])
        if list(neg_out.glob("*.json")):
            failures.append("a negative was accepted")
    if loo:
        print("leave one letter out, per tunable setting (mean letter score: at the default / held out; "
              "values chosen on the other letters):")
        report["leave_one_out"] = {}
        for name, default, at_default, held_out, chosen, by_value in leave_one_out(corpus, sc):
            tried = " ".join(f"{v:g}:{m:.3f}" for v, m in by_value.items())
            print(f"  {name:22s} default {default:<5g} {at_default:.4f} / {held_out:.4f}  chosen {chosen}  "
                  f"tried {tried}")
            report["leave_one_out"][name] = {"default": default, "at_default": round(at_default, 4),
                                             "held_out": round(held_out, 4), "chosen": chosen}
            if held_out < at_default - limits["leave_one_out_drop"]:
                failures.append(f"{name}: held-out score drops below the default's")
    (ROOT / "eval" / "last-scores.json").write_text(json.dumps(report, indent=1) + "\n")
    print("EVAL", "FAILED: " + ", ".join(failures) if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
