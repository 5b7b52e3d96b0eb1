"""One CSV record of the tutorial's 13 columns as a row for the table, or why it is refused."""

from __future__ import annotations

import datetime as dt
import math

from data.events.ingest.text_decoding import decode_escapes, escape_example
from data.events.rollup.encoding import MAX_MINUTES
from data.events.stores.sqlite_store import COLUMN_NAMES

_WIDTH = len(COLUMN_NAMES)
MAX_FIELD_CHARS = 1_000  # longest field a row may hold; no real title, id or number comes close
_SQLITE_INTEGERS = range(-(1 << 63), 1 << 63)  # beyond these, sqlite3 raises OverflowError
# Minutes the engine counts: whole and below 2**53, so that each is exact (the engine reads any
# other as unknown, data/events/rollup/encoding.py); 2**53 - 1 is also the largest whole number a
# JavaScript reader of the JSON answers holds exactly.
MOST_MINUTES = int(MAX_MINUTES) - 1
# The text columns whose `<xx>` escapes are decoded: the file writes any byte above 127 so, and
# an id spelt with an escape is the same id as with the raw byte. Not event_date, which must be
# an ASCII timestamp, nor the numbers, parsed already: an escape there rejects the row as is.
_TEXT_COLUMNS = (1, 2, 3, 4, 9, 10)  # userid, contentid, device, market, sessiontype, title


def _parse_timestamp(text: str) -> dt.date | None:
    """The day of a real 'YYYY-MM-DD HH:MM:SS' timestamp, else None (fast checks before the C
    parser)."""
    if len(text) != 19 or text[10] != " " or text[4] != "-" or text[13] != ":":
        return None
    if text[7] != "-" or text[16] != ":":
        return None
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _optional_int(text: str) -> int | float | None:
    """None for an empty field, int for '12' (or an integral '12.0'); ValueError otherwise."""
    if not text:
        return None
    try:
        return int(text)  # int() itself ignores surrounding blanks
    except ValueError:
        if not text.strip():
            return None
        value = float(text)
        if value.is_integer():
            return int(value)
        raise


def _optional_float(text: str) -> float | None:
    """None for an empty field, else the finite number; ValueError when it is not one ('nan',
    'inf' and '1e309', which a double holds as infinity, are not)."""
    if not text or not text.strip():
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


_OPTIONAL = (  # (column index, name, parser, what it must be) for the lenient numeric columns
    (6, "runningtime", _optional_int, "an integer"),
    (7, "viewpercentage", _optional_float, "a finite number"),
    (8, "errorperception", _optional_float, "a finite number"),
    (11, "seasonnumber", _optional_int, "an integer"),
    (12, "episodenumber", _optional_int, "an integer"),
)


def _unfit_field(fields: list[str]) -> str:
    """Why a row holding a NUL byte or an over-long field is rejected: its first such field."""
    name, text = next(
        (name, text)
        for name, text in zip(COLUMN_NAMES, fields, strict=True)
        if "\0" in text or len(text) > MAX_FIELD_CHARS
    )
    if "\0" in text:
        return f"{name} contains a NUL byte"
    return f"{name} is {len(text):,} characters long; at most {MAX_FIELD_CHARS:,} are allowed"


def _out_of_bounds(text: str, day: dt.date, days: tuple[dt.date, dt.date]) -> str:
    """Why an event of that day is refused by the bounds (first, last)."""
    first, last = days
    if day < first:
        return (
            f"event_date {text!r} is before {first.isoformat()}, the earliest date allowed "
            "(EVENTS_EARLIEST_DATE)"
        )
    return (
        f"event_date {text!r} is after {last.isoformat()}, the latest date allowed at this "
        "import's time (EVENTS_FUTURE_TOLERANCE_DAYS after today)"
    )


def convert_row(fields: list[str], days: tuple[dt.date, dt.date] | None = None) -> list | str:
    """Turn 13 CSV fields into a row for the table, or return why the row is rejected; days,
    (first, last), are the dates allowed (data/events/stores/date_bounds.py; None: any).

    Empty text fields stay '' (as the tutorial's `.import` stores them); empty numeric fields
    become NULL. The analysis treats '' and NULL alike.
    """
    if len(fields) != _WIDTH:
        return f"expected {len(COLUMN_NAMES)} columns, found {len(fields)}"
    # Before any check that quotes a value, so that reasons stay short and printable; one pass
    # in C over the whole row, since nearly every row passes.
    if max(map(len, fields)) > MAX_FIELD_CHARS or "\0" in "".join(fields):
        return _unfit_field(fields)
    day = _parse_timestamp(fields[0])
    if day is None:
        return f"event_date {fields[0]!r} is not a timestamp like 'YYYY-MM-DD HH:MM:SS'"
    if days is not None and not days[0] <= day <= days[1]:
        return _out_of_bounds(fields[0], day, days)
    row = fields.copy()
    try:
        row[5] = int(fields[5])
    except ValueError:
        return f"totalminuteswatched {fields[5]!r} is not an integer"
    for index, name, parse, kind in _OPTIONAL:
        try:
            row[index] = parse(fields[index])
        except ValueError:
            return f"{name} {fields[index]!r} is not {kind}"
    for index in (5, 6, 11, 12):  # the INTEGER columns
        if row[index] is not None and row[index] not in _SQLITE_INTEGERS:
            return f"{COLUMN_NAMES[index]} {fields[index]!r} is beyond a 64-bit integer"
    if row[5] < 0:
        return f"totalminuteswatched {fields[5]!r} is negative; minutes watched are 0 or more"
    if row[5] > MOST_MINUTES:
        return (
            f"totalminuteswatched {fields[5]!r} is more than {MOST_MINUTES:,} (2^53 - 1), "
            "the most minutes counted exactly"
        )
    return row


def decode_row_escapes(row: list) -> str | None:
    """Decode the `<xx>` escapes of the row's text columns in place; the first one, or None."""
    example = None
    for index in _TEXT_COLUMNS:
        value = row[index]
        if "<" in value:
            decoded = decode_escapes(value)
            if decoded != value:
                row[index] = decoded
                example = example or escape_example(value)
    return example
