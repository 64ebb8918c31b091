"""Many inputs at once: expanding folders, running extraction in worker processes (the tagger
built once per worker), results in input order, and atomic output files."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExtractError
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


def expand(paths: list[str], stdin: bytes | None = None) -> list[Input]:
    """Files as given, folders searched recursively for .pdf and .txt (sorted), '-' for stdin.
    A folder holding no letter is an input that failed (``empty``), so it is reported."""
    inputs: list[Input] = []
    for raw in paths:
        if raw == "-":
            inputs.append(Input("-", data=stdin if stdin is not None else sys.stdin.buffer.read()))
            continue
        path = Path(raw)
        if path.is_dir():
            found = list(_walk(path))
            if not found:
                found = [Input(raw, error=ExtractError("empty", "the folder holds no .pdf or .txt letter"))]
            inputs.extend(found)
        else:
            inputs.append(Input(raw))
    return inputs


def is_many(paths: list[str]) -> bool:
    """Several paths, or a folder: the run's JSON is an array whatever the folder holds."""
    return len(paths) > 1 or any(p != "-" and Path(p).is_dir() for p in paths)


def _walk(folder: Path) -> Iterator[Input]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except PermissionError:
        yield Input(str(folder), error=ExtractError("unreadable", "permission denied (folder)"))
        return
    except OSError as exc:
        yield Input(str(folder), error=ExtractError("unreadable", exc.strerror or str(exc)))
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.name.lower().endswith(INPUT_SUFFIXES) and entry.is_file():  # no FIFOs or devices
            yield Input(entry.path)


# --- workers --------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(engine: str, taxonomy: str | None) -> None:
    _WORKER["engine"] = engine
    _WORKER["taxonomy"] = taxonomy
    _WORKER["tagger"] = None


def _tagger():
    if _WORKER.get("tagger") is None:
        from .tagging import Tagger

        _WORKER["tagger"] = Tagger.load(_WORKER.get("taxonomy"))
    return _WORKER["tagger"]


def extract_one(item: Input) -> Result:
    """Extract one input in this process; every failure becomes a Result with an error."""
    from .pipeline import extract
    from .readers import Source

    if item.error is not None:
        return Result(item, error=item.error)
    try:
        source = Source(item.path, item.data) if item.data is not None else Source.from_path(item.path)
        letter = extract(source, engine=_WORKER.get("engine", DEFAULT_ENGINE), tagger=_tagger())
        return Result(item, letter=letter.model_dump(mode="json"))
    except ExtractError as exc:
        return Result(item, error=exc)
    except RecursionError:
        return Result(item, error=ExtractError("unreadable", "the file is too deeply nested to parse"))
    except Exception as exc:  # a bug of ours: say so (not "unreadable"), the traceback for --debug
        import traceback

        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Result(item, error=ExtractError("internal_error", f"{message} (please report this)"),
                      traceback=traceback.format_exc())


def run(inputs: list[Input], engine: str = DEFAULT_ENGINE, jobs: int | None = None,
        taxonomy: str | None = None) -> Iterator[Result]:
    """Results in input order, each yielded as soon as it and all before it are done."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(inputs) <= 1:
        _init_worker(engine, taxonomy)
        for item in inputs:
            yield extract_one(item)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(inputs)), initializer=_init_worker,
                             initargs=(engine, taxonomy)) as pool:
        futures = [pool.submit(extract_one, item) for item in inputs]
        for future in futures:
            yield future.result()


def out_name(path: str, used: set[str]) -> str:
    """``<input stem>.json``; two inputs with the same stem get ``<stem>-2.json``, ``-3``..."""
    stem = letter_stem(path)
    name, n = f"{stem}.json", 1
    while name in used:
        n += 1
        name = f"{stem}-{n}.json"
    used.add(name)
    return name


def new_file_mode() -> int:
    """The mode an ordinary new file gets: 0o666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, new_file_mode())  # mkstemp makes the file private (0600): an output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
