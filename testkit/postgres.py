"""PostgreSQL for tests and benchmarks: the server a test URL names, schemas of our own on it,
and private servers started with initdb/pg_ctl on a free port (never the machine's own)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

from testkit.ports import free_port

DEFAULT_TEST_URL = "postgresql://127.0.0.1:5432/test"
PG_BIN_DIRS = (
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin",
)


def test_server_url() -> str:
    """TEST_DATABASE_URL, or the machine's server as CI has it."""
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_URL


def answers(url: str) -> str | None:
    """None when a PostgreSQL server answers at url, else why not (one line)."""
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.Error as error:
        return " ".join(str(error).split())
    return None


def with_search_path(url: str, schema: str) -> str:
    """The URL with its search path set to schema (libpq's `options`)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}', safe='')}"


def new_schema_name(prefix: str = "reelboard_test") -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_schema(url: str, schema: str) -> str:
    """Create schema on the server at url; returns a URL whose tables live in it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return with_search_path(url, schema)


def drop_schemas(url: str, prefix: str) -> None:
    """Drop every schema whose name starts with prefix (what a test run made)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        names = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", (prefix,)
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def pg_bin(name: str) -> str | None:
    """Path of a PostgreSQL server program (initdb, pg_ctl), or None."""
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


class PrivatePostgres:
    """A PostgreSQL server of a test's own: initdb in a temporary folder, pg_ctl on a free port.

    As root the server runs as the `postgres` user (it refuses root), so its folder is made
    under /tmp, where that user can reach it, not under a root-only pytest folder."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="reelboard-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.log = self.folder / "server.log"
        self._user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self._user:  # the server refuses to run as root
            command = ["runuser", "-u", self._user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        if self._user:
            shutil.chown(self.folder, self._user)
        self._run(pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        """Stop the server at once and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
