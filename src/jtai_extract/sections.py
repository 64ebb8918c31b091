"""Stage 3: blocks to sections.

Headings are classified by ``models/sections.tsv``. Inside a list, a heading of the section
already open (e.g. "Multi-agency strengths" under "Key strengths") is a sub-heading, and so is an
unknown bold line followed by an item printed the way the list prints its items (a bullet, a
numbered paragraph or a plain paragraph: ``list_style``); it is recorded on the following items
and does not end the list. Inside a case study, an unknown bold line right under the heading is
part of the study's body (a study's own title).

A drawn frame is a container: a section whose heading is printed inside a frame ends where the
frame ends, and the section that was open before it resumes (a boxed study between paragraphs
of the main findings).
"""

from __future__ import annotations

import re
from functools import cache

from .document import Block, Section
from .layout import NUMBERED_RE, crosses_frame
from .resources import model_rows

LIST_KINDS = ("strengths", "areas_for_improvement", "priority_actions")
NARRATIVE_KINDS = ("summary", "context", "headline_findings", "main_findings", "next_steps", "other")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(pattern, re.I)) for kind, pattern, *_ in model_rows("sections.tsv", 2))


SPACES_RE = re.compile(r"\s+")


def clean_heading(text: str) -> str:
    return SPACES_RE.sub(" ", text).strip().rstrip(":.").strip()


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


def item_style(block: Block) -> str | None:
    """How a block prints a list item: "bullet", "numbered" or "plain" (a heading is none)."""
    if block.kind == "bullet":
        return "bullet"
    if block.kind == "paragraph":
        return "numbered" if NUMBERED_RE.match(block.text) else "plain"
    return None


def list_style(blocks: list[Block], start: int) -> str:
    """How the list whose heading is ``blocks[start]`` prints its items: "bullet" when any of its
    blocks (up to the next known heading) is a bullet, else the style of its first item."""
    first: str | None = None
    for block in blocks[start + 1:]:
        if block.kind == "heading" and classify_heading(block.text) is not None:
            break
        style = item_style(block)
        if style == "bullet":
            return "bullet"
        first = first or style
    return first or "bullet"


def is_list_subheading(nxt: Block | None, style: str | None) -> bool:
    """An unknown heading inside a list is a sub-heading when the next block is an item printed
    in the list's own style; otherwise it ends the list."""
    return nxt is not None and style is not None and item_style(nxt) == style


def build_sections(blocks: list[Block]) -> list[Section]:
    sections = [Section(kind="summary", heading=None)]
    outer: Section | None = None  # the section a framed one interrupts
    for i, block in enumerate(blocks):
        current = sections[-1]
        if (current.frame is not None and outer is not None and current.blocks and i > 0
                and crosses_frame(blocks[i - 1].lines[-1], block.lines[0])
                and not (block.kind == "heading" and classify_heading(block.text))):
            # the framed section ends with its frame: the one before it resumes
            sections.append(Section(kind=outer.kind, heading=outer.heading, style=outer.style))
            current, outer = sections[-1], None
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
            framed = block.frame if block.lines else None
            if framed is not None and current.frame is None:
                outer = current
            sections.append(Section(kind=kind, heading=clean_heading(block.text), frame=framed,
                                    style=list_style(blocks, i) if kind in LIST_KINDS else None))
        elif kind is not None or (current.kind in LIST_KINDS and is_list_subheading(nxt, current.style)):
            current.blocks.append(block)  # a sub-heading inside a list
        elif current.kind == "case_study" and not current.blocks:
            # a study's own bold title right under its heading is part of its body
            current.blocks.append(Block("paragraph", block.text, list(block.pages), lines=block.lines))
        elif current.kind in NARRATIVE_KINDS and current.kind != "summary":
            current.blocks.append(block)  # a sub-heading inside narrative
        else:
            sections.append(Section(kind="other", heading=clean_heading(block.text)))
    return [s for s in sections if s.blocks or s.kind != "summary"]
