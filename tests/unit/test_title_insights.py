"""Title insights through their routes, on hand-written events: the series roll-up, a title's
and a show's own numbers; and a direct computation on demo data (the Top 10 included)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

S, M = "SERIES", "MOVIE"


def event(day, user, title, stype=M, minutes=10, runtime=60, percent=50.0, season=None,
          episode=None, device="iPad", market="NO"):  # fmt: skip
    return {
        "event_date": f"{day} 20:00:00",
        "userid": user,
        "contentid": title,
        "device": device,
        "market": market,
        "totalminuteswatched": minutes,
        "runningtime": runtime,
        "viewpercentage": percent,
        "errorperception": None,
        "sessiontype": stype,
        "title": title,
        "seasonnumber": season,
        "episodenumber": episode,
    }


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# -- the series roll-up ----------------------------------------------------------------------

ROLL_UP = [
    event("2025-03-03", "a", "Game of Thrones, Kissed by Fire", S, season=3, episode=5),
    event("2025-03-03", "b", "Game of Thrones, Kissed by Fire", S, season=3, episode=5),
    event("2025-03-04", "a", "Game of Thrones, The Climb", S, season=3, episode=6),
    event("2025-03-04", "a", "Game of Thrones, Winter Is Coming", S, season=1, episode=1),
    event("2025-03-05", "c", "Alpha", M),
    event("2025-03-05", "d", "Alpha", M),
    event("2025-03-05", "e", "Alpha", M),
    event("2025-03-05", "c", "Loner", S),  # a series title without ", " is a show of its own
    event("2025-03-05", "c", "Beta", M),
    event("2025-03-06", "c", None, None),  # no title: counted nowhere in the toplist
]


def test_toplist_levels(serve):
    client = serve(ROLL_UP)
    title = get(client, "/data/toplist/")
    assert title == get(client, "/data/toplist/?level=title")
    assert title == [
        {"title": "Alpha", "values": 3},
        {"title": "Game of Thrones, Kissed by Fire", "values": 2},
        {"title": "Beta", "values": 1},  # ties by name
        {"title": "Game of Thrones, The Climb", "values": 1},
        {"title": "Game of Thrones, Winter Is Coming", "values": 1},
        {"title": "Loner", "values": 1},
    ]
    assert get(client, "/data/toplist/?level=season") == [
        {"title": "Alpha", "values": 3},
        {"title": "Game of Thrones: Season 3", "values": 3},
        {"title": "Beta", "values": 1},
        {"title": "Game of Thrones: Season 1", "values": 1},
        {"title": "Loner", "values": 1},  # no season number: the show alone
    ]
    assert get(client, "/data/toplist/?level=SERIES&num=2") == [
        {"title": "Game of Thrones", "values": 4},
        {"title": "Alpha", "values": 3},
    ]
    # The usual filters apply.
    assert get(client, "/data/toplist/?level=series&start=2025-03-04&sessiontype=SERIES") == [
        {"title": "Game of Thrones", "values": 2},
        {"title": "Loner", "values": 1},
    ]


def test_a_movie_named_like_an_episode_stays_a_title(serve):
    client = serve(
        [
            event("2025-03-03", "a", "Fargo, The Movie", M),
            event("2025-03-03", "a", "Fargo, Pilot", S, season=1, episode=1),
        ]
    )
    assert get(client, "/data/toplist/?level=series") == [
        {"title": "Fargo", "values": 1},
        {"title": "Fargo, The Movie", "values": 1},
    ]


# -- a title's and a show's own numbers ------------------------------------------------------

SHOW = [
    # Episode 1: viewers a, b, c; episode 2: a, b, d; episode 3 (season 2): a.
    event("2025-03-03", "a", "Show, One", S, minutes=30, percent=95.0, season=1, episode=1),
    event("2025-03-03", "b", "Show, One", S, minutes=20, percent=45.0, season=1, episode=1),
    event("2025-03-10", "c", "Show, One", S, minutes=5, percent=5.0, season=1, episode=1),
    event("2025-03-10", "c", "Show, One", S, minutes=5, percent=None, season=1, episode=1),
    event("2025-03-04", "a", "Show, Two", S, minutes=30, percent=100.0, season=1, episode=2),
    event(
        "2025-03-11",
        "b",
        "Show, Two",
        S,
        minutes=30,
        percent=130.0,
        season=1,
        episode=2,
        device="Android",
    ),  # fmt: skip
    event(
        "2025-03-11",
        "d",
        "Show, Two",
        S,
        minutes=30,
        percent=90.0,
        season=1,
        episode=2,
        market="SE",
    ),  # fmt: skip
    event("2025-03-12", "a", "Show, Three", S, minutes=40, percent=0.0, season=2, episode=1),
    event("2025-03-12", "x", "Show, Trailer", M, minutes=2, percent=10.0),  # a movie: not the show
]


def test_a_show_page(serve):
    client = serve(SHOW)
    answer = get(client, "/data/title/?series=Show&resolution=weekly")
    assert answer["series"] == "Show"
    assert answer["kpis"] == {
        "views": 8,
        "unique_viewers": 4,
        "minutes_watched": 190,
        "completed_views": 4,  # 95, 100, 130, 90
        "completion_rate": round(4 / 7, 4),  # one view without a percentage
    }
    assert answer["timeseries"] == [
        {"date": "2025-03-03", "views": 3, "unique_viewers": 2, "minutes_watched": 80},
        {"date": "2025-03-10", "views": 5, "unique_viewers": 4, "minutes_watched": 110},
    ]
    histogram = {row["from"]: row["views"] for row in answer["completion"]["histogram"]}
    assert histogram == {0: 2, 10: 0, 20: 0, 30: 0, 40: 1, 50: 0, 60: 0, 70: 0, 80: 0, 90: 4}
    assert answer["completion"]["unknown_views"] == 1
    assert answer["devices"] == [{"value": "iPad", "views": 7}, {"value": "Android", "views": 1}]
    assert answer["markets"] == [{"value": "NO", "views": 7}, {"value": "SE", "views": 1}]
    first, second = answer["seasons"]
    assert (first["season"], first["name"], first["views"], first["unique_viewers"]) == (
        1,
        "Show: Season 1",
        7,
        4,
    )
    assert [e["title"] for e in first["episodes"]] == ["Show, One", "Show, Two"]
    one, two = first["episodes"]
    assert (one["views"], one["unique_viewers"], one["completion_rate"]) == (4, 3, 0.3333)
    # Of episode 1's viewers a, b, c, a and b watched episode 2.
    assert (one["next_viewers"], one["continued"]) == (2, round(2 / 3, 4))
    assert one["drop_off"] == round(1 / 3, 4)
    # Of episode 2's viewers a, b, d, only a watched the next one (season 2, episode 1).
    assert (two["next_viewers"], two["continued"], two["drop_off"]) == (1, 0.3333, 0.6667)
    (three,) = second["episodes"]
    assert (second["season"], three["episode"], three["drop_off"]) == (2, 1, None)


def test_a_title_page_with_filters(serve):
    client = serve(SHOW)
    answer = get(client, "/data/title/?title=Show,%20Two&device=iPad&resolution=daily")
    assert answer["title"] == "Show, Two"
    assert answer["kpis"]["views"] == 2 and answer["kpis"]["unique_viewers"] == 2
    assert [row["date"] for row in answer["timeseries"]] == [
        f"2025-03-{day:02d}" for day in range(4, 12)
    ]
    assert "seasons" not in answer
    # A range without its events: zeros, not a 404.
    empty = get(client, "/data/title/?title=Show,%20Two&start=2025-01-01&end=2025-01-02")
    assert empty["kpis"]["views"] == 0 and len(empty["timeseries"]) == 2


@pytest.mark.parametrize(
    ("query", "status", "fragment"),
    [
        ("", 400, "either title"),
        ("?title=A&series=B", 400, "either title"),
        ("?title=Nothing", 404, "no title named"),
        ("?series=Show,%20One", 404, "no series named"),
        ("?series=Trailer", 404, "no series named"),
        ("?title=" + "x" * 1001, 400, "at most 1000"),
        ("?title=Show,%20One&resolution=yearly", 400, "resolution"),
        ("?title=Show,%20One&start=2025-02-30", 400, "real calendar date"),
        ("?title=" + "%E2%82%AC" * 900, 404, "no title named '€€€"),
    ],
)
def test_title_errors(serve, query, status, fragment):
    response = serve(SHOW).get("/data/title/" + query)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert fragment in error and len(error) < 100  # a long name is cut short, as elsewhere


def test_bad_level_is_400(client):
    response = client.get("/data/toplist/?level=episode")
    assert response.status_code == 400 and "level must be one of" in response.get_json()["error"]


# -- a direct computation on demo data -------------------------------------------------------


@pytest.fixture
def demo_rows(demo_db) -> pd.DataFrame:
    with sqlite3.connect(demo_db) as conn:
        rows = pd.read_sql("SELECT * FROM movies", conn)
    conn.close()
    rows["day"] = pd.to_datetime(rows["event_date"].str[:10])
    return rows[rows["title"].notna() & (rows["title"] != "")]


def _entry(row) -> str:
    if row["sessiontype"] != S:
        return row["title"]
    show = row["title"].split(", ", 1)[0]
    return f"{show}: Season {int(row['seasonnumber'])}"


def test_demo_top10_and_levels_match_pandas(client, demo_rows):
    rows = demo_rows.copy()
    rows["entry"] = rows.apply(_entry, axis=1)
    for level, key in (("season", "entry"), ("series", None)):
        if key is None:
            rows["show"] = [
                t.split(", ", 1)[0] if s == S else t
                for t, s in zip(rows["title"], rows["sessiontype"], strict=True)
            ]
            key = "show"
        counts = rows.groupby(key).size().reset_index(name="views")
        counts = counts.sort_values(["views", key], ascending=[False, True]).head(15)
        pairs = zip(counts[key], counts["views"], strict=True)
        expected = [{"title": t, "values": int(v)} for t, v in pairs]
        assert get(client, f"/data/toplist/?level={level}&num=15") == expected
    # Runtime per title: its most frequent runningtime (the smallest of equals).
    modes = (
        rows.dropna(subset=["runningtime"])
        .groupby(["title", "runningtime"])
        .size()
        .reset_index(name="n")
        .sort_values(["title", "n", "runningtime"], ascending=[True, False, True])
        .drop_duplicates("title")
        .set_index("title")["runningtime"]
    )
    week = pd.Timestamp("2025-06-02")
    in_week = rows[(rows["day"] >= week) & (rows["day"] < week + pd.Timedelta(days=7))]
    for stype in (M, S):
        typed = rows[rows["sessiontype"] == stype]
        runtime = typed.drop_duplicates("title").assign(rt=lambda f: f["title"].map(modes))
        runtime = runtime.groupby("entry")["rt"].sum(min_count=1) / 60
        hours = (
            in_week[in_week["sessiontype"] == stype].groupby("entry")["totalminuteswatched"].sum()
            / 60
        )
        table = pd.DataFrame({"hours": hours, "runtime": runtime.reindex(hours.index)}).dropna()
        table = table[table["hours"] > 0]
        table["views"] = table["hours"] / table["runtime"]
        table = table.reset_index(names="title").sort_values(
            ["views", "hours", "title"], ascending=[False, False, True]
        )
        expected = [
            (t, round(h, 2), round(r, 2), round(v, 2))
            for t, h, r, v in table[["title", "hours", "runtime", "views"]]
            .head(10)
            .itertuples(index=False)
        ]
        answer = get(client, f"/data/top10/?week=2025-06-02&sessiontype={stype}")
        assert [
            (e["title"], e["hours_viewed"], e["runtime_hours"], e["views"]) for e in answer
        ] == expected


def test_demo_show_page_matches_pandas(client, demo_rows):
    show = get(client, "/data/toplist/?level=series&sessiontype=SERIES&num=1")[0]["title"]
    answer = get(client, f"/data/title/?series={show}&start=2025-04-01&end=2025-06-30")
    rows = demo_rows[
        (demo_rows["sessiontype"] == S)
        & (demo_rows["title"].str.split(", ", n=1).str[0] == show)
        & (demo_rows["day"] >= "2025-04-01")
        & (demo_rows["day"] <= "2025-06-30")
    ]
    assert answer["kpis"]["views"] == len(rows)
    assert answer["kpis"]["unique_viewers"] == rows["userid"].dropna().nunique()
    assert answer["kpis"]["minutes_watched"] == int(rows["totalminuteswatched"].sum())
    episodes = [e for season in answer["seasons"] for e in season["episodes"]]
    order = (
        rows.drop_duplicates("title")
        .sort_values(["seasonnumber", "episodenumber", "title"])["title"]
        .tolist()
    )
    assert [e["title"] for e in episodes] == order
    viewers = {t: set(g["userid"].dropna()) for t, g in rows.groupby("title")}
    for this, following in zip(episodes, episodes[1:], strict=False):
        stayed = len(viewers[this["title"]] & viewers[following["title"]])
        assert this["next_viewers"] == stayed
        assert this["continued"] == round(stayed / len(viewers[this["title"]]), 4)
        assert this["drop_off"] == round(1 - stayed / len(viewers[this["title"]]), 4)
