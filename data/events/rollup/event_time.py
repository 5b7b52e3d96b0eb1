"""An event's time in seconds since the epoch, from its stored event_date as written."""

from __future__ import annotations

import numpy as np

DAY_SECONDS = 86_400
_DIGITS = np.array([0, 1, 3, 4, 6, 7])  # where the digits of "HH:MM:SS" are
_PLACE = np.array([36_000, 3_600, 600, 60, 10, 1])  # what each digit is worth, in seconds


def event_seconds(texts: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Per row, its day's first second plus the time of day its event_date text gives after the
    day ("YYYY-MM-DD HH:MM[:SS[.fff]]", fractions cut): midnight when the text gives no readable
    time (a bare day). days are the rows' day numbers (encoding.event_days), so a time never
    names another day than the one the rollup counts. Times as written are read here; converted
    ones come from local_time.local_times (encoding.encode_chunk chooses)."""
    day_start = np.asarray(days, dtype=np.int64) * DAY_SECONDS
    if day_start.size == 0:
        return day_start
    # Characters 11..18 as code points, one row each (shorter texts end in zeros): a cast to
    # 19 characters cuts each text there, ten times faster than slicing strings.
    texts = np.asarray(texts, dtype=object)
    chars = texts.astype("<U19").view(np.uint32).reshape(-1, 19)[:, 11:]
    digits = chars[:, _DIGITS].astype(np.int64) - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    no_seconds = chars[:, 5] == 0  # "HH:MM": seconds are 0
    digits[:, 4:][no_seconds] = 0
    readable = (
        is_digit[:, :4].all(axis=1)
        & (chars[:, 2] == ord(":"))
        & (no_seconds | ((chars[:, 5] == ord(":")) & is_digit[:, 4:].all(axis=1)))
    )
    seconds = digits @ _PLACE
    hours, minutes, secs = (digits[:, i] * 10 + digits[:, i + 1] for i in (0, 2, 4))
    readable &= (hours < 24) & (minutes < 60) & (secs < 60)
    return day_start + np.where(readable, seconds, 0)
