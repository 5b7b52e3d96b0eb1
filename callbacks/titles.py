"""A title's own view: the overview gives way to it while a title or a show is chosen, and the
title picker finds one by name."""

from __future__ import annotations

from dataclasses import replace

from dash import ClientsideFunction, Input, Output, no_update
from dash.exceptions import PreventUpdate

from callbacks.guard import guarded
from callbacks.state import ViewState, from_store
from callbacks.time_series import partial_flags
from data.events.analysis.title_insights import TitleNotFound
from data.events.questions import question
from layouts import ids, title_figures
from layouts.annotations import with_annotations
from layouts.options import pick_of
from layouts.title_view import title_body
from layouts.wording import counted

_PICKS_SHOWN = 30


def title_numbers(analytics, state: ViewState) -> dict:
    """The open title's (or show's) answer, as /data/title/ gives it (TitleNotFound if none)."""
    return question("title").compute(
        analytics,
        title=state.title,
        series=state.series,
        resolution=state.resolution,
        filters=state.filters(),
    )


def _view_outputs() -> dict:
    return {
        "overview_hidden": Output(ids.OVERVIEW, "hidden"),
        "view_hidden": Output(ids.TITLE_VIEW, "hidden"),
        "kind": Output(ids.TITLE_KIND, "children"),
        "heading": Output(ids.TITLE_HEADING, "children"),
        "body": Output(ids.TITLE_BODY, "children"),
        "error": Output(ids.TITLE_ERROR, "children"),
    }


def _without_figures(message: str | None, heading=no_update) -> dict:
    return {
        "overview_hidden": True,
        "view_hidden": False,
        "kind": no_update,
        "heading": heading,
        "body": None,
        "error": message,
    }


def _view_failed(message: str, inputs: dict) -> dict:
    """A title's view that cannot be drawn says why; without a title open, the overview stays
    (its own cards say what is wrong with their part of the state)."""
    data = inputs.get("state_data")
    if isinstance(data, dict) and (data.get("title") or data.get("series")):
        return _without_figures(message)
    return {key: no_update for key in _view_outputs()} | {
        "overview_hidden": False,
        "view_hidden": True,
    }


def overview_link(state: ViewState) -> str:
    """The page's URL with the same filters and no title chosen."""
    return "/" + replace(state, title=None, series=None).query()


def title_link(state: ViewState, title: str | None = None, series: str | None = None) -> str:
    """The page's URL of a title's (or a show's) own view, keeping the filters."""
    return "/" + replace(state, title=title, series=series).query()


def register(app, analytics) -> None:
    """Register the title view's callbacks on `app`."""

    @app.callback(
        output=_view_outputs(),
        inputs={
            "state_data": Input(ids.STATE, "data"),
            "dark": Input(ids.THEME_SWITCH, "value"),
            "_version": Input(ids.DATA_REFRESH, "data"),
            "notes": Input(ids.ANNOTATIONS, "data"),
        },
        prevent_initial_call=True,
    )
    @guarded(_view_failed)
    def update_title_view(state_data, dark, _version, notes):
        """Show the overview, or the chosen title's view in its place."""
        if state_data is None:
            raise PreventUpdate
        state = from_store(state_data)
        if state.title is None and state.series is None:
            shown = {key: no_update for key in _view_outputs()}
            return shown | {"overview_hidden": False, "view_hidden": True}
        name = state.series or state.title
        try:
            answer = title_numbers(analytics, state)
        except TitleNotFound:
            return _without_figures(f"No events have the title {name!r}.", heading=name)
        dark = bool(dark)
        dates = [row["date"] for row in answer["timeseries"]]
        partial = partial_flags(analytics, state.filters(), dates, state.resolution)
        charts = {
            "time": with_annotations(
                title_figures.time_figure(answer["timeseries"], state.resolution, dark, partial),
                notes if isinstance(notes, list) else None,
            ),
            "completion": title_figures.completion_figure(answer["completion"]["histogram"], dark),
            "devices": title_figures.shares_figure(answer["devices"], "views", dark),
            "markets": title_figures.shares_figure(answer["markets"], "views", dark),
        }
        return {
            "overview_hidden": True,
            "view_hidden": False,
            "kind": "Series" if state.series else "Title",
            "heading": name,
            "body": title_body(
                answer["kpis"],
                charts,
                answer.get("seasons"),
                any(partial),
                answer.get("binge"),
                answer.get("funnel"),
                answer.get("next"),
            ),
            "error": None,
        }

    @app.callback(
        Output(ids.TITLE_PICKER, "options"),
        Input(ids.TITLE_PICKER, "search_value"),
        Input(ids.TITLE_PICKER, "value"),
    )
    @guarded(lambda _message, _inputs: no_update)
    def title_options(search, value):
        """The titles and shows matching what is typed, most viewed first; the chosen one
        stays listed (a Dropdown shows only a value that is among its options)."""
        text = search.strip()[:100] if isinstance(search, str) else ""
        found = analytics.search_titles(text)[:_PICKS_SHOWN]  # "": the most viewed
        options = [
            {
                "label": f"{f['name']} (series, {counted(f['views'], 'view')})"
                if f["kind"] == "series"
                else f"{f['name']} ({counted(f['views'], 'view')})",
                "value": pick_of(
                    f["name"] if f["kind"] == "title" else None,
                    f["name"] if f["kind"] == "series" else None,
                ),
            }
            for f in found
        ]
        if isinstance(value, str) and value not in {o["value"] for o in options}:
            options.append({"label": value.partition(":")[2], "value": value})
        return options

    # In assets/dashboard-live.js: the tab's title names the open title.
    app.clientside_callback(
        ClientsideFunction(namespace="reelboard", function_name="nameTab"),
        Output(ids.TITLE_HEADING, "title"),
        Input(ids.TITLE_HEADING, "children"),
        Input(ids.TITLE_VIEW, "hidden"),
        prevent_initial_call=True,
    )
