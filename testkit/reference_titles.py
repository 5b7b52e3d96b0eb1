"""An independent plain-pandas reference of the title insights: episodes, seasons, the Top 10.

Written from the specification, sharing nothing with data/events. An episode is its show,
season number and episode number when both are known, else its contentid, else its title text;
its title text only names it. A row's entry at season level: a SERIES row rolls up to
"Show: Season N" (its item's season), every other row stays its title. The Top 10 of a week:
hours = minutes / 60 of the week's rows of the content type (and filters); runtime = a movie's
runningtime (of its most viewed item), or the sum over a season's distinct episodes of each one's
most frequent known runningtime; views = hours / runtime; by views, hours, then title.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from testkit.reference_analytics import _day, _plain, _sessiontype, _title

SERIES, MOVIE = "SERIES", "MOVIE"


def _count(value: object) -> int | None:
    """A season or episode number: a whole number from 0 to 2**53, else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number != int(number) or not 0 <= number <= 2.0**53:
        return None
    return int(number)


def _runtime(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _mode(values) -> object:
    """The most frequent value, the smallest of equals; None without any."""
    known = pd.Series([v for v in values if v is not None and v == v], dtype=object)  # not NaN
    if known.empty:
        return None
    counts = known.value_counts()
    return min(v for v, n in counts.items() if n == counts.max())


def titled_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """The titled rows with a readable day, with each one's episode, item and entry."""
    rows = []
    for record in raw.to_dict("records"):
        day, title = _day(record["event_date"]), _title(record["title"])
        if day is None or title is None:
            continue
        season, number = _count(record["seasonnumber"]), _count(record["episodenumber"])
        show = title.split(", ", 1)[0]
        contentid = _title(record["contentid"])
        if season is not None and number is not None:
            episode = ("numbers", show, season, number)
        elif contentid is not None:
            episode = ("contentid", contentid)
        else:
            episode = ("title", title)
        rows.append(
            {
                "day": day,
                "user": None if record["userid"] is None else _plain(record["userid"]),
                "minutes": _minutes(record["totalminuteswatched"]),
                "runtime": _runtime(record["runningtime"]),
                "season": season,
                "number": number,
                "sessiontype": _sessiontype(record["sessiontype"]),
                "device": _plain(record["device"]),
                "market": _plain(record["market"]),
                "title": title,
                "show": show,
                "episode": episode,
                "item": (title, episode),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    # An item's season: its own number, or the most frequent known one of its rows.
    item_season = {}
    for item, group in frame.groupby("item", sort=False):
        season = _mode(group["season"].tolist())
        item_season[item] = None if season is None else int(season)
    seasons = [item_season[i] for i in frame["item"]]
    frame["item_season"] = pd.Series(seasons, index=frame.index, dtype=object)
    frame["entry"] = [
        (f"{show}: Season {season}" if season is not None else show, True)
        if stype == SERIES
        else (title, False)
        for show, season, stype, title in zip(
            frame["show"], seasons, frame["sessiontype"], frame["title"], strict=True
        )
    ]
    return frame


def _minutes(value: object) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and abs(number) <= 2.0**53 else 0.0


def entry_runtimes(frame: pd.DataFrame) -> dict:
    """{entry: runtime in minutes} for entries with a known one (see the module's docstring)."""
    episode_runtime = {
        episode: _mode(group["runtime"].tolist())
        for episode, group in frame.groupby("episode", sort=False)
    }
    item_views = frame.groupby("item", sort=False).size()
    out = {}
    for entry, group in frame.groupby("entry", sort=False):
        if entry[1]:  # a season: its distinct episodes' runtimes
            known = [episode_runtime[e] for e in set(group["episode"])]
            known = [r for r in known if r is not None]
            if known:
                out[entry] = float(sum(known))
        else:  # a movie: its most viewed item with a known runtime (ties: the first item)
            items = [i for i in set(group["item"]) if episode_runtime[i[1]] is not None]
            if items:
                best = min(items, key=lambda i: (-item_views[i], str(i)))
                out[entry] = float(episode_runtime[best[1]])
    return out


def top10(raw: pd.DataFrame, monday: dt.date, sessiontype=None, where=None) -> list[tuple]:
    """[(title, hours_viewed, runtime_hours, views)] of a week's Top 10, rounded as served."""
    frame = titled_rows(raw)
    runtime = entry_runtimes(frame)
    first = monday.toordinal()
    week = frame[(frame["day"] >= first) & (frame["day"] < first + 7)]
    types = (MOVIE, SERIES) if sessiontype is None else (sessiontype,)
    week = week[week["sessiontype"].isin(types)]
    for dimension, values in (where or {}).items():
        week = week[week[dimension].isin(list(values))]
    listed = []
    for entry, group in week.groupby("entry", sort=False):
        hours = float(group["minutes"].sum()) / 60
        if hours > 0 and entry in runtime:
            hours_runtime = runtime[entry] / 60
            listed.append((entry[0], hours, hours_runtime, hours / hours_runtime))
    listed.sort(key=lambda e: (-e[3], -e[1], e[0]))
    return [(t, round(h, 2), round(r, 2), round(v, 2)) for t, h, r, v in listed[:10]]


def show_episodes(raw: pd.DataFrame, show: str, start=None, end=None) -> list[dict]:
    """The show's episodes in order over its SERIES rows in start..end: [{"season", "episode",
    "title", "views", "unique_viewers", "next_viewers", "continued", "drop_off"}]."""
    frame = titled_rows(raw)
    item_views = frame.groupby("item", sort=False).size()
    mine = frame[(frame["sessiontype"] == SERIES) & (frame["show"] == show)]
    if start is not None:
        mine = mine[mine["day"] >= start.toordinal()]
    if end is not None:
        mine = mine[mine["day"] <= end.toordinal()]
    episodes = []
    for _, group in mine.groupby("episode", sort=False):
        all_items = set(frame.loc[frame["episode"] == group["episode"].iloc[0], "item"])
        items = [i for i in all_items if i[0] == show or i[0].startswith(show + ", ")]
        name = min(items, key=lambda i: (-item_views[i], i[0]))
        season = frame.loc[frame["item"] == name, "item_season"].iloc[0]
        numbers = frame.loc[frame["item"] == name, "number"].dropna()
        number = _mode(numbers.tolist()) if len(numbers) else None
        episodes.append(
            {
                "season": season,
                "episode": None if number is None else int(number),
                "title": name[0],
                "views": len(group),
                "viewers": set(group["user"].dropna()),
            }
        )
    big = np.iinfo(np.int64).max
    episodes.sort(
        key=lambda e: (
            big if e["season"] is None else e["season"],
            big if e["episode"] is None else e["episode"],
            e["title"],
        )
    )
    for i, here in enumerate(episodes):
        following = episodes[i + 1] if i + 1 < len(episodes) else None
        viewers = here.pop("viewers")
        here["unique_viewers"] = len(viewers)
        if following is None or not viewers:
            here |= {"next_viewers": None, "continued": None, "drop_off": None}
            continue
        stayed = len(viewers & following["viewers"])
        here |= {
            "next_viewers": stayed,
            "continued": round(stayed / len(viewers), 4),
            "drop_off": round(1 - stayed / len(viewers), 4),
        }
    return episodes
