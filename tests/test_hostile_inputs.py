"""Odd and hostile inputs are read, or refused with one clear code, never a hang: named pipes
and devices, deep folders, text in other encodings, rotated pages, damage one engine repairs,
long prose that is not a letter, and the PDF libraries' own warnings (reported, not printed)."""

from __future__ import annotations

import functools
import logging
import os
import warnings

import pytest

from jtai_extract import ExtractError, extract
from jtai_extract.batch import expand
from jtai_extract.capture import MAX_LIBRARY_WARNINGS, library_warnings
from jtai_extract.readers import decode_text, sniff_format

from . import hostile


@functools.cache
def _reference(engine: str) -> str:
    return _content(extract(hostile.SAMPLE_PDF, engine=engine))


def _content(letter) -> str:
    """What a reader of the letter gets: every field and finding's text, not where it is on the
    page (a page without /MediaBox is given another size), nor the warnings or the input's hash."""
    data = letter.model_dump()
    data["source"] = data["source"]["pages"]
    data.pop("warnings")
    for section in ("narrative", "strengths", "areas_for_improvement", "priority_actions", "case_studies"):
        for item in data[section]:
            item.pop("boxes")
    return repr(data)


def _same_letter(letter, engine: str) -> bool:
    """The letter read from a damaged or rotated copy is the sample's, read by ``engine``."""
    return _content(letter) == _reference(engine)


# --- what is read from folders and paths (repro 06, 18, 19) -----------------------------------

def test_a_named_pipe_in_a_folder_is_skipped_and_given_directly_is_refused(tmp_path):
    hostile.write(tmp_path, "a.txt", hostile.text_letter())
    os.mkfifo(tmp_path / "b.pdf")  # nobody writes to it: opening it to read would block for ever
    assert [i.path.rsplit("/", 1)[-1] for i in expand([str(tmp_path)])] == ["a.txt"]
    with pytest.raises(ExtractError) as caught:
        extract(tmp_path / "b.pdf")
    assert caught.value.code == "unreadable" and "named pipe" in caught.value.message


def test_a_symlink_to_a_device_is_skipped_in_a_folder_and_refused_directly(tmp_path):
    hostile.write(tmp_path, "a.txt", hostile.text_letter())
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # endless: reading it would fill the memory
    assert [i.path.rsplit("/", 1)[-1] for i in expand([str(tmp_path)])] == ["a.txt"]
    with pytest.raises(ExtractError) as caught:
        extract(tmp_path / "zero.txt")
    assert caught.value.code == "unreadable" and "a device" in caught.value.message


def test_a_letter_under_1100_nested_folders_is_found(tmp_path):
    # repro 19: the folder walk recursed once per level
    with hostile.scratch_folder(tmp_path) as top, hostile.deep_folders(top, "d", 1100) as deep:
        hostile.write(deep, "a.txt", hostile.text_letter())
        [item] = expand([str(top)])
        assert item.error is None and item.path == str(deep / "a.txt") and deep.relative_to(top).parts == ("d",) * 1100


def test_a_symlink_loop_of_folders_is_not_followed(tmp_path):
    hostile.write(tmp_path, "a.txt", hostile.text_letter())
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [i.path.rsplit("/", 1)[-1] for i in expand([str(tmp_path)])] == ["a.txt"]


# --- text letters in other encodings (repro 11) ----------------------------------------------------

@pytest.mark.parametrize("encode,said", [
    (lambda t: t.encode("cp1252", "replace"), "Windows-1252"),
    (lambda t: t.encode("utf-16"), "UTF-16"),
    (lambda t: t.encode("utf-16-le"), "UTF-16"),
    (lambda t: t.encode("utf-8").replace(b"Midshire", b"Midsh\xefre", 1), "1 byte(s)"),
], ids=["windows-1252", "utf-16-bom", "utf-16-no-bom", "utf-8-with-a-latin-1-byte"])
def test_a_text_letter_not_in_utf8_is_decoded_and_the_warning_says_how(encode, said):
    letter = extract(encode(hostile.text_letter()))
    assert letter.area == "Midshire" and len(letter.strengths) == 2
    assert any(said in w for w in letter.warnings)


