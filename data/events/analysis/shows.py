"""The series roll-up: which show, season and entry each (title, content type) row belongs to.

For SERIES rows the show is the title before its first ", " (the tutorial's "Game of Thrones,
Kissed by Fire"; a title without ", " is a show of its own), the season the item's
seasonnumber and the episode its episodenumber (a title code is an item: a title's text and the
episode it is, see data/events/rollup/encoding.py; an item without both numbers gets its most
frequent ones). MOVIE rows and rows without a content type stay titles at every level, and at
the title level every item of a text adds up to that title.
"""

from __future__ import annotations

import bisect
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from data.events.catalog import DIMENSION_NAMES
from data.events.rollup.encoding import show_of

if TYPE_CHECKING:  # the rollup builds its Top 10 table with these functions
    from data.events.rollup.model import Rollup

LEVELS = ("title", "season", "series")
DEFAULT_LEVEL = "title"
SERIES = "SERIES"
MOVIE = "MOVIE"


def season_name(show: str, season: int) -> str:
    """'Show: Season N', or the show alone when its season number is unknown (-1)."""
    return f"{show}: Season {season}" if season >= 0 else show


def show_of_entry(name: str) -> str:
    """The show of a season entry's name (season_name's inverse); a show's name is itself."""
    show, _, season = name.rpartition(": Season ")
    return show if show and season.isdigit() else name


def sessiontype_of_combos(rollup: Rollup) -> np.ndarray:
    """Per combination, its content type's name (MOVIE, SERIES or (none)), as an object array."""
    return combo_sessiontypes(rollup.values, rollup.combos)


def combo_sessiontypes(values, combos: np.ndarray) -> np.ndarray:
    """combo_sessiontypes(rollup.values, rollup.combos): the content type of each combination."""
    index = DIMENSION_NAMES.index("sessiontype")
    names = np.array(values[index] or ("",), dtype=object)
    return names[combos[:, index]] if len(combos) else np.empty(0, dtype=object)


@dataclass(frozen=True)
class Entries:
    """The entries of one level, in (name, rolled) order (ids index them): each title's
    non-SERIES rows stay that title, its SERIES rows roll up to a season or a show. A movie
    named like a show or a season is an entry of its own, never merged with it."""

    names: tuple[str, ...]
    rolled: np.ndarray  # bool per entry: SERIES rows rolled up (a season or a show)
    of_title: np.ndarray  # int64 per title code: the entry of its non-SERIES rows
    of_series_title: np.ndarray  # int64 per title code: the entry of its SERIES rows

    def of_rows(self, title: np.ndarray, combo: np.ndarray, is_series: np.ndarray) -> np.ndarray:
        """The entry of each (title, combination) row."""
        return np.where(is_series[combo], self.of_series_title[title], self.of_title[title])


def series_entry_names(rollup: Rollup, level: str) -> list[str]:
    """Per title code, the name its SERIES rows roll up to at the level."""
    return _rolled_names(rollup.titles, rollup.title_season.tolist(), level)


def _rolled_names(titles, seasons: list[int], level: str) -> list[str]:
    if level == "title":
        return list(titles)
    shows = [show_of(title) for title in titles]
    if level == "series":
        return shows
    return [season_name(show, season) for show, season in zip(shows, seasons, strict=True)]


# The last rollup's entries per level: a few thousand names and two arrays, made in Python
# (several milliseconds) and asked for by every title page. Held with a weak reference: a
# rollup replaced by a new version's is not kept alive, and a new one at its address differs.
_ENTRIES: dict[str, tuple[weakref.ref, Entries]] = {}


def entries(rollup: Rollup, level: str) -> Entries:
    """The entries of a level (`title`: every title is its own, SERIES rows too); read-only."""
    kept = _ENTRIES.get(level)
    if kept is not None and kept[0]() is rollup:
        return kept[1]
    made = entries_of(rollup.titles, rollup.title_season.tolist(), level)
    for array in (made.rolled, made.of_title, made.of_series_title):
        array.flags.writeable = False  # shared by every request: no one may change it
    _ENTRIES[level] = (weakref.ref(rollup), made)
    return made


def entries_of(titles: tuple[str, ...], seasons: list[int], level: str) -> Entries:
    """The entries of a level over titles (ascending) with their season numbers (-1: none)."""
    if level == "title":
        own, names = text_groups(titles)
        return Entries(names, np.zeros(len(names), dtype=bool), own, own)
    rolled = _rolled_names(titles, seasons, level)
    keys = sorted({(t, False) for t in titles} | {(n, True) for n in rolled})
    ids = {key: i for i, key in enumerate(keys)}
    return Entries(
        names=tuple(name for name, _ in keys),
        rolled=np.array([is_rolled for _, is_rolled in keys], dtype=bool),
        of_title=np.array([ids[t, False] for t in titles], dtype=np.int64),
        of_series_title=np.array([ids[n, True] for n in rolled], dtype=np.int64),
    )


def is_series_combo(rollup: Rollup) -> np.ndarray:
    """A bool per combination: are its events SERIES?"""
    return sessiontype_of_combos(rollup) == SERIES


def text_groups(titles: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """(per title code, the index of its text among the distinct texts; those texts): the
    items of one text are neighbours, since titles are sorted."""
    if not titles:
        return np.empty(0, dtype=np.int64), ()
    names = np.asarray(titles, dtype=object)
    starts = np.r_[True, names[1:] != names[:-1]]
    return np.cumsum(starts) - 1, tuple(names[starts].tolist())


def title_codes(rollup: Rollup, title: str) -> list[int]:
    """The codes of a title's items (titles are sorted): [] when no event has it."""
    i = bisect.bisect_left(rollup.titles, title)
    j = bisect.bisect_right(rollup.titles, title, lo=i)
    return list(range(i, j))


def titles_of_show(rollup: Rollup, show: str) -> list[int]:
    """Codes of the titles whose show is `show`: the title itself and "show, ..." ones."""
    if ", " in show:
        return []  # a show's name is the text before the first ", ": it has none
    codes = title_codes(rollup, show)
    prefix = show + ", "
    i = bisect.bisect_left(rollup.titles, prefix)
    while i < len(rollup.titles) and rollup.titles[i].startswith(prefix):
        codes.append(i)
        i += 1
    return codes
