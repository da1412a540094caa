import numpy as np
import pandas as pd
import pytest

from verloop.errors import PrivacyError
from verloop.models.data import from_frames, link_pseudonyms, pseudonym
from verloop.models.individual import (
    CoxModel,
    OwnScores,
    cluster_robust_cov,
    cox_inputs,
    own_score_cox,
    person_months,
    person_snapshots,
    team_context_cox,
)


def test_person_months_are_a_valid_counting_process(org_small):
    rows = person_months(org_small)
    assert (rows["stop"] > rows["entry"]).all()
    assert rows.groupby("employee_id")["event"].sum().max() == 1
    # events are exactly the voluntary exits inside the month grid
    emp = org_small.employees
    first = rows["month"].min()
    vol = emp[(emp["exit_type"] == "voluntary") & (emp["exit_date"] >= first)]
    assert rows["event"].sum() == len(vol)
    # months of one person do not overlap
    ordered = rows.sort_values(["employee_id", "entry"])
    gap = ordered.groupby("employee_id")["entry"].shift(-1) - ordered["stop"]
    assert (gap.dropna() >= -1e-9).all()
    assert {"team_mandate", "team_n", "aht_s", "part_time"} <= set(rows.columns)
    assert (rows["team_n"].dropna() >= 5).all()


def test_snapshots_label_leaving_within_the_horizon(org_small):
    snaps = person_snapshots(org_small, horizons=(6, 12))
    emp = org_small.employees.set_index("id")
    row = snaps[snaps["left_6m"] == 1].iloc[0]
    exit_date = emp.loc[row["employee_id"], "exit_date"]
    wave_close = org_small.waves.set_index("id").loc[row["wave_id"], "closes_on"]
    assert wave_close < exit_date <= wave_close + pd.DateOffset(months=6)
    assert (snaps["left_6m"] <= snaps["left_12m"]).all()


def test_linking_answers_to_people_needs_confidential_mode_and_the_key(synth_small, key_small):
    anonymous = from_frames(synth_small.frames(), settings={"survey_mode": "anonymous"})
    with pytest.raises(PrivacyError, match="anonymous"):
        link_pseudonyms(anonymous, key_small)
    confidential = from_frames(synth_small.frames(), settings={"survey_mode": "confidential"})
    with pytest.raises(PrivacyError, match="key"):
        link_pseudonyms(confidential, "")
    wrong = link_pseudonyms(confidential, "not-the-key")
    assert wrong.empty and wrong.attrs["unmatched"] > 0
    linked = link_pseudonyms(confidential, key_small)
    assert len(linked) > 1000 and "pseudonym" not in linked and "response_id" not in linked
    assert pseudonym("k", "E1") == pseudonym("k", "E1") != pseudonym("k", "E2")


def test_cluster_robust_variance_matches_lifelines_without_entry():
    from lifelines import CoxPHFitter

    rng = np.random.default_rng(0)
    n = 1500
    x = rng.normal(size=(n, 2))
    t = rng.exponential(100 * np.exp(-0.5 * x[:, 0]))
    c = rng.uniform(10, 200, n)
    df = pd.DataFrame(
        {
            "a": x[:, 0],
            "b": x[:, 1],
            "stop": np.minimum(t, c),
            "event": (t <= c).astype(int),
            "g": rng.integers(0, 40, n),
        }
    )
    robust = CoxPHFitter().fit(df, "stop", "event", robust=True, cluster_col="g")
    plain = CoxPHFitter().fit(df.drop(columns="g"), "stop", "event")
    cov = cluster_robust_cov(
        df[["a", "b"]].to_numpy(),
        np.full(n, -1.0),
        df["stop"].to_numpy(),
        df["event"].to_numpy(),
        plain.params_.to_numpy(),
        plain.variance_matrix_.to_numpy(),
        df["g"].to_numpy(),
    )
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), robust.summary["se(coef)"], rtol=1e-3)


def test_own_score_cox_reports_effects_per_point_and_true_sd(org_small, key_small):
    model, rows, own = own_score_cox(org_small, key_small)
    hr = model.summary
    assert {"mandate", "wellbeing", "part_time"} <= set(hr.index)
    assert hr.loc["mandate", "sd kind"] == "true score"
    assert hr.attrs["interval"] == "Wald, cluster-robust by team_id"
    assert hr.loc["mandate", "exp(coef)"] < 1  # the generator's strongest driver
    # the robust standard error replaces lifelines' model-based one, as lifelines' robust=True does
    assert not np.allclose(hr["se(coef)"], model.lifelines_.summary.loc[hr.index, "se(coef)"])
    assert rows["score_age_days"].min() >= 1
    assert isinstance(own, OwnScores) and own.decay.rho.shape[1] == len(own.scales)
    risk = model.predict(rows.head(50))
    assert risk.shape == (50,) and (risk > 0).all()
    X, y, params = cox_inputs(rows, model.features_)
    assert 0.5 < model.score(X, y) < 1 and "events" in model.summary_text()


def test_team_context_cox_in_anonymous_mode(org_small):
    model, rows = team_context_cox(org_small, scales=["mandate", "workload"])
    assert model.features_ == ["team_mandate", "team_workload", "part_time"]
    assert model.n_events_ > 50 and 0.5 < model.concordance_in_sample_ < 1
    used = rows.dropna(subset=model.features_)  # months without a published team mean drop out
    assert 0 < model.n_people_ <= used["employee_id"].nunique() < rows["employee_id"].nunique()
    with pytest.raises(Exception, match="voluntary exits"):
        CoxModel().fit(*cox_inputs(rows.head(30), ["part_time"])[:2])


def test_cox_without_entry_or_groups_is_plain_lifelines():
    """``fit(X, y)`` alone: no delayed entry, model-based intervals — lifelines' own numbers."""
    from lifelines import CoxPHFitter

    from verloop.models.individual import survival_y

    rng = np.random.default_rng(1)
    n = 800
    x = rng.normal(size=(n, 2))
    t = rng.exponential(10 * np.exp(-0.7 * x[:, 0]))
    c = rng.uniform(1, 30, n)
    X = pd.DataFrame(x, columns=["a", "b"])
    y = survival_y(t <= c, np.minimum(t, c))
    ours = CoxModel(time_unit_days=None).fit(X, y)
    ref = CoxPHFitter().fit(X.assign(T=y["time"], E=y["event"]), "T", "E").summary
    cols = ["coef", "se(coef)", "coef lower 95%", "coef upper 95%", "p"]
    np.testing.assert_allclose(ours.summary[cols], ref[cols], rtol=1e-6)
    assert ours.summary.attrs["interval"] == "Wald (model-based)" and ours.n_people_ is None
