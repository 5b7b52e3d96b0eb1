"""`flask users ...` and `flask tokens ...` through the app's CLI runner, on a real file."""

from __future__ import annotations

import json

import pytest

from data.accounts.store import AccountStore

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts_app(make_app, tmp_path):
    return make_app(
        ACCOUNTS_DATABASE=tmp_path / "accounts.sqlite", AUDIT_LOG=tmp_path / "audit.log"
    )


@pytest.fixture
def cli(accounts_app):
    runner = accounts_app.server.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return invoke


@pytest.fixture
def store(accounts_app):
    return AccountStore(accounts_app.server.config["ACCOUNTS_DATABASE"])


def _one_line_error(result, *words):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], result.output


def test_create_with_limits_and_password_from_stdin(cli, store):
    result = cli(
        "users", "create", "ann", "--role", "Viewer",
        "--limit", "market=DE,p<e5>", "--limit", "sessiontype=movie", "--limit", "market=AT",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ann = store.get("ann")
    assert ann.role == "viewer" and ann.source == "local" and ann.has_password
    # Open sets keep the value as given (escapes decoded); the closed set its canonical case.
    assert ann.scope == {"market": frozenset({"DE", "AT", "på"}), "sessiontype": {"MOVIE"}}
    assert store.verify("ann", PASSWORD) is not None

    listed = cli("users", "list")
    assert listed.exit_code == 0
    line = next(line for line in listed.output.splitlines() if line.startswith("ann"))
    assert "viewer" in line and "market=AT,DE,på" in line and "sessiontype=MOVIE" in line
    assert "local" in line and " no " in line


def test_create_prompts_twice_hidden(cli, store):
    result = cli("users", "create", "bo", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert store.verify("bo", PASSWORD).role == "admin"
    mismatch = cli("users", "create", "cy", "--role", "admin", input=f"{PASSWORD}\nother one\n")
    assert mismatch.exit_code != 0 and store.get("cy") is None


@pytest.mark.parametrize(
    "args, words",
    [
        (["--limit", "planet=earth"], ["dimension", "market"]),
        (["--limit", "sessiontype=documentary"], ["sessiontype", "MOVIE"]),
        (["--limit", "market"], ["DIMENSION=VALUE1,VALUE2"]),
        (["--limit", "market="], ["at least one value"]),
        (["--limit", "market=" + "x" * 101], ["at most 100 characters"]),
        (["--role", "owner"], ["viewer", "admin"]),
    ],
)
def test_create_refuses_bad_input_in_one_line(cli, store, args, words):
    base = ["users", "create", "dee", "--password-stdin"]
    if "--role" not in args:
        base += ["--role", "viewer"]
    result = cli(*base, *args, input=PASSWORD + "\n")
    _one_line_error(result, *words)
    assert store.get("dee") is None


def test_create_refuses_taken_and_bad_names_and_weak_passwords(cli, store):
    assert cli("users", "create", "ann", "--role", "viewer", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    _one_line_error(
        cli("users", "create", "ANN", "--role", "viewer", "--password-stdin", input=PASSWORD),
        "taken",
    )
    _one_line_error(
        cli("users", "create", " ed", "--role", "viewer", "--password-stdin", input=PASSWORD),
        "blanks",
    )
    _one_line_error(
        cli("users", "create", "ed", "--role", "viewer", "--password-stdin", input="short\n"),
        "at least 8",
    )
    _one_line_error(
        cli("users", "create", "ed", "--role", "viewer", "--password-stdin", input="\n"),
        "no password",
    )
    assert store.get("ed") is None


def test_update_disable_enable_delete(cli, store):
    cli("users", "create", "ann", "--role", "viewer", "--password-stdin", input=PASSWORD)
    sid = store.start_session("ann")

    assert cli("users", "update", "ann", "--role", "admin", "--limit", "device=tv").exit_code == 0
    assert store.get("ann").role == "admin"
    assert store.get("ann").scope == {"device": {"tv"}}
    assert store.session_account(sid) is not None  # a role or limit change keeps the session
    assert cli("users", "update", "ann", "--no-limits").exit_code == 0
    assert store.get("ann").scope == {}

    new = "another long password"
    assert cli("users", "update", "ann", "--password-stdin", input=new + "\n").exit_code == 0
    assert store.session_account(sid) is None  # a new password signs out everywhere
    assert store.verify("ann", new) and not store.verify("ann", PASSWORD)

    _one_line_error(cli("users", "update", "ann"), "nothing to change")
    _one_line_error(cli("users", "update", "ann", "--limit", "device=tv", "--no-limits"), "both")
    _one_line_error(cli("users", "update", "ann", "--limit", "colour=red"), "dimension")
    _one_line_error(cli("users", "update", "zed", "--role", "admin"), "no account")

    sid = store.start_session("ann")
    assert cli("users", "disable", "ann").exit_code == 0
    assert store.get("ann").disabled and store.session_account(sid) is None
    assert "yes" in next(x for x in cli("users", "list").output.splitlines() if "ann" in x)
    assert cli("users", "enable", "ann").exit_code == 0
    assert not store.get("ann").disabled

    assert cli("users", "delete", "ann").exit_code == 0
    assert store.get("ann") is None
    _one_line_error(cli("users", "delete", "ann"), "no account")
    _one_line_error(cli("users", "disable", "ann"), "no account")


def test_tokens_create_list_revoke(cli, store):
    cli("users", "create", "bot", "--role", "viewer", "--password-stdin", input=PASSWORD)
    created = cli("tokens", "create", "--user", "bot", "--expires", "90d")
    assert created.exit_code == 0, created.output
    token = created.output.splitlines()[-1]
    assert token.startswith("rb_") and " " not in token
    assert store.token_account(token).name == "bot"
    token_id = store.list_tokens("bot")[0].id

    listed = cli("tokens", "list", "--user", "bot")
    assert listed.exit_code == 0 and token_id in listed.output
    assert token.split("_")[-1] not in listed.output  # never the secret
    assert token_id in cli("tokens", "list").output

    assert cli("tokens", "revoke", token_id).exit_code == 0
    assert store.token_account(token) is None
    _one_line_error(cli("tokens", "revoke", token_id), "no live token")
    _one_line_error(cli("tokens", "revoke", "nonsense"), "no live token")


def test_tokens_refuse_bad_input_in_one_line(cli, store):
    cli("users", "create", "bot", "--role", "viewer", "--password-stdin", input=PASSWORD)
    _one_line_error(cli("tokens", "create", "--user", "nobody"), "no account")
    _one_line_error(cli("tokens", "create", "--user", "bot", "--expires", "soon"), "90d")
    _one_line_error(cli("tokens", "create", "--user", "bot", "--expires", "0d"), "90d")
    _one_line_error(cli("tokens", "list", "--user", "nobody"), "no account")
    assert store.list_tokens() == []


def test_audit_log_is_json_without_secrets(cli, store, accounts_app):
    cli("users", "create", "ann", "--role", "viewer", "--password-stdin", input=PASSWORD)
    cli("users", "update", "ann", "--password-stdin", input="second password\n")
    token = cli("tokens", "create", "--user", "ann").output.splitlines()[-1]
    store.token_account(token)
    token_id = store.list_tokens("ann")[0].id
    cli("tokens", "revoke", token_id)
    cli("users", "disable", "ann")
    cli("users", "delete", "ann")

    text = (accounts_app.server.config["AUDIT_LOG"]).read_text()
    events = [json.loads(line) for line in text.splitlines()]
    assert [e["event"] for e in events] == [
        "account_created", "password_changed", "token_created", "token_used",
        "token_revoked", "account_disabled", "account_deleted",
    ]  # fmt: skip
    assert all(e.get("user") == "ann" for e in events)
    for secret in (PASSWORD, "second password", token, token.split("_")[-1]):
        assert secret not in text


def test_settings_defaults_and_bad_session_hours(tmp_path):
    from config import ConfigError, load_config

    base = {"INSTANCE_PATH": tmp_path, "SECRET_KEY": "test"}
    config = load_config(base, environ={})
    assert config["ACCOUNTS_DATABASE"] == tmp_path / "accounts.sqlite"
    assert config["AUDIT_LOG"] == tmp_path / "audit.log" and config["SESSION_HOURS"] == 12
    assert load_config(base, environ={"SESSION_HOURS": "1.5"})["SESSION_HOURS"] == 1.5
    for bad in ("0", "-1", "soon", "nan"):
        with pytest.raises(ConfigError, match="SESSION_HOURS"):
            load_config(base, environ={"SESSION_HOURS": bad})
