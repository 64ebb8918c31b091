"""The pdfium reading engine (``--engine pdfium``): PDFium, through pypdfium2, delivers the same
text, boxes, sizes and boldness as pdfplumber, many times faster. It delivers words rather than
single characters (``lines.py`` takes either): asking PDFium about every character through
ctypes would cost more than all the rest of the extraction. Drawn shapes come from the page's
path objects (inside form XObjects too), as pdfplumber's rects, lines and curves."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Iterator
from functools import cache
from operator import itemgetter
from typing import Any, cast

from .document import Rect
from .errors import ExtractError
from .lines import UNMAPPED_SYMBOL, RawChar, symbol_font

BOLD_WEIGHT = 600
SOFT_HYPHENS = "\ufffe\x02"  # how pdfium marks a hyphen at a line end
# a word ends at white space or after pdfium's line-end hyphen mark (it joins the two halves)
WORD_RE = re.compile(r"[^\s\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]")


_address = ctypes.c_void_p.from_buffer  # a pointer's address, a third of ctypes.cast's cost


def _bind(fn: Any, restype: Any, *argtypes: Any) -> Any:
    """A PDFium function again, with its own argument and result types (the same symbol)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(_address(fn).value or 0)  # never null: a loaded symbol


def _bind_untyped(fn: Any, restype: Any) -> Any:
    """A PDFium function again with its result type only: no converter runs on its arguments,
    which ctypes passes as they are (a ctypes pointer object as the pointer, a Python int as a C
    int). Half the cost of a typed call; callers pass pointers only as ``c_void_p`` objects."""
    return ctypes.CFUNCTYPE(restype)(_address(fn).value or 0)  # never null: a loaded symbol


def _floats(buffer: Any) -> Callable[[], list[float]]:
    """A reader of a ctypes structure or array of floats, giving the same float32 values as its
    fields as a list: a float memoryview's tolist() costs a tenth of unpacking a ctypes array."""
    floats = memoryview(buffer).cast("B").cast("f")
    return cast("Callable[[], list[float]]", floats.tolist)  # (typeshed types tolist() as ints)


@cache
def _fast(raw: Any) -> tuple[Any, Any, Any]:
    """FPDFText_GetLooseCharBox, FPDFText_GetTextObject and FPDFText_IsGenerated, asked for every
    word, bound untyped (``_bind_untyped``): pypdfium2's typed bindings (a pointer object in, one
    out) cost more than PDFium's own work."""
    return (_bind_untyped(raw.FPDFText_GetLooseCharBox, ctypes.c_int),
            _bind_untyped(raw.FPDFText_GetTextObject, ctypes.c_void_p),
            _bind_untyped(raw.FPDFText_IsGenerated, ctypes.c_int))


@cache
def _style_calls(raw: Any) -> tuple[Any, Any, Any, Any]:
    """FPDFText_GetMatrix, FPDFText_GetFontSize, FPDFText_GetFontWeight and
    FPDFText_HasUnicodeMapError, bound untyped as ``_fast``: asked once per text object, and a
    letter may draw every line or word as an object of its own."""
    return (_bind_untyped(raw.FPDFText_GetMatrix, ctypes.c_int),
            _bind_untyped(raw.FPDFText_GetFontSize, ctypes.c_double),
            _bind_untyped(raw.FPDFText_GetFontWeight, ctypes.c_int),
            _bind_untyped(raw.FPDFText_HasUnicodeMapError, ctypes.c_int))


