"""CSV import: tutorial format, header rows, odd bytes, rejected rows, exit codes, atomicity."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.events.ingest import csv_import
from data.events.ingest.csv_import import (
    CsvImportError,
    convert_row,
    import_csv,
    import_records,
)
from data.events.stores.sqlite_store import count_rows, is_demo
from data.game.redis_processes import server_pids
from tests.unit.csv_support import FIXTURES, GOOD, read_records_from_text, rows, titles
from web import services

# -- reading and converting ----------------------------------------------------------------


def test_headerless_tutorial_csv(db_path):
    result = import_csv(db_path, FIXTURES / "events_headerless.csv")
    assert (result.imported, result.rejected, result.header) == (6, 0, False)
    first, _, _, no_metadata, *_ = rows(db_path)
    assert first == (
        "2017-01-01 00:02:35",
        "1b5f6f1e0d3f4f4b9c7d2a3e4f5a6b7c",
        "10045",
        "Computer",
        "NO",
        45,
        98,
        45.92,
        None,
        "MOVIE",
        "Love, Actually",
        None,
        None,
    )
    # Empty text stays '' as with sqlite3 .import; empty numbers become NULL.
    assert no_metadata[4:] == ("SE", 131, None, None, None, "", "", None, None)
    assert rows(db_path, "sessiontype = 'SERIES'")[0][10:] == ("Skam, Episode 3", 3, 3)


def test_header_row_is_detected_and_skipped(db_path):
    result = import_csv(db_path, FIXTURES / "events_header.csv")
    assert (result.imported, result.rejected, result.header) == (3, 0, True)
    assert "event_date" not in [row[0] for row in rows(db_path)]
    assert titles(db_path) == ["Love, Actually", "Skam, Episode 3", "Skam, Episode 4"]


def test_header_with_byte_order_mark(tmp_path, db_path):
    source = (FIXTURES / "events_header.csv").read_bytes()
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + source)
    result = import_csv(db_path, path)
    assert (result.imported, result.header) == (3, True)


def test_legacy_bytes_become_letters_and_utf8_stays_intact(db_path):
    result = import_csv(db_path, FIXTURES / "events_legacy_bytes.csv")
    assert (result.imported, result.rejected) == (4, 0)
    assert titles(db_path) == [
        "Mannen som ikke kunne le, på nytt",  # raw 0xE5
        "Sjörövarna, del 1",  # raw 0xF6
        "Himmelblå, Tromsø",  # proper UTF-8 in the same file
        "",
    ]


def test_legacy_bytes_across_read_buffer_boundaries(tmp_path, db_path):
    # Many rows mixing raw cp1252 and UTF-8 letters, so some straddle the decoder's chunks.
    lines = []
    for i in range(20_000):
        title = b'"p\xe5 vei, del %d"' % i if i % 2 else f'"Tromsø, del {i}"'.encode()
        lines.append(
            b"2017-03-01 10:00:00,%032x,%d,iPad,NO,%d,50,2.0,,SERIES,%s,1,%d"
            % (i, i, i % 50 + 1, title, i)
        )
    path = tmp_path / "many.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = import_csv(db_path, path)
    assert (result.imported, result.rejected) == (20_000, 0)
    got = titles(db_path)
    assert got[1] == "på vei, del 1" and got[2] == "Tromsø, del 2"
    assert all(
        t == (f"på vei, del {i}" if i % 2 else f"Tromsø, del {i}") for i, t in enumerate(got)
    )


def test_quoted_line_break_keeps_line_numbers_physical(tmp_path, db_path):
    multi = GOOD.replace('"Love, Actually"', '"Love,\nActually"')
    bad = GOOD.replace("2017-01-01 00:02:35", "yesterday")
    path = tmp_path / "multi.csv"
    path.write_text(f"{multi}\n{GOOD}\n{bad}\n", encoding="utf-8")
    result = import_csv(db_path, path)
    assert result.imported == 2
    assert [r.line for r in result.first_rejected] == [4]
    assert titles(db_path)[0] == "Love,\nActually"


def test_rejected_rows_are_reported_with_line_numbers_and_reasons(db_path):
    result = import_csv(db_path, FIXTURES / "events_bad_rows.csv")
    assert (result.imported, result.rejected) == (3, 5)
    reasons = {r.line: r.reason for r in result.first_rejected}
    assert sorted(reasons) == [2, 3, 4, 7, 8]
    assert "event_date '2017-13-45 00:00:00'" in reasons[2] and "YYYY-MM-DD HH:MM:SS" in reasons[2]
    assert "totalminuteswatched 'forty' is not an integer" in reasons[3]
    assert "expected 13 columns, found 7" in reasons[4]
    assert "2017/01/03 12:00" in reasons[7]
    assert "'12.5' is not an integer" in reasons[8]
    assert titles(db_path) == ["Love, Actually", "Skam, Episode 3", "Love, Actually"]
    summary = result.summary_lines()
    assert summary[0] == "imported 3 rows, rejected 5"
    assert summary[1].startswith("  line 2: event_date")


def test_summary_lists_only_the_first_rejections(tmp_path, db_path):
    bad = GOOD.replace(",45,", ",x,", 1)
    path = tmp_path / "many_bad.csv"
    path.write_text("\n".join([GOOD] + [bad] * 25) + "\n", encoding="utf-8")
    result = import_csv(db_path, path)
    assert (result.imported, result.rejected) == (1, 25)
    assert len(result.first_rejected) == csv_import.MAX_REPORTED
    assert result.summary_lines()[-1] == f"  ... and {25 - csv_import.MAX_REPORTED} more"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: f.__setitem__(0, "2017-02-30 10:00:00"), "event_date"),
        (lambda f: f.__setitem__(0, "2017-01-01T10:00:00"), "event_date"),
        (lambda f: f.__setitem__(0, "2017-01-01 10:00"), "event_date"),
        (lambda f: f.__setitem__(5, ""), "totalminuteswatched"),
        (lambda f: f.__setitem__(6, "long"), "runningtime"),
        (lambda f: f.__setitem__(7, "half"), "viewpercentage"),
        (lambda f: f.append(""), "expected 13 columns, found 14"),
    ],
)
def test_convert_row_rejects(change, reason):
    fields = next(read_records_from_text(GOOD))[1]
    change(fields)
    result = convert_row(fields)
    assert isinstance(result, str) and reason in result


def test_convert_row_accepts_integral_decimals_in_integer_columns():
    fields = next(read_records_from_text(GOOD))[1]
    fields[6], fields[11] = "98.0", " 2 "
    row = convert_row(fields)
    assert row[6] == 98 and row[11] == 2


# -- transactions ----------------------------------------------------------------------------


def _good_then_fail(count: int, error: BaseException):
    fields = next(read_records_from_text(GOOD))[1]
    for line in range(1, count + 1):
        yield line, list(fields)
    raise error


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_midway_leaves_the_database_as_it_was(demo_db, monkeypatch, error):
    monkeypatch.setattr(csv_import, "BATCH_ROWS", 100)  # several batches reach SQLite first
    before = rows(demo_db)
    for replace in (False, True):
        with pytest.raises(type(error)):
            import_records(demo_db, _good_then_fail(1_050, error), replace=replace)
        assert rows(demo_db) == before
        assert is_demo(demo_db)


def test_replace_swaps_all_rows_and_clears_the_demo_flag(demo_db):
    result = import_csv(demo_db, FIXTURES / "events_headerless.csv", replace=True)
    assert (result.imported, result.replaced, result.demo) == (6, True, False)
    assert count_rows(demo_db) == 6
    assert not is_demo(demo_db)


def test_plain_import_into_demo_data_adds_rows_and_keeps_the_flag(demo_db):
    before = count_rows(demo_db)
    result = import_csv(demo_db, FIXTURES / "events_headerless.csv")
    assert result.demo is True
    assert count_rows(demo_db) == before + 6
    assert is_demo(demo_db)


def test_replace_with_nothing_valid_keeps_the_old_rows(demo_db):
    before = rows(demo_db)
    result = import_csv(demo_db, FIXTURES / "events_all_bad.csv", replace=True)
    assert (result.imported, result.rejected) == (0, 3)
    assert rows(demo_db) == before and is_demo(demo_db)


def test_import_into_a_tutorial_database_keeps_its_columns(tmp_path):
    from tests.unit.test_events_store import make_tutorial_db, table_info

    path = tmp_path / "moviedb.sqlite"
    make_tutorial_db(path, FIXTURES / "events_headerless.csv")
    info = table_info(path)
    result = import_csv(path, FIXTURES / "events_legacy_bytes.csv")
    assert result.imported == 4
    assert table_info(path) == info
    assert count_rows(path) == 10


def test_missing_file_is_a_clear_error(tmp_path, db_path):
    with pytest.raises(CsvImportError, match="no such file"):
        import_csv(db_path, tmp_path / "nope.csv")
    assert not db_path.exists()


# -- the command ---------------------------------------------------------------------------


def test_command_imports_and_summarises(cli, db_path):
    app, runner = cli
    result = runner.invoke(args=["import-events", str(FIXTURES / "events_bad_rows.csv")])
    assert result.exit_code == 0, result.output
    assert "imported 3 rows, rejected 5" in result.output
    assert "line 4: expected 13 columns, found 7" in result.output
    assert count_rows(db_path) == 3
    # Importing needs no Redis: the embedded server was never started.
    provider = services.redis_provider(app.server)
    assert server_pids(provider.embedded.socket_path) == []


def test_command_fails_when_nothing_could_be_imported(cli, db_path, tmp_path):
    _, runner = cli
    result = runner.invoke(args=["import-events", str(FIXTURES / "events_all_bad.csv")])
    assert result.exit_code != 0
    assert "imported 0 rows, rejected 3" in result.output
    assert "nothing could be imported" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["import-events", str(empty)])
    assert result.exit_code != 0 and "nothing could be imported" in result.output
    assert count_rows(db_path) == 0


def test_command_missing_file(cli, tmp_path):
    _, runner = cli
    result = runner.invoke(args=["import-events", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, no error raised through


def test_command_replace_and_demo_hint(make_app, demo_db):
    runner = make_app().server.test_cli_runner()  # app_config points at demo_db
    added = runner.invoke(args=["import-events", str(FIXTURES / "events_headerless.csv")])
    assert added.exit_code == 0, added.output
    assert "--replace" in added.output  # hint: the demo rows are still there
    replaced = runner.invoke(
        args=["import-events", "--replace", str(FIXTURES / "events_header.csv")]
    )
    assert replaced.exit_code == 0, replaced.output
    assert "--replace" not in replaced.output
    assert count_rows(demo_db) == 3 and not is_demo(demo_db)


def test_ctrl_c_midway_through_a_real_import_changes_nothing(demo_db, instance_dir, tmp_path):
    """A real `flask import-events` process gets SIGINT after some batches reached SQLite."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time

    root = Path(__file__).resolve().parents[2]
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    before = rows(demo_db)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{demo_db}",
        "INSTANCE_PATH": str(instance_dir),
        "SECRET_KEY": "test",
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "dashboard_app",
            "import-events",
            "--replace",
            str(fifo),
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Ctrl-C must reach the importer as KeyboardInterrupt even when this suite was started
        # from a shell that ignores SIGINT (a background job): Python keeps an inherited SIG_IGN.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    stop = threading.Event()

    def feed() -> None:
        # Keep the pipe open (the import waits for more) until the test has interrupted it.
        try:
            with open(fifo, "w", encoding="utf-8") as pipe:
                pipe.write((GOOD + "\n") * (3 * csv_import.BATCH_ROWS))
                pipe.flush()
                stop.wait(60)
        except BrokenPipeError:
            pass  # the importer was interrupted while we were still writing

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    wal = Path(f"{demo_db}-wal")
    deadline = time.monotonic() + 60
    # Batches have reached SQLite once the replaced table shows up as pages in the WAL.
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 1_000_000):
        time.sleep(0.05)
    assert wal.exists() and wal.stat().st_size >= 1_000_000, "the import never started writing"
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=60)
    stop.set()
    feeder.join(10)
    assert proc.returncode != 0
    assert "interrupted" in output and "unchanged" in output and "Traceback" not in output
    assert rows(demo_db) == before and is_demo(demo_db)


def test_commands_on_a_file_that_is_not_a_database(make_app, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not SQLite\n" * 200)
    runner = make_app(DATABASE_URL=f"sqlite:///{junk}").server.test_cli_runner()
    for args in (
        ["import-events", str(FIXTURES / "events_headerless.csv")],
        ["demo-data", "--rows", "10"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, result.output
        assert "not a database" in result.output and "Traceback" not in result.output
    assert junk.read_bytes() == b"this is not SQLite\n" * 200
