"""A chart as a PNG, rendered on the server by Plotly's image export (kaleido driving Chromium).

The rendering runs in a child process (`python -m layouts.chart_image`): kaleido's asyncio
browser control hangs in a gevent-patched gunicorn worker, and a child never blocks the
worker's other requests while Chromium starts and draws."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH, HEIGHT = 900, 420
TIMEOUT_SECONDS = 90


class ChartImageError(RuntimeError):
    """The chart could not be rendered (no browser, a browser that failed); one line why."""


def png_of(figure: dict, browser: str | None = None, width: int = WIDTH, height: int = HEIGHT):
    """The PNG bytes of a Plotly figure (a dict), with the browser at `browser` (Debian's
    /usr/bin/chromium by default; None or missing: kaleido looks for one)."""
    request = {"figure": dict(figure), "browser": browser, "width": width, "height": height}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "layouts.chart_image"],
            input=json.dumps(request, default=str).encode(),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ChartImageError(f"the chart could not be rendered: {error}") from None
    if done.returncode != 0 or not done.stdout.startswith(PNG_SIGNATURE):
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        why = lines[-1][:300] if lines else "no PNG"  # the child's exception, in one line
        raise ChartImageError(f"the chart could not be rendered: {why}")
    return done.stdout


def render(request: dict) -> bytes:
    """In the child: the PNG of request's figure, through kaleido."""
    import kaleido

    browser = request.get("browser")
    kopts = {"path": browser} if browser and os.path.exists(browser) else {}
    options = {"format": "png", "width": request["width"], "height": request["height"]}
    return kaleido.calc_fig_sync(request["figure"], opts=options, kopts=kopts)


if __name__ == "__main__":
    sys.stdout.buffer.write(render(json.loads(sys.stdin.buffer.read())))
