"""Chart and KPI callbacks: check the view state, ask EventsAnalytics, build figures and cards."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import from_store
from callbacks.time_series import chart_series
from data.events.catalog import DIMENSION_BY_NAME, METRIC_BY_NAME
from data.events.params import InvalidParameter
from data.events.questions import question
from layouts import figures, ids
from layouts.annotations import with_annotations
from layouts.metric_looks import is_share, kpi_text
from layouts.options import pick_of
from layouts.timeseries import timeseries_figure

_KPI_IDS = ids.KPI_CARDS  # one card per catalog metric, in catalog order
NO_VALUE = "–"
# (graph, title, subtitle, the state's metric key) of the two time-series cards.
TIME_CHARTS = (
    (ids.CHART1_GRAPH, ids.CHART1_TITLE, ids.CHART1_SUBTITLE, "chart1"),
    (ids.CHART2_GRAPH, ids.CHART2_TITLE, ids.CHART2_SUBTITLE, "chart2"),
)
_PER = {"daily": "per day", "weekly": "per week (from Monday)", "monthly": "per month"}


def _state_or_wait(state_data):
    """The checked view state; none yet (the theme switch can fire first on load): wait."""
    if state_data is None:
        raise PreventUpdate
    return from_store(state_data)


def _chart_failed(message: str, inputs: dict) -> tuple:
    return figures.message_figure(message, bool(inputs["dark"]), error=True), "Chart", None


def _toplist_failed(message: str, inputs: dict) -> tuple:
    figure = figures.message_figure(message, bool(inputs["dark"]), error=True, height=220)
    return figure, None, toplist_box(figure)


def toplist_box(figure: dict) -> dict:
    """The toplist graph's style: exactly its figure's height. Its height grows with the bars,
    so the box cannot be fixed in CSS; and a box of height auto collapses to 0 px when the
    window's first resize (a scrollbar appearing as the cards below load) makes Plotly drop
    the figure's height and fill its box instead: the bars then overprint what follows."""
    return {"height": f"{figure['layout']['height']}px"}


def _no_changes() -> dict:
    """The cards' change outputs when nothing is compared: empty, neutral, no note."""
    return {
        **{f"delta_{key}": None for key in _KPI_IDS},
        **{f"delta_title_{key}": None for key in _KPI_IDS},
        **{f"delta_class_{key}": "rb-kpi-delta" for key in _KPI_IDS},
        "compare_note": None,
    }


def _kpis_failed(message: str, _inputs: dict) -> dict:
    return {
        **{key: NO_VALUE for key in _KPI_IDS},
        **_no_changes(),
        "views_note": None,
        "error": message,
    }


def _number(kpis: dict, key: str):
    value = kpis.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def kpi_numbers(kpis: dict) -> dict:
    """Each card's number (its catalog metric's value in /data/kpis/'s answer) or None."""
    return {key: _number(kpis, key) for key in _KPI_IDS}


def format_kpis(kpis: dict) -> dict:
    """The KPI cards' contents from /data/kpis/'s numbers, as each metric is shown
    (layouts/metric_looks.py); missing values show a dash."""
    cards = {}
    for key, value in kpi_numbers(kpis).items():
        text = kpi_text(key, value)
        if text is None:
            cards[key] = NO_VALUE
        elif isinstance(text, tuple):
            cards[key] = [text[0], html.Span(text[1], className="rb-kpi-unit")]
        else:
            cards[key] = text
    return cards


def _one_decimal(value: Decimal) -> Decimal:
    """Rounded to one decimal, halves away from zero (12.25 -> 12.3, -12.25 -> -12.3)."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _shown_change(rounded: Decimal, unit: str) -> tuple[str, str]:
    """The text and tone of a change rounded to one decimal: the arrow and sign are those of
    the number shown, so a change that rounds to zero is "= 0.0" without a sign."""
    if rounded == 0:
        return f"{_ARROWS['neutral']} 0.0 {unit}", "neutral"
    tone = "up" if rounded > 0 else "down"
    return f"{_ARROWS[tone]} {'+' if rounded > 0 else '−'}{abs(rounded):.1f} {unit}", tone


def change(key: str, now, before) -> tuple[str | None, str]:
    """(text, tone) of a card's change: "▲ +12.3 %" up, "▼ −4.0 %" down, "= 0.0 %" when it
    rounds to zero, "new" when the previous value was 0; completion in percentage points.
    Computed in decimal from the numbers' shortest reprs, so 0.4895 against 0.4890 is exactly
    0.05 pp (shown +0.1 pp), not the float 0.04999…"""
    if now is None or before is None:
        return None, "neutral"
    now, before = Decimal(repr(now)), Decimal(repr(before))
    if is_share(key):
        return _shown_change(_one_decimal((now - before) * 100), "pp")
    if before == 0:
        return ("new", "up") if now else _shown_change(Decimal(0), "%")
    return _shown_change(_one_decimal((now - before) / before * 100), "%")


_ARROWS = {"up": "▲", "down": "▼", "neutral": "="}


def _range_text(start, end) -> str:
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def _rule_text(span) -> str:
    """How the previous range was chosen, when it is not simply the days just before."""
    if span.period_to_date:
        return f" (the same number of days of the previous {span.unit}: {span.unit} to date)"
    if span.periods == 1:
        return f" (the {span.unit} before)"
    if span.periods:
        return f" (the {span.periods} {span.unit}s before)"
    return ""


def _comparison(state, kpis: dict, before: dict, span, bounds) -> dict:
    """Each card's change against the previous period, and the note naming both ranges."""
    outputs = _no_changes()
    if not state.compare or span is None or bounds is None:
        return outputs
    filters = state.filters()
    start, end = filters.start or bounds[0], filters.end or bounds[1]
    now, earlier = kpi_numbers(kpis), kpi_numbers(before)
    ranges = f"{_range_text(start, end)} compared with {_range_text(span.start, span.end)}"
    ranges += _rule_text(span)
    for key in _KPI_IDS:
        text, tone = change(key, now[key], earlier[key])
        outputs[f"delta_{key}"] = text
        outputs[f"delta_class_{key}"] = f"rb-kpi-delta rb-delta-{tone}"
        outputs[f"delta_title_{key}"] = ranges
    outputs["compare_note"] = "Changes: " + ranges
    return outputs


