"""Stage 2: lines to blocks.

Page furniture (page numbers, running headers, footnote text at the foot of a page) is removed,
then lines are rebuilt into headings, bullet items (sub-bullets folded into their parent) and
paragraphs, continuing across page breaks. PDFs are read by layout (bold, size, indentation,
vertical gaps, drawn frames); plain text, which has none, by glyphs, known headings and line
lengths.

Each decision of the PDF layout is one predicate below (``starts_bullet``, ``is_sub_bullet``,
``is_heading_line``, ``is_plain_heading``, ``continues_heading``, ``continues_bullet``,
``continues_paragraph``, ``crosses_frame``), measured in the units of ``LayoutSettings``: em of
the body text and the letter's line pitch.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .document import Block, Document, Line
from .lines import body_size, line_pitch
from .settings import DEFAULT, LayoutSettings

TOP_BULLETS = "\uf06e\uf0a7\uf0b7\u25fc\u25aa\u25a0\u2022\u25cf\u25a1\uf0d8"
SUB_BULLETS = "\u2212\u2013o\u25e6-"
BULLET_RE = re.compile(rf"^([{TOP_BULLETS}{SUB_BULLETS}])(?:\s+|$)")
PAGE_NUMBER_RE = re.compile(r"^(page\s+)?\d{1,3}(\s+of\s+\d{1,3})?$", re.I)
NUMBERED_RE = re.compile(r"^\(?\d{1,2}[.)]\s+[A-Z]")  # "1. The partnership ..." starts a paragraph
FOOTNOTE_START_RE = re.compile(r"^(\d{1,2}|\*)(\s|[A-Z])")
TEXT_FOOTNOTE_NUMBER_RE = re.compile(r"^(\d{1,2})(?:$|\s*(?=[A-Za-z]))")  # "2" alone, or "2 The ..."/"2The ..."
SENTENCE_END = (".", "?", "!", ":", ";", ".’", ".”", ".'", '."', ".)")
MIN_RUNNING_HEADER_PAGES = 3
TEXT_BODY_LINE = 40  # characters: shorter lines (headings, ends of paragraphs) do not measure the body width
TEXT_MAX_FOOTNOTE_TAIL = 6  # lines after pdftotext's page number that can still be the page's footnotes
TEXT_FOOTNOTE_RUN_ON = 2  # lines of a footnote's end that pdftotext may set apart by a blank line


# --- furniture -------------------------------------------------------------------------------

def remove_furniture(doc: Document, settings: LayoutSettings = DEFAULT) -> list[Line]:
    """All body lines of the document in reading order, page furniture removed."""
    if not doc.has_layout:
        return _text_furniture(doc, settings)
    size = body_size(doc)
    repeated = running_headers(doc, settings)
    kept: list[Line] = []
    for page in doc.pages:
        lines = [ln for ln in page.lines if _norm_furniture(ln.text) not in repeated]
        lines = [ln for ln in lines if not (PAGE_NUMBER_RE.match(ln.text) and (
            ln.top > settings.page_number_bottom * page.height or ln.top < settings.page_number_top * page.height))]
        # footnote text: the run of smaller lines at the foot of the page
        cut = len(lines)
        while cut > 0 and (lines[cut - 1].size or size) <= settings.footnote_size * size \
                and lines[cut - 1].top > settings.footnote_zone * page.height:
            cut -= 1
        # footnotes start with their number; small text without one (a boxed study) is body
        while cut < len(lines) and not FOOTNOTE_START_RE.match(lines[cut].text):
            cut += 1
        kept.extend(lines[:cut])
    return kept


DIGITS_RE = re.compile(r"\d+")


def _norm_furniture(text: str) -> str:
    return DIGITS_RE.sub("#", text.strip().lower())


def running_headers(doc: Document, settings: LayoutSettings = DEFAULT) -> set[str]:
    """Lines repeated at the very top or foot of at least three pages (and half of them),
    numbers aside ("Page 2 of 9", "Fernmouth JTAI 2025")."""
    if len(doc.pages) < MIN_RUNNING_HEADER_PAGES:
        return set()
    zone = settings.running_header_zone
    seen: Counter[str] = Counter()
    for page in doc.pages:
        edge = {_norm_furniture(ln.text) for ln in page.lines
                if ln.top < zone * page.height or ln.top > (1 - zone) * page.height}
        seen.update(edge)
    need = max(MIN_RUNNING_HEADER_PAGES, int(settings.running_header_pages * len(doc.pages)))
    return {text for text, n in seen.items() if n >= need and text != "#"}


def text_body_width(doc: Document, settings: LayoutSettings = DEFAULT) -> int:
    """The length in characters of a full line of a text letter's body."""
    lengths = sorted(len(ln.text) for page in doc.pages for ln in page.lines if len(ln.text) >= TEXT_BODY_LINE)
    if not lengths:
        return 80
    return lengths[min(len(lengths) - 1, int(len(lengths) * settings.text_body_percentile))]


