"""Automatic annotations (premieres) against an independent computation on demo data with
planted titles and seasons: exactly 20 views in the first 7 days is a premiere, 19 is none."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections import defaultdict

import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.stores.sqlite_store import INSERT_SQL

DAY = dt.date(2025, 6, 2)


def _rows(title, kind, season, first: dt.date, early: int, late: int) -> list[tuple]:
    """`early` views spread over the first 7 days from `first`, then `late` on the 8th day."""
    rows = []
    for n in range(early + late):
        day = first + dt.timedelta(days=n % 7 if n < early else 7)
        episode = 1 if kind == "SERIES" else None
        rows.append(
            (
                f"{day} 12:00:00",
                f"{n:032x}",
                "c1",
                "iPad",
                "SE",
                30,
                45,
                50.0,
                None,
                kind,
                title,
                season,
                episode,
            )
        )
    return rows


PLANTED = [
    ("Planted Premiere", "MOVIE", None, DAY, 20, 5),  # exactly 20: a premiere
    ("Nineteen Views", "MOVIE", None, DAY, 19, 30),  # 19 in its first 7 days: none
    ("Planted Show, Pilot", "SERIES", 1, DAY, 20, 0),  # the show's and season 1's premiere
    ("Planted Show, Return", "SERIES", 2, DAY + dt.timedelta(days=60), 20, 0),  # season 2's
    ("Planted Show, Third", "SERIES", 3, DAY + dt.timedelta(days=90), 19, 3),  # none
    ("Planted Show", "MOVIE", None, DAY + dt.timedelta(days=30), 20, 0),  # a movie of that name
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory, demo_template):
    """The demo data (30,000 events) with the planted titles added."""
    path = tmp_path_factory.mktemp("premieres") / "events.sqlite"
    shutil.copy(demo_template(30_000, 2), path)
    conn = sqlite3.connect(path)
    with conn:
        for spec in PLANTED:
            conn.executemany(INSERT_SQL, _rows(*spec))
    conn.close()
    return path


def reference(path) -> list[tuple]:
    """(day, kind, name, season, views in the first 7 days) of each premiere, from the rows."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT substr(event_date, 1, 10), title, sessiontype, seasonnumber FROM movies "
        "WHERE title IS NOT NULL AND title <> '' AND event_date IS NOT NULL"
    ).fetchall()
    conn.close()
    days = defaultdict(list)
    for day, title, kind, season in rows:
        when = dt.date.fromisoformat(day)
        if kind == "SERIES":
            show = title.split(", ", 1)[0]
            days["premiere", show, True, None].append(when)
            if season is not None:
                days["season_premiere", show, True, int(season)].append(when)
        else:
            days["premiere", title, False, None].append(when)
    found = []
    for (kind, name, _, season), seen in days.items():
        first = min(seen)
        views = sum(1 for when in seen if when < first + dt.timedelta(days=7))
        if views >= 20:
            shown = f"{name}: Season {season}" if season is not None else name
            found.append((first.isoformat(), kind, shown, season, views))
    return sorted(found)


def test_premieres_match_an_independent_computation(planted):
    analytics = EventsAnalytics(planted)
    try:
        answer = analytics.premieres()
    finally:
        analytics.close()
    got = sorted((a["start"], a["kind"], a["title"], a.get("season"), a["views"]) for a in answer)
    assert got == reference(planted)
    names = {(a["kind"], a["title"]) for a in answer}
    assert ("premiere", "Planted Premiere") in names
    assert ("premiere", "Nineteen Views") not in names
    assert ("season_premiere", "Planted Show: Season 2") in names
    assert ("season_premiere", "Planted Show: Season 3") not in names
    # A show and a movie of one name are two titles, with two premieres on their own days.
    same_name = sorted(a["start"] for a in answer if a["title"] == "Planted Show")
    assert same_name == [DAY.isoformat(), (DAY + dt.timedelta(days=30)).isoformat()]
    assert len({a["id"] for a in answer}) == len(answer)
    assert all(a["automatic"] and a["start"] == a["end"] for a in answer)


def test_the_route_lists_them_in_a_range_and_leaves_them_out_when_asked(make_app, planted):
    client = make_app(DATABASE_URL=f"sqlite:///{planted}").server.test_client()
    june = client.get("/data/annotations/?start=2025-06-01&end=2025-06-30").json
    assert {a["title"] for a in june} == {
        "Planted Premiere",
        "Planted Show",
        "Planted Show: Season 1",
    }
    assert all(a["kind"] in ("premiere", "season_premiere") and not a["editable"] for a in june)
    assert client.get("/data/annotations/?start=2025-06-01&end=2025-06-30&automatic=0").json == []


def test_both_stores_give_the_same_premieres(app, make_app, pg_demo):
    from web import services

    on_sqlite = services.analytics(app.server).premieres()
    on_postgres = services.analytics(make_app(DATABASE_URL=pg_demo.url).server).premieres()
    assert on_sqlite == on_postgres
