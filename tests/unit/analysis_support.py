"""What the analysis tests share: shorthands, the tutorial's schema, a series helper."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.events.params import Filters
from data.events.rollup.build import build_rollup
from data.events.rollup.encoding import RAW_COLUMNS, Vocabulary, encode_chunk, keyed_columns
from data.events.rollup.model import Rollup

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


# The columns the hand-written frames give, in this order; device and market are then None.
FRAME_COLUMNS = (
    "event_date",
    "userid",
    "totalminuteswatched",
    "viewpercentage",
    "sessiontype",
    "title",
)


def rollup_of(raw: pd.DataFrame) -> Rollup:
    """The rollup of raw movies rows (missing columns read as NULL), built in memory."""
    raw = raw.copy()
    for name in RAW_COLUMNS:
        if name not in raw:
            raw[name] = pd.Series([None] * len(raw), dtype=object)
    vocabulary = Vocabulary()
    return build_rollup([encode_chunk(keyed_columns(raw), vocabulary)], vocabulary)
