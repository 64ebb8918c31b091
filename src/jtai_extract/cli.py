"""The command line: a thin layer over ``batch`` and ``output``. See CONTRACT.md / README.md."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)


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


@app.command()
def run(
    paths: Annotated[list[str] | None, typer.Argument(help="PDF or .txt letters, folders, or - for stdin")] = None,
    json_: Annotated[bool, typer.Option("--json", help="one JSON object (an array for several inputs)")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="one compact JSON object per line, streamed")] = False,
    csv_: Annotated[bool, typer.Option("--csv", help="one CSV row per finding")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="write DIR/<stem>.json per input")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="worker processes (0: all CPUs)")] = 0,
    engine: Annotated[str, typer.Option(help="PDF reader: pdfplumber or pdfium")] = "pdfplumber",
    taxonomy: Annotated[Path | None, typer.Option(help="your tag lexicon rows (a .tsv file or a folder of them) "
                                                       "added to the shipped ones")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="the readable summary, even when piped")] = False,
    tag_counts: Annotated[bool, typer.Option("--tag-counts", help="per label, how many findings it tagged")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="with the summary: why each tag was given")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print nothing but errors")] = False,
    schema: Annotated[bool, typer.Option("--schema", callback=_schema, is_eager=True,
                                         help="print the JSON Schema")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """Extract JTAI findings letters into structured data."""
    if sum([json_, jsonl, csv_, summary, tag_counts]) > 1:
        raise typer.BadParameter("choose one of --json, --jsonl, --csv, --summary, --tag-counts")
    if engine not in ("pdfplumber", "pdfium"):
        raise typer.BadParameter(f"unknown engine {engine!r}: pdfplumber or pdfium", param_hint="--engine")
    if not paths:
        if sys.stdin.isatty():
            raise typer.BadParameter("give a PDF, a .txt letter, a folder, or - for standard input")
        paths = ["-"]
    if taxonomy is not None:
        from .tagging import Tagger, TaxonomyError

        try:
            Tagger.load(str(taxonomy))
        except TaxonomyError as exc:
            print(f"jtai-extract: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
    from . import batch, output

    inputs = batch.expand(paths)
    fmt = ("json" if json_ else "jsonl" if jsonl else "csv" if csv_ else "summary" if summary
           else "counts" if tag_counts else None)
    if fmt is None and out_dir is None:
        fmt = "summary" if sys.stdout.isatty() else "json"
    console = None
    if fmt == "summary" and not quiet:
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 110)
    failed = 0
    letters: list[dict] = []
    used: set[str] = set()  # output file names already written in this run
    results = batch.run(inputs, engine=engine, jobs=jobs or None, taxonomy=str(taxonomy) if taxonomy else None)
    with output.Progress(len(inputs), enabled=not quiet and sys.stderr.isatty()) as advance:
        if fmt == "csv":
            _write(output.csv_header())
        for result in results:
            advance(result.input.path)
            if result.error is not None:
                failed += 1
                print(f"jtai-extract: {result.input.path}: {result.error.code}: {result.error.message}",
                      file=sys.stderr)
                continue
            letter = result.letter
            if out_dir is not None:
                batch.write_atomic(out_dir / batch.out_name(result.input.path, used), output.to_json(letter) + "\n")
            if fmt == "jsonl":
                _write(output.to_json(letter, indent=None) + "\n")
            elif fmt == "csv":
                _write(output.to_csv_rows(letter))
            elif fmt in ("json", "counts"):
                letters.append(letter)
            elif console is not None:
                output.print_summary(letter, console, explain=explain, taxonomy=str(taxonomy) if taxonomy else None)
    if fmt == "json" and letters:
        single = len(inputs) == 1
        _write(output.to_json(letters[0] if single else letters) + "\n")
    if fmt == "counts":
        from .tagging import Tagger

        labels = Tagger.load(str(taxonomy) if taxonomy else None).labels()
        _write(output.tag_counts_tsv(output.tag_counts(letters, labels)))
    raise typer.Exit(1 if failed else 0)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


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
