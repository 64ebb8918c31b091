"""Filters: which findings a run's outputs hold (``--section``, ``--agency``, ``--theme``, ``--grep``).

Filtering is done once, on each extracted letter's JSON, before any writer sees it, so every
output (JSON, JSONL, CSV, xlsx, SQLite, ``--out-dir``, the summary, ``--tag-counts``) holds the same
findings:

- a finding is every item of the five lists ``strengths``, ``areas_for_improvement``,
  ``priority_actions``, ``case_studies`` and ``narrative``;
- one option repeated means any of its values; different options must all hold
  (``--agency police --theme front_door``: findings about the police's work at the front door);
- ``--section`` names a list, or a narrative section (``headline_findings``, ``main_findings``,
  ``summary``, ``context``, ``next_steps``, ``other``), which keeps the narrative paragraphs of
  that section;
- ``--grep`` is a Python regular expression searched anywhere in a finding's text, ignoring case
  unless it holds a capital letter (smart case: ``MASH`` matches "MASH" only, ``thresholds``
  any case); curly quotes match straight ones (``children's`` finds "children’s");
- a letter with no finding left is dropped from every output (it was extracted: the summary's
  count says so); the letter's other fields (dates, addressees, deadlines...) are kept whole.

Tabular outputs (CSV, xlsx, tag counts) have one row per finding of the four finding lists, as
before; they add the narrative paragraphs when ``--section`` asks for the narrative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FINDING_LISTS = ("strengths", "areas_for_improvement", "priority_actions", "case_studies")
NARRATIVE = "narrative"
ALL_LISTS = (*FINDING_LISTS, NARRATIVE)
NARRATIVE_SECTIONS = ("summary", "context", "headline_findings", "main_findings", "next_steps", "other")
SECTION_CHOICES = (*ALL_LISTS, *NARRATIVE_SECTIONS)
# Typographic quotes in the letters matched by the straight ones a user types (same length: one
# character for one, so a match in the folded text is a match in the text).
QUOTE_FOLDING = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class FilterError(ValueError):
    """A filter option that cannot be used: ``option`` names it, the message says why."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Filters:
    """The filters of a run; the empty ``Filters()`` keeps everything."""

    sections: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    grep: re.Pattern[str] | None = None

    @property
    def active(self) -> bool:
        return bool(self.sections or self.agencies or self.themes or self.grep)

    def keeps(self, list_name: str, item: dict[str, Any]) -> bool:
        """Whether one finding of ``list_name`` passes every filter."""
        if self.sections and list_name not in self.sections and not (
                list_name == NARRATIVE and item.get("section") in self.sections):
            return False
        if self.agencies and self.agencies.isdisjoint(item.get("agencies") or ()):
            return False
        if self.themes and self.themes.isdisjoint(item.get("themes") or ()):
            return False
        return self.grep is None or self.grep.search(item["text"].translate(QUOTE_FOLDING)) is not None

    def apply(self, letter: dict[str, Any]) -> dict[str, Any] | None:
        """The letter with only the findings that pass (a new dict; the input is not changed), or
        None when filters are set and no finding passed. Without filters, the letter itself."""
        if not self.active:
            return letter
        kept = {name: [item for item in letter.get(name) or [] if self.keeps(name, item)] for name in ALL_LISTS}
        if not any(kept.values()):
            return None
        return {**letter, **kept}

    def table_lists(self) -> tuple[str, ...]:
        """The lists a one-row-per-finding output covers: the four finding lists (those ``--section``
        names, when it is given), and the narrative when ``--section`` names it or one of its sections."""
        if not self.sections:
            return FINDING_LISTS
        lists = [name for name in FINDING_LISTS if name in self.sections]
        if self.sections - set(FINDING_LISTS):
            lists.append(NARRATIVE)
        return tuple(lists)


def compile_grep(pattern: str) -> re.Pattern[str]:
    """``pattern`` as a regular expression, smart case, quotes folded; FilterError if invalid."""
    folded = pattern.translate(QUOTE_FOLDING)
    flags = 0 if any(ch.isupper() for ch in folded) else re.IGNORECASE
    try:
        return re.compile(folded, flags)
    except re.error as exc:
        raise FilterError("--grep", f"not a valid regular expression: {exc}") from None


def parse_filters(sections: Iterable[str] = (), agencies: Iterable[str] = (), themes: Iterable[str] = (),
                  grep: str | None = None, known: dict[str, set[str]] | None = None) -> Filters:
    """Filters from the command line's values, checked: a section must be one of
    ``SECTION_CHOICES``; a label one of ``known`` (kind -> slugs; the default lexicons' when None)."""
    known = known if known is not None else known_labels()
    for section in sections:
        if section not in SECTION_CHOICES:
            raise FilterError("--section", f"unknown section {section!r}: one of {', '.join(SECTION_CHOICES)}")
    for option, kind, values in (("--agency", "agency", agencies), ("--theme", "theme", themes)):
        for value in values:
            if value in known.get(kind, set()):
                continue
            other = next((k for k, slugs in known.items() if value in slugs), None)
            hint = f" ({value} is {'an' if other == 'agency' else 'a'} {other}: use --{other})" if other else ""
            raise FilterError(option, f"unknown {kind} {value!r}{hint}; the {kind} labels are "
                                      f"{', '.join(sorted(known.get(kind, set())))}")
    return Filters(frozenset(sections), frozenset(agencies), frozenset(themes),
                   compile_grep(grep) if grep is not None else None)


def known_labels(taxonomy: str | None = None) -> dict[str, set[str]]:
    """kind (agency, theme) -> the label slugs the lexicons (the default, or ``taxonomy``) define."""
    from pathlib import Path

    from .tagging import default_lexicon, read_lexicon

    entries = read_lexicon(Path(taxonomy)) if taxonomy else default_lexicon()
    known: dict[str, set[str]] = {}
    for entry in entries:
        if entry.weight > 0:
            known.setdefault(entry.kind, set()).add(entry.label)
    return known
