"""Accounts of the HR side: who they are, what they may see, and signing in with a one-time link.

An account has a name, a role (``verloop.privacy.scope.ROLES``) and a scope (the site of a
``site`` account, the teams of a ``lead``). It signs in with a one-time link: ``add`` and
``reset`` make a secret that works once, before it expires (``AccessSettings.link_hours``), and
store only its argon2 hash; the sign-in page exchanges it for a session cookie that lasts
``session_hours``. A disabled account cannot sign in, and its open sessions stop at the next
request (``session_account``). The ``--hr-token`` of ``verloop serve`` signs in as the bootstrap
account :data:`BOOTSTRAP` (role ``hr``), made on first use, so that ``make demo`` needs no
account set-up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import urllib.parse

from sqlalchemy import select

from verloop.accounts.keys import account_of, hash_secret, matches, new_secret
from verloop.errors import InputError
from verloop.privacy.scope import HR, LEAD, RESEARCH, ROLES, SITE_ROLE, Scope
from verloop.store.schema import AccessSettings, Account, AccountTeam, Site, Team

BOOTSTRAP = "hr"
MAX_NAME = 100
DEFAULT_URL = "http://127.0.0.1:8866"


def utcnow() -> dt.datetime:
    """Now in UTC, naive, to the second (how the accounts tables store time)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclasses.dataclass(frozen=True)
class AccountInfo:
    """An account as the CLI and the apps see it (never its hashes)."""

    id: int
    name: str
    role: str
    site: str | None
    teams: tuple[str, ...]
    created_at: dt.datetime
    last_sign_in: dt.datetime | None
    disabled: bool
    link_pending: bool
    scope: Scope

    def describe(self) -> str:
        """What the account covers, in words: 'all', 'site Utrecht', 'teams Utrecht 03, …'."""
        if self.role in (HR, RESEARCH):
            return "all"
        if self.role == SITE_ROLE:
            return f"site {self.site or '(removed)'}"
        return "teams " + (", ".join(self.teams) or "(removed)")


def settings(session) -> AccessSettings:
    """The one row of access settings (made with the defaults when missing)."""
    row = session.get(AccessSettings, 1)
    if row is None:
        row = AccessSettings(id=1, log_days=365, session_hours=12, link_hours=72)
        session.add(row)
        session.flush()
    return row


