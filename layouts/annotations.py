"""Annotations on the page: their list (annotation_list, for any panel), the card with the form
and the toggle of automatic ones, and their marks on a time chart (with_annotations)."""

from __future__ import annotations

import copy
import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.events.annotations import MAX_TEXT_CHARS
from layouts import ids
from layouts.plot_text import plot_text

WRITTEN_COLOR = "#7c3aed"
AUTOMATIC_COLOR = "#94a3b8"
# The type of the pattern-matching ids of each listed annotation's buttons: {"type", "index": id}.
EDIT_TYPE = "annotation-edit"
DELETE_TYPE = "annotation-delete"
_AXIS = "y9"  # a hidden axis of its own (0 to 1): the marks sit at the top whatever the scale


def _days(item: dict) -> str:
    return item["start"] if item["start"] == item["end"] else f"{item['start']} – {item['end']}"


def _filters_text(filters: dict) -> str:
    return "; ".join(f"{name} = {', '.join(values)}" for name, values in filters.items())


def annotation_item(item: dict, buttons_shown: bool = True) -> html.Li:
    """One annotation: its day(s), its text (literally), whom and what it concerns, and edit
    and delete buttons when the reader may change it (and buttons_shown: one list has them)."""
    about = [_days(item)]
    if item.get("automatic"):
        about.append(f"{item.get('views', 0):,} views in its first 7 days")
    else:
        about.append(f"by {item['author']}")
    if item.get("filters"):
        about.append(_filters_text(item["filters"]))
    buttons = []
    if item.get("editable") and buttons_shown:
        buttons = [
            dbc.Button(
                "Edit",
                id={"type": EDIT_TYPE, "index": item["id"]},
                size="sm",
                color="link",
                class_name="rb-annotation-edit",
            ),
            dbc.Button(
                "Delete",
                id={"type": DELETE_TYPE, "index": item["id"]},
                size="sm",
                color="link",
                class_name="rb-annotation-delete text-danger",
            ),
        ]
    kind = "automatic" if item.get("automatic") else "written"
    return html.Li(
        [
            html.Div(item["text"], className="rb-annotation-text"),
            html.Div(" · ".join(about), className="rb-annotation-about text-muted small"),
            *([html.Div(buttons, className="rb-annotation-buttons")] if buttons else []),
        ],
        className=f"list-group-item rb-annotation rb-annotation-{kind}",
    )


def annotation_list(items: list[dict], buttons_shown: bool = True) -> html.Div:
    """The annotations as a list (written ones first, automatic ones apart), or a line saying
    there are none; a component any panel may hold (only one with the edit buttons)."""
    written = [item for item in items if not item.get("automatic")]
    automatic = [item for item in items if item.get("automatic")]
    if not items:
        return html.Div("No annotations in these dates.", className="text-muted small")
    parts = []
    if written:
        parts.append(
            html.Ul(
                [annotation_item(i, buttons_shown) for i in written], className="list-group mb-2"
            )
        )
    if automatic:  # apart, folded: a year of real data can hold hundreds
        parts.append(
            html.Details(
                [
                    html.Summary(
                        f"Premieres ({len(automatic):,})", className="rb-annotation-heading small"
                    ),
                    html.Ul(
                        [annotation_item(i, buttons_shown) for i in automatic],
                        className="list-group",
                    ),
                ],
                className="rb-annotation-automatic",
            )
        )
    return html.Div(parts, className="rb-annotation-list")


