"""Stage 1: bytes in, pages of characters out.

A reader turns an input into ``Document`` pages of ``Line`` objects. PDF engines only have to
deliver characters (text, box, size, boldness) and the boxes of the visible shapes drawn on each
page (rectangles, rules, curves: what frames a boxed study); ``lines.py`` groups the characters
into lines and the shapes into frames, so every engine shares the same layout code. Plain-text
letters (pdftotext output) become lines with no layout, pages split on form feeds.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .document import Document, Line, Page, Rect
from .errors import ExtractError
from .limits import DEFAULT_LIMITS, Limits, check_pdf_content, too_large_input
from .lines import (
    CID_RE,
    UNMAPPED_SYMBOL,
    RawChar,
    assign_frames,
    body_size,
    chars_to_lines,
    frames_of,
    line_pitch,
    symbol_font,
)
from .settings import DEFAULT, LayoutSettings

ENGINES = ("pdfium", "pdfplumber")
DEFAULT_ENGINE = "pdfium"  # PDFium: the same scores as pdfplumber, many times faster
_TEXT = itemgetter(0)  # a RawChar's text
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
    def from_path(cls, path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_LIMITS.max_input_bytes) -> Source:
        return cls(str(path), read_file(path, max_bytes))


_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                (stat.S_ISSOCK, "a socket"))


def read_file(path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_LIMITS.max_input_bytes) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` (past it: ``too_large``). A named pipe
    or a device (also through a symlink) is refused: it could block or never end. The file is
    opened without blocking and checked on the open descriptor, so nothing can swap it between
    the check and the read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ExtractError("not_found", "no such file") from None
    except IsADirectoryError:
        raise ExtractError("unreadable", "is a directory") from None
    except PermissionError:
        raise ExtractError("unreadable", "permission denied") from None
    except OSError as exc:  # a socket (ENXIO), a name too long...
        raise ExtractError("unreadable", exc.strerror or str(exc)) from None
    with open(fd, "rb", buffering=0, closefd=True) as fh:
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise ExtractError("unreadable", "is a directory")
            kind = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), None)
            if kind is not None or not stat.S_ISREG(info.st_mode):
                raise ExtractError("unreadable", f"{kind or 'a special file'}, not a regular file: "
                                                 "only regular files are read")
            if max_bytes is not None and info.st_size > max_bytes:
                raise too_large_input(info.st_size, max_bytes)
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)  # the file may grow meanwhile
        except OSError as exc:
            raise ExtractError("unreadable", exc.strerror or str(exc)) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large_input(None, max_bytes)  # it grew since fstat
    return data or b""


TEXT_SNIFF_BYTES = 4096  # enough of the start of an input to tell text from binary
MAX_SNIFF_CONTROLS = 8  # more control characters than this in the first 4 KB: not text
PDF_HEADER_WINDOW = 1024  # PDF readers accept junk before %PDF- within the first kilobyte


def sniff_format(data: bytes) -> str:
    """'pdf' or 'text', told apart by content, never by file name."""
    if not data or data[:TEXT_SNIFF_BYTES].isspace() and data.isspace():
        raise ExtractError("empty", "the input is empty")
    if _is_pdf(data):
        return "pdf"
    head, _ = decode_text(data[:TEXT_SNIFF_BYTES])
    controls = sum(1 for ch in head if (ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0) and ch not in "\n\r\t\f")
    if controls > MAX_SNIFF_CONTROLS:
        raise ExtractError("not_a_pdf", "neither a PDF nor plain text")
    return "text"


def _is_pdf(data: bytes) -> bool:
    """%PDF- at the start; or within the first KB after junk, when the bytes also hold PDF
    objects (a text letter may mention "%PDF-1.4" on its first lines)."""
    at = data.find(b"%PDF-", 0, PDF_HEADER_WINDOW)
    if at < 0:
        return False
    return not data[:at].strip() or b"endobj" in data or b"startxref" in data


# --- text encodings ----------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8", None), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
UTF16_NUL_SHARE = 0.3  # UTF-16 English text without a BOM: every other byte is NUL
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}  # bytes Windows-1252 leaves unassigned: read as Latin-1
_HIGH_BYTES = bytes(range(0x80, 0x100))
_bad_bytes = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as Windows-1252 (and counted)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    _bad_bytes.count = getattr(_bad_bytes, "count", 0) + len(bad)
    return "".join(bytes([b]).decode("latin-1" if b in _CP1252_UNDEFINED else "cp1252") for b in bad), exc.end


codecs.register_error("jtai-cp1252", _cp1252_fallback)


def decode_text(data: bytes) -> tuple[str, str | None]:
    """A text letter's characters and, when it was not plain UTF-8, a warning saying how it was
    read: a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without one, or UTF-8 whose stray
    bytes (or all of whose bytes) are Windows-1252, as Notepad and older Office write them."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(codec, errors="replace")
            return text, (f"the text is {name}, not UTF-8: decoded as {name}" if name else None)
    head = data[:TEXT_SNIFF_BYTES]
    for codec, nuls in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if len(head) >= 64 and nuls.count(0) > UTF16_NUL_SHARE * len(head) and head.count(0) < 0.75 * len(head):
            return data.decode(codec, errors="replace"), "the text is UTF-16 (no byte-order mark): decoded as UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    _bad_bytes.count = 0
    text = data.decode("utf-8", errors="jtai-cp1252")
    bad = _bad_bytes.count
    if bad >= len(data) - len(data.translate(None, _HIGH_BYTES)):  # no valid UTF-8 sequence at all
        return text, "the text is not UTF-8: decoded as Windows-1252"
    return text, f"the text is UTF-8 but for {bad} byte(s) that are not: those decoded as Windows-1252"


