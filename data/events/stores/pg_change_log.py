"""Exact change tracking on PostgreSQL: statement triggers count, per day, the movies rows each
statement touched."""

from __future__ import annotations

from data.events.stores.change_log import (
    DELETE_TRIGGER,
    EVERYTHING,
    INSERT_TRIGGER,
    TOUCHES_TABLE,
    UPDATE_TRIGGER,
)
from data.events.stores.sqlite_store import TABLE

TRUNCATE_TRIGGER = "reelboard_touch_truncate"
TRIGGERS = (INSERT_TRIGGER, UPDATE_TRIGGER, DELETE_TRIGGER, TRUNCATE_TRIGGER)
# How long installing waits for the movies table (CREATE TRIGGER locks out its writers): a
# long transaction of another program makes it give up, not hang the import.
INSTALL_LOCK_TIMEOUT_MS = 5000

_TIMESTAMPS = ("timestamp without time zone", "date")
# A random bigint, drawn anew for each day a statement touches: a rolled-back write takes its
# stamps with it, so a later write that brings a day to the same count is still told apart
# (data/events/stores/change_log.py draws SQLite's alike).
STAMP_SQL = "(random() * 9.2e18)::bigint"
CREATE_TOUCHES = "(day text PRIMARY KEY, touches bigint NOT NULL, stamp bigint NOT NULL DEFAULT 0)"
_TEXT_TYPES = ("text", "character varying", "character")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _day_sql(kind: str | None) -> str | None:
    """The day key of a row by event_date's type ('' for NULL); None for a type that names no
    day (a trigger must never make another program's writes fail)."""
    if kind in _TIMESTAMPS:
        day = "to_char(event_date, 'YYYY-MM-DD')"
    elif kind == "timestamp with time zone":
        # The UTC day, as Reelboard reads it, whatever the writing session's time zone.
        day = "to_char(event_date AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    elif kind is not None and kind.startswith(_TEXT_TYPES):
        day = "substr(event_date::text, 1, 10)"
    else:
        return None
    return f"coalesce({day}, '')"


def _bodies(schema: str, day: str) -> dict[str, str]:
    """The PL/pgSQL body of each trigger's function (named as the trigger)."""
    touches = f"{_ident(schema)}.{TOUCHES_TABLE}"
    upsert = f"INSERT INTO {touches} (day, touches, stamp)"
    # In day order, so that two statements touching the same days lock their rows in the same
    # order rather than deadlock. Each touched day draws a new stamp (see change_log).
    count = (
        f"ON CONFLICT (day) DO UPDATE SET touches = {TOUCHES_TABLE}.touches + excluded.touches, "
        f"stamp = {STAMP_SQL}"
    )
    return {
        INSERT_TRIGGER: (
            f"{upsert} SELECT {day}, count(*), {STAMP_SQL} FROM new_rows GROUP BY 1 ORDER BY 1 "
            f"{count};"
        ),
        # Old and new rows come unpaired: a day counts the larger of the rows it lost and the
        # rows it gained, as SQLite's row triggers count it when rows stay on their day or
        # move between days (swaps between two days count less, never zero).
        UPDATE_TRIGGER: (
            f"{upsert} SELECT day, greatest(sum(lost), sum(gained)), {STAMP_SQL} FROM ("
            f"SELECT {day} AS day, 1 AS lost, 0 AS gained FROM old_rows UNION ALL "
            f"SELECT {day}, 0, 1 FROM new_rows) AS changed GROUP BY day ORDER BY day {count};"
        ),
        DELETE_TRIGGER: (
            f"{upsert} SELECT {day}, count(*), {STAMP_SQL} FROM old_rows GROUP BY 1 ORDER BY 1 "
            f"{count};"
        ),
        # A TRUNCATE empties every day.
        TRUNCATE_TRIGGER: f"{upsert} VALUES ('{EVERYTHING}', 1, {STAMP_SQL}) {count};",
    }


def _body_source(statement: str) -> str:
    return f"\nBEGIN\n    {statement}\n    RETURN NULL;\nEND\n"


def _trigger_sql(schema: str, name: str) -> str:
    """CREATE TRIGGER for one operation: AFTER, once per statement, with its transition
    tables, so that a COPY of millions of rows costs one grouped upsert."""
    event, referencing = {
        INSERT_TRIGGER: ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
        UPDATE_TRIGGER: ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        DELETE_TRIGGER: ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
        TRUNCATE_TRIGGER: ("TRUNCATE", ""),
    }[name]
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {_ident(schema)}.{TABLE} {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {_ident(schema)}.{name}()"
    )


def _function_sql(schema: str, name: str, statement: str) -> str:
    # SECURITY DEFINER: a role allowed to write movies but not the touches table (psql, an
    # ETL job) still gets its rows counted instead of its writes refused; with a fixed
    # search path, as such functions must have.
    return (
        f"CREATE OR REPLACE FUNCTION {_ident(schema)}.{name}() RETURNS trigger "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp "
        f"AS $reelboard${_body_source(statement)}$reelboard$"
    )


_MOVIES_SQL = """
SELECT c.oid, n.nspname, c.relkind,
       (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attname = 'event_date' AND NOT a.attisdropped),
       to_regclass(quote_ident(n.nspname) || '.' || %s) IS NOT NULL,
       EXISTS (SELECT 1 FROM pg_attribute s
                WHERE s.attrelid = to_regclass(quote_ident(n.nspname) || '.' || %s)
                  AND s.attname = 'stamp' AND NOT s.attisdropped),
       (SELECT count(*) FROM pg_trigger t
         WHERE t.tgrelid = c.oid AND t.tgname = ANY(%s) AND t.tgenabled <> 'D')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = to_regclass(%s)
"""


