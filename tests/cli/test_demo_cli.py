"""`verloop demo` then `verloop status --json`: the README's promise for a new user."""

from __future__ import annotations

import json

import pytest

from verloop.cli import main


@pytest.mark.slow
def test_demo_seed_1_builds_a_realistic_organisation(store, tmp_path, capsys):
    truth = tmp_path / "truth.json"
    assert main(["demo", "--db", store.url, "--seed", "1", "--truth", str(truth)]) == 0
    capsys.readouterr()
    assert main(["status", "--db", store.url, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["current_employees"] >= 540  # headcount ~600, roughly stable
    assert figures["employees"] >= 600
    assert figures["pulse_responses"] > 1000
    assert figures["kpi_rows"] >= figures["teams"] * 24
    assert figures["leavers"] > 0 and figures["exit_responses"] > 0
    assert figures["waves"] >= 15
    assert "@" not in figures["database"] or ":***@" in figures["database"] or "verloop@" in figures["database"]
    ground_truth = json.loads(truth.read_text())
    assert ground_truth  # parsed JSON object
    assert isinstance(ground_truth, dict) and len(ground_truth) >= 3

    # a second demo into the same database is refused with one sentence, nothing changes
    assert main(["demo", "--db", store.url, "--seed", "2", "--truth", str(tmp_path / "t2.json")]) == 1
    assert "already holds an organisation" in capsys.readouterr().err
    assert main(["status", "--db", store.url, "--json"]) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again == figures


def test_demo_into_unreachable_database_is_one_sentence(capsys):
    assert main(["demo", "--db", "postgresql+psycopg://x:y@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "Traceback" not in err
