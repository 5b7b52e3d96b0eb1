"""The time-series charts: a line per group (or one), the previous period dashed, no-data spans."""

from __future__ import annotations

from dataclasses import dataclass

from layouts.band_traces import band_traces
from layouts.figures import EMPTY_MESSAGE, alpha, axis, base_layout, message_figure, palette
from layouts.metric_looks import chart_scale, hover_format, is_count, is_share, metric_color
from layouts.period_axis import (
    AXIS_TITLE,
    MAX_MONTH_CHOICES,
    period_axis,
    period_range,
    period_ticks,
)
from layouts.period_marks import partial_notes, partial_points
from layouts.plot_text import plot_text

# Group colours, the same per value on every chart; each theme has its own shade of each hue.
GROUP_COLORS = {
    "light": ["#4f46e5", "#0d9488", "#d97706", "#db2777", "#0284c7", "#65a30d", "#7c3aed",
              "#ea580c", "#0891b2", "#be123c"],
    "dark": ["#818cf8", "#2dd4bf", "#fbbf24", "#f472b6", "#38bdf8", "#a3e635", "#a78bfa",
             "#fb923c", "#22d3ee", "#fb7185"],
}  # fmt: skip
OTHER_COLOR = {"light": "#94a3b8", "dark": "#64748b"}
NO_DATA = "no data"


@dataclass(frozen=True)
class Line:
    """One line of a time chart: a group of a breakdown (or the whole selection when name is
    None), its values per period, and the colour slot of its value (None: the metric's)."""

    name: str | None
    values: list
    color_slot: int | None = None


@dataclass(frozen=True)
class Previous:
    """One line's values over the previous period, aligned period by period with its current
    ones: the whole selection's (name None) or a group's (name: its Line's name)."""

    values: list
    dates: list[str]  # the days each value is over, for the hover
    label: str  # e.g. "Previous period (2025-10-01 – 2025-10-17)"
    name: str | None = None


def _scale(metric: str, lines: list[Line]) -> tuple[float, str, str]:
    """(divisor, unit shown, y-axis title) for a metric's values."""
    peak = max((v for line in lines for v in line.values if v is not None), default=0)
    return chart_scale(metric, peak)


def _shown(values: list, divisor: float, hidden: list[bool]) -> list:
    return [
        None if value is None or gone else round(value / divisor, 2)
        for value, gone in zip(values, hidden, strict=True)
    ]


def _color(line: Line, metric: str, theme: str, colors: dict) -> str:
    if line.color_slot is None:
        return metric_color(metric, colors) if line.name is None else OTHER_COLOR[theme]
    return GROUP_COLORS[theme][line.color_slot % len(GROUP_COLORS[theme])]


def _no_data_shapes(
    dates: list[str], no_data: list[bool], resolution: str, colors: dict
) -> tuple[list, list]:
    """Grey bands with a "no data" label over runs of periods outside the data."""
    shapes, labels = [], []
    run_start = None
    for index, flag in enumerate([*no_data, False]):
        if flag and run_start is None:
            run_start = index
        if not flag and run_start is not None:
            first, last = period_range([dates[run_start], dates[index - 1]], resolution)
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": first,
                    "x1": last,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": colors["grid"],
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
            labels.append(
                {
                    "text": NO_DATA,
                    "xref": "x",
                    "yref": "paper",
                    "x": first,
                    "y": 1,
                    "xanchor": "left",
                    "yanchor": "top",
                    "showarrow": False,
                    "font": {"size": 11, "color": colors["muted"]},
                }
            )
            run_start = None
    return shapes, labels


def _previous_traces(previous, lines, traces, dates, divisor, value, colors) -> list[dict]:
    """Each previous line, dashed, after its current line: a group's in its colour and in its
    legend group (its legend entry hides both); a point without a neighbour (a one-period
    range) gets a marker, since a line through one point draws nothing."""
    current = {line.name: trace for line, trace in zip(lines, traces, strict=True)}
    out = []
    for before in previous:
        trace = current.get(before.name)
        if trace is None:
            continue
        values = before.values[: len(dates)]
        shown = _shown(values, divisor, [False] * len(values))
        alone = [
            v is not None
            and (i == 0 or shown[i - 1] is None)
            and (i == len(shown) - 1 or shown[i + 1] is None)
            for i, v in enumerate(shown)
        ]
        group = before.name is not None
        color = trace["line"]["color"] if group else colors["muted"]
        out.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": dates[: len(shown)],
                "y": shown,
                "customdata": before.dates[: len(shown)],
                "name": f"{trace['name']} (previous)" if group else before.label,
                "line": {"color": color, "width": 1.6, "dash": "dash"},
                "marker": {
                    "color": color,
                    "symbol": "diamond-open",
                    "size": [9 if flag else 0 for flag in alone],
                    "line": {"width": 2, "color": color},
                },
                "hovertemplate": (
                    f"{'%{fullData.name}' if group else 'Previous'} (%{{customdata}}): "
                    f"<b>{value}</b><extra></extra>"
                ),
                "connectgaps": False,
                **({"legendgroup": trace["legendgroup"], "showlegend": False} if group else {}),
            }
        )
    if out and previous[0].name is not None:
        # A key for the groups' dashed lines, which have no legend entries of their own.
        out.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [None],
                "name": previous[0].label,
                "line": {"color": colors["muted"], "width": 1.6, "dash": "dash"},
                "hoverinfo": "skip",
                "legendgroup": "previous-key",
            }
        )
    return out


