"""Over the real letters (JTAI_CORPUS; skipped when it is not set): a batch of
the corpus plus generated broken inputs. `.ci/run` runs these; the scores are `make eval`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jtai_extract import extract
from jtai_extract.output import to_json
from jtai_extract.tagging import Tagger

from .broken import make_broken_inputs

ENGINE = "pdfium"  # the scores of both engines are checked by `make eval`; this checks batching


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from .conftest import corpus_dir

    corpus = corpus_dir()
    if corpus is None:
        pytest.skip("real corpus not available (set JTAI_CORPUS)")
    folder = tmp_path_factory.mktemp("batch")
    letters = sorted((corpus / "pdf").glob("*.pdf"))
    for pdf in letters:
        (folder / pdf.name).symlink_to(pdf)
    expected = make_broken_inputs(folder / "broken")
    negative = sorted((corpus / "negatives").glob("*.pdf"))[0]
    (folder / "broken" / negative.name).symlink_to(negative)
    expected[negative.name] = "not_a_jtai_letter"
    out = tmp_path_factory.mktemp("out")
    done = subprocess.run([sys.executable, "-m", "jtai_extract", str(folder), "--out-dir", str(out), "--jobs", "2",
                           "--engine", ENGINE, "--quiet"], capture_output=True, text=True, timeout=1800)
    return folder, letters, expected, out, done


def test_batch_exits_1_and_reports_every_bad_input_with_its_code(batch):
    folder, _, expected, _, done = batch
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(expected)
    for name, code in expected.items():
        assert f"jtai-extract: {folder / 'broken' / name}: {code}: " in done.stderr


def test_every_letter_is_extracted_identical_to_a_single_file_run(batch):
    folder, letters, _, out, _ = batch
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(p.stem + ".json" for p in letters)  # no partial or temporary file
    tagger = Tagger.load()
    for pdf in letters:
        single = to_json(extract(str(folder / pdf.name), engine=ENGINE, tagger=tagger).model_dump(mode="json"))
        assert (out / f"{pdf.stem}.json").read_text(encoding="utf-8") == single + "\n", pdf.name


def test_every_letter_has_its_sections(batch):
    _, letters, _, out, _ = batch
    for pdf in letters:
        letter = json.loads((out / f"{pdf.stem}.json").read_text(encoding="utf-8"))
        assert letter["letter_date"] and letter["area"] and letter["theme"]["label"], pdf.name
        assert letter["areas_for_improvement"] or letter["priority_actions"], pdf.name
