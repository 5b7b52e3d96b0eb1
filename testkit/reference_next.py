"""An independent plain-pandas reference of the title page's "next": what its finishers watched
next within 24 hours (README.md's definitions; shares nothing with data/events)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from testkit import reference_analytics as ref

_CLOCK = re.compile(r"(\d\d):(\d\d)(?::(\d\d))?")
DAY = 86_400


def time_of_day(text: object) -> int:
    """Seconds after midnight of the stored text's "HH:MM[:SS]" after the day; 0 without."""
    if not isinstance(text, str):
        return 0
    match = _CLOCK.match(text[11:19])
    if match is None or (len(text) > 16 and match.group(3) is None):
        return 0
    h, m, s = (int(match.group(i) or 0) for i in (1, 2, 3))
    return h * 3600 + m * 60 + s if h < 24 and m < 60 and s < 60 else 0


def _share(count: int, whole: int) -> float | None:
    return round(count / whole, 4) if whole else None


def next_answer(ev: pd.DataFrame, start, end, where, show=None, name=None) -> dict:
    """The "next" of /data/title/ for a title (its text) or a show (its SERIES events); ev is
    reference_titles.prepare(raw) (its "time": seconds, the day's and time_of_day's)."""
    from testkit import reference_titles

    rows = ref._select(ev, start, end, where)
    rows = rows[np.array([not ref._is_null(u) for u in rows["user"]], dtype=bool)]
    rows = reference_titles.entries(rows, "series" if show is not None else "title")
    page = (show, True) if show is not None else (name, False)
    keys = list(zip(rows["entry"], rows["rolled"], strict=True))
    mine = np.array([k == page for k in keys], dtype=bool)
    rows = rows.assign(key=keys)
    finishing = rows[mine & (rows["percent"] >= 90).to_numpy()]
    first = finishing.groupby("user")["time"].min()
    others = rows[~mine]
    by_user = {user: group for user, group in others.groupby("user")}
    watched: dict[tuple, int] = {}
    for user, time in first.items():
        group = by_user.get(user)
        if group is None:
            continue
        near = group[(group["time"] >= time) & (group["time"] <= time + DAY)]
        if len(near):
            key = min(zip(near["time"], near["key"], strict=True))[1]
            watched[key] = watched.get(key, 0) + 1
    finishers = len(first)
    ranked = sorted(watched.items(), key=lambda item: (-item[1], item[0]))[:10]
    return {
        "finishers": finishers,
        "titles": [
            {"title": key[0], "viewers": n, "share": _share(n, finishers)} for key, n in ranked
        ],
        "nothing_within_24h": _share(finishers - sum(watched.values()), finishers),
    }
