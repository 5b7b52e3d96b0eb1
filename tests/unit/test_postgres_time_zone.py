"""PostgreSQL whose connections default to another time zone than UTC: events just after UTC
midnight (the evening before in New York) still count on their UTC day on every /data route."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
import pytest

from tests.unit.route_fixture import fixture_rows, raw_frame
from tests.unit.route_reference import CHECKED_ROUTES, NONE, RouteReference, filter_cases

ZONE = "America/New_York"  # 00:30 UTC is 19:30 or 20:30 the day before there

TABLE = """
CREATE TABLE movies (
    event_date timestamptz, userid text, contentid text, device text, market text,
    totalminuteswatched bigint, runningtime bigint, viewpercentage double precision,
    errorperception double precision, sessiontype text, title text, seasonnumber bigint,
    episodenumber bigint
)"""


def with_time_zone(url: str, zone: str) -> str:
    """The URL with libpq's options extended by the connection's default time zone."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"{query.get('options', '')} -c TimeZone={zone}".strip()
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))  # libpq: no "+"


def after_midnight(rng) -> tuple[int, int]:
    return 0, rng.randrange(60)  # 00:00 to 00:59 UTC


@pytest.fixture
def new_york(pg_url):
    """(a URL whose connections default to New York time, the rows in its movies table)."""
    url = with_time_zone(pg_url, ZONE)
    rows = fixture_rows(seed=11, clock=after_midnight)
    with psycopg.connect(url) as conn:
        # The precondition: without it this test would pass on a UTC server whatever the store.
        assert conn.execute("SHOW TimeZone").fetchone()[0] == ZONE
        conn.execute(TABLE)  # timestamptz: the zone decides which day a stored instant is
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO movies VALUES ({', '.join(['%s'] * 13)})",
                [(f"{row[0]}+00", *row[1:]) for row in rows],
            )
    return url, rows


# The days are what is at stake here; the filters are checked fully on SQLite.
KEPT_CASES = ("no filter", f"market={NONE}", "sessiontype two values", "every dimension")


def test_days_are_utc_days_whatever_the_connection_default(make_app, new_york):
    url, rows = new_york
    raw = raw_frame(rows)  # event_date as UTC text: the reference counts UTC days
    client = make_app(DATABASE_URL=url).server.test_client()
    first = client.get("/data/views/").get_json()[0]
    assert first["date"] == min(row[0][:10] for row in rows)  # its UTC day, not the one before
    cases = [c for c in filter_cases(raw) if c.label in KEPT_CASES]
    assert len(cases) == len(KEPT_CASES)
    RouteReference(client, raw).routes(CHECKED_ROUTES, cases)
