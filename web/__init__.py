"""Web plumbing shared by the routes and Dash: errors, security headers, requests, rate limits."""

from __future__ import annotations

import dash

from web.admission import init_admission
from web.answer_writing import install_answer_writing
from web.errors import init_errors
from web.headers import init_headers
from web.limits import init_rate_limits
from web.log_safety import install as bound_the_logs
from web.requests import init_requests


def init_web(app: dash.Dash) -> None:
    """Install request checks, error answers, security headers, limits and admission on the app,
    and the log filter on the process's log handlers (logging is configured by now: make run's
    basicConfig, gunicorn's logconfig_dict in the worker)."""
    bound_the_logs()
    init_requests(app)
    init_errors(app.server)
    init_headers(app)
    init_rate_limits(app.server)
    init_admission(app.server)
    install_answer_writing(app.server)  # around the others: it times and spools every answer
