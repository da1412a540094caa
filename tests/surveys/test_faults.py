"""Faults during survey submission: a restarted PostgreSQL server, a read-only database, a
full disk. Each gives one clear sentence, never a partial response, and a retry that lands
exactly once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from verloop.errors import StoreError
from verloop.store import Store
from verloop.store.schema import Answer, Comment, Response, Site, Team, Token
from verloop.surveys.submit import submit
from verloop.surveys.tokens import SurveyRefusal, issue_tokens
from verloop.surveys.waves import open_wave

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 3, 2)
ANSWERS = {"engagement_1": 4, "engagement_2": 2, "enps_1": 9}
COMMENTS = {"stop": "Minder AHT-sturing"}


def prepare(store, n: int) -> list[str]:
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add(Team(name="Team Noord", site_id=site.id))
    open_wave(store, "pulse", "pulse-w1", opens=TODAY, today=TODAY)
    return [t.code for t in issue_tokens(store, "pulse-w1", "Team Noord", n, today=TODAY)]


def totals(store) -> dict[str, int]:
    with store.session() as s:
        return {
            "responses": s.scalar(select(func.count()).select_from(Response)),
            "answers": s.scalar(select(func.count()).select_from(Answer)),
            "comments": s.scalar(select(func.count()).select_from(Comment)),
            "used": s.scalar(select(func.count()).select_from(Token).where(Token.used)),
        }


def submit_with_retry(store, code: str, messages: list[str], deadline_s: float = 120.0) -> str:
    """What a respondent does after the retry message: press Send again until it works."""
    import time

    deadline = time.monotonic() + deadline_s
    while True:
        try:
            submit(store, code, ANSWERS, COMMENTS, "nl", today=TODAY)
            return "accepted"
        except SurveyRefusal as exc:  # an earlier attempt did commit after all
            return exc.key
        except StoreError as exc:
            messages.append(str(exc))
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture
def restart_postgres(request):
    """Restart the test server (immediate stop + start) that `make test` runs."""
    pg_dir, pg_port = os.environ.get("VERLOOP_TEST_PG_DIR"), os.environ.get("VERLOOP_TEST_PG_PORT")
    if not (pg_dir and pg_port):
        root = request.config.pluginmanager.get_plugin(str(ROOT / "tests" / "conftest.py"))
        root.missing(
            "the restartable PostgreSQL test server",
            "run `make test` (it exports VERLOOP_TEST_PG_DIR and VERLOOP_TEST_PG_PORT)",
        )

    def restart() -> None:
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-test-server.sh"), "restart", pg_dir, pg_port],
            check=True, capture_output=True, timeout=120,
        )

    yield restart
    # Every pooled connection of this process to the old server is dead now. The store under
    # test copes (pool_pre_ping); drop the others too (e.g. the admin engine that drops the
    # test database at the end of the session), as a restarted application would.
    import gc

    from sqlalchemy.engine import Engine

    for obj in gc.get_objects():
        if isinstance(obj, Engine) and obj.dialect.name == "postgresql" and str(obj.url.port) == pg_port:
            obj.dispose()


@pytest.fixture
def durable_commits(store):
    """The test server runs with synchronous_commit=off (fast, but an immediate shutdown may
    forget the last commits); production keeps the default. Ask for durable commits here so
    that "stored exactly once" is about Verloop, not about the server's settings."""

    def synchronous(dbapi_conn, _record):
        dbapi_conn.execute("SET synchronous_commit = on")
        dbapi_conn.commit()

    store.engine.dispose()
    event.listen(store.engine, "connect", synchronous)
    yield store
    event.remove(store.engine, "connect", synchronous)
    store.engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_postgres_restart_during_submissions(restart_postgres, durable_commits):
    store = durable_commits
    codes = prepare(store, 12)
    in_write, restarted = threading.Event(), threading.Event()

    def hold_during_restart(conn, cursor, statement, parameters, context, executemany):
        # the 4th submission is inside its transaction (token flipped, response inserted)
        # when the server goes down under it
        if statement.lstrip().upper().startswith("INSERT INTO ANSWERS") and not in_write.is_set():
            hold_during_restart.calls += 1
            if hold_during_restart.calls == 4:
                in_write.set()
                restarted.wait(timeout=120)

    hold_during_restart.calls = 0
    messages: list[str] = []
    outcomes: dict[str, str] = {}

    def respondents():
        for code in codes:
            outcomes[code] = submit_with_retry(store, code, messages)

    event.listen(store.engine, "before_cursor_execute", hold_during_restart)
    worker = threading.Thread(target=respondents)
    try:
        worker.start()
        assert in_write.wait(timeout=120), "the submissions never reached the write"
        restart_postgres()
        restarted.set()
        worker.join(timeout=300)
    finally:
        restarted.set()
        event.remove(store.engine, "before_cursor_execute", hold_during_restart)
    assert not worker.is_alive()

    assert messages, "the restart should have interrupted one submission"
    assert all("nothing was saved" in m and "Traceback" not in m for m in messages), messages
    assert set(outcomes.values()) == {"accepted"}, outcomes  # every retry went through
    assert totals(store) == {"responses": 12, "answers": 36, "comments": 12, "used": 12}
    with store.session() as s:  # no partial response: every response has all its answers
        per_response = s.execute(select(Answer.response_id, func.count()).group_by(Answer.response_id)).all()
    assert sorted(n for _, n in per_response) == [3] * 12


