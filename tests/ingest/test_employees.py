"""Employee import on SQLite and PostgreSQL: round trips, upserts, and whole-file refusals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from verloop.errors import InputError
from verloop.ingest import import_employees
from verloop.ingest.samples import Style, sample_employees, write_file

from .helpers import counts, expected, snapshot, stored_employees

TODAY = dt.date(2025, 7, 1)
HEADER = "employee_id,team,site,role,contract_hours,hire_date,exit_date,exit_type,regretted"

STYLES = {
    "iso-comma": Style(),
    "dutch-excel": Style(
        separator=";",
        decimal=",",
        dates="nl",
        bom=True,
        booleans=("ja", "nee"),
        exit_words=("Vrijwillig", "ONVRIJWILLIG"),
    ),
    "tab-short-dates": Style(separator="\t", decimal=",", dates="nl_short", booleans=("1", "0")),
    "slash-dates": Style(separator=",", decimal=",", dates="slash", booleans=("true", "false")),
}


@pytest.mark.parametrize("style", list(STYLES), ids=list(STYLES))
def test_round_trip_equals_the_file(store, tmp_path, style):
    frame = sample_employees(120, seed=5)
    path = write_file(frame, tmp_path / "e.csv", STYLES[style])
    result = import_employees(store, path, today=TODAY)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (120, 120, 0, 0)
    assert sorted(result.new_teams) == sorted(frame["team"].unique())
    pd.testing.assert_frame_equal(stored_employees(store), expected(frame, "employee_id"))


def test_xlsx_round_trip(store, tmp_path):
    frame = sample_employees(60, seed=6)
    path = write_file(frame, tmp_path / "e.xlsx")
    import_employees(store, path, today=TODAY)
    pd.testing.assert_frame_equal(stored_employees(store), expected(frame, "employee_id"))


def test_same_file_twice_changes_nothing(store, tmp_path):
    frame = sample_employees(80, seed=7)
    path = write_file(frame, tmp_path / "e.csv", STYLES["dutch-excel"])
    import_employees(store, path, today=TODAY)
    before = snapshot(store)
    again = import_employees(store, path, today=TODAY)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 80)
    assert again.new_sites == [] and again.new_teams == []
    assert snapshot(store) == before


def test_changed_rows_update_records(store, tmp_path):
    frame = sample_employees(40, seed=8)
    import_employees(store, write_file(frame, tmp_path / "a.csv"), today=TODAY)
    changed = frame.copy()
    current = changed.index[changed["exit_date"].isna()][:2]
    changed.loc[current[0], ["exit_date", "exit_type", "regretted"]] = [dt.date(2025, 5, 31), "voluntary", True]
    changed.loc[current[1], "team"] = "Team Nieuw"
    changed.loc[changed.index[5], "contract_hours"] = 28.5
    extra = sample_employees(3, seed=99)
    changed = pd.concat([changed, extra], ignore_index=True)
    result = import_employees(store, write_file(changed, tmp_path / "b.csv"), today=TODAY)
    assert (result.inserted, result.updated, result.unchanged) == (3, 3, 40 - 3)
    assert result.new_teams == ["Team Nieuw"]
    pd.testing.assert_frame_equal(stored_employees(store), expected(changed, "employee_id"))
    assert counts(store)["employees"] == 43


def test_absent_optional_columns_keep_stored_values(store, tmp_path):
    frame = sample_employees(30, seed=9)
    import_employees(store, write_file(frame, tmp_path / "full.csv"), today=TODAY)
    slim = frame[["employee_id", "team", "site", "contract_hours", "hire_date"]].copy()
    slim["contract_hours"] = 20.0
    result = import_employees(store, write_file(slim, tmp_path / "slim.csv"), today=TODAY)
    assert result.updated == (frame["contract_hours"] != 20.0).sum()
    want = frame.copy()
    want["contract_hours"] = 20.0
    pd.testing.assert_frame_equal(stored_employees(store), expected(want, "employee_id"))


def test_teams_and_sites_match_existing_names_loosely(store, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(f"{HEADER}\nE1,Team A,Utrecht,,36,2020-01-01,,,\n")
    import_employees(store, path, today=TODAY)
    path.write_text(f"{HEADER}\nE2, team  a ,UTRECHT,coach,36,2020-01-01,,,\n")
    result = import_employees(store, path, today=TODAY)
    assert result.new_teams == [] and result.new_sites == []
    assert counts(store)["teams"] == 1
    stored = stored_employees(store)
    assert list(stored["team"]) == ["Team A", "Team A"] and list(stored["role"]) == ["agent", "coach"]


def test_new_team_sits_at_the_site_most_rows_name(store, tmp_path):
    from sqlalchemy import text

    path = tmp_path / "e.csv"
    path.write_text(
        f"{HEADER}\nE1,Team A,Zwolle,,36,2020-01-01,,,\nE2,Team A,Utrecht,,36,2020-01-01,,,\n"
        "E3,Team A,Utrecht,,36,2020-01-01,,,\n"
    )
    import_employees(store, path, today=TODAY)
    with store.engine.connect() as connection:
        site = connection.execute(text("select s.name from teams t join sites s on s.id = t.site_id")).scalar()
    assert site == "Utrecht"


def test_one_bad_row_refuses_the_whole_file(store, tmp_path):
    frame = sample_employees(200, seed=10)
    import_employees(store, write_file(frame.iloc[:50], tmp_path / "first.csv"), today=TODAY)
    before = snapshot(store)
    text = write_file(frame, tmp_path / "all.csv").read_text().splitlines()
    cells = text[120].split(",")
    cells[5] = "31-02-2024"  # hire_date of spreadsheet row 121
    text[120] = ",".join(cells)
    (tmp_path / "bad.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(InputError) as info:
        import_employees(store, tmp_path / "bad.csv", today=TODAY)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(121, "hire_date", "31-02-2024")]
    assert "1 problem" in str(info.value) and "no employees were imported" in str(info.value)
    assert snapshot(store) == before


def test_every_problem_is_reported(store, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        f"{HEADER}\n"
        "E1,Team A,Utrecht,agent,36,2020-01-01,,,\n"
        ",Team A,Utrecht,agent,0,2020-01-01,,,\n"  # row 3: no id, 0 hours
        "E3,,Utrecht,agent,61,2020-13-01,,,\n"  # row 4: no team, 61 hours, bad date
        "E4,Team A,Utrecht,agent,36,2020-01-01,2019-12-31,voluntary,yes\n"  # row 5: exit before hire
        "E5,Team A,Utrecht,agent,36,2020-01-01,2021-01-01,,\n"  # row 6: exit without type
        "E6,Team A,Utrecht,agent,36,2020-01-01,,ontslag,\n"  # row 7: bad type without exit
        "E1,Team A,Utrecht,agent,36,2020-01-01,,,\n"  # row 8: duplicate id
        "E8,Team A,Utrecht,agent,36,2099-01-01,,,\n"  # row 9: far future
        "E9,Team A,Utrecht,agent,36,2020-01-01,,,ja\n"  # row 10: regretted but still employed
    )
    with pytest.raises(InputError) as info:
        import_employees(store, path, today=TODAY)
    found = [(p.row, p.column) for p in info.value.problems]
    assert found == [
        (3, "employee_id"),
        (3, "contract_hours"),
        (4, "team"),
        (4, "contract_hours"),
        (4, "hire_date"),
        (5, "exit_date"),
        (6, "exit_type"),
        (7, "exit_type"),
        (8, "employee_id"),
        (9, "hire_date"),
        (10, "regretted"),
    ]
    assert "the same id is on row 2" in info.value.problems[8]
    assert info.value.problems[0].startswith("row 3, column employee_id: value '' — expected")
    assert counts(store) == {"sites": 0, "teams": 0, "employees": 0, "kpis": 0}


def test_dutch_exit_words_and_case(store, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        f"{HEADER}\nE1,A,S,,36,2020-01-01,01-06-2024,VRIJWILLIG,Nee\nE2,A,S,,36,2020-01-01,2024-06-01,Onvrijwillig,\n"
    )
    import_employees(store, path, today=TODAY)
    stored = stored_employees(store)
    assert list(stored["exit_type"]) == ["voluntary", "involuntary"]
    assert list(stored["regretted"]) == [False, None]


def test_long_ids_and_names_are_refused_not_truncated(store, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(f"{HEADER}\n{'E' * 101},{'T' * 201},S,,36,2020-01-01,,,\n")
    with pytest.raises(InputError) as info:
        import_employees(store, path, today=TODAY)
    assert [p.column for p in info.value.problems] == ["employee_id", "team"]
    assert counts(store)["employees"] == 0


def test_left_out_columns_are_checked_against_stored_values(store, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(f"{HEADER}\nE1,A,S,,36,2020-01-06,2021-03-31,voluntary,yes\nE2,A,S,,36,2020-01-06,,,\n")
    import_employees(store, path, today=TODAY)
    before = snapshot(store)
    # A new hire date after the exit date that the file leaves in place would break the record.
    path.write_text("employee_id,team,site,contract_hours,hire_date\nE1,A,S,36,2022-01-01\nE2,A,S,36,2022-01-01\n")
    with pytest.raises(InputError) as info:
        import_employees(store, path, today=TODAY)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "hire_date")]
    assert "exit date stored for E1 (2021-03-31)" in info.value.problems[0]
    # Clearing the exit of a regretted leaver without a regretted column would leave 'regretted' behind.
    path.write_text("employee_id,team,site,contract_hours,hire_date,exit_date,exit_type\nE1,A,S,36,2020-01-06,,\n")
    with pytest.raises(InputError) as info:
        import_employees(store, path, today=TODAY)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "exit_date")]
    assert snapshot(store) == before
    # With the regretted column the same change is fine.
    path.write_text(
        "employee_id,team,site,contract_hours,hire_date,exit_date,exit_type,regretted\nE1,A,S,36,2020-01-06,,,\n"
    )
    assert import_employees(store, path, today=TODAY).updated == 1
    assert stored_employees(store).loc[0, ["exit_date", "exit_type", "regretted"]].tolist() == [None, None, None]


def test_exit_date_and_exit_type_columns_come_together(store, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("employee_id,team,site,contract_hours,hire_date,exit_date\nE1,A,S,36,2020-01-06,\n")
    with pytest.raises(InputError, match="exit_date column but no exit_type column"):
        import_employees(store, path, today=TODAY)
