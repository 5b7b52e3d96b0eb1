"""The app on PostgreSQL: every /data route as on SQLite, and imports and commands with COPY."""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest

from data.events.ingest import csv_import
from data.events.ingest.csv_import import import_csv, import_records
from data.events.params import Filters
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.csv_support import FIXTURES
from tests.unit.csv_support import rows as sqlite_rows
from tests.unit.reference_checks import check_routes
from tests.unit.test_csv_import import _good_then_fail
from tests.unit.test_postgres_store import read_raw_pg
from web import services

ROUTES = [
    "/data/unique_users/",
    "/data/minutes_watched/?resolution=weekly&sessiontype=SERIES",
    "/data/views/?resolution=monthly&device=iPad&device=Android",
    "/data/completion_rate/?start=2025-03-01&end=2025-05-31&market=(none)",
    "/data/unique_users/?resolution=weekly&breakdown=device&limit=3",
    "/data/minutes_watched/?resolution=monthly&breakdown=market",
    "/data/views/?breakdown=sessiontype&start=2025-12-01",
    "/data/completion_rate/?resolution=weekly&breakdown=device&limit=1&market=NO",
    "/data/toplist/",
    "/data/toplist/?num=40&sessiontype=MOVIE&start=2025-06-01",
    "/data/kpis/",
    "/data/kpis/?start=2025-02-01&end=2025-02-28&device=Smart%20TV",
    "/data/kpis/?compare=previous",
    "/data/kpis/?compare=previous&start=2025-12-29&sessiontype=SERIES&market=NO",
    "/data/kpis/?compare=previous&start=2025-01-10&end=2025-02-09&device=iPad",
    "/data/dimensions/",
    "/data/dimensions/?start=2025-07-01&end=2025-07-07",
    "/data/unique_users/?start=1999-01-01&end=1999-02-01",
    # Bad input is the same 400 on both stores.
    "/data/unique_users/?resolution=hourly",
    "/data/views/?breakdown=colour",
    "/data/toplist/?num=0",
    "/data/kpis/?start=2025-13-01",
    "/data/kpis/?compare=next",
]


