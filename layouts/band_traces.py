"""The expected range behind a time chart's line: a light shaded area from low to high."""

from __future__ import annotations

from layouts.figures import alpha

BAND_NAME = "Expected range"


def band_traces(dates: list[str], band, divisor: float, color: str, value: str) -> list[dict]:
    """Two traces (low, then high filled down to it) for `band`'s (low, high) per period (None:
    no band there, a gap); drawn first, so behind the line. `value` is the hover's format."""
    if not band or not any(band):
        return []
    # Counts never go below zero: a band reaching under it is drawn from zero.
    low = [None if b is None else round(max(b[0], 0) / divisor, 2) for b in band]
    high = [None if b is None else round(b[1] / divisor, 2) for b in band]
    edge = {"color": alpha(color, 0.0), "width": 0}
    common = {"type": "scatter", "mode": "lines", "x": dates, "connectgaps": False}
    common["legendgroup"] = "expected-range"
    return [
        {
            **common,
            "y": low,
            "name": f"{BAND_NAME} (low)",
            "line": edge,
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            **common,
            "y": high,
            "name": BAND_NAME,
            "line": edge,
            "fill": "tonexty",
            "fillcolor": alpha(color, 0.18),
            "customdata": low,
            "hovertemplate": f"{BAND_NAME}: {value.replace('%{y', '%{customdata')} – {value}"
            "<extra></extra>",
        },
    ]
