"""Reliability fixtures: a demo database, gunicorn servers, our own Redis, Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testkit.serving import make_server


@pytest.fixture
def events_db(tmp_path, demo_template) -> Path:
    """A private copy of a 20,000-event demo database."""
    path = tmp_path / "events.sqlite"
    template = demo_template(20_000, 5)
    shutil.copy(template, path)
    shutil.copytree(f"{template}.rollups", f"{path}.rollups")  # valid for any path of the data
    return path


@pytest.fixture
def serve(tmp_path, events_db):
    """Factory: serve(workers, redis_url, start, instance, **env) -> a gunicorn Server.

    Pass instance= an earlier server's folder to restart on the same data.
    """
    servers = []

    def factory(workers=4, redis_url=None, start=True, instance=None, **env):
        folder = tmp_path / f"run{len(servers)}"
        server = make_server(folder, events_db, workers, redis_url, instance, **env)
        servers.append(server)
        return server.start() if start else server

    yield factory
    # Killed, not stopped: a graceful stop waits seconds for gevent's idle connections, and
    # the graceful path has tests of its own (test_crash_and_shutdown, test_one_redis).
    for server in servers:
        server.kill()
        server.session.close()


@pytest.fixture
def chrome():
    """Headless Chromium (selenium), as the browser tests start it; skip or fail like them."""
    from selenium import webdriver

    from testkit.chromium import TEST_ARGS, chrome_options, require_browser

    require_browser()
    options = chrome_options(*TEST_ARGS)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    yield driver
    driver.quit()
