from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
# the two samples that show the two layouts of the letters (the others each reproduce one way
# that letters went wrong): tests that need a small, fixed set of letters use these
LAYOUT_SAMPLES = [SAMPLES / "fernmouth-2019-03.pdf", SAMPLES / "harrowgate-vale-2025-05.pdf"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def corpus_dir() -> Path | None:
    """The real letters, when ``$JTAI_CORPUS`` names them (as ``.ci/run`` does): the corpus tests
    are slow, so ``make test`` alone leaves them out."""
    env = os.environ.get("JTAI_CORPUS")
    path = Path(env) if env else None
    return path if path is not None and (path / "pdf").is_dir() else None


@pytest.fixture
def corpus() -> Path:
    path = corpus_dir()
    if path is None:
        pytest.skip("real corpus not available (set JTAI_CORPUS)")
    return path


@dataclass(frozen=True)
class LettersRun:
    """One run of the command over a folder of letters with ``--jsonl --sqlite``: the folder, the
    JSON Lines file and the database it wrote, and the letters' JSON."""

    folder: Path
    jsonl: Path
    db: Path
    letters: list[dict[str, Any]]


def _letters_run(folder: Path, out: Path) -> LettersRun:
    """Run in this process, one letter after another: no second start-up, no worker processes."""
    from typer.testing import CliRunner

    from jtai_extract.cli import app

    jsonl, db = out / "letters.jsonl", out / "letters.db"
    done = CliRunner().invoke(app, [str(folder), "--jsonl", "--sqlite", str(db), "--engine", "pdfium", "--quiet",
                                    "--jobs", "1"], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    jsonl.write_bytes(done.stdout_bytes)
    letters = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    return LettersRun(folder, jsonl, db, letters)


@pytest.fixture(scope="session")
def samples_run(tmp_path_factory) -> LettersRun:
    return _letters_run(SAMPLES, tmp_path_factory.mktemp("samples-run"))


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory) -> LettersRun:
    """The real letters, extracted once for every test that needs them all (skipped when absent)."""
    path = corpus_dir()
    if path is None:
        pytest.skip("real corpus not available (set JTAI_CORPUS)")
    return _letters_run(path / "pdf", tmp_path_factory.mktemp("corpus-run"))
