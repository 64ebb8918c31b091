"""Stage 3: blocks to sections.

Headings are classified by ``models/sections.tsv``. A heading of the section already open (e.g.
"Multi-agency strengths" under "Key strengths") or an unknown bold line followed by bullets inside
a list is a sub-heading: it is recorded on the following items and does not end the list.
Inside a case study, unknown bold lines are part of the study's body (a study's own title).
"""

from __future__ import annotations

import re
from functools import cache

from .document import Block, Section
from .resources import model_rows

LIST_KINDS = ("strengths", "areas_for_improvement", "priority_actions")
NARRATIVE_KINDS = ("summary", "context", "headline_findings", "main_findings", "next_steps", "other")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(pattern, re.I)) for kind, pattern in model_rows("sections.tsv", 2))


def clean_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(":.").strip()


def classify_heading(text: str) -> str | None:
    """The section kind a heading line opens, or None for an unknown heading."""
    cleaned = clean_heading(text)
    for kind, pattern in _patterns():
        if pattern.fullmatch(cleaned):
            return kind
    return None


def split_run_in_heading(text: str) -> tuple[str, str] | None:
    """'Areas for priority action: There are none' -> (heading, rest) when the part before the
    colon is a known heading."""
    head, sep, rest = text.partition(":")
    if sep and rest.strip() and classify_heading(head) and not classify_heading(text):
        return head.strip(), rest.strip()
    return None


def build_sections(blocks: list[Block]) -> list[Section]:
    sections = [Section(kind="summary", heading=None)]
    for i, block in enumerate(blocks):
        current = sections[-1]
        if block.kind != "heading":
            current.blocks.append(block)
            continue
        run_in = split_run_in_heading(block.text)
        if run_in:
            head, rest = run_in
            sections.append(Section(kind=classify_heading(head) or "other", heading=head))
            sections[-1].blocks.append(Block("paragraph", rest, list(block.pages), lines=block.lines))
            continue
        kind = classify_heading(block.text)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if kind is not None and not (kind == current.kind and kind in LIST_KINDS):
            sections.append(Section(kind=kind, heading=clean_heading(block.text)))
        elif kind is not None or (current.kind in LIST_KINDS and nxt is not None and nxt.kind == "bullet"):
            current.blocks.append(block)  # a sub-heading inside a list
        elif current.kind == "case_study" and not current.blocks:
            # a study's own bold title right under its heading is part of its body
            current.blocks.append(Block("paragraph", block.text, list(block.pages), lines=block.lines))
        elif current.kind in NARRATIVE_KINDS and current.kind != "summary":
            current.blocks.append(block)  # a sub-heading inside narrative
        else:
            sections.append(Section(kind="other", heading=clean_heading(block.text)))
    return [s for s in sections if s.blocks or s.kind != "summary"]
