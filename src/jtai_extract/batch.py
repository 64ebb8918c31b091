"""Many inputs at once: expanding folders, running extraction in worker processes that can be
stopped (``workers.py``: the tagger built once, a time and memory budget per input), results in
input order, and atomic output files."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import tempfile
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import ExtractError
from .limits import DEFAULT_LIMITS, Limits, too_large_input
from .names import letter_stem
from .readers import DEFAULT_ENGINE

INPUT_SUFFIXES = (".pdf", ".txt")


@dataclass(slots=True)
class Input:
    """One thing to extract: a file path, or standard input's bytes (``data``)."""

    path: str
    data: bytes | None = None
    error: ExtractError | None = None  # found already while expanding (e.g. unreadable folder)


@dataclass(slots=True)
class Result:
    input: Input
    letter: dict[str, Any] | None = None
    error: ExtractError | None = None
    traceback: str | None = None  # for internal errors: shown with --debug
    seconds: float | None = None  # wall time from handing the input out to its result
    peak_memory_mb: float | None = None  # the worker's peak resident memory so far (None: not known)


def expand(paths: list[str], stdin: bytes | None = None, max_stdin_bytes: int | None = DEFAULT_LIMITS.max_input_bytes,
           ) -> list[Input]:
    """Files as given, folders searched recursively for .pdf and .txt (sorted), '-' for stdin
    (read up to ``max_stdin_bytes``: past it, ``too_large``). A folder holding no letter is an
    input that failed (``empty``), so it is reported."""
    inputs: list[Input] = []
    for raw in paths:
        if raw == "-":
            inputs.append(read_stdin(stdin, max_stdin_bytes))
            continue
        path = Path(raw)
        if path.is_dir():
            found = list(_walk(path))
            if not found:
                found = [Input(raw, error=ExtractError("empty", "the folder holds no .pdf or .txt letter"))]
            inputs.extend(found)
        elif not path.exists():  # told now, so a run of missing files starts no worker
            inputs.append(Input(raw, error=ExtractError("not_found", "no such file")))
        else:
            inputs.append(Input(raw))
    return inputs


def is_many(paths: list[str]) -> bool:
    """Several paths, or a folder: the run's JSON is an array whatever the folder holds."""
    return len(paths) > 1 or any(p != "-" and Path(p).is_dir() for p in paths)


def read_stdin(data: bytes | None = None, max_bytes: int | None = DEFAULT_LIMITS.max_input_bytes,
               stream: IO[bytes] | None = None) -> Input:
    """Standard input as one input, read up to ``max_bytes`` and no further (endless input is
    ``too_large``, not a MemoryError)."""
    if data is None:
        source = stream or sys.stdin.buffer
        data = source.read() if max_bytes is None else source.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        return Input("-", error=too_large_input(None, max_bytes, "standard input"))
    return Input("-", data=data)


def _walk(top: Path) -> Iterator[Input]:
    """Depth first, in name order, without recursion (any depth of folders). Only regular files
    (or symlinks to them) are letters: named pipes and devices are never opened; symlinks to
    folders are not followed (no loops)."""
    stack: list[Iterator[os.DirEntry[str]]] = []
    listing = _listing(top)
    if isinstance(listing, Input):
        yield listing
        return
    stack.append(listing)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_letter = not is_dir and entry.name.lower().endswith(INPUT_SUFFIXES) and entry.is_file()
        except OSError:
            continue  # vanished while walking
        if is_dir:
            sub = _listing(Path(entry.path))
            if isinstance(sub, Input):
                yield sub
            else:
                stack.append(sub)
        elif is_letter:
            yield Input(entry.path)


def _listing(folder: Path) -> Iterator[os.DirEntry[str]] | Input:
    try:
        with os.scandir(folder) as it:
            return iter(sorted(it, key=lambda e: e.name))
    except PermissionError:
        return Input(str(folder), error=ExtractError("unreadable", "permission denied (folder)"))
    except OSError as exc:
        return Input(str(folder), error=ExtractError("unreadable", exc.strerror or str(exc)))


# --- workers --------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def init_worker(engine: str | None, taxonomy: str | None, preload: bool = False) -> None:
    """Set up this process to extract; ``preload`` imports the pipeline and builds the tagger now
    rather than at the first input."""
    _WORKER["engine"] = engine or DEFAULT_ENGINE
    _WORKER["taxonomy"] = taxonomy
    _WORKER["tagger"] = None
    if preload:  # imported once, before the first input's clock starts; pdfplumber only for its engine
        import gc

        # no collection while the libraries import and the tagger is built: they make ~75,000
        # objects that live as long as the process, and the collector walked them again and again
        # (~3 % of the instructions of a worker server's start, more of its time); the few cycles
        # left over are frozen with the rest
        collecting = gc.isenabled()
        gc.disable()
        try:
            import pypdfium2  # noqa: F401

            if _WORKER["engine"] == "pdfplumber":
                import pdfplumber  # noqa: F401

            from . import pipeline  # noqa: F401

            _tagger()
            settle_heap()
        finally:
            if collecting:
                gc.enable()


def settle_heap() -> None:
    """Once the libraries are imported and the tagger built: freeze the heap (``gc.freeze``), so
    the garbage collector no longer walks the ~75,000 objects of spaCy, the lexicons and the PDF
    libraries in its full collections, which cost about a tenth of the tagging time; and forked
    workers do not touch (and copy) those pages. No ``gc.collect()`` first, as Python's docs
    advise before a fork: it found ~100 garbage objects there and cost ~50 ms of a one-letter run."""
    import gc

    gc.freeze()


