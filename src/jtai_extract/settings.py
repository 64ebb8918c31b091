"""Every layout threshold of the extraction, in one documented settings object.

Like pdfplumber's ``laparams``, ``LayoutSettings`` names each number the layout rules use, in
units that hold whatever a letter's type size: **em** (the size of the type in question, or of
the letter's body text), **pitch** (the letter's measured line pitch: the distance from one
baseline to the next in body text), **page** (a fraction of the page's height or width) and, for
plain text, **body width** (the length in characters of a full line of body text).

``DEFAULT`` is what the extractor uses; ``extract(..., settings=...)`` takes another, and
``scripts/eval.py`` varies the tunable ones letter-out to estimate how they do on unseen letters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class LayoutSettings:
    # --- characters to lines (lines.py); em of the glyph's own size --------------------------
    baseline_tolerance: float = 0.25
    """Glyphs whose baselines differ by at most this share a line: two lines that overlap
    vertically stay two lines (their baselines are a pitch apart)."""
    duplicate_distance: float = 0.15
    """The same glyph drawn again within this distance is one glyph (fake bold draws a line
    twice with a small offset; a glyph drawn over itself is also bold)."""
    fake_bold_offset: float = 0.02
    """A duplicate offset by more than this is fake bold: the line counts as bold."""
    space_gap: float = 0.2
    """A gap between glyphs wider than this is a word space (whitespace glyphs count only when
    they sit after the glyph before them, never on top of it)."""
    column_gap: float = 1.3
    """A gap wider than this starts a new column segment of the line (the signature grid)."""
    wide_gap: float = 0.6
    """Gaps wider than this are recorded on ``Line.gaps`` (where close-set columns may split)."""
    marker_size: float = 0.85
    """A digit smaller than this (relative to the line) that is raised is a footnote marker;
    a row of such small glyphs overlapping a line by half its height belongs to that line."""
    marker_raise: float = 0.15
    """How far above the line's baseline a footnote marker sits, at least."""

    # --- drawn frames (lines.py); em of the body text ---------------------------------------
    frame_min_width: float = 10.0
    """A drawn box narrower than this is not a frame around text (a rule, a tick box)."""
    frame_min_height: float = 1.5
    """... nor one lower than this many pitches (a single underline or a shaded heading bar)."""
    frame_join: float = 0.1
    """Drawn pieces (table borders, shaded rows) this close together are one frame."""
    frame_margin: float = 0.5
    """A line belongs to a frame when its box lies inside the frame grown by this."""

    # --- page furniture (layout.py); page fractions and em of the body ---------------------
    page_number_top: float = 0.1
    """A bare number this near the top of the page (fraction of its height) is a page number."""
    page_number_bottom: float = 0.85
    """... or one below this fraction of the page's height."""
    running_header_zone: float = 0.08
    """Lines within this fraction of the page's top or bottom edge may be running headers."""
    running_header_pages: float = 0.5
    """A running header repeats on at least this share of the pages (and three at least)."""
    footnote_size: float = 0.92
    """Footnote text is set at most this size (relative to body text) ..."""
    footnote_zone: float = 0.5
    """... in the lower part of the page, below this fraction of its height."""

    # --- lines to blocks (layout.py); em of the body text and pitches ----------------------
    heading_size: float = 1.125
    """A line this much larger than the body text (or bold) is a heading."""
    wrapped_heading_gap: float = 0.8
    """A heading line within this many pitches under another of the same style continues it ..."""
    wrapped_heading_width: float = 0.6
    """... when that one fills at least this share of the text width."""
    sub_bullet_indent: float = 0.33
    """A dash or "o" indented this far beyond the bullet above it is its sub-bullet ..."""
    sub_glyph_indent: float = 1.25
    """... and another bullet glyph, this far."""
    hang_tolerance: float = 0.25
    """A line starting no more than this left of a bullet's text hangs under the bullet."""
    bullet_text_offset: float = 0.83
    """Where a bullet's text starts, right of its glyph, when the glyph shares its line."""
    bullet_gap: float = 2.5
    """A bullet continues over a vertical gap of up to this many pitches."""
    paragraph_gap: float = 0.6
    """A paragraph continues over a gap of less than this many pitches ..."""
    paragraph_indent: float = 2.5
    """... when the line starts within this of the paragraph's first line."""

    # --- plain text (layout.py); body widths -----------------------------------------------
    text_body_percentile: float = 0.8
    """The body width of a text letter: this percentile of the lengths of its lines of 40+ characters."""
    text_footnote_width: float = 1.08
    """A line longer than this many body widths is set in smaller type: footnote text."""
    text_paragraph_end: float = 0.8
    """A line ending a sentence and shorter than this share of the longest line ends a paragraph."""

    def with_(self, **changes: float) -> LayoutSettings:
        """A copy with some settings changed (unknown names raise TypeError)."""
        return replace(self, **changes)


DEFAULT = LayoutSettings()

# The settings whose numbers were chosen by looking at letters, with the values scripts/eval.py
# tries for each when it leaves letters out: the figure it reports says how well the chosen
# value holds on letters it was not chosen on.
TUNABLE: dict[str, tuple[float, ...]] = {
    "baseline_tolerance": (0.1, 0.15, 0.25, 0.35, 0.45),
    "space_gap": (0.1, 0.15, 0.2, 0.25),
    "column_gap": (0.9, 1.1, 1.3, 1.6, 2.0),
    "footnote_size": (0.85, 0.92, 0.97),
    "heading_size": (1.05, 1.125, 1.2, 1.3),
    "sub_glyph_indent": (0.5, 0.8, 1.25, 1.6, 2.0),
    "hang_tolerance": (0.1, 0.25, 0.5, 1.0),
    "bullet_gap": (1.5, 2.0, 2.5, 3.0, 4.0),
    "paragraph_gap": (0.4, 0.5, 0.6, 0.8, 1.0),
    "paragraph_indent": (1.0, 1.5, 2.5, 4.0),
    "frame_min_height": (1.0, 1.5, 2.5),
    "text_footnote_width": (1.03, 1.05, 1.08, 1.12, 1.2),
    "text_paragraph_end": (0.7, 0.75, 0.8, 0.85, 0.9),
}


def names() -> list[str]:
    return [f.name for f in fields(LayoutSettings)]


# the settings used while a PDF is read (characters to lines, shapes to frames); the others
# only apply to the lines once read
READ_STAGE = frozenset(names()[:names().index("frame_margin") + 1])
