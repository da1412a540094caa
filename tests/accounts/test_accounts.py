"""Accounts: roles and scopes, one-time sign-in links stored as argon2 hashes, the access log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from tests.privacy.builders import org
from verloop.accounts import (
    BOOTSTRAP,
    add_account,
    bootstrap_account,
    configure,
    disable_account,
    entries,
    get_account,
    list_accounts,
    record,
    reset_account,
    session_account,
    session_hours,
    sign_in,
    sign_in_url,
)
from verloop.accounts.keys import account_of, matches, new_secret
from verloop.cli import main
from verloop.errors import InputError
from verloop.privacy.scope import Scope, ScopeError
from verloop.store.schema import AccessEntry, Account

NOW = dt.datetime(2026, 3, 2, 9, 0, 0)


def structure(store):
    o = org(store)
    o.team("Utrecht 01", "Utrecht").team("Utrecht 03", "Utrecht").team("Breda 01", "Breda")
    return o


def test_accounts_carry_role_scope_and_times(store):
    o = structure(store)
    lead, secret = add_account(
        store, "Anne de Vries", "lead", teams=["Utrecht 03", str(o.team_ids["Breda 01"])], now=NOW
    )
    assert lead.role == "lead" and lead.teams == ("Breda 01", "Utrecht 03")
    assert lead.scope == Scope.lead([o.team_ids["Utrecht 03"], o.team_ids["Breda 01"]])
    assert lead.created_at == NOW and lead.last_sign_in is None and not lead.disabled and lead.link_pending
    site, _ = add_account(store, "Sem", "site", site="Utrecht", now=NOW)
    assert site.scope == Scope.site(o.site_ids["Utrecht"]) and site.describe() == "site Utrecht"
    hr, _ = add_account(store, "Hanna", "hr")
    research, _ = add_account(store, "Rik", "research")
    assert hr.scope == Scope.everything() and research.scope == Scope.research() and hr.describe() == "all"
    assert lead.describe() == "teams Breda 01, Utrecht 03"
    assert [a.name for a in list_accounts(store)] == ["Anne de Vries", "Hanna", "Rik", "Sem"]
    assert account_of(secret) == lead.id


@pytest.mark.parametrize(
    "name, role, kwargs, message",
    [
        ("", "hr", {}, "needs a name"),
        ("x" * 101, "hr", {}, "at most 100"),
        ("a\tb", "hr", {}, "control characters"),
        ("Ann", "boss", {}, "unknown role"),
        ("Ann", "lead", {}, "one or more --team"),
        ("Ann", "lead", {"teams": ["Nowhere"]}, "no team 'Nowhere'; known teams include: Breda 01"),
        ("Ann", "site", {}, "exactly one --site"),
        ("Ann", "site", {"site": "Gouda"}, "no site 'Gouda'"),
        ("Ann", "hr", {"site": "Utrecht"}, "whole organisation"),
    ],
)
def test_bad_accounts_are_refused_with_one_sentence(sqlite_store, name, role, kwargs, message):
    structure(sqlite_store)
    with pytest.raises(InputError, match=message):
        add_account(sqlite_store, name, role, **kwargs)
    assert list_accounts(sqlite_store) == []  # nothing half-made


def test_one_time_link_signs_in_once_and_only_the_hash_is_stored(store):
    structure(store)
    info, secret = add_account(store, "Anne", "lead", teams=["Utrecht 01"], now=NOW)
    with store.session() as s:
        row = s.get(Account, info.id)
        assert row.link_hash.startswith("$argon2id$") and secret not in row.link_hash
        assert matches(row.link_hash, secret)
        dumped = " ".join(str(v) for v in s.execute(text("SELECT * FROM accounts")).one())
    assert secret.split(".", 1)[1] not in dumped
    assert sign_in(store, secret.replace(secret[-4:], "AAAA"), now=NOW) is None  # wrong secret
    assert sign_in(store, "not a secret", now=NOW) is None
    assert sign_in(store, new_secret(99999), now=NOW) is None  # no such account
    signed = sign_in(store, secret, now=NOW + dt.timedelta(hours=1))
    assert signed is not None and signed.name == "Anne" and signed.last_sign_in == NOW + dt.timedelta(hours=1)
    assert sign_in(store, secret, now=NOW + dt.timedelta(hours=2)) is None  # used up
    assert not get_account(store, "Anne").link_pending


def test_links_expire_and_reset_disable_enable(store):
    structure(store)
    configure(store, link_hours=2)
    _, first = add_account(store, "Anne", "research", now=NOW)
    assert sign_in(store, first, now=NOW + dt.timedelta(hours=3)) is None  # expired
    _, second = reset_account(store, "Anne", now=NOW + dt.timedelta(hours=3))
    assert sign_in(store, first, now=NOW + dt.timedelta(hours=3)) is None  # the old link is gone
    _, third = reset_account(store, "Anne", now=NOW + dt.timedelta(hours=3))
    assert sign_in(store, second, now=NOW + dt.timedelta(hours=3)) is None  # replaced
    disable_account(store, "Anne")
    assert sign_in(store, third, now=NOW + dt.timedelta(hours=3)) is None  # disabled: link revoked
    assert session_account(store, "Anne") is None
    disable_account(store, "Anne", disabled=False)
    _, fourth = reset_account(store, "Anne", now=NOW + dt.timedelta(hours=4))
    assert sign_in(store, fourth, now=NOW + dt.timedelta(hours=4)).name == "Anne"
    assert session_account(store, "Anne").role == "research"
    assert session_account(store, "Nobody") is None
    with pytest.raises(InputError, match="no account named 'Nobody'; accounts: Anne"):
        reset_account(store, "Nobody")
    with pytest.raises(InputError, match="already an account"):
        add_account(store, "Anne", "hr")


def test_bootstrap_hr_account_and_settings(store):
    first = bootstrap_account(store, now=NOW)
    again = bootstrap_account(store, now=NOW + dt.timedelta(hours=1))
    assert first.id == again.id and again.name == BOOTSTRAP and again.scope == Scope.everything()
    assert again.last_sign_in == NOW + dt.timedelta(hours=1)
    assert session_hours(store) == 12
    assert configure(store, session_hours=8, log_days=30) == {"log_days": 30, "session_hours": 8, "link_hours": 72}
    for bad in (0, -1, True, 1.5):
        with pytest.raises(InputError, match="whole number of at least 1"):
            configure(store, log_days=bad)
    assert sign_in_url("1.abc", "http://h:1/") == "http://h:1/?token=1.abc"


def test_access_log_records_purges_on_write_and_is_for_hr_only(store):
    configure(store, log_days=7)
    record(store, "Anne", "lead", "page", "engagement", now=NOW - dt.timedelta(days=10))
    record(store, "Anne", "lead", "export", "scores.csv\n", now=NOW - dt.timedelta(days=2))
    record(store, "Sem", "site", "sign_in", now=NOW)  # this write purges the 10-day-old entry
    log = entries(store, Scope.everything())
    assert log[["account", "action", "target"]].values.tolist() == [
        ["Sem", "sign_in", ""],
        ["Anne", "export", "scores.csv "],
    ]
    assert entries(store, Scope.everything(), account="Anne")["action"].tolist() == ["export"]
    assert entries(store, Scope.everything(), days=1, now=NOW)["account"].tolist() == ["Sem"]
    with pytest.raises(InputError):
        entries(store, Scope.everything(), days=0)
    for scope in (Scope.research(), Scope.lead([1]), Scope.site(1)):
        with pytest.raises(ScopeError, match="cannot open the access log"):
            entries(store, scope)
    with pytest.raises(InputError, match="unknown access-log action"):
        record(store, "Anne", "lead", "typed", "secret words")
    with store.session() as s:
        assert s.execute(select(AccessEntry.id)).all().__len__() == 2


def test_cli_users_add_list_reset_disable_log(sqlite_store, capsys):
    structure(sqlite_store)
    db = ["--db", sqlite_store.url]
    assert main(["users", "add", "Anne de Vries", "--role", "lead", "--team", "Utrecht 03", *db]) == 0
    out = capsys.readouterr().out
    assert "Anne de Vries (lead, teams Utrecht 03)" in out
    link = out.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8866/?token=")
    secret = link.split("token=", 1)[1]
    assert main(["users", "add", "Sem", "--role", "site", "--site", "Utrecht", "--json", *db]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["scope"] == "site Utrecht" and made["sign_in_link"].startswith("http://127.0.0.1:8866/?token=")
    assert main(["users", "list", *db]) == 0
    listed = capsys.readouterr().out
    assert "Anne de Vries" in listed and "link not used yet" in listed and secret not in listed
    assert sign_in(sqlite_store, secret) is not None
    assert main(["users", "reset", "Anne de Vries", "--url", "http://hr.example:9000", *db]) == 0
    assert "http://hr.example:9000/?token=" in capsys.readouterr().out
    assert main(["users", "disable", "Sem", *db]) == 0
    assert "Sem is disabled" in capsys.readouterr().out
    assert main(["users", "list", "--json", *db]) == 0
    states = {a["name"]: a for a in json.loads(capsys.readouterr().out)}
    assert states["Sem"]["disabled"] and states["Anne de Vries"]["last_sign_in"]
    assert main(["users", "enable", "Sem", *db]) == 0
    capsys.readouterr()
    record(sqlite_store, "Anne de Vries", "lead", "page", "engagement")
    assert main(["users", "log", *db]) == 0
    assert "engagement" in capsys.readouterr().out
    assert main(["users", "log", "--json", "--account", "Anne de Vries", *db]) == 0
    assert json.loads(capsys.readouterr().out)[0]["action"] == "page"
    assert main(["users", "settings", "--log-days", "90", *db]) == 0
    assert "kept 90 days" in capsys.readouterr().out
    assert main(["users", "add", "X", "--role", "lead", *db]) == 1
    assert "one or more --team" in capsys.readouterr().err


def test_the_migration_matches_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from verloop.store.schema import Base

    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    mine = ("accounts", "account_teams", "access_log", "access_settings")
    assert [d for d in diff if any(t in repr(d) for t in mine)] == []