def _movies(conn) -> tuple | None:
    """(oid, schema, kind, event_date's type, touches table exists, it has stamps, our enabled
    triggers) of the movies table the search path finds; None without one."""
    names = (TOUCHES_TABLE, TOUCHES_TABLE, list(TRIGGERS), TABLE)
    return conn.execute(_MOVIES_SQL, names).fetchone()


def _touches(conn, stamps: bool = False) -> str | None:
    """The touches table's qualified name when installed (with stamps, if asked) and this role
    may read it (a read-only dashboard granted only movies reads as if not installed)."""
    found = _movies(conn)
    if found is None or not found[4] or found[6] != len(TRIGGERS) or (stamps and not found[5]):
        return None
    name = f"{_ident(found[1])}.{TOUCHES_TABLE}"
    readable = conn.execute("SELECT has_table_privilege(%s, 'SELECT')", (name,)).fetchone()[0]
    return name if readable else None


def is_installed(conn) -> bool:
    """True when the touches table and the four enabled triggers on movies exist."""
    found = _movies(conn)
    return found is not None and found[4] and found[6] == len(TRIGGERS)


def _is_current(conn, oid: int, schema: str, bodies: dict[str, str]) -> bool:
    """Installed, each trigger calling its function with exactly these bodies."""
    rows = conn.execute(
        "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE t.tgrelid = %s AND t.tgname = ANY(%s) AND p.proname = t.tgname "
        "AND n.nspname = %s AND t.tgenabled = 'A'",
        (oid, list(TRIGGERS), schema),
    ).fetchall()
    found = dict(rows)
    return all(found.get(name) == _body_source(body) for name, body in bodies.items())


def install(conn) -> bool:
    """Create the touches table (beside movies), the functions and the triggers when missing
    or made differently, in a savepoint of the caller's transaction (or a transaction of its
    own, committed, on an idle or autocommit connection). True when they are in place; False
    when they cannot be (no CREATE or ownership, a read-only server, the table locked too
    long, a view, an event_date of no date type): never raises for that. Making them counts
    a touch of EVERYTHING, as change_log.install does."""
    import psycopg

    try:
        with conn.transaction():
            found = _movies(conn)
            if found is None:
                return False
            oid, schema, kind, date_type, has_table, has_stamps, _ = found
            day = _day_sql(date_type)
            # 'r' a table, 'p' a partitioned one; a view has no AFTER triggers with rows.
            if kind not in ("r", "p") or day is None:
                return False
            bodies = _bodies(schema, day)
            if has_table and has_stamps and _is_current(conn, oid, schema, bodies):
                return True
            timeout = conn.execute("SELECT current_setting('lock_timeout')").fetchone()[0]
            conn.execute(
                "SELECT set_config('lock_timeout', %s, true)", (f"{INSTALL_LOCK_TIMEOUT_MS}ms",)
            )
            touches = f"{_ident(schema)}.{TOUCHES_TABLE}"
            if has_table and not has_stamps:
                conn.execute(f"DROP TABLE {touches}")  # made before stamps: made anew
            conn.execute(f"CREATE TABLE IF NOT EXISTS {touches} {CREATE_TOUCHES}")
            movies = f"{_ident(schema)}.{TABLE}"
            for name, body in bodies.items():
                conn.execute(_function_sql(schema, name, body))
                conn.execute(f"DROP TRIGGER IF EXISTS {name} ON {movies}")
                conn.execute(_trigger_sql(schema, name))
                # ALWAYS: rows a logical replication subscriber applies, or a session under
                # session_replication_role = replica writes, are rows written too.
                conn.execute(f"ALTER TABLE {movies} ENABLE ALWAYS TRIGGER {name}")
            # What was written while the triggers were missing (a table dropped and made anew,
            # rows loaded before) is unknown: every day may have changed.
            conn.execute(
                f"INSERT INTO {touches} AS t (day, touches, stamp) VALUES (%s, 1, {STAMP_SQL}) "
                f"ON CONFLICT (day) DO UPDATE SET touches = t.touches + 1, stamp = {STAMP_SQL}",
                (EVERYTHING,),
            )
            conn.execute("SELECT set_config('lock_timeout', %s, true)", (timeout,))
        return True
    except psycopg.Error as error:
        if error.sqlstate is None:
            raise  # the connection itself failed: not a refusal to install
        return False


def read_touches(conn) -> dict[str, list[int]] | None:
    """{day: [touches, stamp]} as the connection sees it (read it inside the snapshot the rows
    are read in; '*' counts TRUNCATEs and installs); a day changed iff its pair did. None when
    not installed (or by a version without stamps) or not readable by this role."""
    name = _touches(conn, stamps=True)
    if name is None:
        return None
    rows = conn.execute(f"SELECT day, touches, stamp FROM {name}").fetchall()
    return {str(day): [int(touches), int(stamp)] for day, touches, stamp in rows}


def total_touches(conn) -> int | None:
    """The sum of all touches: grows with every statement that touched rows, so it names a
    version of the rows; None when not installed or not readable by this role."""
    name = _touches(conn)
    if name is None:
        return None
    return int(conn.execute(f"SELECT coalesce(sum(touches), 0) FROM {name}").fetchone()[0])
