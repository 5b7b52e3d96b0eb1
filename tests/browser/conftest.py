"""Browser tests: headless Chromium for dash_duo; skip without it, fail if REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from tests.ports import free_port

CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
BROWSER_DIR = Path(__file__).resolve().parent

CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",  # tests and CI run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--window-size=1400,1000",
)


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
    driver_dir = os.path.dirname(CHROMEDRIVER)
    if shutil.which("chromedriver") != CHROMEDRIVER:
        os.environ["PATH"] = driver_dir + os.pathsep + os.environ.get("PATH", "")


def pytest_setup_options():
    """Dash testing hook: the ChromeOptions dash_duo starts Chromium with."""
    options = Options()
    options.binary_location = CHROMIUM
    for argument in CHROME_ARGS:
        options.add_argument(argument)
    return options


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser` (select or deselect them with -m)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_available():
    """Skip with the reason when there is no browser; with REQUIRE_BROWSER=1 fail instead."""
    if MISSING is not None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {MISSING}")
        pytest.skip(f"browser tests skipped: {MISSING}")


@pytest.fixture
def start_app(dash_duo):
    """start_app(app, path="") serves app on a free port and opens path in dash_duo's browser."""

    def start(app, path: str = ""):
        dash_duo.start_server(app, port=free_port())
        if path:
            dash_duo.driver.get(dash_duo.server_url.rstrip("/") + "/" + path.lstrip("/"))
        # Downloads in headless Chromium need an explicit allowance (the dash plugin only
        # does this when run with its --headless option).
        dash_duo.driver.execute_cdp_cmd(
            "Page.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(dash_duo.download_path)},
        )
        return dash_duo

    return start