class _TextPage:
    """One page's text with the few per-character questions the engine asks PDFium."""

    def __init__(self, raw, textpage, height: float, bold_font: Callable[[str], bool]) -> None:
        self.raw = raw
        self.tp = textpage.raw
        # the text page as the untyped bindings take it (a c_void_p object, never a bare int)
        self.address = ctypes.c_void_p(_address(self.tp).value or 0)
        self.char_box, self.text_object, self.is_generated = _fast(raw)
        self.height = height
        self.bold_font = bold_font
        self.count = raw.FPDFText_CountChars(self.tp)
        self.text = textpage.get_text_range(0, self.count) if self.count > 0 else ""
        self.rect = raw.FS_RECTF()
        self.rect_address = ctypes.c_void_p(ctypes.addressof(self.rect))
        self.rect_values = _floats(self.rect)  # the box's left, top, right, bottom in one go
        self.matrix = raw.FS_MATRIX()
        self.matrix_address = ctypes.c_void_p(ctypes.addressof(self.matrix))
        self.get_matrix, self.font_size, self.font_weight, self.map_error = _style_calls(raw)
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.styles: dict[int, tuple[float, bool, bool]] = {}  # text object -> (size, bold, unmapped)
        self.unmapped = 0  # glyphs with no Unicode mapping (a font without /ToUnicode)

    def box(self, i: int) -> tuple[float, float, float, float]:
        """x0, x1, top, bottom of character i (top-left origin, as pdfplumber)."""
        self.char_box(self.address, i, self.rect_address)
        left, top, right, bottom = self.rect_values()
        return left, right, self.height - top, self.height - bottom

    def style(self, i: int) -> tuple[float, bool]:
        """Effective size and boldness of character i; asked once per text object."""
        found = self._styled(i)
        return found[0], found[1]

    def _object(self, i: int) -> int:
        """The text object character i was drawn by (0: none, PDFium generated the character)."""
        return self.text_object(self.address, i) or 0

    def _styled(self, i: int, key: int | None = None) -> tuple[float, bool, bool]:
        key = self._object(i) if key is None else key
        found = self.styles.get(key)
        if found is None:
            found = self.styles[key] = self._style(i)
        return found

    def _font_name(self, i: int) -> str:
        n = self.raw.FPDFText_GetFontInfo(self.tp, i, self.name, len(self.name), ctypes.byref(self.flags))
        return self.name.raw[: max(n - 1, 0)].decode("latin-1")

    def _style(self, i: int) -> tuple[float, bool, bool]:
        # nominal size times the text matrix's vertical scale, as pdfplumber reports it (some
        # PDFs set 1pt text in a scaled matrix); and whether the text object's first glyph has
        # no Unicode mapping
        m, page = self.matrix, self.address
        self.get_matrix(page, i, self.matrix_address)
        size = self.font_size(page, i) * (m.c * m.c + m.d * m.d) ** 0.5
        weight = self.font_weight(page, i)
        unmapped = self.map_error(page, i) == 1
        if weight > 0:
            return size, weight >= BOLD_WEIGHT, unmapped
        return size, self.bold_font(self._font_name(i)), unmapped

    def _mapped(self, word: str, start: int) -> str:
        """A word whose text object has unmapped glyphs: each such glyph of a symbol font
        becomes UNMAPPED_SYMBOL (one of a text font keeps the character PDFium guessed), and
        the characters PDFium made up next to them (no glyph drawn) are left out."""
        out = list(word)
        for k in range(len(word)):
            if self.raw.FPDFText_HasUnicodeMapError(self.tp, start + k) == 1:
                self.unmapped += 1
                if symbol_font(self._font_name(start + k)):
                    out[k] = UNMAPPED_SYMBOL
            elif not self._object(start + k):
                out[k] = ""
        return "".join(out)

    def words(self) -> list[RawChar]:
        """Each word as one RawChar; a trailing raised footnote number as its own; a space the
        PDF itself prints after a word ends the word's text (pdfium's generated spaces are left
        to the gap rule of lines.py, as for PDFs without space characters). Carried on the word,
        the space stays where it belongs even when the boxes of slanted words overlap."""
        out: list[RawChar] = []
        text, count = self.text, min(self.count, len(self.text))
        # the calls asked for every word, bound once (a word costs a few PDFium calls: the
        # Python around them is most of the engine's time)
        char_box, text_object, page, rect, values = (self.char_box, self.text_object, self.address,
                                                     self.rect_address, self.rect_values)
        height, styles, styled, box = self.height, self.styles, self._styled, self.box
        is_generated = self.is_generated
        for m in WORD_RE.finditer(text, 0, count):
            start, end = m.span()
            word = m.group()
            if "\ufffe" in word or "\x02" in word:
                word = word.replace("\ufffe", "-").replace("\x02", "-")
            first, key = start, text_object(page, start)
            if not key and text[start] not in SOFT_HYPHENS:
                # characters PDFium made up, no glyph drawn (a font without a Unicode mapping):
                # the word is placed at its first drawn glyph; nothing drawn, no word
                first = next((k for k in range(start, end) if text_object(page, k)), end)
                if first == end:
                    continue
                key = text_object(page, first)
            found = styles.get(key or 0)
            size, bold, unmapped = found if found is not None else styled(first, key or 0)
            if unmapped:
                word = self._mapped(word, start)
                if not word:
                    continue
            # a space the PDF prints after the word (not one PDFium generated) ends its text
            space = " " if end < count and text[end] == " " and is_generated(page, end) == 0 else ""
            char_box(page, first, rect)
            x0, top_up, _, bottom_up = values()
            top, bottom = height - top_up, height - bottom_up
            if text[end - 1] in SOFT_HYPHENS and end - start > 1:  # a generated hyphen has no box
                char_box(page, end - 2, rect)
                x1 = values()[2] + 0.3 * size
            else:
                char_box(page, end - 1, rect)
                x1 = values()[2]
            last = word[-1]
            if "0" <= last <= "9":
                digits = len(word) - len(word.rstrip("0123456789"))
                if digits < len(word) and self.style(end - 1)[0] < 0.85 * size:
                    dsize, dbold = self.style(end - 1)
                    dx0 = box(end - digits)[0]
                    _, _, dtop, dbottom = box(end - 1)
                    out.append((word[:-digits], x0, box(end - digits - 1)[1], top, bottom, size, bold))
                    out.append((word[-digits:] + space, dx0, x1, dtop, dbottom, dsize, dbold))
                    continue
            out.append((word + space, x0, x1, top, bottom, size, bold))
        return out


