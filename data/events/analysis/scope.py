"""A scope (the catalog dimension values a person may see) and the rollup of only its rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace

import numpy as np

from data.events.analysis import shows
from data.events.catalog import DIMENSION_NAMES
from data.events.periods import RESOLUTIONS
from data.events.rollup.model import Rollup, empty_rollup
from data.events.rollup.user_tables import UserRows, combo_type, user_tables_of

# A catalog dimension's name -> the values allowed (as the rollup names them, `(none)` for an
# empty or NULL value); {} or None: everything. An empty set of values allows nothing.
Scope = Mapping[str, frozenset[str]]
ScopeKey = tuple[tuple[str, frozenset[str]], ...]


def scope_key(scope: Scope | None) -> ScopeKey:
    """The scope as a hashable key in catalog order (() for no limit). A dimension that is not
    the catalog's is refused: a limit that cannot be applied must not be read as none."""
    if not scope:
        return ()
    unknown = sorted(set(scope) - set(DIMENSION_NAMES))
    if unknown:
        raise ValueError(f"a limit names unknown dimensions: {', '.join(unknown)}")
    return tuple((name, frozenset(scope[name])) for name in DIMENSION_NAMES if name in scope)


def allowed_combos(rollup: Rollup, key: ScopeKey) -> np.ndarray:
    """A bool per combination of dimension values: are its events within the scope?"""
    keep = np.ones(rollup.n_combos, dtype=bool)
    for name, allowed in key:
        index = DIMENSION_NAMES.index(name)
        codes = [code for code, value in enumerate(rollup.values[index]) if value in allowed]
        keep &= np.isin(rollup.combos[:, index], codes)
    return keep


def scoped_rollup(rollup: Rollup, key: ScopeKey) -> Rollup:
    """The rollup as a store holding only the scope's events would have it: every row of
    another combination dropped, the titles without an event left renumbered away, the first
    and last day, the user tables and the Top 10's weeks made of the kept rows alone.

    What the rollup keeps per title rather than per combination (its most frequent runtime,
    season and episode numbers, how its rows pair into episodes) and whether every minute
    value was whole stay those of the whole store: they differ only for a title whose events
    disagree on them across the scope's boundary."""
    if not key or rollup.rows == 0:
        return rollup
    keep = allowed_combos(rollup, key)
    cells = keep[rollup.cell_combo]
    if not cells.any():
        return empty_rollup()
    cell_day = rollup.cell_day[cells]
    minutes = rollup.minutes[cells]
    views = rollup.views[cells]
    day_rows = keep[rollup.title_combo]
    total_rows = keep[rollup.total_combo]
    view_rows = keep[rollup.view_combo]
    n_titles = len(rollup.titles)
    title_of_view = np.repeat(np.arange(n_titles), np.diff(rollup.view_offsets))[view_rows]
    per_title = np.bincount(title_of_view, minlength=n_titles)
    kept_titles = (per_title > 0) | (
        np.bincount(rollup.total_title[total_rows], minlength=n_titles) > 0
    )
    renumber = np.cumsum(kept_titles) - 1
    titles = tuple(t for t, k in zip(rollup.titles, kept_titles, strict=True) if k)
    offsets = np.zeros(len(titles) + 1, dtype=np.int64)
    np.cumsum(per_title[kept_titles], out=offsets[1:])
    seasons = rollup.title_season[kept_titles]
    week_rows = keep[rollup.week_entry_combo]
    user_rows, user_counts = _user_tables(rollup, keep)
    return replace(
        rollup,
        rows=int(views.sum()),
        first_day=int(cell_day[0]),
        last_day=int(cell_day[-1]),
        titles=titles,
        # Whole sums do not prove whole values; a store that had them whole stays so.
        minutes_are_whole=rollup.minutes_are_whole or bool(np.all(minutes == np.floor(minutes))),
        cell_day=cell_day,
        cell_combo=rollup.cell_combo[cells],
        views=views,
        minutes=minutes,
        completed=rollup.completed[cells],
        rated=rollup.rated[cells],
        title_day=rollup.title_day[day_rows],
        title_combo=rollup.title_combo[day_rows],
        title_code=renumber[rollup.title_code[day_rows]].astype(np.int32),
        title_views=rollup.title_views[day_rows],
        title_minutes=rollup.title_minutes[day_rows],
        total_combo=rollup.total_combo[total_rows],
        total_title=renumber[rollup.total_title[total_rows]].astype(np.int32),
        total_views=rollup.total_views[total_rows],
        total_minutes=rollup.total_minutes[total_rows],
        title_runtime=rollup.title_runtime[kept_titles],
        title_season=seasons,
        title_episode=rollup.title_episode[kept_titles],
        episode_of_title=rollup.episode_of_title[kept_titles],
        view_offsets=offsets,
        view_day=rollup.view_day[view_rows],
        view_user=rollup.view_user[view_rows],
        view_combo=rollup.view_combo[view_rows],
        view_bin=rollup.view_bin[view_rows],
        week_entry_week=rollup.week_entry_week[week_rows],
        week_entry_entry=_entry_map(rollup, titles, seasons)[
            rollup.week_entry_entry[week_rows]
        ].astype(np.int32),
        week_entry_combo=rollup.week_entry_combo[week_rows],
        week_entry_minutes=rollup.week_entry_minutes[week_rows],
        **_hour_tables(rollup, keep),
        **_sequence_table(rollup, keep, renumber),
        user_rows=user_rows,
        user_counts=user_counts,
        # Events dated outside the bounds are not told apart by dimension: none is told.
        left_out=0,
    )


