"""The app on PostgreSQL: rows others insert, a read-only role, bad URLs, unreachable servers."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from data.events.stores.event_stores import PostgresStore
from layouts import ids
from testkit.dash_client import DashCallbacks
from testkit.ports import free_port
from tests.unit.csv_support import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


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
