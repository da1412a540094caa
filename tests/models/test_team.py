import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from verloop.domain.period import shift_months
from verloop.errors import InputError
from verloop.models.features import team_panel
from verloop.models.team import (
    TeamBoostModel,
    TeamPoissonModel,
    driver_features,
    poisson_deviance,
    poisson_irls,
    training_rows,
)


def test_panel_has_one_row_per_team_and_wave_with_outcomes(panel_small, org_small):
    assert not panel_small.duplicated(["team_id", "wave_id"]).any()
    assert {"leavers_6m", "exposure_6m", "complete_6m", "headcount", "n_respondents",
            "mandate", "aht_s", "share_new_3m", "site_id"} <= set(panel_small.columns)
    # a hand count for one team-wave: voluntary exits within 6 months of the wave's close
    row = panel_small[panel_small["complete_6m"]].iloc[10]
    emp = org_small.employees
    start = row["start"]
    cohort = emp[(emp["team_id"] == row["team_id"]) & (emp["hire_date"] <= start)
                 & (emp["exit_date"].isna() | (emp["exit_date"] > start))]
    left = cohort[(cohort["exit_type"] == "voluntary")
                  & (cohort["exit_date"] <= shift_months(start, 6))]
    assert row["leavers_6m"] == len(left)
    assert row["headcount"] == len(cohort)
    assert 0 < row["exposure_6m"] <= len(cohort) * 0.5 + 1e-9


def test_panel_never_uses_a_team_mean_of_fewer_than_k(panel_small, org_small):
    small = panel_small["n_respondents"] < 5
    assert small.any(), "the fixture should contain small groups"
    assert panel_small.loc[small, "mandate"].isna().all()
    assert panel_small.loc[~small, "mandate"].notna().all()
    strict = team_panel(org_small, horizons=(6,), min_group_size=8)
    assert strict.loc[strict["n_respondents"] < 8, "mandate"].isna().all()


def test_incomplete_windows_are_flagged(panel_small, org_small):
    late = panel_small["start"] > org_small.as_of - pd.DateOffset(months=6)
    assert late.any() and not panel_small.loc[late, "complete_6m"].any()
    assert panel_small.loc[~late, "complete_6m"].all()


def test_irls_matches_statsmodels(panel_small):
    import statsmodels.api as sm

    features = driver_features(panel_small)
    rows = training_rows(panel_small, 6, features)
    X = rows[features].to_numpy(float)
    y = rows["leavers_6m"].to_numpy(float)
    off = np.log(rows["exposure_6m"].to_numpy(float))
    beta, cov = poisson_irls(X, y, off, return_cov=True)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson(), offset=off).fit()
    np.testing.assert_allclose(beta, ref.params, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), ref.bse, rtol=1e-4)


def test_poisson_model_effects_and_predictions(panel_small):
    model = TeamPoissonModel(6, n_boot=60, seed=1).fit(panel_small)
    assert clone(model).get_params()["n_boot"] == 60
    effects = model.effects().set_index("factor")
    assert list(effects.index) == model.features_
    for name, r in effects.iterrows():
        assert r["ci_low_per_point"] <= r["rate_ratio_per_point"] <= r["ci_high_per_point"], name
        assert np.isclose(np.log(r["rate_ratio_per_sd"]), r["coef"] * r["feature_sd"])
    assert effects["interval"].iloc[0].startswith("bootstrap over teams")
    rows = training_rows(panel_small, 6, model.features_)
    expected = model.predict(rows)
    np.testing.assert_allclose(expected, model.predict_rate(rows) * rows["exposure_6m"])
    # in-sample a Poisson GLM with an intercept reproduces the total exactly
    assert expected.sum() == pytest.approx(rows["leavers_6m"].sum(), rel=1e-6)
    wald = TeamPoissonModel(6, n_boot=0).fit(panel_small).effects()
    assert wald["interval"].iloc[0].startswith("Wald")


def test_boosting_model_and_deviance(panel_small):
    model = TeamBoostModel(3, max_iter=50).fit(panel_small)
    rows = training_rows(panel_small, 3, model.features_, allow_missing=True)
    mu = model.predict(rows)
    assert (mu > 0).all()
    y = rows["leavers_3m"].to_numpy(float)
    null = np.full(len(y), y.sum() / len(y))
    assert poisson_deviance(y, mu) < poisson_deviance(y, null)
    assert poisson_deviance([0, 2], [0, 2]) == pytest.approx(0.0, abs=1e-9)


