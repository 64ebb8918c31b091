"""Stage 6: outputs. Serialisers (JSON, JSON Lines, CSV) and the writers the command line drives.

Every output is a ``Writer``: ``begin`` once, ``write`` for each letter extracted (in input
order; ``skipped`` instead for a letter the run's filters left no finding of), ``failed`` for each
input that failed, then ``end`` - or ``abort`` when the run is interrupted, which leaves nothing
half-written behind. A writer that cannot write raises ``OutputError``; one that cannot write
one letter's own file (``--out-dir``: disk full) raises ``LetterNotWritten`` for that letter alone.

``STDOUT_FORMATS`` and ``FILE_OUTPUTS`` map each command-line flag to its writer, so a new format
is one class, one registry row and its option in ``cli.run`` (whose parameter is named as the
registry key); a large writer lives in its own module, imported only when used
(``sqlite_output``, ``xlsx_output``). ``deliver`` applies the run's filters (``filters.py``)
once, before any writer sees a letter.

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

from .errors import escape_controls
from .filters import FINDING_LISTS, NARRATIVE, Filters
from .names import letter_stem

# The CSV's columns: the contract's first, in their order; later additions after them.
CSV_COLUMNS = ["letter", "area", "letter_date", "theme", "section", "id", "text", "agencies", "themes", "pages",
               "subheading", "kind", "heading", "inspection_start", "inspection_end", "deadline"]
LETTER_COLUMNS = ["letter", "area", "letter_date", "theme", "inspection_start", "inspection_end", "deadline",
                  "inspectorates", "strengths", "areas_for_improvement", "priority_actions", "case_studies", "title",
                  "path", "sha256"]
FINDING_SECTIONS = FINDING_LISTS  # the four lists of findings (the narrative is the fifth list of a letter)
UTF8_BOM = "\ufeff"  # lets Excel, opening a CSV by a double-click, read it as UTF-8
TAG_COUNT_GROUPS = ("label", "section", "letter")  # --tag-counts --by


# --- serialisers ----------------------------------------------------------------------------

def to_json(letter: Any, indent: int | None = 2) -> str:
    """The JSON text of plain data, as ``json.dumps(ensure_ascii=False)`` writes it, by pydantic's
    compiled encoder (Python's own is pure Python when indenting: a tenth of a fast letter's time).
    The one difference is the spelling of tiny floats (0.00001, not 1e-05): the same numbers."""
    from pydantic_core import to_json as compiled

    try:
        return compiled(letter, indent=indent).decode("utf-8")
    except (ValueError, TypeError, UnicodeError):  # what it cannot encode (a lone surrogate): Python's way
        pass
    if indent is None:
        return json.dumps(letter, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(letter, ensure_ascii=False, indent=indent)


def csv_header() -> str:
    return _csv_line(CSV_COLUMNS)


def finding_rows(letter: dict[str, Any], lists: tuple[str, ...] = FINDING_SECTIONS) -> list[list[str]]:
    """The one-row-per-finding table (CSV, the xlsx findings sheet), in ``CSV_COLUMNS`` order, every
    value a string ('' for none, lists joined with ';'). ``kind`` and ``heading`` are a case study's
    (or a narrative paragraph's section and heading, when the narrative is asked for)."""
    stem = letter_stem(letter["source"]["path"])
    theme = (letter.get("theme") or {}).get("label") or ""
    inspection = letter.get("inspection") or {}
    deadline = _deadline_dates(letter)
    rows = []
    for section in lists:
        for item in letter.get(section) or []:
            kind = item.get("section") if section == NARRATIVE else item.get("kind")
            rows.append([stem, letter.get("area") or "", letter.get("letter_date") or "", theme, section,
                         item["id"], item["text"], ";".join(item["agencies"]), ";".join(item["themes"]),
                         ";".join(str(p) for p in item["pages"]), item.get("subheading") or "", kind or "",
                         item.get("heading") or "", inspection.get("start") or "", inspection.get("end") or "",
                         deadline])
    return rows


def letter_row(letter: dict[str, Any]) -> list[str | int]:
    """One letter's row of the letters table (the xlsx letters sheet), in ``LETTER_COLUMNS`` order:
    its fields and how many findings of each list it holds."""
    theme = letter.get("theme") or {}
    inspection = letter.get("inspection") or {}
    source = letter["source"]
    return [letter_stem(source["path"]), letter.get("area") or "", letter.get("letter_date") or "",
            theme.get("label") or "", inspection.get("start") or "", inspection.get("end") or "",
            _deadline_dates(letter), ";".join(letter.get("inspectorates") or []),
            *(len(letter.get(name) or []) for name in FINDING_SECTIONS),
            letter.get("title") or "", source["path"], source["sha256"]]


def _deadline_dates(letter: dict[str, Any]) -> str:
    return ";".join(d["date"] for d in letter.get("deadlines") or [] if d.get("date"))


def to_csv_rows(letter: dict[str, Any], lists: tuple[str, ...] = FINDING_SECTIONS) -> str:
    """One CSV row per finding (strengths, areas for improvement, priority actions, case studies)."""
    return "".join(_csv_line(row) for row in finding_rows(letter, lists))


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


TagKey = tuple[str, str]  # (kind, label)


def tag_counts(letters: list[dict[str, Any]], labels: list[TagKey],
               lists: tuple[str, ...] = FINDING_SECTIONS) -> list[tuple[str, str, int]]:
    """(kind, label, findings tagged) for every label, over the findings of all letters."""
    counts: Counter[TagKey] = Counter()
    for letter in letters:
        for section in lists:
            counts.update(_count_tags(letter.get(section) or []))
    return [(kind, label, counts[kind, label]) for kind, label in labels]


def _count_tags(items: list[dict[str, Any]]) -> Counter[TagKey]:
    """Per (kind, label), how many of ``items`` it tags."""
    counts: Counter[TagKey] = Counter()
    for item in items:
        counts.update([("agency", a) for a in set(item["agencies"])] + [("theme", t) for t in set(item["themes"])])
    return counts


def tag_counts_tsv(rows: list[tuple[str, str, int]]) -> str:
    return "kind\tlabel\tfindings\n" + "".join(f"{k}\t{lab}\t{n}\n" for k, lab, n in rows)


# --- writers --------------------------------------------------------------------------------

@dataclass
class RunOptions:
    """What writers need to know about the run, set by the command line."""

    many: bool = False  # a folder or several paths were given: --json writes an array
    explain: bool = False
    full: bool = False  # the summary shows findings whole
    taxonomy: str | None = None
    filters: Filters = field(default_factory=Filters)  # already applied to what ``write`` gets
    tag_counts_by: str = "label"  # one of TAG_COUNT_GROUPS
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    progress: Any = None  # terminal.ProgressBar, paused while the summary view prints


class OutputError(Exception):
    """An output that cannot be written (its file is not what it should be, or the disk refuses):
    reported as ``jtai-extract: PATH: CODE: message``."""

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(message)
        self.path, self.code, self.message = path, code, message


class LetterNotWritten(OutputError):
    """One letter's own output file could not be written (``--out-dir``: disk full, no
    permission): that letter counts as failed, with one line, and the run goes on."""


def make_parent(target: Path) -> None:
    """The folder an output file goes in, made if missing; OutputError saying why it cannot be."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(str(target), "unwritable", f"{exc.filename or target.parent} is not a folder") from None
    except OSError as exc:
        raise OutputError(str(target), "unwritable",
                          f"cannot make the folder {target.parent}: {exc.strerror or exc}") from None
    if target.is_dir():
        raise OutputError(str(target), "unwritable", "is a folder: name a file")


class Writer:
    """One output of a run. Subclasses override what they need."""

    flag: ClassVar[str] = ""
    help: ClassVar[str] = ""

    def __init__(self, options: RunOptions) -> None:
        self.options = options

    def begin(self) -> None:
        """Before the first letter."""

    def write(self, letter: dict[str, Any]) -> None:
        """One extracted letter (its JSON as a dict, the run's filters applied)."""

    def skipped(self, letter: dict[str, Any]) -> None:
        """An extracted letter none of whose findings passed the run's filters (not written)."""

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


def deliver(writers: list[Writer], letter: dict[str, Any], filters: Filters) -> list[LetterNotWritten]:
    """One extracted letter to every writer: filtered once here, so all outputs hold the same.
    Returns the writers' ``LetterNotWritten`` (the others still got the letter)."""
    kept = filters.apply(letter)
    lost: list[LetterNotWritten] = []
    for writer in writers:
        try:
            if kept is None:
                writer.skipped(letter)
            else:
                writer.write(kept)
        except LetterNotWritten as exc:
            lost.append(exc)
    return lost


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
    bom: ClassVar[bool] = False

    def begin(self) -> None:
        self.emit((UTF8_BOM if self.bom else "") + csv_header())

    def write(self, letter: dict[str, Any]) -> None:
        self.emit(to_csv_rows(letter, self.options.filters.table_lists()))


class ExcelCsvWriter(CsvWriter):
    flag = "--excel-csv"
    help = "the CSV with a UTF-8 byte-order mark, for opening in Excel by a double-click"
    bom = True


class SummaryWriter(Writer):
    flag = "--summary"
    help = "the readable summary, even when piped"

    def begin(self) -> None:
        from rich.console import Console

        tty = self.options.stdout.isatty()
        self.console = Console(file=self.options.stdout, width=None if tty else 110)
        self.extracted = self.matched = self.failures = 0

    def write(self, letter: dict[str, Any]) -> None:
        from .terminal import print_summary

        self.extracted += 1
        self.matched += 1
        with self._paused():
            print_summary(letter, self.console, explain=self.options.explain, full=self.options.full,
                          taxonomy=self.options.taxonomy)

    def skipped(self, letter: dict[str, Any]) -> None:
        self.extracted += 1

    def failed(self, path: str, code: str, message: str) -> None:
        self.failures += 1

    def end(self) -> None:
        from .terminal import print_batch_count

        if self.options.many or self.extracted + self.failures > 1:
            matched = self.matched if self.options.filters.active else None
            with self._paused():
                print_batch_count(self.console, self.extracted, self.failures, matched)

    def _paused(self) -> Any:
        import contextlib

        progress = self.options.progress
        return progress.paused() if progress is not None else contextlib.nullcontext()


class TagCountsWriter(Writer):
    flag = "--tag-counts"
    help = "per label, how many findings it tagged (TSV); --by section or letter splits the counts"

    def begin(self) -> None:
        self.by_section: dict[str, Counter[TagKey]] = {}
        self.by_letter: list[tuple[list[str], Counter[TagKey]]] = []

    def write(self, letter: dict[str, Any]) -> None:
        mine: Counter[TagKey] = Counter()
        for section in self.options.filters.table_lists():
            counts = _count_tags(letter.get(section) or [])
            self.by_section.setdefault(section, Counter()).update(counts)
            mine.update(counts)
        names = [letter_stem(letter["source"]["path"]), letter.get("area") or "", letter.get("letter_date") or ""]
        self.by_letter.append((names, mine))

    def end(self) -> None:
        from .tagging import Tagger

        labels = Tagger.load(self.options.taxonomy).labels()
        by = self.options.tag_counts_by
        if by == "label":
            total: Counter[TagKey] = sum(self.by_section.values(), Counter())
            self.emit(tag_counts_tsv([(kind, label, total[kind, label]) for kind, label in labels]))
            return
        if by == "section":
            groups = [([section], self.by_section.get(section, Counter()))
                      for section in self.options.filters.table_lists()]
            head = ["section"]
        else:
            groups, head = self.by_letter, ["letter", "area", "letter_date"]
        lines = ["\t".join([*head, "kind", "label", "findings"]) + "\n"]
        for names, counts in groups:
            lines.extend("\t".join([*names, kind, label, str(counts[kind, label])]) + "\n" for kind, label in labels)
        self.emit("".join(lines))


class FileWriter(Writer):
    """An output to a file or folder the user names (``target``), alongside any stdout format."""

    def __init__(self, options: RunOptions, target: Path) -> None:
        super().__init__(options)
        self.target = target


class OutDirWriter(FileWriter):
    """``DIR/<input stem>.json`` per input, each written atomically. Names are given in input
    order to every input, failed (or filtered out) or not, so a name always means the same input;
    a failed input's file from an earlier run is removed (it would look like a fresh result). A
    folder that cannot be made or written is refused in ``begin``; a file that cannot be written
    later (disk full) is ``LetterNotWritten`` for that letter alone. Temporary files that a killed
    run left are removed."""

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
            raise OutputError(str(self.target), "unwritable",
                              f"cannot write into the folder: {exc.strerror or exc}") from None
        remove_stale_temporaries(self.target)

    def write(self, letter: dict[str, Any]) -> None:
        from .batch import out_name, write_atomic

        target = self.target / out_name(letter["source"]["path"], self.used)
        try:
            write_atomic(target, to_json(letter) + "\n")
        except OSError as exc:
            _remove(target)  # no stale copy that would look like this run's
            raise LetterNotWritten(str(target), "unwritable", exc.strerror or str(exc)) from None

    def skipped(self, letter: dict[str, Any]) -> None:
        from .batch import out_name

        out_name(letter["source"]["path"], self.used)  # the name stays this input's

    def failed(self, path: str, code: str, message: str) -> None:
        from .batch import out_name

        _remove(self.target / out_name(path, self.used))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _sqlite_writer(options: RunOptions, target: Path) -> FileWriter:
    from .sqlite_output import SqliteWriter

    return SqliteWriter(options, target)


def _xlsx_writer(options: RunOptions, target: Path) -> FileWriter:
    from .xlsx_output import XlsxWriter

    return XlsxWriter(options, target)


class HtmlWriter(FileWriter):
    """``--report`` and ``--view``: one HTML file built from every letter (and the inputs that
    failed), written atomically at the end, so an interrupted run leaves nothing. The collector
    (``report.Report``, ``view.View``) is imported only when used: it brings Jinja2, pygal, Pillow."""

    def collector(self) -> Any:
        raise NotImplementedError

    def begin(self) -> None:
        make_parent(self.target)  # a target that cannot be written is refused before any letter is read
        self.collected = self.collector()

    def write(self, letter: dict[str, Any]) -> None:
        self.collected.add(letter)

    def failed(self, path: str, code: str, message: str) -> None:
        self.collected.add_failure(path, code, message)

    def end(self) -> None:
        make_parent(self.target)
        try:
            self.collected.save()
        except OSError as exc:
            raise OutputError(str(self.target), "unwritable", exc.strerror or str(exc)) from None


class ReportWriter(HtmlWriter):
    flag = "--report"
    help = "one self-contained HTML report across the letters: table, charts, findings browser"

    def collector(self) -> Any:
        from .report import Report

        return Report(self.target)


class ViewWriter(HtmlWriter):
    flag = "--view"
    help = "an HTML view of each letter's pages with the box of every extracted item drawn on them"

    def collector(self) -> Any:
        from .view import View

        return View(self.target)


STDOUT_FORMATS: dict[str, type[Writer]] = {
    "json": JsonWriter, "jsonl": JsonlWriter, "csv": CsvWriter, "excel_csv": ExcelCsvWriter,
    "summary": SummaryWriter, "tag_counts": TagCountsWriter,
}
# Writers of a file the user names; those in their own module are imported only when used.
FILE_OUTPUTS: dict[str, Callable[[RunOptions, Path], FileWriter]] = {
    "out_dir": OutDirWriter, "sqlite": _sqlite_writer, "xlsx": _xlsx_writer, "report": ReportWriter,
    "view": ViewWriter,
}
