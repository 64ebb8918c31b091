"""What a person sees on a terminal: the progress bar (on stderr, never in the data stream) and
the readable summary of a letter (rich)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, Any

from .errors import escape_controls
from .names import display_name

REFRESH_PER_SECOND = 8  # the bar's redraw rate: smooth enough, and cheap over a slow link


class ProgressBar:
    """A rich progress bar on stderr (current file, count, rate, time left), shown for several
    inputs when stderr is a terminal. rich is told not to capture stdout or stderr: data written
    to stdout goes where the user sent it, whatever the bar does. Messages go through ``message``
    so they print above the bar instead of through it; ``paused`` takes the bar off the screen
    while something else (the summary view) writes to the same terminal."""

    def __init__(self, total: int, enabled: bool, stream: IO[str] | None = None) -> None:
        self.bar: Any = None
        self.stream = stream or sys.stderr
        if not (enabled and total > 1):
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                return Text(f"{task.speed or 0:.1f} letters/s")

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                            TimeRemainingColumn(),
                            console=Console(file=self.stream), transient=True, redirect_stdout=False,
                            redirect_stderr=False, refresh_per_second=REFRESH_PER_SECOND)
        self.task = self.bar.add_task("extracting", total=total)

    def __enter__(self) -> ProgressBar:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, path: str) -> None:
        if self.bar is not None:
            from rich.markup import escape

            self.bar.update(self.task, advance=1, description=escape(escape_controls(display_name(path))[:40]))

    def message(self, line: str) -> None:
        """One line on stderr (an error line), printed above the bar when there is one."""
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True, emoji=False)
        else:
            print(line, file=self.stream, flush=True)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        if self.bar is None:
            yield
            return
        self.bar.stop()  # transient: the bar is erased before anything else is written
        try:
            yield
        finally:
            self.bar.start()


def print_summary(letter: dict[str, Any], console: Any, explain: bool = False) -> None:
    """The readable summary of one letter on a terminal: fields, then each finding with its tags.
    Control characters of the letter (an escape sequence in a text letter) are shown escaped."""
    from rich.markup import escape as escape_markup

    def escape(text: str) -> str:
        return escape_markup(escape_controls(text))
    from rich.panel import Panel
    from rich.table import Table

    from .output import FINDING_SECTIONS

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    theme = letter["theme"]
    insp = letter["inspection"]
    deadline = next(iter(letter["deadlines"]), None)
    for key, value in [
        ("Area", letter["area"]),
        ("Letter date", letter["letter_date"]),
        ("Inspection", f"{insp['start']} to {insp['end']}"),
        ("Theme", f"{theme['label']} ({theme['text']})" if theme["label"] else None),
        ("Inspectorates", ", ".join(letter["inspectorates"])),
        ("Addressees", "; ".join(f"{a['name']} ({a['agency'] or '?'})" for a in letter["addressees"])),
        ("Deadline", f"{deadline['date']} {deadline['email'] or ''}" if deadline else None),
        ("Signatories", "; ".join(s["name"] for s in letter["signatories"])),
    ]:
        head.add_row(key, escape(str(value)) if value else "[dim]-[/dim]")
    console.print(Panel(head, title=escape(letter["title"] or letter["source"]["path"]), title_align="left"))
    for section in FINDING_SECTIONS:
        items = letter.get(section) or []
        if not items:
            continue
        console.print(f"[bold underline]{section.replace('_', ' ').capitalize()}[/] ({len(items)})")
        for item in items:
            tags = " ".join([f"[cyan]{escape(a)}[/]" for a in item["agencies"]]
                            + [f"[magenta]{escape(t)}[/]" for t in item["themes"]])
            text = item["text"] if len(item["text"]) < 240 else item["text"][:237] + "..."
            pages = ",".join(str(p) for p in item["pages"])
            console.print(f"  [bold]{item['id']}[/] [dim]p{pages}[/] {escape(text)}")
            if tags:
                console.print(f"      {tags}")
            if explain:
                for ev in item["evidence"]:
                    label, text = escape(ev["label"]), escape(ev["text"])
                    console.print(f"      [dim]{label}: “{text}” [{ev['start']}:{ev['end']}][/]")
    for warning in letter["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
