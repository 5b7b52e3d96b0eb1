"""Figure building: empty and error states, hours vs minutes, toplist order and labels, KPIs."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from callbacks.charts import format_kpis
from callbacks.csv_export import filename, to_csv
from callbacks.state import ViewState
from layouts import figures
from layouts.period_marks import partial_periods
from layouts.timeseries import Line, timeseries_figure


def _figure(rows, metric="unique_users", resolution="daily", dark=False, **flags):
    dates = [row["date"] for row in rows]
    line = Line(None, [row["values"] for row in rows])
    return timeseries_figure(dates, [line], metric, resolution, dark, **flags)


def test_no_rows_or_only_zeros_show_the_empty_message():
    for rows in ([], [{"date": "2025-01-01", "values": 0}, {"date": "2025-01-02", "values": 0}]):
        figure = _figure(rows)
        assert figure["data"] == []
        assert figure["layout"]["annotations"][0]["text"] == "No views in this range"
        assert figure["layout"]["xaxis"]["visible"] is False
    assert figures.toplist_figure([], True)["data"] == []


def test_minutes_become_hours_when_that_reads_better():
    small = [{"date": "2025-01-01", "values": 90}, {"date": "2025-01-02", "values": 300}]
    figure = _figure(small, "minutes_watched")
    assert figure["data"][0]["y"] == [90, 300]
    assert "min" in figure["layout"]["yaxis"]["title"]["text"]

    big = [{"date": "2024-12-30", "values": 600}, {"date": "2025-01-06", "values": 7530}]
    figure = _figure(big, "minutes_watched", "weekly")
    trace = figure["data"][0]
    assert trace["y"] == [10.0, 125.5]
    assert trace["customdata"] == [600, 7530]  # the exact minutes stay on hover
    assert figure["layout"]["yaxis"]["title"]["text"] == "Watch time (h)"


def test_one_point_per_period_and_partial_periods_marked():
    rows = [{"date": "2024-12-30", "values": 5}, {"date": "2025-01-06", "values": 9}]
    dates = [row["date"] for row in rows]
    partial = partial_periods(dates, "weekly", dt.date(2025, 1, 1), dt.date(2025, 1, 12))
    assert partial == [True, False]
    figure = _figure(rows, resolution="weekly", partial=partial)
    trace = figure["data"][0]
    assert trace["x"] == ["2024-12-30", "2025-01-06"]
    assert trace["marker"]["symbol"] == ["circle-open", "circle"]
    assert "partial period" in trace["text"][0]
    assert partial_periods(["2025-02-01"], "monthly", None, dt.date(2025, 2, 27)) == [True]
    assert partial_periods(["2025-02-01"], "monthly", None, dt.date(2025, 2, 28)) == [False]


def test_toplist_most_viewed_on_top_with_short_unique_labels():
    long = "A Very Long Series Name, Episode With An Even Longer Title"
    rows = [
        {"title": long + " (Part 1)", "values": 30},
        {"title": long + " (Part 2)", "values": 20},
        {"title": "Short", "values": 10},
    ]
    figure = figures.toplist_figure(rows, False)
    trace, layout = figure["data"][0], figure["layout"]
    assert trace["orientation"] == "h"
    assert trace["x"] == [30, 20, 10]
    assert trace["y"] == [0, 1, 2]  # positions: two titles that cut alike stay two bars
    assert layout["yaxis"]["autorange"] == "reversed"
    labels = layout["yaxis"]["ticktext"]
    assert labels[2] == "Short"
    assert figures.short_title("x" * 100).endswith("…")
    assert len(figures.short_title("x" * 100)) == figures.TITLE_CHARS
    assert labels[0] == long + " (Part 1)"  # whole where there is room (the page cuts narrower)
    assert [row[0] for row in trace["customdata"]] == [row["title"] for row in rows]
    assert layout["height"] == figures.toplist_height(3)


def test_dark_and_light_figures_use_their_palettes():
    rows = [{"date": "2025-01-01", "values": 3}]
    light = _figure(rows)
    dark = _figure(rows, dark=True)
    assert light["layout"]["font"]["color"] == figures.THEMES["light"]["text"]
    assert dark["layout"]["font"]["color"] == figures.THEMES["dark"]["text"]
    error = figures.message_figure("Boom", True, error=True)
    assert error["layout"]["annotations"][0]["font"]["color"] == figures.THEMES["dark"]["error"]


def test_kpis_are_formatted_for_reading():
    kpis = {
        "unique_users": 4940,
        "minutes_watched": 3995004,
        "views": 100000,
        "minutes_per_viewer": 3995004 / 4940,
        "completed_views": 47120,
        "completion_rate": 0.4712,
    }
    cards = format_kpis(kpis)
    assert cards["unique_users"] == "4,940"
    assert cards["views"] == "100,000"
    assert cards["minutes_watched"][0] == "66,583"  # hours, from 10 hours on
    assert cards["minutes_per_viewer"][0] == "808.7"  # an average stays in minutes
    assert cards["completion_rate"][0] == "47.1"
    assert format_kpis({**kpis, "minutes_watched": 540})["minutes_watched"][0] == "540.0"
    empty = format_kpis(
        {**kpis, "unique_users": 0, "minutes_per_viewer": None, "completion_rate": None}
    )
    assert empty["minutes_per_viewer"] == empty["completion_rate"] == "–"


def test_csv_has_a_header_and_defuses_formulas():
    text = to_csv(
        ["rank", "title", "views"], [[1, "=HYPERLINK(evil)", 3], [2, 'Quote "me", ok', 2]]
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["rank", "title", "views"]
    assert rows[1][1] == "'=HYPERLINK(evil)"
    assert rows[2][1] == 'Quote "me", ok'
    state = ViewState(resolution="weekly", start="2025-03-01", sessiontype="SERIES")
    assert filename("unique-users", state) == "unique-users_weekly_series_2025-03-01_last.csv"
    assert filename("toplist", ViewState(num=7)) == "toplist_top7.csv"


@pytest.mark.parametrize("resolution", ["weekly", "monthly"])
def test_periods_at_the_end_of_the_calendar_are_drawn(resolution):
    # A shared link may ask for 9999-12-31: its week or month would end in year 10000.
    from data.events.periods import last_day_of_period

    assert last_day_of_period(dt.date(9999, 12, 31), resolution) == dt.date(9999, 12, 31)
    rows = [{"date": "9999-12-27" if resolution == "weekly" else "9999-12-01", "values": 2}]
    dates = [row["date"] for row in rows]
    assert partial_periods(dates, resolution, dt.date(9999, 12, 31), None) == [True]
    assert _figure(rows, resolution=resolution)["layout"]["xaxis"]["range"][1].startswith("9999")


def test_small_counts_get_whole_ticks_and_a_unified_hover():
    rows = [{"date": f"2025-01-0{day}", "values": value} for day, value in ((1, 0), (2, 1), (3, 2))]
    layout = _figure(rows)["layout"]
    assert layout["yaxis"]["dtick"] == 1 and layout["yaxis"]["tickformat"] == ",d"
    assert layout["hovermode"] == "x unified"
    assert "dtick" not in _figure(rows, "minutes_watched")["layout"]["yaxis"]


def _weeks(first: str, count: int) -> list[str]:
    monday = dt.date.fromisoformat(first)
    return [(monday + dt.timedelta(weeks=i)).isoformat() for i in range(count)]


def test_a_year_of_weeks_is_ticked_by_months():
    # Issue 20: 53 weeks had four "Week of …" ticks, of which a half-width chart showed two.
    dates = _weeks("2024-12-30", 53)
    line = Line(None, list(range(1, 54)))
    layout = timeseries_figure(dates, [line], "views", "weekly", False)["layout"]
    xaxis, offered = layout["xaxis"], layout["meta"]["ticks"]
    # As drawn: every other month's first week (calendar-aligned), named by its Monday.
    assert xaxis["tickvals"] == [
        "2025-01-06", "2025-03-03", "2025-05-05", "2025-07-07", "2025-09-01", "2025-11-03"
    ]  # fmt: skip
    assert xaxis["ticktext"] == ["6 Jan 2025", "3 Mar", "5 May", "7 Jul", "1 Sep", "3 Nov"]
    # Offered to the page's script, which keeps as many as fit: every month's first week.
    assert [dt.date.fromisoformat(day).month for day in offered["vals"]] == list(range(1, 13))
    assert all(dt.date.fromisoformat(day).weekday() == 0 for day in offered["vals"])
    assert all(dt.date.fromisoformat(day).day <= 7 for day in offered["vals"])
    assert offered["text"][:3] == ["6 Jan 2025", "3 Feb", "3 Mar"]
    assert xaxis["hoverformat"] == "Week of %-d %b %Y"  # the hover still names the week


@pytest.mark.parametrize(
    ("first", "count", "drawn", "offered"),
    [
        # A quarter's weeks: four named weeks, as before.
        ("2025-01-06", 13, ["Week of 6 Jan 2025", "Week of 3 Feb", "Week of 3 Mar",
                            "Week of 31 Mar"], None),
        ("2025-01-06", 14, ["6 Jan 2025", "3 Feb", "3 Mar", "7 Apr"], 4),
        # Two years: half-years drawn, every other month offered.
        ("2024-12-30", 106, ["6 Jan 2025", "7 Jul", "5 Jan 2026", "6 Jul", "4 Jan 2027"], 13),
        # The longest chart drawn (10,000 weeks): every 50 years, every 20 offered.
        ("2000-01-03", 10_000, ["3 Jan 2000", "3 Jan 2050", "4 Jan 2100", "5 Jan 2150"], 10),
    ],
)  # fmt: skip
def test_weekly_ticks_by_length(first, count, drawn, offered):
    dates = _weeks(first, count)
    layout = timeseries_figure(dates, [Line(None, [1] * count)], "views", "weekly", False)["layout"]
    assert layout["xaxis"]["ticktext"] == drawn
    assert len(layout["meta"]["ticks"]["vals"]) == (offered or len(drawn))
