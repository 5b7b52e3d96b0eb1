"""Parse and validate the analysis parameters shared by the /data routes and the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS

SESSIONTYPES = ("MOVIE", "SERIES")
DEFAULT_NUM = 10
NUM_MIN, NUM_MAX = 1, 1000

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_RE = re.compile(r"[0-9]{1,12}")
_SHOWN = 40  # characters of a bad value echoed back: enough to recognise it, never a flood


class InvalidParameter(ValueError):
    """A request parameter is malformed or out of range; the message says what is allowed."""


@dataclass(frozen=True)
class Filters:
    """Which events an analysis covers: event dates start..end (inclusive) and the session type."""

    start: dt.date | None = None
    end: dt.date | None = None
    sessiontype: str | None = None  # "MOVIE" | "SERIES" | None for all


def shown(value: object) -> str:
    """A short, safe rendering of a rejected value for an error message."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _missing(value: object) -> bool:
    """None and the empty string both mean "not given" (an empty form field)."""
    return value is None or value == ""


def _choice(value: object, choices: tuple[str, ...], normal: str, name: str, default: str) -> str:
    """value, case-insensitive, if it is one of choices (written in `normal` case: lower/upper)."""
    if isinstance(value, str) and getattr(value, normal)() in choices:
        return getattr(value, normal)()
    raise InvalidParameter(
        f"{name} must be one of {', '.join(choices)} ({default}), got {shown(value)}"
    )


def parse_resolution(value: object) -> str:
    """'daily' (default), 'weekly' or 'monthly', case-insensitive."""
    if _missing(value):
        return DEFAULT_RESOLUTION
    return _choice(value, RESOLUTIONS, "lower", "resolution", f"default {DEFAULT_RESOLUTION}")


def parse_num(value: object) -> int:
    """Toplist length: an integer from 1 to 1000 (default 10)."""
    message = f"num must be an integer from {NUM_MIN} to {NUM_MAX} (default {DEFAULT_NUM})"
    if _missing(value):
        return DEFAULT_NUM
    if isinstance(value, bool):
        raise InvalidParameter(f"{message}, got {shown(value)}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INT_RE.fullmatch(value):
        # ASCII digits only: int() would also take '+5', ' 5', '1_0' and other scripts' digits.
        number = int(value)
    else:
        raise InvalidParameter(f"{message}, got {shown(value)}")
    if not NUM_MIN <= number <= NUM_MAX:
        raise InvalidParameter(f"{message}, got {shown(number)}")
    return number


def parse_date(value: object, name: str = "date") -> dt.date:
    """A real calendar date written exactly as YYYY-MM-DD (a date object passes through)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidParameter(
                f"{name} must be a real calendar date as YYYY-MM-DD, got {shown(value)}"
            ) from None
    raise InvalidParameter(f"{name} must be a date as YYYY-MM-DD, got {shown(value)}")


def parse_sessiontype(value: object) -> str | None:
    """'MOVIE' or 'SERIES' (case-insensitive); None or '' means all session types."""
    if _missing(value):
        return None
    return _choice(value, SESSIONTYPES, "upper", "sessiontype", "or left out for all")


def parse_filters(params: Mapping) -> Filters:
    """Filters from start, end and sessiontype in a mapping (first value of a repeated key)."""
    start = params.get("start")
    end = params.get("end")
    filters = Filters(
        start=None if _missing(start) else parse_date(start, "start"),
        end=None if _missing(end) else parse_date(end, "end"),
        sessiontype=parse_sessiontype(params.get("sessiontype")),
    )
    check_order(filters.start, filters.end)
    return filters


def check_order(start: dt.date | None, end: dt.date | None) -> None:
    """Raise InvalidParameter when both dates are given and start is after end."""
    if start and end and start > end:
        raise InvalidParameter(
            f"start ({start.isoformat()}) must not be after end ({end.isoformat()})"
        )
