"""Headless Chromium for dash_duo: system chromium + chromedriver; skip cleanly where they are missing."""

import shutil

import pytest
from selenium.webdriver.chrome.options import Options

HAVE_BROWSER = bool(shutil.which("chromedriver")) and bool(shutil.which("chromium") or shutil.which("chromium-browser"))


def pytest_setup_options():
    options = Options()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    return options


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not HAVE_BROWSER:
                item.add_marker(
                    pytest.mark.skip(
                        reason="chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
                    )
                )
