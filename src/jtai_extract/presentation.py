"""What the HTML outputs (``--report``, ``--view``) share: the Jinja2 templates (package data in
``templates/``), readable names of sections and labels, evidence words marked in a finding's
text, and links from an HTML file to the letter it came from.

Everything here is deterministic: the same letters give the same HTML, byte for byte.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from .names import STDIN

ITEM_LISTS = ("strengths", "areas_for_improvement", "priority_actions", "case_studies", "narrative")
SECTION_NAMES = {
    "strengths": "Strength",
    "areas_for_improvement": "Area for improvement",
    "priority_actions": "Priority action",
    "case_studies": "Case study",
    "narrative": "Narrative",
}
SECTION_PLURALS = {
    "strengths": "Strengths",
    "areas_for_improvement": "Areas for improvement",
    "priority_actions": "Priority actions",
    "case_studies": "Case studies",
    "narrative": "Narrative",
}
NARRATIVE_NAMES = {
    "summary": "Summary", "context": "Context", "headline_findings": "Headline findings",
    "main_findings": "Main findings", "next_steps": "Next steps", "other": "Other",
}
CASE_STUDY_KINDS = {"effective_practice": "effective practice", "area_for_improvement": "needs improvement"}


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a finding's text; ``labels`` are the tags whose evidence covers it (none: plain)."""

    text: str
    labels: tuple[str, ...] = ()


def highlight(text: str, evidence: list[dict[str, Any]]) -> list[Segment]:
    """The text cut where evidence starts or ends, each run with the labels whose evidence covers
    it (overlapping and nested evidence of several labels gives runs with several)."""
    spans = [(e["start"], e["end"], e["label"]) for e in evidence if 0 <= e["start"] < e["end"] <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Segment] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        labels = tuple(sorted({label for s, e, label in spans if s <= start and end <= e}))
        if out and out[-1].labels == labels:
            out[-1] = Segment(out[-1].text + text[start:end], labels)
        else:
            out.append(Segment(text[start:end], labels))
    return out


@cache
def label_names() -> dict[str, str]:
    """Readable name of every label (agency, theme and letter theme slugs)."""
    from .resources import labels

    return {label.slug: label.name for label in labels()}


@cache
def label_kinds() -> dict[str, str]:
    from .resources import labels

    return {label.slug: label.kind for label in labels()}


def unique_key(stem: str, used: set[str]) -> str:
    """An HTML id for a letter: its file stem, ``-2``, ``-3``... when two inputs share one."""
    key, n = stem, 1
    while key in used:
        n += 1
        key = f"{stem}-{n}"
    used.add(key)
    return key


def label_name(slug: str | None) -> str:
    if not slug:
        return ""
    return label_names().get(slug, slug.replace("_", " ").capitalize())


def source_href(source_path: str, html_file: Path, page: int | None = None) -> str | None:
    """A link from ``html_file`` to the letter read from ``source_path``: relative to the HTML
    file's folder (so the two can move together), ``#page=N`` for a PDF page. None for stdin."""
    if source_path == STDIN:
        return None
    target = Path(os.path.abspath(source_path))
    try:
        href = quote(PurePath(os.path.relpath(target, os.path.abspath(html_file.parent))).as_posix())
    except ValueError:  # another drive on Windows: no relative path exists
        href = target.as_uri()
    return f"{href}#page={page}" if page is not None else href


@cache
def environment() -> Any:
    """The Jinja2 environment over the package's templates (HTML escaped by default)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("jtai_extract", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["label"] = label_name
    env.globals.update(section_names=SECTION_NAMES, section_plurals=SECTION_PLURALS,
                       narrative_names=NARRATIVE_NAMES, case_study_kinds=CASE_STUDY_KINDS, asset=asset)
    return env


@cache
def asset(name: str) -> Any:
    """A stylesheet or script of ``templates/`` as markup to inline (they are ours: not escaped)."""
    from importlib import resources

    from markupsafe import Markup

    return Markup((resources.files("jtai_extract") / "templates" / name).read_text(encoding="utf-8"))


def render(template: str, **context: Any) -> str:
    html: str = environment().get_template(template).render(**context)
    return html
