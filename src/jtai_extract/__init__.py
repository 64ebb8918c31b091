"""jtai-extract: turn JTAI findings letters into structured data.

The library does the work; the command line (``jtai_extract.cli``) is a thin layer over it::

    >>> from jtai_extract import extract
    >>> letter = extract("samples/fernmouth-2019-03.pdf")   # a pydantic ``Letter``, tagged
    >>> letter.area, letter.theme.label
    ('Fernmouth', 'domestic_abuse')
    >>> letter.strengths[0].agencies
    ['police']

``extract`` also takes the bytes of a letter or a binary file object; ``tags=False`` skips tagging.

Heavy libraries (pdfplumber, pypdfium2, spaCy) are imported only when a letter is read, so
``jtai-extract --version`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "extract", "ExtractError"]

if TYPE_CHECKING:
    from .errors import ExtractError
    from .pipeline import extract


def __getattr__(name: str) -> Any:
    if name == "extract":
        from .pipeline import extract

        return extract
    if name == "ExtractError":
        from .errors import ExtractError

        return ExtractError
    raise AttributeError(name)
