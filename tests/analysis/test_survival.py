"""Kaplan–Meier by group with left truncation, the log-rank test, suppression of small groups."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from verloop.analysis import figures, survival
from verloop.errors import InputError


def _random_groups(n=240, seed=0):
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n)
    scale = np.select([group == "a", group == "b"], [8.0, 12.0], 16.0)
    duration = rng.exponential(scale).round(2) + 0.01
    event = rng.random(n) < 0.75
    return duration, event, group


# -- the tenure table ------------------------------------------------------------------------------


def _employees() -> pd.DataFrame:
    d = pd.Timestamp
    return pd.DataFrame(
        {
            "employee_id": [1, 2, 3, 4, 5, 6],
            "hire_date": [
                d("2020-01-01"),
                d("2024-03-01"),
                d("2024-06-01"),
                d("2019-05-01"),
                d("2024-02-01"),
                d("2024-09-15"),
            ],
            "exit_date": [pd.NaT, d("2024-09-01"), d("2024-12-01"), d("2023-06-01"), d("2024-04-01"), pd.NaT],
            "exit_type": [None, "voluntary", "involuntary", "voluntary", "voluntary", None],
            "site": ["x", "x", "y", "y", "x", "y"],
        }
    )


def test_tenure_table_left_truncation_censoring_and_cohorts():
    table = survival.tenure_table(_employees(), start="2024-01-01", end="2024-12-31")
    rows = table.set_index("employee_id")
    assert 4 not in rows.index  # left before the window: not in the risk set
    month = survival.DAYS_PER_MONTH
    assert rows.at[1, "entry"] == pytest.approx((pd.Timestamp("2024-01-01") - pd.Timestamp("2020-01-01")).days / month)
    assert rows.at[1, "duration"] == pytest.approx(
        (pd.Timestamp("2024-12-31") - pd.Timestamp("2020-01-01")).days / month
    )
    assert not rows.at[1, "event"]
    assert rows.at[2, "event"] and rows.at[2, "entry"] == 0
    assert not rows.at[3, "event"]  # involuntary exits are censored
    assert pd.isna(rows.at[1, "cohort"]) and rows.at[2, "cohort"] == "2024Q1" and rows.at[6, "cohort"] == "2024Q3"
    assert (table["duration"] >= table["entry"]).all()
    assert table.attrs["start"] == pd.Timestamp("2024-01-01")


def test_tenure_table_needs_hr_columns():
    with pytest.raises(InputError, match="exit_type"):
        survival.tenure_table(pd.DataFrame({"hire_date": [pd.Timestamp("2024-01-01")], "exit_date": [pd.NaT]}))


# -- Kaplan–Meier ---------------------------------------------------------------------------------


def _table(seed=0) -> pd.DataFrame:
    duration, event, group = _random_groups(seed=seed)
    return pd.DataFrame({"duration": duration, "entry": 0.0, "event": event, "group": group})


def test_overall_curve_and_median_match_lifelines():
    table = _table()
    result = survival.kaplan_meier(table, k=5)
    kmf = KaplanMeierFitter().fit(table["duration"], table["event"])
    row = result.summary.iloc[0]
    assert row["median"] == pytest.approx(kmf.median_survival_time_)
    assert row["n"] == len(table) and row["events"] == table["event"].sum()
    expected = float(kmf.survival_function_at_times(6).iloc[0])
    assert row["stay_6m"] == pytest.approx(expected)
    assert result.test is None
    assert result.curves["survival"].is_monotonic_decreasing


def test_groups_get_a_logrank_test_and_small_groups_are_suppressed():
    table = _table()
    small = pd.DataFrame({"duration": [1.0, 2.0, 3.0], "entry": 0.0, "event": [True, False, True], "group": "tiny"})
    result = survival.kaplan_meier(pd.concat([table, small], ignore_index=True), by="group", k=5)
    summary = result.summary.set_index("group")
    assert (
        summary.at["tiny", "suppressed"] and pd.isna(summary.at["tiny", "median"]) and pd.isna(summary.at["tiny", "n"])
    )
    # the tiny group could be worked out from the total minus the rest: the next-smallest goes too
    assert int(summary["suppressed"].sum()) == 2
    assert "tiny" not in set(result.curves["group"])
    assert set(result.shown) == set(result.curves["group"])
    assert result.test is not None and result.test.df == len(result.shown) - 1
    shown = table[table["group"].isin(result.shown)]
    direct = multivariate_logrank_test(shown["duration"], shown["group"], shown["event"])
    assert result.test.statistic == pytest.approx(direct.test_statistic)
    assert (
        result.table().loc[summary.reset_index()["suppressed"].to_numpy(), "median months (95% CI)"] == "suppressed"
    ).all()


def test_groups_missing_the_column_value_are_left_out_and_bad_columns_refused():
    table = _table().assign(cohort=lambda f: np.where(f.index % 2 == 0, "2025Q1", None))
    result = survival.kaplan_meier(table, by="cohort", k=5)
    assert list(result.summary["group"]) == ["2025Q1"]
    with pytest.raises(InputError):
        survival.kaplan_meier(table, by="nope")


def test_at_risk_counts_people_under_observation():
    table = _table().assign(entry=lambda f: np.where(f.index % 3 == 0, 2.0, 0.0))
    table["duration"] = np.maximum(table["duration"], table["entry"] + 0.5)
    result = survival.kaplan_meier(table, by="group", k=5)
    risk = result.at_risk([0, 2.5])
    for group in result.shown:
        mine = table[table["group"] == group]
        assert risk.at[group, 0.0] == int(((mine["entry"] <= 0) & (mine["duration"] > 0)).sum())
        assert risk.at[group, 2.5] == int(((mine["entry"] <= 2.5) & (mine["duration"] > 2.5)).sum())


# -- on a synthetic organisation --------------------------------------------------------------------


def test_taylorist_teams_lose_agents_sooner_than_servant_teams(small_org):
    result = survival.survival_by(small_org, "lead_style")
    summary = result.summary.set_index("group")
    assert summary.at["taylorist", "stay_12m"] < summary.at["servant", "stay_12m"]
    assert summary["n"].sum() == len(survival.org_tenure_table(small_org))
    text = survival.describe(result)
    assert "servant" in text and "log-rank" in text
    assert "employees observed" in survival.window_text(survival.org_tenure_table(small_org))


def test_org_tenure_table_starts_at_the_data_window(small_org):
    table = survival.org_tenure_table(small_org)
    start = small_org.data_window()[0]
    assert table.attrs["start"] <= start
    hired_inside = table["hire_date"] >= table.attrs["start"]
    assert (table.loc[hired_inside, "entry"] == 0).all() and (table.loc[~hired_inside, "entry"] > 0).all()
    assert table["cohort"].notna().sum() == hired_inside.sum()


def test_survival_figure_labels_every_curve_with_n(small_org):
    result = survival.survival_by(small_org, "site")
    fig = figures.survival_figure(result, max_months=24)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert len(labels) == len(result.shown) and all("n = " in label for label in labels)
    overall = survival.survival_by(small_org)
    assert "Half of all agents" in survival.describe(overall)
    assert figures.survival_figure(overall).axes


def test_curves_stop_where_fewer_than_k_remain_at_risk():
    table = _table(seed=3)
    result = survival.kaplan_meier(table, by="group", k=20)
    assert (result.curves["at_risk"] >= 20).all()
    for group in result.shown:
        mine = table[table["group"] == group]
        last = result.curves.loc[result.curves["group"] == group, "months"].max()
        assert last < mine["duration"].max()  # the tail with fewer than k at risk is cut off
        row = result.summary.set_index("group").loc[group]
        at_24 = int(((mine["entry"] <= 24) & (mine["duration"] > 24)).sum())
        assert np.isnan(row["stay_24m"]) == (at_24 < 20)
