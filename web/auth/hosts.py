"""The host names the app answers to (ALLOWED_HOSTS) and the same-site check of unsafe requests."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

# A Host header: a name or IPv4 address, or a bracketed IPv6 address, then an optional port
# (werkzeug's own pattern; its trusted-host check cannot match a bracketed IPv6 entry).
_HOST = re.compile(r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?", re.IGNORECASE)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


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


def _port(host: str | None, scheme: str) -> int | None:
    """The port a Host header names, or the scheme's default when it names none."""
    match = _HOST.fullmatch((host or "").strip())
    if match is None:
        return None
    return int(match.group(2)) if match.group(2) else _DEFAULT_PORTS[scheme]


def same_site(
    origin: str | None, referer: str | None, allowed: Collection[str], host: str | None = None
) -> bool:
    """True when the request comes from a page of this app: its Origin (or, when a browser sent
    none, its Referer) names an allowed host and, when `host` (the request's Host header) is
    given, the same port: another program's page on another port of this machine is another
    site, though the browser sends it our cookie. Neither header, or `Origin: null`: refused."""
    source = origin if origin is not None else referer
    if not source:
        return False
    try:
        parts = urlsplit(source.strip())
        name = parts.hostname
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or name is None or name.rstrip(".") not in allowed:
        return False
    if parts.username is not None or parts.password is not None:
        return False  # http://evil@localhost names localhost, but is no browser's Origin
    if host is None:
        return True
    return (parts.port or _DEFAULT_PORTS[parts.scheme]) == _port(host, parts.scheme)
