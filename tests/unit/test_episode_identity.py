"""Episodes are told apart by their numbers or contentid, never by their title text: shows that
name every episode after the show, seasons that reuse an episode title, two spellings of one
episode; on both stores, against the independent reference (testkit/reference_titles.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import psycopg
import pytest

from data.events.stores.event_stores import SqliteStore
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import reference_titles, reference_top10
from tests.unit.analysis_support import TUTORIAL_DDL
from tests.unit.test_stored_escapes import PG_DDL

S, M = "SERIES", "MOVIE"
RONJA = "Ronja Røverdatter, Ronja Røverdatter"
RASMUS = "Rasmus på luffen, Rasmus på luffen"
MONDAY = dt.date(2013, 9, 9)


def row(day, user, title, stype, season=None, episode=None, contentid=None, runtime=None,
        minutes=20, device="iPad", market="NO"):  # fmt: skip
    values = {
        "event_date": f"{day} 20:15:00",
        "userid": user,
        "contentid": contentid,
        "device": device,
        "market": market,
        "totalminuteswatched": minutes,
        "runningtime": runtime,
        "viewpercentage": 95.0,
        "errorperception": None,
        "sessiontype": stype,
        "title": title,
        "seasonnumber": season,
        "episodenumber": episode,
    }
    return tuple(values[name] for name in COLUMN_NAMES)


def _rows() -> list[tuple]:
    rows = []
    # Ronja: six episodes, every one titled after the show; runtimes 26, 25, ... = 153 minutes.
    # Viewers: u0..u5 start; episode n is watched by the first 6 - n + 1 of them.
    for n in range(1, 7):
        for u in range(7 - n):
            rows.append(
                row("2013-09-10", f"u{u}", RONJA, S, 1, n, f"r{n}", 26 - (n + 1) % 2, minutes=25)
            )
    # Rasmus: two episodes of one title, 27 minutes each.
    for n in (1, 2):
        for u in range(3):
            rows.append(row("2013-09-11", f"v{u}", RASMUS, S, 1, n, f"ra{n}", 27, minutes=27))
    # Pingu: "Episode 02", "05" and "24" in season 4 (14 views) and season 5 (with four more
    # episodes: 7 in all, 8 views); 7 minutes each.
    for i, name in enumerate(("Episode 02", "Episode 05", "Episode 24")):
        number = int(name[-2:])
        for u in range(4 if i else 6):
            rows.append(row("2013-09-12", f"p{u}", f"Pingu, {name}", S, 4, number, f"p4-{i}", 7))
        rows.append(row("2013-09-12", "q0", f"Pingu, {name}", S, 5, number, f"p5-{i}", 7))
    for number in (7, 8, 9, 10):
        rows.append(row("2013-09-13", "q1", f"Pingu, Episode {number:02d}", S, 5, number,
                        f"p5-{number}", 7))  # fmt: skip
    # One episode under two spellings (its numbers make it one), the commoner names it.
    rows += [row("2013-09-12", f"w{u}", "Vikings, The Raid", S, 2, 1, "v21", 45) for u in range(3)]
    rows.append(row("2013-09-13", "w3", "Vikings, The raid", S, 2, 1, "v21b", 45))
    # No numbers: told apart by contentid (two episodes of one title).
    rows += [row("2013-09-14", "x0", "Loose, Same", S, None, None, cid, 30) for cid in "ab"]
    # Some rows of an episode lack its numbers: their contentid ties them to it.
    rows.append(row("2013-09-14", "y0", "Mixed, Ep", S, 1, 1, "m1", 30))
    rows.append(row("2013-09-14", "y1", "Mixed, Ep", S, 1, None, "m1", 30))
    rows.append(row("2013-09-14", "y2", "Mixed, Ep", S, None, None, "m1", 30))
    # A placeholder contentid names nothing: two episodes, told apart by their titles.
    rows += [row("2013-09-14", "z0", f"NullId, {t}", S, None, None, "NULL", 30) for t in "XY"]
    rows.append(row("2013-09-14", "m0", "Heat", M, contentid="h1", runtime=170, minutes=170))
    return rows


ROWS = _rows()


def _write(store) -> str:
    """The rows as another program INSERTs them; the store's DATABASE_URL."""
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            conn.execute(TUTORIAL_DDL)
            conn.executemany(f"insert into movies values ({', '.join('?' * 13)})", ROWS)
        conn.close()
        return f"sqlite:///{store.path}"
    with psycopg.connect(store.url) as conn:
        conn.execute(PG_DDL)
        conn.cursor().executemany(f"INSERT INTO movies VALUES ({', '.join(['%s'] * 13)})", ROWS)
    return store.url


@pytest.fixture
def client(make_app, event_store):
    return make_app(DATABASE_URL=_write(event_store)).server.test_client()


