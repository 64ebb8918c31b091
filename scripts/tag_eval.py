"""Score the tagger against the two analysts' labels, fit its numbers, and cross-validate by letter.

Usage:
  python scripts/tag_eval.py [CORPUS_DIR] [--cv] [--fit] [--write-params] [--per-label] [--show N]
                             [--check] [--letters ID ...] [--json FILE]

CORPUS_DIR (default ../shared/corpus) holds tags/ (the labelled findings) and pdf/ (the letters).
Each letter is extracted once without tags and cached (``--cache``, default
/tmp/jtai-tag-cache); each labelled finding is paired with the extracted finding of its section
whose text is most similar, exactly as ``score_tags.py`` pairs them, so the metric is the same:
precision against either analyst, recall against both.

- default: the shipped numbers (models/tagging/params.json) on every letter;
- ``--cv``: leave-one-letter-out: the numbers are fitted on the other letters and the held-out
  letter is scored; the pooled held-out F1 is reported with a 95% bootstrap interval by letter;
- ``--fit --write-params``: fit on all letters and write models/tagging/params.json;
- ``--check``: also extract with the command line and run score_tags.py, and compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jtai_extract.tagging import (  # noqa: E402
    ALWAYS,
    BACKGROUND,
    IMPLIED_BY,
    ROLES,
    Analysis,
    Params,
    Tagger,
    _combine,
    _role_factor,
    decide,
    shipped_params,
)

KINDS = ("agencies", "themes")
KIND_OF = {"agency": "agencies", "theme": "themes"}
SECTIONS = ("strengths", "areas_for_improvement", "priority_actions")
MIN_LABEL_SUPPORT = 12  # sure positives in the training letters before a label gets its own threshold
BOOTSTRAP = 2000
SEED = 14


# --- the corpus ----------------------------------------------------------------------------------

@dataclass
class Finding:
    letter: str
    section: str
    n: int
    text: str
    a: dict[str, set[str]]  # kind -> analyst a's labels ("agency:police")
    b: dict[str, set[str]]
    analysis: Analysis | None  # None: no extracted finding paired


def _scorer_module(corpus: Path):
    sys.path.insert(0, str(corpus.parent / "tools"))
    import score  # type: ignore[import-not-found]

    return score


def _extracted(pdf: Path, cache: Path) -> dict:
    from jtai_extract import __version__
    from jtai_extract.pipeline import extract

    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
    cached = cache / f"{pdf.stem}-{digest}-{__version__}.json"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    letter = extract(str(pdf), engine="pdfium", tags=False).model_dump(mode="json")
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(letter, ensure_ascii=False), encoding="utf-8")
    return letter


def load(corpus: Path, cache: Path, tagger: Tagger, only: list[str] | None = None) -> dict[str, list[Finding]]:
    """Labelled findings by letter, each with the analysis of its paired extracted finding."""
    from jtai_extract.schema import Letter

    score = _scorer_module(corpus)
    out: dict[str, list[Finding]] = {}
    for path in sorted((corpus / "tags").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if only and gold["id"] not in only:
            continue
        data = _extracted(corpus / "pdf" / f"{gold['id']}.pdf", cache)
        letter = Letter.model_validate(data)
        items, analyses = tagger.analyse_letter(letter)
        index = {id(item): i for i, item in enumerate(items)}
        cands = {s: [(score.norm(x.text), x) for x in getattr(letter, s)] for s in SECTIONS}
        found = []
        for item in gold["findings"]:
            g = score.norm(item["text"])
            best, best_r = None, 0.9
            for text, x in cands.get(item["section"], []):
                if abs(len(text) - len(g)) > 0.1 * max(len(text), len(g)) + 5:
                    continue
                r = score.ratio(g, text)
                if r >= best_r:
                    best, best_r = x, r
            found.append(Finding(
                gold["id"], item["section"], item["n"], item["text"],
                {k: {f"{k[:-1] if k == 'themes' else 'agency'}:{x}" for x in item[k]["a"]} for k in KINDS},
                {k: {f"{k[:-1] if k == 'themes' else 'agency'}:{x}" for x in item[k]["b"]} for k in KINDS},
                analyses[index[id(best)]] if best is not None else None))
        out[gold["id"]] = found
    return out


# --- the metric (score_tags.py's) ---------------------------------------------------------------------

def counts(findings: list[Finding], tags: list[set[str]]) -> dict[str, dict[str, list[int]]]:
    """kind -> label -> [pred, pred_ok, sure, sure_hit]; label "*" holds the kind's totals."""
    out: dict[str, dict[str, list[int]]] = {k: {"*": [0, 0, 0, 0]} for k in KINDS}
    for f, got in zip(findings, tags, strict=True):
        for kind in KINDS:
            mine = {t for t in got if KIND_OF[t.split(":", 1)[0]] == kind}
            a, b = f.a[kind], f.b[kind]
            sure, possible = a & b, a | b
            for label in mine | sure:
                row = out[kind].setdefault(label, [0, 0, 0, 0])
                for r in (row, out[kind]["*"]):
                    r[0] += label in mine
                    r[1] += label in mine and label in possible
                    r[2] += label in sure
                    r[3] += label in mine and label in sure
    return out


