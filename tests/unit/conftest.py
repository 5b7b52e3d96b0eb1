"""Unit-test fixtures beyond tests/conftest.py: the CLI on a fresh events database."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli(make_app, db_path):
    """(app, runner) for an app whose events database is the fresh db_path."""
    app = make_app(DATABASE_URL=f"sqlite:///{db_path}")
    return app, app.server.test_cli_runner()
