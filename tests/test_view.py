"""--view: each page rendered with the boxes of the items on it; page rendering (render.py)."""

from __future__ import annotations

import json
import math
import re
import shutil

import pytest
from typer.testing import CliRunner

from jtai_extract.cli import app
from jtai_extract.presentation import ITEM_LISTS
from jtai_extract.render import POINTS_PER_INCH, render_pages

from .conftest import FIXTURES, SAMPLES

SAMPLE = SAMPLES / "harrowgate-vale-2025-05.pdf"


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def expected(pdf=SAMPLE) -> dict:
    return json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_view(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("view") / "view.html"
    done = cli(str(SAMPLE), "--view", str(out))
    assert done.exit_code == 0, done.stderr
    return out.read_text(encoding="utf-8")


def page_rows(html: str) -> dict[int, str]:
    return {int(n): row for n, row in re.findall(r'<div class="page-row" id="[^"]*" data-page="(\d+)">(.*?)'
                                                 r'(?=<div class="page-row"|</section>)', html, re.S)}


def test_view_shows_every_page_as_an_embedded_image(sample_view):
    rows = page_rows(sample_view)
    assert sorted(rows) == list(range(1, expected()["source"]["pages"] + 1))
    for row in rows.values():
        assert len(re.findall(r'<img src="data:image/png;base64,', row)) == 1


def test_view_draws_every_box_on_the_page_it_names(sample_view):
    letter = expected()
    want = sorted((b["page"], f"harrowgate-vale-2025-05-{item['id']}", round(b["x0"], 1), round(b["top"], 1))
                  for s in ITEM_LISTS for item in letter[s] for b in item["boxes"])
    drawn = []
    for number, row in page_rows(sample_view).items():
        width, height = map(float, re.search(r'data-width="([\d.]+)" data-height="([\d.]+)"', row).groups())
        for item, page, x, y, w, h in re.findall(r'<g class="box sec-\w+" data-item="([^"]+)" data-page="(\d+)">'
                                                 r'<title>[^<]*</title><rect x="([\d.]+)" y="([\d.]+)" '
                                                 r'width="([\d.]+)" height="([\d.]+)"', row):
            assert int(page) == number
            assert 0 <= float(x) <= float(x) + float(w) <= width and 0 <= float(y) <= float(y) + float(h) <= height
            drawn.append((number, item, round(float(x), 1), round(float(y), 1)))
    assert sorted(drawn) == want and want


def test_view_lists_beside_each_page_the_items_on_it(sample_view):
    letter = expected()
    for number, row in page_rows(sample_view).items():
        listed = re.findall(r'<article class="item sec-\w+" data-item="harrowgate-vale-2025-05-(\w+)"', row)
        on_page = {item["id"] for s in ITEM_LISTS for item in letter[s] if any(b["page"] == number
                                                                             for b in item["boxes"])}
        assert set(listed) == on_page and len(listed) == len(on_page)


def test_view_is_the_same_bytes_for_the_same_letter(tmp_path, sample_view):
    out = tmp_path / "again.html"
    assert cli(str(SAMPLE), "--view", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == sample_view


def test_view_of_a_text_letter_lists_its_items_and_says_why_there_are_no_pages(tmp_path):
    out = tmp_path / "view.html"
    assert cli(str(FIXTURES / "era-a-letter.txt"), "--view", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "read from text" in html and "<img" not in html and html.count('<article class="item') > 5


def test_view_of_a_letter_changed_since_extraction_shows_no_stale_pages(tmp_path):
    from jtai_extract.view import View

    copy = tmp_path / "letter.pdf"
    shutil.copy(SAMPLE, copy)
    letter = expected()
    letter["source"]["path"] = str(copy)
    copy.write_bytes(copy.read_bytes() + b"\n% changed\n")
    view = View(tmp_path / "view.html")
    view.add(letter)
    html = view.html()
    assert "has changed since it was extracted" in html and "<img" not in html


def test_view_of_several_letters_has_a_section_each(tmp_path):
    out = tmp_path / "view.html"
    assert cli(str(SAMPLES), "--view", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert '<section class="letter" id="fernmouth-2019-03"' in html
    assert '<section class="letter" id="harrowgate-vale-2025-05"' in html


def test_view_is_self_contained(sample_view):
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', sample_view)
    assert [s for s in sources if not (s.startswith(("#", "data:")) or s.endswith(".pdf"))] == []


def test_render_pages_gives_each_page_at_its_size_and_scale():
    pages = list(render_pages(SAMPLE, dpi=72))
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].scale == 1.0
    assert pages[0].image.size == (math.ceil(pages[0].width), math.ceil(pages[0].height))
    one = next(render_pages(SAMPLE.read_bytes(), dpi=144, pages=[2]))
    assert one.number == 2 and one.scale == 144 / POINTS_PER_INCH and one.image.width == math.ceil(one.width * 2)
    assert one.image.mode == "RGB"


def test_render_pages_refuses_a_page_the_letter_does_not_have():
    with pytest.raises(ValueError, match="page 3 is not in a document of 2 pages"):
        list(render_pages(SAMPLE, pages=[3]))
