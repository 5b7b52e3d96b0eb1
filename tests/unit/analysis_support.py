"""What the analysis tests share: shorthands, the tutorial's schema, a series helper."""

from __future__ import annotations

import datetime as dt

from data.events.params import Filters

D = dt.date
ALL = Filters()

# The tutorial's own schema (pydatsci notes/day1.md), filled the way `sqlite3 .import` does:
# every field inserted as text, the column affinity converting what it can ('' stays '').
TUTORIAL_DDL = """
create table movies(
    event_date timestamp,
    userid text,
    contentid text,
    device text,
    market text,
    totalminuteswatched integer,
    runningtime integer,
    viewpercentage real,
    errorperception real,
    sessiontype text,
    title text,
    seasonnumber integer,
    episodenumber integer
)"""


def series(result: list[dict]) -> dict[str, int]:
    return {row["date"]: row["values"] for row in result}
