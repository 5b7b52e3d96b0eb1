"""The analytics engine (and its /data routes) against testkit's independent pandas reference."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

import pandas as pd
import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.ingest.text_decoding import decode_text
from data.events.params import Filters
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import reference_analytics as ref
from tests.unit.analysis_support import TUTORIAL_DDL, D
from tests.unit.reference_checks import (
    RESOLUTIONS,
    Checker,
    check_edges,
    check_random_combinations,
    check_routes,
    read_raw,
)

# -- databases -------------------------------------------------------------------------------

DEVICES = ["Computer", "iPad", "ipad", "IPAD", "Android", "iPhone", "Smart TV", "Chromecast"]
DEVICES += ["Apple TV", "Roku", " ", "", "", None, b"T\xe9l\xe9", "T<e9>l<e9>", "(none)"]
MARKETS = ["NO", "NO", "SE", "DK", "FI", "no", "", "", "", None, b"\xd8st", "<d8>st", "<c3><98>st"]
SESSIONTYPES = ["MOVIE", "SERIES", "SERIES", "", None, " movie ", "Series", "series\t", "EPISODE"]
SESSIONTYPES += ["\u017fERIES", "movies"]
TITLES = ["Heat", "Up", "Frozen", "Game of Thrones, Winter Is Coming", b"p\xe5 Tur", "p<e5> Tur"]
TITLES += ["N\u00f8kken", "Mad Men, Pilot", "", "", None, "Z", "z", b"Bl\xe5b\xe6r"]
MINUTES = ["", None, "abc", "inf", "1e400", "12.5", "0.25", "-3", " 7 "]
PERCENTS = ["", None, "n/a", "100", "90", "89.99", "120.5", "250", "90.0", "0"]
# Season numbers of every kind (the column's affinity turns some of them into numbers).
SEASONS = ["", "", "1", "1", "2", "03", "1.0", " 2 ", "0", "-1", "x", "2.5", "1e1", "1e400"]
BAD_DATES = ["", None, "2014-02-30 10:00:00", "2014-13-01 00:00:00", "2014/11/25 10:00:00"]
BAD_DATES += ["2014-11-25x10", "2014-11-25_10:00", " 2014-11-25 10:00:00", "2014-W48-1"]
BAD_DATES += ["20141125", "not a date", "2014-12-0a 10:00:00", "2014-11-2 10:00:00"]
BAD_DATES += ["\u0662\u0660\u0661\u0664-\u0661\u0661-\u0662\u0665 10:00", b"2014-12-05\xe5"]


def tutorial_rows(count: int, seed: int) -> list[list]:
    """Rows as `sqlite3 .import` leaves them (text, '' for blanks), with NULLs and odd bytes."""
    rng = random.Random(seed)
    users = [f"{rng.getrandbits(128):032x}" for _ in range(40)] + ["", ""]
    users += ["<e5>se", "\u00e5se"]  # one user in both spellings
    first = dt.datetime(2014, 11, 20)
    rows = []
    for _ in range(count):
        day = rng.choice([d for d in range(100) if not 45 <= d < 60])  # a gap of whole weeks
        when = first + dt.timedelta(days=day, seconds=rng.randrange(86400))
        kind = rng.random()
        if kind < 0.03:
            date = rng.choice(BAD_DATES)
        elif kind < 0.035:
            date = rng.choice(["2014-08-31 23:59:59", "2015-04-01T00:00:00"])  # far outliers
        elif kind < 0.06:
            date = when.strftime("%Y-%m-%d")
        elif kind < 0.09:
            date = when.strftime("%Y-%m-%dT%H:%M:%S")
        elif kind < 0.10:
            date = when.strftime("%Y-%m-%d 1").encode() + b"\xe5:00"
        else:
            date = when.strftime("%Y-%m-%d %H:%M:%S")
        title = rng.choice(TITLES)
        stype = "" if title in ("", None) and rng.random() < 0.5 else rng.choice(SESSIONTYPES)
        minutes = rng.choice(MINUTES) if rng.random() < 0.08 else str(rng.randrange(0, 130))
        percent = rng.choice(PERCENTS) if rng.random() < 0.3 else f"{rng.uniform(0, 100):.1f}"
        user = None if rng.random() < 0.02 else rng.choice(users)
        rows.append(
            [date, user, str(rng.randrange(10**6)), rng.choice(DEVICES), rng.choice(MARKETS)]
            + [minutes, rng.choice(["", "45", "120"]), percent, rng.choice(["", "0.5"]), stype]
            + [title, rng.choice(SEASONS), rng.choice(["", "3"])]
        )
    return rows


def make_db(path, rows, ddl: str = TUTORIAL_DDL) -> None:
    """Insert every field as text (bytes kept as they are), the column affinity converting."""
    conn = sqlite3.connect(path)
    conn.execute(ddl)
    marks = ", ".join(["cast(? as text)"] * 13)
    conn.executemany(f"insert into movies values ({marks})", rows)
    conn.commit()
    conn.close()


@pytest.fixture
def tutorial_db(tmp_path):
    path = tmp_path / "moviedb"
    make_db(path, tutorial_rows(2500, seed=23))
    return path


def test_reference_on_a_hand_counted_table():
    """The reference itself, on rows whose answers are counted by hand from the specification."""
    columns = ["event_date", "userid", "totalminuteswatched", "viewpercentage", "sessiontype"]
    columns += ["title", "device", "market"]
    raw = pd.DataFrame(
        [
            ["2024-01-01 10:00:00", "u1", 10, 95.0, "MOVIE", "A", "iPad", "NO"],
            ["2024-01-01T11:00:00", "u2", "5", "", " movie ", "B", "", None],
            ["2024-01-03", "", 7, "150", "SERIES", "", "ipad", "SE"],
            ["2024-01-03x", "u3", 100, 100.0, "MOVIE", "A", "iPad", "NO"],  # not a date
            ["2024-01-10 00:00:00", None, "abc", "50", "EPISODE", None, "iPad", "NO"],
            ["2024-02-30 00:00:00", "u4", 100, 100.0, "MOVIE", "A", "iPad", "NO"],  # no such day
        ],
        columns=columns,
        dtype=object,
    )
    assert ref.timeseries(raw, "views", "weekly") == [
        {"date": "2024-01-01", "values": 3},
        {"date": "2024-01-08", "values": 1},
    ]
    daily = ref.timeseries(raw, "unique_users", "daily", end=dt.date(2024, 1, 4))
    assert [row["values"] for row in daily] == [2, 0, 1, 0]
    assert ref.timeseries(raw, "minutes_watched", "monthly") == [
        {"date": "2024-01-01", "values": 22}
    ]
    rates = ref.timeseries(raw, "completion_rate", "weekly", where={"market": {"NO", "SE"}})
    assert [row["values"] for row in rates] == [1.0, 0.0]
    assert ref.timeseries(raw, "completion_rate", "daily", start=dt.date(2024, 1, 1))[1] == {
        "date": "2024-01-02",
        "values": None,
    }
    assert ref.kpis(raw) == {
        "unique_users": 3,
        "minutes_watched": 22,
        "views": 4,
        "minutes_per_viewer": 22 / 3,
        "completed_views": 2,
        "completion_rate": 0.6667,
    }
    assert ref.kpis(raw, where={"sessiontype": {"MOVIE"}})["views"] == 2
    got = ref.breakdown(raw, "views", "weekly", dt.date(2024, 1, 3), None, None, "device", 1)
    assert [(row["date"], row["device"], row["values"]) for row in got] == [
        ("2024-01-01", "iPad", 0),
        ("2024-01-01", ref.OTHER, 1),
        ("2024-01-08", "iPad", 1),
        ("2024-01-08", ref.OTHER, 0),
    ]
    assert ref.toplist(raw, 5) == [{"title": "A", "values": 1}, {"title": "B", "values": 1}]
    assert ref.dimensions(raw)["device"] == [
        {"value": "iPad", "views": 2},
        {"value": ref.NONE, "views": 1},
        {"value": "ipad", "views": 1},
    ]
    assert ref.timeseries(raw, "views", "daily", start=dt.date(2024, 2, 1)) == []


def test_engine_matches_reference_when_a_period_is_cut_past_some_values(tmp_path):
    """Values seen only on the days a cut period leaves out are no group, not even (other)."""
    blank = ["", "95", "", "MOVIE", "T", "", ""]
    rows = [
        ["2024-01-01 10:00:00", "u1", "1", "A", "NO", "10", *blank],
        ["2024-01-03 10:00:00", "u2", "1", "B", "NO", "10", *blank],
        ["2024-01-31 10:00:00", "u3", "1", "C", "SE", "10", *blank],
    ]
    path = tmp_path / "cut.db"
    make_db(path, rows)
    raw, engine, check = read_raw(path), EventsAnalytics(path), Checker()
    for start, end in (
        (D(2024, 1, 2), None),
        (D(2024, 1, 2), D(2024, 1, 3)),
        (None, D(2024, 1, 2)),
    ):
        for resolution in RESOLUTIONS:
            for limit in (1, 5):
                args = ("unique_users", resolution, Filters.of(start, end), "device", limit)
                expected = ref.breakdown(raw, *args[:2], start, end, {}, *args[3:])
                check.same(expected, (resolution, start, end, limit), engine.breakdown, *args)
    check.done()


def test_engine_matches_reference_on_demo_data(demo_db):
    check_random_combinations(demo_db, combos=150, seed=101)


def test_engine_matches_reference_at_the_edges_of_demo_data(demo_db):
    check_edges(demo_db)


def test_engine_matches_reference_at_the_edges_of_tutorial_format_data(tutorial_db):
    check_edges(tutorial_db)


def test_engine_matches_reference_on_tutorial_format_data(tutorial_db):
    raw = read_raw(tutorial_db)
    assert raw["totalminuteswatched"].map(type).eq(float).any()  # fractional minutes: floats
    assert (raw["device"] == "").any() and (raw["market"] == "").any()
    check_random_combinations(tutorial_db, combos=100, seed=202)


def test_engine_matches_reference_on_an_untyped_table(tmp_path):
    """A table without column types keeps numbers as numbers: they name values as their text."""
    rows = tutorial_rows(600, seed=5)
    rng = random.Random(9)
    for row in rows:
        if rng.random() < 0.15:
            row[3] = rng.choice([5, "5", 2.5, "2.5"])  # device
        if rng.random() < 0.15:
            row[10] = rng.choice([1984, "1984", 3.0, "3.0"])  # title
        if rng.random() < 0.1:
            row[5] = rng.choice([12, 12.0, "12"])  # minutes as numbers among text ones
        if rng.random() < 0.3:
            row[11] = rng.choice([1, "2", "03", 1.0, "", None, "x", -1, " 2 ", 2.5, 2**53])
        for index in (3, 10):  # bound as they are: bytes would become BLOBs, not text
            if isinstance(row[index], bytes):
                row[index] = decode_text(row[index])
    path = tmp_path / "untyped.db"
    conn = sqlite3.connect(path)
    conn.execute(f"create table movies({', '.join(COLUMN_NAMES)})")
    marks = ", ".join("?" if i in (3, 5, 10, 11) else "cast(? as text)" for i in range(13))
    conn.executemany(f"insert into movies values ({marks})", rows)
    conn.commit()
    kinds = {kind for (kind,) in conn.execute("select typeof(device) from movies")}
    seasons = {kind for (kind,) in conn.execute("select typeof(seasonnumber) from movies")}
    conn.close()
    assert {"integer", "real", "text"} <= kinds and {"integer", "real", "text", "null"} <= seasons
    check_random_combinations(path, combos=40, seed=303)


def test_routes_match_reference_on_demo_data(client, demo_db):
    check_routes(client, demo_db, seed=404)


def test_routes_match_reference_on_tutorial_format_data(make_app, tutorial_db):
    app = make_app(DATABASE_URL=f"sqlite:///{tutorial_db}")
    check_routes(app.server.test_client(), tutorial_db, seed=505)
