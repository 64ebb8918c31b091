"""The command line: a thin layer over ``batch`` (inputs, workers) and ``output`` (writers).
See CONTRACT.md / README.md."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .limits import DEFAULT_LIMITS

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
ENGINES = ("pdfium", "pdfplumber")  # readers.ENGINES, without importing the readers at start-up


def _version(value: bool) -> None:
    if value:
        print(f"jtai-extract {__version__}")
        raise typer.Exit()


def _schema(value: bool) -> None:
    if value:
        import json

        from .schema import Letter

        print(json.dumps(Letter.model_json_schema(), indent=2, ensure_ascii=False))
        raise typer.Exit()


def _usage(message: str, param: str | None = None) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=param)


@app.command()
def run(
    paths: Annotated[list[str] | None, typer.Argument(help="PDF or .txt letters, folders, or - for stdin")] = None,
    json: Annotated[bool, typer.Option("--json", help="one JSON object for one file; an array for a folder or "
                                        "several inputs ([] when none succeeded)")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="one compact JSON object per line, streamed")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="one CSV row per finding")] = False,
    excel_csv: Annotated[bool, typer.Option("--excel-csv", "--bom", help="the CSV with a UTF-8 byte-order mark, "
                                            "for opening in Excel")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="write DIR/<stem>.json per input")] = None,
    sqlite: Annotated[Path | None, typer.Option("--sqlite", metavar="FILE.db", help="add the letters to a SQLite "
                                                "database (a letter already there is replaced)")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", metavar="FILE", help="write an Excel workbook: a sheet of "
                                              "letters, one of findings")] = None,
    report: Annotated[Path | None, typer.Option("--report", metavar="FILE", help="write one self-contained HTML "
                                                "report across the letters (table, charts, findings)")] = None,
    view: Annotated[Path | None, typer.Option("--view", metavar="FILE", help="write an HTML view of the letters' "
                                              "pages with every extracted item's box drawn on them")] = None,
    section: Annotated[list[str] | None, typer.Option(
        "--section", metavar="NAME", help="only findings of this list or narrative section (repeatable)")] = None,
    agency: Annotated[list[str] | None, typer.Option(
        "--agency", metavar="LABEL", help="only findings tagged with this agency (repeatable)")] = None,
    theme: Annotated[list[str] | None, typer.Option(
        "--theme", metavar="LABEL", help="only findings tagged with this theme (repeatable)")] = None,
    grep: Annotated[str | None, typer.Option("--grep", metavar="PATTERN", help="only findings whose text matches "
                                             "this regular expression (case-insensitive unless it has a "
                                             "capital)")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="worker processes (0: all CPUs)")] = 0,
    engine: Annotated[str, typer.Option(help="PDF reader: pdfium (fast) or pdfplumber")] = "pdfium",
    timeout: Annotated[float, typer.Option("--timeout", min=0, metavar="SECONDS",
                                           help="time budget per input; past it: timed_out (0: none)")
                       ] = DEFAULT_LIMITS.timeout_s,
    max_size: Annotated[float, typer.Option("--max-size", min=0, metavar="MB",
                                            help="largest input file or stdin; past it: too_large (0: none)")
                        ] = DEFAULT_LIMITS.max_input_mb,
    max_content: Annotated[float, typer.Option("--max-content", min=0, metavar="MB",
                                               help="most a PDF's compressed content may expand to (0: none)")
                           ] = DEFAULT_LIMITS.max_content_mb,
    max_memory: Annotated[float, typer.Option("--max-memory", min=0, metavar="MB",
                                              help="memory budget of each worker process (0: none)")
                          ] = DEFAULT_LIMITS.max_memory_mb,
    taxonomy: Annotated[Path | None, typer.Option(help="your tag lexicon rows (a .tsv file or a folder of them) "
                                                       "added to the shipped ones")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="the readable summary, even when piped")] = False,
    tag_counts: Annotated[bool, typer.Option("--tag-counts", help="per label, how many findings it tagged")] = False,
    by: Annotated[str | None, typer.Option("--by", metavar="section|letter",
                                           help="with --tag-counts: count per section or per letter")] = None,
    full: Annotated[bool, typer.Option("--full", help="with the summary: findings whole, not cut")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="with the summary: why each tag was given")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing but errors")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="print the traceback of an internal error "
                                        "(also JTAI_DEBUG=1)")] = False,
    debug_layout: Annotated[Path | None, typer.Option(
        "--debug-layout", help="also write DIR/<stem>-page-<n>.png per PDF page: lines, blocks, sections")] = None,
    schema: Annotated[bool, typer.Option("--schema", callback=_schema, is_eager=True,
                                         help="print the JSON Schema")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """Extract JTAI findings letters into structured data."""
    given = dict(locals())  # the options by parameter name: each output's parameter is named as its registry key
    from . import output

    chosen = [name for name in output.STDOUT_FORMATS if given[name]]
    if len(chosen) > 1:
        raise _usage(f"choose one of {', '.join(w.flag for w in output.STDOUT_FORMATS.values())}")
    if engine not in ENGINES:
        raise _usage(f"unknown engine {engine!r}: {' or '.join(ENGINES)}", "--engine")
    files: dict[str, Path] = {name: given[name] for name in output.FILE_OUTPUTS if given[name] is not None}
    fmt = chosen[0] if chosen else None
    if fmt is None and not files:
        fmt = "summary" if sys.stdout.isatty() else "json"
    if explain and fmt != "summary":
        raise _usage("--explain shows evidence in the summary view: add --summary (or run it on a terminal)",
                     "--explain")
    if full and fmt != "summary":
        raise _usage("--full shows whole findings in the summary view: add --summary (or run it on a terminal)",
                     "--full")
    if by is not None and (fmt != "tag_counts" or by not in output.TAG_COUNT_GROUPS):
        raise _usage(f"--by goes with --tag-counts: {', '.join(output.TAG_COUNT_GROUPS)}", "--by")
    if not paths:
        if sys.stdin.isatty():
            raise _usage("give a PDF, a .txt letter, a folder, or - for standard input")
        paths = ["-"]
    if taxonomy is not None:
        from .tagging import Tagger, TaxonomyError

        try:
            Tagger.load(str(taxonomy))
        except TaxonomyError as exc:
            print(f"jtai-extract: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
    from . import batch
    from .errors import error_line
    from .filters import FilterError, known_labels, parse_filters
    from .limits import Limits
    from .terminal import ProgressBar

    try:
        known = known_labels(str(taxonomy) if taxonomy else None) if agency or theme else {}
        filters = parse_filters(section or (), agency or (), theme or (), grep, known)
    except FilterError as exc:
        raise _usage(str(exc), exc.option) from None
    debug = debug or os.environ.get("JTAI_DEBUG", "") not in ("", "0")
    limits = Limits(timeout_s=timeout, max_input_mb=max_size, max_content_mb=max_content, max_memory_mb=max_memory)
    inputs = batch.expand(paths, max_stdin_bytes=limits.max_input_bytes)
    if debug_layout is not None:
        from .debug_layout import write_inputs

        write_inputs([i.path for i in inputs if i.data is None and i.error is None], debug_layout, engine,
                     quiet=quiet)
    options = output.RunOptions(many=batch.is_many(paths), explain=explain, full=full,
                                taxonomy=str(taxonomy) if taxonomy else None, filters=filters,
                                tag_counts_by=by or "label")
    # the named files first: a file that cannot be used is refused before anything reaches stdout
    writers: list[output.Writer] = [output.FILE_OUTPUTS[name](options, target) for name, target in files.items()]
    if fmt is not None and not (quiet and fmt == "summary"):
        writers.append(output.STDOUT_FORMATS[fmt](options))
    failed = 0
    started: list[output.Writer] = []
    try:
        with ProgressBar(len(inputs), enabled=not quiet and sys.stderr.isatty()) as progress:
            options.progress = progress
            for writer in writers:
                writer.begin()
                started.append(writer)
            # a closed stdout (| head) stops the run at once, not at the next letter written
            watch = _fileno(sys.stdout) if any(type(w) in output.STDOUT_FORMATS.values() for w in writers) else None
            with contextlib.closing(batch.run(inputs, engine=engine, jobs=jobs or None, taxonomy=options.taxonomy,
                                              limits=limits, watch=watch)) as results:
                for result in results:
                    progress.advance(result.input.path)
                    if result.error is not None:
                        failed += 1
                        progress.message(error_line(result.input.path, result.error.code, result.error.message))
                        if debug and result.traceback:
                            progress.message(result.traceback.rstrip())
                        for writer in writers:
                            writer.failed(result.input.path, result.error.code, result.error.message)
                        continue
                    assert result.letter is not None
                    for lost in output.deliver(writers, result.letter, filters):  # one letter's file: the rest go on
                        failed += 1
                        progress.message(error_line(lost.path, lost.code, lost.message))
            for writer in writers:
                writer.end()
    except output.OutputError as exc:  # an output cannot be written: say so, leave nothing half-written
        for writer in started:
            writer.abort()
        print(error_line(exc.path, exc.code, exc.message), file=sys.stderr)
        raise typer.Exit(2 if len(started) < len(writers) else 1) from None
    except BaseException as exc:  # interrupted, terminated, stdout closed: the workers are stopped already
        with _signals_ignored():
            for writer in started:
                writer.abort()
        if isinstance(exc, KeyboardInterrupt):  # (typer would make it a silent exit 130)
            print("jtai-extract: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        raise
    raise typer.Exit(1 if failed else 0)


def _fileno(stream: object) -> int | None:
    try:
        return stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # not a real file (a test's buffer)
        return None


class Terminated(BaseException):
    """SIGTERM, raised where the main process is, so the run is undone like an interrupt."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except BrokenPipeError:  # "| head": stop quietly, no traceback (the workers are stopped already)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        _ignore_signals()
        print("jtai-extract: interrupted", file=sys.stderr)
        sys.exit(130)
    except Terminated:
        _ignore_signals()
        print("jtai-extract: terminated", file=sys.stderr)
        sys.exit(143)


def _ignore_signals() -> None:
    """The process is ending: a second Ctrl-C or SIGTERM cannot cut its clean-up short."""
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Within the block, Ctrl-C and SIGTERM wait (a stopped run's clean-up is not cut short);
    the handlers are put back after, for a caller that runs the command in its own process."""
    try:
        saved = [(signum, signal.signal(signum, signal.SIG_IGN)) for signum in (signal.SIGINT, signal.SIGTERM)]
    except ValueError:  # not the main thread
        saved = []
    try:
        yield
    finally:
        for signum, handler in saved:
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
