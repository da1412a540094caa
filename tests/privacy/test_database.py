"""Reading the database directly: nothing links an answer to a person, a token or a moment.

Inspected on the real migrated schema of both backends (the ``store`` fixture): every table
that holds answers (responses, answers, comments) and the token table. Responses are written
through the survey apps' own submission path (``verloop.surveys.submit``).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from scipy.stats import spearmanr
from sqlalchemy import inspect, select, text

from tests.privacy.builders import org
from verloop.store.schema import Response

TODAY = dt.date(2026, 3, 2)
PERSON_WORDS = (
    "employee",
    "hr_id",
    "person",
    "name",
    "email",
    "mail",
    "ip",
    "agent",
    "cookie",
    "session",
    "user",
    "token",
    "hash",
    "sequence",
    "seq",
    "created",
    "time",
    "timestamp",
)
ANSWER_TABLES = ("responses", "answers", "comments")


def submitted(store, count: int) -> list[str]:
    """Submit ``count`` questionnaires through the app's path and close the wave (which opens
    the last sealed ballots and tidies the files); return the codes."""
    from verloop.surveys.submit import submit
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import close_wave, open_wave

    o = org(store)
    o.team("Team", "Hub", count)
    open_wave(store, "pulse", "P1", opens=TODAY, today=TODAY)
    codes = [t.code for t in issue_tokens(store, "P1", "Team", count, today=TODAY)]
    for i, code in enumerate(codes):
        # the i-th submission answers enps_1 = i % 11 and writes comment "c{i}": submission order is known
        submit(
            store,
            code,
            {"enps_1": i % 11, "engagement_1": 1 + i % 5},
            {"start": f"c{i:03d}"},
            today=TODAY,
            kind="pulse",
        )
    close_wave(store, "P1", today=TODAY)
    return codes


def test_no_column_of_an_answer_table_can_point_at_a_person_a_token_or_a_moment(store):
    inspector = inspect(store.engine)
    for table in ANSWER_TABLES:
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        suspicious = [
            c for c in columns if any(word in c.lower() for word in PERSON_WORDS) and c not in ("response_id",)
        ]
        assert not suspicious, f"{table} has columns that could identify someone: {suspicious}"
        for name, column in columns.items():
            kind = str(column["type"]).upper()
            assert "TIME" not in kind, f"{table}.{name} is {kind}: a time finer than a day"
            assert "INTERVAL" not in kind
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert targets <= {"waves", "teams", "sites", "responses"}, f"{table} references {targets}"
        assert "employees" not in targets and "tokens" not in targets
    responses = {c["name"]: c for c in inspector.get_columns("responses")}
    assert "DATE" in str(responses["submitted_on"]["type"]).upper()
    # identity columns and sequences are absent: the key is a random text
    assert str(responses["id"]["type"]).upper().startswith(("VARCHAR", "CHAR", "TEXT"))
    assert responses["id"].get("autoincrement") is not True
    # the token table keeps a hash, its wave and team and a used flag — never a response
    token_columns = {c["name"] for c in inspector.get_columns("tokens")}
    assert token_columns == {"token_hash", "wave_id", "team_id", "used", "sealed_link"}
    assert not [fk for fk in inspector.get_foreign_keys("tokens") if fk["referred_table"] == "responses"]


def test_answer_tables_fill_no_column_themselves_no_clock_no_sequence(store):
    with store.engine.connect() as connection:
        if store.backend == "postgresql":
            defaults = connection.execute(
                text(
                    "SELECT table_name, column_name, column_default FROM information_schema.columns "
                    "WHERE table_name IN ('responses', 'answers', 'comments') AND column_default IS NOT NULL"
                )
            ).all()
        else:
            defaults = [
                (table, row[1], row[4])
                for table in ANSWER_TABLES
                for row in connection.execute(text(f"PRAGMA table_info('{table}')")).all()
                if row[4] is not None
            ]
    assert not defaults, f"answer tables must not fill columns themselves (clock, sequence): {defaults}"


def test_submitted_responses_have_random_ids_and_their_key_order_hides_submission_order(store):
    submitted(store, 60)
    with store.session() as s:
        rows = s.execute(select(Response.id, Response.submitted_on).order_by(Response.id)).all()
        answers = dict(s.execute(text("SELECT response_id, value FROM answers WHERE item_id = 'enps_1'")).all())
        comments = dict(s.execute(text("SELECT response_id, text FROM comments")).all())
    ids = [r.id for r in rows]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert {r.submitted_on for r in rows} == {TODAY}, "only the day is kept"
    # the submission index of each response, read back in primary-key order
    order = [int(comments[i][1:]) for i in ids]
    assert sorted(order) == list(range(60))
    rho = spearmanr(order, range(60)).statistic
    assert abs(rho) < 0.5, f"primary-key order follows submission order (Spearman {rho:.2f})"
    assert order != sorted(order) and order != sorted(order, reverse=True)
    # the ids themselves carry no clock: no common prefix growing with time
    prefixes = [int(i[:8], 16) for i in ids_in_submission_order(ids, order)]
    assert abs(spearmanr(prefixes, range(60)).statistic) < 0.5
    assert len(answers) == 60


def ids_in_submission_order(ids: list[str], order: list[int]) -> list[str]:
    return [i for _, i in sorted(zip(order, ids))]


def test_the_physical_row_order_does_not_reveal_submission_order(store):
    """After the wave closes: SQLite's answer tables are WITHOUT ROWID (rows in random-id order)
    and the file is rebuilt by VACUUM; PostgreSQL's heap is rewritten by CLUSTER on the random
    primary keys. Before the close, answers arrive k at a time in shuffled order anyway."""
    submitted(store, 40)
    physical = "ORDER BY r.ctid" if store.backend == "postgresql" else ""
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT r.id, c.text FROM responses r JOIN comments c ON c.response_id = r.id {physical}")
        ).all()
    order = [int(t[1:]) for _, t in rows]
    assert len(order) == 40
    assert abs(spearmanr(order, np.arange(len(order))).statistic) < 0.5
    if store.backend == "postgresql":  # the answers' heap too, not only the responses'
        with store.engine.connect() as connection:
            values = connection.execute(text("SELECT c.text FROM comments c ORDER BY c.ctid")).scalars().all()
        assert abs(spearmanr([int(t[1:]) for t in values], np.arange(40)).statistic) < 0.5
