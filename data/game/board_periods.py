"""The boards' periods: all time, the ISO week and the day (UTC), and when their boards expire."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PERIODS = ("all", "week", "day")
DEFAULT_PERIOD = "all"
# A period board outlives its period by this much, then Redis drops it by itself.
EXPIRY_MARGIN = dt.timedelta(days=1)


@dataclass(frozen=True)
class BoardPeriod:
    """One period a game counts in: its key suffix and when its board expires (0: never)."""

    name: str
    suffix: str
    expire_at: int  # unix seconds

    def seconds_left(self, epoch_ms: int) -> int:
        """Seconds from epoch_ms until the board expires (0: never). Redis is given this, not
        expire_at: it counts from its own clock, which may differ from the store's."""
        return 0 if self.expire_at == 0 else max(1, self.expire_at - epoch_ms // 1000)


def periods_at(epoch_ms: int) -> dict[str, BoardPeriod]:
    """The all-time, week and day boards that a game at epoch_ms (UTC) counts in."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)
    day = moment.date()
    year, week, weekday = day.isocalendar()
    next_day = day + dt.timedelta(days=1)
    next_monday = day + dt.timedelta(days=8 - weekday)
    return {
        "all": BoardPeriod("all", "", 0),
        "week": BoardPeriod("week", f":week:{year}-W{week:02d}", _expiry(next_monday)),
        "day": BoardPeriod("day", f":day:{day.isoformat()}", _expiry(next_day)),
    }


def _expiry(period_end: dt.date) -> int:
    start_of_end = dt.datetime.combine(period_end, dt.time(), dt.UTC)
    return int((start_of_end + EXPIRY_MARGIN).timestamp())