def analysts_agreement(findings: list[Finding], kind: str) -> float:
    """score_tags.py's agreement of the two analysts: 2|a & b| / (|a| + |b|) over all findings."""
    ab = sum(len(f.a[kind] & f.b[kind]) for f in findings)
    total = sum(len(f.a[kind]) + len(f.b[kind]) for f in findings)
    return 2 * ab / total if total else 0.0


def f1_of(row: list[int]) -> tuple[float, float, float]:
    p = row[1] / row[0] if row[0] else 0.0
    r = row[3] / row[2] if row[2] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def add(into: dict[str, dict[str, list[int]]], more: dict[str, dict[str, list[int]]]) -> None:
    for kind, labels in more.items():
        for label, row in labels.items():
            acc = into.setdefault(kind, {}).setdefault(label, [0, 0, 0, 0])
            for i in range(4):
                acc[i] += row[i]


# --- a fast form of decide() for fitting --------------------------------------------------------------

@dataclass
class Compact:
    """A finding's mentions reduced to numbers: key -> groups of (weight, role, lead)."""

    groups: dict[str, list[list[tuple[float, str, bool, str, int, str]]]]  # (weight, role, lead, source, length, row)
    heading: tuple[str, ...]
    deep: tuple[str, ...]
    subjects: frozenset[str]
    background: frozenset[str]  # labels whose every mention is a destination/recipient (agency) or frame/example
    single: dict[str, tuple[str, float]]  # labels with one row only: that row and its lexicon weight


def compact(a: Analysis | None) -> Compact:
    if a is None:
        return Compact({}, (), (), frozenset(), frozenset(), {})
    groups: dict[str, dict[int, list[tuple[float, str, bool, str, int, str]]]] = {}
    for m in a.mentions:
        member = (m.weight, m.role, m.lead, m.source, m.end - m.start, m.row)
        groups.setdefault(m.key, {}).setdefault(m.group, []).append(member)
    subjects = frozenset(m.key for m in a.mentions if m.lead and m.role == "subject" and m.kind == "agency")
    background = frozenset(k for k, g in groups.items() if k not in a.heading and all(
        m[1] in BACKGROUND[k.split(":", 1)[0]] for ms in g.values() for m in ms))
    single = {}
    for k, g in groups.items():
        bests = [max(ms, key=lambda m: (m[0], m[4])) for ms in g.values()]  # the counted mention of each group
        rows = {m[5] or m[3] for m in bests}
        if len(rows) == 1 and k not in a.heading:
            single[k] = (next(iter(rows)), max(m[0] for m in bests))
    return Compact({k: list(g.values()) for k, g in groups.items()}, tuple(a.heading), a.deep_dive, subjects,
                   background, single)


def w_of(m: tuple[float, str, bool, str, int, str], p: Params, kind: str, deep: bool) -> float:
    weight = p.row_weight.get(m[5], m[0]) if m[5] else m[0]
    return weight * _role_factor(p, kind, m[1], deep) * (p.lead_factor[kind] if m[2] else 1.0)


