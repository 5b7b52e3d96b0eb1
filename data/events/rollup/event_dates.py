"""What an event_date value says: its local day and hour, read by one rule on both stores."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from data.events.local_time import UTC_ZONES, Zones, local_times
from data.events.periods import day_number

_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NO_DAY = np.iinfo(np.int64).min


def day_of_value(value: object) -> int:
    """Day number of an event_date value, or NO_DAY when it does not start with a real date."""
    if not isinstance(value, str) or len(value) < 10 or not _DAY_RE.fullmatch(value[:10]):
        return NO_DAY
    if len(value) > 10 and value[10] not in " T":
        return NO_DAY
    try:
        return day_number(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return NO_DAY


# What a reader keeps of event_date: its day and its hour ('YYYY-MM-DD HH:'), so that the
# distinct values stay a few per day (readers cut the text in SQL to this length).
DATE_TEXT_CHARS = 14
NO_HOUR = -1


def hour_of_value(value: object) -> int:
    """The hour (0..23) an event_date value names as written, NO_HOUR without a readable time
    ('YYYY-MM-DD' alone, 'YYYY-MM-DD 7:05'); event_days_hours converts it when the zones do."""
    if day_of_value(value) == NO_DAY or len(value) < 13:
        return NO_HOUR
    digits = value[11:13]
    if not (digits.isascii() and digits.isdigit()) or (len(value) > 13 and value[13] != ":"):
        return NO_HOUR
    hour = int(digits)
    return hour if hour < 24 else NO_HOUR


def date_text(value: object) -> object:
    """event_date cut to what a reader keeps (DATE_TEXT_CHARS) where the day rule allows, as
    the SQL readers cut it; other values are kept whole and read by the same rules."""
    if isinstance(value, str) and len(value) > 10 and value[10] in " T":
        return value[:DATE_TEXT_CHARS]
    return value


def factorized(column: np.ndarray) -> tuple[np.ndarray, list]:
    """(codes, distinct values) of a column, NULL coded as len(values), the slot after them."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    codes[codes < 0] = len(uniques)
    return codes, uniques.tolist()


def event_days_hours(column: np.ndarray, zones: Zones = UTC_ZONES) -> tuple:
    """(local day number, local hour, local second of the day or None) per row: NO_DAY for
    unreadable dates, NO_HOUR (and second -1) without a readable time (data/events/local_time.py
    has the rules); parses each distinct value once. The seconds come only when the zones
    convert: otherwise the time is read as written (rollup/event_time.py)."""
    codes, uniques = factorized(column)
    if zones.converts:
        # Times are mostly distinct: the day they are written with is read once per day (the
        # rule reads a value's first 11 characters), then each distinct time is converted.
        values = np.array([*uniques, None], dtype=object)
        heads = np.array([v[:11] if isinstance(v, str) else None for v in values], dtype=object)
        days, hours, seconds = local_times(values, event_days(heads), zones, NO_DAY)
        return days[codes], hours.astype(np.int8)[codes], seconds[codes]
    days = np.array([day_of_value(value) for value in uniques] + [NO_DAY], dtype=np.int64)
    hours = np.array([hour_of_value(value) for value in uniques] + [NO_HOUR], dtype=np.int8)
    return days[codes], hours[codes], None


def event_days(column: np.ndarray, zones: Zones = UTC_ZONES) -> np.ndarray:
    """Local day number per row (NO_DAY for unreadable dates)."""
    return event_days_hours(column, zones)[0]
