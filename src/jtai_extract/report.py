"""``--report FILE``: one self-contained HTML file across letters.

A sortable table of the letters, five charts (static SVG, ``charts.py``) each with its data as a
table, a findings browser (filter by section, theme, agency, area, year and free text; evidence
words marked; each page a link to the PDF at that page), and the inputs that failed with their
error code. No server, no network, no external file: styles and the small script are inlined,
and a Content-Security-Policy forbids the page to fetch anything. The same letters give the same
bytes (no timestamps; letters in input order).

``Report`` collects what it needs of each letter as it arrives (not the whole JSON) and builds
the HTML at the end; ``output.ReportWriter`` drives it from the command line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from .charts import NARROW, WIDE
from .names import letter_stem
from .presentation import (
    ITEM_LISTS,
    SECTION_PLURALS,
    Segment,
    highlight,
    label_kinds,
    label_name,
    render,
    source_href,
    unique_key,
)

CHART_SECTIONS = ("strengths", "areas_for_improvement", "priority_actions")  # the findings the charts count
UNKNOWN = "unknown"  # a year or area the letter does not give


@dataclass(slots=True)
class ReportItem:
    """One finding (or case study, or narrative paragraph) as the browser shows it."""

    letter: str  # the letter's key
    area: str
    year: str
    section: str
    part: str | None  # the narrative's section, or the kind of case study
    id: str
    heading: str | None  # the sub-heading of a finding, the heading of a study or paragraph
    runs: list[tuple[str, str]]  # the text in runs, each with the numbers of the labels marking it ("" none)
    pages: list[tuple[int, str | None]]  # page number and its link
    agencies: list[str]
    themes: list[str]


@dataclass(slots=True)
class LetterRow:
    key: str
    name: str  # the input's file stem
    area: str
    letter_date: str | None
    year: str
    inspection: tuple[str | None, str | None]
    theme: str | None
    inspectorates: list[str]
    counts: dict[str, int]
    deadline: str | None
    href: str | None


@dataclass(slots=True)
class Failure:
    path: str
    code: str
    message: str


@dataclass(slots=True)
class Chart:
    id: str
    title: str
    summary: str  # in words: the chart's text alternative, shown instead of a chart with no marks
    svg: str  # drawn for a desktop's column...
    svg_narrow: str  # ...and for a phone (the page shows the one that fits)
    columns: list[str]  # the data table beside the chart: its header...
    rows: list[list[Any]]  # ...and rows
    marks: int  # how many data marks (bars, points) the chart draws: what a test checks
    legend: list[tuple[str, str]]  # series name and colour


@dataclass
class Report:
    """The report being collected; ``target`` is where it will be written (links are relative
    to its folder)."""

    target: Path
    letters: list[LetterRow] = field(default_factory=list)
    items: list[ReportItem] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    narrow_charts: bool = True  # each chart drawn a second time, for a phone's width
    _keys: set[str] = field(default_factory=set)
    _labels: dict[str, int] = field(default_factory=dict)  # evidence label -> its number in the page's list

    def add(self, letter: dict[str, Any]) -> None:
        path = letter["source"]["path"]
        key = unique_key(letter_stem(path), self._keys)
        area = letter.get("area") or letter_stem(path)
        year = (letter.get("letter_date") or "")[:4] or UNKNOWN
        is_pdf = letter["source"]["format"] == "pdf"
        deadline = next((d["date"] for d in letter.get("deadlines") or [] if d.get("date")), None)
        self.letters.append(LetterRow(
            key=key, name=letter_stem(path), area=area, letter_date=letter.get("letter_date"), year=year,
            inspection=(letter["inspection"]["start"], letter["inspection"]["end"]),
            theme=letter["theme"]["label"], inspectorates=list(letter.get("inspectorates") or []),
            counts={section: len(letter.get(section) or []) for section in ITEM_LISTS}, deadline=deadline,
            href=source_href(path, self.target)))
        for section in ITEM_LISTS:
            for item in letter.get(section) or []:
                pages = [(p, source_href(path, self.target, p if is_pdf else None)) for p in item["pages"]]
                self.items.append(ReportItem(
                    letter=key, area=area, year=year, section=section,
                    part=item.get("section") if section == "narrative" else item.get("kind"), id=item["id"],
                    heading=item.get("subheading") if "subheading" in item else item.get("heading"),
                    runs=self._runs(highlight(item["text"], item.get("evidence") or [])), pages=pages,
                    agencies=list(item.get("agencies") or []), themes=list(item.get("themes") or [])))

    def add_failure(self, path: str, code: str, message: str) -> None:
        self.failures.append(Failure(path, code, message))

    def _runs(self, segments: list[Segment]) -> list[tuple[str, str]]:
        return [(s.text, " ".join(str(self._labels.setdefault(label, len(self._labels))) for label in s.labels))
                for s in segments]

    def charts(self) -> list[Chart]:
        return [self.theme_chart(), self.agency_chart(), self.year_chart(), self.deadline_chart(),
                self.priority_chart()]

    def html(self) -> str:
        used = {label for item in self.items for label in (*item.agencies, *item.themes)}
        kinds = label_kinds()
        options = {
            "section": [(s, SECTION_PLURALS[s]) for s in ITEM_LISTS if any(i.section == s for i in self.items)],
            "theme": sorted(((s, label_name(s)) for s in used if kinds.get(s) != "agency"), key=lambda o: o[1]),
            "agency": sorted(((s, label_name(s)) for s in used if kinds.get(s) == "agency"), key=lambda o: o[1]),
            "area": sorted({(i.area, i.area) for i in self.items}, key=lambda o: o[1]),
            "year": sorted({(i.year, i.year) for i in self.items}),
        }
        label_list = [label_name(slug) for slug in self._labels]
        by_date = sorted(self.letters, key=lambda r: (r.letter_date or "", r.area, r.key))
        return render("report.html.j2", letters=by_date, items=self.items, failures=self.failures,
                      charts=self.charts(), options=options, version=__version__, label_list=label_list,
                      totals={s: sum(r.counts[s] for r in self.letters) for s in ITEM_LISTS})

    def save(self) -> None:
        from .batch import write_atomic

        write_atomic(self.target, self.html())

    # --- charts -----------------------------------------------------------------------------

    def _draw(self, draw: Callable[..., str], chart_id: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
        """A chart drawn for a desktop and, unless ``narrow_charts`` is off, for a phone."""
        wide = draw(chart_id, *args, size=WIDE, **kwargs)
        return wide, draw(f"{chart_id}-narrow", *args, size=NARROW, **kwargs) if self.narrow_charts else ""

    def _by_label(self, kind_is_agency: bool) -> tuple[list[str], list[str], dict[str, Counter[str]]]:
        kinds = label_kinds()
        counts: dict[str, Counter[str]] = {}
        for item in self.items:
            if item.section not in CHART_SECTIONS:
                continue
            for label in (item.agencies if kind_is_agency else item.themes):
                if (kinds.get(label) == "agency") == kind_is_agency:
                    counts.setdefault(label, Counter())[item.section] += 1
        order = sorted(counts, key=lambda s: (-sum(counts[s].values()), label_name(s)))
        return order, [label_name(s) for s in order], counts

    def _label_section_chart(self, chart_id: str, title: str, agency: bool) -> Chart:
        from .charts import SECTION_COLOURS, stacked_bars

        order, names, counts = self._by_label(agency)
        series = [(SECTION_PLURALS[s], [_or_none(counts[label][s]) for label in order]) for s in CHART_SECTIONS]
        rows = [[name, *(counts[label][s] for s in CHART_SECTIONS), sum(counts[label].values())]
                for label, name in zip(order, names, strict=True)]
        top = ", ".join(f"{r[0]} ({r[-1]})" for r in rows[:3])
        summary = (f"{title}, over {len(self.letters)} letters: {len(rows)} labels; the most frequent: {top}."
                   if rows else f"{title}: no finding is tagged.")
        colours = [SECTION_COLOURS[s] for s in CHART_SECTIONS]
        svg, narrow = self._draw(stacked_bars, chart_id, title, summary, names, series, colours)
        columns = ["label", *(SECTION_PLURALS[s] for s in CHART_SECTIONS), "total"]
        return Chart(chart_id, title, summary, svg, narrow, columns, rows,
                     marks=sum(1 for r in rows for n in r[1:-1] if n), legend=_legend(series, colours))

    def theme_chart(self) -> Chart:
        return self._label_section_chart("chart-themes", "Findings per theme, by section", agency=False)

    def agency_chart(self) -> Chart:
        return self._label_section_chart("chart-agencies", "Findings per agency, by section", agency=True)

    def year_chart(self) -> Chart:
        from .charts import SERIES_COLOURS, stacked_bars

        counts = Counter((row.year, row.theme or UNKNOWN) for row in self.letters)
        known = sorted(int(r.year) for r in self.letters if r.year.isdigit())
        years = [str(y) for y in range(known[0], known[-1] + 1)] if known else []
        if any(r.year == UNKNOWN for r in self.letters):
            years.append(UNKNOWN)
        themes = sorted({row.theme or UNKNOWN for row in self.letters}, key=_theme_name)
        series = [(_theme_name(t), [_or_none(counts[(y, t)]) for y in years]) for t in themes]
        title = "Letters by year and deep-dive theme"
        summary = (f"{len(self.letters)} letters from {years[0]} to {years[-1]}, in {len(themes)} deep-dive themes."
                   if years else "No letters.")
        colours = [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(themes))]
        svg, narrow = self._draw(stacked_bars, "chart-years", title, summary, years, series, colours,
                                 horizontal=False)
        rows = [[y, _theme_name(t), counts[(y, t)]] for y in years for t in themes if counts[(y, t)]]
        return Chart("chart-years", title, summary, svg, narrow, ["year", "deep-dive theme", "letters"], rows,
                     marks=len(rows), legend=_legend(series, colours))

    def deadline_chart(self) -> Chart:
        from .charts import SERIES_COLOURS, date_points

        themes = sorted({row.theme or UNKNOWN for row in self.letters}, key=_theme_name)
        points: dict[str, list[tuple[date, float, str]]] = {t: [] for t in themes}
        rows: list[list[Any]] = []
        for row in sorted(self.letters, key=lambda r: (r.deadline or "9999", r.area)):
            due, sent = _date(row.deadline), _date(row.letter_date)
            allowed = (due - sent).days if due and sent else None
            rows.append([row.area, row.letter_date or "", row.deadline or "no deadline found",
                         "" if allowed is None else allowed])
            if due is not None and allowed is not None:
                points[row.theme or UNKNOWN].append((due, float(allowed), f"{row.area} (due {row.deadline})"))
        series = [(_theme_name(t), points[t]) for t in themes if points[t]]
        dated = [r for r in rows if r[3] != ""]
        title = "Written-statement deadlines"
        summary = (f"Deadlines of {len(dated)} letters, from {dated[0][2]} to {dated[-1][2]}, and the days each "
                   f"letter allowed." if dated else "No letter gives a deadline for its written statement.")
        colours = [SERIES_COLOURS[themes.index(t) % len(SERIES_COLOURS)] for t in themes if points[t]]
        svg, narrow = self._draw(date_points, "chart-deadlines", title, summary, series, colours,
                                 "days after the letter", "No deadlines")
        columns = ["area", "letter date", "deadline", "days allowed"]
        return Chart("chart-deadlines", title, summary, svg, narrow, columns, rows, marks=len(dated),
                     legend=_legend(series, colours))

    def priority_chart(self) -> Chart:
        from .charts import SECTION_COLOURS, bars

        names = Counter(row.area for row in self.letters)
        with_actions = sorted(((f"{r.area} ({r.year})" if names[r.area] > 1 else r.area, r.counts["priority_actions"])
                               for r in self.letters if r.counts["priority_actions"]), key=lambda a: (-a[1], a[0]))
        title = "Areas with priority actions"
        summary = (f"{len(with_actions)} of {len(self.letters)} letters have priority actions: "
                   + ", ".join(f"{a} ({n})" for a, n in with_actions) + "."
                   if with_actions else f"None of the {len(self.letters)} letters has a priority action.")
        svg, narrow = self._draw(bars, "chart-priority", title, summary, [a for a, _ in with_actions],
                                 [n for _, n in with_actions], SECTION_PLURALS["priority_actions"],
                                 SECTION_COLOURS["priority_actions"], "No priority actions")
        return Chart("chart-priority", title, summary, svg, narrow, ["area", "priority actions"],
                     [list(a) for a in with_actions], marks=len(with_actions), legend=[])


def _legend(series: list[tuple[str, Any]], colours: list[str]) -> list[tuple[str, str]]:
    return [(name, colour) for (name, _), colour in zip(series, colours, strict=True)]


def _or_none(n: int) -> int | None:
    return n or None  # no bar for a zero


def _theme_name(slug: str) -> str:
    return "theme not found" if slug == UNKNOWN else label_name(slug)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
