"""One database, whatever the working directory.

A relative SQLite URL is resolved once, at the command line, against the working directory; the
commands that read (status, serve, export) and the apps never create a database: a missing one is
one sentence naming the expected path and how to create it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from verloop.apps.common import app_store, missing_database_html
from verloop.cli import main
from verloop.cli.common import absolute_db
from verloop.store import Store
from verloop.store.engine import MissingDatabaseError, absolute_url, sqlite_file


def test_relative_sqlite_url_is_made_absolute_once_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert absolute_url("sqlite:///var/verloop.db") == f"sqlite:///{tmp_path.resolve()}/var/verloop.db"
    assert absolute_url("sqlite:///var/x.db", base=tmp_path / "elsewhere") == (
        f"sqlite:///{(tmp_path / 'elsewhere').resolve()}/var/x.db"
    )
    assert absolute_url("sqlite:////srv/v.db") == "sqlite:////srv/v.db"
    assert absolute_url("sqlite://") == "sqlite://"  # in memory stays in memory
    pg = "postgresql+psycopg://u:secret@db.example:5432/verloop"
    assert absolute_url(pg) == pg  # nothing to resolve, password kept for the connection
    monkeypatch.delenv("VERLOOP_DB", raising=False)
    assert absolute_db(None) == f"sqlite:///{tmp_path.resolve()}/var/verloop.db"  # the default too
    monkeypatch.setenv("VERLOOP_DB", "sqlite:///other.db")
    assert absolute_db(None) == f"sqlite:///{tmp_path.resolve()}/other.db"
    assert absolute_db("mysql://nope") == "mysql://nope"  # left for Store.open to explain
    assert sqlite_file(pg) is None and sqlite_file("sqlite:///a/b.db") == Path("a/b.db")


def test_init_creates_where_the_command_runs_and_status_reads_the_same_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--db", "sqlite:///var/verloop.db"]) == 0
    assert (tmp_path / "var" / "verloop.db").is_file()
    assert str(tmp_path.resolve()) in capsys.readouterr().out
    (tmp_path / "apps").mkdir()
    monkeypatch.chdir(tmp_path / "apps")  # a different working directory: an absolute URL still finds it
    assert main(["status", "--db", f"sqlite:///{tmp_path.resolve()}/var/verloop.db", "--json"]) == 0
    assert not (tmp_path / "apps" / "var").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["status", "--json"],
        ["serve", "--port", "18899"],
        ["export", "scores", "--by", "team", "--out", "x.csv"],
        ["survey", "waves"],
        ["train"],
    ],
)
def test_readers_never_create_a_database(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--db", "sqlite:///var/verloop.db"]) == 1
    err = capsys.readouterr().err
    expected = tmp_path.resolve() / "var" / "verloop.db"
    assert err.startswith("Error: there is no database at") and str(expected) in err
    assert "verloop demo" in err and "verloop init" in err and "Traceback" not in err
    assert not (tmp_path / "var").exists()


def test_store_open_create_flag(tmp_path):
    path = tmp_path / "deep" / "v.db"
    with pytest.raises(MissingDatabaseError) as caught:
        Store.open(f"sqlite:///{path}", create=False)
    assert caught.value.path == path and not path.parent.exists()
    Store.open(f"sqlite:///{path}").dispose()  # the default still creates (init, demo, tests)
    Store.open(f"sqlite:///{path}", create=False).dispose()  # and a reader opens what exists


def test_app_store_shows_a_clear_page_instead_of_creating(tmp_path, monkeypatch):
    missing = tmp_path / "var" / "verloop.db"
    monkeypatch.setenv("VERLOOP_DB", f"sqlite:///{missing}")
    with pytest.raises(MissingDatabaseError) as caught:
        app_store()
    assert not missing.parent.exists()
    page = missing_database_html(caught.value)
    assert str(missing) in page and "verloop demo --db" in page and "verloop init --db" in page
    assert "Er is nog geen database" in page and "There is no database yet" in page
    Store.open(f"sqlite:///{missing}").dispose()
    app_store().dispose()