def read(source: Source, engine: str = DEFAULT_ENGINE, timings: dict[str, float] | None = None,
         settings: LayoutSettings = DEFAULT, limits: Limits | None = None) -> Document:
    """Read a PDF or text. ``timings``, if given, receives the seconds spent in the PDF engine
    ("read") and in grouping characters into lines ("lines"). A PDF whose streams expand past
    ``limits.max_content_mb`` is refused before any engine parses it; a PDF the chosen engine
    cannot parse is read with the other engine when that one can (and a warning says so)."""
    fmt = sniff_format(source.data)
    if fmt == "text":
        text, warning = decode_text(source.data)
        doc = read_text(text)
        if warning:
            doc.warnings.append(warning)
        return doc
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    check_pdf_content(source.data, (limits or DEFAULT_LIMITS).max_content_bytes)
    other = next(e for e in ENGINES if e != engine)
    try:
        doc = _read_pdf(source.data, engine, timings, settings)
        return _fewer_unmapped(doc, source.data, other, timings, settings) if doc.unmapped else doc
    except ExtractError as exc:
        if exc.code != "unreadable":
            raise
        first = exc
    # damage one engine repairs and the other does not (a wrong startxref, shifted offsets, no /MediaBox)
    with contextlib.suppress(ExtractError):
        doc = _read_pdf(source.data, other, timings, settings)
        doc.warnings.append(f"read with {other}: {engine} could not parse the file ({first.message})")
        return doc
    repaired = complete_truncated_end(source.data)
    if repaired is not None:
        for name in (engine, other):
            with contextlib.suppress(ExtractError):
                doc = _read_pdf(repaired, name, timings, settings)
                doc.warnings.append("the file is cut short after its last object (an interrupted copy?): "
                                    f"read by {name} with a trailer rebuilt from its catalog")
                return doc
    raise first


