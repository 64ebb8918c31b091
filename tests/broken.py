"""Broken inputs for the tests, generated on the fly (none is committed): each with the error
code the contract says it must get."""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import SAMPLES

SAMPLE = SAMPLES / "fernmouth-2019-03.pdf"


def make_broken_inputs(folder: Path) -> dict[str, str]:
    """Write the broken inputs into ``folder``; returns {file name: expected error code}."""
    from PIL import Image, ImageDraw
    from pypdf import PdfWriter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zero-bytes.pdf").write_bytes(b"")
    (folder / "random-bytes.pdf").write_bytes(os.urandom(4096).replace(b"%PDF", b"%XXX"))
    data = SAMPLE.read_bytes()
    (folder / "truncated-at-half.pdf").write_bytes(data[: len(data) // 2])
    locked = PdfWriter(clone_from=str(SAMPLE))
    locked.encrypt("a-password")
    locked.write(str(folder / "password-protected.pdf"))
    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).text((40, 40), "Joint targeted area inspection of Nowhere (a scan)", fill=0)
    scan = canvas.Canvas(str(folder / "image-only.pdf"), invariant=1)
    scan.drawImage(ImageReader(image), 0, 0, 595, 842)
    scan.showPage()
    scan.save()
    other = canvas.Canvas(str(folder / "other-report.pdf"), invariant=1)
    y = 780
    for line in ["Area SEND inspection of the Nowhere local area partnership",
                 "Inspection dates: 1 to 5 March 2024",
                 "This report describes how well the local area partnership meets the needs of children"] * 6:
        other.drawString(72, y, line)
        y -= 20
    other.showPage()
    other.save()
    return {"zero-bytes.pdf": "empty", "random-bytes.pdf": "not_a_pdf", "truncated-at-half.pdf": "unreadable",
            "password-protected.pdf": "encrypted", "image-only.pdf": "no_text_layer",
            "other-report.pdf": "not_a_jtai_letter"}
