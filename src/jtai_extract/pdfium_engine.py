"""The pdfium reading engine (``--engine pdfium``): PDFium, through pypdfium2, delivers the same
text, boxes, sizes and boldness as pdfplumber, many times faster. It delivers words rather than
single characters (``lines.py`` takes either): asking PDFium about every character through
ctypes would cost more than all the rest of the extraction."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Iterator

from .errors import ExtractError
from .lines import RawChar

BOLD_WEIGHT = 600
SOFT_HYPHENS = "\ufffe\x02"  # how pdfium marks a hyphen at a line end
# a word ends at white space or after pdfium's line-end hyphen mark (it joins the two halves)
WORD_RE = re.compile(r"[^\s\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]")


class _TextPage:
    """One page's text with the few per-character questions the engine asks PDFium."""

    def __init__(self, raw, textpage, height: float, bold_font: Callable[[str], bool]) -> None:
        self.raw = raw
        self.tp = textpage.raw
        self.height = height
        self.bold_font = bold_font
        self.count = raw.FPDFText_CountChars(self.tp)
        self.text = textpage.get_text_range(0, self.count) if self.count > 0 else ""
        self.rect = raw.FS_RECTF()
        self.matrix = raw.FS_MATRIX()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.styles: dict[int, tuple[float, bool]] = {}  # text object -> (size, bold)

    def box(self, i: int) -> tuple[float, float, float, float]:
        """x0, x1, top, bottom of character i (top-left origin, as pdfplumber)."""
        self.raw.FPDFText_GetLooseCharBox(self.tp, i, self.rect)
        r = self.rect
        return r.left, r.right, self.height - r.top, self.height - r.bottom

    def style(self, i: int) -> tuple[float, bool]:
        """Effective size and boldness of character i; asked once per text object."""
        key = ctypes.cast(self.raw.FPDFText_GetTextObject(self.tp, i), ctypes.c_void_p).value or 0
        found = self.styles.get(key)
        if found is None:
            found = self.styles[key] = self._style(i)
        return found

    def _style(self, i: int) -> tuple[float, bool]:
        # nominal size times the text matrix's vertical scale, as pdfplumber reports it (some
        # PDFs set 1pt text in a scaled matrix)
        raw, m = self.raw, self.matrix
        raw.FPDFText_GetMatrix(self.tp, i, m)
        size = raw.FPDFText_GetFontSize(self.tp, i) * (m.c * m.c + m.d * m.d) ** 0.5
        weight = raw.FPDFText_GetFontWeight(self.tp, i)
        if weight > 0:
            return size, weight >= BOLD_WEIGHT
        n = raw.FPDFText_GetFontInfo(self.tp, i, self.name, len(self.name), ctypes.byref(self.flags))
        return size, self.bold_font(self.name.raw[: max(n - 1, 0)].decode("latin-1"))

    def words(self) -> list[RawChar]:
        """Each word as one RawChar; a trailing raised footnote number as its own; a space the
        PDF itself prints after a word as " " (pdfium's generated spaces are left to the gap
        rule of lines.py, as for PDFs without space characters)."""
        out: list[RawChar] = []
        text, count = self.text, min(self.count, len(self.text))
        for m in WORD_RE.finditer(text[:count]):
            start, end = m.span()
            word = m.group().replace("\ufffe", "-").replace("\x02", "-")
            size, bold = self.style(start)
            x0, _, top, bottom = self.box(start)
            if text[end - 1] in SOFT_HYPHENS and end - start > 1:  # a generated hyphen has no box
                x1 = self.box(end - 2)[1] + 0.3 * size
            else:
                x1 = self.box(end - 1)[1]
            digits = len(word) - len(word.rstrip("0123456789"))
            if 0 < digits < len(word) and self.style(end - 1)[0] < 0.85 * size:
                dsize, dbold = self.style(end - 1)
                dx0 = self.box(end - digits)[0]
                _, _, dtop, dbottom = self.box(end - 1)
                out.append((word[:-digits], x0, self.box(end - digits - 1)[1], top, bottom, size, bold))
                out.append((word[-digits:], dx0, x1, dtop, dbottom, dsize, dbold))
            else:
                out.append((word, x0, x1, top, bottom, size, bold))
            if end < count and text[end] == " " and self.raw.FPDFText_IsGenerated(self.tp, end) == 0:
                out.append((" ", x1, x1, top, bottom, size, bold))
        return out


def pdfium_pages(data: bytes, bold_font: Callable[[str], bool],
                 pdf_error: Callable[[Exception], ExtractError]) -> Iterator[tuple[float, float, list[RawChar]]]:
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
            words = _TextPage(raw, textpage, height, bold_font).words()
            textpage.close()
            page.close()
            yield width, height, words
    finally:
        pdf.close()
