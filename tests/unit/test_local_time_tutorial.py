"""Local days on tutorial-format data: a headerless CSV with the tutorial's odd dates, plus times
around the daylight-saving changes of 2025, imported into each store by a writer of the default
zones (UTC) and then served with REPORT_TIMEZONE=Europe/Oslo from the same instance folder (the
UTC pieces must not be reused); every checked route (the new ones of how people watch included)
equals the references run on the events with their times converted to Oslo time first."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from tests.unit.csv_support import imported_tutorial_rows
from tests.unit.test_local_time import EDGES, OSLO, check_routes, local_text, zone_app


def _oslo_text(value: object) -> object:
    """A stored value as the references should read it under REPORT_TIMEZONE=Europe/Oslo: a
    time (with or without an offset) as Oslo's local time; anything else (a date alone, an
    unreadable time, a sentinel near the calendar's ends) as written."""
    if not isinstance(value, str) or len(value) <= 10:
        return value
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if not 2 <= when.year <= 9998:
        return value
    if when.tzinfo is not None:
        return when.astimezone(zoneinfo.ZoneInfo(OSLO)).strftime("%Y-%m-%d %H:%M:%S")
    return local_text(value, OSLO, "UTC")


def test_tutorial_format_on_both_stores_counts_oslo_days(event_store, make_app, tmp_path):
    url, raw = imported_tutorial_rows(event_store, tmp_path, 1500, 43, more_dates=EDGES)
    raw["event_date"] = [_oslo_text(v) for v in raw["event_date"]]
    client = zone_app(make_app, url, REPORT_TIMEZONE=OSLO).server.test_client()
    check_routes(client, raw, ("no filter",))
