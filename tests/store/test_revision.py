"""The data revision: every write that can change a published figure bumps it in the same
transaction (database triggers, migration 0002), on SQLite and PostgreSQL; nothing else does."""

from __future__ import annotations

import datetime as dt
import importlib
import threading

import pytest
from sqlalchemy import delete, inspect, text, update

from verloop.store import bump_revision, data_revision
from verloop.store.schema import (
    Answer,
    Base,
    Comment,
    Employee,
    Instrument,
    InstrumentItem,
    Invitation,
    KpiTarget,
    Response,
    Site,
    Team,
    TeamAction,
    TeamKpi,
    Token,
    Wave,
)
from verloop.store.settings import update_settings

MIGRATION = importlib.import_module("verloop.store.migrations.versions.0002_revision_kpi_targets")
# Tables that feed no figure: the audit log of settings, survey codes (their use is counted by
# responses), sealed ballots (they count once opened into responses, whose INSERT bumps), the
# revision itself and Alembic's bookkeeping.
NO_FIGURES = {
    "settings_changes",
    "tokens",
    "ballots",
    "data_revision",
    "alembic_version",
    # issue 13: accounts and their access log feed no figure (migration 0004)
    "accounts",
    "account_teams",
    "access_log",
    "access_settings",
}


def revision(store) -> int:
    with store.session() as s:
        return data_revision(s)


def bumps(store, write) -> int:
    before = revision(store)
    with store.session() as s:
        write(s)
    return revision(store) - before


@pytest.fixture
def org(store):
    """A site, a team, an employee, a pulse instrument and a wave."""
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        team = Team(name="Team 1", site_id=site.id)
        s.add(team)
        s.flush()
        s.add(Employee(hr_id="E1", team_id=team.id, site_id=site.id, contract_hours=36, hire_date=dt.date(2022, 1, 1)))
        instrument = Instrument(
            key="pulse", version=1, content_hash="x" * 64, definition="{}", created_on=dt.date(2025, 1, 1)
        )
        s.add(instrument)
        s.flush()
        s.add(InstrumentItem(instrument_id=instrument.id, item_id="q1", scale="engagement", min_value=1, max_value=5))
        wave = Wave(name="2025-01", instrument_id=instrument.id, kind="pulse", opens_on=dt.date(2025, 1, 1))
        s.add(wave)
        s.flush()
        return {"site": site.id, "team": team.id, "wave": wave.id}


def test_every_table_that_feeds_a_figure_has_its_trigger(store):
    tables = set(inspect(store.engine).get_table_names())
    covered = set(MIGRATION.FIGURE_TABLES) | set(MIGRATION.RIDING_TABLES)
    assert tables - covered - NO_FIGURES == set(), "a new table needs revision triggers in its migration"
    assert set(Base.metadata.tables) - covered - NO_FIGURES == set()


def test_writes_bump_the_revision_once_in_their_transaction(store, org):
    team, wave = org["team"], org["wave"]
    assert (
        bumps(
            store,
            lambda s: s.execute(
                update(Employee)
                .where(Employee.hr_id == "E1")
                .values(exit_date=dt.date(2025, 3, 1), exit_type="voluntary")
            ),
        )
        >= 1
    )
    assert bumps(store, lambda s: s.execute(update(Team).values(team_lead="Anna"))) >= 1
    assert bumps(store, lambda s: s.add(TeamKpi(team_id=team, month=dt.date(2025, 1, 1), csat=4.1))) >= 1
    assert bumps(store, lambda s: s.add(Invitation(wave_id=wave, team_id=team, invited=12))) >= 1
    assert bumps(store, lambda s: s.execute(update(Wave).values(status="closed"))) >= 1
    assert bumps(store, lambda s: update_settings(s, "test", annual_salary_eur=35000.0)) >= 1
    assert bumps(store, lambda s: s.add(KpiTarget(kpi="csat", target=3.8, direction="higher"))) >= 1
    assert bumps(store, lambda s: s.add(TeamAction(team_id=team, cycle="c1", created_on=dt.date(2025, 2, 1)))) >= 1

    def submit(s):
        response = Response(wave_id=wave, team_id=team, submitted_on=dt.date(2025, 1, 2), language="nl")
        response.answers = [Answer(item_id="q1", value=4.0)]
        response.comments = [Comment(question="comment", text="fijn team")]
        s.add(response)

    assert bumps(store, submit) == 1  # one submission, one bump (at commit on PostgreSQL)
    assert bumps(store, lambda s: s.execute(update(Answer).values(value=3.0))) >= 1
    assert bumps(store, lambda s: s.execute(delete(Comment))) >= 1
    assert bumps(store, lambda s: s.execute(delete(Response))) >= 1
    assert bumps(store, lambda s: s.add(Token(token_hash="h" * 64, wave_id=wave, team_id=team))) == 0
    assert bumps(store, lambda s: s.execute(text("SELECT count(*) FROM employees"))) == 0  # reads do not
    assert bumps(store, bump_revision) == 1  # for what the triggers cannot see (model cards)


def test_a_rolled_back_write_leaves_the_revision(store, org):
    before = revision(store)
    with pytest.raises(RuntimeError):
        with store.session() as s:
            s.execute(update(Employee).values(exit_type="involuntary", exit_date=dt.date(2025, 5, 1)))
            bump_revision(s)
            raise RuntimeError("import refused")
    assert revision(store) == before


def test_a_recreated_revision_row_starts_somewhere_random(store):
    with store.session() as s:
        s.execute(text("DELETE FROM data_revision"))
        assert data_revision(s) == 0
        s.add(Site(name="Ede"))
        s.flush()
        assert data_revision(s) > 1000  # not 1 again: old cache entries are never met


def test_concurrent_submissions_on_postgresql_are_not_serialised_before_commit(store, org):
    """The submission bump runs at COMMIT: a second submission's transaction is not blocked by a
    first one that inserted its response and has not committed yet."""
    if store.backend != "postgresql":
        pytest.skip("SQLite serialises writers by design (BEGIN IMMEDIATE)")
    team, wave = org["team"], org["wave"]
    first = store.engine.connect()
    tx = first.begin()
    first.execute(
        Response.__table__.insert().values(
            id="a" * 32, wave_id=wave, team_id=team, submitted_on=dt.date(2025, 1, 2), language="nl"
        )
    )
    done = threading.Event()

    def second():
        with store.session() as s:
            s.add(Response(wave_id=wave, team_id=team, submitted_on=dt.date(2025, 1, 2), language="en"))
        done.set()

    thread = threading.Thread(target=second)
    before = revision(store)
    thread.start()
    assert done.wait(10), "the second submission waited for the first one's transaction"
    tx.commit()
    first.close()
    thread.join()
    assert revision(store) == before + 2
