"""The one exception the library raises for bad input, with the contract's error codes."""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "not_found", "unreadable", "not_a_pdf", "encrypted", "no_text_layer", "not_a_jtai_letter", "empty",
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


def error_line(path: str, code: str, message: str) -> str:
    """The one line on stderr that reports a failed input (CONTRACT.md)."""
    return f"jtai-extract: {path}: {code}: {message}"
