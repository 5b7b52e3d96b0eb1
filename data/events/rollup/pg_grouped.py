"""GROUP BY results out of PostgreSQL as packed CSV text: a few hundred large values through a
server-side cursor, parsed by pandas in chunks, and a chunk's columns as the vocabulary's
codes (what data/events/rollup/pg_source.py reads)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd

from data.events.catalog import DIMENSIONS
from data.events.rollup.encoding import NO_DAY, Vocabulary, event_days, known_numbers

CHUNK_ROWS = 500_000  # grouped rows parsed at a time


class GroupedRead:
    """Counts what a build read from the database: grouped rows per query (tests, logs)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _csv_field(name: str, kind) -> str:
    """SQL for one CSV field of a grouped row: text quoted (so commas, quotes and line breaks
    in titles survive), numbers as they print."""
    if kind is str:
        return f"'\"' || replace({name}::text, '\"', '\"\"') || '\"'"
    return f"{name}::text"


def grouped(conn, name: str, sql: str, dtypes: dict, report: GroupedRead) -> Iterator:
    """Chunks (DataFrames) of one GROUP BY's result, columns named by dtypes' keys.

    The database packs the result's rows into CSV text, one value per day, so that what
    crosses the wire are a few hundred large values, not millions of protocol messages (each
    of which would cost Python more than the parsing of its row)."""
    quoted = ['"' + n + '"' for n in dtypes]  # "user" is a reserved word
    line = " || ',' || ".join(
        _csv_field("g." + q, kind) for q, kind in zip(quoted, dtypes.values(), strict=True)
    )
    columns = ", ".join(quoted)
    packed = (
        f"SELECT string_agg({line}, E'\\n'), count(*) "
        f"FROM ({sql}) AS g({columns}) GROUP BY g.{quoted[0]}"
    )
    report.rows.setdefault(name, 0)
    with conn.cursor(name=f"reelboard_{name}") as cursor:  # streamed, not fetched at once
        cursor.itersize = 16
        cursor.execute(packed)
        texts, lines = [], 0
        for text, count in cursor:
            texts.append(text)
            lines += count
            if lines >= CHUNK_ROWS:
                yield _parse(texts, dtypes)
                report.rows[name] += lines
                texts, lines = [], 0
                time.sleep(0)  # a cooperative worker (gevent) serves others between chunks
        if texts:
            yield _parse(texts, dtypes)
            report.rows[name] += lines


def _parse(texts: list[str], dtypes: dict) -> pd.DataFrame:
    try:
        return _read_csv(texts, dtypes)
    except pd.errors.ParserError as error:
        # Ctrl-C while pandas parses reaches us wrapped in its own error: say it as it is.
        if isinstance(error.__context__ or error.__cause__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        raise


def _read_csv(texts: list[str], dtypes: dict) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO("\n".join(texts)),
        header=None,
        names=list(dtypes),
        dtype=dtypes,
        na_filter=False,  # nothing is NULL: every text column is coalesced
        keep_default_na=False,
    )


def days(chunk: pd.DataFrame, day_is_text: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """(day numbers, mask of rows to keep or None) of a chunk's day column."""
    if not day_is_text:
        return chunk["day"].to_numpy(np.int64), None
    days = event_days(chunk["day"].to_numpy(object))
    keep = days != NO_DAY
    return days[keep], (None if keep.all() else keep)


def combos(chunk: pd.DataFrame, keep, vocabulary: Vocabulary) -> np.ndarray:
    columns = [kept(chunk[d.column], keep) for d in DIMENSIONS]
    return vocabulary.combos_of(columns).astype(np.int64)


def kept(series: pd.Series, keep) -> np.ndarray:
    values = series.to_numpy(object if series.dtype == object else None)
    return values if keep is None else values[keep]


def known(column: pd.Series, runtime: bool) -> np.ndarray:
    """A number column of a grouped chunk ('' where unknown) by the encoding's rule."""
    values = pd.to_numeric(column, errors="coerce").to_numpy(np.float64)
    return known_numbers(values, positive=runtime, count=not runtime)


def items(chunk: pd.DataFrame, keep, vocabulary: Vocabulary) -> np.ndarray:
    """Item codes of a chunk's (title, season, episode, contentid) columns."""
    season, episode = (known(chunk[name], False) for name in ("season", "episode"))
    if keep is not None:
        season, episode = season[keep], episode[keep]
    return vocabulary.items_of(
        kept(chunk["title"], keep), season, episode, kept(chunk["contentid"], keep)
    )


def concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
