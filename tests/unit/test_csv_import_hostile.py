"""CSV import of hostile rows: unreadable records, NUL bytes, over-long fields, huge numbers."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from data.events.ingest import csv_import
from data.events.ingest.csv_import import Rejected, import_csv
from data.events.ingest.csv_rows import MAX_FIELD_CHARS
from data.events.stores.sqlite_store import COLUMN_NAMES
from tests.unit.csv_support import GOOD, read_records_from_text, titles


def test_unparseable_record_is_rejected_and_the_rest_imported(tmp_path, db_path):
    beyond = "x" * (csv_import.READER_FIELD_LIMIT + 1)  # past what the csv reader will hold
    huge = GOOD.replace("Love, Actually", beyond)
    path = tmp_path / "huge.csv"
    path.write_text(f"{GOOD}\n{huge}\n{GOOD}\n", encoding="utf-8")
    result = import_csv(db_path, path)
    assert (result.imported, result.rejected) == (2, 1)
    assert result.first_rejected[0].line == 2
    reason = result.first_rejected[0].reason
    assert "unreadable CSV record" in reason and "field limit" in reason and len(reason) < 100


# -- NUL bytes, over-long fields, numbers SQLite cannot hold ---------------------------------


def csv_line(fields: list[str]) -> str:
    """One CSV record of these fields, quoted where needed (no line terminator)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()


def good_fields() -> list[str]:
    return next(read_records_from_text(GOOD))[1]


def import_between_good_rows(tmp_path, db_path, bad: str):
    """Import GOOD, the bad record, GOOD again; the result."""
    path = tmp_path / "events.csv"
    path.write_bytes(f"{GOOD}\n{bad}\n{GOOD}\n".encode())
    return import_csv(db_path, path)


@pytest.mark.parametrize("column", range(len(COLUMN_NAMES)), ids=COLUMN_NAMES)
def test_nul_byte_in_any_field_rejects_its_row(tmp_path, db_path, column):
    fields = good_fields()
    fields[column] = fields[column][:2] + "\0" + fields[column][2:]
    result = import_between_good_rows(tmp_path, db_path, csv_line(fields))
    assert (result.imported, result.rejected) == (2, 1)
    assert result.first_rejected == [Rejected(2, f"{COLUMN_NAMES[column]} contains a NUL byte")]
    assert titles(db_path) == ["Love, Actually", "Love, Actually"]


def test_nul_bytes_do_not_trip_the_csv_reader(tmp_path, db_path):
    nul_title = GOOD.replace("Love, Actually", "Love,\n\0Actually")  # quoted, over two lines
    nul_device = GOOD.replace("Computer", "Comp\0uter")  # unquoted
    path = tmp_path / "nul.csv"
    path.write_bytes(f"{GOOD}\n{nul_title}\n{nul_device}\n\0\n{GOOD}\n".encode())
    result = import_csv(db_path, path)
    assert (result.imported, result.rejected) == (2, 3)
    assert result.first_rejected == [
        Rejected(2, "title contains a NUL byte"),
        Rejected(4, "device contains a NUL byte"),
        Rejected(5, "expected 13 columns, found 1"),
    ]
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT * FROM movies").fetchall()
    assert not any("\0" in value for row in stored for value in row if isinstance(value, str))


@pytest.mark.parametrize("column", ["event_date", "userid", "device", "market", "title"])
@pytest.mark.parametrize("length", [MAX_FIELD_CHARS + 1, 131_000, 131_073, 200_000])
def test_over_long_text_field_rejects_its_row(tmp_path, db_path, column, length):
    fields = good_fields()
    index = COLUMN_NAMES.index(column)
    fields[index] = fields[index].ljust(length, "x")
    result = import_between_good_rows(tmp_path, db_path, csv_line(fields))
    assert (result.imported, result.rejected) == (2, 1)
    reason = f"{column} is {length:,} characters long; at most {MAX_FIELD_CHARS:,} are allowed"
    assert result.first_rejected == [Rejected(2, reason)]
    assert result.summary_lines()[1] == f"  line 2: {reason}"


def test_a_field_of_exactly_the_limit_is_imported(tmp_path, db_path):
    fields = good_fields()
    fields[10] = "y" * MAX_FIELD_CHARS
    result = import_between_good_rows(tmp_path, db_path, csv_line(fields))
    assert (result.imported, result.rejected) == (3, 0)
    assert titles(db_path)[1] == "y" * MAX_FIELD_CHARS


def test_over_long_field_across_lines_leaves_the_following_rows_intact(tmp_path, db_path):
    # 200,000 characters with commas and line breaks inside one quoted title: past csv's default
    # limit the reader lost its place and read the title's lines as records of their own.
    long_title = ("x" * 999 + ",\n") * 200
    bad = csv_line([*good_fields()[:10], long_title, "", ""])
    bad_line = GOOD.replace("2017-01-01 00:02:35", "yesterday")
    path = tmp_path / "long.csv"
    path.write_text(f"{GOOD}\n{bad}\n{GOOD}\n{bad_line}\n{GOOD}\n", encoding="utf-8")
    result = import_csv(db_path, path)
    assert (result.imported, result.rejected) == (3, 2)
    assert [r.line for r in result.first_rejected] == [2, 204]
    assert result.first_rejected[0].reason == (
        f"title is {len(long_title):,} characters long; at most {MAX_FIELD_CHARS:,} are allowed"
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("totalminuteswatched", "99999999999999999999"),
        ("runningtime", "-99999999999999999999"),
        ("runningtime", "1e30"),
        ("seasonnumber", str(1 << 63)),
    ],
)
def test_integer_beyond_64_bits_is_rejected_not_a_failed_import(tmp_path, db_path, column, value):
    fields = good_fields()
    fields[COLUMN_NAMES.index(column)] = value
    result = import_between_good_rows(tmp_path, db_path, csv_line(fields))
    assert (result.imported, result.rejected) == (2, 1)
    assert result.first_rejected == [Rejected(2, f"{column} {value!r} is beyond a 64-bit integer")]


def test_command_rejects_nul_and_over_long_rows_with_their_lines(cli, db_path, tmp_path):
    _, runner = cli
    nul = GOOD.replace("Love, Actually", "Love\0Actually")
    long = GOOD.replace("Love, Actually", "z" * 200_000)
    path = tmp_path / "hostile.csv"
    path.write_bytes(f"{GOOD}\n{nul}\n{long}\n{GOOD}\n".encode())
    result = runner.invoke(args=["import-events", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 2 rows, rejected 2" in result.output
    assert "  line 2: title contains a NUL byte\n" in result.output
    assert "  line 3: title is 200,000 characters long; at most 1,000 are allowed\n" in (
        result.output
    )
    assert titles(db_path) == ["Love, Actually", "Love, Actually"]
