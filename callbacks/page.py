"""Page-level callbacks: URL <-> controls state (with date presets and drag-zoom), the demo
notice and date bounds, the dimension filters' options, live refresh, the theme."""

from __future__ import annotations

import datetime as dt

from dash import ClientsideFunction, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import ViewState, from_controls, from_query, from_store
from callbacks.zoom import RESET, zoomed_range
from data.events.date_presets import PRESETS, preset_of, preset_range
from data.events.params import InvalidParameter, shown
from data.events.questions import question
from layouts import ids
from layouts.components import data_summary
from layouts.options import FILTER_DIMENSIONS, PRESET_CUSTOM, pick_of

# Every control, by the from_controls keyword it sets.
_CONTROLS = {
    "resolution": (ids.RESOLUTION, "value"),
    "num": (ids.TOPLIST_SIZE, "value"),
    "start": (ids.DATE_RANGE, "start_date"),
    "end": (ids.DATE_RANGE, "end_date"),
    "sessiontype": (ids.SESSIONTYPE, "value"),
    **{name: (ids.DIMENSION_FILTERS[name], "value") for name in FILTER_DIMENSIONS},
    "breakdown": (ids.BREAKDOWN, "value"),
    "chart1": (ids.CHART1_METRIC, "value"),
    "chart2": (ids.CHART2_METRIC, "value"),
    "compare": (ids.COMPARE, "value"),
    "bands": (ids.BANDS, "value"),
    "premieres": (ids.ANNOTATIONS_AUTO, "value"),
    "level": (ids.TOPLIST_LEVEL, "value"),
    "week": (ids.TOP10_WEEK, "value"),
    "top10": (ids.TOP10_TYPE, "value"),
    "cohort": (ids.RETENTION_COHORT, "value"),
}
_ZOOMABLE = (ids.CHART1_GRAPH, ids.CHART2_GRAPH)


def _notice(messages: list[str]):
    """Alert content for link parameters that were not understood."""
    return [
        html.Strong("Part of this link was not understood, so defaults are shown for it:"),
        html.Ul([html.Li(message) for message in messages], className="mb-0 mt-1"),
    ]


def _describe_failed(message: str, _inputs: dict) -> tuple:
    """No data summary: say why in its place, leave the rest as it is."""
    return no_update, no_update, no_update, no_update, message, no_update, no_update


def _sync_failed(message: str, _inputs: dict) -> dict:
    """Forged or broken control values: say so, and change nothing else."""
    keys = ("search", "state", "preset", "origin", "picker", *_CONTROLS)
    result = dict.fromkeys(keys, no_update)
    result.update(notice=message, notice_open=True)
    result["options"] = dict.fromkeys(FILTER_DIMENSIONS, no_update)
    return result


def _preset_value(analytics, state: ViewState) -> str:
    """The preset that names the state's range, or "custom"."""
    bounds = analytics.date_bounds()
    if bounds is None:
        return PRESET_CUSTOM
    start, end = (dt.date.fromisoformat(day) if day else None for day in (state.start, state.end))
    return preset_of(start, end, *bounds) or PRESET_CUSTOM


def _moved_dates(analytics, values: dict, preset, zoom_event, origin) -> tuple[dict, object]:
    """Dates set by a preset or by a drag-zoom (or its reset): (new start/end, zoom origin).

    The origin is the range before the first zoom, where a double-click goes back to.
    """
    trigger = ctx.triggered_id
    if trigger == ids.DATE_PRESET:
        bounds = analytics.date_bounds()
        if preset == PRESET_CUSTOM or bounds is None:
            raise PreventUpdate
        if not isinstance(preset, str) or preset not in PRESETS:
            raise InvalidParameter(
                f"the date preset must be one of {', '.join(PRESETS)}, got {shown(preset)}"
            )
        start, end = preset_range(preset, *bounds)
        return {"start": start, "end": end}, None
    zoom = zoomed_range(zoom_event, values["resolution"])
    if zoom is None:
        raise PreventUpdate  # a resize or a legend click: not a range
    if zoom == RESET:
        if not isinstance(origin, dict):
            raise PreventUpdate
        return {"start": origin.get("start"), "end": origin.get("end")}, None
    before = (
        origin if isinstance(origin, dict) else {"start": values["start"], "end": values["end"]}
    )
    return {"start": zoom[0], "end": zoom[1]}, before


def _current_pick(current: object) -> str | None:
    """The title picker value of the title open in the stored state (None: the overview)."""
    if not isinstance(current, dict):
        return None
    title, series = current.get("title"), current.get("series")
    return pick_of(
        title if isinstance(title, str) else None, series if isinstance(series, str) else None
    )


