"""An independent plain-pandas reference of the title insights, written from README.md's
definitions: the toplist's season and series levels, one title's or show's numbers (the weekly
Top 10 is testkit/reference_top10.py).

Like testkit/reference_analytics.py (whose row reading it reuses) it shares nothing with
data/events. An episode is its show, season number and episode number when both are known,
else its contentid, else its title text; its title only names it (its most viewed spelling).
An item is a title text with the episode it is: its season and episode numbers are its own
(the most frequent known ones of its rows); an episode's runtime is the most frequent known
runningtime of all its rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from testkit import reference_analytics as ref
from testkit import reference_next

_EXTENDED = "reference_titles_prepared"
MOVIE, SERIES = "MOVIE", "SERIES"


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
    percent = _numbers(rows["viewpercentage"])
    ev["percent"] = np.where(np.isfinite(percent), percent, np.nan)  # infinity: not measured
    runtime = _numbers(rows["runningtime"])
    ev["time"] = ev["day"] * reference_next.DAY + [
        reference_next.time_of_day(v) for v in rows["event_date"]
    ]
    ev["runtime"] = np.where(runtime > 0, runtime, np.nan)  # 0 or less: not a runtime
    # The row's own numbers ("season" is the season dimension's name of the value).
    for column in ("season", "episode"):
        numbers = _numbers(rows[f"{column}number"])
        whole = (numbers >= 0) & (numbers <= 2.0**53) & (numbers == np.trunc(numbers))
        ev[f"row_{column}"] = np.where(whole, numbers, np.nan)
    contentid = [ref._title(v) for v in rows["contentid"]]
    own_keys = [
        _episode_key(t, season, number, cid)
        for t, season, number, cid in zip(
            ev["title"], ev["row_season"], ev["row_episode"], contentid, strict=True
        )
    ]
    ev["item"] = [
        None if k is None else f"{t}\x1f{k}" for t, k in zip(ev["title"], own_keys, strict=True)
    ]
    # A contentid's rows without numbers are the numbered episode its other rows name, if one.
    numbered: dict[str, set] = {}
    for key, cid in zip(own_keys, contentid, strict=True):
        if key is not None and key.startswith("numbers") and cid is not None:
            numbered.setdefault(cid, set()).add(key)
    ev["episode_key"] = [
        next(iter(numbered[cid]))
        if key is not None and key.startswith("contentid") and len(numbered.get(cid, ())) == 1
        else key
        for key, cid in zip(own_keys, contentid, strict=True)
    ]
    # Each row carries its item's numbers and its episode's runtime, taken over all the data
    # (filters never move them), and how many events its item has in all.
    for column in ("season", "episode"):
        ev[f"title_{column}"] = ev["item"].map(_modes(ev, "item", f"row_{column}"))
        ev[f"title_{column}"] = ev[f"title_{column}"].astype("float64")
    runtime = _modes(ev, "episode_key", "runtime")
    ev["title_runtime"] = ev["episode_key"].map(runtime).astype("float64")
    ev["item_views"] = ev["item"].map(ev["item"].value_counts()).fillna(0).astype(np.int64)
    ev.attrs = {**base.attrs, _EXTENDED: True}
    return ev


def _episode_key(title, season: float, number: float, contentid) -> str | None:
    """The episode a titled row is, as text (None for an untitled row)."""
    if title is None or title != title:  # pandas 3 reads a missing text as NaN
        return None
    if not math.isnan(season) and not math.isnan(number):
        return f"numbers\x1f{_show(title)}\x1f{int(season)}\x1f{int(number)}"
    if contentid is not None and contentid.strip().casefold() not in ("null", "none", "nan", "n/a"):
        return f"contentid\x1f{contentid}"
    return f"title\x1f{title}"


def _modes(ev: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per value of key, the most frequent known value of the column (ties: the smallest)."""
    known = ev.loc[ev[key].notna() & ev[column].notna(), [key, column]]
    counts = known.groupby([key, column]).size().reset_index(name="n")
    counts = counts.sort_values([key, "n", column], ascending=[True, False, True])
    return counts.drop_duplicates(key).set_index(key)[column]


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


def _episodes(rows: pd.DataFrame) -> list[tuple[dict, pd.DataFrame]]:
    """[(episode answer, its rows)] in show order: season, episode number (unknown last),
    then the name, each episode named by its most viewed item over all the data."""
    listed = []
    for _, own in rows.groupby("episode_key"):
        ranked = own.sort_values(["item_views", "title"], ascending=[False, True])
        numbered = ranked[ranked["title_season"].notna() & ranked["title_episode"].notna()]
        # Named by its most viewed item; its numbers from the most viewed item that has both.
        named = ranked.iloc[0].copy()
        if len(numbered):
            named[["title_season", "title_episode"]] = numbered.iloc[0][
                ["title_season", "title_episode"]
            ]
        listed.append((named, own))

    def order(pair):
        named = pair[0]
        season, episode = named["title_season"], named["title_episode"]
        unknown_season, unknown_episode = math.isnan(season), math.isnan(episode)
        return (
            unknown_season,
            0 if unknown_season else season,
            unknown_episode,
            0 if unknown_episode else episode,
            named["title"],
        )

    def maybe(value: float) -> int | None:
        return None if math.isnan(value) else int(value)

    listed.sort(key=order)
    viewers = [_viewers(own) for _, own in listed]
    out = []
    for i, (named, own) in enumerate(listed):
        stayed = None
        if i + 1 < len(listed) and viewers[i]:
            stayed = len(viewers[i] & viewers[i + 1])
        share = None if stayed is None else stayed / len(viewers[i])
        answer = {
            "season": maybe(named["title_season"]),
            "episode": maybe(named["title_episode"]),
            "title": named["title"],
            "views": len(own),
            "unique_viewers": len(viewers[i]),
            "completion_rate": _rate(own),
            "next_viewers": stayed,
            "continued": None if share is None else round(share, 4),
            "drop_off": None if share is None else round(1 - share, 4),
        }
        out.append((answer, own))
    return out


def _seasons(rows: pd.DataFrame, show: str) -> list[dict]:
    out, own_rows = [], []
    for episode, own in _episodes(rows):
        if not out or out[-1]["season"] != episode["season"]:
            season = episode["season"]
            out.append(
                {
                    "season": season,
                    "name": _season_name(show, math.nan if season is None else season),
                    "episodes": [],
                }
            )
            own_rows.append([])
        out[-1]["episodes"].append(episode)
        own_rows[-1].append(own)
    for season, parts in zip(out, own_rows, strict=True):
        own = pd.concat(parts)
        season |= {
            "views": len(own),
            "unique_viewers": len(_viewers(own)),
            "completion_rate": _rate(own),
        }
    return out


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
        "next": reference_next.next_answer(ev, start, end, where, show, name),
    }
    if show is not None:
        answer["seasons"] = _seasons(rows, show)
        from testkit import reference_binges  # it reads this module's prepared rows

        answer |= reference_binges.show_answer(ev[mine], rows, show)
    return answer
