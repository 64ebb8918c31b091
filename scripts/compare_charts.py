"""Which chart library for --report: the report's five charts drawn with each library that is
installed, on the same numbers (the report's own data tables), measured the same way.

Usage: python scripts/compare_charts.py LETTERS.jsonl [--libs pygal matplotlib plotly] [--runs 3]

LETTERS.jsonl is `jtai-extract letters/ --jsonl` output. Per library: the installed size of it
and what it pulls in (all of it, and beyond what jtai-extract needs anyway), the time to import it
and draw the five charts in a fresh process (what one report run pays; median of --runs), the
bytes the charts add to the HTML, and whether two builds give the same bytes. A library that is not
installed is reported as such (install it in a scratch venv beside jtai-extract to measure it).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

LIBRARIES = ("pygal", "matplotlib", "plotly")


def load(letters_file: Path):
    from jtai_extract.report import Report

    report = Report(Path("report.html"))
    for line in letters_file.read_text(encoding="utf-8").splitlines():
        report.add(json.loads(line))
    return report


def draw_matplotlib(tables: dict[str, list[list]]) -> list[str]:
    import io
    from datetime import date

    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    # deterministic SVG: fixed ids, no date, text as text (not paths)
    matplotlib.rcParams.update({"svg.hashsalt": "jtai", "svg.fonttype": "none"})
    out = []

    def save(fig) -> None:
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)
        out.append(buffer.getvalue())

    for key in ("chart-themes", "chart-agencies"):
        rows = tables[key][::-1]
        fig, ax = plt.subplots(figsize=(6.4, 0.22 * len(rows) + 0.6))
        left = [0] * len(rows)
        for column, name in enumerate(("Strengths", "Areas for improvement", "Priority actions"), 1):
            values = [r[column] for r in rows]
            ax.barh([r[0] for r in rows], values, left=left, label=name)
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.legend()
        save(fig)
    rows = tables["chart-years"]
    years = sorted({r[0] for r in rows})
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    bottom = [0] * len(years)
    for theme in sorted({r[1] for r in rows}):
        values = [sum(r[2] for r in rows if r[0] == y and r[1] == theme) for y in years]
        ax.bar(years, values, bottom=bottom, label=theme)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    ax.legend(fontsize=6)
    save(fig)
    rows = [r for r in tables["chart-deadlines"] if r[3] != ""]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ax.scatter([date.fromisoformat(r[2]) for r in rows], [r[3] for r in rows])
    save(fig)
    rows = tables["chart-priority"][::-1]
    fig, ax = plt.subplots(figsize=(6.4, 0.22 * len(rows) + 0.6))
    ax.barh([r[0] for r in rows], [r[1] for r in rows])
    save(fig)
    return out


def draw_plotly(tables: dict[str, list[list]]) -> list[str]:
    import plotly.graph_objects as go
    import plotly.io as pio

    figures = []
    for key in ("chart-themes", "chart-agencies"):
        rows = tables[key][::-1]
        figures.append(go.Figure([go.Bar(y=[r[0] for r in rows], x=[r[c] for r in rows], name=name, orientation="h")
                                  for c, name in enumerate(("Strengths", "Areas for improvement", "Priority actions"),
                                                           1)], layout={"barmode": "stack"}))
    rows = tables["chart-years"]
    figures.append(go.Figure([go.Bar(x=[r[0] for r in rows if r[1] == t], y=[r[2] for r in rows if r[1] == t], name=t)
                              for t in sorted({r[1] for r in rows})], layout={"barmode": "stack"}))
    rows = [r for r in tables["chart-deadlines"] if r[3] != ""]
    figures.append(go.Figure([go.Scatter(x=[r[2] for r in rows], y=[r[3] for r in rows], mode="markers")]))
    rows = tables["chart-priority"][::-1]
    figures.append(go.Figure([go.Bar(y=[r[0] for r in rows], x=[r[1] for r in rows], orientation="h")]))
    # offline: plotly.js inlined once in the page, each chart's div with a fixed id
    return [pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0), div_id=f"chart-{i}")
            for i, fig in enumerate(figures)]


def one(library: str, letters_file: Path) -> dict:
    """In this fresh process: draw the five charts twice; the first time includes the import."""
    report = load(letters_file)  # the letters' numbers: the report's own work, whatever draws them
    report.narrow_charts = False  # one drawing per chart, as for the others
    if library == "pygal":
        def draw() -> list[str]:
            return [chart.svg for chart in report.charts()]
    else:
        tables = {chart.id: chart.rows for chart in report.charts()}
        drawer = draw_matplotlib if library == "matplotlib" else draw_plotly

        def draw() -> list[str]:
            return drawer(tables)
    start = time.perf_counter()
    first = "".join(draw())
    middle = time.perf_counter()
    again = "".join(draw())
    end = time.perf_counter()
    return {"first": middle - start, "again": end - middle, "bytes": len(first.encode()), "same_bytes": first == again}


def installed_size(name: str, exclude: set[str]) -> tuple[float, list[str]]:
    """MB on disk of a distribution and its dependencies (recursively), leaving out ``exclude``."""
    seen: set[str] = set()
    todo = [name]
    total = 0
    while todo:
        current = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if current in seen or current in exclude:
            continue
        seen.add(current)
        try:
            dist = metadata.distribution(current)
        except metadata.PackageNotFoundError:
            continue
        total += sum(Path(str(dist.locate_file(f))).stat().st_size for f in dist.files or []
                     if Path(str(dist.locate_file(f))).is_file())
        todo += [r for r in dist.requires or [] if "extra ==" not in r]
    return total / 1e6, sorted(seen)


def dependencies_of_the_rest() -> set[str]:
    """What jtai-extract installs without any chart library (its other dependencies)."""
    found: set[str] = set()
    for requirement in metadata.distribution("jtai-extract").requires or []:
        name = re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0].lower()
        if "extra ==" in requirement or name in LIBRARIES:
            continue
        found.update(installed_size(name, set())[1])
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("letters", type=Path)
    ap.add_argument("--libs", nargs="+", default=list(LIBRARIES))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.letters)))
        return 0
    rest = dependencies_of_the_rest()
    for library in args.libs:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            print(f"{library}: not installed")
            continue
        all_mb, _ = installed_size(library, set())
        extra_mb, extra = installed_size(library, rest)
        runs = [json.loads(subprocess.run([sys.executable, __file__, str(args.letters), "--one", library],
                                          capture_output=True, text=True, check=True).stdout)
                for _ in range(args.runs)]
        first = statistics.median(r["first"] for r in runs)
        again = statistics.median(r["again"] for r in runs)
        print(f"{library} {version}: installed {all_mb:.1f} MB with its dependencies, {extra_mb:.1f} MB beyond "
              f"jtai-extract's others ({', '.join(extra)}); five charts {runs[0]['bytes'] / 1e3:.0f} kB in the page; "
              f"import and draw {first * 1000:.0f} ms, draw again {again * 1000:.0f} ms (medians of {args.runs} "
              f"fresh processes); same bytes twice: {runs[0]['same_bytes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
