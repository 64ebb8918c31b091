"""Stage 6: outputs. Serialisers (JSON, JSON Lines, CSV) and the writers the command line drives.

Every output is a ``Writer``: ``begin`` once, ``write`` for each letter extracted (in input
order), ``failed`` for each input that failed, then ``end`` - or ``abort`` when the run is
interrupted, which leaves nothing half-written behind. ``STDOUT_FORMATS`` and ``FILE_OUTPUTS``
map each command-line flag to its writer, so a new format is one class and one registry row.

Outputs are deterministic: the same input gives the same bytes (no timestamps, stable key order).
Data on stdout is written as UTF-8 bytes whatever the platform's console encoding.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

from .errors import ExtractError, escape_controls
from .names import letter_stem

CSV_COLUMNS = ["letter", "area", "letter_date", "theme", "section", "id", "text", "agencies", "themes", "pages"]
FINDING_SECTIONS = ("strengths", "areas_for_improvement", "priority_actions", "case_studies")


# --- serialisers ----------------------------------------------------------------------------

def to_json(letter: Any, indent: int | None = 2) -> str:
    if indent is None:
        return json.dumps(letter, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(letter, ensure_ascii=False, indent=indent)


def csv_header() -> str:
    return _csv_line(CSV_COLUMNS)


def to_csv_rows(letter: dict[str, Any]) -> str:
    """One row per finding (strengths, areas for improvement, priority actions, case studies)."""
    out = []
    stem = letter_stem(letter["source"]["path"])
    theme = (letter.get("theme") or {}).get("label") or ""
    for section in FINDING_SECTIONS:
        for item in letter.get(section) or []:
            out.append(_csv_line([stem, letter.get("area") or "", letter.get("letter_date") or "", theme, section,
                                  item["id"], item["text"], ";".join(item["agencies"]), ";".join(item["themes"]),
                                  ";".join(str(p) for p in item["pages"])]))
    return "".join(out)


def _csv_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([csv_cell(v) for v in values])
    return buf.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: control characters escaped (an escape sequence in a
    letter cannot reach a terminal through ``--csv``), and a cell that would start a formula
    (=, +, -, @, tab, CR: "CSV injection") prefixed with a single quote, as OWASP advises."""
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return escape_controls(value)


