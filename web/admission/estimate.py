"""How much work a request asks for, known before it runs: periods x groups of its range."""

from __future__ import annotations

import datetime as dt

from flask import Request

# Days per period of each resolution; an unknown one counts as daily (the dearest).
_DAYS_PER_PERIOD = {"daily": 1, "weekly": 7, "monthly": 28}
# A breakdown draws the top groups plus "(other)"; its limit is at most this many lines.
_BREAKDOWN_GROUPS = 6
# Where to look in a JSON body for the view's range: Dash callbacks carry the page's state
# store among their inputs and states; MCP tool calls carry /data's parameters as arguments.
_MAX_DEPTH = 6


def estimated_rows(request: Request, data_span: tuple[dt.date, dt.date] | None) -> int | None:
    """Periods x groups the request's answer covers, or None when it cannot be told.

    A side of the range left open is the data's (data_span: first and last event day).
    """
    view = _view_parameters(request)
    start = _date(view.get("start")) or (data_span[0] if data_span else None)
    end = _date(view.get("end")) or (data_span[1] if data_span else None)
    if start is None or end is None:
        return None
    days = max(1, (end - start).days + 1)
    periods = max(1, days // _DAYS_PER_PERIOD.get(str(view.get("resolution")), 1))
    groups = _BREAKDOWN_GROUPS if view.get("breakdown") else 1
    return periods * groups


def _view_parameters(request: Request) -> dict:
    """The start, end, resolution and breakdown a request names, wherever it names them."""
    if request.method == "GET":
        return {key: request.args.get(key) for key in ("start", "end", "resolution", "breakdown")}
    body = request.get_json(silent=True)
    found: dict = {}
    _collect(body, found, 0)
    return found


def _collect(node, found: dict, depth: int) -> None:
    """Fill `found` from the first dicts that name start or end (a walk of bounded depth)."""
    if depth > _MAX_DEPTH or len(found) >= 4:
        return
    if isinstance(node, dict):
        if "start" in node or "end" in node:
            for key in ("start", "end", "resolution", "breakdown"):
                found.setdefault(key, node.get(key))
        for value in list(node.values())[:50]:
            _collect(value, found, depth + 1)
    elif isinstance(node, list):
        for value in node[:50]:
            _collect(value, found, depth + 1)


def _date(value) -> dt.date | None:
    if not isinstance(value, str) or len(value) > 32:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
