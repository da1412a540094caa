"""Retention curves as a door figure: lifelines Kaplan–Meier with delayed entry, the
organisation's k, complementary suppression across groupings (the door's auditor), and the
apps reaching no per-person rows."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.privacy.builders import org
from verloop.errors import InputError
from verloop.privacy import Door, check_published, suppress_people, training_rows
from verloop.store.schema import Team

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 1, 1)
MONTH = 365.25 / 12


def _styles(store, o, styles: dict[str, str]) -> None:
    with store.session() as s:
        for team, style in styles.items():
            s.get(Team, o.team_ids[team]).lead_style = style


def test_retention_is_lifelines_kaplan_meier_with_delayed_entry(store):
    from lifelines import KaplanMeierFitter

    o = org(store)
    o.team("Big", "Hub", 20, hired=dt.date(2020, 1, 1)).team("Mid", "Hub", 8, hired=dt.date(2024, 11, 1))
    o.leave("Big", 4, dt.date(2025, 6, 30))
    o.leave("Mid", 1, dt.date(2025, 8, 1))
    new = o.hire("Big", 10, dt.date(2025, 1, 1))
    o.employees["Big"] = new + o.employees["Big"]  # the next leavers are the new hires
    o.leave("Big", 2, dt.date(2025, 9, 1), "involuntary")
    o.wave("W1", dt.date(2025, 3, 3))  # the data begin with the first survey wave
    door = Door(store, today=TODAY)
    curves = door.retention(by="site")
    check_published(curves)
    assert set(curves["group"]) == {"Hub"} and not curves["suppressed"].any()

    # the same curve, fitted here from the dates: window = [first wave, last exit]; a person
    # enters at their tenure on its first day, and the curve covers 36 months of tenure
    start, end = pd.Timestamp("2025-03-03"), pd.Timestamp("2025-09-01")
    hire = pd.to_datetime(["2020-01-01"] * 20 + ["2024-11-01"] * 8 + ["2025-01-01"] * 10)
    leave = pd.to_datetime(
        ["2025-06-30"] * 4 + [None] * 16 + ["2025-08-01"] + [None] * 7 + ["2025-09-01"] * 2 + [None] * 8
    )
    stop = leave.where(leave.notna(), end)
    duration = np.asarray((stop - hire).days, dtype=float) / MONTH
    entry = np.clip(np.asarray((start - hire).days, dtype=float), 0, None) / MONTH
    duration = np.where(duration <= entry, entry + 1e-6, duration)
    early = entry < 36
    expected = KaplanMeierFitter().fit(
        np.minimum(duration, 36)[early], (leave.notna() & (duration <= 36))[early], entry=entry[early]
    )
    at = curves["months"].to_numpy()
    assert np.allclose(curves["survival"], expected.survival_function_at_times(at).to_numpy())
    assert curves["survival"].min() < 1  # the 2025 and 2024 hires who left
    assert (curves["at_risk"] >= door.policy.k).all()
    assert (curves["lower"] <= curves["survival"] + 1e-12).all()
    assert (curves["upper"] >= curves["survival"] - 1e-12).all()
    # the 2024 hires enter at 4 months, the 2025 hires at 2: nobody is at risk before that
    assert curves["months"].min() == pytest.approx(61 / MONTH)
    summary = door.retention_summary(by="cohort")
    check_published(summary)
    assert list(summary["group"]) == ["2024", "2025", "< 2023"]
    assert summary.set_index("group").loc["2025", "leavers"] == 2
    assert summary["n"].sum() == 38  # everyone at risk inside the window
    # hired in 2020: nobody of them was in their first 36 months inside the HR data
    assert summary.set_index("group").loc["< 2023", "note"].startswith("no curve")
    with pytest.raises(InputError):
        door.retention(by="tenure_band")


def test_retention_uses_the_organisations_k_never_the_callers(store):
    from verloop.store.settings import update_settings

    o = org(store)
    o.team("A1", "Amsterdam", 12, hired=dt.date(2024, 1, 1)).team("R1", "Rotterdam", 7, hired=dt.date(2024, 1, 1))
    o.team("U1", "Utrecht", 12, hired=dt.date(2024, 1, 1))
    o.leave("A1", 2, dt.date(2025, 5, 1))
    shown = Door(store, today=TODAY).retention(by="site")
    assert not shown.loc[shown["group"] == "Rotterdam", "suppressed"].any()
    with store.session() as s:
        update_settings(s, "test", min_group_size=8)
    door = Door(store, today=TODAY)
    curves = door.retention(by="site")
    check_published(curves)
    rotterdam = curves[curves["group"] == "Rotterdam"]
    assert len(rotterdam) == 1 and rotterdam["suppressed"].all() and rotterdam["reason"].eq("min_group").all()
    assert rotterdam["note"].iloc[0] == "fewer than 8 employees"
    assert curves.loc[curves["suppressed"], "survival"].isna().all()
    # the complement: another site is hidden too, or Rotterdam = all cohorts − the rest
    assert curves.drop_duplicates("group")["suppressed"].sum() >= 2
    # a curve stops where fewer than k remain at risk
    assert (curves.loc[~curves["suppressed"], "at_risk"] >= 8).all()
    with pytest.raises(TypeError):
        door.retention(by="site", k=3)  # no k from the caller


def _crossing_org(store):
    """Sites hide B1 and C1; lead styles pair them with A1 and A2, and the 2024 cohort is A1:
    servant − cohort 2024 = B1, which within-grouping suppression alone would publish."""
    o = org(store)
    o.team("A1", "A", 6, hired=dt.date(2024, 3, 1)).team("A2", "A", 6, hired=dt.date(2025, 2, 1))
    o.team("B1", "B", 3, hired=dt.date(2025, 2, 1)).team("C1", "C", 3, hired=dt.date(2025, 2, 1))
    _styles(store, o, {"A1": "servant", "B1": "servant", "A2": "neutral", "C1": "neutral"})
    o.leave("A2", 1, dt.date(2025, 6, 1))
    o.leave("A1", 1, dt.date(2025, 11, 3))
    return o


def test_the_auditor_hides_groups_that_other_groupings_would_give_away(store):
    _crossing_org(store)
    door = Door(store, today=TODAY)
    styles = door.retention_summary(by="lead_style")
    check_published(styles)
    assert styles["suppressed"].all() and set(styles["reason"]) == {"complement"}
    # suppression of the lead-style grouping on its own would have shown both styles
    alone = suppress_people(pd.DataFrame({"group": ["neutral", "servant"], "n": [9, 9]}), k=5, strata=[])
    assert not alone["suppressed"].any()
    sites = door.retention_summary(by="site").set_index("group")
    assert sites.loc["A", "n"] == 12 and sites.loc[["B", "C"], "suppressed"].all()
    cohorts = door.retention_summary(by="cohort")
    assert not cohorts["suppressed"].any()
    log = door.audit_log()
    assert set(log["figure"]) == {"retention"} and set(log["grouping"]) == {"cohort", "site", "lead_style"}
    assert (log["k"] == 5).all() and not log.loc[log["grouping"] == "lead_style", "shown"].any()
    # the same outcome whichever grouping is asked first
    other = Door(store, today=TODAY)
    pd.testing.assert_frame_equal(other.retention_summary(by="lead_style"), styles)


def test_retention_per_site_and_scope(store):
    from verloop.privacy.scope import Scope

    o = _crossing_org(store)
    door = Door(store, today=TODAY)
    a = door.retention_summary(by="lead_style", filters={"site": "A"})
    assert set(a["group"]) == {"servant", "neutral"} and a["n"].sum() == 12
    lead = Door(store, today=TODAY, scope=Scope.lead([o.team_ids["A1"]]))
    mine = lead.retention_summary(by="site")
    assert list(mine["group"]) == ["A"] and int(mine["n"].iloc[0]) == 6


def test_training_rows_is_the_one_way_to_per_person_rows(store):
    o = org(store)
    o.team("A1", "Amsterdam", 6)
    door = Door(store, today=TODAY)
    rows = training_rows(door)
    assert len(rows) == 6 and {"id", "team", "hire_date", "exit_date", "contract_type"} <= set(rows.columns)
    assert len(training_rows(store)) == 6
    with pytest.raises(InputError):
        training_rows(door, what="answers")
    assert not hasattr(door, "employees") and not hasattr(door, "survey")


def test_no_app_reaches_per_person_rows():
    """Pages and their figure code ask the door for published frames only: no per-person
    loader, no private door method, no training_rows outside model code."""
    private = {"_employees", "_survey", "_values", "load_employees", "load_survey_data"}
    offenders = []
    for path in sorted((ROOT / "verloop" / "apps").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
            if name in private:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
            if name == "training_rows" and path.name != "modelcards.py":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} training_rows outside model code")
    assert offenders == []
