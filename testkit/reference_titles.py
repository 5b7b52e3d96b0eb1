"""An independent plain-pandas reference of the title insights, written from README.md's
definitions: the toplist's season and series levels, one title's or show's numbers, the
weekly Top 10.

Like testkit/reference_analytics.py (whose row reading it reuses) it shares nothing with
data/events. Episodes are told apart by their title here: the tests that use it give every
episode one title, one (season, episode) and one contentid, so any of those identities agrees.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from testkit import reference_analytics as ref

_EXTENDED = "reference_titles_prepared"
MOVIE, SERIES = "MOVIE", "SERIES"
TOP10_SIZE = 10


def _numbers(column: pd.Series) -> np.ndarray:
    """Stored numbers (text or numeric) as floats, NaN where there is none."""
    return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy()


def prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """reference_analytics.prepare(raw) plus percent, runtime, season and episode per row."""
    if raw.attrs.get(_EXTENDED):
        return raw
    base = ref.prepare(raw)
    ev = base.copy()
    rows = raw[[ref._day(v) is not None for v in raw["event_date"]]]
    ev["percent"] = _numbers(rows["viewpercentage"])
    runtime = _numbers(rows["runningtime"])
    ev["runtime"] = np.where(runtime > 0, runtime, np.nan)  # 0 or less: not a runtime
    for column in ("season", "episode"):
        numbers = _numbers(rows[f"{column}number"])
        ev[column] = np.where((numbers >= 0) & (numbers == np.trunc(numbers)), numbers, np.nan)
    # Each row carries its title's numbers, taken over all the data (filters never move them).
    for column in ("runtime", "season", "episode"):
        ev[f"title_{column}"] = ev["title"].map(_modes(ev, column)).astype("float64")
    ev.attrs = {**base.attrs, _EXTENDED: True}
    return ev


def _modes(ev: pd.DataFrame, column: str) -> pd.Series:
    """Per title, the most frequent known value of the column (ties: the smallest)."""
    known = ev.loc[ev["title"].notna() & ev[column].notna(), ["title", column]]
    counts = known.groupby(["title", column]).size().reset_index(name="n")
    counts = counts.sort_values(["title", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("title").set_index("title")[column]


def _show(title: str) -> str:
    return title.split(", ", 1)[0]


def _season_name(show: str, season: float) -> str:
    return show if math.isnan(season) else f"{show}: Season {int(season)}"


def entries(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """The titled rows with (entry, rolled): SERIES rows rolled up to the level's season or
    show, the others their title (a movie named like a show stays an entry of its own)."""
    rows = rows[rows["title"].notna()].copy()
    rolled = (rows["sessiontype"] == SERIES).to_numpy(copy=True)
    if level == "title":
        rolled[:] = False
        names = rows["title"].tolist()
    elif level == "series":
        names = [_show(t) if r else t for t, r in zip(rows["title"], rolled, strict=True)]
    else:
        names = [
            _season_name(_show(t), season) if r else t
            for t, season, r in zip(rows["title"], rows["title_season"], rolled, strict=True)
        ]
    rows["entry"], rows["rolled"] = names, rolled
    return rows


def toplist(raw, num, level="title", start=None, end=None, where=None) -> list[dict]:
    """[{"title", "values": views}] of the num most viewed entries of the level, ties by name."""
    ev = prepare(raw)
    rows = entries(ref._select(ev, start, end, where), level)
    counts = rows.groupby(["entry", "rolled"]).size()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))[:num]
    return [{"title": name, "values": int(views)} for (name, _), views in ranked]


# -- one title or one show -------------------------------------------------------------------


def _rate(rows: pd.DataFrame) -> float | None:
    rated = int(rows["percent"].notna().sum())
    return round(int((rows["percent"] >= 90).sum()) / rated, 4) if rated else None


def _viewers(rows: pd.DataFrame) -> set:
    return set(rows["user"].dropna())


def _minutes(total: float, whole: bool):
    return int(total) if whole else float(total)


def _by_value(rows: pd.DataFrame, column: str) -> list[dict]:
    counts = sorted(rows[column].value_counts().items(), key=lambda item: (-item[1], item[0]))
    return [{"value": value, "views": int(views)} for value, views in counts]


def _per_period(rows, start, end, resolution, whole) -> list[dict]:
    if rows.empty and (start is None or end is None):
        return []
    lo = start.toordinal() if start else int(rows["day"].min())
    hi = end.toordinal() if end else int(rows["day"].max())
    grouped = rows.groupby(rows["day"].map(lambda d: ref._period(int(d), resolution)))
    views, minutes = grouped.size(), grouped["minutes"].sum()
    viewers = grouped["user"].nunique()  # NULL users are no one
    return [
        {
            "date": ref._label(p),
            "views": int(views.get(p, 0)),
            "unique_viewers": int(viewers.get(p, 0)),
            "minutes_watched": _minutes(minutes.get(p, 0.0), whole),
        }
        for p in ref._periods(lo, hi, resolution)
    ]


def _numbers_of_titles(rows: pd.DataFrame) -> dict:
    """{title: (season, episode)} of the rows' titles (NaN when unknown)."""
    firsts = rows.groupby("title")[["title_season", "title_episode"]].first()
    return {t: (s, e) for t, s, e in firsts.itertuples(name=None)}