def timeseries_figure(
    dates: list[str],
    lines: list[Line],
    metric: str,
    resolution: str,
    dark: bool,
    *,
    partial: list[bool] | None = None,
    no_data: list[bool] | None = None,
    previous: tuple[Previous, ...] | list[Previous] = (),
    band: tuple | list | None = None,
) -> dict:
    """Lines per period of a catalog metric.

    `partial` flags periods only partly inside the data or the chosen range (open markers, and
    "partial period" on hover, so a short last week does not read as a collapse); `no_data`
    flags periods wholly before the first or after the last event: no line there, a grey band
    instead, so that they never read as a real zero. `previous` draws each line's previous
    period dashed (the whole selection's in grey, a group's in the group's colour). `band`
    shades each period's expected (low, high) behind a single line (layouts/band_traces.py).
    """
    count = len(dates)
    partial = partial if partial and len(partial) == count else [False] * count
    no_data = no_data if no_data and len(no_data) == count else [False] * count
    if not dates or all(
        not value
        for line in lines
        for value, gone in zip(line.values, no_data, strict=True)
        if not gone
    ):
        return message_figure(EMPTY_MESSAGE, dark)
    theme = "dark" if dark else "light"
    colors = palette(dark)
    divisor, unit, y_title = _scale(metric, lines)
    value = hover_format(metric, unit)
    thin = count > 60
    partial_note = partial_notes(partial)
    traces = []
    for index, line in enumerate(lines):
        color = _color(line, metric, theme, colors)
        single = line.name is None
        trace = {
            "type": "scatter",
            "mode": "lines" if thin else "lines+markers",
            "x": dates,
            "y": _shown(line.values, divisor, no_data),
            # A group's name is data (a device, a market): the legend and the hover show it.
            "name": y_title if single else plot_text(line.name),
            "text": partial_note,
            "line": {"color": color, "width": 1.6 if thin else 2.2},
            "marker": partial_points(color, partial),
            "hovertemplate": f"{'' if single else '%{fullData.name}: '}<b>{value}</b>"
            "%{text}<extra></extra>",
            "connectgaps": False,
            **({} if single else {"legendgroup": f"group-{index}"}),
        }
        if unit == "h":  # the exact minutes stay on hover
            trace["customdata"] = [
                None if gone else minutes
                for minutes, gone in zip(line.values, no_data, strict=True)
            ]
            trace["hovertemplate"] = trace["hovertemplate"].replace(
                "</b>", "</b> (%{customdata:,} min)", 1
            )
        if single and not is_share(metric):
            trace.update(fill="tozeroy", fillcolor=alpha(color, 0.12))
        traces.append(trace)
    traces += _previous_traces(previous, lines, traces, dates, divisor, value, colors)
    if len(lines) == 1 and band is not None and len(band) == count:
        # Grey: apart from the line's own tint below it.
        traces = band_traces(dates, band, divisor, colors["muted"], value) + traces
    tickvals, ticktext = period_ticks(dates, resolution, MAX_MONTH_CHOICES)
    shapes, labels = _no_data_shapes(dates, no_data, resolution, colors)
    peak = max(
        (v for trace in traces for v in trace["y"] if v is not None),
        default=0,
    )
    yaxis = axis(
        colors,
        title={"text": y_title, "font": {"color": colors["muted"]}},
        rangemode="tozero",
        fixedrange=True,  # a drag zooms the dates only; it sets the page's range
        tickformat="~s" if peak >= 10_000 else ",",
    )
    if is_count(metric):
        yaxis["tickformat"] = "~s" if peak >= 10_000 else ",d"
        if peak < 5:
            yaxis.update(dtick=1, range=[0, max(peak, 1) * 1.1])  # never 0.5 users
    if unit == "%":
        yaxis.update(range=[0, 105], ticksuffix=" %", tickformat=",d")
    legend = len(traces) > 1
    layout = base_layout(
        dark,
        hovermode="x unified",
        dragmode="zoom",
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 11, "color": colors["muted"]},
            "bgcolor": "rgba(0,0,0,0)",
        },
        margin={"l": 8, "r": 16, "t": 36 if legend else 12, "b": 8},
        shapes=shapes,
        annotations=labels,
        # Every tick, for assets/dashboard-enhance.js to thin out on a narrow chart.
        meta={"ticks": {"vals": tickvals, "text": ticktext}},
        xaxis=axis(
            colors,
            showgrid=False,
            title={"text": AXIS_TITLE[resolution], "font": {"color": colors["muted"]}},
            **period_axis(dates, resolution),
            ticklabeloverflow="allow",  # the first period's label may reach into the margin
            showspikes=True,
            spikemode="across",
            spikethickness=1,
            spikecolor=colors["axis"],
            spikedash="dot",
        ),
        yaxis=yaxis,
    )
    return {"data": traces, "layout": layout}
