import numpy as np
import pandas as pd
import pytest

from verloop.errors import InputError
from verloop.models.individual import CoxModel, OwnScores, person_months, person_snapshots
from verloop.models.validation import (
    cox_concordance,
    evaluate_classifiers,
    evaluate_team_models,
    temporal_masks,
)


@pytest.fixture(scope="module")
def snapshots(org_small, key_small):
    own = OwnScores.build(org_small, key_small)
    return person_snapshots(org_small, horizons=(6, 12), own=own), own


def test_classifiers_are_scored_on_later_months_and_other_teams(snapshots, org_small):
    snaps, _ = snapshots
    report = evaluate_classifiers(snaps, 6, org_small.as_of, kinds=("logistic",), n_boot=50)
    m = report.metrics
    assert set(m["scheme"]) == {"temporal", "team"}
    assert {"tenure only", "KPIs only", "HR + KPIs", "HR + KPIs + own survey"} <= set(m["features"])
    for row in m.itertuples():
        assert row.roc_auc_low <= row.roc_auc <= row.roc_auc_high
        assert 0 < row.brier < 0.25
    best = report.best("team")
    assert best["roc_auc"] > 0.6
    assert len(report.lift) == 4  # two schemes x (ROC AUC, PR AUC)
    assert {"lift", "ci_low", "ci_high"} <= set(report.lift.columns)
    table = next(iter(report.calibration.values()))
    assert table["n"].sum() > 0 and {"mean_predicted", "observed"} <= set(table.columns)


def test_leakage_guard_shuffled_labels_give_chance_auc(snapshots, org_small):
    snaps, _ = snapshots
    shuffled = snaps.copy()
    rng = np.random.default_rng(3)
    for h in (6, 12):
        shuffled[f"left_{h}m"] = rng.permutation(shuffled[f"left_{h}m"].to_numpy())
    report = evaluate_classifiers(shuffled, 6, org_small.as_of, kinds=("logistic",), schemes=("team",), n_boot=20)
    for row in report.metrics.itertuples():
        assert abs(row.roc_auc - 0.5) < 0.07, row


def test_temporal_split_needs_enough_history(org_small):
    dates = pd.Series(pd.date_range("2025-01-01", periods=10, freq="MS"))
    with pytest.raises(InputError, match="temporal split"):
        temporal_masks(dates, 12, pd.Timestamp("2025-12-31"))
    train, test, cut = temporal_masks(dates, 3, pd.Timestamp("2025-12-31"))
    assert train.any() and test.any() and not (train & test).any()


@pytest.mark.slow
def test_team_models_and_survey_lift(panel_small, org_small):
    metrics, lift = evaluate_team_models(panel_small, 6, org_small.as_of, n_boot=30)
    assert set(metrics["scheme"]) == {"temporal", "team"}
    assert {"team facts only", "KPIs only", "facts + KPIs", "facts + KPIs + survey"} <= set(metrics["features"])
    assert (metrics["model"] == "boosting").any()
    assert len(lift) == 2 and (lift["ci_low"] <= lift["ci_high"]).all()


@pytest.mark.slow
def test_cox_concordance_held_out(snapshots, org_small):
    snaps, own = snapshots
    months = person_months(org_small, own=own).dropna(subset=own.scales)
    features = [*own.scales, "part_time"]
    table = cox_concordance(CoxModel, features, months, snaps, org_small.as_of)
    assert set(table["scheme"]) == {"temporal", "team"}
    assert (table["concordance"] > 0.55).all()
