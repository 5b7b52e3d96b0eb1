"""The host names the app answers to (ALLOWED_HOSTS) and the same-site check of unsafe requests."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

# A Host header: a name or IPv4 address, or a bracketed IPv6 address, then an optional port
# (werkzeug's own pattern; its trusted-host check cannot match a bracketed IPv6 entry).
_HOST = re.compile(r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?", re.IGNORECASE)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(host: str | None) -> str | None:
    """The lower-case name of a Host header value (IPv6 without brackets), None if malformed."""
    match = _HOST.fullmatch((host or "").strip())
    if match is None:
        return None
    port = match.group(2)
    if port is not None and not 1 <= int(port) <= 65535:
        return None
    return match.group(1).strip("[]").lower().rstrip(".")


def host_allowed(host: str | None, allowed: Collection[str]) -> bool:
    """True when the Host header names one of the allowed hosts (the port does not matter)."""
    name = host_name(host)
    return name is not None and name in allowed


def same_site(origin: str | None, referer: str | None, allowed: Collection[str]) -> bool:
    """True when the request comes from a page of this app: its Origin (or, when a browser sent
    none, its Referer) names an allowed host. Neither header, or `Origin: null`: refused."""
    source = origin if origin is not None else referer
    if not source:
        return False
    try:
        parts = urlsplit(source.strip())
        name = parts.hostname
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and name is not None and name.lower() in allowed
