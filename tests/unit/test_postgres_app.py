"""The app on PostgreSQL: every /data route as on SQLite, imports and commands with COPY, rows a
pipeline inserts, a read-only role, and a server that cannot be reached."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from data.events.ingest import csv_import
from data.events.ingest.csv_import import import_csv, import_records
from data.events.params import Filters
from data.events.stores.event_stores import PostgresStore
from layouts import ids
from testkit.dash_client import DashCallbacks
from testkit.ports import free_port
from tests.unit.csv_support import FIXTURES
from tests.unit.csv_support import rows as sqlite_rows
from tests.unit.test_csv_import import _good_then_fail
from tests.unit.test_engine_properties import check_routes
from tests.unit.test_postgres_store import read_raw_pg
from web import services

ROOT = Path(__file__).resolve().parents[2]

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


# -- other writers, other roles ----------------------------------------------------------------


def test_rows_a_pipeline_inserts_are_served_within_seconds(make_app, pg_demo):
    """Another system INSERTs and COMMITs: the app notices (statistics probe) and rebuilds in a
    separate process while it serves the old numbers, then serves the new ones."""
    client = make_app(DATABASE_URL=pg_demo.url, ROLLUP_BACKGROUND_BUILDS=True).server.test_client()
    before = client.get("/data/kpis/").get_json()["views"]
    with psycopg.connect(pg_demo.url) as conn:
        conn.execute(
            "INSERT INTO movies (event_date, userid, totalminuteswatched, sessiontype, title) "
            "SELECT '2025-12-31 12:00:00', 'pipeline-' || n, 30, 'MOVIE', 'Heat' "
            "FROM generate_series(1, 25) AS n"
        )
    inserted = time.monotonic()
    while time.monotonic() - inserted < 10:
        views = client.get("/data/kpis/").get_json()["views"]
        assert views in (before, before + 25)  # old or new, never a mix or an error
        if views == before + 25:
            break
        time.sleep(0.2)
    assert views == before + 25, "rows a pipeline inserted were not served within 10 s"


@pytest.fixture(params=["movies, reelboard_meta", "movies"])
def read_only_url(request, pg_demo, pg_server):
    """A role that may only SELECT on movies (and our side table, as the README grants it, or
    not: a dashboard on a table another system fills may be granted just that)."""
    server_url, _ = pg_server
    role = f"reelboard_ro_{os.getpid()}_{os.urandom(3).hex()}"
    with psycopg.connect(pg_demo.url, autocommit=True) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.execute(f'GRANT SELECT ON {request.param} TO "{role}"')
    yield pg_demo.url.replace("postgresql://", f"postgresql://{role}@", 1)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def test_a_read_only_role_serves_the_dashboard_and_cannot_write(make_app, read_only_url, client):
    app = make_app(DATABASE_URL=read_only_url)
    pg_client = app.server.test_client()
    assert pg_client.get("/data/kpis/").get_json() == client.get("/data/kpis/").get_json()
    assert pg_client.get("/data/toplist/").get_json() == client.get("/data/toplist/").get_json()
    assert pg_client.get("/healthz").status_code == 200
    assert pg_client.get("/").status_code == 200
    runner = app.server.test_cli_runner()
    refused = runner.invoke(args=["import-events", str(FIXTURES / "events_headerless.csv")])
    assert refused.exit_code != 0
    assert "permission denied" in refused.output and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1


# -- a server that cannot be reached ------------------------------------------------------------


def test_an_unreachable_server_is_a_fast_503_and_the_game_still_plays(make_app, caplog):
    url = f"postgresql://reelboard:secret@127.0.0.1:{free_port()}/events"
    app = make_app(DATABASE_URL=url)
    client = app.server.test_client()
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        answers = [client.get("/data/kpis/") for _ in range(5)]
        elapsed = time.monotonic() - started
    assert elapsed < 2
    for answer in answers:
        assert answer.status_code == 503
        assert answer.get_json()["error"] == (
            "the event database (PostgreSQL) is not reachable; try again shortly"
        )
    # One line in the log for the outage, never a traceback, never the password.
    assert (
        len(
            [
                r
                for r in caplog.records
                if "not reachable" in r.getMessage() or "127.0.0.1" in r.getMessage()
            ]
        )
        >= 1
    )
    assert not any(record.exc_info for record in caplog.records)
    assert not any("secret" in record.getMessage() for record in caplog.records)
    health = client.get("/healthz")
    assert health.status_code == 503 and "secret" not in health.get_data(as_text=True)
    assert client.post("/guess/start", json={"max_value": 10}).status_code == 201
    state = {"resolution": "daily", "num": 10, "start": None, "end": None, "sessiontype": None}
    figure = DashCallbacks.for_flask(client).response(
        ids.TOPLIST_GRAPH, "figure", {f"{ids.STATE}.data": state}
    )[ids.TOPLIST_GRAPH]["figure"]
    assert "not reachable" in figure["layout"]["annotations"][0]["text"]


def _start(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="test", DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "args",
    [["dashboard_app.py"], ["-m", "flask", "--app", "dashboard_app", "ensure-db"]],
    ids=["python-dashboard_app", "flask-ensure-db"],
)
def test_a_failed_login_or_closed_port_is_one_line_at_start(pg_server, tmp_path, args):
    server_url, _ = pg_server
    no_role = server_url.replace("postgresql://", "postgresql://no_such_role:pw@", 1)
    closed = f"postgresql://u:pw@127.0.0.1:{free_port()}/test"
    for url, says in ((no_role, "no_such_role"), (closed, "refused")):
        result = _start(url, tmp_path, *args)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr and ":pw@" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
        assert len(errors) == 1 and says in errors[0], result.stderr


def test_store_label_never_holds_the_password(instance_dir):
    store = PostgresStore("postgresql://user:hunter2@db.example:6543/events", instance_dir)
    assert store.label == "postgresql://user@db.example:6543/events"
    assert "hunter2" not in repr(store)


MALFORMED = [
    ("postgresql://postgres:pa/ssWORD@127.0.0.1:5432/test", ["pa/ssWORD", "ssWORD"]),
    ("postgresql://postgres:p@ssWORD@127.0.0.1/test", ["p@ssWORD", "ssWORD"]),
    ("postgresql://postgres:s3cret%zzPW@127.0.0.1/test", ["s3cret", "zzPW"]),
    ("postgresql://postgres:s3cretPW@[::1/test", ["s3cretPW"]),
]


@pytest.mark.parametrize(("url", "secrets"), MALFORMED)
def test_a_malformed_url_never_shows_its_password(tmp_path, url, secrets):
    from config import ConfigError, event_store

    try:
        store = event_store(url, tmp_path)
    except ConfigError as error:
        said = [str(error)]
    else:
        said = [store.label]
        try:
            psycopg.connect(store.url, connect_timeout=2).close()
        except psycopg.Error as error:
            said.append(store.say(error))
    for text in said:
        assert not any(secret in text for secret in secrets), text


def test_a_url_with_an_unescaped_at_is_one_line_at_start_without_the_password(tmp_path):
    result = _start(
        "postgresql://postgres:p@ssWORD@127.0.0.1/test",
        tmp_path,
        "-m",
        "flask",
        "--app",
        "dashboard_app",
        "ensure-db",
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "ssWORD" not in result.stderr + result.stdout
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1


def test_no_movies_table_is_healthy_and_empty(make_app, pg_url):
    client = make_app(DATABASE_URL=pg_url).server.test_client()
    assert client.get("/data/kpis/").get_json()["views"] == 0
    assert client.get("/healthz").status_code == 200


def test_a_statement_timeout_in_the_url_is_the_same_503_on_data_and_healthz(make_app, pg_demo):
    # 1 ms: every scan is cancelled (one `options`, or the search path would be lost).
    url = pg_demo.url.replace("options=", "options=-cstatement_timeout%3D1%20", 1)
    client = make_app(DATABASE_URL=url).server.test_client()
    data, health = client.get("/data/kpis/"), client.get("/healthz")
    assert data.status_code == health.status_code == 503
    assert data.get_json()["error"] == health.get_json()["checks"]["events"]["error"]
    assert "too long" in data.get_json()["error"]