def _entry_map(rollup: Rollup, titles: tuple[str, ...], seasons: np.ndarray) -> np.ndarray:
    """The Top 10's entry ids (shows.entries at the season level) of the whole rollup mapped
    to those of the kept titles (-1: an entry left with no title, so with no kept row)."""
    old = shows.entries(rollup, "season")
    new = shows.entries_of(titles, seasons.tolist(), "season")
    ids = {key: i for i, key in enumerate(zip(new.names, new.rolled.tolist(), strict=True))}
    keys = zip(old.names, old.rolled.tolist(), strict=True)
    return np.array([ids.get(key, -1) for key in keys] + [-1], dtype=np.int64)


def _hour_tables(rollup: Rollup, keep: np.ndarray) -> dict:
    """The hour groups, the distinct users per hour and the minutes along the daily user rows
    of the kept combinations (each table keeps its order: a filter of sorted rows)."""
    out = {}
    for prefix in ("hour", "houruser"):
        rows = keep[getattr(rollup, f"{prefix}_combo")]
        for name in [f.name for f in fields(rollup) if f.name.startswith(f"{prefix}_")]:
            out[name] = getattr(rollup, name)[rows]
    out["user_minutes"] = rollup.user_minutes[keep[rollup.user_rows["daily"].combo]]
    return out


def _sequence_table(rollup: Rollup, keep: np.ndarray, renumber: np.ndarray) -> dict:
    """The users' titled events in time order of the kept combinations, titles renumbered (a
    kept row's title has a kept event, so it is kept)."""
    rows = keep[rollup.seq_combo]
    out = {name: getattr(rollup, name)[rows] for name in ("seq_user", "seq_time", "seq_combo")}
    out["seq_bin"] = rollup.seq_bin[rows]
    out["seq_title"] = renumber[rollup.seq_title[rows]].astype(np.int32)
    return out


def _user_tables(rollup: Rollup, keep: np.ndarray) -> tuple[dict, dict]:
    """The user tables of the kept combinations' distinct (period, user, combination) triples,
    made as a build makes them."""
    triples = {}
    for resolution in RESOLUTIONS:
        table: UserRows = rollup.user_rows[resolution]
        n_periods = len(table.offsets) - 1
        period = np.repeat(
            np.arange(table.first_period, table.first_period + n_periods, dtype=np.int64),
            np.diff(table.offsets),
        )
        rows = keep[table.combo]
        period = period[rows]
        first = int(period[0]) if period.size else 0
        user = table.user[rows].astype(np.int64)
        combo = table.combo[rows].astype(np.int64)
        triples[resolution] = (first, period, user, combo)
    user_rows, user_counts = user_tables_of(triples, rollup.n_users, max(rollup.n_combos, 1))
    # The tables' combination codes keep the whole rollup's type (views index by them).
    kind = combo_type(rollup.n_combos)
    user_rows = {r: replace(t, combo=t.combo.astype(kind)) for r, t in user_rows.items()}
    return user_rows, user_counts


def rollup_bytes(rollup: Rollup) -> int:
    """Memory a rollup's arrays hold (a scoped copy's own, not shared with other workers)."""
    total = 0
    for value in vars(rollup).values():
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            for part in item if isinstance(item, tuple) else (item,):
                total += part.nbytes if isinstance(part, np.ndarray) else 0
    return total
