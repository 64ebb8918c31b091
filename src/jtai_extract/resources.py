"""Where the rule and lexicon data in ``models/`` are found, and how the TSV files are read."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


def models_dir() -> Path:
    """``$JTAI_MODELS``, else the repository's ``models/`` next to ``src/``."""
    env = os.environ.get("JTAI_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models"


def read_tsv(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    """Rows of a tab-separated data file as (line number, fields); '#' comments and blank lines
    skipped. A row with fewer fields than ``columns`` raises ValueError naming the line."""
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in raw.split("\t")]
        if len(fields) < columns or not all(fields[:columns]):
            raise ValueError(f"{path}:{number}: expected {columns} tab-separated fields, got {raw!r}")
        rows.append((number, fields))
    return rows


@cache
def model_rows(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(f) for _, f in read_tsv(models_dir() / name, columns))
