import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from verloop.domain.period import shift_months
from verloop.errors import InputError
from verloop.models.features import team_panel
from verloop.models.team import (
    TeamPoissonModel,
    driver_features,
    panel_xy,
    poisson_deviance,
    poisson_irls,
    prediction_features,
    team_boosting,
    training_rows,
)


def test_panel_has_one_row_per_team_and_wave_with_outcomes(panel_small, org_small):
    assert not panel_small.duplicated(["team_id", "wave_id"]).any()
    assert {
        "leavers_6m",
        "exposure_6m",
        "complete_6m",
        "headcount",
        "n_respondents",
        "mandate",
        "aht_s",
        "share_new_3m",
        "site_id",
    } <= set(panel_small.columns)
    # a hand count for one team-wave: voluntary exits within 6 months of the wave's close
    row = panel_small[panel_small["complete_6m"]].iloc[10]
    emp = org_small.employees
    start = row["start"]
    cohort = emp[
        (emp["team_id"] == row["team_id"])
        & (emp["hire_date"] <= start)
        & (emp["exit_date"].isna() | (emp["exit_date"] > start))
    ]
    left = cohort[(cohort["exit_type"] == "voluntary") & (cohort["exit_date"] <= shift_months(start, 6))]
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


def test_poisson_model_summary_and_predictions(panel_small):
    X, y, weight, teams = panel_xy(panel_small, 6, driver_features(panel_small))
    model = TeamPoissonModel(n_boot=60, seed=1).fit(X, y, sample_weight=weight, groups=teams)
    assert clone(model).get_params()["n_boot"] == 60 and model.n_teams_ == teams.nunique()
    summary = model.summary
    assert list(summary.index) == ["Intercept", *model.features_] == ["Intercept", *X.columns]
    for name, r in summary.loc[model.features_].iterrows():
        assert r["exp(coef) lower 95%"] <= r["exp(coef)"] <= r["exp(coef) upper 95%"], name
        assert np.isclose(np.log(r["exp(coef*sd)"]), r["coef"] * r["sd"])
        assert r["sd kind"] == "between teams"
    assert summary.attrs["interval"].startswith("percentile bootstrap over teams")
    # the rate times the person-years are the expected leavers; in-sample a Poisson GLM with an
    # intercept reproduces the total exactly
    expected = model.predict(X) * weight
    assert expected.sum() == pytest.approx((y * weight).sum(), rel=1e-6)
    assert model.score(X, y, sample_weight=weight) > 0  # D² beyond a constant rate
    draws = model.predict_draws(X)
    assert draws.shape == (len(model.boot_coef_), len(X)) and (draws > 0).all()
    wald = TeamPoissonModel(n_boot=0).fit(X, y, sample_weight=weight).summary
    assert wald.attrs["interval"].startswith("Wald")
    assert "person-years" in model.summary_text() and "exp(coef)" in model.summary_text()


def test_print_summary_prints_the_facts_and_the_table(panel_small, capsys):
    X, y, weight, teams = panel_xy(panel_small, 6, ["mandate", "wellbeing"])
    model = TeamPoissonModel(n_boot=0).fit(X, y, sample_weight=weight, groups=teams)
    model.print_summary(decimals=2, columns=["exp(coef)", "p"])
    out = capsys.readouterr().out
    assert out.startswith("<verloop.models.team.TeamPoissonModel>")
    assert f"teams = {teams.nunique()}" in out and "intervals = Wald (model-based)" in out
    assert "mandate" in out and "se(coef)" not in out


def test_rate_with_person_years_as_weight_equals_the_count_model_with_an_offset(panel_small):
    """The docstring's claim: fit(X, leavers / person-years, sample_weight=person-years) is the
    Poisson count model with a log(person-years) offset (statsmodels), not an approximation."""
    import statsmodels.api as sm

    X, y, weight, _ = panel_xy(panel_small, 6, driver_features(panel_small))
    ours = TeamPoissonModel(n_boot=0).fit(X, y, sample_weight=weight)
    ref = sm.GLM(
        (y * weight).to_numpy(),
        sm.add_constant(X.to_numpy()),
        family=sm.families.Poisson(),
        offset=np.log(weight.to_numpy()),
    ).fit()
    np.testing.assert_allclose(ours.coef_, ref.params, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.summary["se(coef)"], ref.bse, rtol=1e-4)