def pg_rows(url: str) -> list[tuple]:
    """The movies rows as SQLite's tests read them: dates as text, in insertion order."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT to_char(event_date, 'YYYY-MM-DD HH24:MI:SS'), userid, contentid, device, "
            "market, totalminuteswatched, runningtime, viewpercentage, errorperception, "
            "sessiontype, title, seasonnumber, episodenumber FROM movies ORDER BY ctid"
        ).fetchall()


def pg_demo_flag(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT value FROM reelboard_meta WHERE key = 'demo'").fetchone()
    return row is not None and row[0] == "1"


@pytest.fixture
def pg_client(make_app, pg_demo):
    return make_app(DATABASE_URL=pg_demo.url).server.test_client()


def test_every_data_route_answers_as_on_sqlite(client, pg_client):
    for route in ROUTES:
        on_sqlite, on_postgres = client.get(route), pg_client.get(route)
        assert on_postgres.status_code == on_sqlite.status_code, route
        assert on_postgres.get_json() == on_sqlite.get_json(), route


def test_routes_match_reference(pg_client, pg_demo):
    check_routes(pg_client, None, seed=404, raw=read_raw_pg(pg_demo.url))


def test_untitled_views_are_the_same_as_on_sqlite(app, make_app, pg_demo):
    on_postgres = services.analytics(make_app(DATABASE_URL=pg_demo.url).server)
    on_sqlite = services.analytics(app.server)
    for filters in (
        Filters(),
        Filters.of(sessiontype="(none)"),
        Filters.of(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31), market="(none)"),
        Filters.of(start=dt.date(2025, 6, 1), device=["iPad", "Computer"], sessiontype="MOVIE"),
    ):
        assert on_postgres.untitled_views(filters) == on_sqlite.untitled_views(filters), filters
    assert on_postgres.untitled_views() > 0


def test_the_dashboard_callbacks_give_the_same_numbers(client, pg_client):
    state = {"resolution": "weekly", "num": 10, "start": None, "end": None, "sessiontype": None}
    values = {f"{ids.STATE}.data": state}
    for component, prop in ((ids.KPI_UNIQUE_USERS, "children"), (ids.TOPLIST_GRAPH, "figure")):
        on_sqlite = DashCallbacks.for_flask(client).response(component, prop, values)
        on_postgres = DashCallbacks.for_flask(pg_client).response(component, prop, values)
        assert on_postgres == on_sqlite


# -- imports ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "events_headerless.csv",
        "events_header.csv",
        "events_bad_rows.csv",
        "events_legacy_bytes.csv",
        "events_escapes.csv",
    ],
)
def test_an_import_reports_and_stores_what_it_does_on_sqlite(pg_store, db_path, name):
    on_sqlite = import_csv(db_path, FIXTURES / name)
    on_postgres = import_csv(pg_store, FIXTURES / name)
    assert on_postgres.summary_lines() == on_sqlite.summary_lines()
    assert pg_rows(pg_store.url) == sqlite_rows(db_path)


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_midway_leaves_the_table_as_it_was(pg_demo, monkeypatch, error):
    monkeypatch.setattr(csv_import, "BATCH_ROWS", 100)  # several COPY batches reach the server
    before = pg_rows(pg_demo.url)
    for replace in (False, True):
        with pytest.raises(type(error)):
            import_records(pg_demo, _good_then_fail(1_050, error), replace=replace)
        assert pg_rows(pg_demo.url) == before
        assert pg_demo_flag(pg_demo.url)


def test_replace_plain_and_useless_imports(pg_demo):
    before = len(pg_rows(pg_demo.url))
    added = import_csv(pg_demo, FIXTURES / "events_headerless.csv")
    assert added.demo and len(pg_rows(pg_demo.url)) == before + 6
    useless = import_csv(pg_demo, FIXTURES / "events_all_bad.csv", replace=True)
    assert (useless.imported, useless.rejected) == (0, 3)
    assert len(pg_rows(pg_demo.url)) == before + 6 and pg_demo_flag(pg_demo.url)
    replaced = import_csv(pg_demo, FIXTURES / "events_headerless.csv", replace=True)
    assert (replaced.imported, replaced.demo) == (6, False)
    assert len(pg_rows(pg_demo.url)) == 6 and not pg_demo_flag(pg_demo.url)


def served_views(client, expected: int, seconds: float = 5) -> int:
    """The views /data/kpis/ answers once it is `expected` (the probe is asked once a second),
    or what it answers after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        views = client.get("/data/kpis/").get_json()["views"]
        if views == expected or time.monotonic() > deadline:
            return views
        time.sleep(0.1)


def test_commands_work_on_postgresql(make_app, pg_store):
    app = make_app(DATABASE_URL=pg_store.url)
    runner, client = app.server.test_cli_runner(), app.server.test_client()
    created = runner.invoke(args=["ensure-db"])
    assert created.exit_code == 0 and "created a demo database" in created.output
    assert "password" not in created.output
    assert client.get("/data/kpis/").get_json()["views"] == 100_000
    again = runner.invoke(args=["ensure-db"])
    assert again.exit_code == 0 and "using the existing database" in again.output
    demo = runner.invoke(args=["demo-data", "--rows", "500", "--seed", "4"])
    assert demo.exit_code == 0 and "wrote 500 demo events" in demo.output
    assert served_views(client, 500) == 500
    imported = runner.invoke(
        args=["import-events", "--replace", str(FIXTURES / "events_headerless.csv")]
    )
    assert imported.exit_code == 0, imported.output
    assert "imported 6 rows, rejected 0" in imported.output
    # The writer published the new version before its commit: served without a rebuild.
    assert served_views(client, 6) == 6
    assert services.analytics(app.server).loads == 3
    assert client.get("/healthz").get_json()["checks"]["events"] == {
        "ok": True,
        "store": "postgresql",
        "left_out_rows": 0,
    }
