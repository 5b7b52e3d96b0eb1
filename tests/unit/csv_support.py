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