def _tagger():
    if _WORKER.get("tagger") is None:
        from .tagging import Tagger

        _WORKER["tagger"] = Tagger.load(_WORKER.get("taxonomy"))
    return _WORKER["tagger"]


def extract_one(item: Input, limits: Limits | None = None) -> Result:
    """Extract one input in this process; every failure becomes a Result with an error."""
    if item.error is not None:  # found before any reading (not found, not a file...)
        return Result(item, error=item.error)
    from .limits import megabytes
    from .pipeline import extract
    from .readers import Source

    limits = limits or DEFAULT_LIMITS
    try:
        source = (Source(item.path, item.data) if item.data is not None
                  else Source.from_path(item.path, limits.max_input_bytes))
        letter = extract(source, engine=_WORKER.get("engine", DEFAULT_ENGINE), tagger=_tagger(), limits=limits)
        return Result(item, letter=letter.model_dump(mode="json"))
    except ExtractError as exc:
        return Result(item, error=exc)
    except RecursionError:
        return Result(item, error=ExtractError("unreadable", "the file is too deeply nested to parse"))
    except MemoryError:
        budget = f"the {megabytes(limits.max_memory_bytes)} allowed (--max-memory)" if limits.max_memory_bytes \
            else "the memory there is"
        return Result(item, error=ExtractError("too_large", f"reading it needs more than {budget}"))
    except Exception as exc:  # a bug of ours: say so (not "unreadable"), the traceback for --debug
        import traceback

        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Result(item, error=ExtractError("internal_error", f"{message} (please report this)"),
                      traceback=traceback.format_exc())


def run(inputs: list[Input], engine: str = DEFAULT_ENGINE, jobs: int | None = None,
        taxonomy: str | None = None, limits: Limits | None = None,
        in_process: bool | None = None, watch: int | None = None) -> Generator[Result, None, None]:
    """Results in input order, each yielded as soon as it and all before it are done, streamed
    (only a few finished results are held at a time).

    Each input is read in a worker process (``jobs`` of them, default: all CPUs) that is stopped
    past the input's time or memory budget (``limits``) or replaced when it dies: the input gets
    an error and the batch goes on. ``in_process=True`` reads everything here, one input after
    another, with no time or memory budget (the default when ``jobs`` is 1 and ``limits`` sets
    neither). ``watch`` is the file descriptor the results go to (stdout): when its reader goes
    away, BrokenPipeError is raised at once. Close the iterator (or let it finish) to stop the
    workers. As with any code that starts processes, a script calling this needs an
    ``if __name__ == "__main__":`` guard."""
    limits = limits or DEFAULT_LIMITS
    jobs = jobs or os.cpu_count() or 1
    needed = sum(1 for item in inputs if item.error is None)
    if in_process is None:
        in_process = jobs <= 1 and not limits.needs_worker
    if in_process or not needed:  # with every input already failed, no worker need start
        init_worker(engine, taxonomy)
        for item in inputs:
            start = time.monotonic()
            result = extract_one(item, limits)
            result.seconds = time.monotonic() - start
            yield result
        return
    from .workers import WorkerPool

    pool = WorkerPool(min(jobs, max(needed, 1)), engine, taxonomy, limits)
    with contextlib.closing(pool.map(inputs, watch)) as results:
        yield from results


def out_name(path: str, used: set[str]) -> str:
    """``<input stem>.json``; two inputs with the same stem get ``<stem>-2.json``, ``-3``..."""
    stem = letter_stem(path)
    name, n = f"{stem}.json", 1
    while name in used:
        n += 1
        name = f"{stem}-{n}.json"
    used.add(name)
    return name


# ".<name>.<pid of the writer>.<random>.tmp": a later run can tell a temporary file left by a
# process that was killed (its pid is gone) from one a running process is writing
TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


def new_file_mode() -> int:
    """The mode an ordinary new file gets: 0o666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (named as ``TEMP_RE`` says) for the block to write; when the
    block ends it is given the mode the umask gives new files (not mkstemp's private 0600) and
    renamed onto ``path``; if the block fails, it is removed: never a half-written file."""
    make_folders(path.parent)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through ``atomic_path``."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def make_folders(folder: Path) -> None:
    """``folder`` and any missing parents, without recursion (Path.mkdir(parents=True) recurses
    once per level: a thousand levels raise RecursionError)."""
    missing: list[Path] = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():  # a file in the way
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    for part in reversed(missing):
        part.mkdir(exist_ok=True)


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove the temporary files of ``write_atomic`` that a killed run left in ``folder`` (their
    writer's pid no longer exists); returns their names."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = TEMP_RE.match(entry.name)
        if match is None or _alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # (on Windows, os.kill would stop the process)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # someone else's process, or cannot tell: leave its file alone
    return not _dying(pid)


_SIGKILL_BIT = 1 << 8  # SIGKILL (9) in /proc's signal masks


def _dying(pid: int) -> bool:
    """Linux: a zombie (killed, not yet reaped), or killed and not yet gone (SIGKILL pending,
    e.g. held by a tracer): dead all the same."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            status = dict(line.split(":", 1) for line in fh if ":" in line)
        pending = int(status.get("SigPnd", "0"), 16) | int(status.get("ShdPnd", "0"), 16)
        return status.get("State", "").strip().startswith("Z") or bool(pending & _SIGKILL_BIT)
    except (OSError, ValueError):
        return False
