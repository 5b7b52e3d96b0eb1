"""CSV downloads against formula injection: line breaks in cells, read back by csv and pandas."""

from __future__ import annotations

import csv
import io
import re
import sqlite3

import pandas as pd
import pytest

from callbacks.csv_export import to_csv
from data.events.stores.sqlite_store import INSERT_SQL
from layouts import ids
from testkit.dash_client import DashCallbacks

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Titles an uploader could choose; each must come back as one cell that no spreadsheet runs.
HOSTILE = [
    "Nice Movie\r=cmd|' /C calc'!A0",
    "Nice Movie\n=cmd|' /C calc'!A0",
    "Nice Movie\r\n=cmd|' /C calc'!A0",
    "Nice Movie\t=1+1",
    'Two\r\n+SUM(A1:A9)\r-2+3\n@SUM(1)\n\t=HYPERLINK("http://evil")',
    '=HYPERLINK("http://evil","click")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\rleading CR",
    "\nleading LF",
    "a\n\r=1+1",  # an LF-only reader sees a line starting with CR
    "a\r\r\n@SUM(1)",
    "trailing CR\r",
    "trailing LF\n",
    'only=inside, "quoted"',
    *FORMULA_START,
    "\r\n",
]
# Where each line of a cell may start, for readers that split on CR, on LF, or on both.
LINE_SPLITS = (re.compile(r"\r\n|\r|\n"), re.compile(r"\n"), re.compile(r"\r"))
PREFIX = re.compile(r"(?:^|(?<=[\r\n]))'(?=[=+\-@\t\r])")


def unprefixed(cell: str) -> str:
    """The cell without the ' put before a formula character at a line start."""
    return PREFIX.sub("", cell)


def assert_defused(cell: str) -> None:
    for split in LINE_SPLITS:
        for line in split.split(cell):
            assert not line.startswith(FORMULA_START), (cell, line)


def read_back(text: str) -> tuple[list[list[str]], pd.DataFrame]:
    """(csv.reader rows, pandas frame) of a downloaded CSV text; pandas keeps '' as ''."""
    text = text.removeprefix("\ufeff")  # a download's byte-order mark (spreadsheets read UTF-8)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    frame = pd.read_csv(io.StringIO(text, newline=""), keep_default_na=False)
    return rows, frame


def assert_physical_lines_are_safe(text: str) -> None:
    """No line of the file (inside a quoted cell or not) starts with a formula character."""
    for split in LINE_SPLITS:
        for line in split.split(text):
            assert not line.startswith(FORMULA_START), repr(line)


# -- to_csv on its own -------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_line_of_a_text_cell_is_defused_and_round_trips(hostile):
    header = ["rank", "title", "device", "market", "views", "share"]
    rows = [
        [1, hostile, "Computer", "NO", 3, 0.5],
        [2, "Plain", hostile, "SE", -4, -0.25],
        [3, "Also plain", "iPad", hostile, 0, 1.0],
    ]
    text = to_csv(header, rows)
    read, frame = read_back(text)
    assert read[0] == header
    assert len(read) == 4, text  # no cell was split into a row of its own
    for written, got in zip(rows, read[1:], strict=True):
        assert len(got) == len(header)
        for cell in got[1:4]:
            assert_defused(cell)
        assert [unprefixed(cell) for cell in got[1:4]] == written[1:4]
        # Numbers are written as numbers, even negative ones.
        assert got[0] == str(written[0]) and got[4:] == [str(v) for v in written[4:]]
    # pandas sees the very same cells, and the numeric columns as numbers.
    assert frame.columns.tolist() == header
    assert frame[["title", "device", "market"]].values.tolist() == [r[1:4] for r in read[1:]]
    assert frame["views"].tolist() == [3, -4, 0] and frame["views"].dtype.kind == "i"
    assert frame["share"].tolist() == [0.5, -0.25, 1.0] and frame["share"].dtype.kind == "f"
    assert_physical_lines_are_safe(text)


def test_the_reported_title_stays_one_cell():
    text = to_csv(["rank", "title", "views"], [[1, "Nice Movie\r=cmd|' /C calc'!A0", 3]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["rank", "title", "views"],
        ["1", "Nice Movie\r'=cmd|' /C calc'!A0", "3"],
    ]


def test_harmless_text_is_left_alone():
    cells = ["Love, Actually", 'Quote "me"', "a-b", "x=y", "tab\tinside", "two\nlines", "", "på"]
    read, _ = read_back(to_csv(["title"], [[cell] for cell in cells]))
    assert [row[0] for row in read[1:]] == cells


# -- end to end: hostile titles in SQLite, the toplist download through Dash ------------------


def _insert_hostile_titles(db_path) -> tuple[str, dict[str, int]]:
    """Insert the hostile titles on the database's last day; (that day, views per title)."""
    with sqlite3.connect(db_path) as conn:
        last = conn.execute("SELECT max(event_date) FROM movies").fetchone()[0]
        views = {title: 40 + index for index, title in enumerate(HOSTILE)}
        conn.executemany(
            INSERT_SQL,
            [
                (last, f"{n:032x}", "999", "Computer", "NO", 30, 60, 50.0, None, "MOVIE", title)
                + (None, None)
                for title, count in views.items()
                for n in range(count)
            ],
        )
    return last[:10], views


def test_toplist_download_of_hostile_titles_reads_back_exactly(demo_db, make_app):
    day, views = _insert_hostile_titles(demo_db)
    client = make_app().server.test_client()
    state = {"resolution": "daily", "num": 50, "start": day, "end": day, "sessiontype": None}
    values = {f"{ids.STATE}.data": state, f"{ids.TOPLIST_CSV_BUTTON}.n_clicks": 1}
    download = DashCallbacks.for_flask(client).response(ids.TOPLIST_DOWNLOAD, "data", values)
    text = download[ids.TOPLIST_DOWNLOAD]["data"]["content"]
    assert text.startswith("\ufeff")

    read, frame = read_back(text)
    assert read[0] == ["rank", "title", "views"]
    assert all(len(row) == 3 for row in read)
    expected = client.get(
        "/data/toplist/", query_string={"num": 50, "start": day, "end": day}
    ).get_json()
    assert [(unprefixed(title), int(n)) for _, title, n in read[1:]] == [
        (row["title"], row["values"]) for row in expected
    ]
    got = {unprefixed(title): int(n) for _, title, n in read[1:]}
    assert {title: got.get(title) for title in views} == views
    for _, title, _ in read[1:]:
        assert_defused(title)
    assert frame.values.tolist() == [[int(r), t, int(n)] for r, t, n in read[1:]]
    assert frame["views"].dtype.kind == "i"
    assert_physical_lines_are_safe(text)
