"""CSV download callbacks: each chart's rows, from the same EventsAnalytics call as the chart."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks import csv_export
from callbacks.cohorts import lifecycle_of, retention_of
from callbacks.guard import guarded
from callbacks.shape import distribution_of, when_of
from callbacks.state import ViewState, from_store
from callbacks.stickiness import stickiness_of
from callbacks.time_series import chart_series, partial_flags
from callbacks.titles import title_numbers
from callbacks.top10 import top10_of
from data.events.analysis.prime_time import DEFAULT_WHEN_METRIC, WHEN_METRICS
from data.events.analysis.title_insights import TitleNotFound
from data.events.params import InvalidParameter
from data.events.questions import question
from layouts import ids
from layouts.metric_looks import is_hours


def _download_failed(message: str, _inputs: dict) -> tuple:
    return no_update, message, True


def _outputs(download_id: str) -> list:
    # The page notice is shared with the URL sync callback, hence allow_duplicate.
    return [
        Output(download_id, "data"),
        Output(ids.URL_NOTICE, "children", allow_duplicate=True),
        Output(ids.URL_NOTICE, "is_open", allow_duplicate=True),
    ]


def _toplist_rows(analytics, state: ViewState) -> list[list]:
    rows = question("toplist").compute(
        analytics, num=state.num, level=state.level, filters=state.filters()
    )
    return [[rank, row["title"], row["values"]] for rank, row in enumerate(rows, start=1)]


_TOP10_COLUMNS = [
    "rank",
    "title",
    "views",
    "hours_viewed",
    "runtime_hours",
    "rank_last_week",
    "weeks_in_top10",
]


def top10_table(analytics, state: ViewState) -> tuple[list[str], list[list]]:
    """The Top 10 panel's list, with its week."""
    entries, week = top10_of(analytics, state)
    header = ["week", *_TOP10_COLUMNS]
    when = week.isoformat() if week else ""
    return header, [[when, *(e[c] for c in _TOP10_COLUMNS)] for e in entries]


def title_table(analytics, state: ViewState) -> tuple[list[str], list[list]]:
    """The open title's (or show's) numbers per period, as its chart shows them."""
    try:
        answer = title_numbers(analytics, state)
    except TitleNotFound as exc:
        raise InvalidParameter(str(exc)) from None
    header = ["date", "views", "unique_viewers", "minutes_watched", "hours_watched"]
    dates = [row["date"] for row in answer["timeseries"]]
    partial = partial_flags(analytics, state.filters(), dates, state.resolution)
    rows = [
        [
            row["date"],
            row["views"],
            row["unique_viewers"],
            row["minutes_watched"],
            round(row["minutes_watched"] / 60, 2),
            str(flag).lower(),
        ]
        for row, flag in zip(answer["timeseries"], partial, strict=True)
    ]
    return [*header, "partial_period"], rows


def retention_table(analytics, state: ViewState) -> tuple[list[str], list[list]]:
    """One row per cohort and period after its first: its users then, and their share."""
    resolution, cohorts = retention_of(analytics, state)
    rows = [
        [cohort["cohort"], cohort["size"], k, users, round(users / cohort["size"], 4)]
        for cohort in cohorts
        for k, users in enumerate(cohort["retained"])
    ]
    return ["cohort", "size", f"{resolution.removesuffix('ly')}s_after", "users", "share"], rows


def lifecycle_table(analytics, state: ViewState) -> tuple[list[str], list[list]]:
    """The lifecycle per period, and whether the period is partial (as the time cards')."""
    states = ["new", "returning", "resurrecting", "dormant"]
    _, rows, partial = lifecycle_of(analytics, state)
    return ["date", *states, "partial_period"], [
        [row["date"], *(row[key] for key in states), str(flag).lower()]
        for row, flag in zip(rows, partial, strict=True)
    ]


def stickiness_table(analytics, state: ViewState) -> tuple[list[str], list[list]]:
    """DAU, MAU and their ratio per day, then every month's users by active days."""
    answer = stickiness_of(analytics, state)
    rows = [
        [row["date"], row["dau"], row["mau"], row["ratio"], "", "", ""] for row in answer["days"]
    ]
    rows += [
        ["", "", "", "", row["month"], row["days"], row["users"]] for row in answer["active_days"]
    ]
    return ["date", "dau", "mau", "ratio", "month", "active_days", "users"], rows


def when_table(analytics, state: ViewState, metric: str) -> tuple[list[str], list[list]]:
    """The prime-time card's cells: weekday (Monday 0), local hour and the metric."""
    cells = when_of(analytics, state, metric)
    metric = metric if metric in WHEN_METRICS else DEFAULT_WHEN_METRIC
    return ["weekday", "hour", metric], [[c["weekday"], c["hour"], c["value"]] for c in cells]


def distribution_table(analytics, state: ViewState) -> tuple[list[str], list[list]]:
    """Minutes per viewer per period: the percentiles, the mean and the histogram's bins."""
    answer = distribution_of(analytics, state)
    bins = answer["bins"]
    names = [f"viewers_{a}_to_{b}_min" for a, b in zip(bins, bins[1:], strict=False)]
    names.append(f"viewers_{bins[-1]}_min_or_more")
    header = ["date", "viewers", "p50", "p90", "p99", "mean", *names]
    keys = header[1:6]
    return header, [[p["date"], *(p[k] for k in keys), *p["histogram"]] for p in answer["periods"]]


