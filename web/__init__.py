"""Web plumbing shared by the routes and Dash: errors, security headers, requests, rate limits."""

from __future__ import annotations

import dash

from web.answer_writing import install_answer_writing
from web.errors import init_errors
from web.headers import init_headers
from web.limits import init_rate_limits
from web.requests import init_requests


def init_web(app: dash.Dash) -> None:
    """Install request checks, error answers, security headers and rate limits on the app."""
    init_requests(app)
    init_errors(app.server)
    init_headers(app)
    init_rate_limits(app.server)
    install_answer_writing(app.server)  # around the others: it times and spools every answer
