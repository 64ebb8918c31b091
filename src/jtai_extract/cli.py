"""The command line: a thin layer over ``batch`` (inputs, workers) and ``output`` (writers).
See CONTRACT.md / README.md."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

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
    json_: Annotated[bool, typer.Option("--json", help="one JSON object for one file; an array for a folder or "
                                        "several inputs ([] when none succeeded)")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="one compact JSON object per line, streamed")] = False,
    csv_: Annotated[bool, typer.Option("--csv", help="one CSV row per finding")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="write DIR/<stem>.json per input")] = None,
    report: Annotated[Path | None, typer.Option("--report", metavar="FILE", help="write one self-contained HTML "
                                                "report across the letters (table, charts, findings)")] = None,
    view: Annotated[Path | None, typer.Option("--view", metavar="FILE", help="write an HTML view of the letters' "
                                              "pages with every extracted item's box drawn on them")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="worker processes (0: all CPUs)")] = 0,
    engine: Annotated[str, typer.Option(help="PDF reader: pdfium (fast) or pdfplumber")] = "pdfium",
    taxonomy: Annotated[Path | None, typer.Option(help="your own tag lexicon file (models/ format)")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="the readable summary, even when piped")] = False,
    tag_counts: Annotated[bool, typer.Option("--tag-counts", help="per label, how many findings it tagged")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="with the summary: show the evidence of each tag")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing but errors")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="print the traceback of an internal error "
                                        "(also JTAI_DEBUG=1)")] = False,
    schema: Annotated[bool, typer.Option("--schema", callback=_schema, is_eager=True,
                                         help="print the JSON Schema")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """Extract JTAI findings letters into structured data."""
    chosen = [name for name, on in (("json", json_), ("jsonl", jsonl), ("csv", csv_), ("summary", summary),
                                    ("tag_counts", tag_counts)) if on]
    if len(chosen) > 1:
        raise _usage("choose one of --json, --jsonl, --csv, --summary, --tag-counts")
    if engine not in ENGINES:
        raise _usage(f"unknown engine {engine!r}: {' or '.join(ENGINES)}", "--engine")
    fmt = chosen[0] if chosen else None
    files = {name: path for name, path in (("out_dir", out_dir), ("report", report), ("view", view)) if path}
    for name in ("report", "view"):
        if name in files and files[name].is_dir():
            raise _usage(f"{files[name]} is a folder: give the HTML file to write", f"--{name}")
    if fmt is None and not files:
        fmt = "summary" if sys.stdout.isatty() else "json"
    if explain and fmt != "summary":
        raise _usage("--explain shows evidence in the summary view: add --summary (or run it on a terminal)",
                     "--explain")
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
    from . import batch, output
    from .errors import error_line
    from .terminal import ProgressBar

    debug = debug or os.environ.get("JTAI_DEBUG", "") not in ("", "0")
    inputs = batch.expand(paths)
    options = output.RunOptions(many=batch.is_many(paths), explain=explain,
                                taxonomy=str(taxonomy) if taxonomy else None)
    writers: list[output.Writer] = []
    if fmt is not None and not (quiet and fmt == "summary"):
        writers.append(output.STDOUT_FORMATS[fmt](options))
    for name, path in files.items():
        writers.append(output.FILE_OUTPUTS[name](options, path))
    failed = 0
    with ProgressBar(len(inputs), enabled=not quiet and sys.stderr.isatty()) as progress:
        options.progress = progress
        for writer in writers:
            writer.begin()
        try:
            for result in batch.run(inputs, engine=engine, jobs=jobs or None, taxonomy=options.taxonomy):
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
                for writer in writers:
                    writer.write(result.letter)
        except BaseException:
            for writer in writers:
                writer.abort()
            raise
        for writer in writers:
            try:
                writer.end()
            except output.OutputError as exc:
                failed += 1
                progress.message(f"jtai-extract: {exc.path}: unwritable: {exc.message}")
    raise typer.Exit(1 if failed else 0)


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # "| head": stop quietly, no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        print("jtai-extract: interrupted", file=sys.stderr)
        sys.exit(130)
