"""An independent plain-pandas reference of the viewing analytics, written from its specification.

Every function takes the raw movies rows (a DataFrame of values as SQLite returns them: text,
numbers, None, '') or `prepare(raw)` of them (the same answers, without re-reading the rows).
Nothing here is shared with data/events: the property tests compare the engine against it.
Days and periods are date ordinals (dt.date.toordinal), so any calendar date is representable.
Text (titles, device, market, userid) names what it says with the tutorial file's `<xx>` byte
escapes decoded, so "p<e5>" and "på" are one title.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from fractions import Fraction

import numpy as np
import pandas as pd

NONE, OTHER = "(none)", "(other)"
DIMENSIONS = ("sessiontype", "device", "market", "season")
SESSIONTYPES = ("MOVIE", "SERIES")
METRICS = ("unique_users", "minutes_watched", "views", "minutes_per_viewer", "completion_rate")
RANK_BY = {"completion_rate": "views", "minutes_per_viewer": "unique_users"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PREPARED = "reference_prepared"
_ZERO = {"users": 0, "minutes": 0.0, "views": 0, "completed": 0, "rated": 0}
# Events dated before 1970-01-01 or after tomorrow (UTC) are left out (sentinels such as
# 0001-01-01 and 9999-12-31); the defaults of EVENTS_EARLIEST_DATE and the future's tolerance.
EARLIEST = dt.date(1970, 1, 1).toordinal()


def _latest() -> int:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).toordinal()


def _is_null(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _day(value: object) -> int | None:
    """The event day's ordinal, or None when event_date does not start with a real date or
    that date is outside EARLIEST.._latest()."""
    if not isinstance(value, str) or not _DATE.fullmatch(value[:10]):
        return None
    if len(value) > 10 and value[10] not in (" ", "T"):
        return None
    try:
        day = dt.date(int(value[:4]), int(value[5:7]), int(value[8:10])).toordinal()
    except ValueError:
        return None
    return day if EARLIEST <= day <= _latest() else None


_HOUR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([0-9]{2})(?::.*)?", re.DOTALL)


def _hour(value: object) -> int:
    """The hour 0..23 of 'YYYY-MM-DD HH:MM:SS' (or 'THH', a bare 'HH'), -1 without one."""
    match = _HOUR.fullmatch(value) if isinstance(value, str) else None
    return int(match.group(1)) if match and int(match.group(1)) < 24 else -1


# The tutorial file's escapes: a byte 0x80..0xFF written as `<xx>`; a run of them is read as
# those bytes would be (UTF-8 where they are, else each byte as cp1252, latin-1 in its holes).
_ESCAPE_RUN = re.compile(r"(?:<[89a-fA-F][0-9a-fA-F]>)+")
_CP1252_HOLES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _byte_letter(byte: int) -> str:
    return chr(byte) if byte in _CP1252_HOLES else bytes([byte]).decode("cp1252")


def _unescaped_run(match: re.Match) -> str:
    data = bytes(int(match.group()[i + 1 : i + 3], 16) for i in range(0, len(match.group()), 4))
    # surrogateescape keeps each byte that is not UTF-8 as U+DC80..U+DCFF: read it as cp1252.
    text = data.decode("utf-8", "surrogateescape")
    return "".join(_byte_letter(ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)


def _unescaped(value: object) -> object:
    """Text with its `<xx>` escapes decoded (the name it stands for); other values as they are."""
    return _ESCAPE_RUN.sub(_unescaped_run, value) if isinstance(value, str) else value


def _sessiontype(value: object) -> str:
    if _is_null(value):
        return NONE
    text = str(value)
    if not text.isascii():  # only ASCII letters fold: 'ſERIES' is not SERIES
        return NONE
    text = text.strip().upper()
    return text if text in SESSIONTYPES else NONE


# A seasonnumber's text: decimal digits, maybe a sign, a point and an exponent.
_SEASON_TEXT = re.compile(r"\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))(?:[eE]([-+]?[0-9]+))?\s*")


def _season_text(text: str) -> Fraction | None:
    match = _SEASON_TEXT.fullmatch(text)
    if match is None:
        return None
    # Not Fraction's own reading: it also takes '1_0' and '3/4', and 10**exponent is slow.
    mantissa, exponent = Fraction(match.group(1)), int(match.group(2) or 0)
    if mantissa == 0:
        return mantissa
    if abs(exponent) > len(text) + 20:  # no whole number below 2**53 either way
        return None
    return mantissa * Fraction(10) ** exponent


def _season(value: object) -> str:
    """The season a seasonnumber names: a whole number from 0 below 2**53, written plainly
    ('03', ' 2 ', '1.0' and 1.0 are '3', '2', '1', '1'); anything else has none."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        number = _season_text(value)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        number = Fraction(int(value))
    elif isinstance(value, (float, np.floating)) and math.isfinite(value):
        number = Fraction(float(value))
    else:
        number = None
    if number is None or number.denominator != 1 or not 0 <= number < 2**53:
        return NONE
    return str(number.numerator)


