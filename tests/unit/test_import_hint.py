"""The import hint: every place that tells how to import names `make import`, which imports as
written from the project folder in a shell without the venv."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from cli.events import make_import_command
from data.events.stores.sqlite_store import count_rows, is_demo
from layouts import ids
from layouts.dashboard import build_layout
from layouts.options import IMPORT_COMMAND
from tests.unit.csv_support import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
# A shell as a newcomer has it: no venv activated, only the system's make and python3.
PLAIN_PATH = os.pathsep.join(p for p in ("/usr/local/bin", "/usr/bin", "/bin") if Path(p).is_dir())


def _make(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run make in the project folder as a user would, with a plain PATH and env added."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "VIRTUAL_ENV"))}
    base.pop("REDIS_URL", None)  # the import needs no Redis
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env={**base, "PATH": PLAIN_PATH, **env},
        capture_output=True,
        text=True,
        timeout=240,  # a stale .venv/.installed stamp reinstalls first
    )


def test_the_hint_is_the_make_target():
    assert IMPORT_COMMAND == make_import_command() == "make import FILE=events.csv REPLACE=1"
    assert re.search(r"^import:", (ROOT / "Makefile").read_text(), re.MULTILINE)
    notice = next(c for c in _walk(build_layout()) if getattr(c, "id", None) == ids.DEMO_NOTICE)
    assert IMPORT_COMMAND in str(notice.children)
    # A path that needs quoting is quoted for the shell.
    assert make_import_command("my events.csv", replace=False) == "make import FILE='my events.csv'"


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def test_no_text_tells_a_bare_flask_import():
    """The README, the docs and the code never tell `flask ... import-events` without the venv."""
    bare = re.compile(r"(?<![/\w])flask --app dashboard_app import-events")
    places = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for folder in ("layouts", "callbacks", "cli", "routes", "web", "data", "assets"):
        places += [p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".js", ".md"}]
    found = [str(p) for p in places if bare.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_demo_note_after_an_import_names_the_make_target(make_app, demo_db):
    runner = make_app().server.test_cli_runner()  # app_config points at demo_db
    csv = str(FIXTURES / "events_headerless.csv")
    added = runner.invoke(args=["import-events", csv])
    assert added.exit_code == 0, added.output
    assert make_import_command(csv) in added.output


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
def test_make_import_imports_as_the_hint_says(tmp_path):
    # The file's name has a space and a quote: the command quotes it, make passes it on intact.
    csv = tmp_path / "Ann's events.csv"
    shutil.copy(FIXTURES / "events_headerless.csv", csv)
    database = tmp_path / "store" / "events.sqlite"
    env = {"DATABASE_URL": f"sqlite:///{database}", "INSTANCE_PATH": str(tmp_path / "instance")}

    words = shlex.split(make_import_command(str(csv)))  # exactly what the page tells
    assert words[:2] == ["make", "import"]
    replaced = _make(*words[1:], env=env)
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    assert "imported 6 rows" in replaced.stdout
    assert count_rows(database) == 6 and not is_demo(database)

    # Without REPLACE=1 the rows are added to those there: the same file only with AGAIN=1.
    words = shlex.split(make_import_command(str(csv), replace=False))[1:]
    refused = _make(*words, env=env)
    assert refused.returncode != 0 and "already imported" in refused.stdout + refused.stderr
    assert count_rows(database) == 6
    added = _make(*words, "AGAIN=1", env=env)
    assert added.returncode == 0, added.stdout + added.stderr
    assert count_rows(database) == 12


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "usage: make import FILE="),
        (("FILE=x.csv", "REPLACE=yes"), 'not "yes"'),
    ],
)
def test_make_import_refuses_what_it_cannot_run(tmp_path, args, message):
    result = _make("import", *args, env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "db.sqlite").exists()
