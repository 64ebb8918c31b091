"""Stage 1b: characters to lines, and drawn shapes to frames, shared by every PDF engine.

Characters are grouped by baseline into visual lines (two lines that overlap vertically stay
two lines; a raised footnote marker or a small bullet joins the line it sits on), glyphs drawn
twice at almost the same place become one (fake bold: the line counts as bold), and each line is
split into column segments where a wide horizontal gap separates them (the signature grid prints
two columns side by side, their baselines not quite level). Word spaces come from the gaps
between glyphs; a whitespace glyph only counts where it sits after the glyph before it. Raised
small digits are footnote markers: they are taken out of the text (kept on
``Line.footnote_markers``) so they do not glue onto the words they touch.

Drawn shapes (rectangles, rules, curves) that touch are joined into frames; each line records
the innermost frame it is printed in.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import itemgetter

from .document import Document, Frame, Line, Rect
from .settings import DEFAULT, LayoutSettings

# (text, x0, x1, top, bottom, size, bold)
RawChar = tuple[str, float, float, float, float, float, bool]

# A glyph the PDF gives no Unicode for (a font without /ToUnicode): the engines deliver one of a
# symbol font (Wingdings, Symbol...) as UNMAPPED_SYMBOL, and leave out pdfminer's "(cid:N)" junk
# of a text font. Alone at the start of a line before a gap, the symbol glyph is a bullet.
UNMAPPED_SYMBOL = "\ufffc"
BULLET = "\u2022"
SYMBOL_FONT_RE = re.compile(r"wingding|webding|symbol|dingbat|zapf|marlett|bookshelf", re.I)
CID_RE = re.compile(r"\(cid:\d+\)")  # pdfminer's text for a glyph with no Unicode mapping


def symbol_font(name: str) -> bool:
    """Whether a font (by its PDF name, "ABCDEF+Wingdings-Regular") draws symbols, not letters."""
    return SYMBOL_FONT_RE.search(name) is not None


LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
_TEXT, _X0, _TOP, _BOTTOM, _SIZE, _BOLD = (itemgetter(0), itemgetter(1), itemgetter(3), itemgetter(4),
                                           itemgetter(5), itemgetter(6))
DUPLICATE_LOOKBACK = 4  # a glyph's duplicate sits among the few glyphs just before it (sorted by x)


class _Rounded(dict[float, float]):
    """Sizes to one decimal, each distinct size rounded once: a page sets its characters in a
    handful of sizes, and round() costs several dictionary look-ups."""

    def __missing__(self, size: float) -> float:
        value = self[size] = round(size, 1)
        return value


def chars_to_lines(chars: list[RawChar], page: int, settings: LayoutSettings = DEFAULT) -> list[Line]:
    lines: list[Line] = []
    rounded = _Rounded()  # one page's sizes (a table per page: its memory ends with the page)
    for row in rows_by_baseline(chars, settings):
        row.sort(key=_X0)
        row = dedupe_glyphs(row, settings)
        size = _line_size([rounded[c[5]] for c in row if not c[0].isspace()])
        if size is None:
            continue
        lines.extend(_segments(row, size, page, settings, rounded))
    return lines


def _line_size(sizes: list[float]) -> float | None:
    """The size most of a line's glyphs are set in (the first met, of equally many); most lines
    are set in one size, which is known without counting."""
    if not sizes:
        return None
    first = sizes[0]
    if sizes.count(first) == len(sizes):
        return first
    return Counter(sizes).most_common(1)[0][0]


def rows_by_baseline(chars: list[RawChar], settings: LayoutSettings = DEFAULT) -> list[list[RawChar]]:
    """Glyphs grouped into rows whose baselines (box bottoms) agree within the tolerance, top to
    bottom; then a lone glyph or a row of small glyphs (a bullet, a raised footnote marker) that
    overlaps a neighbouring row by half its height joins it."""
    rows: list[list[RawChar]] = []
    row: list[RawChar] = []
    ref, ref_size = 0.0, 0.0
    marker, tolerance = settings.marker_size, settings.baseline_tolerance
    for ch in sorted(chars, key=_BOTTOM):
        drop = ch[4] - ref
        # glyphs of another size (a marker, a symbol-font bullet) only share a row on the very
        # same baseline: otherwise they form their own and join their line below
        if rows and drop <= tolerance * ch[5] and (drop <= SAME_BASELINE * ch[5]
                                                    or marker * ref_size < ch[5] < ref_size / marker):
            row.append(ch)
        else:
            row = [ch]
            rows.append(row)
            ref, ref_size = ch[4], ch[5]
    return _attach_strays(rows, settings)


SPACE_OVER_GLYPH = 1 / 3  # a space glyph starting this far into the glyph before it is drawn over it
SAME_BASELINE = 0.05  # em: glyphs of different sizes set on one baseline differ by less than this
ATTACH_REACH = 3  # a stray glyph's line is among the few rows just above or below it (by baseline)


def _attach_strays(rows: list[list[RawChar]], settings: LayoutSettings) -> list[list[RawChar]]:
    """Each row that is a single character, or glyphs smaller than a neighbouring line, joins the
    line (the overlapping row of most characters) it overlaps by half its height. (The pdfium
    engine delivers words: characters are counted, not entries.)"""
    stats = []
    for row in rows:
        glyphs = [c for c in row if not c[0].isspace()]
        texts = "".join(map(_TEXT, glyphs))
        stats.append((len(texts), max(map(_SIZE, glyphs), default=0.0),
                      min(map(_TOP, glyphs), default=0.0), max(map(_BOTTOM, glyphs), default=0.0)))
    target = list(range(len(rows)))
    for i, (count, size, top, bottom) in enumerate(stats):
        best = None
        for j in range(max(0, i - ATTACH_REACH), min(len(rows), i + ATTACH_REACH + 1)):
            other = stats[j]
            if j == i or other[0] < 2 or not count or (count > 1 and size >= settings.marker_size * other[1]):
                continue  # only a lone character or smaller glyphs join a line of several characters
            overlap = min(bottom, other[3]) - max(top, other[2])
            if overlap >= 0.5 * (bottom - top) and (best is None or other[0] > stats[best][0]):
                best = j
        if best is not None:
            target[i] = best
    out: dict[int, list[RawChar]] = {}
    for i, row in enumerate(rows):
        j, hops = i, 0
        while target[j] != j and hops < len(rows):  # a chain ends at a row that joins none
            j, hops = target[j], hops + 1
        out.setdefault(j, []).extend(row)
    return [out[j] for j in sorted(out)]


def dedupe_glyphs(row: list[RawChar], settings: LayoutSettings = DEFAULT) -> list[RawChar]:
    """One glyph for each glyph drawn again at almost the same place (``row`` sorted by x0). A
    glyph drawn twice with a visible offset is fake bold: the kept glyph is marked bold."""
    kept: list[RawChar] = []
    distance = settings.duplicate_distance
    for ch in row:
        limit = distance * ch[5]
        if not kept or ch[1] - kept[-1][1] > limit:  # sorted by x0: no kept glyph is near enough
            kept.append(ch)
            continue
        for back in range(1, min(DUPLICATE_LOOKBACK, len(kept)) + 1):
            other = kept[-back]
            if other[0] == ch[0] and abs(other[1] - ch[1]) <= limit and abs(other[4] - ch[4]) <= limit:
                offset = max(abs(other[1] - ch[1]), abs(other[4] - ch[4]))
                if offset > settings.fake_bold_offset * ch[5] and not other[6] and not ch[0].isspace():
                    kept[-back] = (*other[:6], True)
                break
        else:
            kept.append(ch)
    return kept


def _segments(row: list[RawChar], size: float, page: int, settings: LayoutSettings,
              rounded: dict[float, float] | None = None) -> list[Line]:
    rounded = _Rounded() if rounded is None else rounded
    baseline = max(c[4] for c in row if rounded[c[5]] == size)
    # the thresholds in points for this line's size, worked out once (not per glyph)
    column_gap, space_gap, wide_gap = settings.column_gap * size, settings.space_gap * size, settings.wide_gap * size
    marker_size, marker_bottom = settings.marker_size * size, baseline - settings.marker_raise * size
    segments: list[Line] = []
    parts: list[str] = []
    markers: list[str] = []
    gaps: list[tuple[int, float]] = []
    seg: list[RawChar] = []  # never a whitespace glyph: the loop below skips them
    prev: RawChar | None = None
    pending_space = False

    def flush() -> None:
        text = "".join(parts).strip()
        if not text.isascii():  # ligatures and unmapped glyphs are not ASCII: most lines skip both
            text = text.translate(LIGATURES)
            if UNMAPPED_SYMBOL in text:
                text = _unmapped_symbols(text)
        if text and seg:
            bold = sum(map(_BOLD, seg)) >= 0.6 * len(seg)
            segments.append(Line(text=text, page=page, x0=seg[0][1], x1=seg[-1][2],
                                 top=min(map(_TOP, seg)), bottom=max(map(_BOTTOM, seg)),
                                 size=size, bold=bold, footnote_markers=list(markers), gaps=list(gaps)))
        parts.clear()
        markers.clear()
        gaps.clear()
        seg.clear()

    for ch in row:
        text = ch[0]
        spaced = text[-1:] == " " and not text.isspace()  # a word that carries its space (pdfium)
        if spaced:
            text = text.rstrip(" ")
        if not text or text.isspace():
            # a space glyph counts when it sits after the glyph before it, not on top of it (drawn
            # over the glyph's first third by a doubled or overlapping line); slanted type's
            # boxes overlap, so a space may start before the glyph before it ends
            if prev is not None and ch[1] >= prev[1] + SPACE_OVER_GLYPH * (prev[2] - prev[1]):
                pending_space = True
            continue
        if prev is not None:
            gap = ch[1] - prev[2]
            # a lone glyph before a wide gap is a bullet, not a column of its own
            if gap > column_gap and len(seg) > 1:
                flush()
            elif (pending_space or gap > space_gap) and parts:
                parts.append(" ")
                if gap > wide_gap:
                    gaps.append((sum(map(len, parts)), ch[1]))
        prev = ch
        seg.append(ch)
        pending_space = spaced
        if text.isdigit() and ch[5] < marker_size and ch[4] < marker_bottom and parts:
            markers.append(text)  # a raised small digit after text: a footnote marker
            continue
        parts.append(text)
    flush()
    return segments


def _unmapped_symbols(text: str) -> str:
    """A line's text with its unmapped symbol glyphs: the one opening the line before a gap (or
    alone on it) is a bullet; any other is left out."""
    bullet = text[0] == UNMAPPED_SYMBOL and text[1:2] in ("", " ")
    rest = " ".join(text[1 if bullet else 0:].replace(UNMAPPED_SYMBOL, " ").split())
    return f"{BULLET} {rest}".rstrip() if bullet else rest


# --- the document's units: body size (em) and line pitch -------------------------------------

PITCH_RANGE = (1.0, 2.0)  # baseline distances (in em) that can be the pitch of running text
DEFAULT_PITCH = 1.25  # em, when a document has too few consecutive body lines to measure


def body_size(doc: Document) -> float:
    """The size of the body text: the size most of the letter's characters are set in."""
    sizes: Counter[float] = Counter()
    for page in doc.pages:
        for line in page.lines:
            if line.size:
                sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def line_pitch(doc: Document, size: float | None = None) -> float:
    """The distance from one baseline to the next in the body text: the most common distance
    between consecutive body-size lines of a page (an em and a quarter when there are none)."""
    size = body_size(doc) if size is None else size
    distances: Counter[float] = Counter()
    for page in doc.pages:
        body = [ln for ln in page.lines if ln.size == size]
        for a, b in zip(body, body[1:], strict=False):
            d = round(b.bottom - a.bottom, 1)
            if PITCH_RANGE[0] * size < d < PITCH_RANGE[1] * size:
                distances[d] += 1
    return distances.most_common(1)[0][0] if distances else DEFAULT_PITCH * size


