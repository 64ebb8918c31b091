"""The report's charts: static SVG from pygal, inlined in the HTML (no script, no network).

Each function takes plain numbers (``report.py`` counts them from the letters) and returns one
``<svg>`` element as text. The SVG is made deterministic and self-contained by an XML filter:
pygal's comments (which carry today's date) and scripts are dropped, its random chart id is
replaced by a stable one, ids inside are prefixed so several charts share a page, and every mark
gets a ``<title>`` (the browser's tooltip, and what a screen reader reads) naming its series,
category and value.

The colours of the sections are the report's and the view's (``SECTION_COLOURS``): Okabe-Ito
colours, told apart with colour blindness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

SECTION_COLOURS = {
    "strengths": "#009E73",
    "areas_for_improvement": "#E69F00",
    "priority_actions": "#D55E00",
    "case_studies": "#0072B2",
    "narrative": "#8C8C8C",
}
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#000000",
                  "#F0E442", "#7F7F7F")  # letter themes: Okabe-Ito, then two more
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
BAR_ROW_PX = 22  # height per category in horizontal bar charts
CHART_MARGINS_PX = 60  # room for the axis under the bars
COLUMN_CHART_PX = 380  # height of the charts with vertical bars or points
LABEL_FONT_PX = 14
MAX_TICKS = 8  # value axes count in whole numbers, with at most this many steps...
NICE_STEPS = (1, 2, 5)  # ...of 1, 2 or 5 times a power of ten


@dataclass(frozen=True, slots=True)
class Size:
    """How a chart is drawn for a kind of screen. The page scales the drawing to its column, so
    each size is drawn near the width it is shown at, and its text stays readable."""

    width_px: int
    label_characters: int  # category names longer than this are cut (the full name: tooltip, table)
    x_label_rotation: int  # degrees: years under narrow columns are turned to fit
    max_ticks: int


WIDE = Size(width_px=640, label_characters=40, x_label_rotation=0, max_ticks=MAX_TICKS)  # a desktop's column
NARROW = Size(width_px=360, label_characters=22, x_label_rotation=60, max_ticks=5)  # a phone, 390 px wide

Series = Sequence[tuple[str, Sequence[float | None]]]  # (series name, one value per category)


def stacked_bars(chart_id: str, title: str, summary: str, categories: Sequence[str], series: Series,
                 colours: Sequence[str], horizontal: bool = True, no_data: str = "No data", size: Size = WIDE) -> str:
    """Bars stacked by series, one bar per category (horizontal: categories down the side)."""
    import pygal

    kind = pygal.HorizontalStackedBar if horizontal else pygal.StackedBar
    height = _bar_chart_height(len(categories)) if horizontal else COLUMN_CHART_PX
    totals = [sum(values[i] or 0 for _, values in series) for i in range(len(categories))]
    axis = _count_axis(size, max(totals)) if any(totals) else {}
    if not horizontal:  # horizontal bars name their categories down the side: no need to turn them
        axis["x_label_rotation"] = size.x_label_rotation
    chart = kind(**_config(size, colours, height, no_data_text=no_data, **axis))
    chart.x_labels = [_cut(c, size.label_characters) for c in reversed(categories)] if horizontal else list(categories)
    for name, values in series:
        chart.add(name, list(reversed(values)) if horizontal else list(values))
    return _render(chart, chart_id, title, summary, [name for name, _ in series])


def bars(chart_id: str, title: str, summary: str, categories: Sequence[str], values: Sequence[float],
         series_name: str, colour: str, no_data: str, size: Size = WIDE) -> str:
    """One horizontal bar per category."""
    import pygal

    axis = _count_axis(size, max(values)) if values else {}  # pygal fails on ticks without data
    chart = pygal.HorizontalBar(**_config(size, [colour], _bar_chart_height(len(categories)), no_data_text=no_data,
                                          **axis))
    chart.x_labels = [_cut(c, size.label_characters) for c in reversed(categories)]
    if categories:
        chart.add(series_name, list(reversed(values)))
    return _render(chart, chart_id, title, summary, [series_name])


def date_points(chart_id: str, title: str, summary: str, series: list[tuple[str, list[tuple[date, float, str]]]],
                colours: Sequence[str], y_title: str, no_data: str, size: Size = WIDE) -> str:
    """Points on a time axis: per series, (date, value, label of the point)."""
    import pygal

    values = [v for _, points in series for _, v, _ in points]
    axis = _count_axis(size, max(values), min(values)) if values else {}
    chart = pygal.DateLine(**_config(size, colours, COLUMN_CHART_PX, stroke=False, dots_size=5, y_title=y_title,
                                     no_data_text=no_data, x_value_formatter=lambda d: d.strftime("%Y"),
                                     x_label_rotation=size.x_label_rotation, **axis))
    years = sorted({d.year for _, points in series for d, _, _ in points})
    if years:
        chart.x_labels = [date(y, 1, 1) for y in range(years[0], years[-1] + 2)]
    for name, points in series:
        chart.add(name, [{"value": (d, v), "label": label} for d, v, label in points])
    return _render(chart, chart_id, title, summary, [name for name, _ in series])


def _cut(label: str, characters: int) -> str:
    """A category name cut to fit beside horizontal bars (pygal cuts only labels under columns)."""
    return label if len(label) <= characters else label[: characters - 1].rstrip() + "…"


def _bar_chart_height(categories: int) -> int:
    return max(categories, 1) * BAR_ROW_PX + CHART_MARGINS_PX


def count_ticks(high: float, low: float = 0, max_ticks: int = MAX_TICKS) -> list[int]:
    """Whole-number ticks from ``low`` (rounded down) past ``high``, in steps of 1, 2 or 5 times a
    power of ten, at most ``max_ticks`` steps (pygal's own ticks count counts in tenths)."""
    magnitude = 1
    while True:
        for nice in NICE_STEPS:
            step = nice * magnitude
            start = int(low // step) * step
            stop = -int(-high // step) * step
            if (stop - start) / step <= max_ticks:
                return list(range(start, max(stop, start + step) + 1, step))
        magnitude *= 10


def _count_axis(size: Size, high: float, low: float = 0) -> dict[str, Any]:
    ticks = count_ticks(high, low, size.max_ticks)
    return {"y_labels": ticks, "range": (ticks[0], ticks[-1])}


def _config(size: Size, colours: Sequence[str], height: int, **extra: Any) -> dict[str, Any]:
    from pygal.style import Style

    style = Style(font_family=FONT_FAMILY, background="white", plot_background="white",
                  foreground="#222", foreground_strong="#111", foreground_subtle="#666", colors=tuple(colours),
                  label_font_size=LABEL_FONT_PX, major_label_font_size=LABEL_FONT_PX,
                  title_font_size=16, no_data_font_size=18,
                  opacity=".9", opacity_hover="1", transition="0ms")
    config: dict[str, Any] = dict(style=style, width=size.width_px, height=height, js=[],
                                  disable_xml_declaration=True, truncate_label=size.label_characters,
                                  show_legend=False, print_values=False, show_y_guides=True, margin=12,
                                  spacing=8)  # the legend is the page's (HTML), so it wraps on a phone
    config.update(extra)
    return config


def _render(chart: Any, chart_id: str, title: str, summary: str, series_names: list[str]) -> str:
    # pygal's default is a random uuid (the svg's id is "chart-" + it): the same data must give the same bytes
    chart.uuid = chart_id.removeprefix("chart-")
    chart.add_xml_filter(lambda root: _clean(root, chart_id, title, summary, series_names))
    svg: str = chart.render(is_unicode=True)
    return svg


def _clean(root: Any, chart_id: str, title: str, summary: str, series_names: list[str]) -> Any:
    from pygal.etree import etree

    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag) == "script":
                parent.remove(child)  # comments (one carries today's date), processing instructions, scripts
            elif _local(child.tag) == "title" and "guides" in _classes(parent):
                parent.remove(child)  # pygal's tooltip of an axis label is its position: no use
            elif _descs(child).get("value") in ("0", "None"):
                parent.remove(child)  # a zero (None) in a stack of bars: pygal draws an empty bar
    for element in root.iter():
        ident = element.get("id")
        if ident and element is not root:
            element.set("id", f"{chart_id}-{ident}")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    for position, element in enumerate(list(root)):
        if _local(element.tag) == "title":  # the chart's own title (pygal writes "Pygal" when none)
            element.text = title
            element.set("id", f"{chart_id}-title")
            desc = etree.Element("desc", id=f"{chart_id}-desc")
            desc.text = summary
            root.insert(position + 1, desc)
            break
    for group in root.iter():
        index = next((int(c[6:]) for c in _classes(group) if c.startswith("serie-") and c[6:].isdigit()), None)
        if "series" not in _classes(group) or index is None:
            continue
        name = series_names[index] if index < len(series_names) else ""
        for mark in group.iter():
            descs = _descs(mark)
            if "value" in descs:
                words = [w for w in (name, descs.get("x_label", ""), descs.get("label", "")) if w]
                tip = etree.Element("title")
                tip.text = ": ".join([*words, descs["value"]])
                mark.insert(0, tip)
    return root


def _classes(element: Any) -> list[str]:
    return (element.get("class") or "").split()


def _descs(mark: Any) -> dict[str, str]:
    """pygal's data about a mark: the <desc> children, by their first class (value, x_label, label)."""
    return {_classes(d)[0]: d.text or "" for d in mark if _local(d.tag) == "desc" and _classes(d)}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
