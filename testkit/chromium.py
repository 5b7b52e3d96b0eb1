"""Debian's headless Chromium for the browser tests and scripts: where it is, how to start it."""

from __future__ import annotations

import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

HEADLESS_ARGS = (
    "--headless=new",
    "--no-sandbox",  # tests and CI run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machine has no network: without these Chromium keeps calling home and failing.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# The dashboard is ready when the three charts have drawn, the KPI cards are filled and no
# callback is in flight (the id is layouts.ids.KPI_VIEWS).
PAGE_READY_JS = """
const graphs = document.querySelectorAll('.js-plotly-plot .main-svg');
const kpi = document.getElementById('kpi-views');
const loading = document.querySelectorAll('[data-dash-is-loading="true"]');
return graphs.length >= 3 && kpi && kpi.textContent.trim() !== '–' && loading.length === 0;
"""
# What the browser tests add: a clean profile and one desktop viewport.
TEST_ARGS = ("--disable-extensions", "--window-size=1400,1000")


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"no Chromium at {CHROMIUM}")
    if not (os.path.isfile(CHROMEDRIVER) and os.access(CHROMEDRIVER, os.X_OK)):
        problems.append(f"no chromedriver at {CHROMEDRIVER}")
    if not problems:
        return None
    return "; ".join(problems) + " (apt-get install chromium chromium-driver)"


MISSING = _missing_browser()

if MISSING is None:
    # Selenium 4.2 starts `chromedriver` from PATH (it has no selenium-manager and downloads
    # nothing): make sure that is Debian's driver, matching Debian's Chromium.
    if shutil.which("chromedriver") != CHROMEDRIVER:
        os.environ["PATH"] = os.path.dirname(CHROMEDRIVER) + os.pathsep + os.environ["PATH"]


def require_browser() -> None:
    """Skip the calling test with the reason when there is no browser; fail if REQUIRE_BROWSER=1."""
    if MISSING is not None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {MISSING}")
        pytest.skip(f"browser tests skipped: {MISSING}")


def chrome_options(*extra_args: str) -> Options:
    """ChromeOptions for Debian's Chromium, headless, plus extra_args."""
    options = Options()
    options.binary_location = CHROMIUM
    for argument in (*HEADLESS_ARGS, *extra_args):
        options.add_argument(argument)
    return options


def viewport_chrome(width: int, height: int) -> webdriver.Chrome:
    """Headless Chromium with a fixed viewport (works as root, no downloads of drivers)."""
    options = chrome_options(
        "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={width},{height}"
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # The window size includes no browser chrome in headless mode, but make the viewport exact.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    return driver
