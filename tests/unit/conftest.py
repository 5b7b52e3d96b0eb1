"""Unit-test fixtures beyond tests/conftest.py: the CLI on a fresh events database, and the
demo database's rows as the independent references read them."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli(make_app, db_path):
    """(app, runner) for an app whose events database is the fresh db_path."""
    app = make_app(DATABASE_URL=f"sqlite:///{db_path}")
    return app, app.server.test_cli_runner()


@pytest.fixture(scope="session")
def demo_raw(demo_template):
    """The rows of demo_db (the same template), read once, prepared for testkit's references."""
    from testkit import reference_titles
    from tests.unit.test_engine_properties import read_raw

    return reference_titles.prepare(read_raw(demo_template(5_000, 1)))
