"""The editable install `make run` does prints nothing and makes the project importable."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_editable_install_is_quiet_and_works(tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)  # pip runs from the test's venv, into this one
    python = target / "bin" / "python"
    # The Makefile's own command, pointed at the fresh venv.
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python)]
        + ["install", "--quiet", "--no-deps", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # No warning block from the build backend (pip's own notes about this machine's index
    # configuration, "WARNING: Location ... is ignored", are not the project's).
    output = "\n".join(
        line
        for line in (install.stdout + install.stderr).splitlines()
        if not line.startswith("WARNING: Location")
    )
    assert output == ""
    found = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('layouts').origin)"],
        cwd=tmp_path,  # not the project folder: the install, not the working directory, finds it
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(found.stdout.strip()) == ROOT / "layouts" / "__init__.py"