def _episodes(rows: pd.DataFrame) -> list[dict]:
    numbers = _numbers_of_titles(rows)

    def order(title: str):
        season, episode = numbers[title]
        # Unknown numbers last (NaN compares with nothing: 0 stands in behind the flag).
        unknown_season, unknown_episode = math.isnan(season), math.isnan(episode)
        return (
            unknown_season,
            0 if unknown_season else season,
            unknown_episode,
            0 if unknown_episode else episode,
            title,
        )

    def maybe(value: float) -> int | None:
        return None if math.isnan(value) else int(value)

    own = dict(tuple(rows.groupby("title")))
    viewers = {title: _viewers(group) for title, group in own.items()}
    titles = sorted(own, key=order)
    out = []
    for this, following in zip(titles, [*titles[1:], None], strict=False):
        stayed = None
        if following is not None and viewers[this]:
            stayed = len(viewers[this] & viewers[following])
        out.append(
            {
                "season": maybe(numbers[this][0]),
                "episode": maybe(numbers[this][1]),
                "title": this,
                "views": len(own[this]),
                "unique_viewers": len(viewers[this]),
                "completion_rate": _rate(own[this]),
                "next_viewers": stayed,
                "drop_off": None if stayed is None else round(stayed / len(viewers[this]), 4),
            }
        )
    return out


def _seasons(rows: pd.DataFrame, show: str) -> list[dict]:
    out = []
    for episode in _episodes(rows):
        if not out or out[-1]["season"] != episode["season"]:
            season = episode["season"]
            own = rows[rows["title_season"].map(lambda number, s=season: _same(number, s))]
            out.append(
                {
                    "season": season,
                    "name": _season_name(show, math.nan if season is None else season),
                    "views": len(own),
                    "unique_viewers": len(_viewers(own)),
                    "completion_rate": _rate(own),
                    "episodes": [],
                }
            )
        out[-1]["episodes"].append(episode)
    return out


def _same(number: float, season: int | None) -> bool:
    return math.isnan(number) if season is None else number == season


