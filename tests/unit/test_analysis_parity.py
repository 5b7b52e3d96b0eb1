"""The analysis against independent computations: a naive one on random filters, the tutorial."""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import sqlite3
import subprocess

import numpy as np
import pandas as pd
import pytest

from data.events import periods
from data.events.analysis import queries
from data.events.analysis.analytics import EventsAnalytics
from data.events.catalog import METRIC_NAMES
from data.events.ingest.text_decoding import decode_text
from data.events.params import Filters
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import tutorial_reference as tutorial
from tests.unit.analysis_support import ALL, TUTORIAL_DDL, rollup_of, series

TUTORIAL_METRICS = ("unique_users", "minutes_watched")  # the two the tutorial computes

# --------------------------------------------------------------------------------------------
# Cross-check against a naive pandas computation on random filters


def naive_timeseries(raw: pd.DataFrame, metric: str, resolution: str, f: Filters) -> dict:
    """Filter rows, label each by its period, nunique/sum per label, zero-fill: the slow way."""
    days = pd.to_datetime(raw["event_date"].str[:10], format="%Y-%m-%d")
    keep = pd.Series(True, index=raw.index)
    if f.start:
        keep &= days >= pd.Timestamp(f.start)
    if f.end:
        keep &= days <= pd.Timestamp(f.end)
    if f.sessiontype:
        keep &= raw["sessiontype"] == f.sessiontype
    rows, days = raw[keep], days[keep]
    if resolution == "weekly":
        days = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    elif resolution == "monthly":
        days = days.dt.to_period("M").dt.start_time
    if metric == "unique_users":
        values = rows["userid"].groupby(days).nunique()
    else:
        values = rows["totalminuteswatched"].groupby(days).sum()
    freq = {"daily": "D", "weekly": "W-MON", "monthly": "MS"}[resolution]
    lo = pd.Timestamp(f.start) if f.start else (days.min() if len(days) else None)
    hi = pd.Timestamp(f.end) if f.end else (days.max() if len(days) else None)
    if lo is None or hi is None or lo > hi:
        return {}
    lo = {"daily": lo, "weekly": lo - pd.Timedelta(days=lo.weekday()), "monthly": lo.replace(day=1)}
    labels = pd.date_range(lo[resolution], hi, freq=freq)
    values = values.reindex(labels, fill_value=0)
    return {d.strftime("%Y-%m-%d"): int(v) for d, v in values.items()}


def test_random_filters_match_a_naive_computation(demo_db):
    raw = pd.read_sql(
        "select event_date, userid, totalminuteswatched, viewpercentage, sessiontype, title "
        "from movies",
        sqlite3.connect(demo_db),
    )
    events = rollup_of(raw)
    first, last = queries.date_bounds(events)
    rng = random.Random(7)
    for _ in range(40):
        a = first + dt.timedelta(days=rng.randint(-20, (last - first).days + 20))
        b = first + dt.timedelta(days=rng.randint(-20, (last - first).days + 20))
        start, end = sorted((a, b))
        f = Filters.of(
            start=rng.choice([start, None]),
            end=rng.choice([end, None]),
            sessiontype=rng.choice([None, "MOVIE", "SERIES"]),
        )
        for resolution in periods.RESOLUTIONS:
            for metric in TUTORIAL_METRICS:
                got = series(queries.timeseries(events, metric, resolution, f))
                assert got == naive_timeseries(raw, metric, resolution, f), (metric, resolution, f)


# --------------------------------------------------------------------------------------------
# Parity with the tutorial's per-request analysis


def tie_broken(toplist: list[dict], num: int) -> list[dict]:
    """The tutorial's toplist with ties ordered by title (its own order among ties is arbitrary)."""
    return sorted(toplist, key=lambda r: (-r["values"], r["title"]))[:num]


def assert_parity(db_path):
    analytics = EventsAnalytics(db_path)
    conn = sqlite3.connect(db_path)
    # Latin-1 bytes left by `.import` stop any UTF-8 reader, the tutorial's too: it gets the
    # same decoding as ours (a no-op on UTF-8 databases).
    conn.text_factory = decode_text
    try:
        for resolution in periods.RESOLUTIONS:
            for metric in TUTORIAL_METRICS:
                expected = tutorial.get_users(conn, metric, resolution)
                assert len(expected) > 0
                assert analytics.timeseries(metric, resolution, ALL) == expected, (
                    metric,
                    resolution,
                )
        everything = tutorial.get_toplist(conn, 1_000_000)
        for num in (1, 10, 50, 1000):
            assert analytics.toplist(num, ALL) == tie_broken(everything, num)
    finally:
        conn.close()


def test_parity_with_tutorial_on_demo_data(demo_db):
    assert_parity(demo_db)


