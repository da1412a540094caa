"""The researchers' driver analysis: assembled from verloop.models, checked against the truth."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from verloop.analysis import drivers, figures

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result(small_org):
    return drivers.team_drivers(small_org, horizon=6, n_boot=60, seed=0, n_repeats=2)


def test_effects_sentences_importance_and_dependence(result):
    per_sd, per_point = result.per("SD"), result.per("point")
    assert len(per_sd) == len(per_point) > 0
    assert set(per_sd["factor"]) == set(per_point["factor"]) == set(result.ranking)
    assert (per_sd["low"] <= per_sd["ratio"]).all() and (per_sd["ratio"] <= per_sd["high"]).all()
    assert "intent_stay" not in result.ranking and "enps" not in result.ranking  # symptoms, not drivers
    english, dutch = result.sentences("en"), result.sentences("nl")
    assert len(english) == len(dutch) == len(per_point)
    assert english[0].startswith("Teams scoring") and dutch[0].startswith("Teams die")
    assert drivers.sentences_markdown(result, "en").count("\n- ") == len(english) - 1
    assert set(result.power["factor"]) == set(result.ranking) and result.power["mde_ratio_per_sd"].between(0, 1).all()
    assert not hasattr(result, "marginal")  # the one-at-a-time view is gone (issue 11)
    assert set(result.importance["feature"]) == set(result.boost.feature_names_in_)
    assert list(result.dependence) == result.ranking[:3]
    for curve in result.dependence.values():
        assert np.all(np.isfinite(curve["prediction"])) and curve["prediction"].gt(0).all()
    facts = result.facts().set_index("what")["value"]
    assert facts["teams"] == result.model.n_teams_ and facts["minimum group size k"] == 5
    assert "teams" in drivers.describe(result)


def test_checked_against_the_generators_truth(result, small_synth):
    truth = small_synth.truth
    true = drivers.truth_drivers(truth)
    assert list(true["factor"][:3]) == truth["hazard"]["drivers_ranked"][:3]
    comparison = drivers.compare_with_truth(result, truth)
    assert set(comparison["factor"]) <= set(result.ranking) and len(comparison) >= 4
    auc = drivers.team_risk_auc(result, truth)
    assert 0.5 < auc <= 1.0  # teams are ranked by their true risk better than chance
    assert "ROC AUC" in drivers.describe_truth(comparison, auc)
    assert drivers.compare_with_truth(result, None).empty and np.isnan(drivers.team_risk_auc(result, None))
    assert "No ground truth" in drivers.describe_truth(drivers.compare_with_truth(result, None), float("nan"))


def test_person_level_cox_on_team_context(small_org):
    table = drivers.person_drivers(small_org)
    assert {"SD", "point"} <= set(table["unit"]) or {"SD", "10 points"} <= set(table["unit"])
    assert table.attrs["events"] > 10 and 0.5 < table.attrs["concordance"] <= 1.0
    assert (table["ratio"] > 0).all()


def test_driver_figures(result):
    assert figures.effects_figure(result.per("SD")).axes
    assert figures.importance_figure(result.importance).axes
    assert len(figures.dependence_figure(result.dependence).axes) >= 3
