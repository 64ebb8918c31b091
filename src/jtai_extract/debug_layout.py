"""The layout-debug view (``jtai-extract letter.pdf --debug-layout DIR``): one PNG per page of a
PDF letter, the page rendered by PDFium with what the extractor saw drawn over it:

- every line read, as a thin grey box; the lines removed as page furniture (page numbers,
  running headers, footnote text) in red;
- the drawn frames found (case-study boxes), in orange;
- each block by kind: headings blue, bullets green, paragraphs purple, with its number;
- each section's start: a line across the page labelled with its kind and heading.

When a letter comes out wrong, the pictures show at which stage: a line that is not read as one
line, a heading that is not a heading, a study whose frame was not found, a section that starts
in the wrong place. Plain-text letters have no layout to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .document import Block, Document, Line
from .errors import ExtractError
from .readers import DEFAULT_ENGINE, Source, read
from .settings import DEFAULT, LayoutSettings

SCALE = 2.0  # pixels per PDF point
KIND_COLOURS = {"heading": (31, 90, 200), "bullet": (20, 150, 60), "paragraph": (140, 60, 170)}
LINE_COLOUR = (150, 150, 150)
FURNITURE_COLOUR = (220, 30, 30)
FRAME_COLOUR = (240, 140, 0)
SECTION_COLOUR = (0, 0, 0)


@dataclass(slots=True)
class PageDrawing:
    """What one page's picture shows."""

    lines: list[Line]
    furniture: list[Line]
    blocks: list[tuple[int, Block, list[Line]]]  # block number, block, its lines on this page
    sections: list[tuple[float, str]]  # where a section starts on this page (top), and its label


def layout_of(doc: Document, settings: LayoutSettings = DEFAULT) -> dict[int, PageDrawing]:
    """Run the layout stages as the extraction does and sort what they found by page."""
    from . import layout
    from .pipeline import split_letter
    from .sections import build_sections, classify_heading

    kept = layout.remove_furniture(doc, settings)
    kept_ids = {id(ln) for ln in kept}
    parts = split_letter(kept, doc)
    blocks = layout.build_blocks(parts.body, doc, lambda text: classify_heading(text) is not None, settings)
    pages = {p.number: PageDrawing(lines=list(p.lines), furniture=[ln for ln in p.lines if id(ln) not in kept_ids],
                                   blocks=[], sections=[]) for p in doc.pages}
    for number, block in enumerate(blocks, 1):
        for page in block.pages:
            on_page = [ln for ln in block.lines if ln.page == page]
            if on_page:
                pages[page].blocks.append((number, block, on_page))
    index = {id(b): i for i, b in enumerate(blocks)}
    for section in build_sections(blocks):
        first = next((b for b in section.blocks if id(b) in index), None)
        if first is None or not first.lines:
            continue
        i = index[id(first)]
        before = blocks[i - 1] if i > 0 else None
        opened_here = before is not None and before.kind == "heading" and section.heading is not None \
            and section.heading in before.text
        anchor = before.lines[0] if opened_here and before is not None else first.lines[0]
        label = section.kind + (f": {section.heading}" if section.heading else "")
        if not opened_here and section.heading:
            label += " (continued)"
        pages[anchor.page].sections.append((anchor.top, label))
    return pages


def write_debug_layout(path: str | Path, out_dir: str | Path, engine: str = DEFAULT_ENGINE,
                       settings: LayoutSettings = DEFAULT) -> list[Path]:
    """Write ``<out_dir>/<stem>-page-<n>.png`` for each page of the PDF at ``path``; return the
    files written. Raises ``ExtractError`` for input that is not a readable PDF."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    source = Source.from_path(path)
    doc = read(source, engine, settings=settings)
    if not doc.has_layout:
        raise ExtractError("not_a_pdf", "--debug-layout draws the layout of a PDF; a text letter has none")
    drawings = layout_of(doc, settings)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    pdf = pdfium.PdfDocument(source.data)
    try:
        for page in doc.pages:
            image = pdf[page.number - 1].render(scale=SCALE).to_pil().convert("RGB")
            draw = ImageDraw.Draw(image)
            _draw_page(draw, page.number, drawings[page.number], doc, image.width)
            target = out / f"{Path(source.path).stem}-page-{page.number}.png"
            image.save(target)
            written.append(target)
    finally:
        pdf.close()
    return written


def _box(line: Line, pad: float = 0.0) -> tuple[float, float, float, float]:
    return ((line.x0 - pad) * SCALE, (line.top - pad) * SCALE, (line.x1 + pad) * SCALE, (line.bottom + pad) * SCALE)


def _draw_page(draw: object, number: int, drawing: PageDrawing, doc: Document, width: int) -> None:
    from PIL import ImageDraw

    assert isinstance(draw, ImageDraw.ImageDraw)
    page = doc.pages[number - 1]
    for frame in page.frames:
        draw.rectangle((frame.x0 * SCALE, frame.top * SCALE, frame.x1 * SCALE, frame.bottom * SCALE),
                       outline=FRAME_COLOUR, width=4)
    for line in drawing.lines:
        draw.rectangle(_box(line), outline=LINE_COLOUR, width=1)
    for line in drawing.furniture:
        draw.rectangle(_box(line, 1), outline=FURNITURE_COLOUR, width=2)
    for n, block, lines in drawing.blocks:
        colour = KIND_COLOURS.get(block.kind, (0, 0, 0))
        x0, top = min(ln.x0 for ln in lines), min(ln.top for ln in lines)
        x1, bottom = max(ln.x1 for ln in lines), max(ln.bottom for ln in lines)
        draw.rectangle(((x0 - 3) * SCALE, (top - 2) * SCALE, (x1 + 3) * SCALE, (bottom + 2) * SCALE),
                       outline=colour, width=3)
        draw.text(((x0 - 3) * SCALE - 28, top * SCALE), f"{n}", fill=colour)
    for top, label in drawing.sections:
        y = (top - 5) * SCALE
        draw.line((0, y, width, y), fill=SECTION_COLOUR, width=2)
        draw.text((6, y - 14), label, fill=SECTION_COLOUR)
    legend = "lines grey | furniture red | frames orange | headings blue | bullets green | paragraphs purple"
    draw.text((6, 4), legend, fill=SECTION_COLOUR)


def write_inputs(paths: list[str], out_dir: Path, engine: str = DEFAULT_ENGINE, quiet: bool = False) -> None:
    """The command line's ``--debug-layout DIR``: pictures for each PDF input, the files written
    listed on stderr. Inputs that cannot be drawn are skipped here (a text letter says so);
    their errors are reported by the extraction that follows."""
    import sys

    for path in paths:
        if not path.lower().endswith(".pdf"):
            if not quiet:
                print(f"jtai-extract: --debug-layout: skipped {path} (a text letter has no layout to draw)",
                      file=sys.stderr)
            continue
        try:
            written = write_debug_layout(path, out_dir, engine)
        except ExtractError:
            continue
        if not quiet:
            for target in written:
                print(f"jtai-extract: --debug-layout: wrote {target}", file=sys.stderr)
