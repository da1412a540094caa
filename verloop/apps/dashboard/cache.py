"""A cache of the privacy door's published frames, shared by every dashboard kernel.

Why: Voilà starts a kernel per page load, and the door builds its figures from all survey
answers in memory — for a 10,000-employee organisation that is tens of seconds and hundreds of
MB per kernel. What the door *publishes* (suppressed, with notes) is small and the same for
every HR reader, so the first kernel that computes a frame leaves a copy for the next ones.

What is stored: only published frames — exactly what any HR reader sees on screen or in a CSV —
never answers or HR records; comments stay out of it (free text is not copied to disk). Each
entry is keyed by the door's database fingerprint, today's date and (for SQLite) the file's
identity, so new answers, a closed wave, a changed setting or a replaced database make new keys
and old entries are never served. The folder is private
(mode 0700, owned by the user running Voilà); if it is not, the disk cache is not used at all,
because its files are unpickled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import stat
import tempfile
import time
from pathlib import Path

STAMP_SECONDS = 5.0  # how long a database fingerprint is trusted before it is read again
MAX_FILES = 4000


def default_folder(url: str) -> Path:
    """$VERLOOP_DASHBOARD_CACHE, else a private folder per user and database in the temp dir."""
    configured = os.environ.get("VERLOOP_DASHBOARD_CACHE")
    base = Path(configured) if configured else Path(tempfile.gettempdir()) / f"verloop-dashboard-{os.getuid()}"
    return base / hashlib.sha256(url.encode()).hexdigest()[:16]


def _private(folder: Path) -> bool:
    """Create ``folder`` (and its parent) as 0700; True only when both are ours and private."""
    try:
        for path in (folder.parent, folder):
            path.mkdir(mode=0o700, exist_ok=True)
            info = path.stat()
            if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
                return False
        return True
    except OSError:
        return False


class FigureCache:
    """Memory and disk cache of published frames, keyed by (key, database stamp)."""

    def __init__(self, store, folder: Path | None = None, disk: bool | None = None):
        self.store = store
        self.folder = Path(folder) if folder else default_folder(store.url)
        if disk is None:
            disk = os.environ.get("VERLOOP_DASHBOARD_CACHE", "") != "off"
        self.disk = bool(disk) and _private(self.folder)
        self.memory: dict = {}
        self._stamp: tuple | None = None
        self._stamped_at = 0.0
        self.hits = {"memory": 0, "disk": 0, "computed": 0}

    def stamp(self) -> tuple:
        """(database fingerprint, today): what every cached figure depends on."""
        now = time.monotonic()
        if self._stamp is None or now - self._stamped_at > STAMP_SECONDS:
            try:
                from verloop.privacy.data import fingerprint

                with self.store.session() as s:
                    print_ = fingerprint(s)
            except Exception:  # an older or newer door without it: never trust a disk entry
                print_ = ("no-fingerprint", id(self))
            self._stamp = (repr(print_), dt.date.today().isoformat(), self._file_identity())
            self._stamped_at = now
        return self._stamp

    def _file_identity(self) -> tuple | None:
        """A replaced SQLite file (same counts, new data) must not meet the old entries."""
        database = self.store.engine.url.database if self.store.backend == "sqlite" else None
        if not database or database == ":memory:":
            return None
        try:
            info = Path(database).stat()
        except OSError:
            return None
        return (info.st_dev, info.st_ino)

    def _path(self, key: tuple, stamp: tuple) -> Path:
        digest = hashlib.sha256(repr((key, stamp)).encode()).hexdigest()
        return self.folder / f"{digest}.pkl"

    def get(self, key: tuple, build, persist: bool = True):
        """The value for ``key`` under the current stamp: from memory, disk, or ``build()``."""
        stamp = self.stamp()
        full = (key, stamp)
        if full in self.memory:
            self.hits["memory"] += 1
            return self.memory[full]
        value = None
        path = self._path(key, stamp) if (self.disk and persist) else None
        if path is not None and path.exists():
            try:
                with open(path, "rb") as handle:
                    value = pickle.load(handle)
                self.hits["disk"] += 1
            except Exception:
                value = None
        if value is None:
            value = build()
            self.hits["computed"] += 1
            if path is not None:
                self._write(path, value)
        if len(self.memory) > 256:
            self.memory.clear()
        self.memory[full] = value
        return value

    def _write(self, path: Path, value) -> None:
        try:
            handle, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            self._prune()
        except OSError:
            pass  # a full or read-only disk only costs speed

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - MAX_FILES)]:
            old.unlink(missing_ok=True)
