"""Stated against honest exit reasons: shares, shift with intervals, tests, pairs from the truth."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from verloop.analysis import data, exits, figures
from verloop.errors import InputError

CODES = ["pay", "personal", "team_lead", "workload", "other"]


def _reasons(stated: dict, honest: dict, lead=None) -> pd.DataFrame:
    rows = [("stated", code) for code, n in stated.items() for _ in range(n)]
    rows += [("honest", code) for code, n in honest.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["source", "reason"])
    frame["reason"] = pd.Categorical(frame["reason"], categories=CODES)
    if lead is not None:
        frame["lead_style"] = lead(len(frame))
    return frame


STATED = {"pay": 30, "personal": 25, "team_lead": 5, "workload": 4, "other": 6}
HONEST = {"pay": 10, "personal": 8, "team_lead": 14, "workload": 9, "other": 4}


def test_reason_counts_shares_per_source():
    counts = exits.reason_counts(_reasons(STATED, HONEST))
    assert list(counts["reason_code"].cat.categories) == CODES
    for source, given in (("stated", STATED), ("honest", HONEST)):
        part = counts[counts["source"] == source].set_index("reason_code")
        assert part["share"].sum() == pytest.approx(1.0)
        assert part["count"].to_dict() == given
        assert (part["share_low"] <= part["share"]).all() and (part["share"] <= part["share_high"]).all()


def test_reason_shift_numbers_and_chi_square():
    shift = exits.reason_shift(_reasons(STATED, HONEST), n_permutations=500)
    table = shift.table.set_index("reason_code")
    n1, n2 = sum(STATED.values()), sum(HONEST.values())
    assert table.at["team_lead", "shift"] == pytest.approx(100 * (14 / n2 - 5 / n1))
    assert table.at["team_lead", "shift_low"] > 0 and table.at["pay", "shift_high"] < 0
    observed = np.array([[STATED[c] for c in CODES], [HONEST[c] for c in CODES]])
    assert shift.chi2 == pytest.approx(chi2_contingency(observed, correction=False)[0])
    assert shift.df == len(CODES) - 1
    assert shift.p_permutation < 0.01 and (shift.stated_n, shift.honest_n) == (n1, n2)
    text = exits.describe_shift(shift)
    assert "team lead" in text and "Named less often" in text


def test_same_distributions_show_no_shift():
    shift = exits.reason_shift(_reasons(STATED, STATED), n_permutations=300)
    assert shift.chi2 == pytest.approx(0.0) and shift.p_permutation > 0.9
    assert (shift.table["shift"].abs() < 1e-9).all()
    assert "do not show" in exits.describe_shift(shift)


def test_reason_shift_needs_both_surveys():
    with pytest.raises(InputError, match="follow-up"):
        exits.reason_shift(_reasons(STATED, {}))
    with pytest.raises(InputError):
        exits.reason_counts(pd.DataFrame({"reason": ["pay"]}))


def test_reason_groups_safe_sensitive_other():
    groups = exits.reason_group(["pay", "personal", "study", "team_lead", "workload", "no_mandate", "health"])
    assert list(groups) == ["safe"] * 3 + ["sensitive"] * 3 + ["other"]
    grouped = exits.with_groups(_reasons(STATED, HONEST))
    shift = exits.reason_shift(grouped, column="reason_group", n_permutations=200)
    table = shift.table.set_index("reason_code")
    assert list(table.index) == ["safe", "sensitive", "other"]
    assert table.at["sensitive", "shift"] > 0 > table.at["safe", "shift"]


def test_reasons_by_group_hides_small_groups_with_their_complement():
    lead = lambda n: np.where(
        np.arange(n) % 10 == 0, "taylorist", np.where(np.arange(n) % 2 == 0, "servant", "neutral")
    )
    reasons = _reasons(STATED, HONEST, lead=lead)
    reasons.loc[(reasons["source"] == "honest") & (reasons["lead_style"] == "taylorist"), "lead_style"] = "neutral"
    reasons.loc[reasons[reasons["source"] == "honest"].index[:3], "lead_style"] = "taylorist"
    table = exits.reasons_by(reasons, by="lead_style", k=5, source="honest")
    sizes = table.drop_duplicates("group").set_index("group")
    assert sizes.at["taylorist", "suppressed"] and pd.isna(sizes.at["taylorist", "n"])
    assert int(sizes["suppressed"].sum()) == 2  # the next-smallest too, else total − rest reveals it
    assert table.loc[table["suppressed"], "share"].isna().all()
    shown = table[~table["suppressed"]]
    assert shown.groupby("group")["share"].sum().round(9).eq(1.0).all()
    with pytest.raises(InputError):
        exits.reasons_by(reasons, by="nope")
    fig = figures.reasons_by_figure(table)
    assert "hidden" in fig.axes[0].get_title()


def test_crosstab_honesty_rates_and_truth_pairs():
    truth = {
        "leavers": [
            {
                "employee_id": 1,
                "team_id": 1,
                "exit_date": "2025-01-31",
                "true_reason": "team_lead",
                "stated_reason": "pay",
                "followup_reason": "team_lead",
            },
            {
                "employee_id": 2,
                "team_id": 1,
                "exit_date": "2025-02-28",
                "true_reason": "team_lead",
                "stated_reason": "team_lead",
                "followup_reason": "team_lead",
            },
            {
                "employee_id": 3,
                "team_id": 2,
                "exit_date": "2025-03-31",
                "true_reason": "pay",
                "stated_reason": "pay",
                "followup_reason": "pay",
            },
            {
                "employee_id": 4,
                "team_id": 2,
                "exit_date": "2025-03-31",
                "true_reason": "pay",
                "stated_reason": "pay",
                "followup_reason": None,
            },
        ]
    }
    pairs = exits.truth_pairs(truth)
    assert list(pairs["employee_id"]) == [1, 2, 3]
    table = exits.reason_crosstab(pairs, codes=["pay", "team_lead", "workload"])
    assert table.at["pay", "team_lead"] == 1 and table.at["pay", "pay"] == 1 and table.at["total", "total"] == 3
    assert table.loc["workload"].sum() == 0
    rates = exits.honesty_rates(pairs, codes=["team_lead", "pay"]).set_index("true_reason")
    assert rates.at["team_lead", "stated_true"] == pytest.approx(0.5)
    assert rates.at["team_lead", "followup_true"] == pytest.approx(1.0)
    assert "1 (33 %) gave a different" in exits.describe_pairs(pairs)
    assert figures.crosstab_figure(table).axes and figures.honesty_figure(rates.reset_index()).axes


def test_pairs_below_k_are_hidden():
    pairs = pd.DataFrame(
        {
            "true_reason": ["team_lead"] * 6 + ["pay"] * 4 + ["study"],
            "stated": ["pay"] * 4 + ["team_lead"] * 2 + ["pay"] * 4 + ["study"],
            "honest": ["team_lead"] * 6 + ["pay"] * 4 + ["study"],
        }
    )
    table = exits.reason_crosstab(pairs, codes=["pay", "team_lead", "study"], k=3)
    assert set(table.attrs["hidden"]) == {"team_lead", "study"}  # rows of 2 and 1 leavers
    assert list(table.index) == ["pay", "total"] and table.at["total", "total"] == 8
    rates = exits.honesty_rates(pairs, codes=["team_lead", "pay", "study"], k=3).set_index("true_reason")
    assert rates.at["study", "suppressed"] and pd.isna(rates.at["study", "stated_true"])
    assert rates.at["pay", "suppressed"]  # next-smallest: else the total minus the rest reveals study
    assert not rates.at["team_lead", "suppressed"] and rates.at["team_lead", "stated_true"] == pytest.approx(2 / 6)
    fig = figures.honesty_figure(rates.reset_index())
    assert "below k hidden" in fig.axes[0].get_title()
    assert "below k hidden" in figures.crosstab_figure(table).axes[0].get_title()


def test_without_truth_everything_is_empty_but_works(monkeypatch, tmp_path):
    monkeypatch.setenv("VERLOOP_TRUTH", str(tmp_path / "absent.json"))
    pairs = exits.load_truth_pairs()
    assert pairs.empty and list(pairs.columns)[-2:] == ["stated", "honest"]
    table = exits.reason_crosstab(pairs, codes=CODES)
    assert int(table.to_numpy().sum()) == 0
    assert "cannot be paired" in exits.describe_pairs(pairs)
    assert figures.crosstab_figure(table).axes
    assert figures.honesty_figure(exits.honesty_rates(pairs, codes=CODES)).axes


# -- on a synthetic organisation --------------------------------------------------------------------


def test_follow_up_shifts_weight_to_sensitive_reasons(small_org, small_synth):
    reasons = data.exit_reasons(small_org)
    exit_rows = small_synth.exits
    assert (reasons["source"] == "stated").sum() == int(exit_rows["responded_exit"].sum())
    assert (reasons["source"] == "honest").sum() == int(exit_rows["responded_followup"].sum())
    shift = exits.reason_shift(exits.with_groups(reasons), column="reason_group", n_permutations=300)
    table = shift.table.set_index("reason_code")
    assert table.at["sensitive", "honest_share"] > table.at["sensitive", "stated_share"]
    assert table.at["safe", "stated_share"] > 0.5  # over half of stated reasons are safe ones
    labels = data.reason_labels(small_org)
    assert labels["team_lead"] == "My team lead"
    fig = figures.shift_figure(exits.reason_shift(reasons, n_permutations=100), labels)
    assert fig.axes and figures.reasons_figure(exits.reason_counts(reasons), labels).axes


def test_truth_pairs_of_the_generator(small_synth, tmp_path, monkeypatch):
    from verloop.synth import write_truth

    path = write_truth(small_synth, tmp_path / "demo.truth.json")
    monkeypatch.setenv("VERLOOP_TRUTH", str(path))
    pairs = exits.load_truth_pairs()
    both = small_synth.exits["responded_exit"] & small_synth.exits["responded_followup"]
    assert len(pairs) == int(both.sum()) > 0
    rates = exits.honesty_rates(pairs).set_index("true_reason")
    # sensitive reasons are hidden at exit far more often than in the follow-up
    sensitive = rates.loc[rates.index.intersection(["team_lead", "workload", "no_mandate"])]
    assert (sensitive["stated_true"] * sensitive["n"]).sum() < (sensitive["followup_true"] * sensitive["n"]).sum()
