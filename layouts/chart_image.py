"""A chart as a PNG, rendered on the server by Plotly's image export (kaleido driving Chromium)."""

from __future__ import annotations

import os

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH, HEIGHT = 900, 420


class ChartImageError(RuntimeError):
    """The chart could not be rendered (no browser, a browser that failed); one line why."""


def png_of(figure: dict, browser: str | None = None, width: int = WIDTH, height: int = HEIGHT):
    """The PNG bytes of a Plotly figure (a dict or a Figure), with the browser at `browser`
    (Debian's /usr/bin/chromium by default; None: kaleido looks for one)."""
    import kaleido

    options = {"format": "png", "width": width, "height": height}
    kopts = {"path": browser} if browser and os.path.exists(browser) else {}
    try:
        data = kaleido.calc_fig_sync(dict(figure), opts=options, kopts=kopts)
    except Exception as error:  # kaleido and choreographer raise many kinds
        text = " ".join(str(error).split())[:300] or type(error).__name__
        raise ChartImageError(f"the chart could not be rendered: {text}") from None
    if not data.startswith(PNG_SIGNATURE):
        raise ChartImageError("the chart could not be rendered: not a PNG")
    return data
