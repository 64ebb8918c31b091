"""What the PDF libraries say while they read (pdfminer's log records, Python warnings) is
caught and becomes the letter's ``warnings``, instead of lines on the user's terminal."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import escape_controls

LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "pypdfium2", "PIL")
MAX_LIBRARY_WARNINGS = 5  # distinct messages kept per letter; a damaged file can repeat one thousands of times
MAX_WARNING_CHARS = 300  # a message quoting a whole object is cut here
MAX_COUNTED_WARNINGS = 10_000  # distinct messages counted past those kept (memory stays small)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: dict[str, None] = {}
        self.others: set[int] = set()  # (hashes of) the distinct messages past the first few

    def add(self, text: str) -> None:
        text = escape_controls(" ".join(text.split()))[:MAX_WARNING_CHARS]
        if text in self.messages:
            return
        if len(self.messages) < MAX_LIBRARY_WARNINGS:
            self.messages[text] = None
        elif len(self.others) < MAX_COUNTED_WARNINGS:
            self.others.add(hash(text))

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a record whose arguments do not format: nothing to report
            self.add(f"{record.name.split('.')[0]}: {record.getMessage()}")

    def result(self) -> list[str]:
        out = list(self.messages)
        if self.others:
            out.append(f"(and {len(self.others)} more warnings from the PDF library)")
        return out


@contextmanager
def library_warnings() -> Iterator[list[str]]:
    """Within the block, the PDF libraries' log records (WARNING and above) and Python warnings
    are collected, not printed; the list yielded is filled when the block ends."""
    collector = _Collector()
    saved: list[tuple[logging.Logger, bool]] = []
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(collector)
        logger.propagate = False

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        collector.add(f"{category.__name__}: {message}")

    found: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            yield found
    finally:
        for logger, propagate in saved:
            logger.removeHandler(collector)
            logger.propagate = propagate
        found.extend(collector.result())
