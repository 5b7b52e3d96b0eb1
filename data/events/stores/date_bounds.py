"""Which event dates count: from the earliest day allowed to a day or so after now, no further."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from data.events.local_time import UTC_ZONES, Zones
from data.events.periods import day_number
from data.events.rollup.encoding import NO_DAY, event_days
from data.events.rollup.model import Rollup

EARLIEST_DATE = dt.date(1970, 1, 1)
FUTURE_TOLERANCE_DAYS = 1


def utc_now() -> dt.datetime:
    """The real clock, in UTC (the zone event dates are stored in)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DateBounds:
    """Events dated before `earliest`, or after the day `future_days` past today (local), are
    sentinels (0001-01-01, 9999-12-31) or mistakes, not viewing: an import refuses them and
    the engine leaves out those that another program wrote. `now` fixes the clock (tests);
    None reads the real one, so that a row's date is judged against the day it is read. Days
    are the report zone's (`zones`, data/events/local_time.py), today included."""

    earliest: dt.date = EARLIEST_DATE
    future_days: int = FUTURE_TOLERANCE_DAYS
    now: dt.datetime | None = None
    zones: Zones = UTC_ZONES

    @property
    def key(self) -> str:
        """The settings, for naming a rollup built with them (the clock is not one); '' for the
        defaults, so that a fingerprint taken without bounds names the same version. Other
        zones are another version: the same rows fall on other days."""
        zones = f" {self.zones.key}" if self.zones.key else ""
        if (self.earliest, self.future_days) == (EARLIEST_DATE, FUTURE_TOLERANCE_DAYS):
            return zones.strip()
        return f"{self.earliest.isoformat()}+{self.future_days}d{zones}"

    def clock(self, store_now: dt.datetime | None = None) -> dt.datetime:
        """The fixed now, else the store's (PostgreSQL's own clock), else this machine's."""
        return self.now or store_now or utc_now()

    def latest(self, now: dt.datetime) -> dt.date:
        """The last day an event may be dated on, at `now`."""
        # Capped at the calendar's end: a huge tolerance allows every date, it does not fail.
        today = self.zones.today(now)
        ordinal = min(today.toordinal() + self.future_days, dt.date.max.toordinal())
        return dt.date.fromordinal(ordinal)

    def days(self, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """(earliest, latest) day allowed at `now`, both inclusive."""
        return self.earliest, self.latest(now)

    def reason(self, day: dt.date, now: dt.datetime) -> str | None:
        """Why an event of that day is refused at `now`, or None when it may be imported."""
        if day < self.earliest:
            return f"is before {self.earliest.isoformat()}, the earliest date allowed"
        latest = self.latest(now)
        if day > latest:
            return (
                f"is after {latest.isoformat()}, more than {self._days_text()} after the "
                "import; no viewing happens in the future"
            )
        return None

    def _days_text(self) -> str:
        return "1 day" if self.future_days == 1 else f"{self.future_days} days"

    def args(self) -> list[str]:
        """The bounds as arguments of a builder process (data/events/rollup/sqlite_source.py)."""
        fixed = [] if self.now is None else [self.now.isoformat()]
        zones = [f"zones={self.zones.report},{self.zones.event}"] if self.zones.key else []
        return [self.earliest.isoformat(), str(self.future_days), *fixed, *zones]

    @classmethod
    def from_args(cls, args: Sequence[str]) -> DateBounds:
        """The inverse of args(); none given: the defaults. ValueError for anything else."""
        zones = UTC_ZONES
        if args and args[-1].startswith("zones="):
            report, event = args[-1].removeprefix("zones=").split(",")
            zones, args = Zones(report, event), args[:-1]
        if not args:
            return cls(zones=zones)
        if len(args) not in (2, 3):
            raise ValueError("expected EARLIEST_DATE FUTURE_DAYS [NOW] [zones=REPORT,EVENT]")
        now = dt.datetime.fromisoformat(args[2]) if len(args) == 3 else None
        return cls(dt.date.fromisoformat(args[0]), int(args[1]), now, zones)


DEFAULT_BOUNDS = DateBounds()  # the settings' defaults, on the real clock


def keep_within(
    columns: Mapping[str, Sequence], first: dt.date, last: dt.date, zones: Zones = UTC_ZONES
) -> tuple[Mapping[str, Sequence], int]:
    """(the columns without the rows whose readable event_date lies outside first..last, local
    days, how many rows those were). Unreadable dates are left to the encoding, which drops
    them."""
    days = event_days(np.asarray(columns["event_date"], dtype=object), zones)
    outside = (days != NO_DAY) & ((days < day_number(first)) | (days > day_number(last)))
    left_out = int(np.count_nonzero(outside))
    if not left_out:
        return columns, 0
    inside = ~outside
    kept = {name: np.asarray(values, dtype=object)[inside] for name, values in columns.items()}
    return kept, left_out


def with_left_out(rollup: Rollup, left_out: int, days: tuple[dt.date, dt.date]) -> Rollup:
    """The rollup, saying how many events its build left out, and of which days it kept."""
    return replace(rollup, left_out=left_out, bounds=tuple(day.isoformat() for day in days))
