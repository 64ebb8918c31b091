"""Both PDF engines give the same letter; start-up commands import no heavy library; output
files are written atomically even when interrupted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jtai_extract import extract
from jtai_extract.batch import write_atomic

from .conftest import SAMPLES


@pytest.mark.parametrize("name", sorted(p.stem for p in SAMPLES.glob("*.pdf")))
def test_pdfium_engine_gives_the_same_letter_as_pdfplumber(name):
    plumber = extract(SAMPLES / f"{name}.pdf", engine="pdfplumber", tags=False).model_dump()
    pdfium = extract(SAMPLES / f"{name}.pdf", engine="pdfium", tags=False).model_dump()
    # glyph boxes differ by a fraction of a point between engines (advance width vs ink box)
    assert _boxes(pdfium) == pytest.approx(_boxes(plumber), abs=BOX_TOLERANCE_PT)
    assert pdfium == plumber


BOX_TOLERANCE_PT = 1.0


def _boxes(letter: dict) -> list[float]:
    """Pop every box out of the letter (in place) and return their coordinates in order."""
    coords: list[float] = []
    for section in ("narrative", "strengths", "areas_for_improvement", "priority_actions", "case_studies"):
        for item in letter[section]:
            for box in item.pop("boxes"):
                coords.extend([box["page"], box["x0"], box["top"], box["x1"], box["bottom"]])
    return coords


@pytest.mark.parametrize("flag", ["--version", "--help", "--schema"])
def test_startup_commands_import_neither_spacy_nor_pdf_libraries(flag):
    heavy = "('spacy', 'pdfplumber', 'pypdfium2', 'pdfminer')"
    code = (f"import sys\nfrom jtai_extract import cli\ntry:\n    cli.app([{flag!r}])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {heavy} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "letter.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_whole(tmp_path):
    target = tmp_path / "letter.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["letter.json"]