def title(raw, resolution="daily", start=None, end=None, where=None, name=None, show=None):
    """The /data/title/ answer for a title (every event of it) or a show (its SERIES events);
    None when no event has the title (no SERIES event the show)."""
    ev = prepare(raw)
    if show is not None:
        prefix = f"{show}, "
        mine = ev["title"].map(lambda t: isinstance(t, str) and (t == show or t.startswith(prefix)))
        mine &= ev["sessiontype"] == SERIES
    else:
        mine = ev["title"] == name
    if not mine.any():
        return None
    rows = ref._select(ev[mine], start, end, where)
    whole = ev.attrs["whole"]
    completed = int((rows["percent"] >= 90).sum())
    histogram = np.clip(np.floor(rows["percent"].dropna() / 10), 0, 9).astype(int)
    answer = {"series": show} if show is not None else {"title": name}
    answer |= {
        "resolution": resolution,
        "kpis": {
            "views": len(rows),
            "unique_viewers": len(_viewers(rows)),
            "minutes_watched": _minutes(rows["minutes"].sum(), whole),
            "completed_views": completed,
            "completion_rate": _rate(rows),
        },
        "timeseries": _per_period(rows, start, end, resolution, whole),
        "completion": {
            "completion_rate": _rate(rows),
            "completed_views": completed,
            "unknown_views": int(rows["percent"].isna().sum()),
            "histogram": [
                {"from": 10 * i, "to": 10 * (i + 1), "views": int((histogram == i).sum())}
                for i in range(10)
            ],
        },
        "devices": _by_value(rows, "device"),
        "markets": _by_value(rows, "market"),
    }
    if show is not None:
        answer["seasons"] = _seasons(rows, show)
    return answer


# -- the weekly Top 10 -----------------------------------------------------------------------


def last_complete_week(raw) -> dt.date | None:
    """The Monday of the data's last week wholly inside its first..last day (else its last)."""
    ev = prepare(raw)
    if ev.empty:
        return None
    first, last = int(ev["day"].min()), int(ev["day"].max())
    monday = last - dt.date.fromordinal(last).weekday()
    complete = monday if last == monday + 6 else monday - 7
    return dt.date.fromordinal(complete if complete >= ref._period(first, "weekly") else monday)


def _runtimes(ev: pd.DataFrame) -> dict:
    """{(entry, rolled): runtime in minutes} over all the data: a movie's own; a season's sum
    over its distinct episodes that have one (a season none of whose episodes has: unknown)."""
    rows = entries(ev, "season").drop_duplicates(["entry", "rolled", "title"])
    known = rows.dropna(subset=["title_runtime"])  # a movie's entry has one title
    sums = known.groupby(["entry", "rolled"])["title_runtime"].sum()
    return {key: float(total) for key, total in sums.items()}


def _weekly_lists(rows: pd.DataFrame, runtimes: dict) -> dict:
    """{monday ordinal: [(key, hours, views, weeks listed so far)]}, every week with data."""
    rows = rows.assign(week=rows["day"].map(lambda d: ref._period(int(d), "weekly")))
    minutes = rows.groupby(["week", "entry", "rolled"])["minutes"].sum()
    lists, listed = {}, {}
    for week in sorted(set(rows["week"])):
        ranked = []
        for (entry, rolled), total in minutes[week].items():
            hours = float(total) / 60
            if hours > 0 and (entry, rolled) in runtimes:
                views = hours / (runtimes[entry, rolled] / 60)
                ranked.append(((entry, rolled), hours, views))
        ranked.sort(key=lambda r: (-r[2], -r[1], r[0]))
        lists[week] = []
        for key, hours, views in ranked[:TOP10_SIZE]:
            listed[key] = listed.get(key, 0) + 1
            lists[week].append((key, hours, views, listed[key]))
    return lists


def top10(raw, week=None, sessiontype=None, where=None) -> list[dict]:
    """The /data/top10/ answer: runtimes over all the data; the lists over the MOVIE and SERIES
    (or only the sessiontype's) rows that the device and market filters keep."""
    ev = prepare(raw)
    week = week or last_complete_week(ev)
    if week is None:
        return []
    runtimes = _runtimes(ev)
    kinds = (MOVIE, SERIES) if sessiontype is None else (sessiontype,)
    rows = ref._select(ev, None, None, {**(where or {}), "sessiontype": set(kinds)})
    lists = _weekly_lists(entries(rows, "season"), runtimes)
    before = {key: rank for rank, (key, *_) in enumerate(lists.get(week.toordinal() - 7, []), 1)}
    return [
        {
            "rank": rank,
            "title": key[0],
            "hours_viewed": round(hours, 2),
            "runtime_hours": round(runtimes[key] / 60, 2),
            "views": round(views, 2),
            "rank_last_week": before.get(key),
            "weeks_in_top10": listed,
        }
        for rank, (key, hours, views, listed) in enumerate(lists.get(week.toordinal(), []), 1)
    ]
