"""Stage 1: bytes in, pages of characters out.

A reader turns an input into ``Document`` pages of ``Line`` objects. PDF engines only have to
deliver characters (text, box, size, boldness) and the boxes of the visible shapes drawn on each
page (rectangles, rules, curves: what frames a boxed study); ``lines.py`` groups the characters
into lines and the shapes into frames, so every engine shares the same layout code. Plain-text
letters (pdftotext output) become lines with no layout, pages split on form feeds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .document import Document, Line, Page, Rect
from .errors import ExtractError
from .lines import RawChar, assign_frames, body_size, chars_to_lines, frames_of, line_pitch
from .settings import DEFAULT, LayoutSettings

ENGINES = ("pdfium", "pdfplumber")
DEFAULT_ENGINE = "pdfium"  # PDFium: the same scores as pdfplumber, many times faster
MIN_TEXT_CHARS = 200  # fewer characters than this in a whole PDF: a scan with no text layer


@dataclass(slots=True)
class Source:
    """An input's bytes and identity, before any parsing."""

    path: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Source:
        p = Path(path)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise ExtractError("not_found", "no such file") from None
        except IsADirectoryError:
            raise ExtractError("unreadable", "is a directory") from None
        except PermissionError:
            raise ExtractError("unreadable", "permission denied") from None
        except OSError as exc:
            raise ExtractError("unreadable", exc.strerror or str(exc)) from None
        return cls(str(path), data)


def sniff_format(data: bytes) -> str:
    """'pdf' or 'text', told apart by content, never by file name."""
    if not data.strip():
        raise ExtractError("empty", "the input is empty")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractError("not_a_pdf", "neither a PDF nor UTF-8 text") from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise ExtractError("not_a_pdf", "neither a PDF nor plain text")
    return "text"


