"""Pages of a PDF as pictures (PDFium, through pypdfium2), for the outputs that show a letter as
printed: ``--view`` draws the extracted items' boxes over them; ``--debug-layout`` can draw
lines and blocks on the same images.

Coordinates: a ``PageImage`` knows its page's size in PDF points and its ``scale`` (pixels per
point), so a box in the JSON's units (points from the page's top-left corner, as the readers
measure) is ``x * scale, top * scale`` on the image.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

POINTS_PER_INCH = 72.0
DEFAULT_DPI = 96.0  # one CSS pixel per 0.75 pt: an A4 page is 794 x 1123 px, body text readable


@dataclass(frozen=True, slots=True)
class PageImage:
    """One rendered page: ``number`` counts from 1, as the JSON's ``pages`` and ``boxes`` do."""

    number: int
    width: float  # page size in PDF points
    height: float
    scale: float  # image pixels per PDF point
    image: Image  # RGB, width * scale x height * scale pixels (PDFium rounds a fraction up)


def render_pages(pdf: bytes | str | os.PathLike[str], dpi: float = DEFAULT_DPI,
                 pages: Iterable[int] | None = None) -> Iterator[PageImage]:
    """Render the pages of a PDF (its bytes or its path), each as it is asked for, in the order
    given by ``pages`` (numbers from 1; default all). A page number the PDF does not have raises
    ValueError; a file PDFium cannot open raises its own error (the caller reports it)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(os.fspath(pdf) if not isinstance(pdf, bytes) else pdf)
    try:
        count = len(document)
        for number in pages if pages is not None else range(1, count + 1):
            if not 1 <= number <= count:
                raise ValueError(f"page {number} is not in a document of {count} pages")
            page = document[number - 1]
            try:
                width, height = page.get_size()
                scale = dpi / POINTS_PER_INCH
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil().convert("RGB")
                bitmap.close()
            finally:
                page.close()
            yield PageImage(number=number, width=width, height=height, scale=scale, image=image)
    finally:
        document.close()
