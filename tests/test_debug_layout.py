"""The layout-debug view: one PNG per page with lines, frames, blocks and sections drawn."""

from __future__ import annotations

import subprocess
import sys

from PIL import Image

from jtai_extract.debug_layout import layout_of, write_debug_layout
from jtai_extract.readers import Source, read

from .conftest import SAMPLES


def test_one_picture_per_page(tmp_path):
    written = write_debug_layout(SAMPLES / "brackley-2024-11.pdf", tmp_path)
    assert [p.name for p in written] == [f"brackley-2024-11-page-{n}.png" for n in (1, 2, 3)]
    with Image.open(written[0]) as image:
        assert image.size == (1191, 1684)  # A4 at two pixels a point


def test_the_pictures_show_furniture_blocks_and_sections():
    drawings = layout_of(read(Source.from_path(SAMPLES / "brackley-2024-11.pdf")))
    first = drawings[1]
    assert [ln.text for ln in first.furniture] == ["1"]  # the page number
    kinds = [b.kind for _, b, _ in first.blocks]
    assert {"heading", "bullet", "paragraph"} <= set(kinds)
    labels = [label for _, label in first.sections]
    assert "case_study: Practice study: highly effective practice" in labels
    assert "main_findings: Main findings (continued)" in labels  # the main findings resume after a frame


def test_command_line_option_writes_the_pictures(tmp_path):
    done = subprocess.run([sys.executable, "-m", "jtai_extract", str(SAMPLES / "kelsey-moor-2019-02.pdf"),
                           "--debug-layout", str(tmp_path / "pictures"), "--json"], capture_output=True, timeout=120)
    assert done.returncode == 0
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == ["kelsey-moor-2019-02-page-1.png"]
    assert b"wrote" in done.stderr
