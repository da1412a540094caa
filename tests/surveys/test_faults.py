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

from tests.privacy.builders import reveal
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
    """What is stored once every sealed ballot is opened (as closing the wave would)."""
    reveal(store)
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
            check=True,
            capture_output=True,
            timeout=120,
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
@pytest.mark.serial  # it restarts the shared test server: never beside other tests
@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_postgres_restart_during_submissions(restart_postgres, durable_commits):
    store = durable_commits
    codes = prepare(store, 12)
    in_write, restarted = threading.Event(), threading.Event()

    def hold_during_restart(conn, cursor, statement, parameters, context, executemany):
        # the 4th submission is inside its transaction (token flipped, ballot being sealed)
        # when the server goes down under it
        if statement.lstrip().upper().startswith("INSERT INTO BALLOTS") and not in_write.is_set():
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


# -- the ballot box: killed or failing at any moment, nothing lost, nothing duplicated ------------

KILL_CHILD = """
import datetime as dt, sys
from verloop.store import Store
from verloop.surveys.submit import submit
store = Store.open(sys.argv[1], migrate=False)
for code in sys.argv[2:]:
    try:
        submit(store, code, {"engagement_1": 4, "engagement_2": 2, "enps_1": 9}, {"stop": "Minder AHT-sturing"},
               "nl", today=dt.date(2026, 3, 2))
    except Exception as exc:  # a used code after a kill between commit and print
        print("refused", code, type(exc).__name__, flush=True)
        continue
    print("accepted", code, flush=True)
"""


def test_killed_at_random_moments_loses_and_duplicates_no_submission(store, tmp_path):
    """Respondent processes are killed (SIGKILL) at random moments — while sealing, between the
    commit and the opening, while opening a batch. Afterwards every used code has exactly one
    ballot or response, and closing the wave opens each exactly once."""
    import random
    import signal
    import sys
    import time

    from verloop.store.schema import Ballot
    from verloop.surveys.waves import close_wave

    codes = prepare(store, 40)
    script = tmp_path / "child.py"
    script.write_text(KILL_CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(7)
    remaining, accepted, kills = list(codes), set(), 0
    while remaining:
        child = subprocess.Popen(
            [sys.executable, str(script), store.url, *remaining], stdout=subprocess.PIPE, text=True, env=env
        )
        if kills < 6:
            time.sleep(rng.uniform(1.0, 2.5))  # imports take ~1 s; then a few submissions
            child.send_signal(signal.SIGKILL)
            kills += 1
        out, _ = child.communicate(timeout=300)
        accepted |= {line.split()[1] for line in out.splitlines() if line.startswith("accepted")}
        with store.session() as s:
            used = s.scalar(select(func.count()).select_from(Token).where(Token.used))
            waiting = s.scalar(select(func.count()).select_from(Ballot))
            responses = s.scalar(select(func.count()).select_from(Response))
        assert waiting + responses == used, "every used code has exactly one sealed or opened submission"
        done = used
        remaining = codes[done:] if done < len(codes) else []
        # codes are used in order by one child at a time: the first `used` ones are spent
    assert accepted <= set(codes) and len(accepted) <= 40
    close_wave(store, "pulse-w1", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Ballot)) == 0
        per_response = s.execute(select(Answer.response_id, func.count()).group_by(Answer.response_id)).all()
        assert s.scalar(select(func.count()).select_from(Response)) == 40
    assert sorted(n for _, n in per_response) == [3] * 40, "no partial and no duplicated response"


def test_a_failure_while_opening_a_batch_keeps_the_ballots_sealed_until_later(store):
    """The database fails while a batch is opened: the respondent's submission is saved all the
    same (its ballot was committed), the batch rolls back whole, and a later opening or the
    wave's close opens every ballot exactly once."""
    from sqlalchemy.exc import OperationalError

    from verloop.store.schema import Ballot
    from verloop.surveys.waves import close_wave

    codes = prepare(store, 12)
    state = {"fail": True}

    def die_while_opening(conn, cursor, statement, parameters, context, executemany):
        if state["fail"] and statement.lstrip().upper().startswith("INSERT INTO RESPONSES"):
            state["fail"] = False
            raise OperationalError(statement, parameters, Exception("server closed the connection unexpectedly"))

    event.listen(store.engine, "before_cursor_execute", die_while_opening)
    try:
        for code in codes:
            submit(store, code, ANSWERS, COMMENTS, "nl", today=TODAY)  # the 10th triggers the failing opening
    finally:
        event.remove(store.engine, "before_cursor_execute", die_while_opening)
    assert not state["fail"], "an opening was attempted and failed"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Response)) == 6  # the 11th opened all but k = 5
        assert s.scalar(select(func.count()).select_from(Ballot)) == 6
    close_wave(store, "pulse-w1", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Ballot)) == 0
    assert totals(store) == {"responses": 12, "answers": 36, "comments": 12, "used": 12}
