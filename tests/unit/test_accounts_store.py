"""AccountStore on real SQLite files: passwords, sessions, tokens, links, failures, limits."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from data.accounts.audit import LOGGER_NAME, audit
from data.accounts.limits import parse_limit, scope_from_json, scope_to_json
from data.accounts.passwords import hash_password, needs_rehash, verify_password
from data.accounts.store import AccountStore
from data.accounts.tokens import parse_duration

PASSWORD = "correct horse battery"
START = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)  # a fixed moment, never today


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "accounts.sqlite"


@pytest.fixture
def store(path, clock):
    store = AccountStore(path, session_hours=12, clock=clock)
    store.create("ann", "viewer", password=PASSWORD)
    return store


def test_passwords_are_argon2id_and_verify_rejects_others():
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + " ")
    assert not verify_password(stored, "")
    assert not verify_password("not a hash", PASSWORD) and not verify_password(None, PASSWORD)
    assert hash_password(PASSWORD) != stored  # salted
    assert not needs_rehash(stored) and needs_rehash("not a hash")


def test_accounts_create_get_list_update(store, path):
    ann = store.get("ANN")
    assert ann.name == "ann" and ann.role == "viewer" and ann.scope == {}
    assert ann.has_password and not ann.disabled and ann.source == "local"
    assert ann.created == START
    assert store.verify("ann", PASSWORD) == ann and store.verify("ann", "wrong pass") is None
    assert store.verify("nobody", PASSWORD) is None
    assert PASSWORD.encode() not in path.read_bytes()

    bo = store.create("bo", "admin", {"market": frozenset({"DE"})})
    assert not bo.has_password and store.verify("bo", "") is None
    assert [a.name for a in store.list()] == ["ann", "bo"] and store.count() == 2
    updated = store.update("bo", role="viewer", scope={"device": frozenset({"tv"})})
    assert updated.role == "viewer" and updated.scope == {"device": {"tv"}}
    assert store.update("bo", scope={}).scope == {}


@pytest.mark.parametrize("name", ["", " ann2", "ann2 ", "x" * 65, "tab\there", "Ann"])
def test_bad_or_taken_names_are_refused(store, name):
    with pytest.raises(ValueError):
        store.create(name, "viewer")


def test_bad_roles_scopes_and_passwords_are_refused(store):
    with pytest.raises(ValueError, match="role"):
        store.create("cy", "owner")
    with pytest.raises(ValueError, match="dimension"):
        store.create("cy", "viewer", {"planet": frozenset({"earth"})})
    with pytest.raises(ValueError, match="at least 8"):
        store.create("cy", "viewer", password="short")
    with pytest.raises(ValueError, match="no account"):
        store.update("cy", role="admin")
    assert store.get("cy") is None


def test_limits_parse_as_the_data_filters_spell_values():
    assert parse_limit("sessiontype=movie,Series") == ("sessiontype", {"MOVIE", "SERIES"})
    assert parse_limit("market=p<e5>,(none)") == ("market", {"på", "(none)"})
    assert parse_limit("season=3") == ("season", {"3"})
    for bad in ("market", "planet=x", "market=", "sessiontype=film", "device=" + "x" * 101):
        with pytest.raises(ValueError):
            parse_limit(bad)
    scope = {"market": frozenset({"DE", "AT"}), "device": frozenset({"tv"})}
    assert scope_from_json(scope_to_json(scope)) == scope and scope_from_json("") == {}


def test_sessions_end_on_sign_out_disable_delete_and_password_change(store):
    first, second = store.start_session("ann"), store.start_session("ann")
    assert len(first) >= 43 and first != second
    assert store.session_account(first).name == "ann"
    store.end_session(first)
    assert store.session_account(first) is None and store.session_account(second) is not None

    store.disable("ann")
    assert store.session_account(second) is None
    with pytest.raises(ValueError):
        store.start_session("ann")
    store.enable("ann")
    assert store.session_account(second) is None  # enabling does not bring sessions back

    third = store.start_session("ann")
    store.update("ann", password="a brand new password")
    assert store.session_account(third) is None

    fourth = store.start_session("ann")
    assert store.end_sessions("ann") == 1 and store.session_account(fourth) is None
    fifth = store.start_session("ann")
    store.delete("ann")
    assert store.session_account(fifth) is None and store.get("ann") is None
    assert store.session_account("made-up") is None and store.session_account(None) is None


def test_sessions_expire_after_session_hours(store, clock, path):
    sid = store.start_session("ann")
    assert sid.encode() not in path.read_bytes()  # stored as its hash
    clock.advance(hours=11, minutes=59)
    assert store.session_account(sid) is not None
    clock.advance(minutes=1)
    assert store.session_account(sid) is None


def test_tokens_are_hashed_revocable_expiring_and_keep_last_use(store, clock, path):
    token_id, text = store.create_token("ann", dt.timedelta(days=90))
    assert text.startswith(f"rb_{token_id}_")
    secret = text.split("_", 2)[2]
    raw = b"".join(p.read_bytes() for p in path.parent.glob("accounts.sqlite*"))
    assert secret.encode() not in raw and text.encode() not in raw

    (info,) = store.list_tokens("ann")
    assert (info.id, info.user, info.created) == (token_id, "ann", START)
    assert info.expires == START + dt.timedelta(days=90) and info.last_used is None
    assert store.token_account(text).name == "ann"
    assert store.list_tokens()[0].last_used == START
    clock.advance(seconds=30)
    store.token_account(text)
    assert store.list_tokens()[0].last_used == START  # at most once a minute
    clock.advance(seconds=30)
    store.token_account(text)
    assert store.list_tokens()[0].last_used == START + dt.timedelta(minutes=1)

    assert store.token_account(text[:-1] + ("A" if text[-1] != "A" else "B")) is None
    assert store.token_account(f"rb_{'0' * 16}_{secret}") is None
    assert store.token_account("garbage") is None and store.token_account(None) is None

    store.disable("ann")
    assert store.token_account(text) is None
    store.enable("ann")
    assert store.token_account(text) is not None

    clock.advance(days=90)
    assert store.token_account(text) is None  # expired

    other_id, other = store.create_token("ann", None)
    assert store.revoke_token(other_id) and not store.revoke_token(other_id)
    assert store.token_account(other) is None and store.list_tokens()[1].revoked is not None
    assert not store.revoke_token("not-an-id")


def test_deleting_an_account_removes_its_tokens(store):
    _, text = store.create_token("ann", None)
    store.delete("ann")
    assert store.token_account(text) is None and store.list_tokens() == []
    store.create("ann", "viewer")
    assert store.token_account(text) is None  # a new account of the name gets nothing


def test_link_tokens_work_once_and_expire(store, clock):
    link = store.create_link_token("ann")
    assert store.use_link_token(link).name == "ann"
    assert store.use_link_token(link) is None
    late = store.create_link_token("ann", minutes=15)
    clock.advance(minutes=15)
    assert store.use_link_token(late) is None
    assert store.use_link_token("nonsense") is None and store.use_link_token("") is None
    disabled = store.create_link_token("ann")
    store.disable("ann")
    assert store.use_link_token(disabled) is None


def test_failures_count_per_key_within_a_window(store, clock):
    for _ in range(3):
        store.record_failure("account:ann")
        clock.advance(minutes=5)
    store.record_failure("client:10.0.0.1")
    assert store.failures("account:ann", 15 * 60) == 2  # the first is 15 minutes old
    assert store.failures("account:ann", 3600) == 3
    assert store.failures("client:10.0.0.1", 60) == 1 and store.failures("account:bo", 60) == 0
    store.clear_failures("account:ann")
    assert store.failures("account:ann", 3600) == 0 and store.failures("client:10.0.0.1", 60)


def test_two_stores_on_one_file_see_each_others_writes(store, path, clock):
    other = AccountStore(path, clock=clock)
    sid = other.start_session("ann")
    assert store.session_account(sid).name == "ann"
    store.disable("ann")
    assert other.session_account(sid) is None and other.get("ann").disabled
    _, text = other.create_token("ann", None)
    store.enable("ann")
    assert store.token_account(text).name == "ann"
    other.record_failure("client:x")
    assert store.failures("client:x", 60) == 1


def test_oidc_accounts_follow_their_claims_and_never_take_over_local_ones(store):
    dee = store.upsert_oidc("dee@example.com", "viewer", {"market": frozenset({"DE"})})
    assert dee.source == "oidc" and not dee.has_password
    assert store.upsert_oidc("dee@example.com", "admin", None).role == "admin"
    assert store.get("dee@example.com").scope == {}
    store.disable("dee@example.com")
    assert store.upsert_oidc("dee@example.com", "admin", None).disabled
    with pytest.raises(ValueError, match="local"):
        store.upsert_oidc("ann", "admin", None)


def test_durations():
    assert parse_duration("90d") == dt.timedelta(days=90)
    assert parse_duration("12h") == dt.timedelta(hours=12)
    for bad in ("", "0d", "90", "1w", "-1d"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_audit_lines_are_json_and_drop_secrets(store, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        audit("signin_failed", user="x" * 500, password=PASSWORD, client="10.0.0.1")
        _, text = store.create_token("ann", None)
        store.token_account(text)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
    assert lines[0]["event"] == "signin_failed" and len(lines[0]["user"]) == 100
    assert "password" not in lines[0] and lines[0]["client"] == "10.0.0.1"
    assert [line["event"] for line in lines[1:]] == ["token_created", "token_used"]
    assert PASSWORD not in caplog.text and text.split("_", 2)[2] not in caplog.text