# --- frames ------------------------------------------------------------------------------------

def frames_of(graphics: list[Rect], page: int, first_id: int, body_size: float, pitch: float,
              settings: LayoutSettings = DEFAULT) -> list[Frame]:
    """Drawn boxes around text: shapes that touch or overlap (a table's border pieces, a panel's
    shaded rows) are joined, and what is wide and tall enough to hold lines is a frame. Frames
    whose pieces do not touch stay apart, even when one lies inside the other."""
    join = settings.frame_join * body_size
    boxes = sorted(graphics, key=lambda r: (r[1], r[0]))
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    active: list[int] = []  # pieces that reach down to the current one
    for i, box in enumerate(boxes):
        active = [j for j in active if boxes[j][3] + join >= box[1]]
        for j in active:
            if _touch(boxes[j], box, join):
                parent[root(j)] = root(i)
        active.append(i)
    groups: dict[int, list[float]] = {}
    for i, (x0, top, x1, bottom) in enumerate(boxes):
        g = groups.setdefault(root(i), [x0, top, x1, bottom])
        g[:] = [min(g[0], x0), min(g[1], top), max(g[2], x1), max(g[3], bottom)]
    frames = [g for g in groups.values() if g[2] - g[0] >= settings.frame_min_width * body_size
              and g[3] - g[1] >= settings.frame_min_height * pitch]
    frames.sort(key=lambda g: (g[1], g[0]))
    return [Frame(first_id + n, page, *g) for n, g in enumerate(frames)]


def _touch(a: Rect, b: Rect, join: float) -> bool:
    return a[0] - join <= b[2] and b[0] - join <= a[2] and a[1] - join <= b[3] and b[1] - join <= a[3]


def assign_frames(lines: list[Line], frames: list[Frame], body_size: float, settings: LayoutSettings = DEFAULT) -> None:
    """Each line gets the smallest frame its box lies inside (grown by the margin)."""
    if not frames:
        return
    margin = settings.frame_margin * body_size
    by_area = sorted(frames, key=lambda f: (f.x1 - f.x0) * (f.bottom - f.top))
    for line in lines:
        for f in by_area:
            if (line.x0 >= f.x0 - margin and line.x1 <= f.x1 + margin and line.top >= f.top - margin
                    and line.bottom <= f.bottom + margin):
                line.frame = f.id
                break
