"""KPI import on SQLite and PostgreSQL: round trips, upserts on (team, month), refusals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from verloop.errors import InputError
from verloop.ingest import import_employees, import_kpis
from verloop.ingest.samples import Style, sample_employees, sample_kpis, write_file

from .helpers import counts, expected, snapshot, stored_kpis

TODAY = dt.date(2025, 7, 1)
KEYS = ["team", "month"]


@pytest.fixture
def teams(store, tmp_path) -> list[str]:
    frame = sample_employees(60, seed=1, teams=4)
    import_employees(store, write_file(frame, tmp_path / "employees.csv"), today=TODAY)
    return sorted(frame["team"].unique())


@pytest.mark.parametrize(
    "style",
    [Style(), Style(separator=";", decimal=",", months="nl", bom=True), Style(separator="\t", months="day")],
    ids=["iso", "dutch", "tab-first-day"],
)
def test_round_trip_equals_the_file(store, tmp_path, teams, style):
    frame = sample_kpis(teams, months=6, end=dt.date(2025, 6, 1))
    result = import_kpis(store, write_file(frame, tmp_path / "k.csv", style), today=TODAY)
    assert (result.rows, result.inserted) == (24, 24)
    pd.testing.assert_frame_equal(stored_kpis(store), expected(frame, KEYS))


def test_xlsx_round_trip(store, tmp_path, teams):
    frame = sample_kpis(teams, months=3)
    import_kpis(store, write_file(frame, tmp_path / "k.xlsx"), today=TODAY)
    pd.testing.assert_frame_equal(stored_kpis(store), expected(frame, KEYS))


def test_upsert_on_team_and_month(store, tmp_path, teams):
    frame = sample_kpis(teams, months=4)
    path = write_file(frame, tmp_path / "k.csv")
    import_kpis(store, path, today=TODAY)
    before = snapshot(store)
    again = import_kpis(store, path, today=TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 16)
    assert snapshot(store) == before
    changed = frame.copy()
    changed.loc[0, "csat"] = 1.0
    changed.loc[3, "aht_s"] = float("nan")  # an emptied cell becomes unknown
    more = sample_kpis(teams[:1], months=1, end=dt.date(2025, 7, 1))
    changed = pd.concat([changed, more], ignore_index=True)
    result = import_kpis(store, write_file(changed, tmp_path / "k2.csv"), today=TODAY)
    assert (result.inserted, result.updated, result.unchanged) == (1, 2, 14)
    pd.testing.assert_frame_equal(stored_kpis(store), expected(changed, KEYS))


def test_absent_measures_are_kept(store, tmp_path, teams):
    frame = sample_kpis(teams, months=2)
    import_kpis(store, write_file(frame, tmp_path / "k.csv"), today=TODAY)
    partial = frame[["team", "month", "csat"]].assign(csat=2.5)
    result = import_kpis(store, write_file(partial, tmp_path / "p.csv"), today=TODAY)
    assert result.updated == 8
    pd.testing.assert_frame_equal(stored_kpis(store), expected(frame.assign(csat=2.5), KEYS))


def test_unknown_team_is_an_error_and_names_the_row(store, tmp_path, teams):
    path = tmp_path / "k.csv"
    path.write_text(
        f"team,month,csat\n{teams[0]},2025-01,4\n{teams[1]},2025-01,4\n"
        + "\n" * 3
        + f"Team X,2025-01,4\n{teams[0].lower()}  ,2025-02,4\nTeamm 01,2025-01,4\n"
    )
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_kpis(store, path, today=TODAY)
    problems = info.value.problems
    assert [(p.row, p.column, p.value) for p in problems] == [(7, "team", "Team X"), (9, "team", "Teamm 01")]
    assert "'Team X' is not a known team; import employees first" in problems[0]
    assert "did you mean 'Team 01'?" in problems[1]
    assert snapshot(store) == before


def test_every_problem_is_reported(store, tmp_path, teams):
    a = teams[0]
    path = tmp_path / "k.csv"
    path.write_text(
        "team;month;aht_s;service_level;csat;fcr;repeat_rate;absenteeism\n"
        f"{a};2025-01;300;80;4;70;10;5\n"
        f"{a};2025-02;0;100,5;5,5;-1;101;abc\n"  # row 3: every measure out of range
        f"{a};13-2025;7200;;;;;\n"  # row 4: bad month, aht at the limit
        f"{a};2025-01-15;300;80;4;70;10;5\n"  # row 5: same team and month as row 2
        f"{a};2031-01;300;80;4;70;10;5\n"  # row 6: future month
        f";2025-03;300;80%;4;70%;10;5\n"  # row 7: no team
        f"Team X;2025-03;300;80%;4;70%;10;5\n"  # row 8: unknown team, reported with the rest
    )
    with pytest.raises(InputError) as info:
        import_kpis(store, path, today=TODAY)
    found = [(p.row, p.column) for p in info.value.problems]
    assert found == [
        (3, "aht_s"),
        (3, "service_level"),
        (3, "csat"),
        (3, "fcr"),
        (3, "repeat_rate"),
        (3, "absenteeism"),
        (4, "month"),
        (4, "aht_s"),
        (5, "month"),
        (6, "month"),
        (7, "team"),
        (8, "team"),
    ]
    assert "is also on row 2" in info.value.problems[8]
    assert counts(store)["kpis"] == 0


def test_a_file_without_measures_is_refused(store, tmp_path, teams):
    path = tmp_path / "k.csv"
    path.write_text(f"team,month\n{teams[0]},2025-01\n")
    with pytest.raises(InputError, match="no KPI columns"):
        import_kpis(store, path, today=TODAY)