def read(source: Source, engine: str = DEFAULT_ENGINE, timings: dict[str, float] | None = None,
         settings: LayoutSettings = DEFAULT) -> Document:
    """Read a PDF or text. ``timings``, if given, receives the seconds spent in the PDF engine
    ("read") and in grouping characters into lines ("lines")."""
    fmt = sniff_format(source.data)
    if fmt == "text":
        return read_text(source.data.decode("utf-8"))
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    pages_iter = iter(pdf_pages(source.data, engine))
    raw: list[PageData] = []
    spent = {"read": 0.0, "lines": 0.0}
    clock = time.perf_counter()
    for page in pages_iter:
        raw.append(page)
    spent["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    doc = document_from_pages(raw, engine, settings)
    spent["lines"] = time.perf_counter() - clock
    if timings is not None:
        for key, value in spent.items():
            timings[key] = timings.get(key, 0.0) + value
    return doc


def document_from_pages(raw: list[PageData], engine: str, settings: LayoutSettings = DEFAULT) -> Document:
    """The document from an engine's pages: characters grouped into lines, shapes into frames
    (``scripts/eval.py`` reads each letter once and rebuilds it under other settings)."""
    pages: list[Page] = []
    n_chars = 0
    for number, (width, height, chars, graphics) in enumerate(raw, 1):
        n_chars += sum(len(c[0]) for c in chars)  # the pdfium engine delivers words
        pages.append(Page(number, width, height, chars_to_lines(chars, number, settings), graphics=graphics))
    if not pages:
        raise ExtractError("unreadable", "the PDF has no pages")
    if n_chars < MIN_TEXT_CHARS:
        raise ExtractError("no_text_layer", "the PDF has no text layer (a scan?); run OCR first")
    doc = Document(pages=pages, format="pdf", engine=engine)
    add_frames(doc, settings)
    return doc


def add_frames(doc: Document, settings: LayoutSettings = DEFAULT) -> None:
    """Join each page's drawn shapes into frames and record on each line the frame it is in."""
    size, pitch = body_size(doc), line_pitch(doc)
    first = 0
    for page in doc.pages:
        page.frames = frames_of(page.graphics, page.number, first, size, pitch, settings)
        first += len(page.frames)
        assign_frames(page.lines, page.frames, size, settings)


def read_text(text: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    pages = []
    for number, chunk in enumerate(text.split("\f"), 1):
        lines = [Line(text=" ".join(raw.split()), page=number) for raw in chunk.split("\n")]
        pages.append(Page(number, 0.0, 0.0, lines))
    # pdftotext ends with a form feed: drop the empty page after it.
    while len(pages) > 1 and not any(line.text for line in pages[-1].lines):
        pages.pop()
    if not any(line.text for page in pages for line in page.lines):
        raise ExtractError("empty", "the text has no content")
    return Document(pages=pages, format="text")


def _bold_font(name: str) -> bool:
    name = name.lower()
    return any(k in name for k in ("bold", "black", "heavy", "semibold", "demi"))


def _pdf_error(exc: Exception) -> ExtractError:
    # pdfplumber wraps pdfminer's errors: look at the whole chain of causes and arguments
    text = f"{type(exc).__name__} {exc!r}".lower()
    if "password" in text or "encrypt" in text:
        return ExtractError("encrypted", "the PDF is encrypted (password protected)")
    return ExtractError("unreadable", "the PDF is damaged or truncated and cannot be parsed")


PageData = tuple[float, float, list[RawChar], list[Rect]]  # width, height, characters, drawn shapes


def pdf_pages(data: bytes, engine: str = DEFAULT_ENGINE) -> Iterator[PageData]:
    """Each page's (width, height, characters, drawn shapes) from the chosen engine."""
    return _pdfium_pages(data) if engine == "pdfium" else _pdfplumber_pages(data)


def visible_colour(colour: object) -> bool:
    """Whether a pdfplumber colour (None: the default black; grey, RGB or CMYK components in
    0..1; a pattern name) would show on white paper."""
    if colour is None or isinstance(colour, str):
        return True
    items = list(colour) if isinstance(colour, (list, tuple)) else [colour]
    values = [float(v) for v in items if isinstance(v, (int, float))]
    if not values or len(values) != len(items):
        return True
    if len(values) == 4:  # CMYK: white is no ink
        return any(v > WHITE_INK for v in values)
    return any(v < 1 - WHITE_INK for v in values[:3])


WHITE_INK = 0.05  # colour components within this of white paper do not show (white-filled boxes)


def _pdfplumber_shapes(page: object) -> list[Rect]:
    shapes: list[Rect] = []
    for kind in ("rects", "lines", "curves"):
        for obj in getattr(page, kind):
            filled = obj.get("fill") and visible_colour(obj.get("non_stroking_color"))
            stroked = obj.get("stroke") and visible_colour(obj.get("stroking_color"))
            if filled or stroked:
                shapes.append((float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])))
    return shapes


def _pdfplumber_pages(data: bytes) -> Iterator[PageData]:
    import io

    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for broken files
        raise _pdf_error(exc) from None
    try:
        try:
            page_list = pdf.pages
        except Exception as exc:
            raise _pdf_error(exc) from None
        for page in page_list:
            try:
                chars = [
                    (c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"], _bold_font(c["fontname"]))
                    for c in page.chars
                    if c.get("upright", True)
                ]
                shapes = _pdfplumber_shapes(page)
                width, height = float(page.width), float(page.height)
            except Exception as exc:
                raise _pdf_error(exc) from None
            finally:
                page.close()  # drop pdfplumber's per-page caches: memory stays flat
            yield width, height, chars, shapes
    finally:
        with contextlib.suppress(Exception):  # closing a broken file can fail the same way again
            pdf.close()


def _pdfium_pages(data: bytes) -> Iterator[PageData]:
    from .pdfium_engine import pdfium_pages

    yield from pdfium_pages(data, _bold_font, _pdf_error)
