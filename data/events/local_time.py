"""Local time: which local day (and hour) a stored event time falls on, under two zone settings.

REPORT_TIMEZONE is the zone days are counted in; EVENT_TIMEZONE says how a stored time without
an offset is read. Both default to UTC. The rules, for every store:

- When the two zones are the same, a stored value counts on the date it is written with (the
  rollup's fast path, what Reelboard has always done); only a PostgreSQL timestamptz, which is
  an instant, is then seen in the report zone.
- Otherwise a value with a time is read as a time in EVENT_TIMEZONE (or at its own offset, when
  its text carries one: "Z", "+02:00") and counts on its date in REPORT_TIMEZONE.
- A value that is a date alone (no time) is a day already: it counts on that day.
- A local time that falls twice (the hour a clock is turned back) is the later one, standard
  time; one that never happens (the hour skipped when a clock is turned forward) is read with
  the offset in force before the jump: 02:30 on 2025-03-30 in Europe/Oslo is 01:30 UTC. Both are
  PostgreSQL's own rules for `AT TIME ZONE`, so both stores count the same days.
- A value whose date is readable but whose time is not, or which lies within two days of the
  calendar's ends (0001-01-01, 9999-12-31: sentinels the date bounds leave out anyway), counts on
  the date it is written with.

A day with a daylight-saving change has 23 or 25 hours and is still one day: day numbers are
calendar dates, never 24-hour steps.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

UTC = "UTC"
# How far (in days) a stored day's events may land from it in local days: offsets lie within
# +-26 hours of each other, and a text offset moves the instant by less than a day more.
MARGIN_DAYS = 2
NO_HOUR = -1  # the hour of a value that has none (a date alone) or is not read
# An offset at the end of the time (after the date and its ' ' or 'T'): "Z", "+02", "-05:00".
_AT_END = r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)$"
_OFFSET = re.compile(r"^.{11}.*" + _AT_END, re.DOTALL)
# Values this near the calendar's ends keep their written date (converting them could leave it).
_FIRST_SAFE = np.datetime64("0001-01-03")
_LAST_SAFE = np.datetime64("9999-12-29")
_GAP = pd.Timedelta(hours=6)  # longer than any clock jump: to read a skipped time (see above)


class ZoneError(ValueError):
    """A zone name the zone database does not know."""


def check_zone(setting: str, name: object) -> str:
    """The IANA zone name a setting gives, or ZoneError saying what is wrong."""
    text = str(name if name is not None else "").strip() or UTC
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ZoneError(
            f"{setting} must be an IANA time zone name like Europe/Oslo or UTC, got {name!r}"
        ) from None
    return text


@dataclass(frozen=True)
class Zones:
    """REPORT_TIMEZONE and EVENT_TIMEZONE (see the module's docstring)."""

    report: str = UTC
    event: str = UTC

    @property
    def converts(self) -> bool:
        """Whether stored times without an offset change date on their way to a local day."""
        return self.report != self.event

    @property
    def key(self) -> str:
        """The settings, for naming a rollup built with them; '' for the defaults."""
        return "" if (self.report, self.event) == (UTC, UTC) else f"{self.report}|{self.event}"

    def today(self, now: dt.datetime) -> dt.date:
        """The report zone's date at `now` (a naive now is UTC)."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        return now.astimezone(zoneinfo.ZoneInfo(self.report)).date()


UTC_ZONES = Zones()


def _localized(naive: pd.DatetimeIndex, zone: str) -> pd.DatetimeIndex:
    """Naive times read in a zone, by the rules of the module's docstring (never NaT)."""
    ambiguous = np.zeros(len(naive), dtype=bool)  # False: standard time, the later one
    aware = naive.tz_localize(zone, ambiguous=ambiguous, nonexistent="NaT")
    skipped = aware.isna() & ~naive.isna()
    if skipped.any():
        # Read at the offset before the jump: six hours earlier is before it, then add them.
        earlier = naive[skipped] - _GAP
        shifted = earlier.tz_localize(zone, ambiguous=ambiguous[skipped], nonexistent="NaT")
        aware = aware.where(~skipped, pd.DatetimeIndex(shifted + _GAP).tz_convert(zone))
    return aware


def local_day_hour(
    values: np.ndarray, written_days: np.ndarray, zones: Zones, no_day: int
) -> tuple[np.ndarray, np.ndarray]:
    """(local day number, local hour) of each stored value: local_times without the seconds."""
    return local_times(values, written_days, zones, no_day)[:2]


def local_times(
    values: np.ndarray, written_days: np.ndarray, zones: Zones, no_day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(local day number, local hour 0..23 or NO_HOUR, local second of the day or -1) of each
    stored value, given the day each
    is written with (no_day where it names none, then left so). Values are text as stored
    ('2025-03-30 22:30:00', '2025-03-30T22:30:00+02:00', '2025-03-30'); see the module's
    docstring for the rules (with equal zones: the day and hour as written). Only the distinct
    values are parsed; the rollup's days come from event_days (data/events/rollup/encoding.py),
    which calls this only when the zones convert."""
    days = np.asarray(written_days, dtype=np.int64).copy()
    hours = np.full(days.shape, NO_HOUR, dtype=np.int8)
    seconds = np.full(days.shape, -1, dtype=np.int64)
    text = pd.Series(np.asarray(values, dtype=object), dtype=object)
    timed = (days != no_day) & (text.str.len() > 10).to_numpy()
    if not timed.any():
        return days, hours, seconds
    codes, uniques = pd.factorize(text[timed])
    uniques = pd.Series(uniques, dtype=object)
    with_offset = uniques.str.contains(_OFFSET).to_numpy(dtype=bool)
    if not zones.converts:
        # Written in the report zone already (the module's first rule): the time as written,
        # an offset in the text not read.
        uniques = uniques.where(~with_offset, uniques.str.replace(_AT_END, "", regex=True))
        with_offset = np.zeros_like(with_offset)
    local = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[us]")
    for has_offset in (False, True):
        part = uniques[with_offset == has_offset]
        if part.empty:
            continue
        parsed = pd.to_datetime(part, format="ISO8601", errors="coerce", utc=has_offset)
        inside = (parsed >= _safe(_FIRST_SAFE, has_offset)) & (
            parsed <= _safe(_LAST_SAFE, has_offset)
        )
        parsed = parsed[inside]
        if parsed.empty:
            continue
        instants = pd.DatetimeIndex(parsed)
        if not zones.converts:
            seen = instants.as_unit("us")
        else:
            if not has_offset:
                instants = _localized(instants, zones.event)
            seen = instants.tz_convert(zones.report).tz_localize(None).as_unit("us")
        local[parsed.index] = seen
    known = ~local.isna().to_numpy()
    stamps = local.to_numpy().astype("datetime64[us]")
    unique_days = np.where(known, stamps.astype("datetime64[D]").astype(np.int64), no_day)
    unique_hours = np.where(known, (stamps.astype("datetime64[h]").astype(np.int64) % 24), -1)
    unique_seconds = np.where(known, stamps.astype("datetime64[s]").astype(np.int64) % 86_400, -1)
    row_days, row_hours = unique_days[codes], unique_hours[codes].astype(np.int8)
    read = row_days != no_day  # unreadable times keep the date they are written with
    timed_days = days[timed]
    timed_days[read] = row_days[read]
    days[timed] = timed_days
    hours[timed] = np.where(read, row_hours, NO_HOUR)
    seconds[timed] = np.where(read, unique_seconds[codes], -1)
    return days, hours, seconds


def _safe(bound: np.datetime64, aware: bool):
    """A calendar bound comparable with parsed times (aware ones are UTC)."""
    stamp = pd.Timestamp(bound)
    return stamp.tz_localize(dt.UTC) if aware else stamp