def _clicked_pick(click: object) -> str:
    """The title picker value a click on a toplist bar stands for (its customdata)."""
    try:
        pick = click["points"][0]["customdata"][2]
    except (TypeError, KeyError, IndexError):
        raise PreventUpdate from None  # not a bar (a forged or empty click)
    if not isinstance(pick, str):
        raise PreventUpdate
    return pick


def _options(entries: list[dict], chosen) -> list[dict]:
    """A dimension's values with their views; chosen values without any stay listed."""
    options = [
        {"label": f"{entry['value']} ({entry['views']:,})", "value": entry["value"]}
        for entry in entries
    ]
    listed = {entry["value"] for entry in entries}
    chosen = chosen if isinstance(chosen, list) else []
    extra = [value for value in chosen if isinstance(value, str) and value not in listed]
    return options + [{"label": f"{value} (0)", "value": value} for value in extra]


def _dimension_options(analytics, state: ViewState) -> dict:
    """Each filter's values over the state's dates, most viewed first, with view counts."""
    filters = state.filters()
    values = question("dimensions").compute(analytics, start=filters.start, end=filters.end)
    return {
        name: _options(values.get(name, []), list(state.values_of(name)))
        for name in FILTER_DIMENSIONS
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def register(app, analytics) -> None:
    """Register the page-level callbacks on `app`."""

    @app.callback(
        output={
            "search": Output(ids.URL, "search"),
            **{key: Output(*prop) for key, prop in _CONTROLS.items()},
            "state": Output(ids.STATE, "data"),
            "notice": Output(ids.URL_NOTICE, "children"),
            "notice_open": Output(ids.URL_NOTICE, "is_open"),
            "preset": Output(ids.DATE_PRESET, "value"),
            "origin": Output(ids.ZOOM_ORIGIN, "data"),
            "picker": Output(ids.TITLE_PICKER, "value"),
            # A dropdown drops a value it has no option for, so a link's device or market
            # filter arrives with its options (dimension_options keeps them current after).
            "options": {
                name: Output(ids.DIMENSION_FILTERS[name], "options", allow_duplicate=True)
                for name in FILTER_DIMENSIONS
            },
        },
        inputs={
            "search": Input(ids.URL, "search"),
            "controls": {key: Input(*prop) for key, prop in _CONTROLS.items()},
            "preset": Input(ids.DATE_PRESET, "value"),
            # Not the charts' relayoutData: they fire on every draw and resize, and such a
            # request, answered with PreventUpdate, superseded a control change made at the
            # same moment (CI saw a content type click lost on load).
            "zoom": Input(ids.ZOOM_EVENT, "data"),
            "bar": Input(ids.TOPLIST_GRAPH, "clickData"),
            "back": Input(ids.TITLE_BACK, "n_clicks"),
            "picker": Input(ids.TITLE_PICKER, "value"),
        },
        state={"current": State(ids.STATE, "data"), "origin": State(ids.ZOOM_ORIGIN, "data")},
        prevent_initial_call="initial_duplicate",
    )
    @guarded(_sync_failed)
    def sync_state(search, controls, preset, zoom, bar, back, picker, current, origin):
        """The URL drives the controls on load and history navigation; controls, presets and
        drag-zooms drive the URL.

        One callback owns both directions (Dash allows a callback to update its own inputs),
        so a change never bounces back and forth.
        """
        trigger = ctx.triggered_id
        if trigger in (None, ids.URL):
            state, messages = from_query(search)
            values = state.control_values()
            stored = state.to_store()
            return {
                # Rewrite the link only when part of it was refused: a valid one stays as typed.
                "search": state.query() if messages else no_update,
                **values,
                "state": stored if stored != current else no_update,
                "notice": _notice(messages) if messages else None,
                "notice_open": bool(messages),
                "preset": _preset_value(analytics, state),
                "origin": None,
                "picker": None,
                "options": (
                    _dimension_options(analytics, state)
                    if state.chosen
                    else dict.fromkeys(FILTER_DIMENSIONS, no_update)
                ),
            }
        values = dict(controls)
        moved, new_origin = {}, no_update
        if trigger in (ids.DATE_PRESET, ids.ZOOM_EVENT):
            moved, new_origin = _moved_dates(analytics, values, preset, zoom, origin)
            values.update({key: _iso(day) for key, day in moved.items()})
        elif trigger == ids.DATE_RANGE:
            new_origin = None  # dates picked by hand: a later double-click has nothing to undo
        # The open title (or show) stays open through other changes; a toplist bar or the
        # title picker opens one, "All titles" closes it. The picker is a search box, not a
        # control: it empties once it has opened its choice.
        values["pick"] = _current_pick(current)
        if trigger == ids.TOPLIST_GRAPH:
            values["pick"] = _clicked_pick(bar)
        elif trigger == ids.TITLE_BACK:
            values["pick"] = None
        elif trigger == ids.TITLE_PICKER:
            if not picker:
                raise PreventUpdate
            values["pick"] = picker
        state = from_controls(**values)
        query, stored = state.query(), state.to_store()
        return {
            "search": query if query != (search or "") else no_update,
            **{key: values[key] if key in moved else no_update for key in _CONTROLS},
            "state": stored if stored != current else no_update,
            "notice": None,
            "notice_open": False,
            "preset": _preset_value(analytics, state) if trigger != ids.DATE_PRESET else no_update,
            "origin": new_origin,
            "picker": None if trigger == ids.TITLE_PICKER else no_update,
            "options": dict.fromkeys(FILTER_DIMENSIONS, no_update),
        }

    @app.callback(
        Output(ids.DEMO_NOTICE, "is_open"),
        Output(ids.DATE_RANGE, "min_date_allowed"),
        Output(ids.DATE_RANGE, "max_date_allowed"),
        Output(ids.DATE_RANGE, "initial_visible_month"),
        Output(ids.DATA_SUMMARY, "children"),
        Output(ids.DATA_LEFT_OUT, "children"),
        Output(ids.DATA_LEFT_OUT, "hidden"),
        Input(ids.URL, "pathname"),
        Input(ids.DATA_REFRESH, "data"),
        State(ids.DEMO_DISMISSED, "data"),
    )
    @guarded(_describe_failed)
    def describe_data(_pathname, _version, dismissed):
        """Show the demo notice (unless this browser closed it), limit the date picker to the
        days that have events, and name the events left out for their date."""
        bounds = analytics.date_bounds()
        # Only ever opened here: a False would count as the reader closing it.
        demo = True if analytics.is_demo() and dismissed is not True else no_update
        first, last = (_iso(day) for day in bounds) if bounds else (None, None)
        return demo, first, last, last, *data_summary(first, last, *analytics.left_out())

    @app.callback(
        output={name: Output(ids.DIMENSION_FILTERS[name], "options") for name in FILTER_DIMENSIONS},
        inputs={
            "state_data": Input(ids.STATE, "data"),
            "_version": Input(ids.DATA_REFRESH, "data"),
        },
        prevent_initial_call=True,
    )
    @guarded(lambda _message, _inputs: {name: no_update for name in FILTER_DIMENSIONS})
    def dimension_options(state_data, _version):
        """Each filter's values over the chosen dates, most viewed first, with view counts."""
        if state_data is None:
            raise PreventUpdate
        return _dimension_options(analytics, from_store(state_data))

    @app.callback(
        Output(ids.DATA_VERSION, "data"),
        Output(ids.DATA_REFRESH, "data"),
        Input(ids.LIVE_TIMER, "n_intervals"),
        State(ids.DATA_VERSION, "data"),
    )
    @guarded(lambda _message, _inputs: (no_update, no_update))
    def follow_data(_n, known):
        """The data's version: a change (an import, a pipeline's rows) redraws the page; the
        same version changes nothing, so an idle page never flickers. The first reading on
        load only notes the version: the page is drawn from it already."""
        version = analytics.version()
        if version == known:
            raise PreventUpdate
        return version, (version if known is not None else no_update)

    # In assets/dashboard-live.js: "Updated HH:MM" in the reader's time when the data changed.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="markUpdated"),
        Output(ids.UPDATED_AT, "children"),
        Input(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )

    # In assets/dashboard-live.js: of the time charts' relayouts, only those that move the x
    # range (a drag-zoom, a double-click) reach sync_state, through a store.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="zoomEvent"),
        Output(ids.ZOOM_EVENT, "data"),
        *(Input(graph, "relayoutData") for graph in _ZOOMABLE),
        prevent_initial_call=True,
    )

    # The reader closed the demo notice: remember it in this browser.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="rememberClosed"),
        Output(ids.DEMO_DISMISSED, "data"),
        Input(ids.DEMO_NOTICE, "is_open"),
        prevent_initial_call=True,
    )

    # In assets/dashboard-live.js: the cards below the toplist wait until they come near the
    # window, watched from when the toplist (above them) has its figure and so its height.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="watchBelowFold"),
        Output(ids.BELOW_FOLD, "data"),
        Input(ids.TOPLIST_GRAPH, "figure"),
        prevent_initial_call=True,
    )

    # In assets/dashboard-theme.js: the switch follows the saved theme on load, then drives it.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="syncTheme"),
        Output(ids.THEME_SWITCH, "value"),
        Output(ids.THEME, "data"),
        Input(ids.THEME_SWITCH, "value"),
    )
