"""Signing in to the HR side: Verloop's own page on Jupyter Server's identity hooks.

Voilà 0.5 builds its login from Jupyter Server 2: ``Voila.identity_provider_class`` (an
``IdentityProvider``) decides who a request is (``?token=`` once, then a signed cookie) and
``get_handlers()`` mounts its ``/login`` and ``/logout`` pages; ``@web.authenticated`` handlers
redirect to ``/login?next=…``. :class:`VerloopIdentityProvider` plugs in there:

* every secret — the ``?token=`` of the printed address, an ``Authorization: token`` header or
  the sign-in form — goes through ONE method, :meth:`VerloopIdentityProvider.authenticate`.
  Today it compares with the HR token (constant time); HR accounts (issue 13: argon2 hashes in
  the database, roles, scopes) replace that one method and return a ``User`` with the account's
  name and role;
* failed attempts are counted per client address (held in memory for the window only, never
  logged or stored); past ``max_failures`` within ``failure_window`` seconds every attempt from
  that address is refused without being checked, and the page says how long to wait;
* the pages are Verloop's (Dutch or English from ``?lang=`` or the browser), in words an HR user
  understands — no Jupyter wording — rendered from ``jupyter/voila/templates/verloop/``.
"""

from __future__ import annotations

import hmac
import time
import urllib.parse
from collections import deque

from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.auth.logout import LogoutHandler
from tornado import web
from traitlets import Float, Integer

from verloop.i18n import LANGS, check_lang, keys, t

try:  # jupyter_server >= 2.13 marks pages that need no sign-in
    from jupyter_server.auth.decorator import allow_unauthenticated
except ImportError:  # pragma: no cover - older jupyter_server

    def allow_unauthenticated(method):
        return method


SECRET_FIELD = "secret"


def _page_texts(lang: str) -> dict[str, str]:
    """The sign-in and sign-out pages' texts in ``lang``, by short name, for the templates."""
    return {key.removeprefix("sign_in."): t(key, lang) for key in keys("sign_in")}


def page_language(handler: web.RequestHandler) -> str:
    """``nl`` or ``en``: ``?lang=``, else the browser's first preference, else Dutch."""
    asked = handler.get_argument("lang", "") or handler.request.headers.get("Accept-Language", "")
    return check_lang(asked.split(",")[0].split(";")[0])


class FailedAttempts:
    """Failed sign-in attempts per key (a client address) in a sliding window, in memory only."""

    def __init__(self, limit: int = 5, window: float = 300.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque] = {}

    def _recent(self, key: str) -> deque:
        now = self.clock()
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def wait_seconds(self, key: str) -> float:
        """0 when ``key`` may try again, else the seconds until its oldest failure expires."""
        failures = self._recent(key)
        if len(failures) < self.limit:
            return 0.0
        return max(0.0, self.window - (self.clock() - failures[0]))

    def record(self, key: str) -> None:
        self._recent(key)
        self._failures.setdefault(key, deque()).append(self.clock())

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)


def client_key(handler: web.RequestHandler) -> str:
    return handler.request.remote_ip or "unknown"


