"""Shared pytest fixtures: temp instance folder, SQLite files, the app, its client, CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.postgres_fixtures import *  # noqa: F403  (PostgreSQL: a schema per test)
from tests.redis_fixtures import *  # noqa: F403  (redis fixtures live with the game's tests)
from web import services

# CI explores the same hostile inputs every run (reproducible); local runs explore new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """Factory: demo_template(rows, seed) -> a demo database generated once per session; copy it."""
    from data.events.ingest.demo_data import generate_demo

    made: dict[tuple[int, int], Path] = {}

    def template(rows: int, seed: int) -> Path:
        if (rows, seed) not in made:
            path = tmp_path_factory.mktemp("demo") / f"demo_{rows}_{seed}.sqlite"
            generate_demo(path, rows=rows, seed=seed)
            made[rows, seed] = path
        return made[rows, seed]

    return template


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
def demo_db(tmp_path, demo_template) -> Path:
    """A private copy of the small demo database."""
    path = tmp_path / "demo.sqlite"
    template = demo_template(5_000, 1)
    shutil.copy(template, path)
    # Its rollup too (named by the data's fingerprint, not the path): no test rebuilds it.
    shutil.copytree(f"{template}.rollups", f"{path}.rollups")
    return path


@pytest.fixture
def app_config(instance_dir, demo_db) -> dict:
    """Config for create_app: temp folders, the demo events, embedded Redis, no rate limits, no
    sign-in (AUTH off: the tests of access turn it on, tests/unit/test_auth_*.py)."""
    return {
        "AUTH": "off",
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
        services.analytics(app.server).close()  # its kept database connection
        provider = services.redis_provider(app.server)
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
