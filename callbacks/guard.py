"""Turn a failing callback into a short readable message instead of a traceback in the browser."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from dash.exceptions import PreventUpdate

from data.params import InvalidParameter

log = logging.getLogger("reelboard.callbacks")

UNEXPECTED = "Something went wrong while loading this data. Reload the page to try again."


def guarded(fallback: Callable[..., object]):
    """Decorator: bad input -> fallback(message, *args); other errors -> log, fallback(UNEXPECTED).

    The fallback gets the callback's own arguments too (e.g. the theme for an error figure).
    PreventUpdate passes through so that "nothing to do" stays silent.
    """

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except PreventUpdate:
                raise
            except InvalidParameter as exc:
                return fallback(f"Invalid input: {exc}", *args, **kwargs)
            except Exception:
                # The details belong in the server log, not in the analyst's page.
                log.exception("dashboard callback %s failed", function.__name__)
                return fallback(UNEXPECTED, *args, **kwargs)

        return wrapper

    return decorate