def _plain(value: object) -> str:
    return NONE if _is_null(value) or value == "" else _unescaped(str(value))


def _title(value: object) -> str | None:
    return None if _is_null(value) or value == "" else _unescaped(str(value))


def prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """The rows with a readable day, as day, user, numbers, title and dimension value names."""
    if raw.attrs.get(_PREPARED):
        return raw
    days = [_day(v) for v in raw["event_date"]]
    keep = np.array([d is not None for d in days], dtype=bool)
    rows = raw[keep]
    minutes = pd.to_numeric(rows["totalminuteswatched"], errors="coerce").astype("float64")
    # Unknown, adding nothing: negative, from 2**53 on (inexact), infinite or not a number.
    minutes = minutes.where((minutes >= 0) & (minutes < 2.0**53), 0.0)
    percent = pd.to_numeric(rows["viewpercentage"], errors="coerce").astype("float64")
    percent = percent.where(np.isfinite(percent))  # 1e309 is infinity: not a measured share
    out = pd.DataFrame(
        {
            "day": np.array([d for d in days if d is not None], dtype=np.int64),
            "hour": np.array([_hour(v) for v in rows["event_date"]], dtype=np.int64),
            "user": np.array([_unescaped(v) for v in rows["userid"]], dtype=object),
            "minutes": minutes.to_numpy(),
            "completed": (percent >= 90).to_numpy(),
            "rated": percent.notna().to_numpy(),
            "title": [_title(v) for v in rows["title"]],
            "sessiontype": [_sessiontype(v) for v in rows["sessiontype"]],
            "device": [_plain(v) for v in rows["device"]],
            "market": [_plain(v) for v in rows["market"]],
            # Hand-written frames may leave the column out: no season.
            "season": [_season(v) for v in rows.get("seasonnumber", [None] * len(rows))],
        }
    )
    out.attrs[_PREPARED] = True
    out.attrs["whole"] = bool((out["minutes"] == np.trunc(out["minutes"])).all())
    return out


def _select(ev: pd.DataFrame, start, end, where) -> pd.DataFrame:
    keep = np.ones(len(ev), dtype=bool)
    if start is not None:
        keep &= (ev["day"] >= start.toordinal()).to_numpy()
    if end is not None:
        keep &= (ev["day"] <= end.toordinal()).to_numpy()
    for dimension, values in (where or {}).items():
        keep &= ev[dimension].isin(list(values)).to_numpy()
    return ev[keep]


def _period(day: int, resolution: str) -> int:
    date = dt.date.fromordinal(day)
    if resolution == "weekly":
        return day - date.weekday()
    if resolution == "monthly":
        return date.replace(day=1).toordinal()
    return day


def _following(period: int, resolution: str) -> int:
    if resolution == "weekly":
        return period + 7
    if resolution == "monthly":
        date = dt.date.fromordinal(period)
        year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
        return dt.date(year, month, 1).toordinal()
    return period + 1


def _span(ev, start, end, where):
    """(rows of lo..hi, lo, hi) of a series, or None when it is empty."""
    rows = _select(ev, start, end, where)
    lo = start.toordinal() if start is not None else (rows["day"].min() if len(rows) else None)
    hi = end.toordinal() if end is not None else (rows["day"].max() if len(rows) else None)
    if lo is None or hi is None or lo > hi:
        return None
    return rows, int(lo), int(hi)


def _periods(lo: int, hi: int, resolution: str) -> list[int]:
    period, last, out = _period(lo, resolution), _period(hi, resolution), []
    while period <= last:
        out.append(period)
        period = _following(period, resolution)
    return out


