"""The secret that keys the code hashes, seals ballots and makes confidential-mode pseudonyms.

It lives in a key file outside the database (docs/anonymity.md, "Secrets outside the data"), so
a copy of the database — even together with the codes file HR handed out — tells nobody who
has answered, nor what a waiting ballot says.

* Where: ``$VERLOOP_KEY_FILE``; else beside a SQLite database as ``<db file>.key``; else
  (PostgreSQL, in-memory SQLite) ``var/keys/<host>-<port>-<database>.key`` under the working
  folder.
* Created on first use with mode 0600 (``O_CREAT | O_EXCL``: two processes starting at once
  end up with the same key). One line of 64 hex digits.
* Use: ``token_key(salt)`` keys a wave's code hashes, ``seal`` / ``unseal`` encrypt with
  AES-256-GCM, and ``pseudonym(hr_id)`` is HMAC-SHA256(file text, HR id) — exactly what
  ``verloop models train --key-file <the key file>`` computes, so confidential models link.
* ``key_id``: a short fingerprint stored with each wave, so that a wrong or replaced key file
  gives a clear error instead of "unknown code".
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import make_url

from verloop.errors import ConfigError

ENV = "VERLOOP_KEY_FILE"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NONCE = 12


def key_path(url: str) -> Path:
    """Where the key file of the database at ``url`` lives (see the module docstring), absolute:
    ``$VERLOOP_KEY_FILE`` through ``verloop.config``, else :func:`default_key_path`."""
    from verloop.config import current

    return current().key_file_for(url)


def default_key_path(url: str) -> Path:
    """The key file's place when none is configured: beside a SQLite file, else
    ``var/keys/<host>-<port>-<database>.key`` (relative to the working folder)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database.startswith("file:"):  # URI form (e.g. read-only)
        database = database[len("file:") :].split("?", 1)[0]
        database = "" if database in ("", ":memory:") or "mode=memory" in url else database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        return Path(f"{database}.key")
    name = "-".join(
        str(part) for part in (parsed.host or "local", parsed.port or "", database or "memory") if part != ""
    )
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return Path("var") / "keys" / f"{name}.key"


@dataclass
class Keys:
    """The secrets derived from one key file."""

    path: Path
    secret: str  # the file's text: 64 hex digits
    _tokens: dict = field(default_factory=dict, repr=False)

    def _derive(self, label: str) -> bytes:
        # A NUL byte in the label: no HR id or code can produce the same input.
        return hmac.new(
            self.secret.encode("ascii"), b"\x00verloop\x00" + label.encode("utf-8"), hashlib.sha256
        ).digest()

    @property
    def key_id(self) -> str:
        return self._derive("key-id").hex()[:16]

    def token_key(self, salt: str) -> bytes:
        """The HMAC key of one wave's code hashes (its public salt, keyed with the secret)."""
        key = self._tokens.get(salt)
        if key is None:
            key = self._tokens[salt] = self._derive("tokens\x00" + salt)
        return key

    def seal(self, plain: bytes, context: bytes = b"") -> bytes:
        """AES-256-GCM with a fresh random nonce: nonce + ciphertext + tag."""
        nonce = secrets.token_bytes(_NONCE)
        return nonce + AESGCM(self._derive("seal")).encrypt(nonce, plain, context)

    def unseal(self, sealed: bytes, context: bytes = b"") -> bytes:
        try:
            return AESGCM(self._derive("seal")).decrypt(bytes(sealed[:_NONCE]), bytes(sealed[_NONCE:]), context)
        except InvalidTag:
            raise ConfigError(
                f"a sealed ballot cannot be opened with the key file {self.path}: it is not the key "
                "the ballot was sealed with (restore the original key file; see docs/anonymity.md)."
            ) from None

    def pseudonym(self, hr_id: str) -> str:
        """Confidential mode: HMAC-SHA256(key file text, HR id), as ``verloop.models.data.pseudonym``."""
        return hmac.new(self.secret.encode("utf-8"), str(hr_id).encode("utf-8"), hashlib.sha256).hexdigest()


_LOADED: dict[tuple[str, int, int], Keys] = {}


def load_keys(path: Path, *, create: bool = True) -> Keys:
    """The keys of the key file at ``path``, creating it (mode 0600) when absent and ``create``."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        if not create:
            raise ConfigError(f"the key file {path} does not exist; see docs/anonymity.md (key loss).") from None
        _create(path)
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"cannot read the key file {path}: {exc.strerror}.") from None
    cached = _LOADED.get((str(path), stat.st_mtime_ns, stat.st_mode))
    if cached is not None:
        return cached
    if stat.st_mode & 0o077:
        raise ConfigError(
            f"the key file {path} can be read by others (mode {stat.st_mode & 0o777:o}); "
            f"make it private with `chmod 600 {path}`."
        )
    try:
        secret = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the key file {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    if not _HEX64.fullmatch(secret):
        raise ConfigError(f"the key file {path} is damaged: it must hold one line of 64 hex digits.")
    keys = Keys(path=path, secret=secret)
    if len(_LOADED) > 16:
        _LOADED.clear()
    _LOADED[(str(path), stat.st_mtime_ns, stat.st_mode)] = keys
    return keys


def _create(path: Path) -> None:
    try:
        if path.parent.name == "keys":  # var/keys/ (never re-creates a database's vanished folder)
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first: use theirs
    except OSError as exc:
        raise ConfigError(
            f"cannot create the key file {path}: {exc.strerror}; set {ENV} to a writable place."
        ) from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def keys_for(bind) -> Keys:
    """The keys of the database behind ``bind`` (a Store, Engine, Connection or Session)."""
    return load_keys(key_path(_url_of(bind)))


def _url_of(bind) -> str:
    if hasattr(bind, "url") and isinstance(bind.url, str):  # Store
        return bind.url
    if hasattr(bind, "get_bind"):  # Session
        bind = bind.get_bind()
    engine = getattr(bind, "engine", bind)
    return engine.url.render_as_string(hide_password=False)


__all__ = ["ENV", "Keys", "default_key_path", "key_path", "keys_for", "load_keys"]
