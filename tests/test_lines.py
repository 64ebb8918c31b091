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
