"""A Rollup put together from pieces' groups that are already sorted, without sorting it all.

merge.py hands over the kept groups of the pieces in day order, in compact codes. Pieces cover
disjoint days, so every per-day table is the pieces' tables side by side; the per-title table
of events is gathered title by title, each title's blocks in piece order (and so in day order);
only what spans pieces (a title's totals, a week's Top 10 minutes, the users of a week or a
month two pieces share) is summed or made distinct anew, over groups, never over events.
"""

from __future__ import annotations

import numpy as np

from data.events.analysis import shows
from data.events.periods import period_of
from data.events.rollup import sequences
from data.events.rollup.build import _title_order, combo_table, title_facts
from data.events.rollup.encoding import Vocabulary
from data.events.rollup.groups import TitleFacts
from data.events.rollup.model import Rollup
from data.events.rollup.user_tables import combo_type, user_tables_of

_DENSE = 1 << 26  # up to this many (combination, title) cells are summed densely


def _sum_by(key: np.ndarray, weights: list[np.ndarray], size: int) -> tuple:
    """(distinct keys ascending, sums of each weight per key)."""
    if size <= _DENSE:
        counted = [np.bincount(key, weights=w, minlength=size) for w in weights]
        present = np.bincount(key, minlength=size) > 0
        keys = np.flatnonzero(present)
        return keys, [c[keys] for c in counted]
    keys, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.reshape(-1)
    return keys, [np.bincount(inverse, weights=w, minlength=keys.size) for w in weights]


