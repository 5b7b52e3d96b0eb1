"""/data/when/ and /data/distribution/: the hour rule, hand-counted answers, and the tutorial's
format on both stores (and a PostgreSQL text date column) against the pandas reference."""

from __future__ import annotations

import math

import psycopg
import pytest

from data.events.rollup.event_dates import NO_HOUR, date_text, hour_of_value
from data.events.stores.pg_store import PG_COLUMNS
from testkit import reference_shape as shape
from tests.unit.csv_support import imported_tutorial_rows
from tests.unit.reference_checks import read_raw
from tests.unit.test_engine_properties import make_db, tutorial_rows
from tests.unit.test_postgres_store import read_raw_pg

# (start, end, filters) the tutorial rows are asked under: everything, a range, a filter.
TUTORIAL_CASES = [
    ({}, {}),
    ({"start": "2014-12-01", "end": "2015-01-20"}, {}),
    ({"market": "NO", "sessiontype": "SERIES"}, {"market": {"NO"}, "sessiontype": {"SERIES"}}),
]


@pytest.mark.parametrize(
    ("value", "hour"),
    [
        ("2014-11-25 20:15:00", 20),
        ("2014-11-25T07:00:00", 7),
        ("2014-11-25 00:00:00", 0),
        ("2014-11-25 23:59:59.999", 23),
        ("2014-11-25 20", 20),
        ("2014-11-25 20:", 20),
        ("2014-11-25", NO_HOUR),  # a day alone: no hour, left out of the matrix only
        ("2014-11-25 ", NO_HOUR),
        ("2014-11-25 7:05:00", NO_HOUR),
        ("2014-11-25 24:00:00", NO_HOUR),
        ("2014-11-25 2x:00:00", NO_HOUR),
        ("2014-11-25 20-15", NO_HOUR),
        ("2014-11-25 \u0662\u0660:00", NO_HOUR),  # digits, but not ASCII ones
        ("2014-02-30 20:00:00", NO_HOUR),  # no day, no hour
        (None, NO_HOUR),
        (b"2014-11-25 20:00:00", NO_HOUR),
    ],
)
def test_the_hour_of_an_event_date(value, hour):
    assert hour_of_value(value) == hour
    assert hour_of_value(date_text(value)) == hour  # what the SQL readers keep of it, too


def _client(make_app, path):
    return make_app(DATABASE_URL=f"sqlite:///{path}").server.test_client()


HAND_ROWS = [
    # Monday 2014-11-24 and Monday 2014-12-01, 20h: user a both weeks, b once, NULL user once.
    ["2014-11-24 20:05:00", "a", "1", "iPad", "NO", "10", "", "", "", "MOVIE", "Heat", "", ""],
    ["2014-12-01 20:59:59", "a", "1", "iPad", "NO", "30", "", "", "", "MOVIE", "Heat", "", ""],
    ["2014-12-01 20:00:00", "b", "1", "iPad", "SE", "", "", "", "", "MOVIE", "Heat", "", ""],
    ["2014-12-01 20:30:00", None, "1", "iPad", "NO", "5", "", "", "", "MOVIE", "Heat", "", ""],
    # Sunday 2014-11-30 at 23h (T form), and a Tuesday without a time (out of the matrix).
    ["2014-11-30T23:10:00", "c", "1", "Roku", "NO", "7", "", "", "", "MOVIE", "Up", "", ""],
    ["2014-12-02", "c", "1", "Roku", "NO", "100", "", "", "", "MOVIE", "Up", "", ""],
]


def _cells(answer) -> dict:
    return {(c["weekday"], c["hour"]): c["value"] for c in answer if c["value"]}


def test_cells_counted_by_hand(make_app, tmp_path):
    path = tmp_path / "hand.sqlite"
    make_db(path, HAND_ROWS)
    client = _client(make_app, path)
    views = client.get("/data/when/").get_json()
    assert len(views) == 168 and [(c["weekday"], c["hour"]) for c in views[:2]] == [(0, 0), (0, 1)]
    assert _cells(views) == {(0, 20): 4, (6, 23): 1}  # the row without a time is not there
    users = client.get("/data/when/?metric=unique_users").get_json()
    assert _cells(users) == {(0, 20): 2, (6, 23): 1}  # a counts once in Monday 20h
    minutes = client.get("/data/when/?metric=minutes_watched&market=NO").get_json()
    assert _cells(minutes) == {(0, 20): 45, (6, 23): 7}
    # ... yet the row without a time counts everywhere else.
    assert client.get("/data/kpis/").get_json()["views"] == 6


