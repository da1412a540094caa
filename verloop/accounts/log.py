"""The access log: who opened which page or export, when — never what they typed or chose.

Entries carry the account's name and role, an action (:data:`ACTIONS`) and a target (a page
key, an export name). They are kept ``AccessSettings.log_days`` days: every write first deletes
what is older (purge on write), so no job has to run. Only ``hr`` may read the log.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import delete, select

from verloop.accounts.manage import settings, utcnow
from verloop.errors import InputError
from verloop.privacy.scope import ACCESS_LOG, Scope
from verloop.store.schema import AccessEntry

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "page", "export", "download", "refused")
MAX_TARGET = 200
COLUMNS = ["at", "account", "role", "action", "target"]


def record(store, account: str, role: str, action: str, target: str = "", now: dt.datetime | None = None) -> None:
    """Write one entry (and purge the entries older than the kept number of days)."""
    if action not in ACTIONS:
        raise InputError(f"unknown access-log action '{action}'; use one of {', '.join(ACTIONS)}.")
    now = now or utcnow()
    target = "".join(ch if ch.isprintable() else " " for ch in str(target or ""))[:MAX_TARGET]
    with store.session() as s:
        keep = settings(s).log_days
        s.execute(delete(AccessEntry).where(AccessEntry.at < now - dt.timedelta(days=keep)))
        s.add(AccessEntry(at=now, account=str(account)[:100], role=str(role)[:20], action=action, target=target))


def entries(
    store, scope: Scope, *, account: str | None = None, days: int | None = None, now: dt.datetime | None = None
) -> pd.DataFrame:
    """The log, newest first, for an ``hr`` scope (others are refused): at, account, role,
    action, target. ``account`` and ``days`` narrow it."""
    scope.require(ACCESS_LOG)
    query = select(AccessEntry.at, AccessEntry.account, AccessEntry.role, AccessEntry.action, AccessEntry.target)
    if account:
        query = query.where(AccessEntry.account == account)
    if days is not None:
        if days < 1:
            raise InputError("--days must be at least 1.")
        query = query.where(AccessEntry.at >= (now or utcnow()) - dt.timedelta(days=days))
    with store.session() as s:
        rows = s.execute(query.order_by(AccessEntry.at.desc(), AccessEntry.id.desc())).all()
    return pd.DataFrame(rows, columns=COLUMNS)


__all__ = ["ACTIONS", "COLUMNS", "entries", "record"]