class VerloopIdentityProvider(IdentityProvider):
    """Who an HR request is: the HR secret (today one shared token; issue 13: accounts)."""

    max_failures = Integer(5, config=True, help="Failed sign-ins per address before it must wait.")
    failure_window = Float(300.0, config=True, help="Seconds a failed sign-in counts against an address.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.attempts = FailedAttempts(self.max_failures, self.failure_window)
        # issue 13: accounts (verloop.accounts) — a sign-in lasts AccessSettings.session_hours
        self._account_store = None
        hours = self._session_hours()
        if hours:
            self.get_secure_cookie_kwargs = {"max_age_days": hours / 24, **self.get_secure_cookie_kwargs}
            self.cookie_options = {"expires_days": hours / 24, **self.cookie_options}

    # -- issue 13: accounts ----------------------------------------------------------------
    def accounts_store(self):
        """The database of the accounts ($VERLOOP_DB, set by ``verloop serve``), or None."""
        from verloop.config import current

        if self._account_store is None and current().db:
            from verloop.store import Store

            self._account_store = Store.open(current().db, create=False)
        return self._account_store

    def _session_hours(self) -> int | None:
        try:
            store = self.accounts_store()
            if store is None:
                return None
            from verloop.accounts import session_hours

            return session_hours(store)
        except Exception as exc:  # no database yet: the pages will say so
            self.log.error("accounts unavailable: %s", type(exc).__name__)
            return None

    def _account_user(self, secret: str) -> User | None:
        """A one-time sign-in secret of an account (``verloop users add|reset``), used up here."""
        from verloop.accounts import record, sign_in

        store = self.accounts_store()
        if store is None:
            return None
        account = sign_in(store, secret)
        if account is None:
            record(store, "?", "?", "sign_in_failed")  # never what was typed
            return None
        record(store, account.name, account.role, "sign_in")
        return User(username=account.name, name=account.name, display_name=account.name)

    def _token_user(self) -> User | None:
        """The HR token signs in as the bootstrap ``hr`` account (unless HR disabled it)."""
        from verloop.accounts import BOOTSTRAP, bootstrap_account, record

        store = self.accounts_store()
        if store is not None:
            account = bootstrap_account(store)
            if account.disabled:
                return None
            record(store, account.name, account.role, "sign_in")
        return User(username=BOOTSTRAP, name="HR", display_name="HR")

    def get_user_cookie(self, handler: web.RequestHandler):
        """The cookie's user, while its account exists and is enabled (checked every request)."""
        user = super().get_user_cookie(handler)
        store = self.accounts_store() if user is not None else None
        if store is None:
            return user
        from verloop.accounts import session_account

        return user if session_account(store, user.username) is not None else None

    # -- the one place a secret is checked -------------------------------------------------
    def authenticate(self, secret: str) -> User | None:
        """The user ``secret`` signs in, or ``None``. Issue 13 replaces this body with an account
        lookup (argon2 hash check) returning the account's user; everything else stays."""
        if not secret:
            return None
        if self.token and hmac.compare_digest(secret.encode("utf-8"), self.token.encode("utf-8")):
            return self._token_user()
        return self._account_user(secret)

    def attempt(self, handler: web.RequestHandler, secret: str) -> tuple[User | None, float]:
        """Check ``secret`` for the request's client unless it must wait; ``(user, wait_seconds)``."""
        key = client_key(handler)
        wait = self.attempts.wait_seconds(key)
        if wait:
            return None, wait
        user = self.authenticate(secret)
        if user is None:
            self.attempts.record(key)
        else:
            self.attempts.clear(key)
        return user, 0.0

    # -- Jupyter Server's hooks -------------------------------------------------------------
    async def get_user_token(self, handler: web.RequestHandler) -> User | None:
        secret = self.get_token(handler)
        if not secret:
            return None
        user, _ = self.attempt(handler, secret)
        return user

    def process_login_form(self, handler: web.RequestHandler) -> User | None:
        user, _ = self.attempt(handler, handler.get_argument(SECRET_FIELD, default=""))
        return user

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def cookie_secret_hook(self, h):
        h.update(self.token.encode("utf-8"))  # a new HR token signs everybody out
        return h

    def get_handlers(self) -> list[tuple[str, object]]:
        # Voilà passes its own login_handler_class; the pages here are Verloop's.
        return [(r"/login", SignInHandler), (r"/logout", SignOutHandler)]


def _without_token(url: str) -> tuple[str, bool]:
    """``url`` without a ``token`` query parameter, and whether it had one."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if k != "token"]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(kept))), len(kept) != len(query)


class SignInHandler(LoginFormHandler):
    """``/login``: Verloop's sign-in page (GET) and form (POST), rate-limited per address."""

    def _render(self, message=None, *, blocked: bool = False):
        lang = page_language(self)
        text = _page_texts(lang)
        next_url, _ = _without_token(self.get_argument("next", default=self.base_url))
        other = next(code for code in LANGS if code != lang)  # the link to the other language
        query = urllib.parse.urlencode({"next": next_url, "lang": other})
        self.write(
            self.render_template(
                "verloop-signin.html",
                lang=lang,
                text=text,
                message=message,
                blocked=blocked,
                action=f"{self.base_url}login?" + urllib.parse.urlencode({"next": next_url, "lang": lang}),
                xsrf=self.xsrf_token.decode("ascii"),
                other_lang=other,
                other_lang_url=f"{self.base_url}login?{query}",
            )
        )

    def _wait_message(self, seconds: float) -> str:
        minutes = max(1, int(seconds // 60) + (1 if seconds % 60 else 0))
        return t("sign_in.blocked", page_language(self), minutes=minutes)

    @allow_unauthenticated
    def get(self):
        if self.current_user:
            next_url, _ = _without_token(self.get_argument("next", default=self.base_url))
            self._redirect_safe(next_url)
            return
        wait = self.identity_provider.attempts.wait_seconds(client_key(self))
        if wait:
            self.set_status(429)
            self._render(self._wait_message(wait), blocked=True)
            return
        _, had_token = _without_token(self.get_argument("next", default=""))
        self._render(t("sign_in.wrong_link", page_language(self)) if had_token else None)

    @allow_unauthenticated
    def post(self):
        text = _page_texts(page_language(self))
        if not self.get_argument(SECRET_FIELD, default=""):
            self.set_status(400)
            self._render(text["empty"])
            return
        user, wait = self.identity_provider.attempt(self, self.get_argument(SECRET_FIELD))
        if wait:
            self.set_status(429)
            self._render(self._wait_message(wait), blocked=True)
            return
        if user is None:
            self.set_status(401)
            self._render(text["wrong"])
            return
        self.current_user = user
        self.identity_provider.set_login_cookie(self, user)
        next_url, _ = _without_token(self.get_argument("next", default=self.base_url))
        self._redirect_safe(next_url)


class SignOutHandler(LogoutHandler):
    """``/logout``: forget the sign-in cookie, say so in the reader's language."""

    @allow_unauthenticated
    def get(self):
        user = self.current_user
        store = self.identity_provider.accounts_store() if user else None
        if store is not None:  # issue 13: the access log
            from verloop.accounts import record, session_account

            account = session_account(store, user.username)
            if account is not None:
                record(store, account.name, account.role, "sign_out")
        self.identity_provider.clear_login_cookie(self)
        lang = page_language(self)
        text = _page_texts(lang)
        self.write(
            self.render_template(
                "verloop-signedout.html",
                lang=lang,
                text={"title": text["signed_out_title"], "body": text["signed_out"], "again": text["again"]},
                signin_url=f"{self.base_url}login?lang={lang}",
            )
        )
