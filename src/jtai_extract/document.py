"""Plain data carried between the pipeline stages, with layout provenance on every piece."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    """One visual line (or one column segment of a line) of a page.

    Text documents have no layout: their lines carry ``x0 = 0`` and ``size``/``bold`` of ``None``.
    """

    text: str
    page: int  # 1-based
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float | None = None
    bold: bool | None = None
    footnote_markers: list[str] = field(default_factory=list)
    # wide word gaps (> 0.6 em) as (offset in text where the next word starts, its x): where a
    # line may be split into columns that run close together (the signature grid)
    gaps: list[tuple[int, float]] = field(default_factory=list)
    # the drawn frame the line is printed in (an index into the document's frames), if any
    frame: int | None = None

    @property
    def has_layout(self) -> bool:
        return self.size is not None


# (x0, top, x1, bottom) in PDF points from the page's top-left corner, as pdfplumber measures
Rect = tuple[float, float, float, float]


@dataclass(slots=True)
class Frame:
    """A drawn box around text (a rectangle, a table's borders, a shaded panel), numbered in the
    document's reading order."""

    id: int
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]
    # the visible drawn shapes (rectangles, lines, curves, paths) as boxes, from either engine
    graphics: list[Rect] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """What a reader produces: pages of lines, plus where they came from."""

    pages: list[Page]
    format: str  # "pdf" or "text"
    engine: str | None = None
    # what the reader had to do or was told (another engine read it, the text was not UTF-8,
    # the PDF library's own warnings): reported in the letter's ``warnings``
    warnings: list[str] = field(default_factory=list)
    unmapped: int = 0  # glyphs the PDF gives no Unicode for (a font without /ToUnicode)

    @property
    def has_layout(self) -> bool:
        return self.format == "pdf"


@dataclass(slots=True)
class Block:
    """A heading, a bullet item (with its sub-bullets) or a paragraph, furniture removed."""

    kind: str  # "heading" | "bullet" | "paragraph"
    text: str
    pages: list[int]
    level: int = 0  # bullets: 0 top level, 1 sub-bullet
    lines: list[Line] = field(default_factory=list)

    @property
    def frame(self) -> int | None:
        """The drawn frame the block starts in, if any."""
        return self.lines[0].frame if self.lines else None

    def add_page(self, page: int) -> None:
        if page not in self.pages:
            self.pages.append(page)


@dataclass(slots=True)
class Section:
    """A run of blocks under one heading. ``kind`` names what the section is (see models/sections.tsv)."""

    kind: str
    heading: str | None
    blocks: list[Block] = field(default_factory=list)
    frame: int | None = None  # the drawn frame the section's heading is printed in, if any
    style: str | None = None  # lists: how the items are printed ("bullet", "numbered" or "plain")
