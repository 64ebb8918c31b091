"""Fuzzing: thousands of mutated PDFs and texts must give a Letter or an ExtractError, never any
other exception. Short in `make test`; `.ci/run` sets JTAI_FUZZ_EXAMPLES=2000 for a long run."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtai_extract import ExtractError, extract
from jtai_extract.readers import Source

from .conftest import FIXTURES, SAMPLES

EXAMPLES = int(os.environ.get("JTAI_FUZZ_EXAMPLES", "40"))
SEEDS = [(SAMPLES / "harrowgate-vale-2025-05.pdf").read_bytes(), (SAMPLES / "fernmouth-2019-03.pdf").read_bytes(),
         (FIXTURES / "era-a-letter.txt").read_bytes()]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "splice", "zero", "dup"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[pos: pos + draw(st.integers(1, 4096))]
        elif kind == "splice":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "zero":
            data[pos: pos + 64] = bytes(min(64, len(data) - pos))
        elif kind == "dup" and data:
            data[pos:pos] = data[pos: pos + draw(st.integers(1, 2048))]
    return bytes(data)


def _extract_or_refuse(data: bytes, engine: str) -> None:
    try:
        letter = extract(Source("fuzz", data), engine=engine)
    except ExtractError as exc:
        assert exc.code in {"unreadable", "not_a_pdf", "encrypted", "no_text_layer", "not_a_jtai_letter", "empty"}
    else:
        assert letter.schema_version == 1


@FUZZ
@given(data=mutated(), engine=st.sampled_from(["pdfplumber", "pdfium"]))
def test_mutated_inputs_never_raise_anything_else(data, engine):
    _extract_or_refuse(data, engine)


@FUZZ
@given(text=st.text(max_size=3000))
def test_arbitrary_text_never_raises_anything_else(text):
    _extract_or_refuse(text.encode("utf-8"), "pdfplumber")


@settings(max_examples=max(EXAMPLES // 4, 10), deadline=None, derandomize=True)
@given(lines=st.lists(st.sampled_from([
    "Dear local partnership", "Joint targeted area inspection of Nowhere", "Key strengths", "Strengths",
    "\u25fc A finding.", "\u2212 a sub-bullet", "o", "Next steps", "Yours sincerely", "1", "", "\f",
    "Between 3 and 7 May 2021", "by 30 February 2021", "Case study: area for improvement", "Ofsted",
    "Areas for priority action: There are no areas for priority action", "What needs to improve?"]), max_size=60))
def test_letter_shaped_text_never_raises_anything_else(lines):
    _extract_or_refuse("\n".join(lines).encode("utf-8"), "pdfplumber")


def test_a_short_ci_fuzz_run_passes():
    """scripts/fuzz.py (5,000 cases in .ci/run): here a few dozen, crafted kinds included."""
    import importlib.util
    import sys

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("fuzz_run", ROOT / "scripts" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    fuzz_run = sys.modules["fuzz_run"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz_run)
    lines: list[str] = []
    assert fuzz_run.fuzz(16, quick=True, timeout_s=20, report=lines.append) == []
    assert lines[0] == "fuzz cases: 16 count"
    assert any(line.startswith("fuzz outcome extracted: ") for line in lines)
    assert any(line.startswith("fuzz outcome too_large: ") for line in lines)  # the bombs
    assert any(line.startswith("fuzz slowest case: ") for line in lines)
    assert any(line.startswith("fuzz peak worker memory: ") for line in lines)
