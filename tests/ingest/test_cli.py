"""`verloop import employees|kpis` as users run it: text and --json, exit codes, every problem listed."""

from __future__ import annotations

import json

from verloop.cli import main
from verloop.ingest.samples import Style, sample_employees, sample_kpis, write_file

from .helpers import counts

HEADER = "employee_id,team,site,role,contract_hours,hire_date,exit_date,exit_type,regretted"


def test_import_employees_then_kpis(store, tmp_path, capsys):
    frame = sample_employees(50, seed=2, teams=3)
    path = write_file(frame, tmp_path / "e.csv", Style(separator=";", decimal=","))
    assert main(["import", "employees", str(path), "--db", store.url]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Imported 50 employees from") and "50 new" in out and "new teams:" in out
    assert "Writing 50 employees" in err
    kpis = write_file(sample_kpis(sorted(frame["team"].unique()), months=2), tmp_path / "k.csv")
    assert main(["import", "kpis", str(kpis), "--db", store.url, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["imported"] == 6 and result["inserted"] == 6 and result["kind"] == "KPI rows"
    assert counts(store)["kpis"] == 6


def test_json_success_and_rerun(store, tmp_path, capsys):
    path = write_file(sample_employees(10, seed=3), tmp_path / "e.csv")
    assert main(["import", "employees", str(path), "--db", store.url, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["imported"] == 10 and first["inserted"] == 10 and "password" not in first["database"]
    assert main(["import", "employees", str(path), "--db", store.url, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 10)


def test_problems_printed_and_exit_1(store, tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text(f"{HEADER}\nE1,A,S,,36,2020-01-01,,,\nE2,A,S,,72,2020-01-01,,,\nE3,A,S,,36,morgen,,,\n")
    assert main(["import", "employees", str(path), "--db", store.url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("Error: e.csv: 2 problems on 2 rows, so no employees were imported")
    assert lines[1].startswith("  - row 3, column contract_hours: value '72' — expected")
    assert lines[2].startswith("  - row 4, column hire_date: value 'morgen' — expected a date like")
    assert "Traceback" not in err
    assert counts(store)["employees"] == 0


def test_json_errors_are_structured(store, tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text(f"{HEADER}\nE1,A,S,,36,2020-01-01,,,\nE1,A,S,,36,2020-01-01,,,\n")
    assert main(["import", "employees", str(path), "--db", store.url, "--json"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["errors"] == [
        {"row": 3, "column": "employee_id", "value": "E1", "expected": "a unique employee_id; the same id is on row 2"}
    ]
    assert "1 problem" in report["message"] and err.startswith("Error:")


def test_missing_file_and_unknown_team(store, tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["import", "employees", str(missing), "--db", store.url]) == 1
    assert capsys.readouterr().err.strip() == f"Error: file not found: {missing}"
    assert main(["import", "kpis", str(missing), "--db", store.url, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"][0]["expected"] == f"file not found: {missing}"
    kpis = tmp_path / "k.csv"
    kpis.write_text("team,month,csat\nTeam X,2025-01,4\n")
    assert main(["import", "kpis", str(kpis), "--db", store.url]) == 1
    assert (
        "row 2, column team: value 'Team X' — expected a known team ('Team X' is not a known team; import "
        "employees first)" in capsys.readouterr().err
    )


def test_map_option(store, tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text("Personeelsnummer;Afdeling;Vestiging;Uren;In dienst;Naam\nP1;A;S;32;01-03-2020;Jan\n")
    argv = [
        "import",
        "employees",
        str(path),
        "--db",
        store.url,
        "--map",
        "Personeelsnummer=employee_id",
        "--map",
        "afdeling=team",
        "--map",
        "Vestiging=site",
        "--map",
        "uren=contract_hours",
        "--map",
        "In dienst=hire_date",
    ]
    assert main(argv) == 1
    assert "'Naam'" in capsys.readouterr().err
    assert main([*argv, "--map", "Naam="]) == 0
    assert counts(store)["employees"] == 1


def test_bad_database_url_is_one_sentence(tmp_path, capsys):
    path = write_file(sample_employees(3, seed=4), tmp_path / "e.csv")
    assert main(["import", "employees", str(path), "--db", "mysql://x@y/z"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: database 'mysql' is not supported") and "Traceback" not in err