def test_distribution_counted_by_hand(make_app, tmp_path):
    path = tmp_path / "hand.sqlite"
    make_db(path, HAND_ROWS)
    client = _client(make_app, path)
    answer = client.get("/data/distribution/?resolution=weekly").get_json()
    assert answer["bins"] == list(shape.BINS)
    first, second = answer["periods"]
    # Week of 11-24: a 10, c 7. Week of 12-01: a 30, b 0 (unknown minutes), c 100.
    assert first == {
        "date": "2014-11-24",
        "viewers": 2,
        "p50": 7,
        "p90": 10,
        "p99": 10,
        "mean": 8.5,
        "histogram": [0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
    }
    assert second == {
        "date": "2014-12-01",
        "viewers": 3,
        "p50": 30,  # ceil(0.5 * 3) = 2nd smallest of 0, 30, 100
        "p90": 100,
        "p99": 100,
        "mean": round(130 / 3, 4),
        "histogram": [1, 0, 0, 0, 1, 1, 0, 0, 0, 0],  # 0; 30 in [30, 60); 100 in [60, 120)
    }
    users = client.get("/data/unique_users/?resolution=weekly").get_json()
    assert [p["viewers"] for p in answer["periods"]] == [u["values"] for u in users]
    empty = client.get("/data/distribution/?start=2014-11-25&end=2014-11-26").get_json()
    assert empty["periods"][0] == {
        "date": "2014-11-25",
        "viewers": 0,
        **dict.fromkeys(("p50", "p90", "p99", "mean")),
        "histogram": [0] * len(shape.BINS),
    }


def _check_against_reference(client, raw) -> None:
    for query, where in TUTORIAL_CASES:
        start, end = (query.get(k) for k in ("start", "end"))
        start, end = (None if d is None else _date(d) for d in (start, end))
        for metric in ("views", "unique_users", "minutes_watched"):
            got = client.get("/data/when/", query_string={**query, "metric": metric})
            assert got.get_json() == shape.when(raw, metric, start, end, where), (query, metric)
        for resolution in ("daily", "weekly", "monthly"):
            got = client.get(
                "/data/distribution/", query_string={**query, "resolution": resolution}
            )
            expected = shape.distribution(raw, resolution, start, end, where)
            assert got.get_json() == expected, (query, resolution)


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_tutorial_format_csv_on_both_stores_equals_the_reference(event_store, make_app, tmp_path):
    url, raw = imported_tutorial_rows(event_store, tmp_path, 1500, seed=41)
    _check_against_reference(make_app(DATABASE_URL=url).server.test_client(), raw)


def test_tutorial_format_database_and_a_postgres_text_date_column(make_app, tmp_path, pg_url):
    """The rows as `sqlite3 .import` leaves them, dates without a time among them; and the same
    dates in a PostgreSQL text column (read by the same rule, cut in SQL)."""
    rows = [r for r in tutorial_rows(1500, seed=43) if not any(isinstance(v, bytes) for v in r)]
    path = tmp_path / "tutorial.sqlite"
    make_db(path, rows)
    _check_against_reference(_client(make_app, path), read_raw(path))
    columns = ", ".join(
        f"{name} {'text' if name == 'event_date' else kind}" for name, kind in PG_COLUMNS
    )
    kinds = [kind for _, kind in PG_COLUMNS]
    with psycopg.connect(pg_url) as conn:
        conn.execute(f"CREATE TABLE movies ({columns})")
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO movies VALUES ({', '.join(['%s'] * 13)})",
                [
                    [v if i == 0 else _pg_value(v, kinds[i]) for i, v in enumerate(row)]
                    for row in rows
                ],
            )
    raw = read_raw_pg(pg_url)
    assert (raw["event_date"].str.len() == 10).any()  # dates without a time are there
    _check_against_reference(make_app(DATABASE_URL=pg_url).server.test_client(), raw)


def _pg_value(value, kind: str):
    """A tutorial field as a typed PostgreSQL column holds it (unreadable numbers NULL)."""
    if kind == "text" or value is None:
        return value
    try:
        number = float(value)
    except ValueError:
        return None
    if kind == "bigint":
        return int(number) if math.isfinite(number) and abs(number) < 2**62 else None
    return number


def test_users_per_cell_by_the_compiled_pass_equal_a_plain_count():
    """The compiled pass (one bit per user and cell) against sets, with and without a filter."""
    import numpy as np

    from data.events.analysis.prime_time import CELLS, HOURS, _distinct_per_cell, weekday_of

    rng = np.random.default_rng(5)
    size = 5000
    day, hour = rng.integers(20000, 20100, size).astype(np.int32), rng.integers(0, 24, size)
    user, combo = rng.integers(0, 300, size).astype(np.int32), rng.integers(0, 6, size)
    cell = weekday_of(day) * HOURS + hour
    for allowed in (np.ones(6, bool), np.array([True, False, True, True, False, False])):
        counts = _distinct_per_cell(
            day, hour.astype(np.int8), user, combo.astype(np.int32), allowed, 300
        )
        kept = allowed[combo]
        expected = [len(set(user[(cell == c) & kept].tolist())) for c in range(CELLS)]
        assert counts.tolist() == expected
        assert sum(expected) > 1000
