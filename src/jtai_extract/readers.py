"""Stage 1: bytes in, pages of characters out.

A reader turns an input into ``Document`` pages of ``Line`` objects. PDF engines only have to
deliver characters (text, box, size, boldness); ``lines.py`` groups them into lines, so every
engine shares the same layout code. Plain-text letters (pdftotext output) become lines with no
layout, pages split on form feeds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .document import Document, Line, Page
from .errors import ExtractError
from .lines import RawChar, chars_to_lines

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


def read(source: Source, engine: str = DEFAULT_ENGINE, timings: dict[str, float] | None = None) -> Document:
    """Read a PDF or text. ``timings``, if given, receives the seconds spent in the PDF engine
    ("read") and in grouping characters into lines ("lines")."""
    fmt = sniff_format(source.data)
    if fmt == "text":
        return read_text(source.data.decode("utf-8"))
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    pages_iter = iter(pdf_pages(source.data, engine))
    pages: list[Page] = []
    n_chars = 0
    spent = {"read": 0.0, "lines": 0.0}
    clock = time.perf_counter()
    for number, (width, height, chars) in enumerate(pages_iter, 1):
        now = time.perf_counter()
        spent["read"] += now - clock
        n_chars += len(chars)
        pages.append(Page(number, width, height, chars_to_lines(chars, number)))
        clock = time.perf_counter()
        spent["lines"] += clock - now
    if timings is not None:
        for key, value in spent.items():
            timings[key] = timings.get(key, 0.0) + value
    if not pages:
        raise ExtractError("unreadable", "the PDF has no pages")
    if n_chars < MIN_TEXT_CHARS:
        raise ExtractError("no_text_layer", "the PDF has no text layer (a scan?); run OCR first")
    return Document(pages=pages, format="pdf", engine=engine)


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


def pdf_pages(data: bytes, engine: str = DEFAULT_ENGINE) -> Iterator[tuple[float, float, list[RawChar]]]:
    """Each page's (width, height, characters) from the chosen engine."""
    return _pdfium_pages(data) if engine == "pdfium" else _pdfplumber_pages(data)


def _pdfplumber_pages(data: bytes) -> Iterator[tuple[float, float, list[RawChar]]]:
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
                width, height = float(page.width), float(page.height)
            except Exception as exc:
                raise _pdf_error(exc) from None
            finally:
                page.close()  # drop pdfplumber's per-page caches: memory stays flat
            yield width, height, chars
    finally:
        with contextlib.suppress(Exception):  # closing a broken file can fail the same way again
            pdf.close()


def _pdfium_pages(data: bytes) -> Iterator[tuple[float, float, list[RawChar]]]:
    from .pdfium_engine import pdfium_pages

    yield from pdfium_pages(data, _bold_font, _pdf_error)
