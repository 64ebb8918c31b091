"""`make run` / `make test` on a machine with the wrong Python, or with a .venv left broken by a
failed install: one clear message and nothing half-installed (regression: a broken .venv was
reused and nothing told the user). Run in a copy of the Makefile, with a stand-in for an old
Python: nothing is installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ROOT

OLD_PYTHON = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "Python 3.9.18"; exit 0; fi
exit 1
"""


@pytest.fixture
def checkout(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    old = tmp_path / "python3.9"
    old.write_text(OLD_PYTHON)
    old.chmod(0o755)
    return tmp_path, old


def make(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=folder, capture_output=True, text=True,
                          timeout=60)


def test_a_too_old_python_is_named_with_how_to_choose_another_and_nothing_is_installed(checkout):
    folder, old = checkout
    done = make(folder, "install", f"PYTHON={old}")
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr and "Python 3.9.18" in done.stderr
    assert "make run PYTHON=" in done.stderr
    assert not (folder / ".venv").exists()


def test_a_broken_venv_is_noticed_and_rebuilt_not_reused(checkout):
    folder, old = checkout
    (folder / ".venv" / "bin").mkdir(parents=True)  # what a failed install leaves: no working python
    (folder / ".venv" / ".installed").touch()
    done = make(folder, "install", f"PYTHON={old}")
    assert ".venv is broken or incomplete" in done.stderr and "recreating it" in done.stderr
    assert not (folder / ".venv").exists()
