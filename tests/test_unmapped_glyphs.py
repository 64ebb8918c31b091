"""Glyphs the PDF gives no Unicode for (a font without /ToUnicode, repro 20): a symbol font's
glyph alone at the start of a line before a gap is a bullet, whatever its code; pdfminer's
"(cid:N)" never reaches the text; the letter warns."""

from __future__ import annotations

import pytest

from jtai_extract import extract
from jtai_extract.lines import BULLET, UNMAPPED_SYMBOL, chars_to_lines, symbol_font

from .unmapped import AREAS, STRENGTHS, make_unmapped_bullets_letter


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory):
    return make_unmapped_bullets_letter(tmp_path_factory.mktemp("unmapped") / "fernhollow-2026-03.pdf")


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_unmapped_symbol_bullets_are_read_as_bullets(letter_pdf, engine):
    letter = extract(letter_pdf, engine=engine, tags=False).model_dump(mode="json")
    assert [s["text"] for s in letter["strengths"]] == STRENGTHS
    assert [a["text"] for a in letter["areas_for_improvement"]] == AREAS
    assert any("no Unicode mapping" in w and w.startswith("5 glyph") for w in letter["warnings"])
    dumped = str(letter)
    assert "(cid:" not in dumped and UNMAPPED_SYMBOL not in dumped


def _word(text, x0, x1, top=100.0, size=11.0):
    return (text, x0, x1, top, top + size, size, False)


def test_an_unmapped_symbol_opening_a_line_before_a_gap_is_a_bullet():
    chars = [_word(UNMAPPED_SYMBOL, 72, 77), _word("Partners", 90, 130), _word("meet", 133, 155)]
    assert [ln.text for ln in chars_to_lines(chars, 1)] == [f"{BULLET} Partners meet"]


def test_an_unmapped_symbol_inside_a_line_is_left_out():
    chars = [_word("Partners", 72, 112), _word(UNMAPPED_SYMBOL, 115, 120), _word("meet", 123, 145)]
    assert [ln.text for ln in chars_to_lines(chars, 1)] == ["Partners meet"]


@pytest.mark.parametrize(("name", "symbol"), [("ABCDEF+Wingdings-Regular", True), ("SymbolMT", True),
                                              ("ZapfDingbats", True), ("ABCDEF+Tahoma-Bold", False),
                                              ("ArialMT", False)])
def test_symbol_fonts_are_told_by_name(name, symbol):
    assert symbol_font(name) is symbol
