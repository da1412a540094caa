"""``verloop users add|list|disable|enable|reset|log|settings``: accounts of the HR side (issue 13).

``add`` and ``reset`` print a one-time sign-in link (the secret is stored only as an argon2
hash and works once, before it expires). Who may see what is the account's role and scope; the
dashboards and exports enforce it in the privacy door.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app

users = typer.Typer(
    help="Accounts of the HR side: roles (hr, site, lead, research), sign-in links, the access log.",
    no_args_is_help=True,
)
app.add_typer(users, name="users")

UrlOption = Annotated[str, typer.Option("--url", help="Address of the HR side, for the sign-in link.")]


def _store(db: str | None):
    from verloop.store import Store

    return Store.open(db, create=False)  # managing accounts never makes a database


def _as_dict(info) -> dict:
    return {
        "name": info.name,
        "role": info.role,
        "scope": info.describe(),
        "site": info.site,
        "teams": list(info.teams),
        "created": info.created_at.isoformat(sep=" "),
        "last_sign_in": info.last_sign_in.isoformat(sep=" ") if info.last_sign_in else None,
        "disabled": info.disabled,
        "link_pending": info.link_pending,
    }


def _print_link(info, secret: str, url: str, as_json: bool, headline: str) -> None:
    from verloop.accounts import sign_in_url

    link = sign_in_url(secret, url)
    if as_json:
        typer.echo(json.dumps({**_as_dict(info), "sign_in_link": link}))
        return
    typer.echo(f"{headline} {info.name} ({info.role}, {info.describe()}).")
    typer.echo("One-time sign-in link (works once; hand it over privately, it is not shown again):")
    typer.echo(link)


@users.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The person's name, e.g. 'Anne de Vries'.")],
    role: Annotated[str, typer.Option("--role", help="hr (all), site (one site), lead (teams) or research.")],
    team: Annotated[
        list[str] | None, typer.Option("--team", help="A team of a lead (name or id); repeat for more.")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="The site of a site account (name or id).")] = None,
    url: UrlOption = "http://127.0.0.1:8866",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make an account and print its one-time sign-in link."""
    from verloop.accounts import add_account

    store = _store(db)
    try:
        info, secret = add_account(store, name, role, site=site, teams=team or ())
    finally:
        store.dispose()
    _print_link(info, secret, url, as_json, "Account made:")


@users.command("list")
def list_(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every account: role, scope, created, last sign-in, disabled."""
    from verloop.accounts import list_accounts

    store = _store(db)
    try:
        accounts = list_accounts(store)
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps([_as_dict(a) for a in accounts]))
        return
    if not accounts:
        typer.echo("No accounts yet; make one with: verloop users add NAME --role lead --team TEAM")
        return
    for a in accounts:
        last = a.last_sign_in.isoformat(sep=" ") if a.last_sign_in else "never signed in"
        state = "disabled" if a.disabled else ("link not used yet" if a.link_pending else "active")
        typer.echo(f"{a.name:<24} {a.role:<9} {a.describe():<32} created {a.created_at:%Y-%m-%d}  {last}  {state}")


@users.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Account name.")], db: DbOption = None) -> None:
    """Disable an account: it cannot sign in and its open sessions end at their next request."""
    from verloop.accounts import disable_account

    store = _store(db)
    try:
        info = disable_account(store, name)
    finally:
        store.dispose()
    typer.echo(f"Account {info.name} is disabled.")


@users.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Account name.")], db: DbOption = None) -> None:
    """Enable a disabled account again (it then needs a new link: verloop users reset)."""
    from verloop.accounts import disable_account

    store = _store(db)
    try:
        info = disable_account(store, name, disabled=False)
    finally:
        store.dispose()
    typer.echo(f"Account {info.name} is enabled; give it a sign-in link with: verloop users reset '{info.name}'")


@users.command("reset")
def reset(
    name: Annotated[str, typer.Argument(help="Account name.")],
    url: UrlOption = "http://127.0.0.1:8866",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print a new one-time sign-in link for an account (the previous link stops working)."""
    from verloop.accounts import reset_account

    store = _store(db)
    try:
        info, secret = reset_account(store, name)
    finally:
        store.dispose()
    _print_link(info, secret, url, as_json, "New sign-in link for")


@users.command("log")
def log(
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    days: Annotated[int | None, typer.Option("--days", help="Only the last DAYS days.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The access log, newest first: who opened which page or export when."""
    from verloop.accounts import entries
    from verloop.privacy.scope import Scope

    store = _store(db)
    try:
        frame = entries(store, Scope.everything(), account=account, days=days)
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps([{**row, "at": row["at"].isoformat(sep=" ")} for row in frame.to_dict("records")]))
        return
    if frame.empty:
        typer.echo("The access log is empty.")
        return
    for row in frame.itertuples():
        typer.echo(f"{row.at:%Y-%m-%d %H:%M:%S}  {row.account:<24} {row.role:<9} {row.action:<15} {row.target}")


@users.command("settings")
def settings_(
    log_days: Annotated[int | None, typer.Option("--log-days", help="Days the access log is kept.")] = None,
    session_hours: Annotated[int | None, typer.Option("--session-hours", help="Hours a sign-in lasts.")] = None,
    link_hours: Annotated[int | None, typer.Option("--link-hours", help="Hours a sign-in link stays usable.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show (or change) how long the access log is kept and how long sign-ins and links last."""
    from verloop.accounts import configure

    store = _store(db)
    try:
        values = configure(store, log_days=log_days, session_hours=session_hours, link_hours=link_hours)
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps(values))
        return
    typer.echo(
        f"Access log kept {values['log_days']} days; a sign-in lasts {values['session_hours']} hours; "
        f"a sign-in link {values['link_hours']} hours."
    )
