"""A wrong setting stops the app and the flask CLI with one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ConfigError
from data.game.redis_connection import RedisProvider, check_redis_url

ROOT = Path(__file__).resolve().parents[2]

BAD_SETTINGS = [
    pytest.param({"DATABASE_URL": "mysql://u:pw@x/db"}, "postgresql://", id="database-mysql"),
    pytest.param({"DATABASE_URL": "postgresql://u:pw@x/db?foo=1"}, "foo", id="database-pg-query"),
    pytest.param({"DATABASE_URL": "sqlite://"}, "sqlite:///", id="database-no-path"),
    pytest.param({"REDIS_URL": "foo://x"}, "redis://", id="redis-scheme"),
    pytest.param({"REDIS_URL": "redis://:pw@host:abc/0"}, "redis://", id="redis-port"),
    pytest.param({"SCORE_HISTORY_CAP": "-1"}, "positive", id="history-cap"),
    pytest.param({"GAME_TTL_SECONDS": "-5"}, "positive", id="game-ttl"),
]


def _run(args: list[str], tmp_path: Path, settings: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test", **settings})
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("settings", "named"), BAD_SETTINGS)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["dashboard_app.py"], id="python-dashboard_app"),
        pytest.param(["-m", "flask", "--app", "dashboard_app", "ensure-db"], id="flask-ensure-db"),
    ],
)
def test_a_bad_setting_is_one_clear_error_at_start(tmp_path, args, settings, named):
    result = _run(args, tmp_path, settings)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    name = next(iter(settings))
    assert "Error: " in result.stderr and name in result.stderr
    assert named in result.stderr  # says what is supported
    assert "pw" not in result.stderr  # never echoes a password from the URL
    # Nothing was served or created for a configuration that cannot work.
    assert not (tmp_path / "instance" / "moviedb.sqlite").exists()


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://example.org:6380", "unix:///tmp/redis.sock"]
)
def test_supported_redis_urls_pass_without_connecting(url):
    check_redis_url(url)
    provider = RedisProvider(url=url)
    assert provider.url == url


@pytest.mark.parametrize("url", ["foo://x", "http://localhost:6379", "redis://h:port/0"])
def test_unusable_redis_urls_are_config_errors(url):
    with pytest.raises(ConfigError, match="REDIS_URL is not usable"):
        RedisProvider(url=url)


def test_create_app_refuses_an_unusable_redis_url(make_app):
    with pytest.raises(ConfigError, match="unix:///path/to/redis.sock"):
        make_app(REDIS_URL="foo://x")


def _missing_parent(tmp_path: Path) -> Path:
    """A path whose parent cannot be created: a regular file stands where a folder should be."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, not a folder")
    return blocker / "sub"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["dashboard_app.py"], id="python-dashboard_app"),
        pytest.param(["-m", "flask", "--app", "dashboard_app", "ensure-db"], id="ensure-db"),
        pytest.param(
            ["-m", "flask", "--app", "dashboard_app", "demo-data", "--rows", "5"], id="demo-data"
        ),
        pytest.param(
            [
                "-m",
                "flask",
                "--app",
                "dashboard_app",
                "import-events",
                str(ROOT / "tests" / "fixtures" / "events_headerless.csv"),
            ],
            id="import-events",
        ),
    ],
)
def test_a_database_that_cannot_be_created_is_one_clear_error(tmp_path, args):
    where = _missing_parent(tmp_path) / "events.sqlite"
    result = _run(args, tmp_path, {"DATABASE_URL": f"sqlite:///{where}"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert "Error: " in result.stderr and "not-a-folder" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["dashboard_app.py"], id="python-dashboard_app"),
        pytest.param(["-m", "flask", "--app", "dashboard_app", "ensure-db"], id="ensure-db"),
    ],
)
def test_an_instance_folder_that_cannot_be_created_is_one_clear_error(tmp_path, args):
    instance = _missing_parent(tmp_path) / "instance"
    result = _run(args, tmp_path, {"INSTANCE_PATH": str(instance)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert "INSTANCE_PATH" in result.stderr and "not-a-folder" in result.stderr