def _text_furniture(doc: Document, settings: LayoutSettings) -> list[Line]:
    """pdftotext prints a page number and the page's footnotes at the foot of each page."""
    width = text_body_width(doc, settings)
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
            if len(tail) <= TEXT_MAX_FOOTNOTE_TAIL and (
                    last >= len(lines) - 1 or not lines[last + 1].text or len(tail) <= 4):
                lines = lines[:last]
        lines = lines[:text_footnote_start(lines, width, settings)]
        lines = [ln for ln in lines if not PAGE_NUMBER_RE.match(ln.text)]
        kept.extend(lines)
    return kept


def _footnote_referenced(number: str, body: str) -> bool:
    """Whether the page's text carries the footnote's marker glued to a word ("LSCP1", "area.2")."""
    return re.search(rf"[^\W\d_][.,;:’'”)]?{number}(?!\d)", body) is not None


def text_footnote_start(lines: list[Line], width: int, settings: LayoutSettings = DEFAULT) -> int:
    """Where the footnote text at the foot of a text page starts (``len(lines)`` when there is
    none). Walking up from the foot: a bare footnote number whose marker the page carries, the
    text after such a number (or opening with one), and lines longer than the body's (footnotes
    are set in smaller type) are footnote text; the first other line is body."""
    long = settings.text_footnote_width * width
    start = j = len(lines)
    while j > 0:
        while j > 0 and not lines[j - 1].text:
            j -= 1
        if j == 0:
            break
        if _bare_number(lines[j - 1].text):
            if not _footnote_referenced(lines[j - 1].text.strip(), _text_of(lines[:j - 1])):
                break
            start = j = j - 1
            continue
        k = j  # the run of text lines ending at j, up to a blank or a bare number line
        while k > 0 and lines[k - 1].text and not _bare_number(lines[k - 1].text):
            k -= 1
        above = next((i for i in range(k - 1, -1, -1) if lines[i].text), None)
        opening = TEXT_FOOTNOTE_NUMBER_RE.match(lines[k].text)
        if (above is not None and _bare_number(lines[above].text)
                and _footnote_referenced(lines[above].text.strip(), _text_of(lines[:above]))) or (
                opening is not None and _footnote_referenced(opening.group(1), _text_of(lines[:k]))):
            start = j = k
            continue
        tail = _long_tail(lines, k, j, long)
        if tail is None:
            if above is not None and j - k <= TEXT_FOOTNOTE_RUN_ON and len(lines[above].text) > long:
                j = k  # the end of a footnote that pdftotext set apart by a blank line: decided above
                continue
            break
        start = j = tail
        if tail > k:  # the footnote runs on from body text with no blank line between
            break
    return start


def _bare_number(text: str) -> bool:
    return text.strip().isdigit() and len(text.strip()) <= 2


def _text_of(lines: list[Line]) -> str:
    return " ".join(ln.text for ln in lines)


