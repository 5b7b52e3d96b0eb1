"""Limits (scopes): an analytics limited to a scope answers every question exactly as a store
holding only the scope's rows does, on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.stores.pg_versions import PostgresVersions
from tests.unit.route_fixture import fixture_rows, sqlite_database
from tests.unit.scope_support import answers, random_scope, within

SEEDS = range(8)


def _same(scoped, alone, seed: int) -> None:
    got, expected = answers(scoped, random.Random(seed)), answers(alone, random.Random(seed))
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == value, (key, got[key], value)
        assert repr(got[key]) == repr(value), key  # the same types too (ints stay ints)


def _compare_scopes(store_of, rows, rng, scopes: int, seed: int) -> None:
    """store_of(name, rows) -> an EventsAnalytics: for random scopes, the whole store scoped
    answers as a store of the scope's rows alone."""
    whole = store_of("all", rows)
    try:
        for n in range(scopes):
            scope = random_scope(rng)
            alone = store_of(str(n), [row for row in rows if within(row, scope)])
            try:
                _same(whole.scoped(scope), alone, seed * 10 + n)
            finally:
                alone.close()
    finally:
        whole.close()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_scope_answers_as_a_store_of_its_rows_alone_on_sqlite(tmp_path, seed):
    def store_of(name, rows):
        sqlite_database(tmp_path / f"{name}.sqlite", rows)
        return EventsAnalytics(tmp_path / f"{name}.sqlite")

    _compare_scopes(store_of, fixture_rows(seed=seed), random.Random(seed), 3, seed)


def _pg_store(server_url: str, schema: str, rows, root: Path) -> EventsAnalytics:
    import psycopg

    from data.events.stores import pg_store as pg_tables
    from data.events.stores.sqlite_store import COLUMN_NAMES
    from testkit import postgres

    url = postgres.create_schema(server_url, schema)
    with psycopg.connect(url) as pg:
        pg_tables.ensure_schema(pg)
        with pg.cursor().copy(f"COPY movies ({', '.join(COLUMN_NAMES)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return EventsAnalytics(PostgresVersions(url, root))


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_a_scope_answers_as_a_store_of_its_rows_alone_on_postgresql(pg_server, tmp_path, seed):
    url, prefix = pg_server

    def store_of(name, rows):
        return _pg_store(url, f"{prefix}_scope{seed}_{name}", rows, tmp_path / name)

    rows = fixture_rows(seed=seed + 100)
    _compare_scopes(store_of, rows, random.Random(seed + 100), 2, seed)


def test_a_scope_of_no_value_answers_as_no_events(tmp_path):
    sqlite_database(tmp_path / "all.sqlite", fixture_rows())
    sqlite_database(tmp_path / "none.sqlite", [])
    whole, empty = (
        EventsAnalytics(tmp_path / "all.sqlite"),
        EventsAnalytics(tmp_path / "none.sqlite"),
    )
    _same(whole.scoped({"market": frozenset()}), empty, 1)
    _same(whole.scoped({"market": frozenset({"Nowhere"})}), empty, 2)


def test_scopes_within_scopes_and_refused_dimensions(tmp_path):
    sqlite_database(tmp_path / "all.sqlite", fixture_rows())
    whole = EventsAnalytics(tmp_path / "all.sqlite")
    assert whole.scoped(None) is whole and whole.scoped({}) is whole
    both = whole.scoped({"market": frozenset({"NO", "SE"})}).scoped({"market": {"SE", "DK"}})
    assert both.kpis() == whole.scoped({"market": frozenset({"SE"})}).kpis()
    with pytest.raises(ValueError, match="unknown dimensions: planet"):
        whole.scoped({"planet": frozenset({"Mars"})})