def fast_scores(c: Compact, p: Params) -> dict[str, float]:
    scores: dict[str, float] = {}
    for key, groups in c.groups.items():
        kind = key.split(":", 1)[0]
        deep = key in c.deep
        values = []
        for g in groups:
            best = max(g, key=lambda m: (w_of(m, p, kind, deep), m[4]))
            values.append((w_of(best, p, kind, deep), best[3]))
        scores[key] = _combine(values, p.repeat_factor[kind], p.same_row_factor)
    for key in c.heading:
        scores[key] = scores.get(key, 0.0) + p.subheading_weight[key.split(":", 1)[0]]
    if p.deep_dive_bonus:
        for key in c.deep:
            if scores.get(key, 0.0) > 0:
                scores[key] += p.deep_dive_bonus
    return scores


def _generic(c: Compact, key: str, p: Params) -> bool:
    one = c.single.get(key)
    if one is None:
        return False
    row, weight = one
    return p.row_weight.get(row, weight) < p.min_weight[key.split(":", 1)[0]]


def fast_tags(c: Compact, scores: dict[str, float], p: Params) -> set[str]:
    tagged = set()
    raised: dict[str, float] = {}
    for key, s in scores.items():
        t = p.threshold_of(key)
        if s >= t and key.startswith("agency:") and c.subjects and key not in c.subjects and p.other_agency_factor != 1:
            t = raised[key] = t * p.other_agency_factor
        if s >= t and key not in c.background and not _generic(c, key, p):
            tagged.add(key)
    for kind, share in p.minor_share.items():
        if share:
            top = max((scores[k] for k in tagged if k.startswith(kind + ":")), default=0.0)
            tagged -= {k for k in tagged if k.startswith(kind + ":") and scores[k] < share * top}
    alone = not any(k.startswith("agency:") for k in tagged)
    extra: dict[str, float] = {}
    for rule, (theme, agency) in IMPLIED_BY.items():
        w = p.implied.get(rule, 0.0) if alone else p.implied.get(rule + ALWAYS, 0.0)
        if w and theme in tagged and agency not in tagged:
            extra[agency] = extra.get(agency, 0.0) + w
    for agency, w in extra.items():
        if scores.get(agency, 0.0) + w >= raised.get(agency, p.threshold_of(agency)):
            tagged.add(agency)
    gov = "theme:leadership_and_governance"
    if p.partnership_governance and "agency:safeguarding_partnership" in tagged:
        scores = {**scores, gov: scores.get(gov, 0.0) + p.partnership_governance}
        if scores[gov] >= p.threshold_of(gov):
            tagged.add(gov)
    members = [k for k in tagged if k.startswith("agency:") and k != "agency:safeguarding_partnership"]
    if "agency:safeguarding_partnership" in tagged and len(members) >= p.partnership_members:
        tagged -= set(members)
    themes = [k for k in tagged if k.startswith("theme:")]
    if len(themes) > p.max_themes:
        themes.sort(key=lambda k: (-scores.get(k, 0.0) / p.threshold_of(k), k))
        tagged -= set(themes[p.max_themes:])
    return tagged


_SCORES: dict[tuple[int, str], list[dict[str, float]]] = {}


def _score_key(p: Params) -> str:
    return json.dumps([p.role_factor, p.lead_factor, p.repeat_factor, p.same_row_factor, p.subheading_weight,
                       p.deep_dive_bonus, p.deep_dive_lift, p.row_weight], sort_keys=True)


def evaluate(findings: list[Finding], comp: list[Compact], p: Params) -> dict[str, dict[str, list[int]]]:
    """score_tags.py's counts under the numbers ``p`` (scores are cached: thresholds change often)."""
    key = (id(comp), _score_key(p))
    scores = _SCORES.get(key)
    if scores is None:
        if len(_SCORES) > 5000:
            _SCORES.clear()
        scores = _SCORES[key] = [fast_scores(c, p) for c in comp]
    return counts(findings, [fast_tags(c, sc, p) for c, sc in zip(comp, scores, strict=True)])


# --- fitting ---------------------------------------------------------------------------------------

