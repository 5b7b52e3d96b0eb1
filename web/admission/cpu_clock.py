"""CPU seconds spent by the running request: per greenlet under gevent, per thread otherwise."""

from __future__ import annotations

import sys
import time
import weakref

import greenlet

# Under gevent every request of a worker is a greenlet of one OS thread, so the thread's CPU
# clock also counts the other requests that ran while this one waited (on Redis, a database, a
# slow client). A trace on greenlet switches charges each stretch of CPU to the greenlet that
# ran it: the request pays for its own work only, never for its neighbours'.
_spent: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_since = [0.0]  # the thread CPU clock at the last switch


def _on_switch(event: str, args) -> None:
    if event in ("switch", "throw"):
        origin = args[0]
        now = time.thread_time()
        _spent[origin] = _spent.get(origin, 0.0) + (now - _since[0])
        _since[0] = now


def _gevent_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")


def start_tracing() -> bool:
    """Charge CPU per greenlet in this thread when gevent runs it (once; idempotent)."""
    if not _gevent_patched():
        return False
    if greenlet.gettrace() is not _on_switch:
        _since[0] = time.thread_time()
        greenlet.settrace(_on_switch)
    return True


def cpu_seconds() -> float:
    """A clock of the CPU the current request (greenlet or thread) has used: take differences."""
    if greenlet.gettrace() is _on_switch:
        current = greenlet.getcurrent()
        return _spent.get(current, 0.0) + (time.thread_time() - _since[0])
    return time.thread_time()