def _get(client, url: str, **params):
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


RAW = pd.DataFrame(ROWS, columns=list(COLUMN_NAMES), dtype=object)


def test_a_show_that_names_every_episode_after_itself_has_six_episodes(client):
    answer = _get(client, "/data/title/", series="Ronja Røverdatter")
    [season] = answer["seasons"]
    episodes = season["episodes"]
    assert [(e["season"], e["episode"], e["title"]) for e in episodes] == [
        (1, n, RONJA) for n in range(1, 7)
    ]
    assert [e["views"] for e in episodes] == [6, 5, 4, 3, 2, 1]
    # Of episode n's 7 - n viewers, 6 - n went on: continued (6 - n) / (7 - n).
    assert [e["continued"] for e in episodes[:-1]] == [
        round((6 - n) / (7 - n), 4) for n in range(1, 6)
    ]
    assert [e["drop_off"] for e in episodes[:-1]] == [round(1 / (7 - n), 4) for n in range(1, 6)]
    assert episodes[-1]["continued"] is episodes[-1]["drop_off"] is None
    assert answer == reference_titles.title(RAW, show="Ronja Røverdatter")


def test_seasons_that_reuse_an_episode_title_keep_their_own_views(client):
    answer = _get(client, "/data/title/", series="Pingu")
    assert [(s["name"], s["views"], len(s["episodes"])) for s in answer["seasons"]] == [
        ("Pingu: Season 4", 14, 3),
        ("Pingu: Season 5", 7, 7),
    ]
    seasons = _get(client, "/data/toplist/", level="season", num=50)
    pingu = {e["title"]: e["values"] for e in seasons if e["title"].startswith("Pingu")}
    assert pingu == {"Pingu: Season 4": 14, "Pingu: Season 5": 7}
    assert answer == reference_titles.title(RAW, show="Pingu")


def test_the_top10_sums_each_distinct_episode_s_runtime(client):
    top = _get(client, "/data/top10/", week=MONDAY.isoformat(), sessiontype=S)
    runtimes = {e["title"]: e["runtime_hours"] for e in top}
    assert runtimes["Ronja Røverdatter: Season 1"] == 2.55  # 153 minutes: six episodes
    assert runtimes["Rasmus på luffen: Season 1"] == 0.9  # two episodes of 27 minutes
    assert runtimes["Pingu: Season 5"] == round(7 * 7 / 60, 2)  # seven episodes
    assert runtimes["Pingu: Season 4"] == round(3 * 7 / 60, 2)
    assert runtimes["Vikings: Season 2"] == 0.75  # one episode, whatever its spellings
    assert runtimes["Loose"] == 1.0  # two episodes by contentid, 30 minutes each
    assert runtimes["Mixed: Season 1"] == 0.5  # one episode, some of its rows without numbers
    assert runtimes["NullId"] == 1.0  # "NULL" is no contentid: two episodes
    assert top == reference_top10.top10(RAW, MONDAY, S)
    movies = _get(client, "/data/top10/", week=MONDAY.isoformat(), sessiontype=M)
    assert movies == reference_top10.top10(RAW, MONDAY, M)
    assert [(e["title"], e["runtime_hours"], e["views"]) for e in movies] == [("Heat", 2.83, 1.0)]


def test_one_episode_under_two_spellings_is_named_by_the_commoner(client):
    answer = _get(client, "/data/title/", series="Vikings")
    [season] = answer["seasons"]
    assert [(e["title"], e["views"], e["unique_viewers"]) for e in season["episodes"]] == [
        ("Vikings, The Raid", 4, 4)
    ]
    # The toplist by title still counts each text as the title it is.
    titles = {e["title"]: e["values"] for e in _get(client, "/data/toplist/", num=100)}
    assert (titles["Vikings, The Raid"], titles["Vikings, The raid"]) == (3, 1)
    assert titles[RONJA] == 21 and titles["Loose, Same"] == 2


def test_rows_without_numbers_join_their_contentid_s_episode(client):
    [season] = _get(client, "/data/title/", series="Mixed")["seasons"]
    assert [(e["season"], e["episode"], e["views"]) for e in season["episodes"]] == [(1, 1, 3)]
    assert season["name"] == "Mixed: Season 1"
    [season] = _get(client, "/data/title/", series="NullId")["seasons"]
    assert [e["title"] for e in season["episodes"]] == ["NullId, X", "NullId, Y"]
    for show in ("Mixed", "NullId"):
        assert _get(client, "/data/title/", series=show) == reference_titles.title(RAW, show=show)


def test_a_title_page_sums_every_episode_of_its_text(client):
    answer = _get(client, "/data/title/", title=RONJA)
    assert answer["kpis"]["views"] == 21 and answer["kpis"]["unique_viewers"] == 6
