"""Hostile and damaged inputs, generated on the fly (none is committed): PDFs that make a library
loop, expand to gigabytes, have thousands of pages or a damaged cross-reference table; pages
turned by /Rotate; text letters in other encodings or with control characters. Used by the
tests and by the CI fuzz run (scripts/fuzz.py)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from .conftest import FIXTURES, SAMPLES

SAMPLE_PDF = SAMPLES / "fernmouth-2019-03.pdf"
TEXT_LETTER = FIXTURES / "era-a-letter.txt"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
# a page of text that names itself a JTAI letter (so a reader gets past the first checks)
PAGE_TEXT = (b"BT /F1 11 Tf 72 720 Td (Joint targeted area inspection of the response in Nowhere) Tj "
             + b"".join(b"0 -14 Td (Line %d of a letter written for the tests, long enough to count.) Tj " % i
                        for i in range(30)) + b"ET")


def build_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF of the numbered object bodies, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(contents: bytes, extra_objects: dict[int, bytes] | None = None) -> bytes:
    """A one-page PDF whose page /Contents is object 5 (``contents`` is its whole body)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
                  b"/Contents 5 0 R >>",
               4: FONT, 5: contents}
    objects.update(extra_objects or {})
    return build_pdf(objects)


def self_referring_contents() -> bytes:
    """The page's content is an object that is a reference to itself: pdfminer follows it for ever."""
    return one_page(b"5 0 R")


def reference_loop() -> bytes:
    """Contents -> 6 -> 7 -> 5: a loop of three references."""
    return one_page(b"6 0 R", {6: b"7 0 R", 7: b"5 0 R"})


def decompression_bomb(megabytes: int, nested: bool = True) -> bytes:
    """Page content of ``megabytes`` MiB of spaces after the text, Flate-compressed (twice when
    ``nested``): a few kilobytes on disk."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = packer.compress(PAGE_TEXT + b"\n") + b"".join(packer.compress(chunk) for _ in range(megabytes))
    data += packer.flush()
    filters = b"/Filter /FlateDecode"
    if nested:
        data = zlib.compress(data, 9)
        filters = b"/Filter [/FlateDecode /FlateDecode]"
    return one_page(stream(data, filters + b" "))


def many_pages(count: int) -> bytes:
    """``count`` pages sharing one content stream of text."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: FONT, 5: stream(PAGE_TEXT)}
    kids = []
    for i in range(count):
        objects[10 + i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> "
                           b">> /Contents 5 0 R >>")
        kids.append(b"%d 0 R" % (10 + i))
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % count
    return build_pdf(objects)


def _edit_pages(data: bytes, edit) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        edit(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rotated(data: bytes, degrees: int) -> bytes:
    """Every page carries /Rotate ``degrees``: shown turned, drawn upright."""
    from pypdf.generic import NameObject, NumberObject

    return _edit_pages(data, lambda page: page.__setitem__(NameObject("/Rotate"), NumberObject(degrees)))


def without_mediabox(data: bytes) -> bytes:
    """No page says its size (PDFium assumes one; pdfminer gives up)."""
    return _edit_pages(data, lambda page: page.pop("/MediaBox", None))


def shifted_offsets(data: bytes, by: int = 7) -> bytes:
    """Every cross-reference entry points ``by`` bytes past its object."""
    at = data.rfind(b"\nxref")
    return data[:at] + re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + by), data[at:])


def cut_in_trailer(data: bytes) -> bytes:
    """The file cut short inside its trailer (an interrupted copy): every object is there."""
    return data[: data.rfind(b"trailer") + len(b"trailer\n<< /Size")]


def text_letter() -> str:
    return TEXT_LETTER.read_text(encoding="utf-8")


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@contextlib.contextmanager
def scratch_folder(fallback: Path) -> Iterator[Path]:
    """A temporary folder in memory (/dev/shm) where there is one, else ``fallback``: making and
    removing a thousand folders on a disk mounted with ``discard`` takes seconds."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield fallback
        return
    folder = Path(tempfile.mkdtemp(prefix="jtai-tests-", dir=shm))
    try:
        yield folder
    finally:
        remove_tree(folder)


@contextlib.contextmanager
def deep_folders(top: Path, name: str, depth: int) -> Iterator[Path]:
    """``top/name/name/...`` ``depth`` folders deep (the deepest yielded), removed afterwards
    without recursion: Path.mkdir(parents=True) and shutil.rmtree (pytest's clean-up of old
    temporary folders too) recurse once per level and fail past a thousand."""
    folder = top
    for _ in range(depth):
        folder = folder / name
        folder.mkdir(exist_ok=True)
    try:
        yield folder
    finally:
        remove_tree(top / name)


def remove_tree(top: Path) -> None:
    """Remove a folder and all below it, one level at a time through folder descriptors (a
    path of a thousand parts is slow to look up again for every entry)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    stack: list[tuple[int, str]] = [(os.open(top, flags), str(top))]
    while stack:
        fd, name = stack[-1]
        child = None
        for entry in os.scandir(fd):
            if entry.is_dir(follow_symlinks=False):
                child = entry.name
                break
            os.unlink(entry.name, dir_fd=fd)
        if child is not None:
            stack.append((os.open(child, flags, dir_fd=fd), child))
            continue
        os.close(fd)
        stack.pop()
        if stack:
            os.rmdir(name, dir_fd=stack[-1][0])
        else:
            os.rmdir(name)
