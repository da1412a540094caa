"""The one submission path: exactly the values given, atomically, once per token, unlinkable."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re

import pytest
from sqlalchemy import func, inspect, select

from tests.privacy.builders import reveal
from verloop.errors import StoreError, SurveyError
from verloop.store.schema import Answer, Comment, Response, Site, Team, Token, Wave
from verloop.surveys.submit import submit
from verloop.surveys.tokens import SurveyRefusal, issue_tokens, new_code
from verloop.surveys.waves import close_wave, open_wave

TODAY = dt.date(2026, 3, 2)


def setup_waves(store, *kinds: str) -> None:
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add_all([Team(name="Team Noord", site_id=site.id), Team(name="Team Zuid", site_id=site.id)])
    for kind in kinds or ("pulse",):
        open_wave(store, kind, f"{kind}-w1", opens=TODAY, today=TODAY)


def codes(store, n=1, kind="pulse", team="Team Noord") -> list[str]:
    return [t.code for t in issue_tokens(store, f"{kind}-w1", team, n, today=TODAY)]


def counts(store) -> dict[str, int]:
    """What is stored, after opening every sealed ballot (as closing the waves would)."""
    reveal(store)
    with store.session() as s:
        return {
            "responses": s.scalar(select(func.count()).select_from(Response)),
            "answers": s.scalar(select(func.count()).select_from(Answer)),
            "comments": s.scalar(select(func.count()).select_from(Comment)),
            "used": s.scalar(select(func.count()).select_from(Token).where(Token.used)),
        }


def test_submission_stores_exactly_what_was_given(store):
    setup_waves(store)
    (code,) = codes(store, team="Team Zuid")
    answers = {"engagement_1": 5, "engagement_2": 1, "wellbeing_1": 0, "enps_1": 10, "autonomy_1": None}
    comments = {"stop": "  Stoppen met AHT-sturing 😤 — “écht”\nTweede regel <b>vet</b>  ", "start": "   "}
    receipt = submit(store, code, answers, comments, "en", today=TODAY)
    assert (receipt.wave, receipt.kind, receipt.submitted_on, receipt.answers, receipt.comments) == (
        "pulse-w1",
        "pulse",
        TODAY,
        4,
        1,
    )
    assert not any(re.fullmatch(r"[0-9a-f]{32}", str(v)) for v in vars(receipt).values())  # no response id

    assert reveal(store) == 1
    with store.session() as s:
        response = s.scalar(select(Response))
        assert re.fullmatch(r"[0-9a-f]{32}", response.id)
        assert (response.language, response.submitted_on, response.reason) == ("en", TODAY, None)
        assert s.get(Team, response.team_id).name == "Team Zuid"  # the team comes from the token
        stored = {a.item_id: a.value for a in s.scalars(select(Answer))}
        assert stored == {"engagement_1": 5.0, "engagement_2": 1.0, "wellbeing_1": 0.0, "enps_1": 10.0}
        texts = {c.question: c.text for c in s.scalars(select(Comment))}
        assert texts == {"stop": "Stoppen met AHT-sturing 😤 — “écht”\nTweede regel <b>vet</b>"}
    # nothing in the response tables can lead back to the token, a person or a time of day
    for table in ("responses", "answers", "comments"):
        for column in inspect(store.engine).get_columns(table):
            assert "token" not in column["name"] and "employee" not in column["name"]
            assert "DATETIME" not in str(column["type"]).upper() and "TIMESTAMP" not in str(column["type"]).upper()


def test_exit_reason_and_skipped_reason(store):
    setup_waves(store, "exit", "followup")
    exit_code, skipped = codes(store, 2, kind="exit")
    (followup_code,) = codes(store, kind="followup")
    submit(
        store, exit_code, {"workload_1": 4}, {"comment": "Te weinig mandaat."}, "nl", reason="no_mandate", today=TODAY
    )
    submit(store, skipped, {}, {"comment": "Liever niet zeggen."}, "nl", reason=None, today=TODAY)
    submit(store, followup_code, {"candour_1": 5}, {}, "nl", reason="team_lead", today=TODAY, kind="followup")
    reveal(store)
    with store.session() as s:
        reasons = sorted((r.reason or "-") for r in s.scalars(select(Response)))
    assert reasons == ["-", "no_mandate", "team_lead"]


def test_replayed_forged_and_wrong_survey_tokens_are_refused(store):
    setup_waves(store, "pulse", "exit")
    code, other = codes(store, 2)
    (exit_code,) = codes(store, kind="exit")
    submit(store, code, {"engagement_1": 3}, {}, "nl", today=TODAY)
    before = counts(store)
    with pytest.raises(SurveyRefusal, match="already been used") as replay:
        submit(store, code.lower().replace("-", " "), {"engagement_1": 4}, {}, "nl", today=TODAY)
    assert "al gebruikt" in replay.value.text("nl")
    for forged in (new_code(), other[:-1] + ("0" if other[-1] != "0" else "1")):
        with pytest.raises(SurveyRefusal, match="not known"):
            submit(store, forged, {"engagement_1": 4}, {}, "nl", today=TODAY)
    with pytest.raises(SurveyRefusal, match="not a valid code"):
        submit(store, "' OR 1=1 --", {"engagement_1": 4}, {}, "nl", today=TODAY)
    with pytest.raises(SurveyRefusal, match=r"another survey \(exit\)"):
        submit(store, exit_code, {"engagement_1": 4}, {}, "nl", today=TODAY, kind="pulse")
    assert counts(store) == before


def test_closed_and_not_yet_open_waves_refuse(store):
    setup_waves(store)
    early, late = codes(store, 2)
    with pytest.raises(SurveyRefusal, match="opens on 2026-03-02"):
        submit(store, early, {"engagement_1": 3}, {}, "nl", today=TODAY - dt.timedelta(days=1))
    close_wave(store, "pulse-w1", today=TODAY)
    with pytest.raises(SurveyRefusal, match="survey is closed") as closed:
        submit(store, late, {"engagement_1": 3}, {}, "nl", today=TODAY + dt.timedelta(days=1))
    assert "gesloten" in closed.value.text("nl")
    assert counts(store) == {"responses": 0, "answers": 0, "comments": 0, "used": 0}


BAD_INPUT = [
    ({"engagement_1": 6}, {}, "nl", None, "outside 1–5"),
    ({"engagement_1": 0}, {}, "nl", None, "outside 1–5"),
    ({"enps_1": 11}, {}, "nl", None, "outside 0–10"),
    ({"engagement_1": 2.5}, {}, "nl", None, "not a whole number"),
    ({"engagement_1": "4"}, {}, "nl", None, "not a number"),
    ({"engagement_1": True}, {}, "nl", None, "not a number"),
    ({"engagement_1": float("inf")}, {}, "nl", None, "not a whole number"),
    ({"no_such_item": 3}, {}, "nl", None, "unknown item id"),
    ({"engagement_1": 3, "<script>": 3}, {}, "nl", None, "unknown item id"),
    (["engagement_1", 3], {}, "nl", None, "mapping"),
    ({"engagement_1": 3}, {"stop": "x" * 2001}, "nl", None, "2001 characters"),
    ({"engagement_1": 3}, {"nope": "text"}, "nl", None, "unknown open question"),
    ({"engagement_1": 3}, {"stop": 42}, "nl", None, "must be text"),
    ({"engagement_1": 3}, {"stop": "a\x00b"}, "nl", None, "NUL"),
    ({"engagement_1": 3}, {"stop": "broken \ud800 surrogate"}, "nl", None, "lone surrogate"),
    ({"engagement_1": 3}, "stop it", "nl", None, "mapping"),
    ({"engagement_1": 3}, {}, "de", None, "language must be one of nl, en"),
    ({"engagement_1": 3}, {}, None, None, "language must be one of nl, en"),
    ({"engagement_1": 3}, {}, "nl", "pay", "asks no reason"),
]


@pytest.mark.parametrize("answers, comments, language, reason, message", BAD_INPUT)
def test_bad_input_is_refused_with_nothing_stored(store, answers, comments, language, reason, message):
    setup_waves(store)
    (code,) = codes(store)
    with pytest.raises(SurveyError, match=re.escape(message)) as refused:
        submit(store, code, answers, comments, language, reason, today=TODAY)
    assert str(refused.value)[0].islower() and str(refused.value).endswith(".")  # one sentence
    assert counts(store) == {"responses": 0, "answers": 0, "comments": 0, "used": 0}
    submit(store, code, {"engagement_1": 3}, {}, "nl", today=TODAY)  # the token still works
    assert counts(store)["responses"] == 1


def test_unknown_exit_reason_is_refused(store):
    setup_waves(store, "exit")
    (code,) = codes(store, kind="exit")
    with pytest.raises(SurveyError, match="unknown reason 'bored'"):
        submit(store, code, {}, {}, "nl", reason="bored", today=TODAY)
    assert counts(store)["responses"] == 0


def test_markup_in_comments_is_kept_as_text(store):
    setup_waves(store)
    (code,) = codes(store)
    text = "<script>alert('x')</script><img src=x onerror=alert(1)> =HYPERLINK(\"http://evil\") 'quote\" ; DROP TABLE responses; --"
    submit(store, code, {}, {"start": text}, "nl", today=TODAY)
    reveal(store)
    with store.session() as s:
        assert s.scalar(select(Comment.text)) == text
        assert s.scalar(select(func.count()).select_from(Response)) == 1


def _race(url: str, race_codes: list[str], barrier, results) -> None:
    """One of two processes submitting the same codes at the same moments (module level:
    spawned processes import it). Reports per code: accepted, or the refusal's key."""
    from verloop.store import Store

    store = Store.open(url, migrate=False)
    try:
        for code in race_codes:
            barrier.wait(timeout=120)
            try:
                submit(store, code, {"engagement_1": 4}, {"stop": "tegelijk"}, "nl", today=TODAY)
                results.put((code, "accepted"))
            except SurveyRefusal as exc:
                results.put((code, exc.key))
            except Exception as exc:  # anything else fails the test with its description
                results.put((code, f"{type(exc).__name__}: {exc}"))
    finally:
        store.dispose()


