import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from verloop.models.evaluate import (
    bootstrap_ci,
    calibration_table,
    classification_metrics,
    concordance,
    cross_validate_classifier,
    fold_splits,
    metric_ci,
    paired_difference_ci,
)


def _scored(n=800, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    p_true = 1 / (1 + np.exp(-(x - 1)))
    y = (rng.random(n) < p_true).astype(int)
    return x, y, p_true


def test_classification_metrics_on_perfect_and_constant_scores():
    y = np.array([0, 0, 1, 1])
    perfect = classification_metrics(y, [0.1, 0.2, 0.8, 0.9])
    assert perfect["roc_auc"] == 1 and perfect["pr_auc"] == 1
    assert perfect["brier"] == pytest.approx(np.mean([0.01, 0.04, 0.04, 0.01]))
    assert np.isnan(classification_metrics([0, 0], [0.1, 0.2])["roc_auc"])


def test_cross_validation_scores_held_out_folds_with_and_without_groups():
    x, y, _ = _scored()
    X = pd.DataFrame({"x": x})
    plain = cross_validate_classifier(LogisticRegression(), X, y, n_splits=4)
    assert len(plain.folds) == 4 and not np.isnan(plain.oof).any()
    assert plain.summary()["roc_auc_mean"] > 0.7 and plain.summary()["roc_auc_sd"] > 0
    groups = np.repeat(np.arange(40), 20)
    grouped = cross_validate_classifier(LogisticRegression(), X, y, n_splits=4, groups=groups)
    assert grouped.folds["n_test"].sum() == len(y)


def test_bootstrap_interval_covers_the_truth_and_cluster_bootstrap_is_wider():
    rng = np.random.default_rng(1)
    team_effect = np.repeat(rng.normal(0, 1, 30), 20)
    values = team_effect + rng.normal(0, 1, 600)
    est, lo, hi = bootstrap_ci(np.mean, values, n_boot=400)
    assert lo < est < hi
    _, glo, ghi = bootstrap_ci(np.mean, values, groups=np.repeat(np.arange(30), 20), n_boot=400)
    assert (ghi - glo) > 1.5 * (hi - lo)  # people in one team are not independent


def test_metric_ci_and_paired_lift():
    x, y, p_true = _scored(1000, 2)
    auc, lo, hi = metric_ci(y, p_true, "roc_auc", n_boot=300)
    assert lo < auc < hi
    noise = np.random.default_rng(3).random(len(y))
    lift, llo, lhi = paired_difference_ci(y, p_true, noise, "roc_auc", n_boot=300)
    assert llo > 0 and lift == pytest.approx(auc - classification_metrics(y, noise)["roc_auc"])
    with pytest.raises(ValueError):
        metric_ci(y, p_true, "accuracy")


def test_calibration_table_of_true_probabilities_is_calibrated():
    _, y, p_true = _scored(4000, 4)
    table = calibration_table(y, p_true, n_bins=5)
    assert table["n"].sum() == 4000 and len(table) == 5
    assert np.abs(table["mean_predicted"] - table["observed"]).max() < 0.06


def test_concordance_orders_by_risk():
    duration = np.array([1, 2, 3, 4])
    event = np.array([1, 1, 1, 1])
    assert concordance(duration, [4, 3, 2, 1], event) == 1.0
    assert concordance(duration, [1, 2, 3, 4], event) == 0.0


def test_fold_splits_partition_rows():
    splits = fold_splits(23, n_splits=5, seed=1)
    assert sorted(np.concatenate([t for _, t in splits]).tolist()) == list(range(23))