def _title_stem(state: ViewState) -> str:
    """title-<name in lower case, runs of other characters as one dash>."""
    name = re.sub(r"\W+", "-", (state.series or state.title or "")).strip("-").lower()
    return f"title-{name[:60] or 'untitled'}"


class CsvDownload(NamedTuple):
    """One chart's CSV download: its dcc.Download, its button and what goes in the file."""

    download_id: str
    button_id: str
    stem: Callable[[ViewState], str]  # start of the file name, see csv_export.filename
    # (analytics, state) -> (header, rows): what the chart shows, as it shows it.
    table: Callable[[object, ViewState], tuple[list[str], list[list]]]


def timeseries_table(analytics, state: ViewState, metric: str) -> tuple[list[str], list[list]]:
    """A time card's rows: date, the group (with a breakdown), the metric (and hours for
    minutes), and whether the period is partial (cut by the range or by the data)."""
    series = chart_series(analytics, state, metric, with_previous=False, with_band=False)
    group = [state.breakdown] if state.breakdown else []
    hours = ["hours_watched"] if is_hours(metric) else []  # a total of minutes, in hours too
    header = ["date", *group, metric, *hours, "partial_period"]
    rows = []
    for index, date in enumerate(series.dates):
        for line in series.lines:
            value = line.values[index]
            extra = [round(value / 60, 2)] if hours else []
            name = [line.name] if group else []
            rows.append([date, *name, value, *extra, str(series.partial[index]).lower()])
    return header, rows


def _time_card(download_id: str, button_id: str, key: str) -> CsvDownload:
    """The download of a time card, whose metric is the state's `key` (chart1 or chart2)."""
    return CsvDownload(
        download_id,
        button_id,
        lambda state: getattr(state, key).replace("_", "-"),
        lambda analytics, state: timeseries_table(analytics, state, getattr(state, key)),
    )


DOWNLOADS = [
    _time_card(ids.CHART1_DOWNLOAD, ids.CHART1_CSV_BUTTON, "chart1"),
    _time_card(ids.CHART2_DOWNLOAD, ids.CHART2_CSV_BUTTON, "chart2"),
    CsvDownload(
        ids.TOPLIST_DOWNLOAD,
        ids.TOPLIST_CSV_BUTTON,
        lambda _state: "toplist",
        lambda analytics, state: (["rank", "title", "views"], _toplist_rows(analytics, state)),
    ),
    CsvDownload(ids.TOP10_DOWNLOAD, ids.TOP10_CSV_BUTTON, lambda _state: "top10", top10_table),
    CsvDownload(ids.TITLE_DOWNLOAD, ids.TITLE_CSV_BUTTON, _title_stem, title_table),
    CsvDownload(
        ids.RETENTION_DOWNLOAD, ids.RETENTION_CSV_BUTTON, lambda _s: "retention", retention_table
    ),
    CsvDownload(
        ids.LIFECYCLE_DOWNLOAD, ids.LIFECYCLE_CSV_BUTTON, lambda _s: "lifecycle", lifecycle_table
    ),
    CsvDownload(
        ids.STICKINESS_DOWNLOAD,
        ids.STICKINESS_CSV_BUTTON,
        lambda _s: "stickiness",
        stickiness_table,
    ),
    CsvDownload(
        ids.DISTRIBUTION_DOWNLOAD,
        ids.DISTRIBUTION_CSV_BUTTON,
        lambda _s: "minutes-per-viewer",
        distribution_table,
    ),
]


def register(app, analytics) -> None:
    """Register one CSV download callback per chart on `app`."""
    for spec in DOWNLOADS:
        _register_download(app, analytics, spec)

    # Prime time's file follows its card's own metric, not only the page's state.
    @app.callback(
        *_outputs(ids.WHEN_DOWNLOAD),
        Input(ids.WHEN_CSV_BUTTON, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.WHEN_METRIC, "value"),
        prevent_initial_call=True,
    )
    @guarded(_download_failed)
    def download_when_download(n_clicks, state_data, metric):
        if not n_clicks:
            raise PreventUpdate
        state = from_store(state_data)
        header, rows = when_table(analytics, state, metric)
        stem = f"prime-time-{header[-1].replace('_', '-')}"
        return csv_export.download(stem, state, header, rows), no_update, no_update


def _register_download(app, analytics, spec: CsvDownload) -> None:
    # A function per chart (not a closure in the loop) so each callback keeps its own spec.
    def download(n_clicks, state_data):
        if not n_clicks:
            raise PreventUpdate
        state = from_store(state_data)
        header, rows = spec.table(analytics, state)
        return csv_export.download(spec.stem(state), state, header, rows), no_update, no_update

    # The name shows in the server log when the callback fails (e.g. download_toplist_graph).
    download.__name__ = f"download_{spec.download_id.replace('-', '_')}"
    app.callback(
        *_outputs(spec.download_id),
        Input(spec.button_id, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(guarded(_download_failed)(download))
