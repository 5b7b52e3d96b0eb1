"""Import the tutorial's event CSV into the events store: tolerant decoding, row checks, atomic."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from data.events.rollup import RowEncoder
from data.events.store import COLUMN_NAMES
from data.events.stores import EventStore, as_store
from data.events.text_decoding import ENCODING_ERRORS, decode_escapes, escape_example
from data.events.writers import open_writer

BATCH_ROWS = 20_000
_WIDTH = len(COLUMN_NAMES)
MAX_REPORTED = 10  # rejected lines kept with their reasons; the rest are only counted
MAX_FIELD_CHARS = 1_000  # longest field a row may hold; no real title, id or number comes close
# csv's own per-field limit (default 131,072), raised so that a merely over-long field is parsed
# and rejected by MAX_FIELD_CHARS: past the reader's limit csv drops the rest of the physical line
# and, inside a quoted multi-line field, misreads the lines after it as records of their own.
READER_FIELD_LIMIT = 1 << 20
_SQLITE_INTEGERS = range(-(1 << 63), 1 << 63)  # beyond these, sqlite3 raises OverflowError
# The text columns whose `<xx>` escapes are decoded: the file writes any byte above 127 so, and
# an id spelt with an escape is the same id as with the raw byte. Not event_date, which must be
# an ASCII timestamp, nor the numbers, parsed already: an escape there rejects the row as is.
_TEXT_COLUMNS = (1, 2, 3, 4, 9, 10)  # userid, contentid, device, market, sessiontype, title


class CsvImportError(Exception):
    """The import could not run at all (missing file, unusable database); nothing was changed."""


@dataclass(frozen=True)
class Rejected:
    """One CSV record that was not imported: where it starts and why."""

    line: int
    reason: str


@dataclass
class ImportResult:
    """What an import did."""

    imported: int = 0
    rejected: int = 0
    first_rejected: list[Rejected] = field(default_factory=list)
    header: bool = False
    replaced: bool = False
    demo: bool = False  # the database still holds (or was) demo data after the import
    escaped: int = 0  # imported rows in which `<xx>` escapes were decoded
    escape_example: str | None = None  # the first such escape as the file wrote it: "p<e5>"

    def summary_lines(self) -> list[str]:
        """Human-readable summary: counts, the first rejected lines and why, escapes decoded."""
        rows = "row" if self.imported == 1 else "rows"
        lines = [f"imported {self.imported} {rows}, rejected {self.rejected}"]
        if self.header:
            lines.append("(skipped a header row)")
        for item in self.first_rejected:
            lines.append(f"  line {item.line}: {item.reason}")
        if self.rejected > len(self.first_rejected):
            lines.append(f"  ... and {self.rejected - len(self.first_rejected)} more")
        if self.escaped:
            rows = "row" if self.escaped == 1 else "rows"
            example = self.escape_example
            lines.append(
                f"{self.escaped} {rows} had <xx> escapes decoded "
                f'(e.g. "{example}" → "{decode_escapes(example)}")'
            )
        return lines


def _parse_timestamp(text: str) -> bool:
    """True for a real 'YYYY-MM-DD HH:MM:SS' timestamp (fast checks before the C parser)."""
    if len(text) != 19 or text[10] != " " or text[4] != "-" or text[13] != ":":
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return text[7] == "-" and text[16] == ":"


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
    """None for an empty field, else the number; ValueError when it is not one."""
    if not text or not text.strip():
        return None
    return float(text)


_OPTIONAL = (  # (column index, name, parser, what it must be) for the lenient numeric columns
    (6, "runningtime", _optional_int, "an integer"),
    (7, "viewpercentage", _optional_float, "a number"),
    (8, "errorperception", _optional_float, "a number"),
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


def convert_row(fields: list[str]) -> list | str:
    """Turn 13 CSV fields into a row for the table, or return why the row is rejected.

    Empty text fields stay '' (as the tutorial's `.import` stores them); empty numeric fields
    become NULL. The analysis treats '' and NULL alike.
    """
    if len(fields) != _WIDTH:
        return f"expected {len(COLUMN_NAMES)} columns, found {len(fields)}"
    # Before any check that quotes a value, so that reasons stay short and printable; one pass
    # in C over the whole row, since nearly every row passes.
    if max(map(len, fields)) > MAX_FIELD_CHARS or "\0" in "".join(fields):
        return _unfit_field(fields)
    if not _parse_timestamp(fields[0]):
        return f"event_date {fields[0]!r} is not a timestamp like 'YYYY-MM-DD HH:MM:SS'"
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


class MalformedRecord(str):
    """Stands in for the fields of a record the csv module could not parse; says why."""


def _is_header(fields: list[str]) -> bool:
    names = [f.strip().lstrip("\ufeff").strip('"').lower() for f in fields]
    return names == list(COLUMN_NAMES)


def read_records(stream: io.BufferedIOBase) -> Iterator[tuple[int, list[str] | MalformedRecord]]:
    """Yield (first line number, fields) per CSV record of a binary stream; blank lines skipped."""
    # newline='' lets csv see quoted line breaks; the error handler keeps legacy bytes as letters.
    text = io.TextIOWrapper(stream, encoding="utf-8", errors=ENCODING_ERRORS, newline="")
    # The limit is process-wide, so it is only ever raised, never lowered for other readers.
    if csv.field_size_limit() < READER_FIELD_LIMIT:
        csv.field_size_limit(READER_FIELD_LIMIT)
    reader = csv.reader(text)
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # e.g. a field over READER_FIELD_LIMIT: reject this record, keep reading after it.
            previous_end = reader.line_num
            yield start, MalformedRecord(f"unreadable CSV record: {exc}")
            continue
        previous_end = reader.line_num
        if not fields:
            continue
        if start == 1 and fields[0].startswith("\ufeff"):
            fields[0] = fields[0][1:]  # a UTF-8 byte order mark from spreadsheet exports
        yield start, fields


def import_records(
    target: EventStore | str | os.PathLike,
    records: Iterable[tuple[int, list[str] | MalformedRecord]],
    *,
    replace: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> ImportResult:
    """Insert the records into the store in ONE transaction; any exception rolls it all back.

    target is a store (data/events/stores.py) or a SQLite file path. on_batch(rows_so_far) is
    called after each batch (progress bars). When no row is valid the transaction is rolled
    back, so `replace` never empties the table for a useless file.
    """
    store = as_store(target)
    errors = store.errors
    result = ImportResult(replaced=replace)
    try:
        writer = open_writer(store)
    except errors as exc:
        raise CsvImportError(f"cannot open the database {store.label}: {store.say(exc)}") from None
    try:
        was_demo = writer.begin()
        if replace:
            writer.clear()
        # When the import is all the table will hold, a SQLite rollup is encoded from the rows
        # as they go in; appending to existing rows reads the table back instead.
        encoder = RowEncoder() if writer.encodes_rows and writer.is_empty() else None

        def write(batch: list[list]) -> None:
            writer.insert(batch)
            if encoder is not None:
                encoder.add(batch)
            result.imported += len(batch)
            if on_batch is not None:
                on_batch(result.imported)

        batch: list[list] = []
        first = True
        for line, fields in records:
            if first:
                first = False
                if not isinstance(fields, MalformedRecord) and _is_header(fields):
                    result.header = True
                    continue
            row = fields if isinstance(fields, MalformedRecord) else convert_row(fields)
            if isinstance(row, str):  # MalformedRecord or the reason convert_row gave
                result.rejected += 1
                if len(result.first_rejected) < MAX_REPORTED:
                    result.first_rejected.append(Rejected(line, row))
                continue
            example = decode_row_escapes(row)
            if example is not None:
                result.escaped += 1
                result.escape_example = result.escape_example or example
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                write(batch)
                batch = []
        if batch:
            write(batch)
        if result.imported == 0:
            writer.rollback()
            result.demo = was_demo
            return result
        if replace:
            writer.set_demo_flag(False)
        result.demo = was_demo and not replace
        writer.publish(None if encoder is None else encoder.rollup())
        writer.commit()
    except errors as exc:
        writer.rollback()
        raise CsvImportError(
            f"the database {store.label} refused the import: {store.say(exc)}"
        ) from None
    except BaseException:
        # Ctrl-C or any failure mid-way: nothing of this import stays.
        writer.rollback()
        raise
    finally:
        writer.close()
    writer.after_commit()
    return result


def import_csv(
    target: EventStore | str | os.PathLike,
    csv_path: str | os.PathLike,
    *,
    replace: bool = False,
    progress: bool = False,
) -> ImportResult:
    """Import a tutorial CSV file (with or without header) into the store (or SQLite file)."""
    csv_path = Path(csv_path)
    if not csv_path.exists():
        raise CsvImportError(f"no such file: {csv_path}")
    if csv_path.is_dir():
        raise CsvImportError(f"{csv_path} is a folder, not a CSV file")
    size = csv_path.stat().st_size
    with open(csv_path, "rb") as raw:
        bar = None
        on_batch = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=size, unit="B", unit_scale=True, desc="importing", mininterval=0.5)

            def on_batch(_rows: int) -> None:
                bar.update(raw.tell() - bar.n)

        try:
            result = import_records(target, read_records(raw), replace=replace, on_batch=on_batch)
        finally:
            if bar is not None:
                bar.close()
    return result
