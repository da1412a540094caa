"""One-time sign-in secrets: made with ``secrets``, stored only as salted argon2id hashes.

A secret reads ``<account id>.<43 random URL-safe characters>`` (256 bits): the id finds the
account's row, the hash (argon2-cffi, OWASP's minimum argon2id parameters — the secret itself is
random, so the KDF only has to make a stolen hash useless, not to stretch a weak password) proves
it. Nothing but the hash is written anywhere.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_SECRET = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{40,64})$")


def new_secret(account_id: int) -> str:
    """A fresh secret for the account ``account_id``."""
    return f"{int(account_id)}.{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def account_of(secret: str) -> int | None:
    """The account id a secret names, or ``None`` when it is not shaped like one of ours."""
    match = _SECRET.match(secret or "")
    return int(match.group(1)) if match else None


def matches(stored_hash: str | None, secret: str) -> bool:
    """Does ``secret`` match the stored hash? (Constant-time inside argon2; False on any doubt.)"""
    if not stored_hash or not secret:
        return False
    try:
        return HASHER.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


__all__ = ["HASHER", "account_of", "hash_secret", "matches", "new_secret"]
