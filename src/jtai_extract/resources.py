"""Where the rule and lexicon data are found, and how the TSV files are read.

The data ship inside the package (``jtai_extract/models/``, read with ``importlib.resources``),
so an installed wheel is complete; ``$JTAI_MODELS`` may point at another folder of the same
layout (a user's own rules, or a checkout being edited).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def models_dir() -> Traversable:
    """``$JTAI_MODELS``, else the package's own ``models/`` data folder."""
    env = os.environ.get("JTAI_MODELS")
    if env:
        return Path(env)
    return resources.files("jtai_extract") / "models"


def read_tsv(path: Traversable, columns: int) -> list[tuple[int, list[str]]]:
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


def data_files(folder: str, suffix: str = ".tsv") -> list[Traversable]:
    """The files of a data sub-folder (e.g. ``lexicons``) ending in ``suffix``, by name."""
    found = [p for p in (models_dir() / folder).iterdir() if p.name.endswith(suffix) and p.is_file()]
    return sorted(found, key=lambda p: p.name)


@dataclass(frozen=True, slots=True)
class Label:
    """A label of TAXONOMY.md: ``kind`` is agency, theme or letter_theme."""

    kind: str
    slug: str
    name: str
    definition: str


@cache
def labels() -> tuple[Label, ...]:
    """Every label with its readable name and definition (``models/labels.tsv``)."""
    return tuple(Label(*row[:4]) for row in model_rows("labels.tsv", 4))
