"""Shared fixtures: a migrated store on SQLite and on the real PostgreSQL server.

`make test` starts PostgreSQL and exports VERLOOP_TEST_PG. Without it the postgresql half
skips with a reason, except under CI=true where a missing server is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from verloop.store import Store
from verloop.store.schema import Base

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("VERLOOP_TEST_PG")
CHROMIUM = os.environ.get("VERLOOP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def missing(what: str, how: str) -> None:
    """Skip (or, under CI, fail) because a real component is missing."""
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def dataset(name: str) -> Path:
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"reference data set {path} is absent (expected ../shared/datasets beside the checkout)")
    return path


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    if not PG_URL:
        missing("the PostgreSQL test server", "run `make test`, which installs and starts it, or set VERLOOP_TEST_PG")
    return PG_URL


@pytest.fixture(scope="session")
def pg_database(pg_admin_url, worker_id) -> str:
    """A fresh database for this test session (one per xdist worker), dropped at the end."""
    name = f"verloop_t_{worker_id}_{secrets.token_hex(3)}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def _pg_store(pg_database) -> Store:
    store = Store.open(pg_database)
    yield store
    store.dispose()


def _empty(store: Store) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with store.engine.begin() as connection:
        if store.backend == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    """An empty, migrated store; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        s = Store.open(f"sqlite:///{tmp_path / 'verloop.db'}")
        yield s
        s.dispose()
    else:
        s = request.getfixturevalue("_pg_store")
        _empty(s)
        yield s


@pytest.fixture
def sqlite_store(tmp_path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path / 'verloop.db'}")
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        missing(
            "Debian's chromium",
            "run `make test` (it installs the Debian package `chromium`) or `apt-get install chromium`",
        )
    return CHROMIUM
