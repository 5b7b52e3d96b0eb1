"""Odd event databases: other table shapes work, unusable ones answer 503 saying why, a
recreated file is a new version, absurd minute values stay valid JSON."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import reference_analytics as ref

ROW = dict.fromkeys(COLUMN_NAMES) | {
    "event_date": "2025-01-01 10:00:00",
    "userid": "u1",
    "device": "iPad",
    "totalminuteswatched": 10,
    "sessiontype": "MOVIE",
    "title": "T",
}


def make_db(path, ddl: str, rows: list[dict], table: str = "movies") -> None:
    conn = sqlite3.connect(path)
    conn.execute(ddl)
    for row in rows:
        names = [c for c in COLUMN_NAMES if c in row]
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [row[c] for c in names],
        )
    conn.commit()
    conn.close()


@pytest.fixture
def client_on(make_app, tmp_path):
    def factory(path):
        return make_app(DATABASE_URL=f"sqlite:///{path}").server.test_client()

    return factory


ALL_COLUMNS = ", ".join(COLUMN_NAMES)


def test_a_view_and_a_table_without_rowid_are_read(client_on, tmp_path):
    view_db = tmp_path / "view.sqlite"
    make_db(view_db, f"CREATE TABLE raw_movies ({ALL_COLUMNS})", [ROW], table="raw_movies")
    conn = sqlite3.connect(view_db)
    conn.execute("CREATE VIEW movies AS SELECT * FROM raw_movies")
    conn.commit()
    conn.close()
    assert client_on(view_db).get("/data/kpis/").get_json()["views"] == 1
    no_rowid = tmp_path / "norowid.sqlite"
    make_db(
        no_rowid,
        f"CREATE TABLE movies ({ALL_COLUMNS}, PRIMARY KEY (userid)) WITHOUT ROWID",
        [ROW, ROW | {"userid": "u2"}],
    )
    assert client_on(no_rowid).get("/data/kpis/").get_json()["unique_users"] == 2


@pytest.mark.parametrize("shape", ["missing columns", "not a database"])
def test_an_unusable_database_is_a_503_saying_why(client_on, tmp_path, shape):
    path = tmp_path / "events.sqlite"
    if shape == "missing columns":
        make_db(
            path,
            "CREATE TABLE movies (event_date TEXT, userid TEXT)",
            [{"event_date": "2025-01-01 10:00:00", "userid": "u1"}],
        )
    else:
        path.write_text("this is not a database\n" * 100)
    client = client_on(path)
    for url in ("/data/kpis/", "/data/views/?breakdown=device", "/data/dimensions/"):
        answer = client.get(url)
        assert answer.status_code == 503, answer.data
        assert answer.get_json()["error"].startswith("the event database cannot be read")
    assert client.get("/healthz").status_code == 503


def test_a_recreated_file_with_as_many_rows_is_a_new_version(client_on, tmp_path):
    path = tmp_path / "events.sqlite"
    make_db(path, f"CREATE TABLE movies ({ALL_COLUMNS})", [ROW] * 3)
    client = client_on(path)
    assert client.get("/data/dimensions/").get_json()["device"] == [{"value": "iPad", "views": 3}]
    path.unlink()
    make_db(path, f"CREATE TABLE movies ({ALL_COLUMNS})", [ROW | {"device": "TV"}] * 3)
    wait_for_devices(client, [{"value": "TV", "views": 3}])  # rebuilt by a builder process
    conn = sqlite3.connect(path)
    conn.execute("UPDATE movies SET device = 'Phone'")  # rewritten in place, by another program
    conn.commit()
    conn.close()
    wait_for_devices(client, [{"value": "Phone", "views": 3}])


def wait_for_devices(client, expected) -> None:
    deadline = time.monotonic() + 30
    while (got := client.get("/data/dimensions/").get_json()["device"]) != expected:
        assert time.monotonic() < deadline, got
        time.sleep(0.05)


def test_absurd_minutes_read_as_unreadable_and_answers_stay_json(client_on, tmp_path):
    path = tmp_path / "events.sqlite"
    rows = [ROW | {"totalminuteswatched": 1e308}] * 2 + [ROW | {"totalminuteswatched": 0.5}]
    make_db(path, f"CREATE TABLE movies ({ALL_COLUMNS})", rows)
    client = client_on(path)
    for url in ("/data/kpis/", "/data/minutes_watched/", "/data/minutes_watched/?breakdown=device"):
        answer = client.get(url)
        assert answer.status_code == 200
        json.loads(answer.get_data(as_text=True))  # strict JSON: no Infinity
    assert client.get("/data/kpis/").get_json()["minutes_watched"] == 0.5


def test_sessiontype_names_fold_only_in_ascii(client, demo_raw):
    untyped = ref.timeseries(demo_raw, "views", "daily", where={"sessiontype": {"(none)"}})
    assert sum(row["values"] for row in untyped) > 0  # the demo has views without a type
    for spelling in ("(NONE)", "(none)", "(None)"):
        assert client.get(f"/data/views/?sessiontype={spelling}").get_json() == untyped
    for odd in ("mov%C4%B1e", "%C5%BFeries"):  # dotless i, long s
        assert client.get(f"/data/views/?sessiontype={odd}").status_code == 400
    assert client.get("/data/views/?resolution=wee%E2%84%AAly").status_code == 400  # Kelvin K


def test_every_month_of_the_calendar_can_be_asked_for(client):
    answer = client.get("/data/views/?start=0001-01-01&end=9999-12-31&resolution=monthly")
    assert answer.status_code == 200 and len(answer.get_json()) == 9999 * 12
