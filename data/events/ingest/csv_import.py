"""Import the tutorial's event CSV into the events store: tolerant decoding, row checks, atomic."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from data.events.ingest.csv_rows import convert_row, decode_row_escapes
from data.events.ingest.text_decoding import ENCODING_ERRORS, decode_escapes
from data.events.rollup.build import RowEncoder
from data.events.stores import import_history
from data.events.stores.event_stores import EventStore, as_store
from data.events.stores.import_history import timestamp
from data.events.stores.sqlite_store import COLUMN_NAMES
from data.events.stores.writers import open_writer

BATCH_ROWS = 20_000
MAX_REPORTED = 10  # rejected lines kept with their reasons; the rest are only counted
# csv's own per-field limit (default 131,072), raised so that a merely over-long field is parsed
# and rejected by csv_rows.MAX_FIELD_CHARS: past the reader's limit csv drops the rest of the
# physical line and, inside a quoted multi-line field, misreads the lines after it as records.
READER_FIELD_LIMIT = 1 << 20


class CsvImportError(Exception):
    """The import could not run at all (missing file, unusable database); nothing was changed."""


class AlreadyImported(CsvImportError):
    """The file was imported before (the message says when); nothing was changed."""


@dataclass
class FileSource:
    """The file an import reads: its name, and its digest as soon as it is known (before the
    import for a regular file; once read all through `reader` for a pipe)."""

    name: str
    digest: str | None = None
    reader: import_history.HashingReader | None = None

    def read_digest(self) -> str:
        """The digest of the bytes the import read."""
        return self.reader.hexdigest() if self.reader is not None else self.digest


def _refuse_if_loaded(writer, name: str, digest: str) -> None:
    loads = writer.loads_of(digest)
    if loads:
        raise AlreadyImported(import_history.refusal(name, loads))


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
    source: FileSource | None = None,
    again: bool = False,
) -> ImportResult:
    """Insert the records into the store in ONE transaction; any exception rolls it all back.

    target is a store (data/events/stores/event_stores.py) or a SQLite file path.
    on_batch(rows_so_far) is
    called after each batch (progress bars). When no row is valid the transaction is rolled
    back, so `replace` never empties the table for a useless file. Rows dated outside the
    store's bounds, at the import's time, are rejected. A source file is remembered by its
    digest; one imported before raises AlreadyImported, unless `again` or `replace`.
    """
    store = as_store(target)
    errors = store.errors
    result = ImportResult(replaced=replace)
    now = store.bounds.clock()  # one time for every row's check, the rollup and the history
    days = store.bounds.days(now)
    try:
        writer = open_writer(store)
    except errors as exc:
        raise CsvImportError(f"cannot open the database {store.label}: {store.say(exc)}") from None
    try:
        was_demo = writer.begin()
        # Under the writer's lock: two imports of one file at once cannot both pass.
        checked = None if source is None or replace or again else source.digest
        if checked is not None:
            _refuse_if_loaded(writer, source.name, checked)
        if replace:
            writer.clear()
        # When the import is all the table will hold, a SQLite rollup's pieces are encoded from
        # the rows as they go in; appending to existing rows reads its days back instead.
        fresh = writer.encodes_rows and writer.is_empty()
        encoder = RowEncoder(store.bounds.zones) if fresh else None

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
            row = fields if isinstance(fields, MalformedRecord) else convert_row(fields, days)
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
        if source is not None:
            digest = source.read_digest()
            if not (replace or again) and digest != checked:  # a pipe, or a file changed
                _refuse_if_loaded(writer, source.name, digest)
            load = import_history.Load(digest, source.name, result.imported, timestamp(now))
            writer.remember(load)
        writer.publish(encoder, now=now)
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
    again: bool = False,
) -> ImportResult:
    """Import a tutorial CSV file (with or without header) into the store (or SQLite file);
    a file imported before is refused (AlreadyImported) unless `again` or `replace`."""
    csv_path = Path(csv_path)
    if not csv_path.exists():
        raise CsvImportError(f"no such file: {csv_path}")
    if csv_path.is_dir():
        raise CsvImportError(f"{csv_path} is a folder, not a CSV file")
    size = csv_path.stat().st_size
    source = FileSource(import_history.file_name(csv_path))
    if csv_path.is_file():
        # Known before the import, so that a file loaded before is refused at once, not after
        # reading it all; a pipe is hashed as it is read.
        source.digest = import_history.file_digest(csv_path)
    with open(csv_path, "rb") as raw:
        bar = None
        on_batch = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=size, unit="B", unit_scale=True, desc="importing", mininterval=0.5)

            def on_batch(_rows: int) -> None:
                bar.update(raw.tell() - bar.n)

        stream = raw
        if source.digest is None:
            source.reader = import_history.HashingReader(raw)
            stream = io.BufferedReader(source.reader, buffer_size=1 << 16)
        try:
            result = import_records(
                target,
                read_records(stream),
                replace=replace,
                on_batch=on_batch,
                source=source,
                again=again,
            )
        finally:
            if bar is not None:
                bar.close()
    return result
