"""Headless Chromium for the tests of the HTML outputs, driven by selenium through Debian's
chromedriver (packages chromium and chromium-driver; .ci/run installs them). No test downloads
a browser or a driver: both are found on PATH, or the tests are skipped - unless
JTAI_BROWSER_TESTS=required (CI), when a missing browser fails them.

The browser records what the page logs on its console and every request it makes (Chromium's
performance log), so a test can say "no console errors" and "no request left the file"."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # this machine's network is closed: without these, Chromium keeps calling home and failing
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
]
PAGE_LOAD_SECONDS = 60
BROWSER_OWN = ("chrome://", "chrome-untrusted://", "chrome-extension://", "devtools://")
SCREENSHOT_HEIGHT_PX = 1800  # the top of a page: long reports are far taller than a screenshot can be


def find_browser() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("JTAI_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason}, and JTAI_BROWSER_TESTS=required")
    pytest.skip(reason)


class Browser:
    def __init__(self, chromium: str, driver: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="jtai-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={self.profile}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.driver.set_page_load_timeout(PAGE_LOAD_SECONDS)

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, page: Path, width: int, height: int = 900) -> None:
        """Load a file at a window width; the logs then hold this page's messages only."""
        self.driver.get_log("browser")
        self.driver.get_log("performance")
        self.driver.set_window_size(width, height)
        self.driver.get(page.resolve().as_uri())

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def console_errors(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def requests(self) -> list[str]:
        """The URL of every request made since the page was opened, but the browser's own pages
        (chrome://, which a fresh profile's new-tab page loads while the browser starts)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if not url.startswith(BROWSER_OWN):
                    urls.append(url)
        return urls

    def screenshot(self, path: Path, width: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.set_window_size(width, SCREENSHOT_HEIGHT_PX)
        self.driver.save_screenshot(str(path))


@pytest.fixture(scope="session")
def browser():
    found = find_browser()
    if found is None:
        skip_or_fail("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        skip_or_fail("selenium is not installed")
    assert found is not None
    session = Browser(*found)
    yield session
    session.close()
