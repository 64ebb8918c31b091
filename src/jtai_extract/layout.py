"""Stage 2: lines to blocks.

Page furniture (page numbers, running headers, footnote text at the foot of a page) is removed,
then lines are rebuilt into headings, bullet items (sub-bullets folded into their parent) and
paragraphs, continuing across page breaks. PDFs are read by layout (bold, size, indentation,
vertical gaps); plain text, which has none, by glyphs, known headings and line lengths.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from .document import Block, Document, Line
from .lines import body_size

TOP_BULLETS = "\uf06e\uf0a7\uf0b7\u25fc\u25aa\u25a0\u2022\u25cf\u25a1\uf0d8"
SUB_BULLETS = "\u2212\u2013o\u25e6-"
BULLET_RE = re.compile(rf"^([{TOP_BULLETS}{SUB_BULLETS}])(?:\s+|$)")
PAGE_NUMBER_RE = re.compile(r"^(page\s+)?\d{1,3}(\s+of\s+\d{1,3})?$", re.I)
NUMBERED_RE = re.compile(r"^\(?\d{1,2}[.)]\s+[A-Z]")  # "1. The partnership ..." starts a paragraph
FOOTNOTE_START_RE = re.compile(r"^(\d{1,2}|\*)(\s|[A-Z])")
SENTENCE_END = (".", "?", "!", ":", ";", ".’", ".”", ".'", '."', ".)")


def remove_furniture(doc: Document) -> list[Line]:
    """All body lines of the document in reading order, page furniture removed."""
    if not doc.has_layout:
        return _text_furniture(doc)
    size = body_size(doc)
    repeated = _running_headers(doc)
    kept: list[Line] = []
    for page in doc.pages:
        lines = [ln for ln in page.lines if _norm_furniture(ln.text) not in repeated]
        lines = [ln for ln in lines if not (PAGE_NUMBER_RE.match(ln.text) and
                                             (ln.top > 0.85 * page.height or ln.top < 0.1 * page.height))]
        # footnote text: the run of smaller lines at the foot of the page
        cut = len(lines)
        while cut > 0 and lines[cut - 1].size is not None and lines[cut - 1].size <= size - 1.0 \
                and lines[cut - 1].top > 0.5 * page.height:
            cut -= 1
        # footnotes start with their number; small text without one (a boxed study) is body
        while cut < len(lines) and not FOOTNOTE_START_RE.match(lines[cut].text):
            cut += 1
        kept.extend(lines[:cut])
    return kept


def _norm_furniture(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _running_headers(doc: Document) -> set[str]:
    """Lines repeated at the very top or foot of at least three pages (and half of them)."""
    if len(doc.pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in doc.pages:
        edge = {_norm_furniture(ln.text) for ln in page.lines
                if ln.top < 0.08 * page.height or ln.top > 0.92 * page.height}
        seen.update(edge)
    need = max(3, len(doc.pages) // 2)
    return {text for text, n in seen.items() if n >= need and text != "#"}


def _text_furniture(doc: Document) -> list[Line]:
    """pdftotext prints a page number and the page's footnotes at the end of each page."""
    kept: list[Line] = []
    for page in doc.pages:
        lines = list(page.lines)
        while lines and not lines[-1].text:
            lines.pop()
        numbers = [i for i, ln in enumerate(lines) if PAGE_NUMBER_RE.match(ln.text)]
        if numbers:
            last = numbers[-1]
            tail = [ln for ln in lines[last + 1:] if ln.text]
            # what follows the last bare number is footnote text (short) or the page body
            if len(tail) <= 6 and (last >= len(lines) - 1 or not lines[last + 1].text or len(tail) <= 4):
                lines = lines[:last]
        # footnote text printed before the page number: "1 The Children Act ..." after a blank line
        while True:
            i = len(lines) - 1
            while i >= 0 and lines[i].text:
                i -= 1
            chunk = [ln for ln in lines[i + 1:] if ln.text]
            if chunk and re.match(r"^\d{1,2}\s+\S", chunk[0].text) and len(chunk) <= 6 and i > 0:
                lines = lines[:i]
                while lines and not lines[-1].text:
                    lines.pop()
                continue
            break
        lines = [ln for ln in lines if not PAGE_NUMBER_RE.match(ln.text)]
        kept.extend(lines)
    return kept


def _strip_bullet(text: str) -> tuple[str | None, str]:
    m = BULLET_RE.match(text)
    if not m:
        return None, text
    glyph = m.group(1)
    rest = text[m.end():]
    if glyph == "o" and not rest[:1].islower() and rest:
        return None, text  # "o" is a sub-bullet only before lower-case text
    if glyph in "-\u2013" and rest[:1].isdigit():
        return None, text
    return glyph, rest


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines; a hyphen at a line end stays when it is part of the word."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(("-", "\u2010", "\u2011")) and len(out) > 1 and out[-2].isalpha():
            out += part
        else:
            out += " " + part
    return out


