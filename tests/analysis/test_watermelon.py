"""The watermelon detector (issue 14): KPI targets the organisation sets (logged), the estimator
on the door's watermelon frame, the export, and recovery of the generator's truth on one seed.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from verloop.analysis.watermelon import (
    CORNER_BELOW,
    RED_BELOW,
    WatermelonDetector,
    certainty_band,
    default_targets,
    detect,
    kpi_targets,
    set_kpi_target,
)
from verloop.errors import ConfigError, InputError

# -- KPI targets ------------------------------------------------------------------------------------


def test_targets_default_until_set_and_every_change_is_logged(sqlite_store):
    from sqlalchemy import select

    from verloop.store.schema import SettingsChange

    with sqlite_store.session() as s:
        before = kpi_targets(s).set_index("kpi")
    assert before.loc["aht_s", "active"] and before.loc["aht_s", "direction"] == "lower"
    assert set(before["source"]) == {"default"}
    with sqlite_store.session() as s:
        row = set_kpi_target(s, "aht_s", "HR Anna", active=False)
        set_kpi_target(s, "service_level", "HR Anna", target=85.0)
        set_kpi_target(s, "service_level", "HR Anna", target=85.0)  # no change: not logged twice
    assert row == {"kpi": "aht_s", "target": 360.0, "direction": "lower", "active": False}
    with sqlite_store.session() as s:
        after = kpi_targets(s).set_index("kpi")
        log = s.execute(
            select(SettingsChange.field, SettingsChange.old_value, SettingsChange.new_value, SettingsChange.changed_by)
        ).all()
    assert not after.loc["aht_s", "active"] and after.loc["aht_s", "source"] == "set"
    assert after.loc["service_level", "target"] == 85.0
    assert ("kpi_target.aht_s.active", "True", "False", "HR Anna") in log
    assert ("kpi_target.service_level.target", "80.0", "85.0", "HR Anna") in log
    assert sum(1 for f, *_ in log if f == "kpi_target.service_level.target") == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(kpi="speed", changed_by="x", target=1.0), "unknown KPI 'speed'"),
        (dict(kpi="csat", changed_by="x", target=7.0), "outside 1–5"),
        (dict(kpi="csat", changed_by="x", direction="up"), "'higher' or 'lower'"),
        (dict(kpi="csat", changed_by="x", target=float("nan")), "must be a number"),
    ],
)
def test_bad_targets_are_refused_with_one_sentence_and_change_nothing(sqlite_store, kwargs, message):
    with pytest.raises(InputError, match=message):
        with sqlite_store.session() as s:
            set_kpi_target(s, **kwargs)
    with sqlite_store.session() as s:
        assert set(kpi_targets(s)["source"]) == {"default"}
    with pytest.raises(ConfigError, match="say who"):
        with sqlite_store.session() as s:
            set_kpi_target(s, "csat", " ", target=4.0)


# -- the estimator on hand-made frames -----------------------------------------------------------------


def frame_of(teams: int = 24, seed: int = 0, red: tuple[int, ...] = (0, 1, 2, 3)) -> pd.DataFrame:
    """A watermelon frame of ``teams`` teams on two sites; ``red`` teams hit AHT and service
    level while their people figures are low — the pattern the detector must find."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(teams):
        bad = i in red
        row = {
            "team": f"T{i:02d}",
            "site": "A" if i % 2 else "B",
            "group": f"T{i:02d}",
            "level": "team",
            "aht_s": (325 if bad else 370) + rng.normal(0, 10),
            "service_level": (88 if bad else 82) + rng.normal(0, 1.5),
            "csat": 3.85 + rng.normal(0, 0.05),
            "absenteeism": (8.3 if bad else 6.5) + rng.normal(0, 0.4),
            "kpi_months": 12,
            "waves_shown": 7,
            "waves_hidden": 1,
            "suppressed": False,
            "reason": "",
            "note": "",
        }
        for kpi in ("aht_s", "service_level", "csat", "absenteeism"):
            row[f"{kpi}_sd"] = {"aht_s": 10, "service_level": 2, "csat": 0.05, "absenteeism": 0.7}[kpi]
        for scale, shift in (("engagement", -0.4), ("leadership", -0.8), ("workload", 0.6)):
            row[scale] = 3.3 + (shift if bad else 0.0) + rng.normal(0, 0.15)
            row[f"{scale}_var"] = 0.7
            row[f"{scale}_n"] = 60.0
        row["voluntary"], row["person_years"] = (8.0 if bad else 3.0) + rng.poisson(1), 11.0
        row["voluntary_rate"] = row["voluntary"] / row["person_years"] * 100
        row["n"] = 60
        rows.append(row)
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    return out