def configure(
    store, *, log_days: int | None = None, session_hours: int | None = None, link_hours: int | None = None
) -> dict:
    """Change how long the access log is kept and how long sign-ins and links last."""
    for label, value in (("log days", log_days), ("session hours", session_hours), ("link hours", link_hours)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise InputError(f"the {label} must be a whole number of at least 1, not {value!r}.")
    with store.session() as s:
        row = settings(s)
        if log_days is not None:
            row.log_days = log_days
        if session_hours is not None:
            row.session_hours = session_hours
        if link_hours is not None:
            row.link_hours = link_hours
        return {"log_days": row.log_days, "session_hours": row.session_hours, "link_hours": row.link_hours}


def _check_name(name: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned:
        raise InputError("an account needs a name, e.g. 'Anne de Vries'.")
    if len(cleaned) > MAX_NAME:
        raise InputError(f"an account name has at most {MAX_NAME} characters.")
    if any(not ch.isprintable() for ch in cleaned):
        raise InputError("an account name cannot hold control characters (tabs, new lines …).")
    return cleaned


def _find(session, model, value, what: str) -> int:
    """The id of the site / team given by name or id."""
    text = str(value).strip()
    row = session.execute(select(model.id).where(model.name == text)).scalar_one_or_none()
    if row is None and text.isdigit():
        row = session.execute(select(model.id).where(model.id == int(text))).scalar_one_or_none()
    if row is None:
        known = session.execute(select(model.name).order_by(model.name).limit(8)).scalars().all()
        hint = ", ".join(known) if known else "none yet"
        raise InputError(f"there is no {what} '{text}'; known {what}s include: {hint}.")
    return int(row)


def _info(session, row: Account) -> AccountInfo:
    team_rows = session.execute(
        select(Team.id, Team.name)
        .join(AccountTeam, AccountTeam.team_id == Team.id)
        .where(AccountTeam.account_id == row.id)
        .order_by(Team.name)
    ).all()
    site = session.get(Site, row.site_id).name if row.site_id is not None else None
    scope = _scope(row.role, row.site_id, [t for t, _ in team_rows])
    return AccountInfo(
        id=row.id,
        name=row.name,
        role=row.role,
        site=site,
        teams=tuple(n for _, n in team_rows),
        created_at=row.created_at,
        last_sign_in=row.last_sign_in,
        disabled=bool(row.disabled),
        link_pending=row.link_hash is not None,
        scope=scope,
    )


def _scope(role: str, site_id: int | None, team_ids: list[int]) -> Scope:
    """The account's scope; one whose site or teams were removed sees only the organisation
    figures it can never narrow (a lead scope on no existing team)."""
    if role in (HR, RESEARCH):
        return Scope(role)
    if role == SITE_ROLE:
        return Scope.site(site_id if site_id is not None else -1)
    return Scope.lead(team_ids or [-1])


def _issue_link(session, row: Account, now: dt.datetime) -> str:
    secret = new_secret(row.id)
    row.link_hash = hash_secret(secret)
    row.link_expires = now + dt.timedelta(hours=settings(session).link_hours)
    return secret


def add_account(
    store, name: str, role: str, *, site: str | int | None = None, teams=(), now: dt.datetime | None = None
) -> tuple[AccountInfo, str]:
    """Make an account; returns it and its one-time sign-in secret (shown once, stored hashed)."""
    name = _check_name(name)
    if name.lower() == BOOTSTRAP:
        raise InputError(f"the name '{BOOTSTRAP}' is reserved for the HR token of verloop serve; choose another name.")
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'; use one of {', '.join(ROLES)}.")
    teams = [t for t in (teams or ()) if str(t).strip()]
    if role == SITE_ROLE and (site is None or teams):
        raise InputError("a site account needs exactly one --site (and no --team).")
    if role == LEAD and (not teams or site is not None):
        raise InputError("a lead account needs one or more --team (and no --site).")
    if role in (HR, RESEARCH) and (site is not None or teams):
        raise InputError(f"a {role} account sees the whole organisation; leave out --site and --team.")
    now = now or utcnow()
    with store.session() as s:
        if s.execute(select(Account.id).where(Account.name == name)).scalar_one_or_none() is not None:
            raise InputError(f"there is already an account named '{name}'; choose another name or use reset.")
        site_id = _find(s, Site, site, "site") if role == SITE_ROLE else None
        team_ids = sorted({_find(s, Team, t, "team") for t in teams})
        row = Account(name=name, role=role, site_id=site_id, created_at=now, disabled=False)
        s.add(row)
        s.flush()
        for team_id in team_ids:
            s.add(AccountTeam(account_id=row.id, team_id=team_id))
        secret = _issue_link(s, row, now)
        s.flush()
        return _info(s, row), secret


def list_accounts(store) -> list[AccountInfo]:
    with store.session() as s:
        rows = s.execute(select(Account).order_by(Account.name)).scalars().all()
        return [_info(s, row) for row in rows]


def get_account(store, name: str) -> AccountInfo:
    with store.session() as s:
        return _info(s, _row(s, name))


def _row(session, name: str) -> Account:
    row = session.execute(select(Account).where(Account.name == str(name).strip())).scalar_one_or_none()
    if row is None:
        known = session.execute(select(Account.name).order_by(Account.name).limit(8)).scalars().all()
        raise InputError(f"there is no account named '{name}'; accounts: {', '.join(known) or 'none yet'}.")
    return row


def disable_account(store, name: str, disabled: bool = True) -> AccountInfo:
    """Disable (or enable again) an account; a disabled one cannot sign in and its sessions end."""
    with store.session() as s:
        row = _row(s, name)
        row.disabled = disabled
        if disabled:
            row.link_hash, row.link_expires = None, None
        s.flush()
        return _info(s, row)


def reset_account(store, name: str, now: dt.datetime | None = None) -> tuple[AccountInfo, str]:
    """A new one-time sign-in secret for ``name`` (the old link stops working). Enables it again."""
    now = now or utcnow()
    with store.session() as s:
        row = _row(s, name)
        row.disabled = False
        secret = _issue_link(s, row, now)
        s.flush()
        return _info(s, row), secret


def sign_in_url(secret: str, base_url: str = DEFAULT_URL) -> str:
    """The address that signs in with ``secret`` (the HR side reads ``?token=`` once)."""
    return f"{base_url.rstrip('/')}/?" + urllib.parse.urlencode({"token": secret})


def sign_in(store, secret: str, now: dt.datetime | None = None) -> AccountInfo | None:
    """Exchange a one-time secret for the account (``None`` when wrong, used, expired or the
    account is disabled). The secret is used up; the sign-in time is kept."""
    account_id = account_of(secret)
    if account_id is None:
        return None
    now = now or utcnow()
    with store.session() as s:
        row = s.get(Account, account_id)
        if row is None or row.disabled or row.link_hash is None:
            return None
        if row.link_expires is None or row.link_expires < now:
            return None
        if not matches(row.link_hash, secret):
            return None
        row.link_hash, row.link_expires = None, None
        row.last_sign_in = now
        s.flush()
        return _info(s, row)


def bootstrap_account(store, now: dt.datetime | None = None) -> AccountInfo:
    """The ``hr`` account the HR token signs in as (made on first use, enabled)."""
    with store.session() as s:
        row = s.execute(select(Account).where(Account.name == BOOTSTRAP)).scalar_one_or_none()
        if row is None:
            row = Account(name=BOOTSTRAP, role=HR, created_at=now or utcnow(), disabled=False)
            s.add(row)
        row.last_sign_in = now or utcnow()
        s.flush()
        return _info(s, row)


def session_account(store, name: str) -> AccountInfo | None:
    """The account behind a session cookie, or ``None`` when it no longer exists or is disabled."""
    with store.session() as s:
        row = s.execute(select(Account).where(Account.name == str(name))).scalar_one_or_none()
        if row is None or row.disabled:
            return None
        return _info(s, row)


def session_hours(store) -> int:
    with store.session() as s:
        return int(settings(s).session_hours)


__all__ = [
    "AccountInfo",
    "BOOTSTRAP",
    "DEFAULT_URL",
    "add_account",
    "bootstrap_account",
    "configure",
    "disable_account",
    "get_account",
    "list_accounts",
    "reset_account",
    "session_account",
    "session_hours",
    "settings",
    "sign_in",
    "sign_in_url",
    "utcnow",
]
