"""Counts in words for labels and tooltips: "1 view", "2,345 views", never "1 views"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """count with thousands separators and the noun in the number it takes (plural: noun + s)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