WHITE = 242  # colour components (0..255) this near white do not show on paper (white-filled boxes)
FORM_DEPTH = 4  # form XObjects nest; deeper than this is not a letter's layout


def _visible(raw: Any, obj: Any) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return False
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    for used, get in ((fill.value != 0, raw.FPDFPageObj_GetFillColor),
                      (bool(stroke.value), raw.FPDFPageObj_GetStrokeColor)):
        if used and get(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)) \
                and a.value > 0 and min(r.value, g.value, b.value) < WHITE:
            return True
    return False


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class _Pointer(ctypes.c_void_p):
    """A pointer result kept as a ctypes object (ctypes turns a plain ``c_void_p`` result into
    an int, which an untyped call would pass as a C int): passed on to the next call as it is."""


@cache
def _object_calls(raw: Any) -> tuple[Any, Any, Any, Any]:
    """FPDFPage_GetObject, FPDFFormObj_GetObject, FPDFPageObj_GetType and FPDFPageObj_GetBounds,
    asked for every object of every page: untyped as ``_fast``, but for FPDFFormObj_GetObject,
    whose index is an unsigned long (not the C int an untyped call passes)."""
    void = ctypes.c_void_p
    return (_bind_untyped(raw.FPDFPage_GetObject, _Pointer),
            _bind(raw.FPDFFormObj_GetObject, _Pointer, void, ctypes.c_ulong),
            _bind_untyped(raw.FPDFPageObj_GetType, ctypes.c_int),
            _bind_untyped(raw.FPDFPageObj_GetBounds, ctypes.c_int))


