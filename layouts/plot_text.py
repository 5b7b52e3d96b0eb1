"""Text from data made literal for Plotly, which acts on markup and templates in text it draws."""

from __future__ import annotations

# Plotly draws a subset of HTML in every text it shows (tick labels, legend names, hovers,
# annotations): <a href> becomes a link, <span style> restyles, <b>, <i>, <br>, <sub>, <sup>
# format. It fills %{...} in hover templates, and in legend names and annotations too when the
# figure has a `meta` (the time charts do). As entities, which Plotly turns back into the
# characters after both steps, such text shows as it is written: "&amp;" in the data shows as
# "&amp;", "%{y}" as "%{y}". assets/dashboard-enhance.js (plotText) does the same in the page.
_LITERAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"})


def plot_text(text: str) -> str:
    """`text` (a title, a device, a market, a message) as Plotly shows it literally."""
    return str(text).translate(_LITERAL)