def _long_tail(lines: list[Line], k: int, j: int, long: float) -> int | None:
    """The start of the footnote lines ending the run ``lines[k:j]``: lines longer than the
    body's, each footnote's last line shorter. After body text, they start a new sentence."""
    i = j - 1
    while i >= k:
        if len(lines[i].text) > long or (i > k and len(lines[i - 1].text) > long):
            i -= 1  # a long line, or the short last line of a footnote whose lines are long
        else:
            break
    m = i + 1
    if m == j:
        return None
    first = lines[m].text
    after_body = m > k
    if _strip_bullet(first)[0] is not None or (
            after_body and not (first[:1].isupper() and _ends_sentence(lines[m - 1].text))):
        return None
    return m


# --- blocks ------------------------------------------------------------------------------------

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


LINE_END_HYPHENS = ("-", "\u2010", "\u2011")


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines; a hyphen at a line end stays when it is part of the word. Pieces are
    collected and joined once: linear in the text, however many lines (a text of a million short
    lines once took minutes)."""
    pieces: list[str] = []
    last = ""  # the text so far ends with this part
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if pieces and not (last.endswith(LINE_END_HYPHENS) and _hyphen_in_word(pieces, last)):
            pieces.append(" ")
        pieces.append(part)
        last = part
    return "".join(pieces)


def _hyphen_in_word(pieces: list[str], last: str) -> bool:
    """Whether the hyphen ending the text so far follows a letter (a word broken at its hyphen)."""
    if len(last) > 1:
        return last[-2].isalpha()
    # the last part is the hyphen alone: the character before it ends the piece before it
    before = next((p for p in reversed(pieces[:-1]) if p), "")
    return bool(before) and before != " " and before[-1].isalpha()


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


@dataclass(slots=True)
class LayoutContext:
    """What the block predicates measure against: the letter's body size (one em), its line
    pitch, the page widths, the settings, and which texts are known section headings."""

    em: float
    pitch: float
    widths: dict[int, float]
    settings: LayoutSettings = DEFAULT
    is_known_heading: Callable[[str], bool] = lambda text: False

    @classmethod
    def of(cls, doc: Document, is_known_heading: Callable[[str], bool] = lambda text: False,
           settings: LayoutSettings = DEFAULT) -> LayoutContext:
        em = body_size(doc)
        return cls(em=em, pitch=line_pitch(doc, em), widths={p.number: p.width for p in doc.pages},
                   settings=settings, is_known_heading=is_known_heading)


def is_heading_line(ctx: LayoutContext, line: Line) -> bool:
    """Bold, or set larger than the body text."""
    if not line.has_layout:
        return False
    return bool(line.bold) or (line.size or 0) >= ctx.settings.heading_size * ctx.em


def _gap(prev: Line | None, line: Line) -> float | None:
    """The vertical space between two lines of one page (None across a page break)."""
    if prev is None or prev.page != line.page:
        return None
    return line.top - prev.bottom


def crosses_frame(prev: Line, line: Line) -> bool:
    """Whether ``line`` is on the other side of a drawn frame's edge from ``prev``: into a frame,
    out of one, or into another frame on the same page (a frame broken over a page continues)."""
    if prev.frame == line.frame:
        return False
    return not (prev.page != line.page and prev.frame is not None and line.frame is not None)


def starts_bullet(line: Line, glyph: str | None) -> bool:
    """A line opening with a bullet glyph (a bold line opening with a dash is a heading)."""
    return glyph is not None and not (line.bold and glyph not in TOP_BULLETS)


def is_sub_bullet(ctx: LayoutContext, line: Line, glyph: str, last: Block | None, bullet_x: float) -> bool:
    """A bullet indented under the bullet above it (dashes and "o" less deeply than glyphs)."""
    if last is None or last.kind != "bullet" or crosses_frame(last.lines[-1], line):
        return False
    indent = ctx.settings.sub_bullet_indent if glyph in SUB_BULLETS else ctx.settings.sub_glyph_indent
    return line.x0 > bullet_x + indent * ctx.em


def is_plain_heading(ctx: LayoutContext, prev: Line | None, line: Line, nxt: Line | None) -> bool:
    """A known section heading standing alone in plain weight: the whole line is the heading,
    set apart from the text above (a gap, a frame's edge, a page break or a finished sentence)
    and below (a gap, or it opens its frame)."""
    if line.bold or not ctx.is_known_heading(line.text):
        return False
    gap_before, gap_after = _gap(prev, line), _gap(line, nxt) if nxt is not None else None
    apart = ctx.settings.paragraph_gap * ctx.pitch
    before = (prev is None or gap_before is None or gap_before >= apart or crosses_frame(prev, line)
              or _ends_sentence(prev.text))
    opens_frame = line.frame is not None and (prev is None or prev.frame != line.frame)
    after = nxt is None or gap_after is None or gap_after >= apart or crosses_frame(line, nxt) or opens_frame
    return before and after


def continues_heading(ctx: LayoutContext, prev: Line | None, line: Line, last: Block | None) -> bool:
    """A wrapped heading: same style, just under a heading line that fills most of the width."""
    if last is None or last.kind != "heading" or prev is None or crosses_frame(prev, line):
        return False
    gap = _gap(prev, line)
    text_width = ctx.widths.get(line.page, 0.0) - 2 * prev.x0
    return (prev.bold == line.bold and prev.size == line.size and gap is not None
            and gap < ctx.settings.wrapped_heading_gap * ctx.pitch
            and prev.x1 - prev.x0 > ctx.settings.wrapped_heading_width * text_width)


def continues_bullet(ctx: LayoutContext, prev: Line | None, line: Line, last: Block | None, hang: float) -> bool:
    """A line hanging under a bullet's text, also over a page break."""
    if last is None or last.kind != "bullet" or prev is None or crosses_frame(prev, line):
        return False
    gap = _gap(prev, line)
    return line.x0 >= hang - ctx.settings.hang_tolerance * ctx.em and (
        gap is None or gap < ctx.settings.bullet_gap * ctx.pitch)


def continues_paragraph(ctx: LayoutContext, prev: Line | None, line: Line, last: Block | None) -> bool:
    """The next line of a paragraph: close under it and starting where it starts; over a page
    break, when the paragraph's sentence is unfinished. A numbered line starts a new one."""
    if last is None or last.kind != "paragraph" or prev is None or NUMBERED_RE.match(line.text):
        return False
    if crosses_frame(prev, line):
        return False
    gap = _gap(prev, line)
    if gap is None:
        return not _ends_sentence(last.lines[-1].text)
    return (gap < ctx.settings.paragraph_gap * ctx.pitch
            and abs(line.x0 - last.lines[0].x0) < ctx.settings.paragraph_indent * ctx.em)


def build_blocks(lines: list[Line], doc: Document, is_known_heading: Callable[[str], bool],
                 settings: LayoutSettings = DEFAULT) -> list[Block]:
    """Rebuild headings, bullets and paragraphs. ``is_known_heading(text)`` says whether a line
    is one of the letters' section headings (text has no bold; in a PDF a known heading may be
    set in plain weight)."""
    if doc.has_layout:
        return blocks_from_layout(lines, LayoutContext.of(doc, is_known_heading, settings))
    return _blocks_from_text(lines, is_known_heading, text_body_width(doc, settings), settings)


def blocks_from_layout(lines: list[Line], ctx: LayoutContext) -> list[Block]:
    b = _Builder()
    hang = 0.0  # x of a bullet's text: continuation lines hang there
    bullet_x = 0.0  # x of the current top-level bullet glyph
    pending_glyph: Line | None = None
    prev: Line | None = None
    for i, line in enumerate(lines):
        glyph, text = _strip_bullet(line.text)
        if glyph is not None and not text:  # a glyph alone on its line: the text follows
            pending_glyph = line
            prev = line
            continue
        hang_x = None
        if pending_glyph is not None and glyph is None:
            glyph, text = pending_glyph.text, line.text
            hang_x = line.x0  # the text after a lone glyph is where continuation lines hang
            line = dataclasses.replace(line, x0=pending_glyph.x0, footnote_markers=list(line.footnote_markers),
                                       gaps=list(line.gaps))
            pending_glyph = None
        last = b.last
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if glyph is not None and starts_bullet(line, glyph):
            if is_sub_bullet(ctx, line, glyph, last, bullet_x):
                b.extend(line, f"{glyph} {text}")
            else:
                b.start("bullet", line, text)
                bullet_x = line.x0
                hang = hang_x if hang_x is not None else line.x0 + ctx.settings.bullet_text_offset * ctx.em
        elif is_heading_line(ctx, line) or is_plain_heading(ctx, prev, line, nxt):
            if continues_heading(ctx, prev, line, last):
                b.extend(line, text)  # a wrapped heading (long titles)
            else:
                b.start("heading", line, text)
        elif continues_bullet(ctx, prev, line, last, hang) or continues_paragraph(ctx, prev, line, last):
            b.extend(line, text)
        else:
            b.start("paragraph", line, text)
        prev = line
    return b.finish()


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def _blocks_from_text(lines: list[Line], is_known_heading: Callable[[str], bool], body_width: int,
                      settings: LayoutSettings = DEFAULT) -> list[Block]:
    b = _Builder()
    width = max((len(ln.text) for ln in lines), default=80)
    texts = [ln.text for ln in lines]
    pending_glyph = False
    wrapped_heading = False  # the next line is the second line of a heading
    prev_text = ""
    prev_heading = False
    top_glyph = ""
    for i, line in enumerate(lines):
        if not line.text:
            continue
        if wrapped_heading:
            b.extend(line, line.text)
            wrapped_heading = False
            prev_heading, prev_text = True, line.text
            continue
        glyph, text = _strip_bullet(line.text)
        if glyph is not None and not text:
            pending_glyph = True
            continue
        if pending_glyph:
            glyph, pending_glyph = "\u2022", False
        last = b.last
        following = [t for t in texts[i + 1:i + 8] if t][:2]
        nxt = following[0] if following else ""
        after = following[1] if len(following) > 1 else ""
        before = "" if prev_heading else prev_text
        if glyph is not None:
            # without indentation, a dash or "o" under a different glyph is a sub-bullet
            if glyph in SUB_BULLETS and glyph != top_glyph and last is not None and last.kind == "bullet":
                b.extend(line, f"{glyph} {text}")
            else:
                b.start("bullet", line, text)
                top_glyph = glyph
        elif is_known_heading(text) or (heading_lines := text_heading_lines(text, before, nxt, after, body_width,
                                                                           settings)):
            b.start("heading", line, text)
            wrapped_heading = not is_known_heading(text) and heading_lines == 2
            prev_heading = True
            prev_text = text
            continue
        elif last is not None and (last.kind == "bullet" or (
                last.kind == "paragraph" and not NUMBERED_RE.match(text)
                and not (_ends_sentence(prev_text) and len(prev_text) < settings.text_paragraph_end * width))):
            b.extend(line, text)
        else:
            b.start("paragraph", line, text)
        prev_text = text
        prev_heading = False
    return b.finish()


TEXT_HEADING_CHARS = 90  # a heading line of a text letter is shorter than this


def text_heading_lines(text: str, prev_text: str, next_text: str, after_text: str, width: int,
                       settings: LayoutSettings = DEFAULT) -> int:
    """How many lines (0, 1 or 2) of a text letter make an unknown heading, starting with
    ``text``: a short unpunctuated line after a finished sentence, before a bullet or a new
    paragraph; or such a heading wrapped onto a second, short line. ``width``: the body width."""
    if not (len(text) < TEXT_HEADING_CHARS and text[:1].isupper() and not _ends_sentence(text)
            and (not prev_text or _ends_sentence(prev_text))):
        return 0
    short = settings.text_paragraph_end * width

    def opens_block(following: str) -> bool:
        return _strip_bullet(following)[0] is not None or following[:1].isupper()

    if _strip_bullet(next_text)[0] is not None or (len(text) < short and opens_block(next_text)):
        return 1
    if (next_text[:1].islower() and len(next_text) < short / 2 and not _ends_sentence(next_text)
            and opens_block(after_text)):
        return 2
    return 0
