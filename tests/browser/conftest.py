"""Browser tests: headless Chromium for dash_duo; skip without it, fail if REQUIRE_BROWSER=1."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.chromium import TEST_ARGS, chrome_options, require_browser
from testkit.ports import free_port
from tests.oidc_fixtures import oidc_provider  # noqa: F401  (a real OIDC provider per test)

BROWSER_DIR = Path(__file__).resolve().parent


def pytest_setup_options():
    """Dash testing hook: the ChromeOptions dash_duo starts Chromium with."""
    return chrome_options(*TEST_ARGS)


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser` (select or deselect them with -m)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_available():
    """Skip with the reason when there is no browser; with REQUIRE_BROWSER=1 fail instead."""
    require_browser()


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