def _fewer_unmapped(doc: Document, data: bytes, other: str, timings: dict[str, float] | None,
                    settings: LayoutSettings) -> Document:
    """A letter with glyphs that have no Unicode mapping: the two engines guess differently
    (pdfminer decodes more embedded fonts, PDFium falls back to the glyph codes), so it is read
    with the other engine too, and the reading that left fewer glyphs unmapped is kept."""
    try:
        second = _read_pdf(data, other, timings, settings)
    except ExtractError:
        return doc
    if second.unmapped >= doc.unmapped:
        return doc
    second.warnings.append(f"read with {other}: {doc.engine} could not map {doc.unmapped} glyph(s) to text, "
                           f"{other} {second.unmapped}")
    return second


# an object's start ("12 0 obj") and a catalog object that is not in an object stream
_OBJ_START_RE = re.compile(rb"\d+\s+\d+\s+obj\b")
_CATALOG_RE = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<(?:(?!endobj).){0,2000}?/Type\s*/Catalog\b", re.S)


def complete_truncated_end(data: bytes) -> bytes | None:
    """A PDF cut short after its last object (inside the cross-reference table or trailer, as an
    interrupted copy leaves it) with a trailer naming its catalog appended, so that the engines'
    own repair (rebuilding the table by scanning) can read every object; None for any other file.
    Nothing of the letter is lost: the cut is past the last object."""
    if data.rstrip().endswith(b"%%EOF"):
        return None
    last = data.rfind(b"endobj")
    if last < 0 or _OBJ_START_RE.search(data, last) is not None:
        return None  # no object at all, or the cut is inside an object: content is missing
    catalogs = list(_CATALOG_RE.finditer(data))
    if not catalogs:
        return None
    number, generation = catalogs[-1].group(1), catalogs[-1].group(2)
    return data + b"\ntrailer\n<< /Root " + number + b" " + generation + b" R >>\nstartxref\n0\n%%EOF\n"


def _read_pdf(data: bytes, engine: str, timings: dict[str, float] | None,
              settings: LayoutSettings = DEFAULT) -> Document:
    pages_iter = iter(pdf_pages(data, engine))
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
    n_chars = unmapped = 0
    for number, (width, height, chars, graphics, no_unicode) in enumerate(raw, 1):
        n_chars += sum(map(len, map(_TEXT, chars)))  # the pdfium engine delivers words
        unmapped += no_unicode
        pages.append(Page(number, width, height, chars_to_lines(chars, number, settings), graphics=graphics))
    if not pages:
        raise ExtractError("unreadable", "the PDF has no pages")
    if n_chars < MIN_TEXT_CHARS:
        raise ExtractError("no_text_layer", "the PDF has no text layer (a scan?); run OCR first")
    doc = Document(pages=pages, format="pdf", engine=engine, unmapped=unmapped)
    if unmapped:
        doc.warnings.append(f"{unmapped} glyph(s) have no Unicode mapping in the PDF (a font without /ToUnicode): "
                            "some text may be wrong or missing; symbol glyphs opening a line are read as bullets")
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


# width, height, characters, drawn shapes, glyphs with no Unicode mapping
PageData = tuple[float, float, list[RawChar], list[Rect], int]


def pdf_pages(data: bytes, engine: str = DEFAULT_ENGINE) -> Iterator[PageData]:
    """Each page's (width, height, characters, drawn shapes, unmapped glyphs) from the chosen
    engine."""
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


def _pdfplumber_shapes(page: Any, found: dict[str, list[Any]]) -> list[Rect]:
    """The boxes of the visible rectangles, rules and curves, in pdfplumber's order (rects,
    lines, curves) and coordinates."""
    from pdfplumber.utils import resolve_all

    height, (mb_x0, mb_top) = page.height, page.mediabox[:2]
    shapes: list[Rect] = []
    for kind in ("rect", "line", "curve"):
        for obj in found.get(kind, ()):
            filled = obj.fill and visible_colour(resolve_all(obj.non_stroking_color))
            stroked = obj.stroke and visible_colour(resolve_all(obj.stroking_color))
            if filled or stroked:
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                shapes.append((float(x0), float(height - obj.y1 + mb_top), float(x1),
                               float(height - obj.y0 + mb_top)))
    return shapes


