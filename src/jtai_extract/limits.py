"""The budgets every input gets, so that each one ends in bounded time and memory.

``Limits`` holds them (the command line sets them from ``--timeout``, ``--max-size``,
``--max-content`` and ``--max-memory``). The size and content caps are checked here, before a PDF
library sees the bytes, in whatever process reads the input; the time and memory budgets need a
worker process that can be stopped (``workers.py``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import ExtractError

MB = 1 << 20  # the unit of every size budget: a mebibyte (1,048,576 bytes)


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-input budgets; 0 switches one off."""

    # real letters take well under 5 s with either engine; a minute is far past any of them
    timeout_s: float = 60.0
    # published letters are under 5 MB; scans of reports rarely pass 100 MB
    max_input_mb: float = 256.0
    # decompressed streams (page content, fonts, object streams) of real letters total 1-2 MB
    max_content_mb: float = 256.0
    # a worker reading a real letter peaks at ~130 MB (pdfium) or ~300 MB (pdfplumber)
    max_memory_mb: float = 1024.0

    @property
    def max_input_bytes(self) -> int | None:
        return int(self.max_input_mb * MB) if self.max_input_mb > 0 else None

    @property
    def max_content_bytes(self) -> int | None:
        return int(self.max_content_mb * MB) if self.max_content_mb > 0 else None

    @property
    def max_memory_bytes(self) -> int | None:
        return int(self.max_memory_mb * MB) if self.max_memory_mb > 0 else None

    @property
    def needs_worker(self) -> bool:
        """A time or memory budget: only a separate process can be stopped when it is past it."""
        return self.timeout_s > 0 or self.max_memory_mb > 0


DEFAULT_LIMITS = Limits()


def megabytes(n_bytes: float) -> str:
    """A size for messages: '256 MB', '2.5 MB', '12 KB'."""
    value = n_bytes / MB
    if value >= 10:
        return f"{value:.0f} MB"
    return f"{value:.1f} MB" if value >= 1 else f"{n_bytes / 1024:.0f} KB"


def too_large_input(size: int | None, limit: int, what: str = "the file") -> ExtractError:
    """``size`` None: reading stopped at the limit, so how large it is is not known."""
    if size is None:
        return ExtractError("too_large", f"{what} is larger than the {megabytes(limit)} allowed (--max-size)")
    return ExtractError("too_large", f"{what} is {megabytes(size)}, more than the {megabytes(limit)} allowed "
                                     "(--max-size)")


# --- decompressed content ----------------------------------------------------------------------

# "stream" and its end of line start a stream's data (PDF 7.3.8); the dictionary before it says
# how the data is encoded
_STREAM = b"stream"
_END = b"end"
_DICT_LOOKBACK = 4096  # bytes before "stream" searched for the dictionary of its object
_INFLATE_CHUNK = 1 << 16  # compressed bytes fed to zlib at a time
_INFLATE_PIECE = 1 << 20  # most bytes zlib may produce at a time: memory stays small whatever the ratio


def check_pdf_content(data: bytes, limit: int | None) -> None:
    """Raise ``too_large`` when the Flate-compressed streams of a PDF expand to more than
    ``limit`` bytes in all (a decompression bomb: kilobytes that become gigabytes of page
    content). Counted with bounded memory and stopped at the limit; images are skipped (neither
    engine decodes them to read text), and streams that are not plain Flate are left to the
    memory budget."""
    if not limit:
        return
    total = 0
    for start, data_start in _stream_starts(data):
        head = data[max(0, start - _DICT_LOOKBACK):start]
        obj = head.rfind(b"obj")
        dictionary = head[obj + 3:] if obj >= 0 else head
        if not dictionary.rstrip().endswith(b">>") or b"/Image" in dictionary:
            continue
        stages = dictionary.count(b"/FlateDecode")
        if not stages or not _flate_first(dictionary):
            continue
        for piece in _inflate(data, data_start, stages):
            total += len(piece)
            if total > limit:
                raise ExtractError("too_large", f"its compressed content expands to more than {megabytes(limit)} "
                                                "(--max-content)")


def _stream_starts(data: bytes) -> Iterator[tuple[int, int]]:
    """Where each "stream" keyword (not "endstream") followed by its end of line starts, and
    where its data starts. bytes.find, not a regular expression: a pattern that opens with a
    look-behind is tried at every byte, which cost more than decompressing the streams."""
    pos = data.find(_STREAM)
    while pos >= 0:
        after = pos + len(_STREAM)
        if pos < len(_END) or data[pos - len(_END):pos] != _END:
            if data[after:after + 2] == b"\r\n":
                yield pos, after + 2
            elif data[after:after + 1] in (b"\n", b"\r"):
                yield pos, after + 1
        pos = data.find(_STREAM, after)  # "stream" cannot overlap itself


def _flate_first(dictionary: bytes) -> bool:
    """The first filter is Flate (a chain such as [/ASCII85Decode /FlateDecode] is not counted)."""
    at = dictionary.find(b"/Filter")
    return at >= 0 and dictionary[at + 7:].lstrip(b" \t\r\n[").startswith(b"/FlateDecode")


def _inflate(data: bytes, start: int, stages: int) -> Iterator[bytes]:
    """The output of ``stages`` Flate decoders in a chain, in small pieces; stops quietly at the
    end of the first deflate stream or at damaged data (the engines report damage themselves)."""
    def raw() -> Iterator[bytes]:
        for pos in range(start, len(data), _INFLATE_CHUNK):
            yield data[pos:pos + _INFLATE_CHUNK]

    source: Iterator[bytes] = raw()
    for _ in range(stages):
        source = _inflate_stage(source)
    yield from source


def _inflate_stage(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decoder = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while pending and not decoder.eof:
                piece = decoder.decompress(pending, _INFLATE_PIECE)
                pending = decoder.unconsumed_tail
                if piece:
                    yield piece
            if decoder.eof:
                return
    except zlib.error:
        return