def _objects(raw: Any, container: Any, height: float, matrix: tuple[float, ...] = IDENTITY,
             depth: int = 0, form: bool = False) -> tuple[list[Rect], list[Rect]]:
    """The boxes of the visible path objects and of the text objects, in page space (top-left
    origin), inside form XObjects too."""
    count = raw.FPDFFormObj_CountObjects(container) if form else raw.FPDFPage_CountObjects(container)
    page_object, form_object, get_type, get_bounds = _object_calls(raw)
    get_object = form_object if form else page_object
    where: Any = _address(container).value
    if not form:
        where = ctypes.c_void_p(where)  # as the untyped FPDFPage_GetObject takes it
    text_kind, path_kind, form_kind = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    shapes: list[Rect] = []
    texts: list[Rect] = []
    bounds = (ctypes.c_float * 4)()  # left, bottom, right, top
    at = ctypes.addressof(bounds)
    step = ctypes.sizeof(ctypes.c_float)
    refs = tuple(ctypes.c_void_p(at + k * step) for k in range(4))
    read_bounds = _floats(bounds)
    identity = matrix == IDENTITY

    def typed(obj: _Pointer) -> Any:  # the object as pypdfium2's typed calls take it
        return ctypes.cast(obj, raw.FPDF_PAGEOBJECT)

    for i in range(max(count, 0)):
        obj = get_object(where, i)
        if not obj:
            continue
        kind = get_type(obj)
        if (kind == text_kind or kind == path_kind and _visible(raw, typed(obj))) and get_bounds(obj, *refs):
            left, bottom, right, top = read_bounds()
            if identity:
                box = (left, height - top, right, height - bottom)
            else:
                xs, ys = zip(*(_apply(matrix, x, y) for x in (left, right)
                               for y in (bottom, top)), strict=True)
                box = (min(xs), height - max(ys), max(xs), height - min(ys))
            (texts if kind == text_kind else shapes).append(box)
        elif kind == form_kind and depth < FORM_DEPTH:
            m = raw.FS_MATRIX()
            form_obj = typed(obj)
            raw.FPDFPageObj_GetMatrix(form_obj, ctypes.byref(m))
            inner = (m.a, m.b, m.c, m.d, m.e, m.f)
            more_shapes, more_texts = _objects(raw, form_obj, height, _compose(inner, matrix), depth + 1, form=True)
            shapes.extend(more_shapes)
            texts.extend(more_texts)
    return shapes, texts


DUPLICATE_DISTANCE = 0.15  # as LayoutSettings.duplicate_distance: of the text's height
FAKE_BOLD_OFFSET = 0.02
DUPLICATE_LOOKAHEAD = 4
_TOP_LEFT = itemgetter(1, 0)


def fake_bold_regions(texts: list[Rect]) -> list[Rect]:
    """Where a text object is drawn again a hair away (fake bold). PDFium keeps one copy of such
    a pair in its text, so the duplicate is found among the page's text objects instead."""
    ordered = sorted(texts, key=_TOP_LEFT)
    out: list[Rect] = []
    for i, a in enumerate(ordered):
        size = a[3] - a[1]
        limit = DUPLICATE_DISTANCE * size
        for b in ordered[i + 1:i + 1 + DUPLICATE_LOOKAHEAD]:
            dy = b[1] - a[1]  # sorted by top: never negative, and growing
            if dy > limit:
                break  # this one and every later one lies too far below
            dx = abs(b[0] - a[0])
            if dx > limit:
                continue  # most pairs: the next word of the line
            shift = max(dx, dy)
            same_size = abs((b[2] - b[0]) - (a[2] - a[0])) <= DUPLICATE_DISTANCE * size \
                and abs((b[3] - b[1]) - size) <= DUPLICATE_DISTANCE * size
            if same_size and FAKE_BOLD_OFFSET * size < shift <= DUPLICATE_DISTANCE * size:
                out.append((min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])))
    return out


def _embolden(words: list[RawChar], regions: list[Rect]) -> list[RawChar]:
    if not regions:
        return words
    out = []
    for w in words:
        cx, cy = (w[1] + w[2]) / 2, (w[3] + w[4]) / 2
        if not w[6] and any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in regions):
            w = (*w[:6], True)
        out.append(w)
    return out


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix that applies ``inner`` first, then ``outer``."""
    a, b, c, d, e, f = inner
    x = _apply(outer, e, f)
    return (outer[0] * a + outer[2] * b, outer[1] * a + outer[3] * b,
            outer[0] * c + outer[2] * d, outer[1] * c + outer[3] * d, x[0], x[1])


def pdfium_pages(data: bytes, bold_font: Callable[[str], bool],
                 pdf_error: Callable[[Exception], ExtractError]
                 ) -> Iterator[tuple[float, float, list[RawChar], list[Rect], int]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError says "Incorrect password" for encrypted files
        raise pdf_error(exc) from None
    try:
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                if page.get_rotation():
                    page.set_rotation(0)  # read the page as drawn, before /Rotate turns it for display
                textpage = page.get_textpage()
            except Exception as exc:
                raise pdf_error(exc) from None
            width, height = page.get_size()
            shapes, texts = _objects(raw, page.raw, height)
            text = _TextPage(raw, textpage, height, bold_font)
            words = _embolden(text.words(), fake_bold_regions(texts))
            textpage.close()
            page.close()
            yield width, height, words, shapes, text.unmapped
    finally:
        pdf.close()
