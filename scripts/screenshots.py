"""make screenshots: the README's pictures of --report and --view, made from the fictional sample
letters (never a real letter: their text is not ours to copy) in headless Chromium.

Usage: python scripts/screenshots.py [OUT_DIR]   (default docs/; needs chromium and chromedriver)

Writes report.png (1280 px wide), report-phone.png (390 px) and view.png (1280 px), each the top
of its page, reduced to a few colours so the PNGs stay small enough to commit.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import Browser, find_browser  # noqa: E402  (the tests' Chromium set-up)

SHOTS = [  # file, page, window width, height of the picture, width it is scaled to
    ("report.png", "report.html", 1280, 1500, 960),
    ("report-phone.png", "report.html", 390, 1300, 390),
    ("view.png", "view.html", 1280, 1100, 960),
]
COLOURS = 128  # per picture: the section colours stay apart, the PNG is a third of RGB


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    found = find_browser()
    if found is None:
        print("screenshots: needs chromium and chromedriver (apt-get install chromium chromium-driver)",
              file=sys.stderr)
        return 2
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        command = [sys.executable, "-m", "jtai_extract", "--quiet"]  # run in the checkout: paths as a user types them
        subprocess.run([*command, "samples", "--report", str(work / "report.html")], check=True, cwd=ROOT)
        subprocess.run([*command, "samples/harrowgate-vale-2025-05.pdf", "--view", str(work / "view.html")],
                       check=True, cwd=ROOT)
        browser = Browser(*found)
        try:
            for name, page, width, height, scaled in SHOTS:
                browser.open(work / page, width, height)
                raw = work / name
                browser.driver.save_screenshot(str(raw))
                image = Image.open(raw).convert("RGB")
                if scaled != image.width:
                    image = image.resize((scaled, round(image.height * scaled / image.width)), Image.Resampling.LANCZOS)
                image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE).save(out / name, optimize=True)
                print(f"wrote {out / name} ({(out / name).stat().st_size // 1024} kB)")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
