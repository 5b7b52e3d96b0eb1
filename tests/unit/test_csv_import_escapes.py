"""The tutorial file's `<xx>` escapes: decoded on import into either store, counted, served."""

from __future__ import annotations

from data.events.ingest.csv_import import import_csv
from data.events.stores.event_stores import SqliteStore
from tests.unit.csv_support import FIXTURES, GOOD, rows

ESCAPES = FIXTURES / "events_escapes.csv"
# The fixture's titles as stored, in file order (line 8, minutes '4<e5>', is rejected).
TITLES = [
    "Menn som stirrer på geiter",
    "Øisteins Blyant, Episode 2",
    "Himmelblå, Tromsø",  # <E5> upper case
    "Småland, del 1",  # UTF-8 written as two escapes
    "Fjælløya, en reise",  # a raw Latin-1 byte and an escape in one title
    "Søster, min søster",  # raw Latin-1 bytes only: not counted as escapes
    "Ti <20> tips, <b>fet</b> <abc> <7f>",  # no byte above 127: left as written
    "Menn som stirrer på geiter",
    "",
]
SUMMARY = [
    "imported 9 rows, rejected 1",
    "  line 8: totalminuteswatched '4<e5>' is not an integer",
    '6 rows had <xx> escapes decoded (e.g. "p<e5>" → "på")',
]


def stored_titles(store) -> list[str]:
    """The title column in insertion order, from either store."""
    if isinstance(store, SqliteStore):
        return [row[10] for row in rows(store.path)]
    from tests.unit.test_postgres_app import pg_rows

    return [row[10] for row in pg_rows(store.url)]


def database_url(store) -> str:
    return f"sqlite:///{store.path}" if isinstance(store, SqliteStore) else store.url


def test_import_decodes_counts_and_reports_escapes(event_store):
    result = import_csv(event_store, ESCAPES)
    assert (result.imported, result.rejected, result.escaped) == (9, 1, 6)
    assert result.summary_lines() == SUMMARY
    assert stored_titles(event_store) == TITLES


def test_the_command_prints_the_count_and_data_serves_decoded_titles(make_app, event_store):
    app = make_app(DATABASE_URL=database_url(event_store))
    imported = app.server.test_cli_runner().invoke(args=["import-events", str(ESCAPES)])
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines()[: len(SUMMARY)] == SUMMARY
    top = app.server.test_client().get("/data/toplist/").get_json()
    assert top[0] == {"title": "Menn som stirrer på geiter", "values": 2}
    assert sorted(row["title"] for row in top) == sorted(set(TITLES) - {""})


def test_a_file_without_escapes_adds_no_summary_line(db_path):
    result = import_csv(db_path, FIXTURES / "events_legacy_bytes.csv")
    assert result.escaped == 0
    assert result.summary_lines() == ["imported 4 rows, rejected 0"]


def test_one_row_is_counted_once_in_the_singular(tmp_path, db_path):
    fields = GOOD.split(",")
    fields[3], fields[4], fields[9] = "Sm<e5>rt TV", "<c5>L", "MOVIE"
    path = tmp_path / "one.csv"
    path.write_text(",".join(fields) + "\n", encoding="utf-8")
    result = import_csv(db_path, path)
    assert result.summary_lines()[1] == '1 row had <xx> escapes decoded (e.g. "Sm<e5>rt" → "Smårt")'


def test_every_text_column_is_decoded_and_the_rest_rejects_as_written(tmp_path, db_path):
    fields = GOOD.split(",")
    text = fields.copy()
    for index, value in ((1, "u<e5>"), (2, "c<e5>"), (3, "d<e5>"), (4, "m<e5>"), (9, "s<e5>")):
        text[index] = value
    bad_date = fields.copy()
    bad_date[0] = "2017-01-01 00:02:3<e5>"
    bad_minutes = fields.copy()
    bad_minutes[6] = "9<e5>"
    path = tmp_path / "columns.csv"
    lines = [",".join(text), ",".join(bad_date), ",".join(bad_minutes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_csv(db_path, path)
    assert (result.imported, result.rejected, result.escaped) == (1, 2, 1)
    (row,) = rows(db_path)
    assert row[1:5] + row[9:11] == ("uå", "cå", "då", "må", "så", "Love, Actually")
    # A rejected row's reason quotes the file's own text, escapes and all.
    reasons = [item.reason for item in result.first_rejected]
    assert "'2017-01-01 00:02:3<e5>'" in reasons[0]
    assert reasons[1] == "runningtime '9<e5>' is not an integer"


def test_escaped_and_raw_spellings_of_a_title_are_one_title(tmp_path, db_path):
    raw = GOOD.replace('"Love, Actually"', '"Menn som stirrer p\xe5 geiter"').encode("latin-1")
    escaped = GOOD.replace('"Love, Actually"', '"Menn som stirrer p<e5> geiter"').encode()
    path = tmp_path / "both.csv"
    path.write_bytes(raw + b"\n" + escaped + b"\n")
    assert import_csv(db_path, path).escaped == 1
    assert {row[10] for row in rows(db_path)} == {"Menn som stirrer på geiter"}
