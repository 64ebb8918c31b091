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
FINDING_PREVIEW_CHARS = 240  # the summary cuts a longer finding to this many characters (--full: whole)
TITLE_FRAME_CHARS = 6  # what the panel's border takes of the title line: "╭─ ", " ─", "╮" and a margin
ELLIPSIS = "…"


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


def print_summary(letter: dict[str, Any], console: Any, explain: bool = False, full: bool = False,
                  taxonomy: str | None = None) -> None:
    """The readable summary of one letter on a terminal: its fields, the headline findings (the
    2022+ letters have them), then each list of findings with its tags. ``full``: findings whole,
    not cut; ``explain``: the reasoning behind each finding's tags under it (``render_evidence``),
    recomputed with the lexicons of ``taxonomy``."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from .output import FINDING_SECTIONS

    letter = printable(letter)

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    for key, value in summary_fields(letter):
        head.add_row(key, Text(value) if value else Text("-", style="dim"))
    title = fit_title(letter.get("title") or letter["source"]["path"], letter.get("area"),
                      console.width - TITLE_FRAME_CHARS)
    console.print(Panel(head, title=Text(title), title_align="left"))
    explained: dict[str, Any] | None = None
    if explain:
        from .tag_explain import explain_letter

        explained = explain_letter(letter, taxonomy)
    headline = [n for n in letter.get("narrative") or [] if n.get("section") == "headline_findings"]
    _print_items(console, "Headline findings", headline, explained, full)
    for section in FINDING_SECTIONS:
        _print_items(console, section.replace("_", " ").capitalize(), letter.get(section) or [], explained, full)
    for warning in letter.get("warnings") or []:
        console.print(Text.assemble(("warning:", "yellow"), " ", warning))


def summary_fields(letter: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The panel's rows: (name, value), value None when the letter does not give it (shown as a
    dash, never as "None")."""
    theme = letter.get("theme") or {}
    insp = letter.get("inspection") or {}
    return [
        ("Area", letter.get("area")),
        ("Letter date", letter.get("letter_date")),
        ("Inspection", _joined(" to ", insp.get("start"), insp.get("end"))),
        ("Theme", _joined(" ", theme.get("label"), f"({theme['text']})" if theme.get("text") else None)),
        ("Inspectorates", ", ".join(letter.get("inspectorates") or []) or None),
        ("Addressees", "; ".join(_joined(" ", a["name"], f"({a['agency']})" if a.get("agency") else None) or "?"
                                 for a in letter.get("addressees") or []) or None),
        ("Deadline", "; ".join(_joined(" ", d.get("date"), d.get("email")) or "?"
                               for d in letter.get("deadlines") or []) or None),
        ("Signatories", "; ".join(s["name"] for s in letter.get("signatories") or []) or None),
    ]


def _joined(sep: str, *parts: str | None) -> str | None:
    present = [p for p in parts if p]
    return sep.join(present) if present else None


def fit_title(title: str, area: str | None, width: int) -> str:
    """The panel's title in ``width`` characters, keeping the area in view: a long title loses its
    start when it ends with the area ("… response to neglect in Fernmouth"), else is cut at its end
    after the area is put first."""
    if len(title) <= width:
        return title
    tail = title[-(width - 2):]  # room for the ellipsis and a space
    if area and area in tail:
        words = tail.split(" ")
        return f"{ELLIPSIS} " + " ".join(words[1:] if len(words) > 1 and title[-len(tail) - 1] != " " else words)
    head = _cut(title, width)
    return head if not area or area in head else _cut(f"{area}: {title}", width)


def _cut(text: str, width: int) -> str:
    """``text`` in ``width`` characters, cut at a space where it can be, ending in an ellipsis."""
    if len(text) <= width:
        return text
    head = text[:width - 1]
    if text[width - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + ELLIPSIS


def _print_items(console: Any, heading: str, items: list[dict[str, Any]], explained: dict[str, Any] | None,
                 full: bool) -> None:
    """One list of findings: id and pages in narrow columns, the text in a third column so it wraps
    indented; a sub-heading above the findings it heads; tags (and evidence) under each text."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not items:
        return
    console.print(Text.assemble((heading, "bold underline"), f" ({len(items)})"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1, overflow="fold")
    subheading = None
    for item in items:
        if item.get("subheading") and item["subheading"] != subheading:
            grid.add_row("", "", Text(item["subheading"], style="italic"))
        subheading = item.get("subheading")
        text = item["text"] if full else _cut(item["text"], FINDING_PREVIEW_CHARS)
        body: list[Any] = [Text.assemble((f"{item['heading']}: ", "bold"), text) if item.get("kind") else Text(text)]
        tags = Text(" ").join([Text(a, style="cyan") for a in item.get("agencies") or []]
                              + [Text(t, style="magenta") for t in item.get("themes") or []])
        if tags:
            body.append(tags)
        if explained is not None:
            body.extend(render_evidence(item, explained.get(item["id"])))
        grid.add_row(Text(f"  {item['id']}", style="bold"), "p" + ",".join(str(p) for p in item["pages"]),
                     Group(*body))
    console.print(grid)


def render_evidence(item: dict[str, Any], explanation: Any = None) -> list[Any]:
    """``--explain``: why each tag was given. With the tagger's ``explanation`` (tag_explain): each
    label's score against its threshold, the spans with their weights and roles, near misses,
    blocked spans and the rules that fired; without one, a line per piece of evidence."""
    from rich.text import Text

    if explanation is not None:
        from .tag_explain import explanation_lines

        return [Text(printable(line), style="dim" if line.startswith(("    ", "blocked", "rules")) else "italic")
                for line in explanation_lines(explanation)]
    return [Text(f"{ev['label']}: “{ev['text']}” [{ev['start']}:{ev['end']}]", style="dim")
            for ev in item.get("evidence") or []]


def print_batch_count(console: Any, extracted: int, failed: int, matched: int | None = None) -> None:
    """The line that ends a batch's summary: how many inputs were extracted and how many failed
    (and, with filters, how many letters had findings that passed them)."""
    from rich.text import Text

    letters = f"{extracted} letter{'s' if extracted != 1 else ''} extracted"
    if matched is not None:
        letters += f" ({matched} with findings matching the filters)"
    console.print(Text.assemble((letters, "bold"), ", ", (f"{failed} failed", "bold red" if failed else "bold")))


def printable(value: Any) -> Any:
    """``value`` (a letter's JSON) with the control characters of every string escaped, so that
    an escape sequence in a letter cannot retitle, clear or recolour the terminal it is shown on."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable(v) for v in value]
    return value