def views_note(untitled: int) -> str | None:
    """What the toplist and the Views card leave out or add, in one footnote."""
    if not untitled:
        return None
    return f"{untitled:,} view{'s' if untitled != 1 else ''} without a title"


# Every chart redraws when the view state, the theme or the data's version changes.
_CHART_INPUTS = (
    Input(ids.STATE, "data"),
    Input(ids.THEME_SWITCH, "value"),
    Input(ids.DATA_REFRESH, "data"),
)


def chart_title(metric: str, breakdown: str | None) -> str:
    """A time card's title: its metric, and the breakdown when there is one."""
    title = METRIC_BY_NAME[metric].label
    return f"{title} by {DIMENSION_BY_NAME[breakdown].label.lower()}" if breakdown else title


def register(app, analytics) -> None:
    """Register the chart and KPI callbacks on `app`."""

    def timeseries_callback(graph_id: str, title_id: str, subtitle_id: str, key: str):
        @app.callback(
            Output(graph_id, "figure"),
            Output(title_id, "children"),
            Output(subtitle_id, "children"),
            *_CHART_INPUTS,
            Input(ids.ANNOTATIONS, "data"),
            prevent_initial_call=True,
        )
        @guarded(_chart_failed)
        def update(state_data, dark, _version, notes):
            state = _state_or_wait(state_data)
            metric = getattr(state, key)
            series = chart_series(analytics, state, metric)
            figure = timeseries_figure(
                series.dates,
                series.lines,
                metric,
                state.resolution,
                bool(dark),
                partial=series.partial,
                no_data=series.no_data,
                previous=series.previous,
                band=series.band,
            )
            figure = with_annotations(figure, notes if isinstance(notes, list) else None)
            subtitle = f"{METRIC_BY_NAME[metric].counts} {_PER[state.resolution]}"
            return figure, chart_title(metric, state.breakdown), subtitle

        update.__name__ = f"update_{key}"
        return update

    for graph_id, title_id, subtitle_id, key in TIME_CHARTS:
        timeseries_callback(graph_id, title_id, subtitle_id, key)

    @app.callback(
        Output(ids.TOPLIST_GRAPH, "figure"),
        Output(ids.TOPLIST_NOTE, "children"),
        Output(ids.TOPLIST_GRAPH, "style"),
        *_CHART_INPUTS,
        prevent_initial_call=True,
    )
    @guarded(_toplist_failed)
    def update_toplist(state_data, dark, _version):
        state = _state_or_wait(state_data)
        filters = state.filters()
        rows = question("toplist").compute(
            analytics, num=state.num, level=state.level, filters=filters
        )
        details = analytics.toplist_details(state.num, filters, state.level)
        for row, detail in zip(rows, details, strict=True):
            # A click on the bar opens this: a show's view for rolled-up series, else the title.
            show = detail["series"]
            row.update(detail, pick=pick_of(None if show else row["title"], show))
        note = views_note(analytics.untitled_views(filters))
        figure = figures.toplist_figure(rows, bool(dark))
        return figure, note and f"Not listed: {note}.", toplist_box(figure)

    outputs = {key: Output(component, "children") for key, component in _KPI_IDS.items()}
    for key, component in _KPI_IDS.items():
        delta = ids.KPI_DELTAS[component]
        outputs[f"delta_{key}"] = Output(delta, "children")
        outputs[f"delta_class_{key}"] = Output(delta, "className")
        outputs[f"delta_title_{key}"] = Output(delta, "title")

    @app.callback(
        output={
            **outputs,
            "compare_note": Output(ids.COMPARE_NOTE, "children"),
            "views_note": Output(ids.KPI_VIEWS_NOTE, "children"),
            "error": Output(ids.KPI_ERROR, "children"),
        },
        inputs={
            "state_data": Input(ids.STATE, "data"),
            "_version": Input(ids.DATA_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    @guarded(_kpis_failed)
    def update_kpis(state_data, _version):
        state = _state_or_wait(state_data)
        filters = state.filters()
        kpis = question("kpis").compute(
            analytics, filters=filters, compare=None, resolution=state.resolution
        )
        before, span, unmatched = {}, None, None
        if state.compare:
            # Directly: the cards name the rule the previous range follows (period to date,
            # whole weeks or months), which /data/kpis/'s previous_range does not carry.
            try:
                kpis, before, span = analytics.kpis_with_previous(filters, state.resolution)
            except InvalidParameter as exc:  # a range starting on the calendar's first day
                unmatched = f"No comparison: {exc}."
        note = views_note(analytics.untitled_views(filters))
        compared = _comparison(state, kpis, before, span, analytics.date_bounds())
        return {
            **format_kpis(kpis),
            **compared,
            "compare_note": unmatched or compared["compare_note"],
            "views_note": note and f"incl. {note}",
            "error": None,
        }