_KINDS: dict[type, str] = {}  # a pdfminer layout class -> pdfplumber's object_type ("LTRect" -> "rect")


def _pdfplumber_objects(page: Any) -> tuple[list[RawChar], dict[str, list[Any]], int]:
    """A page's upright characters, its drawn shapes by kind and how many glyphs have no
    Unicode mapping, with exactly the values of pdfplumber's ``page.chars`` and
    ``page.rects``/``lines``/``curves``, read straight from ``page.layout``: pdfplumber's own
    ``page.objects`` builds a dictionary of every attribute for every object, which costs more
    than a tenth of the reading and is not needed here. An unmapped glyph ("(cid:N)") of a
    symbol font is delivered as ``UNMAPPED_SYMBOL``; one of a text font is left out."""
    from unicodedata import normalize as normalize_unicode

    from pdfminer.layout import LTChar, LTContainer
    from pdfplumber.page import fix_fontname_bytes

    height, (mb_x0, mb_top) = page.height, page.mediabox[:2]
    norm = page.pdf.unicode_norm
    chars: list[RawChar] = []
    shapes: dict[str, list[Any]] = {}
    bold: dict[Any, bool] = {}
    unmapped = 0

    def walk(objs: list[Any]) -> None:
        nonlocal unmapped
        for obj in objs:
            if isinstance(obj, LTChar):
                if not obj.upright:
                    continue
                font = obj.fontname
                is_bold = bold.get(font)
                if is_bold is None:
                    name = fix_fontname_bytes(font) if isinstance(font, bytes) else font
                    is_bold = bold[font] = _bold_font(str(name))
                text = obj.get_text()
                if text[:5] == "(cid:" and CID_RE.fullmatch(text):
                    unmapped += 1
                    name = fix_fontname_bytes(font) if isinstance(font, bytes) else font
                    if not symbol_font(str(name)):
                        continue
                    text = UNMAPPED_SYMBOL
                elif norm is not None:
                    text = normalize_unicode(norm, text)
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                chars.append((text, x0, x1, height - obj.y1 + mb_top, height - obj.y0 + mb_top, obj.size, is_bold))
            elif isinstance(obj, LTContainer):
                walk(obj._objs)
            else:
                kind = _KINDS.get(type(obj))
                if kind is None:
                    kind = _KINDS[type(obj)] = re.sub(r"^LT", "", type(obj).__name__).lower()
                shapes.setdefault(kind, []).append(obj)

    walk(page.layout._objs)
    return chars, shapes, unmapped


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
                if page.rotation:
                    page = _unrotated(pdf, page)
                chars, found, unmapped = _pdfplumber_objects(page)
                shapes = _pdfplumber_shapes(page, found)
                width, height = float(page.width), float(page.height)
            except Exception as exc:
                raise _pdf_error(exc) from None
            finally:
                page.close()  # drop pdfplumber's per-page caches: memory stays flat
            yield width, height, chars, shapes, unmapped
    finally:
        with contextlib.suppress(Exception):  # closing a broken file can fail the same way again
            pdf.close()


def _unrotated(pdf: Any, page: Any) -> Any:
    """The page as drawn, before /Rotate turns it for display (as the pdfium engine reads it):
    upright text stays upright, instead of every character being dropped as sideways."""
    from pdfplumber.page import Page as PlumberPage

    page.close()
    page.page_obj.attrs["Rotate"] = 0
    page.page_obj.rotate = 0
    return PlumberPage(pdf, page.page_obj, page_number=page.page_number, initial_doctop=page.initial_doctop)


def _pdfium_pages(data: bytes) -> Iterator[PageData]:
    from .pdfium_engine import pdfium_pages

    yield from pdfium_pages(data, _bold_font, _pdf_error)
