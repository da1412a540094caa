"""Scale quality beyond one alpha: per-wave alpha, team ICCs, factor check, weak items."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from verloop.analysis import data, figures, scales
from verloop.stats.psychometrics import (
    cronbach_alpha,
    efa,
    icc_oneway,
    item_report,
    reliability_report,
    respondents_needed,
)


def _nested(groups=40, size=8, icc=0.2, seed=0):
    rng = np.random.default_rng(seed)
    team = np.repeat(np.arange(groups), size)
    values = rng.normal(0, np.sqrt(icc), groups)[team] + rng.normal(0, np.sqrt(1 - icc), groups * size)
    return values, team, np.tile(np.arange(size), groups)


def test_icc_matches_pingouin_on_a_balanced_design():
    values, team, member = _nested()
    ours = icc_oneway(values, team)
    frame = pd.DataFrame({"team": team, "member": member, "value": values})
    theirs = pg.intraclass_corr(frame, targets="team", raters="member", ratings="value").set_index("Type")
    assert ours["icc1"] == pytest.approx(theirs.at["ICC(1,1)", "ICC"])
    assert ours["icc2"] == pytest.approx(theirs.at["ICC(1,k)", "ICC"])
    assert ours["k0"] == pytest.approx(8.0) and ours["groups"] == 40


def test_icc_recovers_the_truth_on_unbalanced_teams_and_drops_singletons():
    rng = np.random.default_rng(1)
    sizes = rng.integers(3, 15, 400)
    team = np.repeat(np.arange(len(sizes)), sizes)
    values = rng.normal(0, np.sqrt(0.2), len(sizes))[team] + rng.normal(0, np.sqrt(0.8), len(team))
    result = icc_oneway(np.append(values, 9.0), np.append(team, -1))
    assert result["icc1"] == pytest.approx(0.2, abs=0.04)
    assert result["groups"] == len(sizes)  # the one-person group is dropped
    assert np.isnan(icc_oneway([1.0, 2.0], [0, 0])["icc1"])


def test_respondents_needed_inverts_spearman_brown():
    icc1 = np.array([0.05, 0.1, 0.25])
    n = respondents_needed(icc1, 0.7)
    icc2 = n * icc1 / (1 + (n - 1) * icc1)
    assert icc2 == pytest.approx(np.full(3, 0.7))
    assert np.isinf(respondents_needed(np.array([0.0]))).all()


def test_team_icc_per_wave_and_scale():
    values, team, _ = _nested(groups=30, size=6, icc=0.25, seed=2)
    long = pd.DataFrame(
        {
            "scale": np.repeat(["a", "b"], len(values)),
            "score": np.concatenate([values, -values]),
            "team_id": np.concatenate([team, team]),
            "wave_id": np.tile(np.where(team % 2 == 0, 1, 2), 2),
        }
    )
    table = scales.team_icc(long).set_index("scale")
    per_wave = [icc_oneway(values[(team % 2) == w], team[(team % 2) == w])["icc1"] for w in (0, 1)]
    assert table.at["a", "icc1"] == pytest.approx(np.mean(per_wave))
    assert table.at["a", "icc1"] == pytest.approx(table.at["b", "icc1"])
    assert table.at["a", "waves"] == 2 and table.at["a", "responses"] == len(values)
    assert "of the variance" in scales.describe_icc(table.reset_index())


def _two_scales(n=400, seed=0, flip=False):
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(size=n), rng.normal(size=n)
    items = {f"a{i}": f1 + rng.normal(scale=0.6, size=n) for i in range(3)}
    items |= {f"b{i}": f2 + rng.normal(scale=0.6, size=n) for i in range(3)}
    if flip:
        items["b2"] = -items["b2"]  # a reverse-keyed item left un-reversed
    return pd.DataFrame(items), {"a": ["a0", "a1", "a2"], "b": ["b0", "b1", "b2"]}


def test_alpha_by_wave_equals_alpha_on_each_wave():
    items, scale_map = _two_scales()
    waves = pd.DataFrame(
        {"wave_id": np.where(np.arange(len(items)) < 200, 1, 2), "wave": "w", "opens_on": pd.Timestamp("2025-01-01")}
    )
    table = scales.alpha_by_wave(items, scale_map, waves)
    first = table[(table["wave_id"] == 1) & (table["scale"] == "a")].iloc[0]
    assert first["alpha"] == pytest.approx(cronbach_alpha(items.iloc[:200][scale_map["a"]]).alpha)
    assert len(table) == 4
    assert scales.alpha_by_wave(items, scale_map, waves, min_n=300).empty
    assert figures.alpha_waves_figure(table).axes


def test_factor_check_and_weak_items_find_the_misfit():
    items, scale_map = _two_scales(flip=True)
    report = reliability_report(items, scale_map)
    flagged = scales.weak_items(item_report(items, scale_map), report)
    assert set(flagged["scale"]) == {"b"}  # the un-reversed item drags its scale-mates down too
    b2 = flagged.set_index("item").loc["b2"]
    assert b2["item_rest_r"] < 0 and "alpha rises" in b2["why"]
    assert "b2" in scales.describe_weak_items(flagged)
    clean, _ = _two_scales()
    check = scales.factor_check(efa(clean, n_factors=2), scale_map)
    assert check["fits"].all() and check.groupby("scale")["factor"].nunique().eq(1).all()
    assert "6 of 6" in scales.describe_factor_check(check)
    assert "No item" in scales.describe_weak_items(flagged.iloc[0:0])


@pytest.mark.slow
def test_pulse_scales_of_a_synthetic_organisation(small_org):
    pulse = data.pulse_items(small_org)
    assert len(pulse.items) == len(pulse.responses) == len(small_org.scale_scores())
    assert (pulse.responses["response_id"].to_numpy() == pulse.items.index.to_numpy()).all()
    report = reliability_report(pulse.items, pulse.scales)
    assert (report["alpha"] > 0.6).all()
    assert "multi-item scales reach" in scales.describe_reliability(report)
    assert "enps_1" in pulse.single_items and "multi-item scales" in pulse.describe()
    loadings = efa(pulse.items[pulse.multi_items], n_factors=len(pulse.scales))
    check = scales.factor_check(loadings, pulse.scales)
    assert check["fits"].mean() > 0.9
    icc = scales.team_icc(data.scale_scores_long(small_org))
    assert icc["icc1"].between(0.0, 0.5).all() and set(icc["scale"]) >= {"mandate", "autonomy"}
    for fig in (figures.reliability_figure(report), figures.loadings_figure(loadings), figures.icc_figure(icc)):
        assert fig.axes
