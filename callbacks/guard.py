"""Turn a failing callback into a short readable message instead of a traceback in the browser."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable

from dash.exceptions import PreventUpdate

from data.events.params import InvalidParameter
from data.events.stores.sqlite_store import EventStoreUnreadable

log = logging.getLogger("reelboard.callbacks")

UNEXPECTED = "Something went wrong while loading this data. Reload the page to try again."


# Every fallback has this one shape: (message for the page, the callback's inputs by name).
Fallback = Callable[[str, dict], object]


def guarded(fallback: Fallback):
    """Decorator: bad input -> fallback(message, inputs); other errors -> log, fallback(UNEXPECTED).

    inputs maps the callback's parameter names to the values it got (e.g. the theme for an error
    figure). PreventUpdate passes through so that "nothing to do" stays silent.
    """

    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except PreventUpdate:
                raise
            except InvalidParameter as exc:
                message = f"Invalid input: {exc}"
            except EventStoreUnreadable as exc:
                message = f"{str(exc)[:1].upper()}{str(exc)[1:]}."  # already logged, in one line
            except Exception:
                # The details belong in the server log, not in the analyst's page.
                log.exception("dashboard callback %s failed", function.__name__)
                message = UNEXPECTED
            return fallback(message, dict(signature.bind(*args, **kwargs).arguments))

        return wrapper

    return decorate
