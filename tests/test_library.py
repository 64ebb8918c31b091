"""The library as its users call it: ``extract`` tags by default, takes a path, bytes or a binary
file object, and the documented examples (the package docstring, the README) run as shown."""

from __future__ import annotations

import doctest
import io
import re

import pytest

import jtai_extract
from jtai_extract import extract

from .conftest import ROOT, SAMPLES

ERA_A = SAMPLES / "fernmouth-2019-03.pdf"


def _findings(letter) -> list:
    return [*letter.strengths, *letter.areas_for_improvement, *letter.priority_actions, *letter.case_studies]


def test_extract_tags_findings_by_default_and_skips_tags_when_asked():
    # regression: extract("letter.pdf") silently gave findings with no tags
    tagged = extract(ERA_A)
    assert all(f.agencies or f.themes for f in _findings(tagged))
    plain = extract(ERA_A, tags=False)
    assert not any(f.agencies or f.themes or f.evidence for f in _findings(plain))


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview, io.BytesIO], ids=lambda w: w.__name__)
def test_extract_takes_bytes_and_binary_file_objects(wrap):
    # regression: bytes input raised TypeError
    from_path = extract(ERA_A).model_dump()
    got = extract(wrap(ERA_A.read_bytes())).model_dump()
    assert got["source"].pop("path") in ("<bytes>", "<stream>")
    from_path["source"].pop("path")
    assert got == from_path


def test_extract_takes_an_open_file_and_names_it_by_its_path():
    with open(ERA_A, "rb") as fh:
        assert extract(fh).source.path == str(ERA_A)


def test_a_text_mode_file_is_a_clear_type_error():
    with open(ERA_A, encoding="latin-1") as fh, pytest.raises(TypeError, match="binary mode"):
        extract(fh)
    with pytest.raises(TypeError, match="path, bytes or a binary file object"):
        extract(42)  # type: ignore[arg-type]


def test_the_package_docstring_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(jtai_extract, verbose=False)
    assert result.attempted >= 3 and result.failed == 0


def test_the_readme_library_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(from jtai_extract import extract\n.*?)```", readme, re.S)
    assert block, "the README's library example is missing"
    monkeypatch.chdir(SAMPLES)
    code = block.group(1).replace('"letter.pdf"', f'"{ERA_A.name}"')
    exec(compile(code, "README.md", "exec"), {})
    assert "S1" in capsys.readouterr().out
