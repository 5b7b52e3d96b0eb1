"""Additive measures summed over a rollup's day cells, and the ratios metrics build of them."""

from __future__ import annotations

import numpy as np

from data.events.analysis import selection
from data.events.periods import period_of


def group_codes(allowed: np.ndarray | None) -> np.ndarray | None:
    """The one-group labelling of combinations: 0 if allowed, -1 if not (None: all, fast)."""
    if allowed is None:
        return None
    return np.where(allowed, 0, -1).astype(np.int32)


def measure_per_period(rollup, measure, lo, hi, resolution, p_lo, n_periods, group, n_groups):
    """(groups, periods) sums of an additive measure over days lo..hi."""
    cells = selection.day_cells(rollup, lo, hi)
    slot = np.asarray(period_of(rollup.cell_day[cells].astype(np.int64), resolution)) - p_lo
    values = getattr(rollup, measure)[cells]
    if group is not None:
        g = group[rollup.cell_combo[cells]]
        keep = g >= 0
        slot = g[keep].astype(np.int64) * n_periods + slot[keep]
        values = values[keep]
    sums = np.bincount(slot, weights=values, minlength=n_groups * n_periods)
    return sums.reshape(n_groups, n_periods)


def measure_total(rollup, measure, lo, hi, group, n_groups) -> np.ndarray:
    """Per group, the sum of an additive measure over days lo..hi."""
    cells = selection.day_cells(rollup, lo, hi)
    values = getattr(rollup, measure)[cells]
    if group is None:
        return np.array([values.sum()], dtype=np.float64)
    g = group[rollup.cell_combo[cells]]
    keep = g >= 0
    return np.bincount(g[keep], weights=values[keep], minlength=n_groups)


def ratio(numerator: np.ndarray, divisor: np.ndarray) -> list:
    """numerator / divisor to 4 decimals, None where the divisor is 0."""
    return [
        round(n / d, 4) if d else None
        for n, d in zip(numerator.tolist(), divisor.tolist(), strict=True)
    ]


def per_user(rollup, measure: str, sums: np.ndarray, users: np.ndarray) -> list:
    """A measure's sums over the distinct users, unrounded; None where there are no users."""
    return [
        total / count if count else None
        for total, count in zip(selection.plain(rollup, measure, sums), users.tolist(), strict=True)
    ]