GRID_FACTOR = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0]
GRID_LEAD = [1.0, 1.25, 1.5, 2.0, 2.5, 3.0]
GRID_REPEAT = [0.25, 0.5, 0.75, 1.0]
GRID_MIN_WEIGHT = [0.0, 1.5, 2.0, 2.5, 3.0]
# convention 4: with another agency's part in a child protection process described, children's
# social care only if the social workers' part is judged too: never implied alongside other agencies
NOT_FITTED = frozenset({"child_protection_is_csc" + ALWAYS})
GRID_SAME_ROW = [0.0, 0.25, 0.5, 1.0]
GRID_SUB = [0.0, 1.0, 2.0, 3.0, 4.0, 6.0]
GRID_DEEP = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0]
GRID_OTHER = [1.0, 1.25, 1.5, 2.0]
GRID_MINOR = [0.0, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
# rule minor_label is fitted for agencies only: for themes it lowered the held-out F1 (0.7947 -> 0.7929)
MINOR_KINDS = ("agency",)
GRID_IMPLIED = [0.0, 1.5, 3.0, 6.0]
GRID_MEMBERS = [3, 4, 5, 99]
GRID_THRESHOLD = [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0]
GRID_LABEL = [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0, 8.0]


def kind_f1(findings: list[Finding], comp: list[Compact], p: Params, kind: str) -> float:
    """score_tags.py's F1 for one kind (the fitting objective: the same figure as ``counts``, faster)."""
    key = (id(comp), _score_key(p))
    scores = _SCORES.get(key)
    if scores is None:
        if len(_SCORES) > 5000:
            _SCORES.clear()
        scores = _SCORES[key] = [fast_scores(c, p) for c in comp]
    prefix = "agency:" if kind == "agencies" else "theme:"
    pred = ok = sure_n = hit = 0
    for f, c, sc in zip(findings, comp, scores, strict=True):
        mine = {t for t in fast_tags(c, sc, p) if t.startswith(prefix)}
        a, b = f.a[kind], f.b[kind]
        sure = a & b
        pred += len(mine)
        ok += len(mine & (a | b))
        sure_n += len(sure)
        hit += len(mine & sure)
    return f1_of([pred, ok, sure_n, hit])[2]


def neutral() -> Params:
    """Where every fit starts (never the shipped numbers, which were fitted on every letter): the
    rules' priors, one threshold per kind."""
    roles = {"subject": 1.5, "actor": 1.0, "agent": 1.0, "partner": 1.0, "recipient": 0.5, "destination": 0.25,
             "setting": 0.75, "example": 0.5, "frame": 0.5,
             "subject_frame": 0.5}
    return Params(threshold={"agency": 3.0, "theme": 3.0}, label_threshold={},
                  role_factor={"agency": dict(roles), "theme": dict(roles)}, lead_factor={"agency": 1.5, "theme": 1.5},
                  repeat_factor={"agency": 1.0, "theme": 1.0}, same_row_factor=1.0,
                  subheading_weight={"agency": 2.0, "theme": 1.0}, deep_dive_bonus=0.0, deep_dive_lift=0.0,
                  other_agency_factor=1.0, minor_share={"agency": 0.0, "theme": 0.0},
                  implied={r: 0.0 for r in [*IMPLIED_BY, *(r + ALWAYS for r in IMPLIED_BY)]},
                  partnership_members=99, partnership_governance=0.0, row_weight={},
                  min_weight={"agency": 0.0, "theme": 0.0}, max_themes=99)


MIN_ROW_SUPPORT = 6  # findings a row must fire in (training letters) before its weight is fitted
GRID_ROW = [0.0, 0.5, 1.0, 1.5, 2.0]  # times the lexicon's weight
MIN_GAIN = 1e-4  # a fitted row weight must raise the training F1 by this much


def _finding_counts(f: Finding, tags: set[str]) -> dict[str, tuple[int, int, int, int]]:
    out = {}
    for kind, prefix in (("agencies", "agency:"), ("themes", "theme:")):
        mine = {t for t in tags if t.startswith(prefix)}
        a, b = f.a[kind], f.b[kind]
        out[kind] = (len(mine), len(mine & (a | b)), len(a & b), len(mine & a & b))
    return out


def fit_rows(findings: list[Finding], comp: list[Compact], p: Params) -> None:
    """Fit the weights of the rows that fire often, one at a time, each on the F1 of its kind
    (an incremental search: only the findings a row fires in are re-scored)."""
    occ: dict[str, set[int]] = {}
    base: dict[str, float] = {}
    for i, c in enumerate(comp):
        for groups in c.groups.values():
            for g in groups:
                for m in g:
                    if m[5]:
                        occ.setdefault(m[5], set()).add(i)
                        base[m[5]] = m[0]
    counts_of = [_finding_counts(f, fast_tags(c, fast_scores(c, p), p)) for f, c in zip(findings, comp, strict=True)]
    totals = {k: [sum(ct[k][j] for ct in counts_of) for j in range(4)] for k in KINDS}
    for row in sorted((r for r, idx in occ.items() if len(idx) >= MIN_ROW_SUPPORT), key=lambda r: (-len(occ[r]), r)):
        kind = "agencies" if row.startswith("agency:") else "themes"
        idx = sorted(occ[row])
        current = p.row_weight.get(row, base[row])
        partial = {k: [totals[k][j] - sum(counts_of[i][k][j] for i in idx) for j in range(4)] for k in KINDS}
        best_v, best_f, best_counts = current, f1_of(totals[kind])[2], None
        for mult in GRID_ROW:
            v = base[row] * mult
            if v == current:
                continue
            p.row_weight[row] = v
            new = [_finding_counts(findings[i], fast_tags(comp[i], fast_scores(comp[i], p), p)) for i in idx]
            f = f1_of([partial[kind][j] + sum(n[kind][j] for n in new) for j in range(4)])[2]
            if f > best_f + MIN_GAIN:
                best_v, best_f, best_counts = v, f, new
        if best_v == base[row]:
            p.row_weight.pop(row, None)
        else:
            p.row_weight[row] = best_v
        if best_counts is not None:
            for i, n in zip(idx, best_counts, strict=True):
                counts_of[i] = n
            totals = {k: [partial[k][j] + sum(counts_of[i][k][j] for i in idx) for j in range(4)] for k in KINDS}


def fit(findings: list[Finding], comp: list[Compact], start: Params, sweeps: int = 2) -> Params:
    """Coordinate ascent on the training findings' F1 (agencies for agency numbers, themes for theme numbers)."""
    p = start.copy()

    def objective(kind: str) -> float:
        return kind_f1(findings, comp, p, kind)

    def try_values(kind: str, get, put, grid) -> None:
        best_v, best = get(), objective(kind)
        for v in grid:
            put(v)
            f = objective(kind)
            if f > best + 1e-9:
                best_v, best = v, f
        put(best_v)

    for sweep in range(sweeps):
        for k, kind in (("agency", "agencies"), ("theme", "themes")):
            try_values(kind, lambda k=k: p.threshold[k], lambda v, k=k: p.threshold.__setitem__(k, v), GRID_THRESHOLD)
            roles = [r for r in ROLES if r != "actor" and (k == "theme" or r not in ("frame", "subject_frame")) and
                     (k == "agency" or r != "destination")]
            for role in roles:
                try_values(kind, lambda k=k, r=role: p.role_factor[k][r],
                           lambda v, k=k, r=role: p.role_factor[k].__setitem__(r, v), GRID_FACTOR)
            try_values(kind, lambda k=k: p.lead_factor[k], lambda v, k=k: p.lead_factor.__setitem__(k, v), GRID_LEAD)
            try_values(kind, lambda k=k: p.min_weight[k], lambda v, k=k: p.min_weight.__setitem__(k, v),
                       GRID_MIN_WEIGHT)
            try_values(kind, lambda k=k: p.repeat_factor[k], lambda v, k=k: p.repeat_factor.__setitem__(k, v),
                       GRID_REPEAT)
            try_values(kind, lambda k=k: p.subheading_weight[k],
                       lambda v, k=k: p.subheading_weight.__setitem__(k, v), GRID_SUB)
        try_values("themes", lambda: p.max_themes, lambda v: setattr(p, "max_themes", v), [3, 4, 5, 6, 99])
        try_values("themes", lambda: p.same_row_factor, lambda v: setattr(p, "same_row_factor", v), GRID_SAME_ROW)
        try_values("themes", lambda: p.deep_dive_lift, lambda v: setattr(p, "deep_dive_lift", v), [0.0, 0.5, 1.0])
        try_values("themes", lambda: p.deep_dive_bonus, lambda v: setattr(p, "deep_dive_bonus", v), GRID_DEEP)
        try_values("agencies", lambda: p.other_agency_factor, lambda v: setattr(p, "other_agency_factor", v),
                   GRID_OTHER)
        for k, kind in (("agency", "agencies"), ("theme", "themes")):
            if k in MINOR_KINDS:
                try_values(kind, lambda k=k: p.minor_share[k], lambda v, k=k: p.minor_share.__setitem__(k, v),
                           GRID_MINOR)
        for rule in [*IMPLIED_BY, *(r + ALWAYS for r in IMPLIED_BY if r + ALWAYS not in NOT_FITTED)]:
            try_values("agencies", lambda r=rule: p.implied.get(r, 0.0),
                       lambda v, r=rule: p.implied.__setitem__(r, v), GRID_IMPLIED)
        try_values("agencies", lambda: p.partnership_members, lambda v: setattr(p, "partnership_members", v),
                   GRID_MEMBERS)
        try_values("themes", lambda: p.partnership_governance, lambda v: setattr(p, "partnership_governance", v),
                   GRID_IMPLIED)
        # per-label thresholds, for labels with enough support in the training letters
        support = evaluate(findings, comp, p) if LABEL_THRESHOLDS else {k: {} for k in KINDS}
        for kind in KINDS:
            for label, row in sorted(support[kind].items()):
                if label == "*" or row[2] < MIN_LABEL_SUPPORT or kind not in LABEL_THRESHOLDS:
                    p.label_threshold.pop(label, None)
                    continue
                k = label.split(":", 1)[0]
                try_values(kind, lambda lab=label, k=k: p.label_threshold.get(lab, p.threshold[k]),
                           lambda v, lab=label: p.label_threshold.__setitem__(lab, v), GRID_LABEL)
        if ROW_WEIGHTS and sweep == 0:
            fit_rows(findings, comp, p)
            _SCORES.clear()
    for label in [lab for lab, v in p.label_threshold.items() if v == p.threshold[lab.split(":", 1)[0]]]:
        del p.label_threshold[label]
    return p


# Fitting more numbers fits the scored letters better and unseen letters worse: leave-one-letter-out,
# per-row weights lowered the held-out F1 (off by default); per-label thresholds lowered it for
# agencies (0.8562 -> 0.8536) and, once the lexicons had grown, for themes too (round 4: themes
# 0.8263 without them, 0.8162 with them), so they are off.
# Round 5 (issue 14), each fitted from neutral() and measured held out against 0.8727 / 0.8263, none
# kept: a cap on what generic rows (weight under 1) add together, themes 0.8215 (fitted jointly with
# the generic weight for both kinds: 0.8210); a factor per sentence from the third on, 0.8662 / 0.8221
# (both kinds: agencies 0.8671, themes 0.8193); thresholds rising with a finding's length, 0.8710 /
# 0.8248; minor_label for themes, 0.8261; a minimum training gain of 0.002 before a number moves,
# 0.8691 / 0.8255; "particularly" as a theme role of its own, not background, 0.8708 / 0.8252.
# Agency rules, same round, none kept (agencies / themes): "known / open / allocated to X" as a
# neutral cue, 0.8708 / 0.8258; child protection and strategy-meeting words as children's social
# care (weight 1), 0.8761 / 0.8237 (themes fell); the convention-backed implied rules never fitted to
# 0, 0.8717 / 0.8239; "as well as" coordinating like "and", 0.8712 / 0.8263; an agency after "impact
# on / limit / hinder" as what a shortfall affects, 0.8740 / 0.8266 (under the noise margin). A
# change that alters two tags in one letter moves the held-out figure by about +-0.002 through the
# other folds' re-fits alone: the fit, not the rules, now sets the noise floor.
ROW_WEIGHTS = False  # --row-weights: also fit the weights of the rows that fire often
LABEL_THRESHOLDS: tuple[str, ...] = ()  # --label-thresholds KIND ...: kinds with a threshold per label


def cross_validate(letters: dict[str, list[Finding]], start: Params,
                   sweeps: int) -> tuple[dict[str, dict[str, list[int]]], dict[str, dict[str, dict[str, list[int]]]]]:
    """Leave one letter out: pooled held-out counts, and the held-out counts of each letter."""
    global _CV
    _CV = (letters, {lid: [compact(f.analysis) for f in fs] for lid, fs in letters.items()}, start, sweeps)
    pooled: dict[str, dict[str, list[int]]] = {}
    per_letter = {}
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(JOBS) as pool:
        for lid, held in pool.imap(_held_out, list(letters)):
            per_letter[lid] = held
            add(pooled, held)
            print(f"  held out {lid:28s} agencies {f1_of(held['agencies']['*'])[2]:.3f} "
                  f"themes {f1_of(held['themes']['*'])[2]:.3f}", file=sys.stderr, flush=True)
    return pooled, per_letter


_CV: tuple = ()
JOBS = 2  # worker processes for the folds


def _held_out(lid: str) -> tuple[str, dict[str, dict[str, list[int]]]]:
    """One fold: fit on the other letters, count on this one."""
    letters, comp, start, sweeps = _CV
    train_f = [f for other, fs in letters.items() if other != lid for f in fs]
    train_c = [c for other, cs in comp.items() if other != lid for c in cs]
    p = fit(train_f, train_c, start, sweeps)
    return lid, evaluate(letters[lid], comp[lid], p)


def bootstrap(per_letter: dict[str, dict[str, dict[str, list[int]]]], kind: str) -> tuple[float, float]:
    rng = random.Random(SEED)
    ids = sorted(per_letter)
    values = []
    for _ in range(BOOTSTRAP):
        total = [0, 0, 0, 0]
        for lid in (rng.choice(ids) for _ in ids):
            row = per_letter[lid][kind]["*"]
            for i in range(4):
                total[i] += row[i]
        values.append(f1_of(total)[2])
    values.sort()
    return values[int(0.025 * BOOTSTRAP)], values[int(0.975 * BOOTSTRAP) - 1]


# --- reports ----------------------------------------------------------------------------------------

def print_totals(title: str, totals: dict[str, dict[str, list[int]]], per_label: bool, interval=None) -> None:
    print(title)
    for kind in KINDS:
        p, r, f = f1_of(totals[kind]["*"])
        extra = f"  95% interval by letter {interval[kind][0]:.4f}-{interval[kind][1]:.4f}" if interval else ""
        print(f"  {kind}: precision {p:.4f} recall {r:.4f} F1 {f:.4f}{extra}")
    if per_label:
        print(f"  {'label':36s} {'sure':>5s} {'pred':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}")
        for kind in KINDS:
            for label, row in sorted(totals[kind].items(), key=lambda kv: -kv[1][2]):
                if label == "*":
                    continue
                p, r, f = f1_of(row)
                print(f"  {label:36s} {row[2]:5d} {row[0]:5d} {p:6.3f} {r:6.3f} {f:6.3f}")


def show(letters: dict[str, list[Finding]], p: Params, n: int, label: str | None) -> None:
    shown = 0
    for lid, fs in letters.items():
        for f in fs:
            if f.analysis is None:
                continue
            d = decide(f.analysis, p)
            got = {f"agency:{a}" for a in d.agencies} | {f"theme:{t}" for t in d.themes}
            sure = f.a["agencies"] & f.b["agencies"] | f.a["themes"] & f.b["themes"]
            possible = f.a["agencies"] | f.b["agencies"] | f.a["themes"] | f.b["themes"]
            extra, missed = got - possible, sure - got
            if label:
                extra, missed = {x for x in extra if x == label}, {x for x in missed if x == label}
            if not (extra or missed):
                continue
            print(f"{lid} {f.section}[{f.n}] extra={sorted(extra)} missed={sorted(missed)}")
            print(f"    {f.text[:600]}")
            for key in sorted(extra | missed):
                sc = d.scores.get(key)
                if sc is None:
                    print(f"    {key}: no mention")
                    continue
                parts = "; ".join(f"{pt.mention.text!r} {pt.mention.role}{' lead' if pt.mention.lead else ''} "
                                  f"{pt.contribution:.2f}{'' if pt.counted else ' (nested)'}" for pt in sc.parts)
                print(f"    {key}: {sc.score:.2f} / {sc.threshold:.2f} {parts}")
            shown += 1
            if shown >= n:
                return


def decided(a: Analysis | None, p: Params) -> set[str]:
    if a is None:
        return set()
    d = decide(a, p)
    return {f"agency:{x}" for x in d.agencies} | {f"theme:{x}" for x in d.themes}


def check(corpus: Path) -> None:
    """Extract with the command line (shipped numbers) and run score_tags.py on the output."""
    exe = Path(sys.executable).parent / "jtai-extract"
    with tempfile.TemporaryDirectory() as tmp:
        letters = Path(tmp, "letters")
        letters.mkdir()
        for path in sorted((corpus / "tags").glob("*.json")):
            (letters / f"{path.stem}.pdf").symlink_to(corpus / "pdf" / f"{path.stem}.pdf")
        subprocess.run([str(exe), str(letters), "--out-dir", str(Path(tmp, "out")), "--quiet", "--engine", "pdfium"],
                       check=True)
        done = subprocess.run([sys.executable, str(corpus.parent / "tools" / "score_tags.py"), str(corpus / "tags"),
                               str(Path(tmp, "out"))], capture_output=True, text=True, check=True)
    print("score_tags.py on the command line's output:")
    print("  " + done.stdout.strip().replace("\n", "\n  "))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--cache", default="/tmp/jtai-tag-cache")
    ap.add_argument("--cv", action="store_true", help="leave-one-letter-out cross-validation")
    ap.add_argument("--fit", action="store_true", help="fit the numbers on all letters")
    ap.add_argument("--write-params", action="store_true", help="with --fit: write models/tagging/params.json")
    ap.add_argument("--sweeps", type=int, default=2)
    ap.add_argument("--per-label", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print up to N findings with a wrong tag")
    ap.add_argument("--label", help="with --show: only this label (e.g. agency:police)")
    ap.add_argument("--check", action="store_true", help="also run score_tags.py on the command line's output")
    ap.add_argument("--letters", nargs="*")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--row-weights", action="store_true", help="also fit the weights of frequent rows")
    ap.add_argument("--label-thresholds", nargs="*", choices=KINDS, default=[],
                    help="the kinds whose labels each get a fitted threshold (default: none)")
    args = ap.parse_args(argv)
    global ROW_WEIGHTS, LABEL_THRESHOLDS
    ROW_WEIGHTS, LABEL_THRESHOLDS = args.row_weights, tuple(args.label_thresholds)
    corpus = Path(args.corpus).resolve()
    tagger = Tagger.load()
    letters = load(corpus, Path(args.cache), tagger, args.letters)
    every = [f for fs in letters.values() for f in fs]
    comp = [compact(f.analysis) for f in every]
    params = shipped_params()
    report: dict = {}
    if args.fit:
        params = fit(every, comp, neutral(), args.sweeps)
        if args.write_params:
            data = {"_comment": "Fitted by scripts/tag_eval.py --fit --write-params on the labelled letters of "
                                "corpus/tags (coordinate ascent on F1); the accuracy claimed is the "
                                "leave-one-letter-out figure of --cv.", **params.to_json()}
            (ROOT / "src" / "jtai_extract" / "models" / "tagging" / "params.json").write_text(
                json.dumps(data, indent=1) + "\n", encoding="utf-8")
            print("wrote models/tagging/params.json")
    totals = evaluate(every, comp, params)
    # the fast evaluator must agree with the tagger's own decisions
    slow = counts(every, [decided(f.analysis, params) for f in every])
    assert slow == totals, "fast evaluator disagrees with decide()"
    print(f"letters: {len(letters)}  findings: {len(every)}  unpaired: {sum(f.analysis is None for f in every)}")
    print_totals("all letters, " + ("numbers fitted on them" if args.fit else "shipped numbers") + ":",
                 totals, args.per_label)
    report["all"] = {k: f1_of(totals[k]["*"]) for k in KINDS}
    report["all_labels"] = {label: [row[2], *f1_of(row)] for k in KINDS for label, row in totals[k].items()
                            if label != "*"}
    report["analysts"] = {k: analysts_agreement(every, k) for k in KINDS}
    if args.cv:
        pooled, per_letter = cross_validate(letters, neutral(), args.sweeps)
        interval = {k: bootstrap(per_letter, k) for k in KINDS}
        print_totals("leave-one-letter-out (held-out letters, pooled):", pooled, args.per_label, interval)
        report["cv"] = {k: [*f1_of(pooled[k]["*"]), *interval[k]] for k in KINDS}
        report["cv_labels"] = {label: [row[2], *f1_of(row)] for k in KINDS for label, row in pooled[k].items()
                               if label != "*"}
    if args.show:
        show(letters, params, args.show, args.label)
    if args.check:
        check(corpus)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
