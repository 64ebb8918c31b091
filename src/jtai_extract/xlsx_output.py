"""``--xlsx FILE``: an Excel workbook (XlsxWriter): a sheet ``letters``, one row per letter, and a
sheet ``findings`` with the CSV's rows; filters on each header row, the header frozen, dates as
dates. Every text is written as text, never as a formula. The workbook is written whole at the
end of the run, through a temporary file renamed into place: never a half-written file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .output import (
    CSV_COLUMNS,
    LETTER_COLUMNS,
    FileWriter,
    OutputError,
    RunOptions,
    finding_rows,
    letter_row,
    make_parent,
)

DATE_COLUMNS = {"letter_date", "inspection_start", "inspection_end"}  # ISO dates, written as Excel dates
COLUMN_WIDTHS = {"text": 100, "title": 60, "area": 20, "path": 40, "subheading": 30, "heading": 30}  # characters
DEFAULT_WIDTH = 14  # characters: fits a date or a slug
DATE_FORMAT = "yyyy-mm-dd"


class XlsxWriter(FileWriter):
    flag = "--xlsx"
    help = "an Excel workbook: a sheet of letters, one of findings"

    def __init__(self, options: RunOptions, target: Path) -> None:
        super().__init__(options, target)
        self.letters: list[list[Any]] = []
        self.findings: list[list[Any]] = []

    def begin(self) -> None:
        make_parent(self.target)  # a target that cannot be written is refused before any letter is read

    def write(self, letter: dict[str, Any]) -> None:
        self.letters.append(letter_row(letter))
        self.findings.extend(finding_rows(letter, self.options.filters.table_lists()))

    def end(self) -> None:
        import xlsxwriter

        from .batch import atomic_path

        make_parent(self.target)
        try:
            with atomic_path(self.target) as tmp:
                book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                                      "strings_to_numbers": False})
                header = book.add_format({"bold": True})
                date = book.add_format({"num_format": DATE_FORMAT})
                _sheet(book, "letters", LETTER_COLUMNS, self.letters, header, date)
                _sheet(book, "findings", CSV_COLUMNS, self.findings, header, date)
                book.close()
        except OSError as exc:
            raise OutputError(str(self.target), "unwritable", exc.strerror or str(exc)) from None


def _sheet(book: Any, name: str, columns: list[str], rows: list[list[Any]], header: Any, date: Any) -> None:
    sheet = book.add_worksheet(name)
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column, header)
        sheet.set_column(col, col, COLUMN_WIDTHS.get(column, DEFAULT_WIDTH))
    for r, row in enumerate(rows, 1):
        for col, (column, value) in enumerate(zip(columns, row, strict=True)):
            if isinstance(value, int):
                sheet.write_number(r, col, value)
            elif column in DATE_COLUMNS and value:
                sheet.write_datetime(r, col, dt.datetime.fromisoformat(value), date)
            elif value:
                sheet.write_string(r, col, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
