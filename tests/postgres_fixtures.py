"""PostgreSQL fixtures: the server of TEST_DATABASE_URL (default: this machine's, as in CI),
a schema of its own per test, all under one prefix per run and dropped afterwards.

Star-imported by tests/conftest.py. Without a server the PostgreSQL tests are skipped with the
reason shown, except under CI=true, where they fail: CI must run both stores.
"""

from __future__ import annotations

import os

import pytest

from testkit import postgres

__all__ = ["pg_server", "pg_url", "pg_store", "pg_demo", "event_store"]


@pytest.fixture(scope="session")
def pg_server():
    """(server URL, this run's schema prefix); skips (fails under CI) when none answers."""
    url = postgres.test_server_url()
    why = postgres.answers(url)
    if why is not None:
        message = f"no PostgreSQL answers at {url} (set TEST_DATABASE_URL): {why}"
        if os.environ.get("CI"):
            pytest.fail(f"CI needs both stores: {message}")
        pytest.skip(message)
    prefix = postgres.new_schema_name()
    yield url, prefix
    postgres.drop_schemas(url, prefix)


@pytest.fixture
def pg_url(pg_server):
    """A URL whose tables live in a fresh schema of this test's own."""
    url, prefix = pg_server
    schema = f"{prefix}_{os.urandom(4).hex()}"
    yield postgres.create_schema(url, schema)
    postgres.drop_schemas(url, schema)


@pytest.fixture
def pg_store(pg_url, instance_dir):
    from data.events.stores.event_stores import PostgresStore

    return PostgresStore(pg_url, instance_dir)


@pytest.fixture
def pg_demo(pg_store):
    """The small demo data (5,000 events, seed 1, as demo_db) in this test's schema."""
    from data.events.ingest.demo_data import generate_demo

    generate_demo(pg_store, rows=5_000, seed=1)
    return pg_store


@pytest.fixture(params=["sqlite", "postgresql"])
def event_store(request, tmp_path, instance_dir):
    """An empty store of each kind: a SQLite file that does not exist yet, a fresh schema."""
    from data.events.stores.event_stores import PostgresStore, SqliteStore

    if request.param == "sqlite":
        return SqliteStore(tmp_path / "events.sqlite")
    return PostgresStore(request.getfixturevalue("pg_url"), instance_dir)