def annotations_card() -> dbc.Card:
    """The Annotations card: the toggle of automatic ones, the form to add (or edit) one and
    the list, which a callback fills."""
    labels = [
        dbc.Label(text, html_for=target, class_name="visually-hidden")
        for text, target in (
            ("Annotation's day, or first day", ids.ANNOTATION_START),
            ("Annotation's last day, for a range", ids.ANNOTATION_END),
            ("Annotation's text", ids.ANNOTATION_TEXT),
        )
    ]
    form = html.Div(
        [
            *labels,
            dbc.Input(
                id=ids.ANNOTATION_START,
                placeholder="Day (YYYY-MM-DD)",
                maxLength=10,
                size="sm",
                class_name="rb-annotation-day",
            ),
            dbc.Input(
                id=ids.ANNOTATION_END,
                placeholder="Last day (optional)",
                maxLength=10,
                size="sm",
                class_name="rb-annotation-day",
            ),
            dbc.Input(
                id=ids.ANNOTATION_TEXT,
                placeholder="What happened (e.g. a campaign, an outage)",
                maxLength=MAX_TEXT_CHARS,
                size="sm",
                class_name="rb-annotation-input",
            ),
            dbc.Checkbox(
                id=ids.ANNOTATION_USE_FILTERS,
                label="Only for the current filters",
                value=False,
                class_name="mb-0",
            ),
            dbc.Button("Add", id=ids.ANNOTATION_SAVE, size="sm", color="primary"),
            dbc.Button(
                "Cancel", id=ids.ANNOTATION_CANCEL, size="sm", color="secondary", outline=True
            ),
        ],
        className="rb-annotation-form d-flex flex-wrap gap-2 align-items-center",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H2("Annotations", className="rb-card-title me-auto"),
                        dbc.Switch(
                            id=ids.ANNOTATIONS_AUTO,
                            label="Show premieres",
                            value=True,
                            class_name="mb-0",
                        ),
                    ],
                    className="rb-card-header",
                ),
                form,
                html.Div(id=ids.ANNOTATION_MESSAGE, className="small mt-1", role="status"),
                html.Div(id=ids.ANNOTATION_LIST, className="mt-2"),
                dcc.Store(id=ids.ANNOTATIONS, storage_type="memory"),
                dcc.Store(id=ids.ANNOTATIONS_CHANGED, data=0, storage_type="memory"),
                dcc.Store(id=ids.ANNOTATION_EDITING, storage_type="memory"),
            ]
        ),
        className="rb-card rb-annotations mt-3",
        id=ids.ANNOTATIONS_CARD,
    )


def _drawable(item: object) -> bool:
    """An annotation as the page loaded it (the browser sends the list back: check it)."""
    return isinstance(item, dict) and all(
        isinstance(item.get(key), str) for key in ("start", "end", "text")
    )


def _edges(item: dict) -> tuple[str, str]:
    """A range's band from half a day before its first day to half a day after its last, so
    that it covers each of its days' points; a day's line on the day."""
    if item["start"] == item["end"]:
        return item["start"], item["end"]
    try:
        first, last = (dt.date.fromisoformat(item[key]) for key in ("start", "end"))
    except ValueError:
        return item["start"], item["end"]
    return f"{first - dt.timedelta(days=1)} 12:00", f"{last} 12:00"


def _shape(item: dict, color: str) -> dict:
    ranged = item["start"] != item["end"]
    x0, x1 = _edges(item)
    return {
        "type": "rect" if ranged else "line",
        "xref": "x",
        "yref": "paper",
        "x0": x0,
        "x1": x1,
        "y0": 0,
        "y1": 1,
        "layer": "below",
        "line": {"color": color, "width": 0 if ranged else 1.5, "dash": "dot"},
        **({"fillcolor": color, "opacity": 0.15} if ranged else {}),
    }


def with_annotations(figure: dict, items: list[dict] | None) -> dict:
    """The figure of a time chart with each annotation drawn: a dotted line for a day, a shaded
    band for a range, a marker at the top whose hover shows the text; written ones in violet,
    automatic ones in grey. A figure without a date axis (a message) is left as it is."""
    items = [item for item in items or [] if _drawable(item)]
    layout = figure.get("layout", {})
    if not items or layout.get("xaxis", {}).get("type") != "date":
        return figure
    figure = copy.deepcopy(figure)
    layout = figure["layout"]
    shapes = list(layout.get("shapes") or [])
    for kind, color, symbol in (
        (False, WRITTEN_COLOR, "triangle-down"),
        (True, AUTOMATIC_COLOR, "star"),
    ):
        chosen = [item for item in items if bool(item.get("automatic")) == kind]
        if not chosen:
            continue
        shapes += [_shape(item, color) for item in chosen]
        figure["data"].append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [item["start"] for item in chosen],
                "y": [0.97] * len(chosen),
                "yaxis": _AXIS,
                "text": [plot_text(f"{_days(item)}: {item['text']}") for item in chosen],
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"symbol": symbol, "size": 11, "color": color},
                "name": "Premieres" if kind else "Annotations",
                "showlegend": False,
                "meta": {"annotations": [str(item["id"]) for item in chosen]},
            }
        )
    layout["shapes"] = shapes
    layout["yaxis9"] = {
        "overlaying": "y",
        "range": [0, 1],
        "visible": False,
        "fixedrange": True,
    }
    return figure
