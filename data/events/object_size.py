"""Approximate memory size of query results (tuples, dicts, strings, numbers) for cache budgets."""

from __future__ import annotations

import sys

# Results are long runs of same-shaped rows: measuring a sample and scaling is accurate enough
# for a budget and keeps the cost of sizing a century of days far below computing it.
_SAMPLE = 64


def approx_size(value: object) -> int:
    """Bytes held by value and what it contains (sampled for long sequences)."""
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        return size + sum(approx_size(k) + approx_size(v) for k, v in value.items())
    if isinstance(value, (tuple, list)):
        if len(value) <= _SAMPLE:
            return size + sum(approx_size(item) for item in value)
        sample = sum(approx_size(item) for item in value[:_SAMPLE])
        return size + sample * len(value) // _SAMPLE
    return size
