"""``--view FILE``: a letter as the user saw it, to check its extraction in seconds.

Each page is rendered (``render.py``) and embedded in the HTML as a data: URI, with the box of
every finding, case study and narrative paragraph drawn over it, coloured by section and labelled
with the item's id; beside the page, the items printed on it with their tags and evidence. Hovering
an item lights its box and the other way round. Several letters give one section each.

Pages are PNG of a few colours: text pages compress to about 45 kB each at 96 dpi (``PAGE_DPI``,
``PAGE_COLOURS``). The page images are re-read from ``source.path``: a letter read from standard
input, changed since, or given as text is shown without pages, saying why.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .names import letter_stem
from .presentation import ITEM_LISTS, Segment, highlight, render, source_href, unique_key

PAGE_DPI = 96.0  # body text stays legible; a higher figure grows the file with its square
PAGE_COLOURS = 16  # colours per page image: black text, grey, the logos' colours survive
PNG_COMPRESSION = 6  # zlib level: 9 makes pages ~2 % smaller and 5x slower to write


@dataclass(slots=True)
class Box:
    item: str  # the item's key in this letter
    section: str
    id: str
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class ViewItem:
    key: str
    section: str
    part: str | None
    id: str
    heading: str | None
    segments: list[Segment]
    pages: list[int]
    agencies: list[str]
    themes: list[str]
    boxes: list[dict[str, Any]]


@dataclass(slots=True)
class ViewPage:
    number: int
    width: float
    height: float
    image: str  # data: URI
    boxes: list[Box] = field(default_factory=list)
    items: list[ViewItem] = field(default_factory=list)


@dataclass(slots=True)
class ViewLetter:
    key: str
    title: str
    area: str
    letter_date: str | None
    theme: str | None
    path: str
    href: str | None
    pages: list[ViewPage]
    unplaced: list[ViewItem]  # items with no box on a shown page (text input, or pages not shown)
    counts: dict[str, int]
    note: str | None = None


@dataclass
class View:
    target: Path
    letters: list[ViewLetter] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)

    def add(self, letter: dict[str, Any]) -> None:
        source = letter["source"]
        key = unique_key(letter_stem(source["path"]), self._keys)
        items = [_item(key, section, item) for section in ITEM_LISTS for item in letter.get(section) or []]
        pages, note = _pages(source)
        by_number = {page.number: page for page in pages}
        for item in items:
            for box in item.boxes:
                page = by_number.get(box["page"])
                if page is None:
                    continue
                page.boxes.append(Box(item.key, item.section, item.id, box["x0"], box["top"],
                                      box["x1"] - box["x0"], box["bottom"] - box["top"]))
                if all(i is not item for i in page.items):
                    page.items.append(item)
        for page in pages:
            page.items.sort(key=lambda i: min(b["top"] for b in i.boxes if b["page"] == page.number))
        placed = {id(i) for page in pages for i in page.items}
        self.letters.append(ViewLetter(
            key=key, title=letter.get("title") or letter_stem(source["path"]),
            area=letter.get("area") or letter_stem(source["path"]), letter_date=letter.get("letter_date"),
            theme=(letter.get("theme") or {}).get("label"), path=source["path"],
            href=source_href(source["path"], self.target), pages=pages,
            unplaced=[i for i in items if id(i) not in placed],
            counts={s: len(letter.get(s) or []) for s in ITEM_LISTS}, note=note))

    def add_failure(self, path: str, code: str, message: str) -> None:
        self.failures.append((path, code, message))

    def html(self) -> str:
        return render("view.html.j2", letters=self.letters, failures=self.failures, version=__version__)

    def save(self) -> None:
        from .batch import write_atomic

        write_atomic(self.target, self.html())


def _item(letter_key: str, section: str, item: dict[str, Any]) -> ViewItem:
    return ViewItem(key=f"{letter_key}-{item['id']}", section=section,
                    part=item.get("section") if section == "narrative" else item.get("kind"), id=item["id"],
                    heading=item.get("subheading") if "subheading" in item else item.get("heading"),
                    segments=highlight(item["text"], item.get("evidence") or []), pages=list(item["pages"]),
                    agencies=list(item.get("agencies") or []), themes=list(item.get("themes") or []),
                    boxes=list(item.get("boxes") or []))


def _pages(source: dict[str, Any]) -> tuple[list[ViewPage], str | None]:
    """The letter's pages as images, or none and the reason."""
    if source["format"] != "pdf":
        return [], "This letter was read from text: it has no pages to show, only its items."
    if source["path"] == "-":
        return [], "This letter was read from standard input: its pages cannot be read again to show them."
    try:
        data = Path(source["path"]).read_bytes()
    except OSError as exc:
        return [], f"The pages cannot be shown: {source['path']} cannot be read again ({exc.strerror or exc})."
    if hashlib.sha256(data).hexdigest() != source["sha256"]:
        return [], f"The pages are not shown: {source['path']} has changed since it was extracted."
    from .render import render_pages

    try:
        return [ViewPage(p.number, p.width, p.height, _png_uri(p.image)) for p in render_pages(data, PAGE_DPI)], None
    except Exception as exc:  # PDFium's errors have no common type; the items are still shown
        return [], f"The pages cannot be shown: PDFium could not render them ({exc})."


def _png_uri(image: Any) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    image.quantize(PAGE_COLOURS, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG",
                                                                          compress_level=PNG_COMPRESSION)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