def test_read_only_database_gives_a_clear_error(store):
    (code,) = prepare(store, 1)
    if store.backend == "sqlite":
        read_only = Store.open(f"sqlite:///file:{store.engine.url.database}?mode=ro&uri=true")
    else:
        read_only = Store.open(store.url, migrate=False)
        read_only.dispose()

        def read_only_sessions(dbapi_conn, _record):
            dbapi_conn.execute("SET default_transaction_read_only = on")
            dbapi_conn.commit()

        event.listen(read_only.engine, "connect", read_only_sessions)
    try:
        with pytest.raises(StoreError, match="read-only.*nothing was saved") as failure:
            submit(read_only, code, ANSWERS, COMMENTS, "nl", today=TODAY)
        assert "\n" not in str(failure.value)
    finally:
        read_only.dispose()
    assert totals(store)["responses"] == 0
    submit(store, code, ANSWERS, COMMENTS, "nl", today=TODAY)  # once writable again, it lands
    assert totals(store) == {"responses": 1, "answers": 3, "comments": 1, "used": 1}


def test_full_disk_gives_a_clear_error(sqlite_store):
    """SQLite reports a full disk and a database at its size limit with the same error
    (SQLITE_FULL); capping the page count at the current size produces it reliably."""
    store = sqlite_store
    (code,) = prepare(store, 1)
    store.dispose()

    def cap(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA max_page_count = 1")  # clamped to the current size

    event.listen(store.engine, "connect", cap)
    try:
        with pytest.raises(StoreError, match="is full; free some space and try again; nothing was saved"):
            submit(store, code, ANSWERS, {"stop": "€" * 2000}, "nl", today=TODAY)  # 6 kB: new pages
    finally:
        event.remove(store.engine, "connect", cap)
        store.dispose()
    assert totals(store)["responses"] == 0
    submit(store, code, ANSWERS, COMMENTS, "nl", today=TODAY)
    assert totals(store)["used"] == 1


def test_database_file_gone_gives_a_clear_error(tmp_path):
    folder = tmp_path / "data"
    store = Store.open(f"sqlite:///{folder / 'verloop.db'}")
    (code,) = prepare(store, 1)
    store.dispose()
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()  # the disk was unmounted, the folder removed...
    try:
        with pytest.raises(StoreError, match="cannot open the database file.*nothing was saved") as failure:
            submit(store, code, ANSWERS, COMMENTS, "nl", today=TODAY)
        assert "\n" not in str(failure.value)
    finally:
        store.dispose()
