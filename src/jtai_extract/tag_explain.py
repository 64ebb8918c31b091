"""``--explain``: why each finding got its tags, recomputed from the letter.

The tagger is deterministic, so the reasoning is rebuilt in the main process from the letter (its
texts, sub-headings, deep dive and addressees) rather than carried in the JSON: each evidence span
with its weight, role and contribution (and the lexicon row that matched), the spans that were
blocked, each label's score against its threshold, the rules that fired, and the near misses.

The command line's summary calls ``explain_letter`` once per letter and ``render`` per finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tagging import Analysis, Decision, LabelScore, Params, Tagger, decide, near_misses

__all__ = ["Explanation", "explain_letter", "explanation_lines", "render"]


@dataclass(slots=True)
class Explanation:
    """The reasoning behind one item's tags."""

    item_id: str
    analysis: Analysis
    decision: Decision
    params: Params


def explain_letter(letter: Any, taxonomy: str | None = None) -> dict[str, Explanation]:
    """Item id -> explanation, for a ``Letter`` or its JSON form, with the lexicons ``--taxonomy``
    gave (or the shipped ones)."""
    from .schema import Letter

    model = letter if isinstance(letter, Letter) else Letter.model_validate(letter)
    tagger = Tagger.load(taxonomy)
    items, analyses = tagger.analyse_letter(model)
    return {item.id: Explanation(item.id, a, decide(a, tagger.params), tagger.params)
            for item, a in zip(items, analyses, strict=True)}


def _where(source: str) -> str:
    """A lexicon row's source without its folder: "health.tsv:12 school nurse"."""
    path, _, rest = source.partition(" ")
    return f"{path.replace(chr(92), '/').rsplit('/', 1)[-1]} {rest}".strip()


def _label_lines(sc: LabelScore, verdict: str, weights: Params) -> list[str]:
    op = ">=" if sc.tagged else "<"
    rules = f" (rules: {', '.join(sc.rules)})" if sc.rules else ""
    lines = [f"{verdict} {sc.key}: {sc.score:.2f} {op} {sc.threshold:.2f}{rules}"]
    for p in sc.parts:
        m = p.mention
        where = ("first sentence, " if m.lead else "") + m.role
        row = _where(m.source)
        if p.counted:
            fitted = weights.weight_of(m)
            w = f"{fitted:g}" + (f" (fitted; lexicon {m.weight:g})" if fitted != m.weight else "")
            lines.append(f"    + \u201c{m.text}\u201d weight {w}, {where}: {p.contribution:.2f}  [{row}]")
        else:
            lines.append(f"    \u00b7 \u201c{m.text}\u201d nested in a stronger mention, counted once  [{row}]")
    return lines


def explanation_lines(ex: Explanation) -> list[str]:
    """The explanation as plain lines: tags, near misses, blocked spans, rules."""
    lines: list[str] = []
    d = ex.decision
    for sc in sorted((s for s in d.scores.values() if s.tagged), key=lambda s: s.key):
        lines += _label_lines(sc, "tag", ex.params)
    dropped = [s for s in d.scores.values() if not s.tagged and "partnership_as_body" in s.rules]
    for sc in dropped:
        lines.append(f"not {sc.key}: named as a member of the partnership (rule partnership_as_body)")
    for sc in near_misses(d):
        if sc not in dropped:
            lines += _label_lines(sc, "near miss", ex.params)
    for line in dict.fromkeys(f"blocked {b.mention.key}: \u201c{b.mention.text}\u201d by {_where(b.by)}"
                              for b in ex.analysis.blocked):
        lines.append(line)
    if d.rules:
        lines.append("rules fired: " + ", ".join(d.rules))
    if not lines:
        lines.append("no lexicon word matched")
    return lines


def render(ex: Explanation | None, console) -> None:
    """Print one item's explanation under it in the terminal summary."""
    from rich.markup import escape

    if ex is None:
        return
    for line in explanation_lines(ex):
        style = "dim" if line.startswith(("    ", "blocked", "rules")) else "italic"
        console.print(f"      [{style}]{escape(line)}[/]")