def tutorial_rows(count: int, seed: int) -> list[list[str]]:
    """CSV-like rows as the real data has them: text fields, blanks, commas, odd bytes."""
    rng = random.Random(seed)
    users = [f"{rng.getrandbits(128):032x}" for _ in range(60)]
    titles = ["Heat", "Up", "Frozen", "Game of Thrones, Winter Is Coming", "p\xe5 Tur", "Z"]
    titles += ["Mad Men, Pilot", "Lost, Pilot", "", "N\u00f8kken"]
    start = dt.datetime(2014, 11, 20)
    rows = []
    for _ in range(count):
        # Skip a stretch of days in January so that a whole week and month-gap appear.
        day = rng.choice([d for d in range(110) if not 50 <= d < 62])
        when = start + dt.timedelta(days=day, seconds=rng.randrange(86400))
        title = rng.choice(titles)
        stype = "" if title == "" or rng.random() < 0.05 else rng.choice(["MOVIE", "SERIES"])
        runtime = rng.choice(["", "45", "120"])
        rows.append(
            [
                when.strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(users),
                str(rng.randrange(10**6)),
                rng.choice(["Computer", "iPad", ""]),
                rng.choice(["NO", "SE", ""]),
                str(rng.randrange(0, 130)),
                runtime,
                rng.choice(["", f"{rng.uniform(0, 100):.1f}", "100"]),
                rng.choice(["", "", "", "0.5"]),
                stype,
                title,
                rng.choice(["", "1", "2"]),
                rng.choice(["", "3"]),
            ]
        )
    return rows


def make_tutorial_db(path, rows):
    conn = sqlite3.connect(path)
    conn.execute(TUTORIAL_DDL)
    conn.executemany(f"insert into movies values ({', '.join('?' * 13)})", rows)
    conn.commit()
    conn.close()


def test_tutorial_format_database_stores_blanks_as_text(tmp_path):
    path = tmp_path / "moviedb"
    make_tutorial_db(path, tutorial_rows(50, seed=3))
    kinds = sqlite3.connect(path).execute(
        "select distinct typeof(totalminuteswatched), typeof(runningtime) from movies"
    )
    assert ("integer", "text") in set(kinds)  # '' runningtime stays text, as with .import


def test_parity_with_tutorial_on_tutorial_format_database(tmp_path):
    path = tmp_path / "moviedb"
    make_tutorial_db(path, tutorial_rows(3000, seed=11))
    assert_parity(path)
    analytics = EventsAnalytics(path)
    weekly = series(analytics.timeseries("unique_users", "weekly", ALL))
    assert 0 in weekly.values()  # the skipped January stretch is zero-filled, as in the tutorial


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 command-line tool")
def test_parity_on_a_database_made_with_sqlite3_import(tmp_path):
    csv_path = tmp_path / "movies.csv"
    rows = tutorial_rows(1500, seed=5)
    with open(csv_path, "w", newline="", encoding="latin-1") as out:
        csv.writer(out).writerows(rows)
    db = tmp_path / "moviedb"
    script = f"{TUTORIAL_DDL};\n.mode csv\n.import {csv_path} movies\n"
    subprocess.run(["sqlite3", str(db)], input=script, text=True, check=True)
    assert sqlite3.connect(db).execute("select count(*) from movies").fetchone()[0] == 1500
    assert_parity(db)
    # The Latin-1 bytes stay in the database; titles come back readable, not dropped.
    titles = {row["title"] for row in EventsAnalytics(db).toplist(50)}
    assert {"p\xe5 Tur", "N\xf8kken", "Game of Thrones, Winter Is Coming"} <= titles


def test_untyped_text_table_gives_the_same_numbers(tmp_path):
    """A table created by .import itself has no types: every value is text; numbers still add."""
    rows = tutorial_rows(800, seed=2)
    typed, untyped = tmp_path / "typed.db", tmp_path / "untyped.db"
    make_tutorial_db(typed, rows)
    conn = sqlite3.connect(untyped)
    conn.execute(f"create table movies({', '.join(COLUMN_NAMES)})")
    conn.executemany(f"insert into movies values ({', '.join('?' * 13)})", rows)
    conn.commit()
    assert conn.execute("select typeof(totalminuteswatched) from movies limit 1").fetchone() == (
        "text",
    )
    conn.close()
    a, b = EventsAnalytics(typed), EventsAnalytics(untyped)
    for resolution in periods.RESOLUTIONS:
        for metric in METRIC_NAMES:
            assert a.timeseries(metric, resolution, ALL) == b.timeseries(metric, resolution, ALL)
    assert a.toplist(20, ALL) == b.toplist(20, ALL)
    assert a.kpis(ALL) == b.kpis(ALL)


def test_minutes_are_plain_ints_in_json_terms(demo_db):
    values = [r["values"] for r in EventsAnalytics(demo_db).timeseries("minutes_watched", "daily")]
    assert values and all(type(v) is int for v in values)
    assert np.sum(values) > 0
