"""Which partitions of days a change rebuilds, and the state that says which pieces make a store.

Partitions are calendar months, except in the month of the data's latest day (the hot month),
where each day is its own partition: a pipeline appending to today rebuilds today, not the month.
A month that is no longer hot has its day pieces merged into one (compaction). The state
(`pieces/state.json` under a store's rollup folder) names the pieces, the vocabulary file their
codes come from, and the change log's (touches, stamp) per day at the build
(data/events/stores/change_log.py): a day whose pair differs now was changed since, by anyone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from data.events.periods import day_number, period_of, period_start
from data.events.rollup.encoding import NO_DAY, day_of_value

# Of the pieces and the state: another value makes the next build a full one (4: the season
# dimension; 5: each piece's per-user sequences of titled events, seq_*; 6: and its groups by
# hour, hour_* and houruser_*, and minutes along its user triples).
FORMAT = 6
_STATE = "state.json"


@dataclass(frozen=True)
class Entry:
    """A published piece: its folder's name and the days it covers (inclusive)."""

    name: str
    first_day: int
    last_day: int


@dataclass(frozen=True)
class State:
    """What makes up a store's rollup now (see the module's docstring)."""

    vocabulary: str  # the vocabulary file's name
    entries: tuple[Entry, ...]
    # day text -> [touches, stamp] from the change log at the build; None: built without one
    touches: dict[str, list] | None = field(default=None)
    zones: str = ""  # Zones.key of the days the pieces hold ('' for UTC)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "vocabulary": self.vocabulary,
            "entries": [[e.name, e.first_day, e.last_day] for e in self.entries],
            "touches": self.touches,
            "zones": self.zones,
        }

    @classmethod
    def from_json(cls, data: dict) -> State | None:
        if data.get("format") != FORMAT:
            return None
        entries = tuple(Entry(name, int(a), int(b)) for name, a, b in data["entries"])
        return cls(data["vocabulary"], entries, data.get("touches"), data.get("zones", ""))


def pieces_root(root: Path) -> Path:
    """The folder of a store's pieces, vocabularies and state (under its rollup folder)."""
    return root / "pieces"


def load_state(root: Path) -> State | None:
    """The published state, or None (none yet, another format, unreadable: build it all)."""
    try:
        with open(pieces_root(root) / _STATE, encoding="utf-8") as handle:
            return State.from_json(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_state(root: Path, state: State) -> None:
    """Publish a state atomically: written aside, flushed, renamed over the old one."""
    folder = pieces_root(root)
    tmp = folder / f".{_STATE}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(state.to_json(), handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / _STATE)


def month_of(day: int) -> tuple[int, int]:
    """(first, last) day number of the month of a day."""
    return month_range(int(period_of(day, "monthly")))


def month_range(month: int) -> tuple[int, int]:
    """(first, last) day number of a month (number)."""
    return int(period_start(month, "monthly")), int(period_start(month + 1, "monthly")) - 1


def day_of_text(text: str) -> int:
    """The day number a change log's day text names, or NO_DAY (unreadable dates count nowhere)."""
    return day_of_value(text)


def changed_days(state: State, touches: dict[str, object], margin: int = 0) -> set[int] | None:
    """Local days a stored day whose (touches, stamp) differ from the state's can reach (margin
    days either side of it, data/events/local_time.py); None when the change cannot be
    attributed to days (a log that went back, a TRUNCATE): then everything is rebuilt."""
    if state.touches is None or state.touches.get("*") != touches.get("*"):
        return None  # the log was (re)made, or a TRUNCATE: what changed is unknown
    if any(day not in touches for day in state.touches):
        return None  # the log was emptied or the table made anew
    days = set()
    for text, pair in touches.items():
        if state.touches.get(text) != pair:
            day = day_of_text(text)
            if day != NO_DAY:
                days.update(range(day - margin, day + margin + 1))
    return days


def hot_month(ranges, bounds: tuple[dt.date, dt.date]) -> int | None:
    """The month (number) of the latest day within bounds of the (first, last) day ranges
    that hold rows, or None."""
    lo, hi = day_number(bounds[0]), day_number(bounds[1])
    inside = [min(last, hi) for first, last in ranges if first <= hi and last >= lo]
    return int(period_of(max(inside), "monthly")) if inside else None


def plan(
    entries: tuple[Entry, ...], changed: set[int], hot: int | None
) -> tuple[list[Entry], list[tuple[int, int]]]:
    """(the entries kept as they are, the (first, last) partitions to build) for the changed
    days: a day in a piece rebuilds that piece; a new day gets its own piece in the hot month
    or in a month made of day pieces, else its month's piece."""
    rebuild: set[tuple[int, int]] = set()
    dropped: set[str] = set()
    for day in changed:
        covering = [e for e in entries if e.first_day <= day <= e.last_day]
        if covering:
            for entry in covering:
                rebuild.add((entry.first_day, entry.last_day))
                dropped.add(entry.name)
            continue
        first, last = month_of(day)
        days_in_month = any(
            first <= e.first_day <= last and e.first_day == e.last_day for e in entries
        )
        if days_in_month or period_of(day, "monthly") == hot:
            rebuild.add((day, day))
        else:
            rebuild.add((first, last))
    kept = [e for e in entries if e.name not in dropped]
    return kept, sorted(rebuild)


def to_compact(entries: tuple[Entry, ...], hot: int | None) -> list[list[Entry]]:
    """The day pieces of each month other than the hot one, to be merged into a month piece
    (a month is either one month piece or day pieces, never both: see plan)."""
    months: dict[int, list[Entry]] = {}
    for entry in entries:
        month = int(period_of(entry.first_day, "monthly"))
        if entry.first_day == entry.last_day and month != hot:
            months.setdefault(month, []).append(entry)
    return [sorted(group, key=lambda e: e.first_day) for _, group in sorted(months.items())]
