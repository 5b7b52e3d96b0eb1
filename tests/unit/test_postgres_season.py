"""The season dimension on PostgreSQL: seasonnumber read as stored, whatever its column type,
names the seasons the independent reference names (filters, breakdowns, dimension values)."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import random

import psycopg
import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.params import Filters
from data.events.stores.pg_versions import PostgresVersions
from testkit import reference_analytics as ref
from tests.unit.reference_checks import Checker, check_edges, check_random_combinations
from tests.unit.test_postgres_store import read_raw_pg

TABLE = """
CREATE TABLE movies (
    event_date timestamp, userid text, contentid text, device text, market text,
    totalminuteswatched bigint, runningtime bigint, viewpercentage double precision,
    errorperception double precision, sessiontype text, title text, seasonnumber {kind},
    episodenumber bigint
)"""

# Per column type, the season numbers stored (as PostgreSQL reads their text or takes them).
SEASONS = {
    "text": ["1", "2", "03", "1.0", " 2 ", "", None, "x", "-1", "2.5", "0", "1e1", "+7"],
    "double precision": [1.0, 2.0, 0.0, -1.0, 2.5, 1e15, 2.0**53, math.nan, math.inf, None],
    "numeric": ["1", "1.0", "03", "2.50", "-1", "0", "NaN", "1e20", "12", None],
    "smallint": [1, 2, 3, 0, -1, 12, None],
}


def _rows(kind: str, count: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    first = dt.datetime(2025, 1, 6)
    rows = []
    for _ in range(count):
        when = first + dt.timedelta(minutes=rng.randrange(60 * 24 * 70))
        title = rng.choice(["Heat", "Show, Pilot", "Show, Two", "", None])
        rows.append(
            (when, rng.choice("abcdefgh"), None, rng.choice(["iPad", "Roku", None]), "NO")
            + (rng.randrange(0, 120), None, rng.uniform(0, 100), None)
            + (rng.choice(["MOVIE", "SERIES"]), title, rng.choice(SEASONS[kind]), None)
        )
    return rows


def _as_stored(value):
    """A numeric's value as the reference reads numbers from SQLite: its text."""
    return str(value) if isinstance(value, decimal.Decimal) else value


@pytest.mark.parametrize("kind", list(SEASONS))
def test_season_of_every_column_type_matches_the_reference(pg_url, instance_dir, kind):
    with psycopg.connect(pg_url) as conn:
        conn.execute(TABLE.format(kind=kind))
        with conn.cursor().copy("COPY movies FROM STDIN") as copy:
            for row in _rows(kind, 400, seed=len(kind)):
                copy.write_row(row)
    raw = read_raw_pg(pg_url)
    raw["seasonnumber"] = raw["seasonnumber"].map(_as_stored)
    seasons = {value for value in ref.prepare(raw)["season"]}
    assert len(seasons - {ref.NONE}) >= 3  # the values are there to be compared
    engine = EventsAnalytics(PostgresVersions(pg_url, instance_dir / "rollups"))
    try:
        check = Checker()
        check.same(ref.dimensions(raw), "dimensions", engine.dimensions, None, None)
        for metric in ref.METRICS:
            for values in ({"1"}, {"0", ref.NONE}, {"12", "2"}):
                where = {"season": values}
                filters = Filters.of(None, None, **where)
                expected = ref.breakdown(raw, metric, "weekly", None, None, where, "season", 4)
                args = (metric, "weekly", filters, "season", 4)
                check.same(expected, (metric, values), engine.breakdown, *args)
        check.done()
        check_random_combinations(None, combos=24, seed=7, engine=engine, raw=raw)
        check_edges(None, engine=engine, raw=raw)
    finally:
        engine.close()
