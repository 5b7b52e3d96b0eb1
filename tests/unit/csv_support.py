"""What the CSV import tests share: the fixture files, a good row, reading rows back."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from data.events.ingest.csv_import import read_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOOD = (
    "2017-01-01 00:02:35,1b5f6f1e0d3f4f4b9c7d2a3e4f5a6b7c,10045,Computer,NO,45,98,45.92,,MOVIE,"
    '"Love, Actually",,'
)


def rows(path: Path, where: str = "1") -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT * FROM movies WHERE {where} ORDER BY rowid").fetchall()


def titles(path: Path) -> list[str]:
    return [row[10] for row in rows(path)]


def read_records_from_text(text: str):
    """read_records over CSV text given as a string."""
    return read_records(io.BytesIO(text.encode()))


def imported_tutorial_rows(
    event_store,
    tmp_path: Path,
    count: int,
    seed: int,
    more_dates: list[str] = (),
    more_rows: list[list] = (),
) -> tuple:
    """Tutorial-format rows (one more at each of more_dates, then more_rows) written as a
    headerless CSV and imported with the CLI's import into the store (SQLite or PostgreSQL):
    (its DATABASE_URL, its rows as the references read them)."""
    import csv

    from data.events.ingest.csv_import import import_csv
    from tests.unit.reference_checks import read_raw
    from tests.unit.test_engine_properties import tutorial_rows
    from tests.unit.test_postgres_store import read_raw_pg

    made = [r for r in tutorial_rows(count, seed=seed) if not any(isinstance(v, bytes) for v in r)]
    made += [[when, *made[i][1:]] for i, when in enumerate(more_dates)]
    made += list(more_rows)
    path = tmp_path / "tutorial.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(["" if v is None else v for v in row] for row in made)
    import_csv(event_store, path)
    if hasattr(event_store, "url"):
        return event_store.url, read_raw_pg(event_store.url)
    return f"sqlite:///{event_store.path}", read_raw(event_store.path)
