"""The README is checked: every option it shows exists, and its DuckDB example runs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import ROOT, corpus_dir

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_option_in_the_readme_exists():
    help_text = subprocess.run([sys.executable, "-m", "jtai_extract", "--help"], capture_output=True,
                               text=True, env={"COLUMNS": "200", "PATH": ""}).stdout
    shown = set(re.findall(r"`(--[a-z-]+)", README)) | set(re.findall(r"jtai-extract [^\n`]*?(--[a-z-]+)", README))
    assert shown, "the README shows no options"
    missing = [opt for opt in sorted(shown) if opt not in help_text]
    assert not missing


def test_the_readme_mentions_both_setup_commands():
    assert "make run" in README and "make test" in README


def test_duckdb_example_runs_on_jsonl_output(tmp_path, request):
    pytest.importorskip("duckdb")
    block = re.search(r"```python\n# readme-example: duckdb\n(.*?)```", README, re.S)
    assert block, "the DuckDB example is missing from the README"
    letters = request.getfixturevalue("corpus_run" if corpus_dir() else "samples_run")
    (tmp_path / "letters.jsonl").symlink_to(letters.jsonl)
    run = subprocess.run([sys.executable, "-c", block.group(1)], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "[(" in run.stdout
