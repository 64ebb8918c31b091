"""The pdfium reading engine (``--engine pdfium``): PDFium, through pypdfium2, delivers the same
characters, boxes, sizes and boldness as pdfplumber, about ten times faster."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator

from .errors import ExtractError
from .lines import RawChar

BOLD_WEIGHT = 600
SOFT_HYPHENS = "\ufffe\x02"


def pdfium_pages(data: bytes, bold_font: Callable[[str], bool],
                 pdf_error: Callable[[Exception], ExtractError]) -> Iterator[tuple[float, float, list[RawChar]]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError says "Incorrect password" for encrypted files
        raise pdf_error(exc) from None
    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    name_buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    try:
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except Exception as exc:
                raise pdf_error(exc) from None
            width, height = page.get_size()
            tp = textpage.raw
            count = raw.FPDFText_CountChars(tp)
            text = textpage.get_text_range(0, count) if count > 0 else ""
            chars: list[RawChar] = []
            bold_by_font: dict[bytes, bool] = {}
            for i in range(min(count, len(text))):
                ch = text[i]
                if ch in SOFT_HYPHENS:  # pdfium marks a hyphen at a line end specially
                    ch = "-"
                if ch in "\r\n" or raw.FPDFText_IsGenerated(tp, i) == 1 and ch != " ":
                    continue
                raw.FPDFText_GetLooseCharBox(tp, i, rect)
                # the effective size: nominal size times the text matrix's vertical scale, as
                # pdfplumber reports it (some PDFs set 1pt text in a scaled matrix)
                raw.FPDFText_GetMatrix(tp, i, matrix)
                size = raw.FPDFText_GetFontSize(tp, i) * (matrix.c * matrix.c + matrix.d * matrix.d) ** 0.5
                weight = raw.FPDFText_GetFontWeight(tp, i)
                if weight > 0:
                    bold = weight >= BOLD_WEIGHT
                else:  # no weight in the font: read its name
                    n = raw.FPDFText_GetFontInfo(tp, i, name_buf, len(name_buf), ctypes.byref(flags))
                    key = name_buf.raw[: max(n - 1, 0)]
                    if key not in bold_by_font:
                        bold_by_font[key] = bold_font(key.decode("latin-1"))
                    bold = bold_by_font[key]
                chars.append((ch, rect.left, rect.right, height - rect.top, height - rect.bottom, size, bold))
            textpage.close()
            page.close()
            yield width, height, chars
    finally:
        pdf.close()
