"""--report: the HTML report's content, self-containment and determinism, without a browser
(tests/test_browser.py opens it in Chromium)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jtai_extract.charts import count_ticks
from jtai_extract.cli import app
from jtai_extract.presentation import ITEM_LISTS, Segment, highlight, label_name, source_href
from jtai_extract.report import Report

from .conftest import FIXTURES, LAYOUT_SAMPLES

SAMPLE_PDFS = LAYOUT_SAMPLES
CHART_IDS = ["chart-themes", "chart-agencies", "chart-years", "chart-deadlines", "chart-priority"]


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def expected_letters() -> list[dict]:
    return [json.loads(p.with_suffix(".expected.json").read_text(encoding="utf-8")) for p in SAMPLE_PDFS]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    done = cli(*map(str, SAMPLE_PDFS), "--report", str(out), "--jobs", "1")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""  # a file output alone writes nothing on stdout
    return out.read_text(encoding="utf-8")


def test_report_lists_every_letter_and_every_finding_of_the_samples(sample_report):
    for letter in expected_letters():
        assert f">{letter['area']}</a>" in sample_report
        for section in ITEM_LISTS:
            for item in letter[section]:
                article = re.search(rf'<article class="item sec-{section}"[^>]*>\n<p class="meta">.*?'
                                    rf'<b>{item["id"]}</b>', sample_report)
                assert article, (letter["area"], section, item["id"])
    total = sum(len(letter[s]) for letter in expected_letters() for s in ITEM_LISTS)
    assert sample_report.count("<article ") == total


def test_report_marks_each_evidence_word_with_its_labels(sample_report):
    names = json.loads(re.search(r'<script type="application/json" id="label-names">(.*?)</script>',
                                 sample_report, re.S).group(1))
    letter = expected_letters()[0]
    for finding in letter["strengths"]:
        article = re.search(rf'data-letter="fernmouth-2019-03".*?<b>{finding["id"]}</b>.*?<p class="text">(.*?)</p>',
                            sample_report, re.S)
        marks = [(html.unescape(text), [names[int(n)] for n in numbers.split()])
                 for numbers, text in re.findall(r'<mark data-l="([\d ]+)">(.*?)</mark>', article.group(1))]
        want = [(s.text, [label_name(label) for label in s.labels])
                for s in highlight(finding["text"], finding["evidence"]) if s.labels]
        assert marks == want and want, finding["id"]
        assert html.unescape(re.sub(r"<[^>]+>", "", article.group(1))) == finding["text"]


def test_two_letters_with_the_same_file_name_keep_apart(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(SAMPLE_PDFS[0], tmp_path / folder / "letter.pdf")
    out = tmp_path / "report.html"
    assert cli(str(tmp_path / "a"), str(tmp_path / "b"), "--report", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert 'id="letter-letter"' in page and 'id="letter-letter-2"' in page
    assert page.count('data-letter="letter-2" data-themes') == page.count('data-letter="letter" data-themes') > 0


def test_report_links_each_page_to_the_pdf_relative_to_the_report(tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    shutil.copy(SAMPLE_PDFS[0], letters / "a letter.pdf")
    out = tmp_path / "out" / "report.html"
    assert cli(str(letters), "--report", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#][^"]*)"', html))
    assert "../letters/a%20letter.pdf#page=1" in links and "../letters/a%20letter.pdf#page=2" in links
    for link in links:
        target = (out.parent / link.split("#")[0].replace("%20", " ")).resolve()
        assert target == (letters / "a letter.pdf").resolve(), link


def test_report_is_self_contained(sample_report):
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\';' in sample_report
    sources = re.findall(r'\b(?:src|href|xlink:href|action)="([^"]*)"', sample_report)
    assert sources
    external = [s for s in sources if not (s.startswith("#") or s.startswith("data:") or s.endswith(".pdf")
                                           or ".pdf#page=" in s)]
    assert external == []
    assert "@import" not in sample_report and "url(" not in sample_report.replace("url(#", "")


def test_report_is_the_same_bytes_for_the_same_letters(tmp_path, sample_report):
    out = tmp_path / "report.html"
    assert cli(*map(str, SAMPLE_PDFS), "--report", str(out), "--jobs", "2").exit_code == 0
    assert out.read_text(encoding="utf-8") == sample_report
    assert not re.search(r"20\d\d-\d\d-\d\dT|Generated with pygal|chart-[0-9a-f]{8}-", sample_report)


def test_report_has_five_charts_each_with_its_text_alternative(sample_report):
    for chart_id in CHART_IDS:
        figure = re.search(rf'<figure class="chart" id="{chart_id}-figure" data-marks="(\d+)".*?</figure>',
                           sample_report, re.S)
        assert figure, chart_id
        if int(figure.group(1)) == 0:  # no data: the sentence alone, no empty axes
            assert '<p class="nodata">' in figure.group() and "<svg" not in figure.group(), chart_id
            continue
        svg = re.search(r"<svg.*?</svg>", figure.group(), re.S)
        assert svg and 'role="img"' in svg.group() and f'id="{chart_id}-desc"' in svg.group(), chart_id
        assert "<table" in figure.group() and "<script" not in svg.group()


def test_chart_marks_are_the_counts_of_the_letters(sample_report):
    letters = expected_letters()
    figure = re.search(r'id="chart-themes-figure" data-marks="(\d+)"(.*?)</figure>', sample_report, re.S)
    cells = {(t, s) for letter in letters for s in ("strengths", "areas_for_improvement", "priority_actions")
             for f in letter[s] for t in f["themes"]}
    assert int(figure.group(1)) == len(cells)
    for size in ("wide", "narrow"):  # the same marks in the drawing for a desktop and for a phone
        drawing = re.search(rf'<div class="{size}">(.*?)</svg></div>', figure.group(2), re.S).group(1)
        titles = re.findall(r'<title>((?:Strengths|Areas for improvement|Priority actions): [^<]*)</title>', drawing)
        assert len(titles) == len(cells), size
    years = re.search(r'id="chart-years-figure" data-marks="(\d+)"', sample_report)
    assert int(years.group(1)) == len({(lt["letter_date"][:4], lt["theme"]["label"]) for lt in letters})


def test_a_failed_input_is_listed_with_its_code_and_the_report_still_written(tmp_path):
    bad = tmp_path / "not-a-letter.txt"
    bad.write_text("Minutes of the parish council.\n", encoding="utf-8")
    out = tmp_path / "report.html"
    done = cli(str(SAMPLE_PDFS[0]), str(bad), "--report", str(out))
    assert done.exit_code == 1
    assert done.stderr.count("\n") == 1 and ": not_a_jtai_letter: " in done.stderr
    html = out.read_text(encoding="utf-8")
    assert "Failed inputs" in html and "<code>not_a_jtai_letter</code>" in html and "Fernmouth" in html


def test_report_of_a_text_letter_links_the_file_without_a_page(tmp_path):
    out = tmp_path / "report.html"
    assert cli(str(FIXTURES / "era-a-letter.txt"), "--report", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "era-a-letter.txt" in html and "#page=" not in html


@pytest.mark.parametrize("flag", ["--report", "--view"])
def test_an_html_target_that_is_a_folder_or_under_a_file_is_refused_before_any_letter(tmp_path, flag):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for target, words in ((tmp_path, "is a folder"), (blocker / "out.html", "not a folder")):
        done = cli(str(SAMPLE_PDFS[0]), flag, str(target), "--jsonl")
        assert done.exit_code == 2 and done.stdout == ""
        assert re.fullmatch(rf"jtai-extract: {re.escape(str(target))}: unwritable: .*{words}.*\n", done.stderr)


def test_a_report_the_disk_refuses_at_the_end_is_one_error_line_and_no_file(tmp_path, monkeypatch):
    from jtai_extract import batch

    def refused(path, text):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(batch, "write_atomic", refused)
    out = tmp_path / "report.html"
    done = cli(str(SAMPLE_PDFS[0]), "--report", str(out))
    assert done.exit_code == 1
    assert done.stderr == f"jtai-extract: {out}: unwritable: Permission denied\n"
    assert not out.exists()


def test_an_interrupted_report_leaves_no_file(tmp_path, monkeypatch):
    from jtai_extract import batch

    real = batch.run

    def interrupted(*args, **kwargs):
        for n, result in enumerate(real(*args, **kwargs)):
            if n == 1:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(batch, "run", interrupted)
    out = tmp_path / "report.html"
    done = CliRunner().invoke(app, [*map(str, SAMPLE_PDFS), "--report", str(out), "--jobs", "1"])
    assert done.exit_code != 0  # click turns the interrupt into "Aborted!", exit 1
    assert list(tmp_path.iterdir()) == []


def test_report_file_gets_the_mode_of_any_new_file(tmp_path):
    # regression: the temporary file's private mode (0600) stayed on the report after the rename
    import os

    out = tmp_path / "report.html"
    umask = os.umask(0o022)
    try:
        assert cli(str(SAMPLE_PDFS[0]), "--report", str(out)).exit_code == 0
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o644


def test_report_with_a_stdout_format_writes_both(tmp_path):
    out = tmp_path / "report.html"
    done = cli(str(SAMPLE_PDFS[0]), "--report", str(out), "--jsonl")
    assert json.loads(done.stdout)["area"] == "Fernmouth" and out.exists()


def test_an_empty_report_still_renders(tmp_path):
    html = Report(tmp_path / "r.html").html()
    assert "0 letters" in html and "No letters." in html


# --- the parts -------------------------------------------------------------------------------

def test_highlight_cuts_overlapping_and_nested_evidence():
    text = "the youth justice service works"
    evidence = [{"label": "youth_justice", "start": 4, "end": 17}, {"label": "youth_justice", "start": 4, "end": 25},
                {"label": "workforce", "start": 18, "end": 31}]
    assert highlight(text, evidence) == [
        Segment("the "), Segment("youth justice ", ("youth_justice",)),
        Segment("service", ("workforce", "youth_justice")), Segment(" works", ("workforce",))]
    assert "".join(s.text for s in highlight(text, evidence)) == text


def test_highlight_ignores_offsets_outside_the_text():
    assert highlight("abc", [{"label": "x", "start": 2, "end": 9}]) == [Segment("abc")]


def test_source_href_is_relative_and_quoted(tmp_path):
    html = tmp_path / "out" / "r.html"
    assert source_href(str(tmp_path / "in" / "a b.pdf"), html, 3) == "../in/a%20b.pdf#page=3"
    assert source_href(str(tmp_path / "out" / "x.txt"), html) == "x.txt"
    assert source_href("-", html, 1) is None


@pytest.mark.parametrize(("high", "low", "ticks"), [
    (1, 0, [0, 1]), (5, 0, [0, 1, 2, 3, 4, 5]), (9, 0, [0, 2, 4, 6, 8, 10]), (384, 0, list(range(0, 401, 50))),
    (104, 71, [70, 75, 80, 85, 90, 95, 100, 105]), (0, 0, [0, 1])])
def test_count_ticks_are_whole_numbers_in_nice_steps(high, low, ticks):
    assert count_ticks(high, low) == ticks


def test_report_builds_from_json_without_the_command_line(tmp_path):
    report = Report(Path(tmp_path / "r.html"))
    for letter in expected_letters():
        report.add(letter)
    charts = {c.id: c for c in report.charts()}
    assert list(charts) == CHART_IDS
    assert charts["chart-priority"].marks == 0  # neither sample has a priority action
    assert charts["chart-deadlines"].marks == 2
