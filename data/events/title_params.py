"""Parse and validate the parameters of the title insights: level, title or series, week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from data.events.analysis.shows import DEFAULT_LEVEL, LEVELS
from data.events.ingest.csv_rows import MAX_FIELD_CHARS
from data.events.ingest.text_decoding import decode_escapes
from data.events.params import (
    Filters,
    InvalidParameter,
    _all_values,
    _missing,
    parse_date,
    parse_filters,
    parse_sessiontype,
    shown,
)

MAX_TITLE_CHARS = MAX_FIELD_CHARS  # every title an import can store can be asked for


def parse_level(value: object) -> str:
    """'title' (default), 'season' or 'series', case-insensitive."""
    if _missing(value):
        return DEFAULT_LEVEL
    if isinstance(value, str) and value.isascii() and value.lower() in LEVELS:
        return value.lower()
    raise InvalidParameter(
        f"level must be one of {', '.join(LEVELS)} (default {DEFAULT_LEVEL}), got {shown(value)}"
    )


def _name(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise InvalidParameter(f"{key} must be text, got {shown(value)}")
    if len(value) > MAX_TITLE_CHARS:
        raise InvalidParameter(
            f"{key} may have at most {MAX_TITLE_CHARS} characters, got {len(value)}"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        raise InvalidParameter(f"{key} must be valid Unicode text") from None
    # Stored titles are decoded: an escaped spelling ("p<e5>") names the same title as "på".
    return decode_escapes(value)


def parse_title_or_series(params: Mapping) -> tuple[str | None, str | None]:
    """(title, None) or (None, series): exactly one of ?title= and ?series= is given."""
    title, series = params.get("title"), params.get("series")
    if _missing(title) == _missing(series):
        raise InvalidParameter(
            "give either title (a title as the toplist names it) or series (a show's name)"
        )
    if not _missing(title):
        return _name(title, "title"), None
    return None, _name(series, "series")


def parse_week(value: object) -> dt.date | None:
    """A week by its Monday (YYYY-MM-DD), or None (not given: the last complete week)."""
    if _missing(value):
        return None
    week = parse_date(value, "week")
    if week.weekday() != 0:
        monday = week - dt.timedelta(days=week.weekday())
        raise InvalidParameter(
            f"week must be a Monday (weeks run Monday to Sunday): {week.isoformat()} is a "
            f"{week.strftime('%A')}, its week is {monday.isoformat()}"
        )
    return week


def parse_top10(params: Mapping) -> tuple[dt.date | None, str | None, Filters]:
    """(week, sessiontype, the other dimensions' filters) of a Top 10 request; start and end
    are refused: the list is per week."""
    if any(not _missing(v) for key in ("start", "end") for v in _all_values(params, key)):
        raise InvalidParameter("top10 is per week: give week=YYYY-MM-DD (a Monday), not start/end")
    week = parse_week(params.get("week"))
    types = [v for v in _all_values(params, "sessiontype") if not _missing(v)]
    if any(other != types[0] for other in types[1:]):
        raise InvalidParameter("top10 is one content type: give one sessiontype, MOVIE or SERIES")
    sessiontype = parse_sessiontype(types[0] if types else None)
    # The content type chooses the list; only the other dimensions filter it (an empty
    # start or end is "not given", as on every route, and left out here).
    skipped = ("sessiontype", "start", "end")
    filters = parse_filters({k: v for k, v in _items(params) if k not in skipped})
    return week, sessiontype, filters


def _items(params: Mapping) -> list[tuple[str, object]]:
    """A mapping's keys with all their values (a MultiDict's lists kept)."""
    if hasattr(params, "getlist"):
        return [(key, params.getlist(key)) for key in params]
    return list(params.items())
