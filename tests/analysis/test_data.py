"""Tidy loaders for the researcher notebooks, read back from a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from verloop.analysis import data


@pytest.fixture
def written(store, small_synth):
    from verloop.synth import write

    write(store, small_synth)
    url = store.engine.url.render_as_string(hide_password=False)
    return data.open_org(url)


def test_loaders_read_back_what_was_written(written, small_synth):
    """One test per backend (writing the organisation is the slow part)."""
    org = written
    overview = data.overview(org).set_index("what")["value"]
    assert overview["employees (HR records)"] == len(small_synth.employees)
    assert overview["voluntary leavers"] == int((small_synth.employees["exit_type"] == "voluntary").sum())
    assert overview["minimum group size k"] == data.min_group_size(org) == 5
    teams = data.team_context(org)
    assert list(teams["lead_style"].cat.categories) == ["servant", "neutral", "taylorist"]
    assert set(teams["site"]) == set(small_synth.sites["name"])

    long = data.scale_scores_long(org)
    assert long["score"].dtype == "float64" and isinstance(long["scale"].dtype, pd.CategoricalDtype)
    assert long["team"].notna().all() and long["lead_style"].notna().all()
    assert long["response_id"].nunique() == len(org.scale_scores())
    assert "pseudonym" not in long.columns  # nothing that could link an answer to a person

    employees = data.employees_frame(org)
    assert len(employees) == len(small_synth.employees)
    assert set(employees["contract"].dropna()) <= {"full-time", "part-time"}
    part_time = employees["contract_hours"] < 32
    assert (employees.loc[part_time, "contract"] == "part-time").all()

    reasons = data.exit_reasons(org)
    assert set(reasons["source"].cat.categories) == {"stated", "honest"}
    assert (reasons["source"] == "stated").sum() == int(small_synth.exits["responded_exit"].sum())
    assert (reasons["source"] == "honest").sum() == int(small_synth.exits["responded_followup"].sum())
    assert list(reasons["reason"].cat.categories)[:3] == ["pay", "schedule", "workload"]
    assert data.reason_labels(org, "nl")["team_lead"] == "Mijn teamleider"


def test_truth_is_found_beside_a_sqlite_demo_database(tmp_path, monkeypatch, small_synth):
    from verloop.synth import write_truth

    monkeypatch.delenv("VERLOOP_TRUTH", raising=False)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert data.truth_path(url) is None and data.load_truth(url) is None
    write_truth(small_synth, tmp_path / "demo.truth.json")
    assert data.truth_path(url) == tmp_path / "demo.truth.json"
    assert data.load_truth(url)["seed"] == small_synth.config.seed
    assert data.truth_path("postgresql+psycopg://u:p@localhost:5432/x") is None


def test_database_url_prefers_argument_then_environment(monkeypatch):
    monkeypatch.setenv("VERLOOP_DB", "sqlite:////tmp/from-env.db")
    assert data.database_url("sqlite:////tmp/given.db") == "sqlite:////tmp/given.db"
    assert data.database_url() == "sqlite:////tmp/from-env.db"
    monkeypatch.delenv("VERLOOP_DB")
    checkout = Path(data.__file__).resolve().parents[2] / "var" / "verloop.db"
    assert data.database_url() == (f"sqlite:///{checkout}" if checkout.is_file() else None)
