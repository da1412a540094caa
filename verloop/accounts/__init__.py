"""HR-side accounts (issue 13): roles and scopes, one-time sign-in links, the access log.

``manage`` keeps the accounts (secrets as argon2 hashes only, ``keys``), ``log`` the access log;
what a signed-in account may see is enforced by the privacy door with its
``verloop.privacy.scope.Scope``. See docs/accounts.md.
"""

from verloop.accounts.log import ACTIONS, entries, record
from verloop.accounts.manage import (
    BOOTSTRAP,
    AccountInfo,
    add_account,
    bootstrap_account,
    configure,
    disable_account,
    get_account,
    list_accounts,
    reset_account,
    session_account,
    session_hours,
    sign_in,
    sign_in_url,
)

__all__ = [
    "ACTIONS",
    "AccountInfo",
    "BOOTSTRAP",
    "add_account",
    "bootstrap_account",
    "configure",
    "disable_account",
    "entries",
    "get_account",
    "list_accounts",
    "record",
    "reset_account",
    "session_account",
    "session_hours",
    "sign_in",
    "sign_in_url",
]
