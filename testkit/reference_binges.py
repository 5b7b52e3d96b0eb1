"""An independent plain-pandas reference of the binges (/data/binge/, and a show's "binge" and
"funnel" on /data/title/), written from the question's definitions over raw events.

It reads the rows testkit/reference_titles.py prepares (its own reading of the episode an
event is: show, season and episode numbers, else contentid, else title text) and shares
nothing with data/events. A binge: one user, one day, at least 3 distinct episodes of a show.
"""

from __future__ import annotations

import pandas as pd

from testkit import reference_analytics as ref
from testkit import reference_titles as titles

BINGE_EPISODES = 3
WINDOWS = (7, 28, 90)


def _show(title: str) -> str:
    return title.split(", ", 1)[0]


def _watched(rows: pd.DataFrame) -> pd.DataFrame:
    """The SERIES rows with a title and a known user, with their show."""
    rows = rows[rows["title"].notna() & rows["user"].notna()]
    rows = rows[rows["sessiontype"] == titles.SERIES].copy()
    rows["show"] = [_show(t) for t in rows["title"]]
    return rows


def _numbers(rows: pd.DataFrame) -> dict:
    """{show: {"viewers", "binge_viewers", "share", "median_episodes"}} of watched rows."""
    per_day = rows.groupby(["show", "user", "day"])["episode_key"].nunique()
    binged = per_day[per_day >= BINGE_EPISODES]
    out = {}
    for show, own in rows.groupby("show"):
        viewers = own["user"].nunique()
        mine = binged[binged.index.get_level_values("show") == show]
        binge_viewers = mine.index.get_level_values("user").nunique()
        out[show] = {
            "viewers": int(viewers),
            "binge_viewers": int(binge_viewers),
            "share": round(binge_viewers / viewers, 4) if viewers else None,
            "median_episodes": float(mine.median()) if len(mine) else None,
        }
    return out


def binge(raw, limit=10, start=None, end=None, where=None) -> list[dict]:
    """The /data/binge/ answer: shows by binge viewers, then viewers, then name."""
    ev = titles.prepare(raw)
    numbers = _numbers(_watched(ref._select(ev, start, end, where)))
    ranked = sorted(
        numbers.items(), key=lambda kv: (-kv[1]["binge_viewers"], -kv[1]["viewers"], kv[0])
    )
    return [{"series": show, **n} for show, n in ranked[:limit]]


def _episode_numbers(show_rows: pd.DataFrame) -> dict:
    """{episode_key: (season, number)} of the show's numbered episodes over all its rows: the
    numbers of the episode's most viewed item that has both (ties: by title)."""
    items = show_rows.dropna(subset=["title_season", "title_episode"])
    items = items.drop_duplicates("item").sort_values(
        ["item_views", "title"], ascending=[False, True]
    )
    first = items.drop_duplicates("episode_key")
    return {
        key: (int(season), int(number))
        for key, season, number in zip(
            first["episode_key"], first["title_season"], first["title_episode"], strict=True
        )
    }


def funnel(show_rows: pd.DataFrame, rows: pd.DataFrame) -> list[dict]:
    """Per season with a starter: the share of starters who viewed each numbered episode on
    one of the N days starting with their first view of episode 1."""
    numbered = _episode_numbers(show_rows)
    rows = rows[rows["user"].notna() & rows["episode_key"].isin(list(numbered))]
    pairs = [numbered[k] for k in rows["episode_key"]]
    rows = rows.assign(s=[p[0] for p in pairs], k=[p[1] for p in pairs])
    out = []
    for season in sorted(set(rows["s"])):
        own = rows[rows["s"] == season]
        first_views = own[own["k"] == 1].groupby("user")["day"].min()
        if first_views.empty:
            continue
        entry = {"season": int(season), "starters": len(first_views), "episodes": []}
        for number in sorted(set(own["k"])):
            views = own[(own["k"] == number) & own["user"].isin(first_views.index)]
            since = views["day"] - views["user"].map(first_views)
            episode = {"episode": int(number)}
            for n in WINDOWS:
                reached = views.loc[(since >= 0) & (since < n), "user"].nunique()
                episode[f"reached_{n}"] = round(reached / len(first_views), 4)
            entry["episodes"].append(episode)
        out.append(entry)
    return out


def show_answer(show_rows: pd.DataFrame, rows: pd.DataFrame, show: str) -> dict:
    """{"binge", "funnel"} of a show: show_rows are all its SERIES rows, rows the matching."""
    numbers = _numbers(_watched(rows)).get(show)
    if numbers is None:
        numbers = {"viewers": 0, "binge_viewers": 0, "share": None, "median_episodes": None}
    return {"binge": numbers, "funnel": funnel(show_rows, rows)}