class _Builder:
    """Accumulates blocks; a block's text is joined from its line texts when finished."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[list[str]] = []

    def start(self, kind: str, line: Line, text: str, level: int = 0) -> Block:
        block = Block(kind=kind, text="", pages=[line.page], level=level, lines=[line])
        self.blocks.append(block)
        self.parts.append([text])
        return block

    def extend(self, line: Line, text: str) -> None:
        block = self.blocks[-1]
        block.lines.append(line)
        block.add_page(line.page)
        self.parts[-1].append(text)

    @property
    def last(self) -> Block | None:
        return self.blocks[-1] if self.blocks else None

    def finish(self) -> list[Block]:
        for block, parts in zip(self.blocks, self.parts, strict=True):
            block.text = join_lines(parts)
        return [b for b in self.blocks if b.text]


def is_heading_line(line: Line, size: float) -> bool:
    if not line.has_layout:
        return False
    return bool(line.bold) or (line.size or 0) >= size + 1.5


def build_blocks(lines: list[Line], doc: Document, is_known_heading: Callable[[str], bool]) -> list[Block]:
    """Rebuild headings, bullets and paragraphs. ``is_known_heading(text)`` says whether a line
    is one of the letters' section headings (needed for text, which has no bold)."""
    if doc.has_layout:
        return _blocks_from_layout(lines, body_size(doc), doc)
    return _blocks_from_text(lines, is_known_heading)


def _blocks_from_layout(lines: list[Line], size: float, doc: Document) -> list[Block]:
    b = _Builder()
    pitch = size * 1.25
    width = {p.number: p.width for p in doc.pages}
    hang = 0.0  # x of a bullet's text: continuation lines hang there
    bullet_x = 0.0  # x of the current top-level bullet glyph
    pending_glyph: Line | None = None
    prev: Line | None = None
    for line in lines:
        glyph, text = _strip_bullet(line.text)
        if glyph is not None and not text:  # a glyph alone on its line: the text follows
            pending_glyph = line
            prev = line
            continue
        if pending_glyph is not None and glyph is None:
            glyph, text = pending_glyph.text, line.text
            hang_x = line.x0  # the text after a lone glyph is where continuation lines hang
            line = Line(text=line.text, page=line.page, x0=pending_glyph.x0, x1=line.x1, top=line.top,
                        bottom=line.bottom, size=line.size, bold=line.bold)
            pending_glyph = None
        else:
            hang_x = None
        new_page = prev is not None and line.page != prev.page
        gap = (line.top - prev.bottom) if prev is not None and not new_page else 0.0
        last = b.last
        if glyph is not None and not (line.bold and glyph not in TOP_BULLETS):
            # a sub-bullet is indented under its parent (dashes and "o" less deeply than glyphs)
            indent = 4 if glyph in SUB_BULLETS else 15
            if last is not None and last.kind == "bullet" and line.x0 > bullet_x + indent:
                b.extend(line, f"{glyph} {text}")
            else:
                b.start("bullet", line, text)
                bullet_x = line.x0
                hang = hang_x if hang_x is not None else _text_x(line)
        elif is_heading_line(line, size):
            if (last is not None and last.kind == "heading" and prev is not None and prev.bold == line.bold
                    and prev.size == line.size and not new_page and gap < 0.8 * pitch
                    and prev.x1 - prev.x0 > 0.6 * (width[line.page] - 2 * prev.x0)):
                b.extend(line, text)  # a wrapped heading (long titles)
            else:
                b.start("heading", line, text)
        elif last is not None and last.kind == "bullet" and line.x0 >= hang - 3 and (
                new_page or gap < 2.5 * pitch):
            b.extend(line, text)  # hanging continuation of a bullet, also over a page break
        elif last is not None and last.kind == "paragraph" and prev is not None and not NUMBERED_RE.match(text) and (
                (not new_page and gap < 0.6 * pitch and abs(line.x0 - last.lines[0].x0) < 30)
                or (new_page and not _ends_sentence(last.lines[-1].text))):
            b.extend(line, text)
        else:
            b.start("paragraph", line, text)
        prev = line
    return b.finish()


def _text_x(line: Line) -> float:
    """Where the text after a bullet glyph starts (approximated from the glyph's line)."""
    return line.x0 + 10.0


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def _blocks_from_text(lines: list[Line], is_known_heading: Callable[[str], bool]) -> list[Block]:
    b = _Builder()
    width = max((len(ln.text) for ln in lines), default=80)
    texts = [ln.text for ln in lines]
    pending_glyph = False
    prev_text = ""
    prev_heading = False
    top_glyph = ""
    for i, line in enumerate(lines):
        if not line.text:
            continue
        glyph, text = _strip_bullet(line.text)
        if glyph is not None and not text:
            pending_glyph = True
            continue
        if pending_glyph:
            glyph, pending_glyph = "\u2022", False
        last = b.last
        nxt = next((t for t in texts[i + 1:] if t), "")
        if glyph is not None:
            # without indentation, a dash or "o" under a different glyph is a sub-bullet
            if glyph in SUB_BULLETS and glyph != top_glyph and last is not None and last.kind == "bullet":
                b.extend(line, f"{glyph} {text}")
            else:
                b.start("bullet", line, text)
                top_glyph = glyph
        elif is_known_heading(text) or _looks_like_subheading(text, "" if prev_heading else prev_text, nxt):
            b.start("heading", line, text)
            prev_heading = True
            prev_text = text
            continue
        elif last is not None and (last.kind == "bullet" or (
                last.kind == "paragraph" and not NUMBERED_RE.match(text)
                and not (_ends_sentence(prev_text) and len(prev_text) < 0.8 * width))):
            b.extend(line, text)
        else:
            b.start("paragraph", line, text)
        prev_text = text
        prev_heading = False
    return b.finish()


def _looks_like_subheading(text: str, prev_text: str, next_text: str) -> bool:
    """A short unpunctuated line between a finished sentence and a bullet: a list sub-heading."""
    return (len(text) < 90 and text[:1].isupper() and not _ends_sentence(text)
            and (not prev_text or _ends_sentence(prev_text))
            and _strip_bullet(next_text)[0] is not None)
