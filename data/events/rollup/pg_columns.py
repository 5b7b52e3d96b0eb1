"""How the PostgreSQL rollup reads each movies column: SQL expressions by the column's type,
under the reading rules SQLite's rows are read by (data/events/rollup/encoding.py)."""

from __future__ import annotations

from data.events.rollup.encoding import MAX_MINUTES
from data.events.rollup.sqlite_partitions import DAY_TEXT_SQL
from data.events.stores.sqlite_store import TABLE, EventStoreUnreadable

_DATE_TYPES = {"timestamp without time zone", "timestamp with time zone", "date"}
_TEXT_TYPES = ("text", "character varying", "character")
FINITE = "1.7976931348623157e308"  # the largest double: past it, a number is not finite


def column_types(conn) -> dict[str, str]:
    rows = conn.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
        (TABLE,),
    ).fetchall()
    return {name: kind for name, kind in rows}


def day_sql(kind: str) -> tuple[str, str, bool]:
    """(day expression, the rows it reads, whether the day comes as text to parse here)."""
    if kind in _DATE_TYPES:
        # Infinite and five-digit-year dates are not days SQLite's text could hold.
        where = "isfinite(event_date) AND event_date >= '0001-01-01' AND event_date < '10000-01-01'"
        return "(event_date::date - DATE '1970-01-01')", where, False
    if kind.startswith(_TEXT_TYPES):
        # Text dates are cut to their day as SQLite's loader cuts them, and read by the
        # encoding's own rule.
        return DAY_TEXT_SQL, "event_date IS NOT NULL", True
    raise EventStoreUnreadable(
        f"the event database cannot be read: movies.event_date is {kind}, "
        "not a timestamp, date or text column"
    )


def minutes_sql(kind: str) -> str:
    """totalminuteswatched as a number, unknown (NULL, NaN, infinite, negative, 2**53 or more)
    as 0, which no sum feels."""
    if kind.startswith(_TEXT_TYPES):
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
    if kind.startswith(_TEXT_TYPES):
        return f"CASE WHEN {column} ~ '{_NUMERIC_TEXT}' THEN {column}::float8 END"
    return f"{column}::float8"
