"""Expected ranges behind the time charts: each period's band is /data/changes/'s for that day
(weekly: that ISO week), computed in one pass over the series (data/events/analysis/bands.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from data.events.analysis import bands as engine_bands
from data.events.analysis import changes as engine_changes
from data.events.params import Filters, InvalidParameter
from tests.unit.analysis_support import rollup_of
from tests.unit.test_changes import LAST, NOW, START, same, seasonal_rows
from web import services

KEYS = ("value", "expected", "low", "high", "flag")


@pytest.fixture
def now_app(make_app):
    return make_app(EVENTS_NOW=NOW.isoformat())


@pytest.mark.parametrize(
    ("metric", "resolution", "query"),
    [
        ("unique_users", "daily", {"start": "2025-10-20", "end": "2025-12-31"}),
        ("completion_rate", "daily", {"start": "2025-11-01", "end": "2025-11-30", "market": "SE"}),
        ("minutes_watched", "daily", {"start": "2025-01-01", "end": "2025-03-01"}),
        ("unique_users", "weekly", {"start": "2025-09-01", "end": "2025-12-28"}),
        ("views", "weekly", {"start": "2025-10-08", "end": "2025-12-31", "device": "iPad"}),
    ],
)
def test_each_period_s_band_is_data_changes_for_that_day(now_app, metric, resolution, query):
    client = now_app.server.test_client()
    analytics = services.analytics(now_app.server)
    dims = {k: v for k, v in query.items() if k not in ("start", "end")}
    start, end = (dt.date.fromisoformat(query[k]) for k in ("start", "end"))
    filters = Filters.of(start, end, **dims)
    rows = analytics.bands(metric, resolution, filters)
    assert rows and rows[0]["date"] <= query["start"] and rows[-1]["date"] <= query["end"]
    judged = 0
    for index, row in enumerate(rows):
        if resolution == "weekly" and index in (0, len(rows) - 1) and row["expected"] is None:
            continue  # a week cut by the range: no band (the next test)
        answer = client.get(
            "/data/changes/", query_string={"day": row["date"], "resolution": resolution, **dims}
        ).get_json()
        assert answer["day"] == row["date"]
        same({k: row[k] for k in KEYS}, {k: answer["kpis"][metric][k] for k in KEYS}, row["date"])
        judged += row["expected"] is not None
    assert judged >= min(len(rows) - 2, 30)


def test_the_series_is_the_time_chart_s_and_cut_weeks_have_no_band(now_app):
    analytics = services.analytics(now_app.server)
    filters = Filters(start=dt.date(2025, 10, 8), end=dt.date(2025, 12, 31))
    rows = analytics.bands("views", "weekly", filters)
    series = analytics.timeseries("views", "weekly", filters)
    assert [r["date"] for r in rows] == [s["date"] for s in series]
    # The first week starts before the range and the last ends after it (and after the data).
    assert rows[0]["expected"] is None and rows[-1]["expected"] is None
    assert all(r["expected"] is not None for r in rows[1:-1])
    assert [r["value"] for r in rows[1:-1]] == [s["values"] for s in series[1:-1]]


def test_the_planted_drop_is_below_its_band_and_ordinary_days_are_inside():
    rollup = rollup_of(seasonal_rows(drop=0.4))
    se = Filters.of(market="SE")
    rows = engine_bands.bands(rollup, "unique_users", se, "daily")
    assert rows[-1]["date"] == LAST.isoformat() and rows[-1]["flag"] == "below"
    assert all(r["flag"] is None for r in rows[:-1])
    # No band before four baseline days lie inside the data: the first 28 days.
    assert all(r["expected"] is None for r in rows[:28]) and rows[28]["expected"] is not None
    want = engine_changes.changes(rollup, se, LAST, "daily", "unique_users", 5, LAST)
    same({k: rows[-1][k] for k in KEYS}, {k: want["kpis"]["unique_users"][k] for k in KEYS})
    assert rows[0]["date"] == START.isoformat()


def test_monthly_has_no_band_and_no_data_no_rows():
    rollup = rollup_of(seasonal_rows())
    with pytest.raises(InvalidParameter):
        engine_bands.bands(rollup, "views", Filters(), "monthly")
    assert engine_bands.bands(rollup, "views", Filters.of(market="XX"), "daily") == []
