"""The analytics every route, callback and MCP tool asks: limited to the request's scope."""

from __future__ import annotations

from flask import Flask, g, has_app_context

# Where the sign-in guard (web/auth/) leaves the request's scope: a catalog dimension's name ->
# the values allowed, or None for no limit.
SCOPE_KEY = "reelboard_scope"


def request_scope():
    """The current request's scope (None: no limit, or no request at all: CLI, warm-up)."""
    return g.get(SCOPE_KEY) if has_app_context() else None


class RequestAnalytics:
    """Stands for the server's EventsAnalytics: each attribute is read, when asked for, from
    the analytics limited to the current request's scope (analytics.scoped), so that no path
    can ask a question past the limit, whatever it asks and however it got this object.

    It reads the server's analytics anew each time, so a swapped one (services.set_analytics)
    is the one asked; setting an attribute sets it on that analytics (tests patch methods)."""

    __slots__ = ("_server", "_read")

    def __init__(self, server: Flask, read):
        object.__setattr__(self, "_server", server)
        object.__setattr__(self, "_read", read)

    @property
    def unscoped(self):
        """The server's analytics itself, for what must not be limited (none of the answers)."""
        return self._read(self._server)

    def __getattr__(self, name: str):
        analytics = self.unscoped
        scope = request_scope()
        return getattr(analytics if scope is None else analytics.scoped(scope), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self.unscoped, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self.unscoped, name)

    def __repr__(self) -> str:
        return f"RequestAnalytics({self.unscoped!r})"