def test_a_text_letter_that_mentions_a_pdf_header_is_still_text():
    text = hostile.text_letter().replace("\n", "\nAttached: scan.pdf (%PDF-1.4)\n", 1)
    assert sniff_format(text.encode()) == "text"
    assert extract(text.encode()).area == "Midshire"


def test_utf8_text_needs_no_warning_and_binary_is_still_refused():
    assert decode_text("Café – ‘quoted’".encode()) == ("Café – ‘quoted’", None)
    with pytest.raises(ExtractError) as caught:
        sniff_format(bytes(range(256)) * 16)
    assert caught.value.code == "not_a_pdf"


# --- PDFs: rotation, damage one engine repairs (repro 10, 24, 13) ---------------------------------------

@pytest.mark.parametrize("degrees", [90, 180, 270])
@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_rotated_pages_are_read_as_drawn_by_both_engines(engine, degrees):
    rotated = hostile.rotated(hostile.SAMPLE_PDF.read_bytes(), degrees)
    assert _same_letter(extract(rotated, engine=engine), engine)


@pytest.mark.parametrize("damage", [hostile.shifted_offsets, hostile.without_mediabox],
                         ids=["xref-offsets-shifted", "no-mediabox"])
def test_damage_pdfminer_cannot_read_is_read_by_pdfium_with_a_warning(damage):
    letter = extract(damage(hostile.SAMPLE_PDF.read_bytes()), engine="pdfplumber")
    assert any(w.startswith("read with pdfium: pdfplumber could not parse the file") for w in letter.warnings)
    assert _same_letter(letter, "pdfium")


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_a_pdf_cut_short_in_its_trailer_is_read_whole_with_a_warning(engine):
    letter = extract(hostile.cut_in_trailer(hostile.SAMPLE_PDF.read_bytes()), engine=engine)
    assert any("cut short after its last object" in w for w in letter.warnings)
    assert _same_letter(letter, engine)


def test_a_pdf_cut_inside_its_objects_is_still_unreadable():
    data = hostile.SAMPLE_PDF.read_bytes()
    with pytest.raises(ExtractError) as caught:
        extract(data[: len(data) // 2], engine="pdfplumber")
    assert caught.value.code in ("unreadable", "no_text_layer")


def test_pdfminer_log_records_become_warnings_and_are_not_printed(capsys):
    letter = extract(hostile.without_mediabox(hostile.SAMPLE_PDF.read_bytes()), engine="pdfplumber")
    assert any(w.startswith("pdfminer: MediaBox missing") for w in letter.warnings)
    assert capsys.readouterr().err == ""


def test_library_warnings_are_collected_deduplicated_and_capped(capsys):
    with library_warnings() as said:
        for n in range(20):
            logging.getLogger("pdfminer.pdfpage").warning("object %d is odd\x1b[2J", n % 8)
        warnings.warn("a Python warning from a library", UserWarning, stacklevel=1)
    assert len(said) == MAX_LIBRARY_WARNINGS + 1 and said[0] == "pdfminer: object 0 is odd\\x1b[2J"
    assert said[-1] == "(and 4 more warnings from the PDF library)"
    assert capsys.readouterr().err == ""
    assert logging.getLogger("pdfminer").propagate  # put back as it was


# --- long prose that is not a letter is decided early (repro 25) --------------------------------------

def test_long_text_that_names_no_jtai_is_refused_before_it_is_split_into_lines(monkeypatch):
    import jtai_extract.readers as readers

    def never(text):
        raise AssertionError("the whole text was split into lines")

    monkeypatch.setattr(readers, "read_text", never)
    prose = ("The partnership has improved how it responds to children at risk. " * 40 + "\n") * 600
    with pytest.raises(ExtractError) as caught:
        extract(prose.encode())
    assert caught.value.code == "not_a_jtai_letter" and len(prose) > (1 << 20)
