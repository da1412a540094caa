"""Writing a synthetic organisation into the store: counts, values, settings, atomicity.

Every test here uses the ``store`` fixture, so it runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from verloop.errors import StoreError
from verloop.store.schema import (
    Answer,
    Comment,
    Employee,
    Instrument,
    InstrumentItem,
    Invitation,
    Response,
    SettingsChange,
    Site,
    Team,
    TeamAction,
    TeamKpi,
    Wave,
)
from verloop.store.settings import get_settings
from verloop.synth import SynthConfig, generate, write

MODELS = {
    "sites": Site,
    "teams": Team,
    "employees": Employee,
    "kpis": TeamKpi,
    "waves": Wave,
    "invitations": Invitation,
    "responses": Response,
    "answers": Answer,
    "comments": Comment,
    "team_actions": TeamAction,
}


@functools.lru_cache(maxsize=4)
def small_org(mode: str = "anonymous"):
    return generate(SynthConfig(seed=4, employees=120, months=6, mode=mode))


def table_counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(model.__table__)).scalar()
            for name, model in MODELS.items()
        }


def test_write_puts_every_row_in_and_returns_the_counts(store):
    org = small_org()
    progress = []
    counts = write(store, org, chunk_rows=1000, progress=lambda t, done, total: progress.append((t, done, total)))
    assert {k: v for k, v in counts.items() if k in MODELS} == org.row_counts()
    assert table_counts(store) == org.row_counts()
    assert counts["instruments"] == 3
    assert ("answers", len(org.answers), len(org.answers)) in progress
    assert len([p for p in progress if p[0] == "answers"]) == -(-len(org.answers) // 1000)
    with store.session() as session:
        keys = dict(session.execute(select(Instrument.id, Instrument.key)).all())
        assert sorted(keys.values()) == ["exit", "followup", "pulse"]
        assert session.scalar(select(func.count()).select_from(InstrumentItem)) > 30
        waves = session.execute(select(Wave.name, Wave.kind, Wave.instrument_id, Wave.token_salt)).all()
        assert all(keys[w.instrument_id] == w.kind for w in waves)
        salts = [w.token_salt for w in waves]
        assert len(set(salts)) == len(salts) and all(len(s) == 32 for s in salts)
        assert get_settings(session).survey_mode == "anonymous"


def test_values_read_back_as_written(store):
    org = small_org()
    write(store, org)
    with store.engine.connect() as connection:
        employees = pd.read_sql(select(Employee.__table__).order_by(Employee.id), connection)
        kpis = pd.read_sql(select(TeamKpi.__table__).order_by(TeamKpi.team_id, TeamKpi.month), connection)
        total = connection.execute(select(func.sum(Answer.value))).scalar()
        responses = pd.read_sql(select(Response.__table__), connection)
    expected = org.employees
    assert employees["hr_id"].tolist() == expected["hr_id"].tolist()
    assert pd.to_datetime(employees["hire_date"]).tolist() == expected["hire_date"].tolist()
    assert employees["exit_date"].isna().tolist() == expected["exit_date"].isna().tolist()
    left = expected["exit_date"].notna()
    assert pd.to_datetime(employees.loc[left, "exit_date"]).tolist() == expected.loc[left, "exit_date"].tolist()
    assert employees["exit_type"].tolist() == expected["exit_type"].tolist()
    regretted = [None if pd.isna(v) else bool(v) for v in employees["regretted"]]
    assert regretted == [None if v is pd.NA else bool(v) for v in expected["regretted"]]
    assert kpis["aht_s"].tolist() == org.kpis.sort_values(["team_id", "month"])["aht_s"].tolist()
    assert total == pytest.approx(org.answers["value"].sum())
    assert set(responses["id"]) == set(org.responses["id"])
    assert responses["pseudonym"].isna().all()

    # the ORM reads the dates back as dates
    with store.session() as session:
        first = session.get(Employee, 1)
        assert first.hire_date == org.employees.loc[0, "hire_date"].date()


def test_confidential_mode_sets_the_setting_and_logs_it(store):
    org = small_org("confidential")
    write(store, org)
    with store.session() as session:
        assert get_settings(session).survey_mode == "confidential"
        change = session.scalars(select(SettingsChange).where(SettingsChange.field == "survey_mode")).one()
        assert change.new_value == "confidential" and "synth" in change.changed_by
        pseudonyms = session.scalars(select(Response.pseudonym).where(Response.pseudonym.is_not(None))).all()
    assert len(pseudonyms) == org.responses["pseudonym"].notna().sum() > 0


def test_a_second_write_is_refused_and_changes_nothing(store):
    org = small_org()
    write(store, org)
    before = table_counts(store)
    with pytest.raises(StoreError, match="already holds data"):
        write(store, generate(SynthConfig(seed=5, employees=40, months=3)))
    assert table_counts(store) == before


def test_a_failing_write_leaves_the_database_empty(store):
    org = small_org()
    broken = generate(SynthConfig(seed=4, employees=120, months=6))
    broken.answers = pd.concat(
        [org.answers, pd.DataFrame({"response_id": ["f" * 32], "item_id": ["engagement_1"], "value": [3.0]})],
        ignore_index=True,
    )  # an answer to a response that does not exist: a foreign-key violation at the very end
    with pytest.raises(Exception):
        write(store, broken)
    assert all(v == 0 for v in table_counts(store).values())
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Instrument)).scalar() == 0


def test_later_inserts_get_fresh_ids(store):
    org = small_org()
    write(store, org)
    with store.session() as session:
        site = Site(name="Nieuwe locatie")
        session.add(site)
        session.flush()
        assert site.id == len(org.sites) + 1
        action = TeamAction(
            team_id=1, cycle="manual", stop_text="x", start_text="y", created_on=org.config.end_date, status="open"
        )
        session.add(action)
        session.flush()
        assert action.id == len(org.team_actions) + 1


def test_no_database_column_links_a_response_to_a_person(store):
    write(store, small_org())
    with store.engine.connect() as connection:
        hr_ids = {r[0] for r in connection.execute(text("SELECT hr_id FROM employees"))}
        rows = connection.execute(select(Response.__table__)).mappings().all()
    for row in rows:
        assert not (set(map(str, row.values())) & hr_ids)
    assert {c.name for c in Response.__table__.columns}.isdisjoint({"employee_id", "hr_id", "token_hash"})


def test_the_package_exports_the_write_function_even_after_the_module_is_imported():
    import importlib

    import verloop.synth

    module = importlib.import_module("verloop.synth.write")
    from verloop.synth import write as exported

    assert callable(verloop.synth.write) and exported is module.write
