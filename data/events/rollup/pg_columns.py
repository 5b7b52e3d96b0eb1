"""How the PostgreSQL rollup reads each movies column: SQL expressions by the column's type,
under the reading rules SQLite's rows are read by (data/events/rollup/encoding.py)."""

from __future__ import annotations

from data.events.local_time import UTC, Zones
from data.events.rollup.encoding import MAX_MINUTES
from data.events.rollup.sqlite_partitions import DAY_TEXT_SQL
from data.events.stores.sqlite_store import TABLE, EventStoreUnreadable

_DATE_TYPES = {"timestamp without time zone", "timestamp with time zone", "date"}
TEXT_TYPES = ("text", "character varying", "character")
FINITE = "1.7976931348623157e308"  # the largest double: past it, a number is not finite


def column_types(conn) -> dict[str, str]:
    rows = conn.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
        (TABLE,),
    ).fetchall()
    return {name: kind for name, kind in rows}


def _zone(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def local_sql(kind: str, zones: Zones) -> str:
    """event_date of a date or timestamp type as the report zone's local time (a date is its
    day): data/events/local_time.py's rules, which are PostgreSQL's own for times that fall
    twice or never. Values within two days of the calendar's ends keep their written time."""
    if kind == "timestamp with time zone" and zones.report != UTC:  # the session's zone is UTC
        local = f"(event_date AT TIME ZONE {_zone(zones.report)})"
        written = f"(event_date AT TIME ZONE {_zone(UTC)})"
    elif kind == "timestamp without time zone" and zones.converts:
        instant = f"(event_date AT TIME ZONE {_zone(zones.event)})"
        local = f"({instant} AT TIME ZONE {_zone(zones.report)})"
        written = "event_date"
    else:
        return "event_date"
    safe = "event_date >= '0001-01-03' AND event_date <= '9999-12-29'"
    return f"(CASE WHEN {safe} THEN {local} ELSE {written} END)"


def needs_margin(kind: str, zones: Zones) -> bool:
    """Whether a row's local day may differ from the day its stored value is written with."""
    return zones.converts or (kind == "timestamp with time zone" and zones.report != UTC)


def day_sql(kind: str, zones: Zones) -> tuple[str, str, bool]:
    """(day expression: a date or timestamp of the local day, or text for the encoding to read;
    the rows it reads, whether the day comes as text to parse here)."""
    if kind in _DATE_TYPES:
        # Infinite and five-digit-year dates are not days SQLite's text could hold.
        where = "isfinite(event_date) AND event_date >= '0001-01-01' AND event_date < '10000-01-01'"
        return local_sql(kind, zones), where, False
    if kind.startswith(TEXT_TYPES):
        # Text dates are cut to their day as SQLite's loader cuts them, and read by the
        # encoding's own rule; whole when the time decides the local day.
        day = "event_date::text" if zones.converts else DAY_TEXT_SQL
        return day, "event_date IS NOT NULL", True
    raise EventStoreUnreadable(
        f"the event database cannot be read: movies.event_date is {kind}, "
        "not a timestamp, date or text column"
    )


def minutes_sql(kind: str) -> str:
    """totalminuteswatched as a number, unknown (NULL, NaN, infinite, negative, 2**53 or more)
    as 0, which no sum feels."""
    if kind.startswith(TEXT_TYPES):
        raise EventStoreUnreadable(
            "the event database cannot be read: movies.totalminuteswatched is text; "
            "PostgreSQL needs a numeric column"
        )
    # Compared in the column's own type (a numeric past a double's range must not fail the
    # cast): 2**53 + 1 is unknown, as it is on SQLite, where it reads as 2**53.
    return (
        f"CASE WHEN totalminuteswatched >= 0 AND totalminuteswatched < {int(MAX_MINUTES)} "
        "THEN totalminuteswatched::float8 ELSE 0 END"
    )


_NUMERIC_TEXT = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"


def number_sql(column: str, kind: str) -> str:
    """A column as a float8, NULL where it is NULL or not a number (SQLite's readers take text
    numbers as numbers too)."""
    if kind.startswith(TEXT_TYPES):
        return f"CASE WHEN {column} ~ '{_NUMERIC_TEXT}' THEN {column}::float8 END"
    return f"{column}::float8"
