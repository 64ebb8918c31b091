"""Stage 6: serialisation - JSON, JSON Lines, CSV and the readable terminal summary.

Outputs are deterministic: the same input gives the same bytes (no timestamps, stable key order).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

CSV_COLUMNS = ["letter", "area", "letter_date", "theme", "section", "id", "text", "agencies", "themes", "pages"]
FINDING_SECTIONS = ("strengths", "areas_for_improvement", "priority_actions", "case_studies")


def to_json(letter: dict[str, Any], indent: int | None = 2) -> str:
    if indent is None:
        return json.dumps(letter, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(letter, ensure_ascii=False, indent=indent)


def csv_header() -> str:
    return _csv_line(CSV_COLUMNS)


def to_csv_rows(letter: dict[str, Any]) -> str:
    """One row per finding (strengths, areas for improvement, priority actions, case studies)."""
    out = []
    stem = letter["source"]["path"].replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    theme = (letter.get("theme") or {}).get("label") or ""
    for section in FINDING_SECTIONS:
        for item in letter.get(section) or []:
            out.append(_csv_line([stem, letter.get("area") or "", letter.get("letter_date") or "", theme, section,
                                  item["id"], item["text"], ";".join(item["agencies"]), ";".join(item["themes"]),
                                  ";".join(str(p) for p in item["pages"])]))
    return "".join(out)


def _csv_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(values)
    return buf.getvalue()


def print_summary(letter: dict[str, Any], console, explain: bool = False, taxonomy: str | None = None) -> None:
    """The readable summary of one letter on a terminal: fields, then each finding with its tags
    (with ``explain``, the reasoning behind them: ``tag_explain``)."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

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
    if explain:
        from .tag_explain import explain_letter, render

        explained = explain_letter(letter, taxonomy)
    for section in FINDING_SECTIONS:
        items = letter.get(section) or []
        if not items:
            continue
        console.print(f"[bold underline]{section.replace('_', ' ').capitalize()}[/] ({len(items)})")
        for item in items:
            tags = " ".join([f"[cyan]{a}[/]" for a in item["agencies"]] + [f"[magenta]{t}[/]" for t in item["themes"]])
            text = item["text"] if len(item["text"]) < 240 else item["text"][:237] + "..."
            pages = ",".join(str(p) for p in item["pages"])
            console.print(f"  [bold]{item['id']}[/] [dim]p{pages}[/] {escape(text)}")
            if tags:
                console.print(f"      {tags}")
            if explain:
                render(explained.get(item["id"]), console)
    for warning in letter["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")


def tag_counts(letters: list[dict[str, Any]], labels: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """(kind, label, findings tagged) for every label, over the findings of all letters."""
    counts: dict[str, int] = {}
    for letter in letters:
        for section in FINDING_SECTIONS:
            for item in letter.get(section) or []:
                for label in {*item["agencies"], *item["themes"]}:
                    counts[label] = counts.get(label, 0) + 1
    return [(kind, label, counts.get(label, 0)) for kind, label in labels]


def tag_counts_tsv(rows: list[tuple[str, str, int]]) -> str:
    return "kind\tlabel\tfindings\n" + "".join(f"{k}\t{lab}\t{n}\n" for k, lab, n in rows)


class Progress:
    """A rich progress bar on stderr (current file, count, rate, time left), for several inputs
    on a terminal only: never in the data stream. Used as ``with Progress(n, on) as advance:``."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        if total > 1 and enabled:
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
                def render(self, task) -> Text:
                    return Text(f"{task.speed or 0:.1f} letters/s")

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                                TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("extracting", total=total)

    def __enter__(self):
        if self.bar is None:
            return lambda path: None
        self.bar.start()
        return lambda path: self.bar.update(self.task, advance=1, description=path.rsplit("/", 1)[-1][:40])

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
