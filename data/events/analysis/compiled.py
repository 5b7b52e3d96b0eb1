"""Loops compiled to machine code (numba): the questions that take a pass over every user's rows.

numpy answers such a question in many sweeps over ten million rows, each allocating its own
temporary; a loop compiled once does it in one pass with its state in a few registers. Each
kernel is compiled on its first call and cached on disk beside its module (numba's cache), and
`warm()` compiles every kernel with example arguments of the types the rollup holds, so that
gunicorn's master does it once before its workers fork (gunicorn.conf.py, on_starting).
"""

from __future__ import annotations

from collections.abc import Callable

import numba

_EXAMPLES: list[tuple[Callable, tuple[Callable[[], tuple], ...]]] = []


def kernel(*examples: Callable[[], tuple]):
    """A decorator: the function compiled by numba (no Python objects inside, no GIL held),
    with callables that return example arguments for warm()."""

    def compile_(function):
        compiled = numba.njit(cache=True, nogil=True)(function)
        _EXAMPLES.append((compiled, examples))
        return compiled

    return compile_


def readonly(*arrays):
    """Read-only views of example arrays: numba compiles a read-only array (a memory-mapped
    rollup's) as another type than a writable one, so examples of rollup arrays must be."""
    views = [a.view() for a in arrays]
    for view in views:
        view.flags.writeable = False
    return views[0] if len(views) == 1 else tuple(views)


def warm() -> None:
    """Compile (or load from the disk cache) every kernel of the analysis modules for the
    argument types of its examples."""
    from data.events.analysis import analytics  # noqa: F401 (imports every kernel's module)

    for compiled, examples in _EXAMPLES:
        for example in examples:
            compiled(*example())