def test_too_little_data_is_one_sentence(panel_small):
    with pytest.raises(InputError, match="Too little data"):
        TeamPoissonModel(6).fit(panel_small.head(5))
    with pytest.raises(InputError, match="lacks feature"):
        model = TeamPoissonModel(6, n_boot=0).fit(panel_small)
        model._xy(panel_small.drop(columns=["mandate"]))


# -- the pooled team model (issue 11) ---------------------------------------------------------


def test_effects_model_has_no_post_treatment_controls(panel_small):
    from verloop.models.team import POST_TREATMENT

    assert not set(driver_features(panel_small)) & set(POST_TREATMENT)
    assert "share_part_time" in driver_features(panel_small)


def test_pooled_frame_counts_all_staff_and_pools_published_waves(org_small):
    from verloop.models.data import DAYS_PER_YEAR
    from verloop.models.team import pooled_team_frame

    frame = pooled_team_frame(org_small)
    assert not frame["team_id"].duplicated().any() and frame["waves"].ge(1).all()
    start, end = frame.attrs["window"]
    row = frame.iloc[3]
    emp = org_small.employees[org_small.employees["team_id"] == row["team_id"]]
    left = emp[(emp["exit_type"] == "voluntary") & (emp["exit_date"] > start) & (emp["exit_date"] <= end)]
    assert row["leavers"] == len(left)
    hired_later = left[left["hire_date"] > start]
    assert len(hired_later) >= 0  # new hires' exits are inside the count above (no wave cohort)
    stop = emp["exit_date"].where(emp["exit_date"].notna() & (emp["exit_date"] < end), end)
    years = ((stop - emp["hire_date"].clip(lower=start)).dt.days / DAYS_PER_YEAR).clip(lower=0).sum()
    assert row["person_years"] == pytest.approx(years)
    # the pooled mean is the respondent-weighted mean over waves with at least k answers
    scores = org_small.scale_scores()
    mine = scores[scores["team_id"] == row["team_id"]]
    sizes = mine.groupby("wave_id").size()
    kept = mine[mine["wave_id"].isin(sizes[sizes >= 5].index)]
    assert row["mandate"] == pytest.approx(kept["mandate"].mean())
    assert row["respondents"] == len(kept)
    # running mean: only waves closed by the given day
    early = pooled_team_frame(org_small, end=start + pd.DateOffset(months=6))
    assert early["waves"].max() < frame["waves"].max()


def test_pooled_model_follows_the_sklearn_contract(org_small):
    from verloop.models.team import PooledTeamModel, fit_pooled, pooled_team_frame

    frame = pooled_team_frame(org_small)
    feats = ["mandate", "wellbeing", "workload"]
    model = PooledTeamModel(n_boot=200, seed=3).fit(frame[feats], frame["leavers"], exposure=frame["person_years"])
    assert clone(model).get_params()["n_boot"] == 200 and model.features_ == feats
    assert len(model.boot_coef_) >= 150
    # in-sample a Poisson GLM with an intercept reproduces the total
    assert model.predict(frame[feats], frame["person_years"]).sum() == pytest.approx(frame["leavers"].sum(), rel=1e-6)
    summary = model.summary
    assert list(summary.index) == ["Intercept", *feats]
    assert {"coef", "exp(coef)", "se(coef)", "coef lower 95%", "coef upper 95%", "p"} <= set(summary.columns)
    assert (summary["coef lower 95%"] <= summary["coef"]).all() and (summary["coef"] <= summary["coef upper 95%"]).all()
    eff = model.effects().set_index("factor")
    assert eff.loc["mandate", "interval"].startswith("percentile bootstrap over teams")
    power = model.power()
    assert power["mde_ratio_per_sd"].between(0, 1).all() and power["powered"].dtype == bool
    full, rows = fit_pooled(org_small, n_boot=50)
    assert set(full.sd_kind_) == {"between agents"} and full.n_teams_ == len(rows)
    with pytest.raises(InputError, match="DataFrame"):
        PooledTeamModel().fit(frame[feats].to_numpy(), frame["leavers"], exposure=frame["person_years"])
    with pytest.raises(InputError, match="positive person-years"):
        PooledTeamModel(n_boot=0).fit(frame[feats], frame["leavers"], exposure=frame["person_years"] * 0)
    with pytest.raises(InputError, match="Too little data"):
        PooledTeamModel(n_boot=0).fit(frame[feats].head(6), frame["leavers"].head(6),
                                      exposure=frame["person_years"].head(6))
    with pytest.raises(InputError, match="lacks feature"):
        model.predict_rate(frame.drop(columns=["mandate"]))
