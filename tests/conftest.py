"""Shared pytest fixtures: temp instance folder, SQLite files, the app, its client, CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.redis_fixtures import *  # noqa: F403  (redis fixtures live with the game's tests)

# CI explores the same hostile inputs every run (reproducible); local runs explore new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def _demo_db_template(tmp_path_factory) -> Path:
    """One small demo database per test session; tests get copies."""
    from data.demo_data import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate_demo(path, rows=5_000, seed=1)
    return path


@pytest.fixture
def instance_dir(tmp_path) -> Path:
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def db_path(tmp_path) -> Path:
    """Path of a SQLite file that does not exist yet."""
    return tmp_path / "events.sqlite"


@pytest.fixture
def demo_db(tmp_path, _demo_db_template) -> Path:
    """A private copy of the small demo database."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(_demo_db_template, path)
    return path


@pytest.fixture
def app_config(instance_dir, demo_db) -> dict:
    """Config for create_app: temp folders, the demo events, embedded Redis, no rate limits."""
    return {
        "INSTANCE_PATH": instance_dir,
        "DATABASE_URL": f"sqlite:///{demo_db}",
        "REDIS_URL": None,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "test",
        "TESTING": True,
    }


@pytest.fixture
def make_app(app_config):
    """Factory: make_app(**overrides) builds an app on app_config plus the overrides."""
    from dashboard_app import create_app

    made = []

    def factory(**overrides):
        app = create_app({**app_config, **overrides})
        made.append(app)
        return app

    yield factory
    for app in made:
        provider = app.server.extensions.get("reelboard.redis")
        if provider is not None:
            provider.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def runner(app):
    return app.server.test_cli_runner()
