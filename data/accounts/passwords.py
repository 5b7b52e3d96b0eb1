"""Password hashing with argon2id (memory-hard), and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's defaults are RFC 9106's low-memory profile: argon2id, 64 MiB, 3 passes.
_HASHER = PasswordHasher()
MIN_LENGTH = 8
MAX_LENGTH = 1024  # argon2 takes any length; the cap keeps a sign-in form from being a DoS


def password_problem(text: object) -> str | None:
    """What is wrong with a new password, in one line; None when it may be used."""
    if not isinstance(text, str):
        return "a password must be text"
    if len(text) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(text) > MAX_LENGTH:
        return f"a password may have at most {MAX_LENGTH} characters"
    return None


def hash_password(text: str) -> str:
    """The argon2id hash of a password (salted; PHC string form)."""
    return _HASHER.hash(text)


def verify_password(stored: str | None, text: str) -> bool:
    """Whether text is the password stored hashes; False on any mismatch or malformed hash."""
    if not stored or not isinstance(text, str):
        return False
    try:
        return _HASHER.verify(stored, text)  # argon2's own comparison is constant-time
    except (VerifyMismatchError, VerificationError, InvalidHashError, ValueError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with weaker parameters than today's (rehash on sign-in)."""
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


# A valid hash of nothing anyone types: verifying against it when an account is unknown takes
# as long as a real check, so the time of a failed sign-in does not tell whether a name exists.
DUMMY_HASH = _HASHER.hash("\x00unused\x00")
