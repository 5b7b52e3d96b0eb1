"""Unit-test fixtures beyond tests/conftest.py: the CLI on a fresh events database, an app over
hand-written events, engines closed after the test, the demo database's rows as the
independent references read them, and the app on a real HTTP server (for the MCP client)."""

from __future__ import annotations

import sqlite3

import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.stores.sqlite_store import COLUMN_NAMES, CREATE_MOVIES
from tests.oidc_fixtures import oidc_provider  # noqa: F401  (a real OIDC provider per test)
from tests.unit.mcp_support import served_mcp


@pytest.fixture
def cli(make_app, db_path):
    """(app, runner) for an app whose events database is the fresh db_path."""
    app = make_app(DATABASE_URL=f"sqlite:///{db_path}")
    return app, app.server.test_cli_runner()


@pytest.fixture
def serve(make_app, tmp_path):
    """serve(rows, **config) -> a test client of an app over a new SQLite file holding those
    rows (config: more settings, such as EVENTS_NOW)."""
    count = 0

    def make(rows, **config):
        nonlocal count
        count += 1
        path = tmp_path / f"events{count}.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute(CREATE_MOVIES)
            conn.executemany(
                f"INSERT INTO movies VALUES ({', '.join('?' * len(COLUMN_NAMES))})",
                [tuple(row[c] for c in COLUMN_NAMES) for row in rows],
            )
        conn.close()
        app = make_app(
            DATABASE_URL=f"sqlite:///{path}", INSTANCE_PATH=str(tmp_path / f"i{count}"), **config
        )
        return app.server.test_client()

    return make


@pytest.fixture
def engines():
    """Factory: engines(versions) -> EventsAnalytics, closed (its connection too) after."""
    made = []

    def make(versions) -> EventsAnalytics:
        made.append(EventsAnalytics(versions))
        return made[-1]

    yield make
    for engine in made:
        engine.close()


@pytest.fixture(scope="session")
def demo_raw(demo_template):
    """The rows of demo_db (the same template), read once, prepared for testkit's references."""
    from testkit import reference_titles
    from tests.unit.reference_checks import read_raw

    return reference_titles.prepare(read_raw(demo_template(5_000, 1)))


@pytest.fixture
def served(app):
    """The app on a real HTTP server (werkzeug, threaded) on a free port: the /_mcp URL."""
    with served_mcp(app.server) as url:
        yield url