def test_detector_finds_the_red_teams_and_says_how_sure_it_is():
    frame = frame_of()
    detector = WatermelonDetector().fit(frame)
    assessed = detector.assess(frame)
    assert set(assessed.loc[assessed["flag"], "team"]) == {"T00", "T01", "T02", "T03"}
    assert detector.predict(frame).sum() == 4
    assert ((assessed["certainty"] >= 0.5) & (assessed["certainty"] <= 1.0)).all()
    assert (assessed.loc[assessed["flag"], "red_scales"].str.len() > 0).all()
    assert set(",".join(assessed.loc[assessed["flag"], "red_scales"]).split(",")) <= {
        "engagement",
        "leadership",
        "workload",
        "voluntary_rate",
        "absenteeism",
    }
    proba = detector.predict_proba(frame)
    assert proba.shape == (24, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(np.argsort(-detector.risk_score(frame))[:4]) == {0, 1, 2, 3}  # the reddest ranked first
    assert certainty_band(0.95) == "high" and certainty_band(0.75) == "medium" and certainty_band(0.55) == "low"
    assert certainty_band(float("nan")) == ""


def test_a_hidden_team_is_never_judged_and_a_small_team_is_drawn_to_its_site():
    frame = frame_of()
    frame.loc[0, "suppressed"] = True
    for column in [c for c in frame.columns if c.startswith(("engagement", "leadership", "workload"))]:
        frame.loc[0, column] = np.nan
    frame.loc[0, ["voluntary", "voluntary_rate"]] = np.nan
    out = detect(frame)
    assert not out.loc[0, "watermelon"] and np.isnan(out.loc[0, "people_status"]) and np.isnan(out.loc[0, "certainty"])
    # the same extreme mean from 6 answers moves further towards the site than from 60
    few, many = frame_of(), frame_of()
    for f, n in ((few, 6.0), (many, 60.0)):
        f.loc[5, "leadership"] = 1.8
        f.loc[5, "leadership_n"] = n
    z_few = WatermelonDetector().fit(few)._composite(few)[2].loc[5, "leadership"]
    z_many = WatermelonDetector().fit(many)._composite(many)[2].loc[5, "leadership"]
    assert z_many < z_few < 0


def test_a_centre_that_dropped_aht_is_judged_without_it():
    frame = frame_of()
    targets = default_targets()
    targets.loc[targets["kpi"] == "aht_s", "active"] = False
    with_aht = WatermelonDetector().fit(frame).assess(frame)
    without = WatermelonDetector(targets=targets).fit(frame).assess(frame)
    assert (with_aht["kpis_counted"] == 3).all() and (without["kpis_counted"] == 2).all()
    assert not np.allclose(with_aht["kpi_status"], without["kpi_status"])
    nothing = targets.assign(active=False)
    assert not WatermelonDetector(targets=nothing).fit(frame).predict(frame).any()  # nothing can be green


def test_wrong_input_is_refused_precisely():
    with pytest.raises(InputError, match="fit the detector"):
        WatermelonDetector().assess(frame_of())
    with pytest.raises(InputError, match="lacks"):
        WatermelonDetector().fit(pd.DataFrame({"team": ["a"]}))
    with pytest.raises(InputError, match="DataFrame"):
        WatermelonDetector().fit([1, 2])
    hidden = frame_of().assign(suppressed=True)
    with pytest.raises(InputError, match="no team has people figures"):
        WatermelonDetector().fit(hidden)
    with pytest.raises(InputError, match="'higher' or 'lower'"):
        WatermelonDetector(targets=default_targets().assign(direction="up")).fit(frame_of())


# -- the CLI: settings and export -----------------------------------------------------------------------


def test_cli_sets_a_kpi_target_and_exports_the_watermelon_table(sqlite_store, tmp_path, capsys):
    from tests.privacy.test_attacks import four_person_team
    from verloop.cli import main

    four_person_team(sqlite_store)
    url = sqlite_store.url
    assert main(["settings", "kpi-target", "aht_s", "--inactive", "--by", "HR Anna", "--db", url]) == 0
    assert "does not count" in capsys.readouterr().out
    assert main(["settings", "kpi-targets", "--db", url, "--json"]) == 0
    shown = {r["kpi"]: r for r in json.loads(capsys.readouterr().out)}
    assert shown["aht_s"]["active"] is False and shown["csat"]["active"] is True
    assert main(["settings", "kpi-target", "aht_s", "--by", "x", "--db", url]) == 1
    assert "nothing to change" in capsys.readouterr().err
    out = tmp_path / "watermelon.csv"
    assert (
        main(
            [
                "export",
                "watermelon",
                "--by",
                "team",
                "--out",
                str(out),
                "--db",
                url,
                "--start",
                "2025-01-01",
                "--end",
                "2025-12-31",
            ]
        )
        == 0
    )
    table = pd.read_csv(out)
    for column in ("team", "site", "kpi_status", "people_status", "flag", "certainty", "n", "suppressed", "note"):
        assert column in table.columns
    north3 = table[table["team"] == "North 3"].iloc[0]
    assert north3["suppressed"] and pd.isna(north3["people_status"]) and "fewer than 5" in north3["note"]
    assert main(["export", "watermelon", "--by", "site", "--out", str(out), "--db", url]) == 1
    assert "per team" in capsys.readouterr().err


# -- the generator's truth (one seed, through the door) ---------------------------------------------------

TRUTH_SEED = 9  # not one of the benchmark's seeds 1–8, on which the threshold was chosen


@pytest.mark.slow
def test_the_detector_recovers_the_generators_watermelon_teams(tmp_path):
    """Seed 9, 600 positions, last 12 months, through the door as the page reads it. Measured:
    precision 1.00, recall 1.00 (9 of 9), no team hidden, AUC 0.94. Floors, with room for
    another machine's numerics: precision ≥ 0.7, recall ≥ 0.7, at most 15 % of teams hidden,
    and the people status ranks the truth's high-risk teams with ROC AUC ≥ 0.8.
    bench/detectors.py gives the figures over seeds 1–8 (and 9–12 held out)."""
    from sklearn.metrics import roc_auc_score

    from verloop.privacy import Door
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        org = generate(SynthConfig(employees=600, seed=TRUTH_SEED))
    store = Store.open(f"sqlite:///{tmp_path / 'truth.db'}")
    try:
        write(store, org)
        status = detect(Door(store).watermelon())
    finally:
        store.dispose()
    teams = pd.DataFrame(org.truth["teams"]).set_index("name")
    shown = ~status["suppressed"].astype(bool)
    true = status["team"].map(teams["watermelon"]).astype(bool)
    flag = status["watermelon"].astype(bool)
    tp = int((flag & true & shown).sum())
    precision, recall = tp / max(int(flag.sum()), 1), tp / max(int((true & shown).sum()), 1)
    high = status["team"].map(teams["high_risk"]).astype(bool)
    auc = roc_auc_score(high[shown], -status.loc[shown, "people_status"])
    measured = f"precision {precision:.2f}, recall {recall:.2f}, hidden {1 - shown.mean():.2f}, AUC {auc:.2f}"
    assert precision >= 0.7 and recall >= 0.7, measured
    assert 1 - shown.mean() <= 0.15, measured
    assert auc >= 0.8, measured
    assert status.loc[flag, "certainty"].between(0.5, 1.0).all()
    flagged = status[flag]  # each of the three probabilities is ≥ 0.5, so the point estimates agree
    assert (flagged["kpi_status"] >= 0).all() and (flagged["people_status"] <= RED_BELOW).all()
    assert (flagged["watermelon_gap"] <= CORNER_BELOW).all()
