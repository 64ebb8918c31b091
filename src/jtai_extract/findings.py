"""Stage 4b: sections to findings, case studies and narrative paragraphs.

One finding = one top-level bullet with its sub-bullets; a list with no bullet glyphs has one
finding per paragraph; a paragraph that follows a bullet in a bulleted list continues it (as
the letters print a bullet's second paragraph); "There are no areas for priority action" is not
a finding, and the letters' standing wording (``models/boilerplate.tsv``: "All references to
children in this letter relate to ...") is narrative wherever it is printed. Every paragraph
outside the lists is kept as narrative, so no text is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from .document import Block, Line, Section
from .layout import join_lines
from .resources import model_rows
from .sections import LIST_KINDS, clean_heading

NOTHING_RE = re.compile(r"^there\s+(are|is|were)\s+no\s+(areas?|priority|actions?|specific)\b", re.I)


@cache
def _boilerplate() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.I) for pattern, *_ in model_rows("boilerplate.tsv", 1))


def is_boilerplate(text: str) -> bool:
    """A paragraph of the letters' standing wording (``models/boilerplate.tsv``): narrative,
    never a finding, wherever it is printed."""
    return any(p.match(text) for p in _boilerplate())


@dataclass(slots=True)
class Item:
    """A finding, case study or narrative paragraph before tagging."""

    section: str  # strengths | areas_for_improvement | priority_actions | case_study | narrative kinds
    text: str
    pages: list[int]
    heading: str | None = None  # subheading (findings), heading (case studies, narrative)
    lines: list[Line] = field(default_factory=list)  # the printed lines it was read from (layout provenance)

    @classmethod
    def of(cls, section: str, block: Block, heading: str | None) -> Item:
        return cls(section, block.text, list(block.pages), heading=heading, lines=list(block.lines))

    def add(self, block: Block) -> None:
        self.text = join_lines([self.text, block.text])
        self.pages.extend(p for p in block.pages if p not in self.pages)
        self.lines.extend(block.lines)


@dataclass(slots=True)
class Content:
    lists: dict[str, list[Item]]
    case_studies: list[Item]
    narrative: list[Item]
    sections: list[Section] = field(default_factory=list)
    empty_lists: list[str] = field(default_factory=list)  # headings of list sections that gave no items


def case_study_kind(heading: str) -> Literal["effective_practice", "area_for_improvement"]:
    h = heading.lower()
    if "improvement" in h or "priority" in h or "concern" in h:
        return "area_for_improvement"
    return "effective_practice"


def collect(sections: list[Section]) -> Content:
    lists: dict[str, list[Item]] = {k: [] for k in LIST_KINDS}
    studies: list[Item] = []
    narrative: list[Item] = []
    empty: list[str] = []
    for section in sections:
        if section.kind in LIST_KINDS:
            if not _collect_list(section, lists[section.kind], narrative):
                empty.append(section.heading or section.kind)
        elif section.kind == "case_study":
            body = section.blocks
            if body:
                item = Item.of("case_study", body[0], section.heading)
                for block in body[1:]:
                    item.add(block)
                studies.append(item)
        else:
            heading = section.heading
            for block in section.blocks:
                if block.kind == "heading":
                    heading = clean_heading(block.text)
                    continue
                narrative.append(Item.of(section.kind, block, heading))
    return Content(lists=lists, case_studies=studies, narrative=narrative, sections=sections, empty_lists=empty)


def _collect_list(section: Section, items: list[Item], narrative: list[Item]) -> bool:
    """The items of one list section, added to ``items``; False when it gave none (and does not
    say there are none)."""
    bulleted = any(b.kind == "bullet" for b in section.blocks)
    subheading: str | None = None
    start = len(items)
    none_to_list = False
    for block in section.blocks:
        if block.kind == "heading":
            subheading = clean_heading(block.text)
            continue
        if NOTHING_RE.match(block.text):
            none_to_list = True
            continue
        if is_boilerplate(block.text):
            narrative.append(Item.of(section.kind, block, section.heading))
            continue
        if block.kind == "bullet" or not bulleted:
            items.append(Item.of(section.kind, block, subheading))
        elif len(items) > start:
            items[-1].add(block)
        else:  # an introduction before the first bullet
            narrative.append(Item.of(section.kind, block, section.heading))
    return len(items) > start or none_to_list
