"""Stage 6: outputs. Serialisers (JSON, JSON Lines, CSV) and the writers the command line drives.

Every output is a ``Writer``: ``begin`` once, ``write`` for each letter extracted (in input
order), ``failed`` for each input that failed, then ``end`` - or ``abort`` when the run is
interrupted, which leaves nothing half-written behind. ``STDOUT_FORMATS`` and ``FILE_OUTPUTS``
map each command-line flag to its writer, so a new format is one class and one registry row.

Outputs are deterministic: the same input gives the same bytes (no timestamps, stable key order).
Data on stdout is written as UTF-8 bytes whatever the platform's console encoding.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

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
    csv.writer(buf, lineterminator="\r\n").writerow(values)
    return buf.getvalue()


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
    """``DIR/<input stem>.json`` per input, each written atomically."""

    flag = "--out-dir"
    help = "write DIR/<stem>.json per input"

    def begin(self) -> None:
        self.used: set[str] = set()

    def write(self, letter: dict[str, Any]) -> None:
        from .batch import out_name, write_atomic

        write_atomic(self.target / out_name(letter["source"]["path"], self.used), to_json(letter) + "\n")


class OutputError(Exception):
    """A file output that could not be written (reported as one line; the run exits 1)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


class _HtmlWriter(FileWriter):
    """An HTML file built from every letter (and the inputs that failed), written atomically at
    the end: an interrupted run leaves nothing. ``_collector`` is ``report.Report`` or
    ``view.View`` (imported only when used: they bring Jinja2, pygal, Pillow)."""

    def _collector(self) -> Any:
        raise NotImplementedError

    def begin(self) -> None:
        self.collected = self._collector()

    def write(self, letter: dict[str, Any]) -> None:
        self.collected.add(letter)

    def failed(self, path: str, code: str, message: str) -> None:
        self.collected.add_failure(path, code, message)

    def end(self) -> None:
        try:
            self.collected.save()
        except OSError as exc:
            raise OutputError(str(self.target), exc.strerror or str(exc)) from None


class ReportWriter(_HtmlWriter):
    flag = "--report"
    help = "write one self-contained HTML report across the letters: table, charts, findings browser"

    def _collector(self) -> Any:
        from .report import Report

        return Report(self.target)


class ViewWriter(_HtmlWriter):
    flag = "--view"
    help = "write an HTML view of each letter's pages with the box of every extracted item drawn on them"

    def _collector(self) -> Any:
        from .view import View

        return View(self.target)


STDOUT_FORMATS: dict[str, type[Writer]] = {
    "json": JsonWriter, "jsonl": JsonlWriter, "csv": CsvWriter, "summary": SummaryWriter,
    "tag_counts": TagCountsWriter,
}
FILE_OUTPUTS: dict[str, type[FileWriter]] = {"out_dir": OutDirWriter, "report": ReportWriter, "view": ViewWriter}
