"""The one exception the library raises for bad input, with the contract's error codes."""

from __future__ import annotations

import re
from typing import Literal

ErrorCode = Literal[
    "not_found", "unreadable", "not_a_pdf", "encrypted", "no_text_layer", "not_a_jtai_letter", "empty",
    "too_large",  # past a size or memory budget (--max-size, --max-content, --max-memory)
    "timed_out",  # past the time budget (--timeout): the worker reading it was stopped
    "internal_error",  # a bug of ours, not a fault of the input: the message names the exception
]


class ExtractError(Exception):
    """An input that cannot be extracted. ``code`` is one of the contract's error codes."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message

    def __reduce__(self):  # picklable across worker processes
        return (ExtractError, (self.code, self.message))


# C0 and C1 control characters, DEL, and the Unicode format characters that reorder or hide text
# (bidi overrides, zero-width marks): what could move the cursor, retitle or clear a terminal,
# split a line, or make a file name look like another
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """``text`` with every control character written as a visible escape (``\\n``, ``\\x1b``,
    ``\\u202e``) and backslashes left alone: safe to print on a terminal, always one line."""
    def visible(m: re.Match[str]) -> str:
        ch = m.group()
        return _NAMED_ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")

    return _CONTROL_RE.sub(visible, text)


def error_line(path: str, code: str, message: str) -> str:
    """The one line on stderr that reports a failed input (CONTRACT.md); control characters in
    the path (a file name with a newline) or the message are escaped, so it stays one line."""
    return f"jtai-extract: {escape_controls(path)}: {code}: {escape_controls(message)}"
