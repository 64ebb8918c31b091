"""Stage 1b: characters to lines (library)."""

from jtai_extract.lines import chars_to_lines


def word(text, x, top=100.0, size=12.0, bold=False, advance=6.0):
    chars = []
    for ch in text:
        chars.append((ch, x, x + advance, top, top + size, size, bold))
        x += advance
    return chars, x


def test_words_get_spaces_from_gaps_when_the_pdf_has_no_space_characters():
    a, x = word("Case", 72)
    b, _ = word("study", x + 4)
    [line] = chars_to_lines(a + b, page=1)
    assert line.text == "Case study"


def test_raised_small_digit_is_a_footnote_marker_kept_out_of_the_word():
    a, x = word("Borough.", 72)
    marker = [("1", x, x + 4, 96.0, 104.0, 8.0, False)]
    [line] = chars_to_lines(a + marker, page=3)
    assert line.text == "Borough."
    assert line.footnote_markers == ["1"]
    assert line.page == 3


def test_wide_gap_splits_signature_grid_columns():
    a, _ = word("Yvette Stanley", 77, advance=6.0)
    b, _ = word("Ursula Gallagher", 309, advance=6.0)
    lines = chars_to_lines(a + b, page=1)
    assert [ln.text for ln in lines] == ["Yvette Stanley", "Ursula Gallagher"]
    assert round(lines[1].x0) == 309


def test_lone_bullet_glyph_before_a_wide_gap_stays_with_its_text():
    glyph = [("\uf06e", 71, 78, 100.0, 112.0, 12.0, False)]
    text, _ = word("Partners share data", 99)
    [line] = chars_to_lines(glyph + text, page=1)
    assert line.text.startswith("\uf06e Partners")


def test_bold_line_and_rows_by_vertical_position():
    a, _ = word("Key strengths", 72, top=100, bold=True)
    b, _ = word("Text below", 72, top=120)
    first, second = chars_to_lines(b + a, page=1)
    assert first.bold and first.text == "Key strengths"
    assert not second.bold


def test_fake_bold_duplicate_glyphs_are_one_glyph_and_the_line_is_bold():
    a, _ = word("Ofsted", 72)
    copy, _ = word("Ofsted", 72.4)  # the same line drawn again a hair to the right
    [line] = chars_to_lines(a + copy, page=1)
    assert line.text == "Ofsted" and line.bold


def test_a_glyph_drawn_twice_on_the_same_spot_is_not_bold():
    a, _ = word("Dear", 72)
    [line] = chars_to_lines(a + a, page=1)
    assert line.text == "Dear" and not line.bold


def test_vertically_overlapping_lines_stay_two_lines():
    # 11pt lines 8.5pt apart: their boxes overlap, their baselines do not
    a, _ = word("Dear partners", 72, top=100, size=11)
    b, _ = word("between us", 72, top=108.5, size=11)
    assert [ln.text for ln in chars_to_lines(a + b, page=1)] == ["Dear partners", "between us"]


def test_a_space_glyph_drawn_over_a_letter_adds_no_space():
    a, _ = word("Dear", 72)
    stray = [(" ", 73.0, 76.0, 100.0, 112.0, 12.0, False)]  # on top of the "D"
    [line] = chars_to_lines(a + stray, page=1)
    assert line.text == "Dear"


def test_a_space_glyph_after_its_letter_counts_even_when_slanted_boxes_overlap():
    # slanted type: each box is wider than the glyph's advance, so neighbours overlap
    chars = [("I", 72.0, 80.0, 100, 112, 12.0, False), ("t", 75.0, 83.0, 100, 112, 12.0, False),
             (" ", 79.0, 86.0, 100, 112, 12.0, False), ("w", 82.0, 94.0, 100, 112, 12.0, False)]
    [line] = chars_to_lines(chars, page=1)
    assert line.text == "It w"


def test_a_bullet_in_a_symbol_font_whose_box_sits_lower_joins_its_line():
    glyph = [("\uf06e", 72.0, 81.0, 100.0, 108.4, 12.0, False)]  # box bottom 3pt above the text's
    text, _ = word("Leaders act", 86, top=99.8)
    [line] = chars_to_lines(glyph + text, page=1)
    assert line.text == "\uf06e Leaders act"


def test_words_that_carry_their_space_pdfium_engine():
    chars = [("Case ", 72.0, 96.0, 100, 112, 12.0, False), ("study", 95.0, 122.0, 100, 112, 12.0, False)]
    [line] = chars_to_lines(chars, page=1)
    assert line.text == "Case study"


def test_signature_grid_columns_with_baselines_not_level_are_separate_lines():
    a, _ = word("Wendy Williams", 77, top=600.0)
    b, _ = word("Helen Davies", 309, top=603.5)
    lines = chars_to_lines(a + b, page=1)
    assert sorted(ln.text for ln in lines) == ["Helen Davies", "Wendy Williams"]


def test_touching_border_pieces_are_one_frame_and_lines_inside_get_it():
    from jtai_extract.document import Line
    from jtai_extract.lines import assign_frames, frames_of

    borders = [(70, 100, 525, 100.5), (70, 100, 70.5, 200), (524.5, 100, 525, 200), (70, 199.5, 525, 200),
               (70, 700, 216, 700.5)]  # a table cell's four borders, and a footnote rule
    frames = frames_of(borders, page=3, first_id=5, body_size=12, pitch=14.5)
    assert [(f.id, f.page, f.x0, f.top, f.x1, f.bottom) for f in frames] == [(5, 3, 70, 100, 525, 200)]
    inside, outside = Line("Case study", 3, 80, 200, 110, 122, 12), Line("Body", 3, 72, 300, 250, 262, 12)
    assign_frames([inside, outside], frames, body_size=12)
    assert (inside.frame, outside.frame) == (5, None)