@pytest.mark.slow
def test_same_token_from_two_processes_is_accepted_once(store):
    setup_waves(store)
    race_codes = codes(store, 5)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_race, args=(store.url, race_codes, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes: dict[str, list[str]] = {code: [] for code in race_codes}
    for _ in range(2 * len(race_codes)):
        code, outcome = results.get(timeout=180)
        outcomes[code].append(outcome)
    for worker in workers:
        worker.join(timeout=60)
    for code, seen in outcomes.items():
        assert sorted(seen) == ["accepted", "token_used"], (code, seen)
    assert counts(store) == {"responses": 5, "answers": 5, "comments": 5, "used": 5}


def test_a_token_spent_between_check_and_flip_is_caught(store):
    """The worst case of the race: B submits the same token after A has checked it and before
    A flips it. On PostgreSQL nothing blocks B, and only A's conditional UPDATE can notice; on
    SQLite A's transaction holds the write lock from its first statement (BEGIN IMMEDIATE), so
    B has to wait and is the one refused. Either way: exactly one response."""
    import threading

    from sqlalchemy import event

    setup_waves(store)
    (code,) = codes(store)
    outcome: dict[str, object] = {}

    def run_b():
        try:
            outcome["b"] = submit(store, code, {"engagement_1": 1}, {}, "en", today=TODAY)
        except SurveyRefusal as exc:
            outcome["b"] = exc.key

    def b_sneaks_in(conn, cursor, statement, parameters, context, executemany):
        if "b_thread" not in outcome and statement.lstrip().upper().startswith("UPDATE TOKENS"):
            outcome["b_thread"] = thread = threading.Thread(target=run_b)
            thread.start()
            thread.join(timeout=1.0)  # PostgreSQL: B is done; SQLite: B waits for A's lock

    event.listen(store.engine, "before_cursor_execute", b_sneaks_in)
    try:
        try:
            outcome["a"] = submit(store, code, {"engagement_1": 5}, {}, "nl", today=TODAY)
        except SurveyRefusal as exc:
            outcome["a"] = exc.key
        outcome["b_thread"].join(timeout=60)
    finally:
        event.remove(store.engine, "before_cursor_execute", b_sneaks_in)
    refused, accepted, language = ("a", "b", "en") if store.backend == "postgresql" else ("b", "a", "nl")
    assert outcome[refused] == "token_used"
    assert outcome[accepted].language == language
    reveal(store)
    with store.session() as s:
        assert [r.language for r in s.scalars(select(Response))] == [language]


def test_a_wave_closed_between_check_and_write_refuses(store, monkeypatch):
    """HR closes the wave while a respondent's answers are being checked: the write re-checks
    the wave in the same conditional UPDATE and refuses, nothing is stored."""
    import verloop.surveys.submit as submit_module

    setup_waves(store)
    (code,) = codes(store)
    real = submit_module.validate_submission

    def close_meanwhile(*args):
        checked = real(*args)
        close_wave(store, "pulse-w1", today=TODAY)
        return checked

    monkeypatch.setattr(submit_module, "validate_submission", close_meanwhile)
    with pytest.raises(SurveyRefusal, match="survey is closed"):
        submit(store, code, {"engagement_1": 3}, {}, "nl", today=TODAY + dt.timedelta(days=1))
    assert counts(store) == {"responses": 0, "answers": 0, "comments": 0, "used": 0}


def test_a_token_is_bound_to_its_wave(store):
    setup_waves(store)
    open_wave(store, "pulse", "pulse-w2", opens=TODAY, today=TODAY)
    (code,) = [t.code for t in issue_tokens(store, "pulse-w2", "Team Noord", 1, today=TODAY)]
    submit(store, code, {"engagement_1": 2}, {}, "nl", today=TODAY)
    reveal(store)
    with store.session() as s:
        wave = s.get(Wave, s.scalar(select(Response.wave_id)))
        assert wave.name == "pulse-w2"


def test_database_failure_mid_write_rolls_back_and_a_retry_lands_once(store):
    """The connection dies while the sealed answers are written: nothing is kept, the token stays
    unused, and the same submission sent again is stored exactly once."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    setup_waves(store)
    (code,) = codes(store)
    state = {"fail": True}

    def die_on_answers(conn, cursor, statement, parameters, context, executemany):
        if state["fail"] and statement.lstrip().upper().startswith("INSERT INTO BALLOTS"):
            state["fail"] = False
            raise OperationalError(statement, parameters, Exception("server closed the connection unexpectedly"))

    event.listen(store.engine, "before_cursor_execute", die_on_answers)
    try:
        with pytest.raises(StoreError, match="nothing was saved, try again"):
            submit(store, code, {"engagement_1": 4, "engagement_2": 2}, {"stop": "x"}, "nl", today=TODAY)
        assert counts(store) == {"responses": 0, "answers": 0, "comments": 0, "used": 0}
        submit(store, code, {"engagement_1": 4, "engagement_2": 2}, {"stop": "x"}, "nl", today=TODAY)
        with pytest.raises(SurveyRefusal, match="already been used"):
            submit(store, code, {"engagement_1": 4, "engagement_2": 2}, {"stop": "x"}, "nl", today=TODAY)
    finally:
        event.remove(store.engine, "before_cursor_execute", die_on_answers)
    assert counts(store) == {"responses": 1, "answers": 2, "comments": 1, "used": 1}
