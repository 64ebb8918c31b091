"""The report and the view as a person sees them, in headless Chromium (tests/browser.py): no
console errors, no request leaves the file, every chart draws its marks, filters show exactly
the findings the JSON has, boxes lie on their pages, nothing is wider than a phone. Screenshots at
1280 and 390 px go to eval/screenshots/ (a CI run's pictures; git ignores them)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jtai_extract.cli import app
from jtai_extract.names import letter_stem
from jtai_extract.presentation import ITEM_LISTS, label_kinds
from jtai_extract.report import Report

from .browser import browser  # noqa: F401  (the fixture)
from .conftest import LAYOUT_SAMPLES, ROOT, SAMPLES

SCREENSHOTS = ROOT / "eval" / "screenshots"
WIDTHS = (1280, 390)
CHART_SECTIONS = ("strengths", "areas_for_improvement", "priority_actions")
VIEW_SAMPLE = SAMPLES / "harrowgate-vale-2025-05.pdf"


def extract_to(inputs: list[str], *flags: str) -> list[dict]:
    """Run the command (in this process) once: its JSON, and the HTML outputs named in ``flags``."""
    done = CliRunner().invoke(app, [*inputs, "--json", "--quiet", "--jobs", "1", *flags], catch_exceptions=False)
    assert done.exit_code == 0, done.stderr
    letters = json.loads(done.stdout)
    return letters if isinstance(letters, list) else [letters]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    return out, extract_to([*map(str, LAYOUT_SAMPLES)], "--report", str(out))


# --- the harness sees what it must -----------------------------------------------------------

def test_the_harness_sees_a_request_and_a_console_error(browser, tmp_path):  # noqa: F811
    page = tmp_path / "leaky.html"
    page.write_text('<img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>', encoding="utf-8")
    browser.open(page, 800)
    assert any(url.startswith("http://127.0.0.1:9/") for url in browser.requests())
    assert any("boom" in message for message in browser.console_errors())


# --- the report --------------------------------------------------------------------------------

def check_page(browser, page: Path, name: str) -> None:  # noqa: F811
    """Open the page once (what it loads does not depend on the width), then at each width: no
    sideways scrolling of the page itself, and a screenshot."""
    browser.open(page, WIDTHS[0])
    assert browser.console_errors() == []
    foreign = [url for url in browser.requests() if url != page.resolve().as_uri() and not url.startswith("data:")]
    assert foreign == []
    duplicates = browser.run("""var seen = {}, twice = [];
        document.querySelectorAll("[id]").forEach(function (e) {
          if (seen[e.id]) { twice.push(e.id); } seen[e.id] = 1; });
        return twice;""")
    assert duplicates == []  # links, labels and aria references need unique ids
    for width in WIDTHS:
        browser.driver.set_window_size(width, 900)
        overflow = browser.run("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than a {width} px window"
        browser.screenshot(SCREENSHOTS / f"{name}-{width}.png", width)
    browser.driver.set_window_size(WIDTHS[0], 900)
    assert browser.console_errors() == []


def check_report(browser, page: Path, letters: list[dict], name: str) -> None:  # noqa: F811
    check_page(browser, page, f"report-{name}")
    for width in WIDTHS:  # each width shows its own drawing of each chart
        browser.driver.set_window_size(width, 900)
        assert chart_marks(browser) == expected_marks(letters), width
    browser.driver.set_window_size(WIDTHS[0], 900)
    check_theme_filters(browser, letters)


def chart_marks(browser) -> dict[str, int]:  # noqa: F811
    """Per chart, the marks drawn with a visible size."""
    return browser.run("""
        var out = {};
        document.querySelectorAll("figure.chart").forEach(function (figure) {
          var marks = Array.prototype.filter.call(figure.querySelectorAll("svg .tooltip-trigger"), function (m) {
            var box = m.getBoundingClientRect(); return box.width > 0 && box.height > 0; });
          out[figure.id.replace("-figure", "")] = marks.length;
        });
        return out;""")


def expected_marks(letters: list[dict]) -> dict[str, int]:
    """What each chart must draw, counted from the JSON (one mark per non-zero bar or point)."""
    kinds = label_kinds()
    themes = {(t, s) for lt in letters for s in CHART_SECTIONS for f in lt[s] for t in f["themes"]}
    agencies = {(a, s) for lt in letters for s in CHART_SECTIONS for f in lt[s] for a in f["agencies"]
                if kinds.get(a) == "agency"}
    return {
        "chart-themes": len(themes),
        "chart-agencies": len(agencies),
        "chart-years": len({((lt["letter_date"] or "")[:4], lt["theme"]["label"]) for lt in letters}),
        "chart-deadlines": sum(1 for lt in letters if lt["letter_date"] and any(d["date"] for d in lt["deadlines"])),
        "chart-priority": sum(1 for lt in letters if lt["priority_actions"]),
    }


SHOWN_ITEMS_JS = """
    return Array.prototype.filter.call(document.querySelectorAll("#items > article"), function (a) {
      return !a.hidden; }).map(function (a) {
      return [a.getAttribute("data-letter"), a.getAttribute("data-section"), a.querySelector(".meta b").textContent];
    });"""


def shown_items(browser) -> list[tuple[str, str, str]]:  # noqa: F811
    """(letter, section, id) of each finding the browser displays."""
    return [tuple(x) for x in browser.run(SHOWN_ITEMS_JS)]


def choose_and_show(browser, name: str, value: str) -> list[tuple[str, str, str]]:  # noqa: F811
    """Choose a filter as the select element does (its value, then a change event) and list what
    is shown, in one round trip: the corpus has thousands of findings and 30 themes."""
    script = ('var select = document.querySelector(\'#filters select[name="\' + arguments[0] + \'"]\');'
              'select.value = arguments[1]; select.dispatchEvent(new Event("change", {bubbles: true}));'
              + SHOWN_ITEMS_JS)
    return [tuple(x) for x in browser.run(script, name, value)]


def choose(browser, name: str, value: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(browser.driver.find_element(By.CSS_SELECTOR, f'#filters select[name="{name}"]')).select_by_value(value)


def check_theme_filters(browser, letters: list[dict]) -> None:  # noqa: F811
    keys = [letter_stem(lt["source"]["path"]) for lt in letters]
    assert len(set(keys)) == len(keys)
    everything = sorted((k, s, item["id"]) for k, lt in zip(keys, letters, strict=True) for s in ITEM_LISTS
                        for item in lt[s])
    assert sorted(shown_items(browser)) == everything
    themes = sorted({t for lt in letters for s in ITEM_LISTS for item in lt[s] for t in item["themes"]})
    assert themes
    for theme in themes:
        want = sorted((k, s, item["id"]) for k, lt in zip(keys, letters, strict=True) for s in ITEM_LISTS
                      for item in lt[s] if theme in item["themes"])
        assert sorted(choose_and_show(browser, "theme", theme)) == want, theme
        count = browser.run('return document.getElementById("count").textContent')
        assert count.startswith(f"Showing {len(want)} of ") or len(want) == len(everything)
    choose(browser, "theme", "")
    assert len(shown_items(browser)) == len(everything)
    choose(browser, "theme", themes[0])
    displays = browser.run("""return Array.prototype.map.call(document.querySelectorAll("#items > article"),
        function (a) { return [a.hidden, getComputedStyle(a).display]; });""")
    assert all((display == "none") == hidden for hidden, display in displays)  # hidden is hidden on screen
    choose(browser, "theme", "")


def test_report_of_the_samples_in_chromium(browser, sample_report):  # noqa: F811
    page, letters = sample_report
    check_report(browser, page, letters, "samples")


def test_report_findings_filter_by_section_agency_area_and_words(browser, sample_report):  # noqa: F811
    page, letters = sample_report
    browser.open(page, 1280)
    keys = [letter_stem(lt["source"]["path"]) for lt in letters]
    choose(browser, "section", "areas_for_improvement")
    choose(browser, "agency", "health")
    want = sorted((k, "areas_for_improvement", f["id"]) for k, lt in zip(keys, letters, strict=True)
                  for f in lt["areas_for_improvement"] if "health" in f["agencies"])
    assert want and sorted(shown_items(browser)) == want
    choose(browser, "section", "")
    choose(browser, "agency", "")
    choose(browser, "area", letters[1]["area"])
    assert {k for k, _, _ in shown_items(browser)} == {keys[1]}
    search = browser.driver.find_element("css selector", '#filters input[name="q"]')
    search.send_keys("strategy discussions")
    shown = shown_items(browser)
    texts = browser.run("""return Array.prototype.filter.call(document.querySelectorAll("#items > article"),
        function (a) { return !a.hidden; }).map(function (a) { return a.textContent.toLowerCase(); });""")
    assert shown and all("strategy" in t and "discussions" in t for t in texts)


def test_report_letters_table_sorts_by_a_column(browser, sample_report):  # noqa: F811
    page, letters = sample_report
    browser.open(page, 1280)
    column = "return Array.prototype.map.call(document.querySelectorAll('#letters-table tbody tr'), " \
             "function (r) { return Number(r.cells[5].textContent); });"
    browser.driver.find_element("css selector", '#letters-table th button[title="strengths"]').click()
    strengths = sorted(len(lt["strengths"]) for lt in letters)
    assert browser.run(column) == strengths
    browser.driver.find_element("css selector", '#letters-table th button[title="strengths"]').click()
    assert browser.run(column) == strengths[::-1]


@pytest.mark.corpus
@pytest.mark.skipif(not os.environ.get("JTAI_CORPUS"), reason="set JTAI_CORPUS (as .ci/run does): 42 letters")
def test_report_of_the_corpus_letters_in_chromium(browser, corpus_run, tmp_path):  # noqa: F811
    # the letters extracted once for all the corpus tests; the command's own path to the report is
    # the samples' test above
    page = tmp_path / "report.html"
    report = Report(page)
    for letter in corpus_run.letters:
        report.add(letter)
    report.save()
    assert len(corpus_run.letters) == 42
    check_report(browser, page, corpus_run.letters, "corpus")


# --- the view ----------------------------------------------------------------------------------

def test_view_of_a_sample_letter_in_chromium(browser, tmp_path):  # noqa: F811
    page = tmp_path / "view.html"
    letter = extract_to([str(VIEW_SAMPLE)], "--view", str(page))[0]
    check_page(browser, page, "view")
    for width in WIDTHS:
        browser.driver.set_window_size(width, 900)
        check_boxes(browser, letter)


def check_boxes(browser, letter: dict) -> None:  # noqa: F811
    """Every item's box is drawn inside the image of the page its JSON names, beside its item."""
    drawn = browser.run("""
        return Array.prototype.map.call(document.querySelectorAll("g.box"), function (g) {
          var row = g.closest(".page-row"), img = row.querySelector("img");
          var box = g.querySelector("rect").getBoundingClientRect(), page = img.getBoundingClientRect();
          var beside = row.querySelector('article[data-item="' + g.getAttribute("data-item") + '"]') !== null;
          return [g.getAttribute("data-item"), Number(row.getAttribute("data-page")), beside,
                  box.left - page.left, box.top - page.top, page.right - box.right, page.bottom - box.bottom,
                  box.width, box.height];
        });""")
    stem = letter_stem(letter["source"]["path"])
    want = sorted((f"{stem}-{item['id']}", b["page"]) for s in ITEM_LISTS for item in letter[s] for b in item["boxes"])
    assert sorted((key, number) for key, number, *_ in drawn) == want and want
    for key, number, beside, *margins, width, height in drawn:
        assert beside, key
        assert all(m >= -1 for m in margins), (key, number, margins)  # inside the page image (1 px rounding)
        assert width > 0 and height > 0
