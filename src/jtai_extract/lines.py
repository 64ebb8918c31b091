"""Stage 1b: characters to lines, shared by every PDF engine.

Characters are grouped by vertical overlap into visual lines, then each line is split into
column segments where a wide horizontal gap separates them (the signature grid prints two
columns side by side). Raised small digits are footnote markers: they are taken out of the text
(kept on ``Line.footnote_markers``) so they do not glue onto the words they touch.
"""

from __future__ import annotations

from collections import Counter

from .document import Line

# (text, x0, x1, top, bottom, size, bold)
RawChar = tuple[str, float, float, float, float, float, bool]

SPACE_GAP = 0.2  # a gap wider than this many ems between glyphs is a word space
COLUMN_GAP = 1.3  # a gap wider than this many ems starts a new column segment
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})


def chars_to_lines(chars: list[RawChar], page: int) -> list[Line]:
    rows: list[list[RawChar]] = []
    bottom = -1e9
    for ch in sorted(chars, key=lambda c: (c[3], c[1])):
        # a character belongs to the current row when it overlaps it vertically by > 2pt
        if rows and ch[3] < bottom - 2:
            rows[-1].append(ch)
            if ch[4] > bottom:
                bottom = ch[4]
        else:
            rows.append([ch])
            bottom = ch[4]
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        size = Counter(round(c[5], 1) for c in row if not c[0].isspace()).most_common(1)
        if not size:
            continue
        lines.extend(_segments(row, size[0][0], page))
    return lines


def _segments(row: list[RawChar], size: float, page: int) -> list[Line]:
    baseline = max(c[4] for c in row if round(c[5], 1) == size)
    segments: list[Line] = []
    parts: list[str] = []
    markers: list[str] = []
    gaps: list[tuple[int, float]] = []
    seg: list[RawChar] = []
    prev_x1 = None
    pending_space = False

    def flush() -> None:
        text = "".join(parts).strip().translate(LIGATURES)
        glyphs = [c for c in seg if not c[0].isspace()]
        if text and glyphs:
            bold = sum(c[6] for c in glyphs) >= 0.6 * len(glyphs)
            segments.append(Line(text=text, page=page, x0=glyphs[0][1], x1=glyphs[-1][2],
                                 top=min(c[3] for c in glyphs), bottom=max(c[4] for c in glyphs),
                                 size=size, bold=bold, footnote_markers=list(markers), gaps=list(gaps)))
        parts.clear()
        markers.clear()
        gaps.clear()
        seg.clear()

    for ch in row:
        text, x0, x1, _top, bot, csize = ch[0], ch[1], ch[2], ch[3], ch[4], ch[5]
        if text.isspace() or not text:
            pending_space = True
            continue
        gap = x0 - prev_x1 if prev_x1 is not None else 0.0
        # a lone glyph before a wide gap is a bullet, not a column of its own
        if prev_x1 is not None and gap > COLUMN_GAP * size and len(seg) > 1:
            flush()
            pending_space = False
        elif prev_x1 is not None and (pending_space or gap > SPACE_GAP * size) and parts:
            parts.append(" ")
            if gap > 0.6 * size:
                gaps.append((sum(map(len, parts)), x0))
        pending_space = False
        prev_x1 = x1
        seg.append(ch)
        if text.isdigit() and csize < 0.85 * size and bot < baseline - 0.15 * size and parts:
            markers.append(text)  # a raised small digit after text: a footnote marker
            continue
        parts.append(text)
    flush()
    return segments