def tag_counts(letters: list[dict[str, Any]], labels: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """(kind, label, findings tagged) for every label, over the findings of all letters."""
    counts: dict[str, int] = {}
    for letter in letters:
        _count_tags(letter, counts)
    return [(kind, label, counts.get(label, 0)) for kind, label in labels]


def _count_tags(letter: dict[str, Any], counts: dict[str, int]) -> None:
    for section in FINDING_SECTIONS:
        for item in letter.get(section) or []:
            for label in {*item["agencies"], *item["themes"]}:
                counts[label] = counts.get(label, 0) + 1


def tag_counts_tsv(rows: list[tuple[str, str, int]]) -> str:
    return "kind\tlabel\tfindings\n" + "".join(f"{k}\t{lab}\t{n}\n" for k, lab, n in rows)


# --- writers --------------------------------------------------------------------------------

@dataclass
class RunOptions:
    """What writers need to know about the run, set by the command line."""

    many: bool = False  # a folder or several paths were given: --json writes an array
    explain: bool = False
    taxonomy: str | None = None
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    progress: Any = None  # terminal.ProgressBar, paused while the summary view prints


class Writer:
    """One output of a run. Subclasses override what they need."""

    flag: ClassVar[str] = ""
    help: ClassVar[str] = ""

    def __init__(self, options: RunOptions) -> None:
        self.options = options

    def begin(self) -> None:
        """Before the first letter."""

    def write(self, letter: dict[str, Any]) -> None:
        """One extracted letter (its JSON as a dict)."""

    def failed(self, path: str, code: str, message: str) -> None:
        """An input that could not be extracted (already reported on stderr)."""

    def end(self) -> None:
        """After the last input."""

    def abort(self) -> None:
        """Instead of ``end`` when the run is interrupted: leave nothing half-written."""

    def emit(self, text: str) -> None:
        """Data to stdout, as UTF-8, flushed so a pipe sees each record as it is made."""
        stream = self.options.stdout
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            stream.write(text)
            stream.flush()


class JsonWriter(Writer):
    flag = "--json"
    help = "one JSON object for one file; an array for a folder or several inputs ([] when none succeeded)"

    def begin(self) -> None:
        self.letters: list[dict[str, Any]] = []

    def write(self, letter: dict[str, Any]) -> None:
        self.letters.append(letter)

    def end(self) -> None:
        if self.options.many:
            self.emit(to_json(self.letters) + "\n")
        elif self.letters:
            self.emit(to_json(self.letters[0]) + "\n")


class JsonlWriter(Writer):
    flag = "--jsonl"
    help = "one compact JSON object per line, written as each input finishes"

    def write(self, letter: dict[str, Any]) -> None:
        self.emit(to_json(letter, indent=None) + "\n")


class CsvWriter(Writer):
    flag = "--csv"
    help = "one CSV row per finding"

    def begin(self) -> None:
        self.emit(csv_header())

    def write(self, letter: dict[str, Any]) -> None:
        self.emit(to_csv_rows(letter))


class SummaryWriter(Writer):
    flag = "--summary"
    help = "the readable summary, even when piped"

    def begin(self) -> None:
        from rich.console import Console

        tty = self.options.stdout.isatty()
        self.console = Console(file=self.options.stdout, width=None if tty else 110)

    def write(self, letter: dict[str, Any]) -> None:
        from .terminal import print_summary

        progress = self.options.progress
        if progress is None:
            print_summary(letter, self.console, explain=self.options.explain)
            return
        with progress.paused():
            print_summary(letter, self.console, explain=self.options.explain)


class TagCountsWriter(Writer):
    flag = "--tag-counts"
    help = "per label, how many findings it tagged (TSV)"

    def begin(self) -> None:
        self.counts: dict[str, int] = {}

    def write(self, letter: dict[str, Any]) -> None:
        _count_tags(letter, self.counts)

    def end(self) -> None:
        from .tagging import Tagger

        labels = Tagger.load(self.options.taxonomy).labels()
        self.emit(tag_counts_tsv([(kind, label, self.counts.get(label, 0)) for kind, label in labels]))


class FileWriter(Writer):
    """An output to a file or folder the user names (``target``), alongside any stdout format."""

    def __init__(self, options: RunOptions, target: Path) -> None:
        super().__init__(options)
        self.target = target


class OutDirWriter(FileWriter):
    """``DIR/<input stem>.json`` per input, each written atomically. Names are given in input
    order to every input, failed or not, so a name always means the same input; a failed
    input's file from an earlier run is removed (it would look like a fresh result). A folder
    that cannot be made or written is an ``ExtractError`` from ``begin``; a write that fails
    later (disk full) is one from ``write``, for that input alone."""

    flag = "--out-dir"
    help = "write DIR/<stem>.json per input"

    def begin(self) -> None:
        from .batch import make_folders, remove_stale_temporaries

        self.used: set[str] = set()
        try:
            make_folders(self.target)
            probe = self.target / f".jtai-extract-probe.{os.getpid()}.check.tmp"  # (cleared like a temporary file)
            probe.touch()
            probe.unlink()
        except OSError as exc:
            raise ExtractError("write_error", f"cannot write into the output folder: {_os_message(exc)}") from None
        remove_stale_temporaries(self.target)

    def write(self, letter: dict[str, Any]) -> None:
        from .batch import out_name, write_atomic

        target = self.target / out_name(letter["source"]["path"], self.used)
        try:
            write_atomic(target, to_json(letter) + "\n")
        except OSError as exc:
            _remove(target)
            raise ExtractError("write_error", f"cannot write {target}: {_os_message(exc)}") from None

    def failed(self, path: str, code: str, message: str) -> None:
        from .batch import out_name

        if code == "write_error":
            return  # its name was taken (and its file removed) by write
        _remove(self.target / out_name(path, self.used))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _os_message(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_all(writers: list[Writer], letter: dict[str, Any]) -> ExtractError | None:
    """Give one letter to every writer; the first write that failed (the others still get it)."""
    error: ExtractError | None = None
    for writer in writers:
        try:
            writer.write(letter)
        except ExtractError as exc:
            error = error or exc
    return error


STDOUT_FORMATS: dict[str, type[Writer]] = {
    "json": JsonWriter, "jsonl": JsonlWriter, "csv": CsvWriter, "summary": SummaryWriter,
    "tag_counts": TagCountsWriter,
}
FILE_OUTPUTS: dict[str, type[FileWriter]] = {"out_dir": OutDirWriter}