def _measures(rows: pd.DataFrame, keys) -> dict:
    """{key: {"users", "minutes", "views", "completed", "rated"}} per group of keys."""
    if len(rows) == 0:
        return {}
    grouped = rows.groupby(keys, sort=False)
    table = pd.DataFrame(
        {
            "users": grouped["user"].nunique(),
            "minutes": grouped["minutes"].sum(),
            "views": grouped.size(),
            "completed": grouped["completed"].sum(),
            "rated": grouped["rated"].sum(),
        }
    )
    return table.to_dict("index")


def _value(record: dict | None, metric: str, whole: bool):
    record = record or _ZERO
    if metric == "unique_users":
        return int(record["users"])
    if metric == "minutes_watched":
        return int(record["minutes"]) if whole else float(record["minutes"])
    if metric == "minutes_per_viewer":  # all the minutes (a NULL userid's too) over the viewers
        minutes = _value(record, "minutes_watched", whole)
        return minutes / int(record["users"]) if record["users"] else None
    if metric == "views":
        return int(record["views"])
    rated = int(record["rated"])
    return round(int(record["completed"]) / rated, 4) if rated else None


def _label(period: int) -> str:
    return dt.date.fromordinal(period).isoformat()


def timeseries(raw, metric, resolution, start=None, end=None, where=None) -> list[dict]:
    """[{"date", "values"}] per period, zero-filled over the periods of lo..hi."""
    ev = prepare(raw)
    span = _span(ev, start, end, where)
    if span is None:
        return []
    rows, lo, hi = span
    periods = _periods(lo, hi, resolution)
    period_of = rows["day"].map(lambda d: _period(int(d), resolution))
    per = _measures(rows, period_of)
    whole = ev.attrs["whole"]
    return [{"date": _label(p), "values": _value(per.get(p), metric, whole)} for p in periods]


def _rank_field(metric: str) -> str:
    """The measure a breakdown ranks its values by, over the whole range."""
    rank_by = RANK_BY.get(metric, metric)
    return {"unique_users": "users", "minutes_watched": "minutes", "views": "views"}[rank_by]


def breakdown(
    raw, metric, resolution, start=None, end=None, where=None, dimension="device", limit=5
) -> list[dict]:
    """[{"date", dimension, "values"}] per period and group: the top `limit` values, (other)."""
    ev = prepare(raw)
    span = _span(ev, start, end, where)
    if span is None:
        return []
    rows, lo, hi = span
    totals = _measures(rows, rows[dimension])
    field = _rank_field(metric)
    ranked = sorted(totals, key=lambda value: (-totals[value][field], value))
    top, rest = ranked[:limit], ranked[limit:]
    names = top + ([OTHER] if rest else [])
    if not names:
        return []
    rank = {value: i for i, value in enumerate(top)}
    group = rows[dimension].map(lambda value: rank.get(value, len(top)))
    period_of = rows["day"].map(lambda d: _period(int(d), resolution))
    per = _measures(rows, [group, period_of])
    whole = ev.attrs["whole"]
    return [
        {"date": _label(p), dimension: name, "values": _value(per.get((g, p)), metric, whole)}
        for p in _periods(lo, hi, resolution)
        for g, name in enumerate(names)
    ]


def toplist(raw, num, start=None, end=None, where=None) -> list[dict]:
    """[{"title", "values"}]: the num most viewed titles, ties by title."""
    rows = _select(prepare(raw), start, end, where)
    counts = rows["title"].dropna().value_counts()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:num]
    return [{"title": title, "values": int(views)} for title, views in ranked]


def kpis(raw, start=None, end=None, where=None) -> dict:
    """unique_users, minutes_watched, views, minutes_per_viewer, completed_views,
    completion_rate."""
    ev = prepare(raw)
    rows = _select(ev, start, end, where)
    minutes = float(rows["minutes"].sum())
    minutes = int(minutes) if ev.attrs["whole"] else minutes
    users = int(rows["user"].nunique())
    rated, completed = int(rows["rated"].sum()), int(rows["completed"].sum())
    return {
        "unique_users": users,
        "minutes_watched": minutes,
        "minutes_per_viewer": minutes / users if users else None,
        "views": len(rows),
        "completed_views": completed,
        "completion_rate": round(completed / rated, 4) if rated else None,
    }


def dimensions(raw, start=None, end=None) -> dict:
    """{dimension: [{"value", "views"}]} of the values viewed on start..end, most viewed first."""
    rows = _select(prepare(raw), start, end, None)
    out = {}
    for dimension in DIMENSIONS:
        counts = rows[dimension].value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        out[dimension] = [{"value": value, "views": int(views)} for value, views in ranked]
    return out
