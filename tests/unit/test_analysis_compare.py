"""The engine's previous-range KPIs and its count of untitled views, by hand and at random."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from data.events.analysis import queries
from data.events.analysis.analytics import EventsAnalytics
from data.events.analysis.comparison import PreviousRange
from data.events.ingest.csv_import import import_csv
from data.events.params import Filters
from data.events.rollup.model import empty_rollup
from testkit import reference_analytics as ref
from tests.unit.analysis_support import ALL, D
from tests.unit.reference_checks import Params, read_raw
from tests.unit.test_analysis import ev

# (event_date, userid, minutes, viewpercentage, sessiontype, title)
UNTITLED = [
    ("2025-03-01 10:00:00", "a", 10, 95.0, "MOVIE", "Alpha"),
    ("2025-03-01 11:00:00", "b", 10, 95.0, "MOVIE", ""),  # '' is no title
    ("2025-03-02 10:00:00", "a", 10, 50.0, "SERIES", None),  # nor is NULL
    ("2025-03-02 10:00:00", "c", 10, 50.0, None, None),  # neither title nor sessiontype
    ("2025-03-03 10:00:00", "c", 10, 50.0, None, ""),
    ("2025-03-03 10:00:00", "c", 10, 50.0, "SERIES", "Show, Pilot"),
    ("2025-03-04 10:00:00", "d", 10, 50.0, "MOVIE", " "),  # a blank is a title the toplist lists
]


def test_untitled_views_hand_counted():
    events = ev(UNTITLED)
    assert queries.untitled_views(events, ALL) == 4
    assert queries.untitled_views(events, Filters.of(sessiontype="MOVIE")) == 1
    assert queries.untitled_views(events, Filters.of(sessiontype="SERIES")) == 1
    assert queries.untitled_views(events, Filters.of(sessiontype="(none)")) == 2
    assert queries.untitled_views(events, Filters.of(start=D(2025, 3, 2))) == 3
    assert queries.untitled_views(events, Filters.of(end=D(2025, 3, 1))) == 1
    assert queries.untitled_views(events, Filters.of(start=D(2025, 3, 3), end=D(2025, 3, 4))) == 1
    assert queries.untitled_views(events, Filters.of(start=D(2025, 3, 5))) == 0
    assert queries.untitled_views(events, Filters.of(start=D(2025, 3, 2), end=D(2025, 3, 1))) == 0
    assert queries.untitled_views(events, Filters.of(device="iPad")) == 0
    assert queries.untitled_views(empty_rollup(), ALL) == 0
    # The toplist and the untitled views add up to the views.
    listed = sum(row["values"] for row in queries.toplist(events, 1000, ALL))
    assert listed + queries.untitled_views(events, ALL) == queries.kpis(events, ALL)["views"] == 7


def _adds_up(analytics: EventsAnalytics, filters: Filters) -> None:
    views = analytics.kpis(filters)["views"]
    listed = sum(row["values"] for row in analytics.toplist(1000, filters))
    assert views - listed == analytics.untitled_views(filters), filters


def test_untitled_views_add_up_on_demo_data_with_random_filters(demo_db):
    analytics = EventsAnalytics(demo_db)
    raw = ref.prepare(read_raw(demo_db))
    params = Params(raw, seed=11, ordered=True)
    assert analytics.untitled_views() == int(raw["title"].isna().sum()) > 0
    for _ in range(40):
        start, end = params.dates()
        where = params.where()
        filters = Filters.of(start=start, end=end, **where)
        _adds_up(analytics, filters)
        expected = ref.kpis(raw, start, end, where)["views"] - sum(
            row["values"] for row in ref.toplist(raw, 10**9, start, end, where)
        )
        assert analytics.untitled_views(filters) == expected, filters


CSV_ROWS = (
    '2025-03-01 10:00:00,u1,1,iPad,NO,5,,95,,MOVIE,"Alpha, the film",,\n'
    "2025-03-01 11:00:00,u2,2,iPad,NO,5,,95,,MOVIE,,,\n"
    '2025-03-02 11:00:00,u2,2,Computer,,5,,95,,,"",,\n'
    "2025-03-09 11:00:00,u3,3,Computer,SE,5,,95,,SERIES,,,\n"
    '2025-03-10 11:00:00,u3,3,Computer,SE,5,,95,,SERIES,"Show, Pilot",1,1\n'
)


def test_untitled_views_are_the_same_on_both_stores(event_store, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(CSV_ROWS, encoding="utf-8")
    import_csv(event_store, path)
    analytics = EventsAnalytics(event_store.versions())
    try:
        assert analytics.untitled_views() == 3
        assert analytics.untitled_views(Filters.of(device="Computer")) == 2
        assert analytics.untitled_views(Filters.of(market="(none)")) == 1
        assert analytics.untitled_views(Filters.of(start=D(2025, 3, 2), end=D(2025, 3, 9))) == 2
        assert analytics.untitled_views(Filters.of(sessiontype="SERIES")) == 1
        _adds_up(analytics, ALL)
    finally:
        analytics.close()


def test_kpis_with_previous_hand_counted():
    # Data from Saturday 2025-03-01 to Tuesday 2025-03-04.
    events = ev(UNTITLED)
    now, before, span = queries.kpis_with_previous(
        events, Filters.of(start=D(2025, 3, 2), end=D(2025, 3, 3))
    )
    assert span == PreviousRange(D(2025, 2, 28), D(2025, 3, 1))
    assert now == queries.kpis(events, Filters.of(start=D(2025, 3, 2), end=D(2025, 3, 3)))
    assert before == queries.kpis(events, Filters.of(start=D(2025, 2, 28), end=D(2025, 3, 1)))
    assert now["views"] == 4 and before["views"] == 2 and before["unique_users"] == 2
    # Monday 2025-03-03 to the data's last day is week to date: Monday 2025-02-24 onwards.
    # (An end past the data's last day is unfinished too.)
    for end, previous_end in ((None, 25), (D(2025, 3, 4), 25), (D(2025, 3, 5), 26)):
        _, before, span = queries.kpis_with_previous(
            events, Filters.of(start=D(2025, 3, 3), end=end)
        )
        assert span == PreviousRange(D(2025, 2, 24), D(2025, 2, previous_end), True, "week")
        assert before["views"] == 0
    # The month to date (the whole data): February 1..4, before any event, is zeros.
    now, before, span = queries.kpis_with_previous(events, Filters.of(sessiontype="MOVIE"))
    assert span == PreviousRange(D(2025, 2, 1), D(2025, 2, 4), True, "month")
    assert now["views"] == 3 and before["views"] == 0
    # The same dimension filters apply to the previous range.
    _, before, _ = queries.kpis_with_previous(
        events, Filters.of(start=D(2025, 3, 2), end=D(2025, 3, 3), sessiontype="MOVIE")
    )
    assert before == queries.kpis(
        events, Filters.of(start=D(2025, 2, 28), end=D(2025, 3, 1), sessiontype="MOVIE")
    )
    assert before["views"] == 2


# Data from July to Friday 2025-10-31: "Month to date" is the whole of October.
COMPLETE_OCTOBER = [
    *((f"2025-07-0{day} 10:00:00", user, 10, 95.0, "MOVIE", "Alpha") for day, user in
      ((1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e"))),
    ("2025-08-31 10:00:00", "f", 10, 95.0, "MOVIE", "Alpha"),
    ("2025-09-10 10:00:00", "a", 10, 95.0, "MOVIE", "Alpha"),
    ("2025-09-10 11:00:00", "b", 10, 50.0, "MOVIE", "Alpha"),
    ("2025-09-30 10:00:00", "c", 10, 95.0, "MOVIE", "Alpha"),
    *((f"2025-10-05 1{n}:00:00", user, 10, 95.0, "MOVIE", "Alpha") for n, user in
      enumerate("abcd")),
    ("2025-10-31 10:00:00", "e", 10, 95.0, "MOVIE", "Alpha"),
]  # fmt: skip


def test_a_complete_month_to_date_is_compared_with_the_month_before():
    events = ev(COMPLETE_OCTOBER)
    october = Filters.of(start=D(2025, 10, 1))  # "Month to date": 1..31 October
    # Issue 20: this was quarter to date, against July (its 5 users here).
    now, before, span = queries.kpis_with_previous(events, october, "monthly")
    assert span == PreviousRange(D(2025, 9, 1), D(2025, 9, 30), False, "month", 1)
    assert now["unique_users"] == 5 and before["unique_users"] == 3  # a, b, c in September
    assert before["views"] == 3 and before["completion_rate"] == round(2 / 3, 4)
    # On a daily page the 31 days just before: 31 August (f) to 30 September.
    _, before, span = queries.kpis_with_previous(events, october, "daily")
    assert span == PreviousRange(D(2025, 8, 31), D(2025, 9, 30))
    assert before["unique_users"] == 4 and before["views"] == 4
    # October so far, when the data ends on the 5th, is still month to date on every page.
    to_date = [row for row in COMPLETE_OCTOBER if row[0] < "2025-10-06"]
    for resolution in ("daily", "weekly", "monthly"):
        _, before, span = queries.kpis_with_previous(ev(to_date), october, resolution)
        assert span == PreviousRange(D(2025, 9, 1), D(2025, 9, 5), True, "month")
        assert before["views"] == 0


def test_kpis_with_previous_without_a_range():
    zeros = queries.kpis(empty_rollup(), ALL)
    assert queries.kpis_with_previous(empty_rollup(), ALL) == (zeros, zeros, None)
    events = ev(UNTITLED)
    late = Filters.of(start=D(2025, 4, 1))  # after the data's last day, end left out
    now, before, span = queries.kpis_with_previous(events, late)
    assert span is None and now == before == queries.kpis(events, late)
    assert before["views"] == 0
    # Both sides given: a range, even without events.
    _, before, span = queries.kpis_with_previous(
        empty_rollup(), Filters.of(start=D(2025, 3, 1), end=D(2025, 3, 31))
    )
    assert span == PreviousRange(D(2025, 1, 29), D(2025, 2, 28)) and before == zeros


@pytest.mark.parametrize("seed", [3, 4])
def test_kpis_with_previous_match_the_reference_on_demo_data(demo_db, seed):
    analytics = EventsAnalytics(demo_db)
    raw = ref.prepare(read_raw(demo_db))
    first, last = analytics.date_bounds()
    params = Params(raw, seed=seed, ordered=True)
    rng = random.Random(seed)
    for _ in range(15):
        start, end = params.dates()
        where = params.where()
        if rng.random() < 0.3:
            start, end = D(2025, 12, 29), rng.choice([None, last])  # week to date
        now, before, span = analytics.kpis_with_previous(Filters.of(start=start, end=end, **where))
        lo, hi = start or first, end or last
        if lo > hi:
            assert span is None
            continue
        n = (hi - lo).days + 1
        if lo == D(2025, 12, 29) and last <= hi < D(2026, 1, 4):
            expected = (D(2025, 12, 22), D(2025, 12, 22) + dt.timedelta(days=n - 1))
        elif lo > D(2025, 12, 29) and hi >= last:
            expected = (span.start, span.end)  # a range after the data: test_comparison's cases
        else:
            expected = (lo - dt.timedelta(days=n), lo - dt.timedelta(days=1))
        assert (span.start, span.end) == expected, (start, end)
        assert now == ref.kpis(raw, start, end, where)
        assert before == ref.kpis(raw, *expected, where)


def test_whole_periods_match_the_reference_on_demo_data(demo_db):
    analytics = EventsAnalytics(demo_db)
    raw = ref.prepare(read_raw(demo_db))
    rng = random.Random(20)
    for _ in range(12):
        # Whole months of 2025 on a monthly page: as many months just before.
        first, count = rng.randint(1, 12), rng.randint(1, 6)
        start = D(2025, first, 1)
        after = D(2025 + (first + count - 1) // 12, (first + count - 1) % 12 + 1, 1)
        end = after - dt.timedelta(days=1)
        back = D(2025 + (first - count - 1) // 12, (first - count - 1) % 12 + 1, 1)
        # Whole weeks on a weekly page: Monday to Sunday, as many weeks just before.
        monday = D(2024, 12, 30) + dt.timedelta(weeks=rng.randint(0, 50))
        weeks = rng.randint(1, 8)
        sunday = monday + dt.timedelta(weeks=weeks, days=-1)
        before_monday = monday - dt.timedelta(weeks=weeks)
        for resolution, lo, hi, expected in (
            ("monthly", start, end, (back, start - dt.timedelta(days=1))),
            ("weekly", monday, sunday, (before_monday, monday - dt.timedelta(days=1))),
        ):
            where = {"device": rng.sample(["iPad", "Computer", "Smart TV"], 2)}
            filters = Filters.of(start=lo, end=hi, **where)
            now, before, span = analytics.kpis_with_previous(filters, resolution)
            assert (span.start, span.end) == expected, (resolution, lo, hi)
            assert now == ref.kpis(raw, lo, hi, where)
            assert before == ref.kpis(raw, *expected, where)
