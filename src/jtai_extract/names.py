"""How an input's path becomes a name: the same on every operating system, so a letter read from
``C:\\letters\\bexley.pdf`` on Windows and ``letters/bexley.pdf`` elsewhere is ``bexley`` in
every output (CSV ``letter``, ``--out-dir`` file names, the progress bar)."""

from __future__ import annotations

STDIN = "-"


def display_name(path: str) -> str:
    """The last part of a path, whichever separator it uses."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def letter_stem(path: str) -> str:
    """The file name without its extension: the letter's id in tabular outputs ('stdin' for -)."""
    if path == STDIN:
        return "stdin"
    name = display_name(path)
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name
