"""AccountStore: accounts (roles, limits, passwords) with their sessions and tokens, in SQLite."""

from __future__ import annotations

from data.accounts.audit import audit
from data.accounts.database import (
    ACCOUNT_COLUMNS,
    ROLES,
    SOURCES,
    Account,
    account_from_row,
)
from data.accounts.limits import Scope, check_scope, describe_scope, scope_to_json
from data.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from data.accounts.sessions import SessionsMixin
from data.accounts.tokens import TokenInfo, TokensMixin

__all__ = ["ROLES", "SOURCES", "Account", "AccountStore", "TokenInfo", "check_name"]
MAX_NAME_CHARS = 64


def check_name(name: object) -> str:
    """An account name: 1-64 printable characters, no blank at either end; else ValueError."""
    if not isinstance(name, str) or not name:
        raise ValueError("an account name must not be empty")
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"an account name may have at most {MAX_NAME_CHARS} characters")
    if not name.isprintable() or name != name.strip():
        raise ValueError(
            "an account name may hold only printable characters, without blanks at either end"
        )
    return name


def _check_role(role: object) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return role


def _new_hash(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return hash_password(password)


class AccountStore(SessionsMixin, TokensMixin):
    """The accounts file: AccountStore(path, session_hours=12, clock=None). Safe to use from
    several threads and processes at once (a connection per operation, WAL)."""

    def create(
        self, name: str, role: str, scope: Scope | None = None, password: str | None = None
    ) -> Account:
        """A new local account; ValueError for a bad or taken name (names ignore ASCII case)."""
        return self._insert(name, role, scope, password, "local")

    def _insert(self, name, role, scope, password, source) -> Account:
        name, role, scope = check_name(name), _check_role(role), check_scope(scope)
        hashed = None if password is None else _new_hash(password)
        with self._write() as db:
            if db.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise ValueError(f"the name {name!r} is taken")
            db.execute(
                "INSERT INTO accounts (name, role, scope, password, source, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, role, scope_to_json(scope), hashed, source, self.now()),
            )
        audit("account_created", user=name, role=role, limits=describe_scope(scope), source=source)
        return self.get(name)

    def get(self, name: str) -> Account | None:
        """The account of that name (any ASCII case), or None."""
        if not isinstance(name, str):
            return None
        with self._connect() as db:
            row = db.execute(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else account_from_row(row)

    def list(self) -> list[Account]:
        """Every account, by name."""
        with self._connect() as db:
            rows = db.execute(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name").fetchall()
        return [account_from_row(row) for row in rows]

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0]

    def _existing(self, db, name: str) -> str:
        row = db.execute("SELECT name FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ValueError(f"no account named {name!r}")
        return row[0]

    def update(
        self,
        name: str,
        role: str | None = None,
        scope: Scope | None = None,
        password: str | None = None,
    ) -> Account:
        """Change what is given (scope {} removes every limit); a new password ends the
        account's sessions. ValueError for an unknown account or a bad value."""
        changes: dict[str, object] = {}
        if role is not None:
            changes["role"] = _check_role(role)
        if scope is not None:
            changes["scope"] = scope_to_json(check_scope(scope))
        if password is not None:
            changes["password"] = _new_hash(password)
        with self._write() as db:
            name = self._existing(db, name)
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                db.execute(
                    f"UPDATE accounts SET {assignments} WHERE name = ?", (*changes.values(), name)
                )
            if password is not None:
                db.execute("DELETE FROM sessions WHERE name = ?", (name,))
        if role is not None or scope is not None:
            fields = {"role": role} if role is not None else {}
            if scope is not None:
                fields["limits"] = describe_scope(scope)
            audit("account_updated", user=name, **fields)
        if password is not None:
            audit("password_changed", user=name)
        return self.get(name)

    def verify(self, name: str, password: str) -> Account | None:
        """The enabled account whose password this is, else None (unknown names take as long).
        A hash made with older parameters is replaced by one made with today's."""
        account = self.get(name)
        with self._connect() as db:
            row = db.execute("SELECT password FROM accounts WHERE name = ?", (name,)).fetchone()
        stored = row[0] if row and row[0] else None
        if not verify_password(stored or DUMMY_HASH, password) or stored is None:
            return None
        if account is None or account.disabled:
            return None
        if needs_rehash(stored):
            with self._write() as db:
                db.execute(
                    "UPDATE accounts SET password = ? WHERE name = ? AND password = ?",
                    (hash_password(password), account.name, stored),
                )
        return account

    def _set_disabled(self, name: str, disabled: bool) -> Account:
        with self._write() as db:
            name = self._existing(db, name)
            db.execute("UPDATE accounts SET disabled = ? WHERE name = ?", (int(disabled), name))
            if disabled:
                db.execute("DELETE FROM sessions WHERE name = ?", (name,))
                db.execute("DELETE FROM link_tokens WHERE name = ?", (name,))
        audit("account_disabled" if disabled else "account_enabled", user=name)
        return self.get(name)

    def disable(self, name: str) -> Account:
        """Refuse the account every sign-in and token; its sessions end at once."""
        return self._set_disabled(name, True)

    def enable(self, name: str) -> Account:
        """Let a disabled account sign in again (its tokens work again unless revoked)."""
        return self._set_disabled(name, False)

    def delete(self, name: str) -> None:
        """Remove an account with its sessions, tokens and links; ValueError when unknown."""
        with self._write() as db:
            name = self._existing(db, name)
            for table in ("sessions", "tokens", "link_tokens", "accounts"):
                db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))
        audit("account_deleted", user=name)

    def upsert_oidc(self, subject_name: str, role: str, scope: Scope | None) -> Account:
        """The account of a person signed in by the OIDC provider, created or brought up to
        date with the role and limits its claims map to. A disabled one stays disabled; a
        local account of that name is never taken over (ValueError)."""
        role, scope = _check_role(role), check_scope(scope)
        existing = self.get(subject_name)
        if existing is None:
            try:
                return self._insert(subject_name, role, scope, None, "oidc")
            except ValueError:
                existing = self.get(subject_name)  # created by another worker meanwhile
                if existing is None:
                    raise
        if existing.source != "oidc":
            raise ValueError(f"{subject_name!r} is a local account, not one of the provider")
        if existing.role != role or existing.scope != scope:
            return self.update(existing.name, role=role, scope=scope)
        return existing
