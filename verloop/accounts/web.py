"""The signed-in account on the HR side: from the sign-in cookie to the kernel's privacy door.

How the kernel learns who is looking (Voilà runs each page in its own kernel and hands it the
request only as environment variables — ``$QUERY_STRING``, and the headers listed in
``VoilaConfiguration.http_header_envs`` as ``$HTTP_…``; a preheated kernel receives the same
variables through Voilà's request protocol, ``verloop.apps.preheat.wait_for_request``):

1. the Jupyter Server identity provider (``verloop.apps.auth``) signs the account in and keeps
   it in Jupyter's signed login cookie;
2. :func:`account_handler` wraps Voilà's page handler: it deletes any :data:`ACCOUNT_HEADER`
   the browser sent and sets it to the signed-in user's name, so the header can only come from
   the server;
3. ``verloop serve`` passes that header to the kernel (``http_header_envs``) and sets
   :data:`REQUIRE_ENV` for the HR side;
4. in the kernel, :func:`request_scope` (called by ``DashboardSource.open``) waits for the
   request when the kernel was preheated, reads :data:`ACCOUNT_ENV`, looks the account up (a
   disabled or removed account is refused) and returns its ``Scope``; the door gets that scope
   when it is made. Without :data:`REQUIRE_ENV` (a notebook run by hand, the tests, the cache
   refresh) the scope is the whole organisation, as before accounts existed.
"""

from __future__ import annotations

import logging
import os

from verloop.config import current
from verloop.privacy.scope import Scope, ScopeError

ACCOUNT_HEADER = "X-Verloop-Account"
ACCOUNT_ENV = "HTTP_X_VERLOOP_ACCOUNT"
REQUIRE_ENV = "VERLOOP_REQUIRE_ACCOUNT"

_log = logging.getLogger("verloop.accounts")


def wait_for_request() -> None:
    """In a kernel Voilà preheated for an HR page, wait (once) until a real request hands over
    its variables — the page's query and :data:`ACCOUNT_ENV` — with
    ``verloop.apps.preheat.wait_for_request`` (Voilà's protocol without importing Voilà and
    Jupyter Server into every pool kernel). It returns at once when the kernel was not
    preheated, when it already waited, or when the request's ``SCRIPT_NAME`` is here. A
    preheated HR page always waits, with or without :data:`REQUIRE_ENV`: what it shows is read
    after the request, never at preheat time (a data change in between would show old figures)."""
    from verloop.apps.preheat import wait_for_request as wait

    wait()


def request_account(store, environ=None):
    """The ``AccountInfo`` of the request this kernel serves, or ``None`` outside the HR server.

    Raises ``ScopeError`` when the HR server requires an account and there is none (or it is
    disabled): a page then shows one sentence and no figure."""
    from verloop.accounts.manage import session_account

    if environ is None:
        wait_for_request()
        environ = os.environ
    name = (environ.get(ACCOUNT_ENV) or "").strip()
    if not name:
        if current().require_account:  # $VERLOOP_REQUIRE_ACCOUNT, set by `verloop serve` (HR side)
            raise ScopeError("sign in to see the dashboards (no signed-in account reached this page).")
        return None
    account = session_account(store, name)
    if account is None:
        raise ScopeError("this account is disabled or no longer exists; ask HR for a new sign-in link.")
    return account


def request_scope(store, environ=None) -> tuple[str | None, Scope]:
    """(account name or None, its scope): what ``DashboardSource.open`` gives the door."""
    account = request_account(store, environ)
    if account is None:
        return None, Scope.everything()
    return account.name, account.scope


def scoped_options(scope: Scope, sites, teams):
    """The filter bar's sites ((id, name)) and teams ((id, name, site id)) a scope offers: a
    lead gets its teams (the bar's 'all' choices are the organisation), a site manager its site
    and that site's teams."""
    if scope.whole_organisation:
        return tuple(sites), tuple(teams)
    if scope.role == "site":
        return (tuple(s for s in sites if s[0] in scope.site_ids), tuple(t for t in teams if t[2] in scope.site_ids))
    return (), tuple(t for t in teams if t[0] in scope.team_ids)


def log_access(store, account: str | None, role: str, action: str, target: str) -> None:
    """Record a page or export opened by a signed-in account (nothing without an account).
    A failing write is logged as an error and never breaks the page."""
    if not account:
        return
    from verloop.accounts.log import record

    try:
        record(store, account, role, action, target)
    except Exception as exc:  # the log must not take the dashboards down
        _log.error("could not write the access log: %s", type(exc).__name__)


def account_handler(base):
    """A subclass of Voilà's page handler ``base`` that puts the signed-in account's name in
    :data:`ACCOUNT_HEADER` (and never lets the browser choose it)."""

    class AccountPageHandler(base):
        async def prepare(self, *args, **kwargs):
            result = await super().prepare(*args, **kwargs)
            if ACCOUNT_HEADER in self.request.headers:
                del self.request.headers[ACCOUNT_HEADER]
            user = self.current_user
            username = getattr(user, "username", None)
            if username:
                self.request.headers[ACCOUNT_HEADER] = username
            return result

    AccountPageHandler.__name__ = f"Account{base.__name__}"
    return AccountPageHandler


__all__ = [
    "ACCOUNT_ENV",
    "ACCOUNT_HEADER",
    "REQUIRE_ENV",
    "account_handler",
    "log_access",
    "request_account",
    "request_scope",
    "scoped_options",
    "wait_for_request",
]
