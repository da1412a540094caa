"""The models recover the synthetic organisation's known truth (issue 5, item 5).

What is compared with what:

- **Individual level (confidential mode).** The generator's truth is a log hazard ratio β per
  SD of the *latent* construct. Survey scores measure it with error, so the Cox model uses
  regression-calibrated scores (``verloop.models.measurement``) and reports effects per point
  of the *true score*. A point of the score corresponds to 1/λ SD of the latent construct,
  where λ (points per latent SD) is read from the generator's person-wave truth; the true
  effect per point is therefore β / λ. The signs of wellbeing, autonomy and mandate must be
  right in every seed. Coverage: the 95 % intervals contain β / λ in at least 27 of the 30
  (seed, driver) pairs and in at least 8 of 10 seeds for each driver. Why not 9 of 10 per
  driver: the generator adds unmeasured personal circumstances (frailty, log-HR 0.4 per SD)
  that no Cox model without them can see, which pulls every hazard ratio about 5–10 % towards
  1 (the classic frailty attenuation). Measured coverage of the nominal 95 % intervals with
  organisations of 1,000 / 1,500 / 2,000 / 2,500 positions: 28/30, 28/30, 26/30, 27/30 —
  close to, but honestly a little below, nominal; the per-driver minimum over those runs was
  8 of 10.
- **Ranking.** Effects per SD of the true score, largest first: the top three are mandate,
  wellbeing, autonomy (the truth's ``drivers_ranked``) when averaged over the seeds, and in at
  least 7 of 10 single organisations of 1,500 positions. Autonomy (β = −0.22) is the weakest of
  the three and in a few single organisations of this size trades third place with workload
  (β = +0.10) or a zero-effect scale; measured: 7–8 of 10 at 1,500 positions, 10 of 10 at
  2,000 and 2,500 (too slow for the test suite).
- **Team level (anonymous data: team means of ≥ k respondents only).** What the team model
  estimates is a contextual association, not β; what is checked is that it ranks teams by
  their true risk: out-of-fold (GroupKFold by team) predicted rates, averaged over each team's
  waves, against the truth's ``high_risk`` flag (top quartile of the true annual rate) give
  ROC AUC ≥ 0.8 in every seed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from verloop.models.data import from_frames, link_pseudonyms
from verloop.models.drivers import model_effects, rank_drivers
from verloop.models.features import team_panel
from verloop.models.individual import own_score_cox
from verloop.models.team import TeamPoissonModel, driver_features, panel_xy
from verloop.models.threads import limited
from verloop.models.validation import _group_splits

pytestmark = pytest.mark.slow

SEEDS = tuple(range(10))
POSITIONS = int(__import__("os").environ.get("GT_POSITIONS", "1500"))
CHECKED = ("wellbeing", "autonomy", "mandate")


def _fit_seed(seed: int) -> dict:
    from verloop.synth.generate import generate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = generate(employees=POSITIONS, seed=seed, mode="confidential")
    org = from_frames(synth.frames(), settings={"survey_mode": "confidential"})
    truth = synth.truth
    betas = truth["hazard"]["betas"]

    # individual level: Cox on calibrated own scores
    with limited():
        model, _, own = own_score_cox(org, synth.config.pseudonym_key)
    table = model.summary
    linked = link_pseudonyms(org, synth.config.pseudonym_key)
    joined = linked.merge(synth.person_waves, on=["employee_id", "wave_id"], suffixes=("", "_z"))
    result = {"seed": seed, "betas": betas, "ranked_truth": truth["hazard"]["drivers_ranked"]}
    for k in CHECKED:
        pair = joined[[f"{k}_z", k]].dropna()
        points_per_sd = np.polyfit(pair[f"{k}_z"], pair[k], 1)[0]
        true_per_point = betas[k] / points_per_sd
        result[k] = {
            "estimate": float(table.loc[k, "coef"]),
            "low": float(table.loc[k, "coef lower 95%"]),
            "high": float(table.loc[k, "coef upper 95%"]),
            "truth": float(true_per_point),
            "per_sd": float(np.log(table.loc[k, "exp(coef*sd)"])),
        }
    result["ranking"] = rank_drivers(model_effects(model))
    result["per_sd_all"] = {f: float(np.log(r)) for f, r in zip(table.index, table["exp(coef*sd)"]) if f in own.scales}

    # team level: out-of-fold team ranking against the true risk
    panel = team_panel(org, horizons=(6,))
    assert "pseudonym" not in panel.columns
    X, y, weight, teams = panel_xy(panel, 6, driver_features(panel))
    oof = np.full(len(X), np.nan)
    with limited():
        for train, test in _group_splits(teams.to_numpy(), 5, seed):
            m = TeamPoissonModel(n_boot=0).fit(X.iloc[train], y.iloc[train], sample_weight=weight.iloc[train])
            oof[test] = m.predict(X.iloc[test])
    score = pd.Series(oof).groupby(teams.to_numpy()).mean()
    teams = pd.DataFrame(truth["teams"]).set_index("team_id")
    scored = teams.join(score.rename("score"), how="inner")
    result["team_auc"] = float(roc_auc_score(scored["high_risk"], scored["score"]))
    result["teams_scored"] = int(len(scored))
    return result


@pytest.fixture(scope="module")
def fits() -> list[dict]:
    pytest.importorskip("verloop.synth.generate", reason="the synthetic generator is not built")
    return [_fit_seed(s) for s in SEEDS]


def test_signs_of_wellbeing_autonomy_and_mandate_are_right(fits):
    for f in fits:
        for k in CHECKED:
            assert np.sign(f[k]["estimate"]) == np.sign(f["betas"][k]), (f["seed"], k, f[k])


def test_true_effects_inside_the_95_percent_intervals(fits):
    total = 0
    for k in CHECKED:
        covered = [f[k]["low"] <= f[k]["truth"] <= f[k]["high"] for f in fits]
        total += sum(covered)
        assert sum(covered) >= 8, (k, [(f["seed"], f[k]) for f in fits])
    assert total >= 27, total


def test_top_three_drivers_ranked_as_in_the_truth(fits):
    truth_top3 = fits[0]["ranked_truth"][:3]
    mean_per_sd = pd.DataFrame([f["per_sd_all"] for f in fits]).mean()
    pooled = list(mean_per_sd.abs().sort_values(ascending=False).index[:3])
    assert pooled == truth_top3, mean_per_sd.round(3).to_dict()
    per_seed = [f["ranking"][:3] == truth_top3 for f in fits]
    assert sum(per_seed) >= 7, [(f["seed"], f["ranking"][:4]) for f in fits]


def test_team_model_ranks_teams_by_true_risk(fits):
    for f in fits:
        assert f["teams_scored"] >= 100
        assert f["team_auc"] >= 0.8, (f["seed"], f["team_auc"])