def _views_by_title(g: dict, rank, n_titles: int, n_combos: int, piece_of_row) -> dict:
    """The view_* arrays: every titled event, by title then day. Each piece's rows are sorted
    by item then day, so a title's rows are one block per piece; the blocks are put in (title,
    piece) order and each repeated by its events' count."""
    title = rank[g["view_item"]]
    titled = np.flatnonzero(title >= 0)
    title, piece = title[titled], piece_of_row[titled]
    # Blocks: runs of one (piece, title) in row order.
    starts = (
        np.flatnonzero(np.r_[True, (piece[1:] != piece[:-1]) | (title[1:] != title[:-1])])
        if title.size
        else np.empty(0, dtype=np.int64)
    )
    ends = np.r_[starts[1:], title.size]
    order = np.lexsort((piece[starts], title[starts])) if starts.size else starts
    lengths = (ends - starts)[order]
    rows = (
        titled[
            np.repeat(starts[order] - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
            + np.arange(int(lengths.sum()))
        ]
        if lengths.size
        else titled[:0]
    )
    count = g["view_count"][rows].astype(np.int64)
    title_of_row = rank[g["view_item"][rows]]
    offsets = np.zeros(n_titles + 1, dtype=np.int64)
    np.cumsum(
        np.bincount(title_of_row, weights=count, minlength=n_titles).astype(np.int64),
        out=offsets[1:],
    )
    return {
        "view_offsets": offsets,
        "view_day": np.repeat(g["view_day"][rows], count).astype(np.int32),
        "view_user": np.repeat(g["view_user"][rows], count).astype(np.int32),
        "view_combo": np.repeat(g["view_combo"][rows], count).astype(combo_type(n_combos)),
        "view_bin": np.repeat(g["view_bin"][rows], count).astype(np.int8),
    }


def _week_entries(g: dict, rank, names, seasons, values, combos) -> dict:
    """The week_entry_* arrays from the pieces' (week, item, combination) minutes."""
    title = rank[g["weekitem_item"]]
    keep = title >= 0
    title, combo = title[keep], g["weekitem_combo"][keep].astype(np.int64)
    week, minutes = g["weekitem_week"][keep].astype(np.int64), g["weekitem_minutes"][keep]
    index = shows.entries_of(names, seasons.tolist(), "season")
    is_series = shows.combo_sessiontypes(values, combos) == shows.SERIES
    entry = index.of_rows(title, combo, is_series) if title.size else title
    (week, entry, combo), minutes = _summed(week, entry, combo, minutes=minutes)
    return {
        "week_entry_week": week.astype(np.int32),
        "week_entry_entry": entry.astype(np.int32),
        "week_entry_combo": combo.astype(combo_type(max(len(combos), 1))),
        "week_entry_minutes": minutes.astype(np.float64),
    }


def assemble(g: dict, used: Vocabulary, user_triples: dict, counts: dict, piece_of_view) -> Rollup:
    """The Rollup of the kept groups g (see the module's docstring)."""
    n_combos = max(len(used.combos), 1)
    n_users = max(len(used.users), 1)
    rank, names, episode_of_title = _title_order(used)
    n_titles = max(len(names), 1)
    values = tuple(tuple(v) for v in used.values)
    combos = combo_table(used)

    title = rank[g["title_item"]]
    titled = title >= 0
    t_day, t_combo = g["title_day"][titled], g["title_combo"][titled].astype(np.int64)
    t_title, t_views = title[titled], g["title_views"][titled]
    t_minutes = g["title_minutes"][titled]
    totals, (total_views, total_minutes) = _sum_by(
        t_combo * n_titles + t_title, [t_views.astype(np.float64), t_minutes], n_combos * n_titles
    )

    facts = TitleFacts(
        g["fact_item"],
        g["fact_runtime"],
        g["fact_season"],
        g["fact_episode"],
        g["fact_count"].astype(np.float64),
    )
    per_title = title_facts(facts, rank, len(names), episode_of_title)
    user_rows, user_counts = user_tables_of(user_triples, n_users, n_combos, counts)
    cell_day = g["cell_day"]
    return Rollup(
        rows=int(g["cell_views"].sum()),
        first_day=int(cell_day[0]),
        last_day=int(cell_day[-1]),
        n_users=n_users,
        values=values,
        titles=names,
        minutes_are_whole=bool(g["cell_whole"].all()),
        combos=combos,
        cell_day=cell_day.astype(np.int32),
        cell_combo=g["cell_combo"].astype(np.int32),
        views=g["cell_views"].astype(np.int64),
        minutes=g["cell_minutes"].astype(np.float64),
        completed=g["cell_completed"].astype(np.int64),
        rated=g["cell_rated"].astype(np.int64),
        title_day=t_day.astype(np.int32),
        title_combo=t_combo.astype(np.int32),
        title_code=t_title.astype(np.int32),
        title_views=t_views.astype(np.int64),
        total_combo=(totals // n_titles).astype(np.int32),
        total_title=(totals % n_titles).astype(np.int32),
        total_views=np.rint(total_views).astype(np.int64),
        title_minutes=t_minutes.astype(np.float64),
        total_minutes=total_minutes.astype(np.float64),
        **per_title,
        episode_of_title=episode_of_title,
        **_views_by_title(g, rank, len(names), n_combos, piece_of_view),
        **_week_entries(g, rank, names, per_title["title_season"], values, combos),
        **{name: g[name].astype(dtype) for name, dtype in _HOUR_TYPES.items()},
        user_minutes=_along(g["user_minutes"], user_rows["daily"]),
        **sequences.merged(g, rank, n_combos),
        user_rows=user_rows,
        user_counts=user_counts,
    )


# The hour groups as the pieces keep them (data/events/rollup/hours.py), combinations renamed.
_HOUR_TYPES = {
    "hour_day": np.int32,
    "hour_hour": np.int8,
    "hour_combo": np.int32,
    "hour_views": np.int64,
    "hour_minutes": np.float64,
    "houruser_day": np.int32,
    "houruser_hour": np.int8,
    "houruser_user": np.int32,
    "houruser_combo": np.int32,
}


def _along(minutes: np.ndarray, daily) -> np.ndarray:
    """The pieces' minutes per daily triple: their daily triples, side by side, are the
    rollup's (no day is in two pieces), so they run along them as they are."""
    if minutes.size != daily.user.size:
        raise ValueError("the pieces' user minutes do not run along the daily user triples")
    return minutes.astype(np.float64)


def _summed(*keys: np.ndarray, minutes: np.ndarray) -> tuple[tuple, np.ndarray]:
    """(the distinct key tuples in order, the minutes summed per tuple)."""
    order = np.lexsort(keys[::-1])
    keys = tuple(k[order] for k in keys)
    minutes = minutes[order]
    if not minutes.size:
        return keys, minutes
    new = np.zeros(minutes.size, dtype=bool)
    new[0] = True
    for k in keys:
        new[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(new)
    return tuple(k[starts] for k in keys), np.add.reduceat(minutes, starts)


def weekly_item_minutes(day, item, combo, minutes) -> dict:
    """A piece's minutes per (week, item, combination), from its (day, combination, item)
    groups: what the Top 10's weeks are summed from."""
    week = np.asarray(period_of(np.asarray(day, dtype=np.int64), "weekly"), dtype=np.int64)
    (week, item, combo), minutes = _summed(
        week,
        np.asarray(item, dtype=np.int64),
        np.asarray(combo, dtype=np.int64),
        minutes=np.asarray(minutes, dtype=np.float64),
    )
    return {
        "weekitem_week": week.astype(np.int32),
        "weekitem_item": item.astype(np.int32),
        "weekitem_combo": combo.astype(np.int32),
        "weekitem_minutes": minutes,
    }
