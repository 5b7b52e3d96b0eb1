"""Event-store commands: `import-events FILE [--replace] [--again]`, `demo-data`, `ensure-db`."""

from __future__ import annotations

import shlex
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

PROGRESS_MIN_BYTES = 5_000_000  # smaller files import before a bar would be worth drawing


def make_import_command(file: str = "events.csv", replace: bool = True) -> str:
    """The import as a user types it in the project folder: `make import` sets up the venv
    first, so it works in any shell (a bare `flask ...` needs the venv activated)."""
    return f"make import FILE={shlex.quote(file)}" + (" REPLACE=1" if replace else "")


def _store():
    """The configured event store (data/events/stores/event_stores.py)."""
    return current_app.config["EVENT_STORE"]


@click.command("import-events")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--replace", is_flag=True, help="Replace every event in the database (and demo data)."
)
@click.option(
    "--again",
    is_flag=True,
    help="Add the rows of a file that was imported before (otherwise refused).",
)
@with_appcontext
def import_events_command(file: str, replace: bool, again: bool) -> None:
    """Import viewing events from the tutorial's CSV FILE (13 columns, header row optional).

    Rows with a bad timestamp, a date before EVENTS_EARLIEST_DATE or more than
    EVENTS_FUTURE_TOLERANCE_DAYS after today, negative or absurd minutes, a percentage that is
    not a finite number or a wrong column count are reported with their line number and
    skipped. All-or-nothing: an interrupted import changes nothing. Without --replace the rows
    are added to the events already there; a file imported before is refused unless --again
    (or --replace).

    From the project folder, without the venv activated: make import FILE=events.csv [REPLACE=1]
    """
    from pathlib import Path

    from data.events.ingest.csv_import import CsvImportError, import_csv

    store = _store()
    path = Path(file)
    show_bar = sys.stderr.isatty() and path.is_file() and path.stat().st_size >= PROGRESS_MIN_BYTES
    started = time.perf_counter()
    try:
        result = import_csv(store, path, replace=replace, progress=show_bar, again=again)
    except CsvImportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # an unreadable CSV, a database folder that cannot be created
        raise click.ClickException(f"cannot import: {exc}") from None
    except KeyboardInterrupt:
        raise click.ClickException(
            "interrupted: nothing was imported, the database is unchanged"
        ) from None
    for line in result.summary_lines():
        click.echo(line)
    if result.imported == 0:
        raise click.ClickException(
            f"nothing could be imported from {file}; the database is unchanged"
        )
    verb = "replaced the events in" if replace else "added to"
    click.echo(f"{verb} {store.label} in {time.perf_counter() - started:.1f} s")
    if result.demo:
        click.echo(
            "Note: this database also holds generated demo data; to keep only your events, "
            f"import with --replace: {make_import_command(file)}"
        )


@click.command("demo-data")
@click.option(
    "--rows", type=click.IntRange(min=0), default=100_000, show_default=True, help="Events to make."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Same seed, same events.",
)
@with_appcontext
def demo_data_command(rows: int, seed: int) -> None:
    """Fill the database with deterministic demo events, REPLACING all events already there."""
    from data.events.ingest.demo_data import generate_demo

    store = _store()
    started = time.perf_counter()
    try:
        written = generate_demo(store, rows=rows, seed=seed, progress=sys.stderr.isatty())
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: the database is unchanged") from None
    except (OSError, *store.errors) as exc:
        raise click.ClickException(
            f"cannot write demo data to {store.label}: {store.say(exc)}"
        ) from None
    click.echo(
        f"wrote {written} demo events (seed {seed}) to {store.label} "
        f"in {time.perf_counter() - started:.1f} s"
    )


@click.command("ensure-db")
@with_appcontext
def ensure_db_command() -> None:
    """Create a demo database when the configured one does not exist yet, and the annotations
    and alert tables when missing; an existing store keeps its events as they are."""
    from data.alerts.rules_store import AlertStore
    from data.events.stores.annotation_table import ensure_table
    from data.events.stores.first_run import ensure_database
    from data.events.stores.sqlite_store import EventStoreUnreadable

    store = _store()
    try:
        created = ensure_database(store)
    except (OSError, *store.errors) as exc:
        raise click.ClickException(
            f"cannot open or create the event database {store.label}: {store.say(exc)}"
        ) from None
    try:
        ensure_table(store)  # annotations, beside the events (an existing store gains it)
    except EventStoreUnreadable as exc:  # a read-only file or role: the events still serve
        click.echo(f"note: no annotations table could be made ({exc})", err=True)
    try:
        AlertStore(store).ensure()
    except (OSError, *store.errors) as exc:
        click.echo(f"note: no alert tables could be made ({store.say(exc)})", err=True)
    if created:
        click.echo(
            f"created a demo database at {store.label} (import real data: {make_import_command()})"
        )
    else:
        click.echo(f"using the existing database at {store.label}")
