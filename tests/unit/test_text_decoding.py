"""The importer and the analytics read the real data's odd bytes the same way."""

from __future__ import annotations

import sqlite3

from data.events.cache import EventsAnalytics
from data.events.csv_import import import_csv
from data.events.params import Filters
from data.events.text_decoding import decode_text

# Valid UTF-8 (ø), a lone Latin-1 byte (0xE5) and a cp1252 dash (0x96) in one value.
MIXED = "Tromsø p".encode() + b"\xe5 \x96 hamna"
MIXED_TEXT = "Tromsø på – hamna"


def test_decode_text_keeps_utf8_and_reads_other_bytes_as_cp1252():
    assert decode_text(b"Menn som stirrer p\xe5 geiter") == "Menn som stirrer på geiter"
    assert decode_text(MIXED) == MIXED_TEXT
    assert decode_text("Ærøskøbing".encode()) == "Ærøskøbing"


def _row(title: bytes) -> bytes:
    return (
        b"2013-03-19 14:11:12,"
        + b"a" * 32
        + b",c1,Computer,NO,54,89,60.6,,MOVIE,"
        + title
        + b",,\n"
    )


def test_a_tutorial_database_and_an_import_show_the_same_title(tmp_path):
    # The tutorial's way: `.import` stores the file's bytes as TEXT, unchecked.
    tutorial_db = tmp_path / "tutorial.sqlite"
    with sqlite3.connect(tutorial_db) as conn:
        conn.execute(
            "CREATE TABLE movies(event_date text, userid text, contentid text, device text, "
            "market text, totalminuteswatched integer, runningtime integer, viewpercentage real, "
            "errorperception real, sessiontype text, title text, seasonnumber integer, "
            "episodenumber integer)"
        )
        conn.execute(
            "INSERT INTO movies VALUES ('2013-03-19 14:11:12', ?, 'c1', 'Computer', 'NO', 54, 89, "
            "60.6, '', 'MOVIE', CAST(? AS TEXT), '', '')",
            ("a" * 32, MIXED),
        )
    # Ours: import-events on a CSV holding the same bytes.
    csv_path = tmp_path / "events.csv"
    csv_path.write_bytes(_row(MIXED))
    imported_db = tmp_path / "imported.sqlite"
    assert import_csv(imported_db, csv_path).imported == 1

    for path in (tutorial_db, imported_db):
        toplist = EventsAnalytics(path).toplist(10, Filters())
        assert toplist == [{"title": MIXED_TEXT, "values": 1}], path.name
