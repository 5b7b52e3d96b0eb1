"""Local days (REPORT_TIMEZONE, EVENT_TIMEZONE): events near midnight and around the daylight-
saving changes of 2025 count on their Oslo day on every /data route, on SQLite text dates and on
PostgreSQL timestamp and timestamptz columns, checked against the references run on the events
with their times converted to local time first; the defaults change nothing; a zone is a new
rollup version; a bad zone name stops the start."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo

import numpy as np
import psycopg
import pytest

from config import ConfigError, load_config
from data.events.local_time import Zones, local_day_hour
from data.events.rollup.encoding import NO_DAY, event_days
from data.events.stores import pg_change_log, pg_store
from data.events.stores.sqlite_store import COLUMN_NAMES
from tests.unit.route_fixture import fixture_rows, raw_frame, sqlite_database
from tests.unit.route_reference import CHECKED_ROUTES, RouteReference, filter_cases

OSLO = "Europe/Oslo"
NOW = "2025-11-10T12:00:00+00:00"  # the controlled clock: every fixture day is in the past
# Late-evening UTC times (the next day in Oslo) on the daylight-saving days of 2025 and the
# days around them: 2025-03-30 has 23 hours in Oslo, 2025-10-26 has 25.
EDGES = [
    f"{day} {time}"
    for day in ("2025-03-29", "2025-03-30", "2025-03-31", "2025-10-25", "2025-10-26")
    for time in ("21:59:00", "22:30:00", "23:30:00", "00:30:00")
] + ["2025-10-26 00:30:00", "2025-10-26 01:30:00", "2025-10-27 00:15:00"]
BRIEF = ("no filter", "sessiontype two values", "every dimension")


def evening(rng) -> tuple[int, int]:
    """Most events within two hours of UTC midnight: their Oslo day is the question."""
    return rng.choice([21, 22, 23, 0, 1, rng.randrange(24)]), rng.randrange(60)


def local_text(value: str, report: str, event: str) -> str:
    """A stored time read in `event` and written as `report`'s local time, by zoneinfo alone
    (the reference's own conversion): a time that falls twice is the later one, a skipped one
    is read at the offset before the jump (PEP 495's fold=0 in a gap)."""
    naive = dt.datetime.fromisoformat(value)
    zone = zoneinfo.ZoneInfo(event)
    when = naive.replace(tzinfo=zone, fold=1)
    if when.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        when = naive.replace(tzinfo=zone, fold=0)  # in a gap: the offset before it
    local = when.astimezone(zoneinfo.ZoneInfo(report))
    return local.strftime("%Y-%m-%d %H:%M:%S")


def with_edges(rows: list[tuple]) -> list[tuple]:
    """The rows plus one event at each edge time (copies of rows' other values)."""
    extra = [(when, *rows[i % len(rows)][1:]) for i, when in enumerate(EDGES)]
    return rows + extra


def local_frame(rows: list[tuple], report: str = OSLO, event: str = "UTC"):
    """The rows as the references read them, their times converted to local time first."""
    return raw_frame([(local_text(r[0], report, event), *r[1:]) for r in rows])


def zone_app(make_app, url: str, **zones):
    return make_app(DATABASE_URL=url, EVENTS_NOW=NOW, **zones)


def check_routes(client, raw, labels=BRIEF) -> None:
    cases = [c for c in filter_cases(raw) if c.label in labels]
    assert len(cases) == len(labels)
    RouteReference(client, raw).routes(CHECKED_ROUTES, cases)


# -- the conversion --------------------------------------------------------------------------


def test_local_days_and_hours_follow_the_rules():
    values = np.array(
        ["2025-03-29 22:30:00", "2025-03-30 22:30:00", "2025-10-26T23:30:00Z"]
        + ["2025-10-26T23:30:00-05:00", "2025-10-26", "2025-10-26 xx", "9999-12-31 23:30", None],
        dtype=object,
    )
    days, hours = local_day_hour(values, event_days(values), Zones(OSLO, "UTC"), NO_DAY)
    dates = [None if d == NO_DAY else str(np.datetime64(int(d), "D")) for d in days]
    assert dates == [
        "2025-03-29",  # 23:30 CET
        "2025-03-31",  # 00:30 CEST: the 23-hour day is over
        "2025-10-27",  # 00:30 CET
        "2025-10-27",  # 04:30 UTC: its own offset, then Oslo's
        "2025-10-26",  # a date alone is its day
        "2025-10-26",  # an unreadable time keeps its written date
        "9999-12-31",  # the calendar's end keeps its written date
        None,
    ]
    assert hours.tolist() == [23, 0, 0, 5, -1, -1, -1, -1]
    # Equal zones: the hour as written, an offset not read (the days are the written ones).
    same = local_day_hour(values, event_days(values), Zones(OSLO, OSLO), NO_DAY)
    assert same[0].tolist() == event_days(values).tolist()
    assert same[1].tolist() == [22, 22, 23, 23, -1, -1, -1, -1]


def test_times_that_fall_twice_or_never_are_read_as_postgresql_reads_them(pg_url):
    values = np.array(["2025-10-26 02:30:00", "2025-03-30 02:30:00"], dtype=object)
    days, hours = local_day_hour(values, event_days(values), Zones("UTC", OSLO), NO_DAY)
    assert hours.tolist() == [1, 1]  # the later 02:30 (CET); 02:30 read at CET too
    with psycopg.connect(pg_url) as conn:
        for value, hour in zip(values, hours.tolist(), strict=True):
            sql = "SELECT (%s::timestamp AT TIME ZONE 'Europe/Oslo') AT TIME ZONE 'UTC'"
            assert conn.execute(sql, (value,)).fetchone()[0].hour == hour
    assert [local_text(v, "UTC", OSLO)[11:13] for v in values] == ["01", "01"]


# -- settings and versions -------------------------------------------------------------------


@pytest.mark.parametrize("setting", ["REPORT_TIMEZONE", "EVENT_TIMEZONE"])
def test_an_unknown_zone_stops_the_start(tmp_path, setting):
    with pytest.raises(ConfigError, match=f"{setting} must be an IANA time zone"):
        load_config({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x", setting: "Europe/Atlantis"})


def test_defaults_are_utc(tmp_path):
    config = load_config({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"}, environ={})
    assert (config["REPORT_TIMEZONE"], config["EVENT_TIMEZONE"]) == ("UTC", "UTC")
    assert config["EVENT_STORE"].bounds.key == ""  # the version names of before


def test_another_zone_is_another_rollup_version(make_app, tmp_path):
    rows = with_edges(fixture_rows(seed=3, clock=evening))
    path = tmp_path / "events.sqlite"
    sqlite_database(path, rows)
    url = f"sqlite:///{path}"
    folder = tmp_path / "events.sqlite.rollups"
    answers, seen, new = [], set(), []
    for zones in ({}, {"REPORT_TIMEZONE": OSLO}, {"EVENT_TIMEZONE": OSLO}, {}):
        client = zone_app(make_app, url, **zones).server.test_client()
        answers.append(client.get("/data/views/").get_json())
        versions = {p.name for p in folder.iterdir() if p.name.startswith("v-")}
        new.append(versions - seen)
        seen |= versions
    assert all(len(names) == 1 for names in new[:3])  # each zone setting: a version of its own
    utc, oslo, event_oslo, again = answers
    assert utc != oslo and utc != event_oslo and again == utc
    assert sum(e["values"] for e in utc) == sum(e["values"] for e in oslo)
    check_routes(zone_app(make_app, url).server.test_client(), raw_frame(rows), ("no filter",))


# -- the routes against the references, on both stores ---------------------------------------


def test_sqlite_text_dates_count_on_oslo_days(make_app, tmp_path):
    rows = with_edges(fixture_rows(seed=5, clock=evening))
    sqlite_database(tmp_path / "events.sqlite", rows)
    app = zone_app(make_app, f"sqlite:///{tmp_path / 'events.sqlite'}", REPORT_TIMEZONE=OSLO)
    client = app.server.test_client()
    views = {e["date"]: e["values"] for e in client.get("/data/views/?start=2025-10-25").json}
    local = local_frame(rows)
    assert views["2025-10-27"] == sum(v.startswith("2025-10-27") for v in local["event_date"])
    check_routes(client, local)


def test_naive_times_read_in_the_event_zone(make_app, tmp_path):
    rows = with_edges(fixture_rows(seed=6, clock=evening))
    sqlite_database(tmp_path / "events.sqlite", rows)
    app = zone_app(make_app, f"sqlite:///{tmp_path / 'events.sqlite'}", EVENT_TIMEZONE=OSLO)
    check_routes(app.server.test_client(), local_frame(rows, "UTC", OSLO), ("no filter",))


def _pg_table(url: str, kind: str, rows: list[tuple], logged: bool = False) -> None:
    """A movies table of that event_date type holding the rows; logged: with the change
    log's triggers (as Reelboard's writers install them), so that builds are incremental."""
    columns = ", ".join(
        f"{name} {kind if name == 'event_date' else 'text'}" for name in COLUMN_NAMES
    )
    numbers = ("totalminuteswatched", "runningtime", "seasonnumber", "episodenumber")
    columns = ", ".join(
        part.replace(" text", " double precision")
        if part.split()[0] in (*numbers, "viewpercentage", "errorperception")
        else part
        for part in columns.split(", ")
    )
    stamp = (lambda v: f"{v}+00") if kind == "timestamptz" else (lambda v: v)
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE movies ({columns})")
        if logged:
            pg_store.ensure_schema(conn)
        with conn.cursor() as cursor:
            marks = ", ".join(["%s"] * len(COLUMN_NAMES))
            cursor.executemany(
                f"INSERT INTO movies VALUES ({marks})", [(stamp(r[0]), *r[1:]) for r in rows]
            )


@pytest.mark.parametrize(
    ("kind", "event"),
    [("timestamp", "UTC"), ("timestamptz", "UTC"), ("text", "UTC"), ("timestamptz", OSLO)],
)
def test_postgresql_times_count_on_oslo_days(make_app, pg_url, kind, event):
    """A timestamptz is an instant whatever EVENT_TIMEZONE says (here stored at +00)."""
    rows = with_edges(fixture_rows(seed=8, clock=evening))
    _pg_table(pg_url, kind, rows)
    zones = {"REPORT_TIMEZONE": OSLO, "EVENT_TIMEZONE": event}
    client = zone_app(make_app, pg_url, **zones).server.test_client()
    check_routes(client, local_frame(rows), BRIEF if kind == "timestamp" else ("no filter",))


# -- a rollup brought up to date from its pieces ---------------------------------------------


def test_new_rows_near_midnight_rebuild_the_local_days_they_land_on(make_app, tmp_path):
    rows = with_edges(fixture_rows(seed=9, clock=evening))
    path = tmp_path / "events.sqlite"
    sqlite_database(path, rows)
    url = f"sqlite:///{path}"
    client = zone_app(make_app, url, REPORT_TIMEZONE=OSLO).server.test_client()
    check_routes(client, local_frame(rows), ("no filter",))
    # Written by another program (the change log's triggers see it): stored on one day, each
    # lands on the next Oslo day, in a month of day pieces and in a cold month.
    added = [(when, *rows[i][1:]) for i, when in enumerate(
        ["2025-05-03 22:30:00", "2025-10-26 23:10:00", "2025-03-30 22:00:00", "2025-03-31 21:59:59"]
    )]  # fmt: skip
    with sqlite3.connect(path) as conn:
        conn.executemany(f"INSERT INTO movies VALUES ({', '.join('?' * 13)})", added)
    conn.close()
    client = zone_app(make_app, url, REPORT_TIMEZONE=OSLO).server.test_client()
    check_routes(client, local_frame(rows + added), ("no filter",))


@pytest.mark.parametrize("kind", ["timestamp", "timestamptz"])
def test_postgresql_new_rows_rebuild_the_local_days_they_land_on(make_app, pg_url, kind):
    rows = with_edges(fixture_rows(seed=10, clock=evening))
    _pg_table(pg_url, kind, rows, logged=True)
    client = zone_app(make_app, pg_url, REPORT_TIMEZONE=OSLO).server.test_client()
    check_routes(client, local_frame(rows), ("no filter",))
    added = [(when, *rows[i][1:]) for i, when in enumerate(
        ["2025-05-03 22:30:00", "2025-10-26 23:10:00", "2025-04-30 22:00:00"]
    )]  # fmt: skip
    stamp = (lambda v: f"{v}+00") if kind == "timestamptz" else (lambda v: v)
    with psycopg.connect(pg_url) as conn:
        marks = ", ".join(["%s"] * len(COLUMN_NAMES))
        conn.cursor().executemany(
            f"INSERT INTO movies VALUES ({marks})", [(stamp(r[0]), *r[1:]) for r in added]
        )
    with psycopg.connect(pg_url) as conn:  # the build was incremental: the log says why
        assert pg_change_log.read_touches(conn)
    client = zone_app(make_app, pg_url, REPORT_TIMEZONE=OSLO).server.test_client()
    check_routes(client, local_frame(rows + added), ("no filter",))


def test_a_builder_process_gets_the_zones():
    from data.events.stores.date_bounds import DateBounds

    bounds = DateBounds(zones=Zones(OSLO, "America/New_York"))
    again = DateBounds.from_args(bounds.args())
    assert again == bounds and again.key != DateBounds().key
    assert DateBounds().args() == ["1970-01-01", "1"]  # the defaults' arguments as before
    now = dt.datetime(2025, 3, 30, 22, 30, tzinfo=dt.UTC)
    assert bounds.latest(now) == dt.date(2025, 4, 1)  # Oslo's today is 2025-03-31


@pytest.mark.parametrize(("zone", "last_complete"), [("UTC", "2025-10-25"), (OSLO, "2025-10-26")])
def test_the_morning_views_last_complete_day_is_the_report_zones(
    make_app, tmp_path, zone, last_complete
):
    rows = with_edges(fixture_rows(seed=4, clock=evening))
    sqlite_database(tmp_path / "events.sqlite", rows)
    # 23:30 UTC on 2025-10-26 is 00:30 on 2025-10-27 in Oslo: its yesterday is complete.
    app = make_app(
        DATABASE_URL=f"sqlite:///{tmp_path / 'events.sqlite'}",
        EVENTS_NOW="2025-10-26T23:30:00+00:00",
        REPORT_TIMEZONE=zone,
    )
    client = app.server.test_client()
    assert client.get("/data/changes/").get_json()["day"] == last_complete
    raw = local_frame(rows, zone)
    reference = RouteReference(client, raw)
    reference.end = dt.date.fromisoformat(last_complete)
    reference.routes(("changes",), filter_cases(raw)[:1])


def test_an_import_encodes_its_rows_on_their_local_days(make_app, tmp_path):
    from data.events.ingest.csv_import import import_records
    from data.events.stores.date_bounds import DateBounds
    from data.events.stores.event_stores import SqliteStore

    path = tmp_path / "events.sqlite"
    now = dt.datetime.fromisoformat(NOW)
    store = SqliteStore(path, DateBounds(now=now, zones=Zones(OSLO, "UTC")))
    rows = with_edges(fixture_rows(seed=12, clock=evening))
    fields = [["" if v is None else str(v) for v in row] for row in rows]
    result = import_records(store, list(enumerate(fields, 1)))
    assert result.imported > 600  # the import refuses some of the rows' numbers; not the point
    with sqlite3.connect(path) as conn:  # the rows as the import stored them
        stored = conn.execute(f"SELECT {', '.join(COLUMN_NAMES)} FROM movies").fetchall()
    conn.close()
    versions = set((tmp_path / "events.sqlite.rollups").glob("v-*"))
    client = zone_app(make_app, f"sqlite:///{path}", REPORT_TIMEZONE=OSLO).server.test_client()
    check_routes(client, local_frame(stored), ("no filter",))
    assert set((tmp_path / "events.sqlite.rollups").glob("v-*")) == versions  # the import's
