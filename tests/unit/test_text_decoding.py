"""The real data's odd text: raw bytes and `<xx>` escapes, read alike by importer and analytics."""

from __future__ import annotations

import sqlite3

import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.ingest.csv_import import import_csv
from data.events.ingest.text_decoding import decode_escapes, decode_text, escape_example
from data.events.params import Filters

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


# -- the tutorial file's `<xx>` escapes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        ("Menn som stirrer p<e5> geiter", "Menn som stirrer på geiter"),
        ("<d8>isteins Blyant", "Øisteins Blyant"),
        ("Troms<f8>", "Tromsø"),
        ("Himmelbl<E5>", "Himmelblå"),  # upper-case hex too
        ("Bl<E5>b<e6>r", "Blåbær"),
        ("<96> <80> <9f>", "– € Ÿ"),  # cp1252's letters for 0x80..0x9F, as for raw bytes
        ("<81><8d>", "\x81\x8d"),  # cp1252's holes: latin-1, as for raw bytes
        ("<f8><e5>", "øå"),  # adjacent escapes that are not UTF-8: one letter each
        ("Sm<c3><a5>land", "Småland"),  # UTF-8 written as escapes: read as UTF-8
        ("<c3><a5><e5>", "åå"),  # UTF-8 where valid, cp1252 for the rest of the run
        ("<e5><c3>", "åÃ"),  # a lead byte with nothing after it
        ("<c3> <a5>", "Ã ¥"),  # a blank between them: two runs
        ("Fjæll<f8>ya", "Fjælløya"),  # an escape next to a raw Latin-1 letter (already read)
    ],
)
def test_decode_escapes_reads_escaped_bytes_as_raw_bytes_are_read(text, decoded):
    assert decode_escapes(text) == decoded


@pytest.mark.parametrize(
    ("escaped", "raw"),
    [
        ("p<e5>", b"p\xe5"),
        ("<96><81>", b"\x96\x81"),
        ("Sm<c3><a5>land", b"Sm\xc3\xa5land"),
        ("<c3><a5><e5><c3>", b"\xc3\xa5\xe5\xc3"),
    ],
)
def test_an_escaped_byte_reads_as_the_same_byte_raw(escaped, raw):
    assert decode_escapes(escaped) == decode_text(raw)


@pytest.mark.parametrize(
    "text",
    [
        "<7f>",  # not above 127
        "<20><41><00>",  # ASCII written as an escape is no byte the file escapes
        "<b>fet</b>",
        "<abc> <e5f> <e> <>",  # not exactly two hex digits
        "<g5> <e5 > < e5>",
        "a < b, c > d",
        "Love <3 Actually",
        "e5>",
        "",
        "plain title, no escapes",
    ],
)
def test_decode_escapes_leaves_other_angle_brackets_alone(text):
    assert decode_escapes(text) == text
    assert escape_example(text) is None


def test_escape_example_is_the_first_escaped_word():
    assert escape_example("Menn som stirrer p<e5> geiter") == "p<e5>"
    assert escape_example("<d8>isteins Blyant, Episode 2") == "<d8>isteins"
    assert escape_example("Bl<E5>b<e6>r") == "Bl<E5>b"  # stops at the next escape's `<`
    assert escape_example("x" * 30 + "<e5>" + "y" * 30) == "x" * 20 + "<e5>" + "y" * 20
