"""Failed sign-ins slow down: 5 in 15 minutes for an account, 20 for a client address, then
a wait (429) until the oldest of them is 15 minutes old; never a longer lock-out. A browser with
a device cookie of the account (web/auth/devices.py) is counted on its own instead, 5 in 15
minutes, so that others' failures never make the account's real user wait."""

from __future__ import annotations

import math

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20


def keys(name: str, client: str, device: str | None = None) -> list[tuple[str, int]]:
    """The failure counters a sign-in attempt is checked against, with their limits."""
    if device is not None:
        return [(device, ACCOUNT_LIMIT)]
    return [
        (f"account:{name.strip().lower()[:100]}", ACCOUNT_LIMIT),
        (f"client:{client}", CLIENT_LIMIT),
    ]


def wait_seconds(store, name: str, client: str, device: str | None = None) -> int | None:
    """Seconds to wait before the next attempt for this name or client, or None: go ahead."""
    waits = []
    for key, limit in keys(name, client, device):
        if store.failures(key, WINDOW_SECONDS) >= limit:
            age = store.oldest_failure_age(key, WINDOW_SECONDS) or 0.0
            waits.append(max(1, math.ceil(WINDOW_SECONDS - age)))
    return min(max(waits), WINDOW_SECONDS) if waits else None


def failed(store, name: str, client: str, device: str | None = None) -> None:
    """Count a wrong name or password against the name and the client (or the device)."""
    for key, _ in keys(name, client, device):
        store.record_failure(key)


def succeeded(store, name: str, device: str | None = None) -> None:
    """A right password clears the account's count and the device's (the client's stays: it
    may try others)."""
    store.clear_failures(keys(name, "")[0][0])
    if device is not None:
        store.clear_failures(device)