def test_boosting_model_and_deviance(panel_small):
    X, y, weight, _ = panel_xy(panel_small, 3, prediction_features(panel_small), allow_missing=True)
    model = team_boosting(max_iter=50).fit(X, y, sample_weight=weight)
    mu = model.predict(X) * weight
    assert (mu > 0).all()
    counts = (y * weight).to_numpy(float)
    null = np.full(len(counts), counts.sum() / len(counts))
    assert poisson_deviance(counts, mu) < poisson_deviance(counts, null)
    assert poisson_deviance([0, 2], [0, 2]) == pytest.approx(0.0, abs=1e-9)


def test_too_little_data_is_one_sentence(panel_small):
    X, y, weight, _ = panel_xy(panel_small, 6, driver_features(panel_small))
    with pytest.raises(InputError, match="Too little data"):
        TeamPoissonModel().fit(X.head(5), y.head(5), sample_weight=weight.head(5))
    with pytest.raises(InputError, match="lacks feature"):
        panel_xy(panel_small.drop(columns=["mandate"]), 6, driver_features(panel_small))
    with pytest.raises(ValueError, match="negative"):
        TeamPoissonModel(n_boot=0).fit(X, -y, sample_weight=weight)


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
    rate, years = frame["leavers"] / frame["person_years"], frame["person_years"]
    model = PooledTeamModel(n_boot=200, seed=3).fit(frame[feats], rate, sample_weight=years)
    assert clone(model).get_params()["n_boot"] == 200 and model.features_ == feats
    assert len(model.boot_coef_) >= 150
    # in-sample a Poisson GLM with an intercept reproduces the total
    assert (model.predict(frame[feats]) * years).sum() == pytest.approx(frame["leavers"].sum(), rel=1e-6)
    summary = model.summary
    assert list(summary.index) == ["Intercept", *feats]
    assert {"coef", "exp(coef)", "se(coef)", "coef lower 95%", "coef upper 95%", "p"} <= set(summary.columns)
    assert (summary["coef lower 95%"] <= summary["coef"]).all() and (summary["coef"] <= summary["coef upper 95%"]).all()
    assert summary.attrs["interval"].startswith("percentile bootstrap over teams")
    power = model.power()
    assert power["mde_ratio_per_sd"].between(0, 1).all() and power["powered"].dtype == bool
    full, rows = fit_pooled(org_small, n_boot=50)
    assert set(full.sd_kind_) == {"between agents"} and full.n_teams_ == len(rows)
    assert set(full.summary["sd kind"].iloc[1:]) == {"between agents"}
    # numpy input works too (names x0, x1, …); person-years of zero carry no information
    plain = PooledTeamModel(n_boot=0).fit(frame[feats].to_numpy(), rate, sample_weight=years)
    assert plain.features_ == ["x0", "x1", "x2"]
    np.testing.assert_allclose(
        plain.coef_, PooledTeamModel(n_boot=0).fit(frame[feats], rate, sample_weight=years).coef_
    )
    with pytest.raises(ValueError, match="non-zero"):
        PooledTeamModel(n_boot=0).fit(frame[feats], rate, sample_weight=years * 0)
    with pytest.raises(InputError, match="Too little data"):
        PooledTeamModel(n_boot=0).fit(frame[feats].head(6), rate.head(6), sample_weight=years.head(6))
    with pytest.raises(ValueError, match="missing"):
        model.predict(frame.drop(columns=["mandate"])[["wellbeing", "workload"]])


def test_batched_bootstrap_refits_equal_one_fit_per_resample():
    from verloop.models.team import poisson_irls_weighted

    rng = np.random.default_rng(1)
    n = 120
    X = rng.normal(size=(n, 4))
    off = np.log(rng.uniform(5, 15, n))
    y = rng.poisson(np.exp(-1 + 0.3 * X[:, 0] + off)).astype(float)
    start = poisson_irls(X, y, off)
    picks = [rng.integers(0, n, n) for _ in range(50)]
    weights = np.stack([np.bincount(p, minlength=n) for p in picks]).astype(float)
    batched = poisson_irls_weighted(X, y, off, weights, start=start)
    one_by_one = np.array([poisson_irls(X[p], y[p], off[p], start=start) for p in picks])
    np.testing.assert_allclose(batched, one_by_one, rtol=1e-7, atol=1e-9)
