"""The weekly Top 10 panel: Movies | Series for a chosen week, with rank movement."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.components import csv_button, select, stale_while_loading
from layouts.options import DEFAULT_TOP10_TYPE, LATEST_WEEK, TOP10_TYPE_OPTIONS

PARTIAL = " (partial: the data covers only some of its days)"
# A number column left out on a phone (Bootstrap: hidden below its `sm` width, 576 px).
WIDE_ONLY = "text-end d-none d-sm-table-cell"


def week_label(monday: dt.date, partial: bool = False) -> str:
    return f"Week of {monday.day} {monday:%b %Y}" + (PARTIAL if partial else "")


def week_options(
    weeks: list[dt.date], latest: dt.date | None, partial: set[dt.date] = frozenset()
) -> list[dict]:
    """The week select's choices: the latest complete week first, then every week, newest
    first, a week the data covers only in part marked so."""
    first = "Latest complete week" + (f" ({week_label(latest)})" if latest else "")
    return [{"label": first, "value": LATEST_WEEK}] + [
        {"label": week_label(monday, monday in partial), "value": monday.isoformat()}
        for monday in reversed(weeks)
    ]


def top10_panel() -> dbc.Card:
    """The card: its controls, and the table a callback fills."""
    kind = dbc.RadioItems(
        id=ids.TOP10_TYPE,
        options=TOP10_TYPE_OPTIONS,
        value=DEFAULT_TOP10_TYPE,
        inline=True,
        class_name="btn-group rb-segmented",
        input_class_name="btn-check",
        label_class_name="btn btn-outline-primary btn-sm",
        label_checked_class_name="active",
    )
    week = select(ids.TOP10_WEEK, [{"label": "Latest complete week", "value": LATEST_WEEK}],
                  LATEST_WEEK, "rb-week-select")  # fmt: skip
    header = html.Div(
        [
            html.Div(
                [
                    html.H2("Weekly Top 10", className="rb-card-title"),
                    html.P(
                        "Ranked by views as streaming services publish them: hours viewed ÷ "
                        "runtime (not events), Monday to Sunday",
                        className="rb-card-sub",
                    ),
                ],
                className="me-auto",
            ),
            html.Div(kind, role="radiogroup", **{"aria-label": "Top 10 of"}),
            html.Div(
                [dbc.Label("Week", html_for=ids.TOP10_WEEK, className="visually-hidden"), week]
            ),
            csv_button(ids.TOP10_CSV_BUTTON, ids.TOP10_DOWNLOAD, "the weekly top 10"),
        ],
        className="rb-card-header rb-top10-header",
    )
    return dbc.Card(
        [header, stale_while_loading(html.Div(id=ids.TOP10_TABLE, className="rb-top10"))],
        className="rb-card",
    )


def _movement(entry: dict) -> html.Span:
    """▲ 2 (up two places), ▼ 1, = (same place) or "new" (not listed last week)."""
    before = entry["rank_last_week"]
    if before is None:
        return html.Span("new", className="rb-move rb-move-new", title="Not in last week's list")
    moved = before - entry["rank"]
    if moved > 0:
        return html.Span(f"▲ {moved}", className="rb-move rb-move-up", title=f"Was #{before}")
    if moved < 0:
        return html.Span(f"▼ {-moved}", className="rb-move rb-move-down", title=f"Was #{before}")
    return html.Span("=", className="rb-move rb-move-same", title=f"Also #{before} last week")


def top10_table(
    entries: list[dict], links: list[str], week: dt.date | None, partial: bool = False
) -> list:
    """The list as a table; each title links to its own view (links: one href per entry); a
    week the data covers only in part says so in its caption."""
    if not entries:
        when = f" for the {week_label(week, partial).lower()}" if week else ""
        return [html.P(f"No titles with a known runtime were watched{when}.", className="rb-empty")]
    head = html.Thead(
        html.Tr(
            [
                html.Th("#"),
                html.Th("", **{"aria-label": "Change since last week"}),
                html.Th("Title"),
                html.Th(
                    "Views (h ÷ runtime)",
                    className="text-end",
                    title="Hours viewed ÷ runtime: how many full viewings the hours make, "
                    "not a count of events",
                ),
                # Not on a phone, so that the table fits its width (the CSV has them).
                html.Th("Hours viewed", className=WIDE_ONLY),
                html.Th("Runtime", className=WIDE_ONLY),
                html.Th("Weeks in Top 10", className="text-end"),
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(str(entry["rank"]), className="rb-rank"),
                html.Td(_movement(entry)),
                html.Td(dcc.Link(entry["title"], href=href)),
                html.Td(f"{entry['views']:,.2f}", className="text-end"),
                html.Td(f"{entry['hours_viewed']:,.1f}", className=WIDE_ONLY),
                html.Td(f"{entry['runtime_hours']:,.2f} h", className=WIDE_ONLY),
                html.Td(str(entry["weeks_in_top10"]), className="text-end"),
            ]
        )
        for entry, href in zip(entries, links, strict=True)
    ]
    caption = html.Caption(week_label(week, partial) if week else "", className="rb-top10-caption")
    return [
        html.Div(
            dbc.Table([caption, head, html.Tbody(rows)], size="sm", hover=True, className="mb-0"),
            className="table-responsive rb-table-wrap",
        )
    ]
