"""Every kind of bad input gets its contract error code, with both engines (library), and a
folder that cannot be read is reported without stopping the batch."""

from __future__ import annotations

import pytest

from jtai_extract import ExtractError, extract
from jtai_extract.batch import Input, expand, extract_one

from .broken import make_broken_inputs


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    return folder, make_broken_inputs(folder)


@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_each_broken_input_gets_its_code(broken, engine):
    folder, expected = broken
    for name, code in expected.items():
        with pytest.raises(ExtractError) as caught:
            extract(folder / name, engine=engine)
        assert caught.value.code == code, name


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(ExtractError) as caught:
        extract(tmp_path / "nothing.pdf")
    assert caught.value.code == "not_found"


def test_unreadable_folder_is_reported_and_the_rest_expanded(tmp_path, monkeypatch):
    import os

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("x")
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):  # root reads any folder, so denial is simulated
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    inputs = expand([str(tmp_path)])
    assert [(i.path.rsplit("/", 1)[-1], i.error.code if i.error else None) for i in inputs] == [
        ("locked", "unreadable"), ("a.txt", None)]
    assert extract_one(inputs[0]).error.code == "unreadable"


def test_a_bug_of_ours_is_an_internal_error_with_its_message_not_blamed_on_the_pdf(monkeypatch):
    # regression: a missing data file in a wheel came out as "unreadable: could not be processed"
    import jtai_extract.pipeline as pipeline

    def boom(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "models/sections.tsv")

    monkeypatch.setattr(pipeline, "extract", boom)
    result = extract_one(Input("x.pdf", data=b"%PDF-1.4"))
    assert result.error.code == "internal_error"
    assert "FileNotFoundError" in result.error.message and "models/sections.tsv" in result.error.message
    assert "Traceback" in result.traceback
