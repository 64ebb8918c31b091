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


def _boxes_apart(a: object, b: object) -> tuple[object, object, list[float]]:
    """Both letters without their boxes, and how far apart each pair of box edges is (the two
    engines measure glyph boxes a fraction of a point apart)."""
    gaps: list[float] = []

    def strip(x: object, y: object) -> tuple[object, object]:
        if isinstance(x, dict) and isinstance(y, dict):
            if "boxes" in x:
                bx, by = x["boxes"], y.get("boxes", [])
                gaps.append(float(len(bx) != len(by)) * 99)
                gaps.extend(abs(p[k] - q[k]) for p, q in zip(bx, by, strict=False)
                            for k in ("x0", "top", "x1", "bottom"))
            pairs = {k: strip(x[k], y.get(k)) for k in x if k != "boxes"}
            return {k: v[0] for k, v in pairs.items()}, {k: v[1] for k, v in pairs.items()}
        if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            pairs = [strip(p, q) for p, q in zip(x, y, strict=True)]
            return [p for p, _ in pairs], [q for _, q in pairs]
        return x, y

    left, right = strip(a, b)
    return left, right, gaps


@pytest.mark.parametrize("name", sorted(p.stem for p in SAMPLES.glob("*.pdf")))
def test_pdfium_engine_gives_the_same_letter_as_pdfplumber(name):
    plumber = extract(SAMPLES / f"{name}.pdf", engine="pdfplumber", tags=False).model_dump()
    pdfium = extract(SAMPLES / f"{name}.pdf", engine="pdfium", tags=False).model_dump()
    plumber, pdfium, gaps = _boxes_apart(plumber, pdfium)
    assert pdfium == plumber
    assert max(gaps, default=0.0) < 1.0


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
