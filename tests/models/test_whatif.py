import numpy as np
import pytest

from verloop.errors import InputError, PrivacyError
from verloop.models.team import TeamPoissonModel, driver_features, panel_xy
from verloop.models.whatif import TeamRates, latest_state, scale_ranges, what_if


@pytest.fixture(scope="module")
def model(panel_small):
    X, y, weight, teams = panel_xy(panel_small, 6, driver_features(panel_small))
    return TeamPoissonModel(n_boot=60, seed=2).fit(X, y, sample_weight=weight, groups=teams)


def test_more_mandate_means_fewer_leavers_and_money_saved(model, panel_small):
    coef = dict(zip(model.features_, model.coef_[1:]))
    result = what_if(model, panel_small, {"mandate": +1})
    assert result.scope == "all" and result.teams == len(latest_state(panel_small, model.features_))
    assert np.sign(result.leavers_avoided) == -np.sign(coef["mandate"])
    assert result.replacement_cost_eur == pytest.approx(0.2 * 32_000)
    assert result.euros_saved == pytest.approx(result.leavers_avoided * 6400)
    lo, hi = result.avoided_interval
    assert lo <= result.leavers_avoided <= hi
    assert result.baseline_interval[0] <= result.baseline_leavers <= result.baseline_interval[1]
    assert "fewer voluntary leavers" in result.sentence("en") or result.leavers_avoided < 0
    assert "vervangingskosten" in result.sentence("nl")
    assert set(result.to_dict()) >= {"euros_saved", "euros_interval", "assumptions"}


def test_scopes_salary_and_ranges(model, panel_small, org_small):
    state = latest_state(panel_small, model.features_)
    team = int(state["team_id"].iloc[0])
    site = int(state["site_id"].iloc[0])
    one = what_if(
        model, panel_small, {"mandate": 1}, scope="team", scope_id=team, annual_salary=40_000, replacement_share=0.25
    )
    assert one.teams == 1 and one.replacement_cost_eur == 10_000
    per_site = what_if(model, panel_small, {"mandate": 1}, scope="site", scope_id=site)
    everyone = what_if(model, panel_small, {"mandate": 1})
    assert one.headcount <= per_site.headcount <= everyone.headcount
    ranges = scale_ranges(org_small.pulse_instrument())
    assert ranges["mandate"] == (1.0, 5.0) and ranges["wellbeing"] == (0.0, 100.0)
    capped = what_if(model, panel_small, {"mandate": 50}, ranges=ranges)
    uncapped_small = what_if(model, panel_small, {"mandate": 5}, ranges=ranges)
    assert capped.scenario_leavers == pytest.approx(uncapped_small.scenario_leavers)
    fixed = what_if(model, panel_small, {"mandate": 1}, replacement_cost=1000, months=6)
    assert fixed.replacement_cost_eur == 1000 and fixed.months == 6
    assert fixed.baseline_leavers == pytest.approx(everyone.baseline_leavers / 2)


def test_the_models_numbers_give_the_same_what_if_without_the_estimator(model, panel_small):
    """The dashboard's what-if runs on ``TeamRates`` (numpy only, from the figure cache): the same
    rates, draws and answer as the fitted estimator, warnings included."""
    import pickle

    rates = pickle.loads(pickle.dumps(TeamRates.of(model)))  # as the cache stores it
    X = latest_state(panel_small, model.features_)[model.features_]
    assert np.array_equal(rates.predict(X), model.predict(X))
    assert np.array_equal(rates.predict_draws(X), model.predict_draws(X))
    changes = {"mandate": 2.0, model.features_[0]: -0.5}
    assert what_if(rates, panel_small, changes).to_dict() == what_if(model, panel_small, changes).to_dict()


def test_refusals_are_single_sentences(model, panel_small):
    with pytest.raises(InputError, match="no factor"):
        what_if(model, panel_small, {"salary": 1})
    with pytest.raises(InputError, match="Scope"):
        what_if(model, panel_small, {"mandate": 1}, scope="country")
    with pytest.raises(InputError, match="Name the team"):
        what_if(model, panel_small, {"mandate": 1}, scope="team")
    with pytest.raises(InputError, match="no team with id"):
        what_if(model, panel_small, {"mandate": 1}, scope="team", scope_id=99999)
    hidden = panel_small.copy()
    team = int(hidden["team_id"].iloc[0])
    hidden.loc[hidden["team_id"] == team, "mandate"] = np.nan  # fewer than k answered
    with pytest.raises(PrivacyError, match="minimum group size"):
        what_if(model, hidden, {"mandate": 1}, scope="team", scope_id=team)


def test_pooled_model_what_if_warns_outside_the_observed_range(org_small):
    from verloop.models.team import fit_pooled

    model, rows = fit_pooled(org_small, n_boot=100)
    middle = int(rows.iloc[(rows["mandate"] - rows["mandate"].median()).abs().argmin()]["team_id"])
    inside = what_if(model, rows, {"mandate": 0.05}, scope="team", scope_id=middle)
    assert inside.warnings == {"en": [], "nl": []} and inside.teams == 1
    small = what_if(model, rows, {"mandate": 0.05})
    assert small.teams == len(rows) and small.avoided_interval[0] <= small.leavers_avoided <= small.avoided_interval[1]
    # in-sample the baseline over the window's person-years reproduces the observed leavers
    assert np.sum(model.predict(rows[model.features_]) * rows["person_years"]) == pytest.approx(
        rows["leavers"].sum(), rel=1e-6
    )
    big = what_if(model, rows, {"mandate": 2.0})
    assert big.warnings["en"] and "outside the team scores seen" in big.warnings["en"][0]
    assert "buiten de tot nu toe" in big.warnings["nl"][0]


def test_running_means_of_published_wave_means_are_the_pooled_team_means(org_small):
    """Weighting each published wave mean by its respondents gives the pooled mean over those
    waves (what the model was fitted on); waves below the minimum group size never enter."""
    from verloop.models.team import pooled_team_frame
    from verloop.models.whatif import running_means

    scores = org_small.scale_scores()
    scales = ["mandate", "wellbeing"]
    long = scores.melt(id_vars=["wave_id", "team_id"], value_vars=scales, var_name="scale", value_name="x")
    per_wave = (
        long.dropna(subset=["x"])
        .groupby(["team_id", "wave_id", "scale"])["x"]
        .agg(score="mean", n="size")
        .reset_index()
        .sort_values("wave_id")
    )
    answered = scores.groupby(["team_id", "wave_id"]).size()
    small = per_wave.set_index(["team_id", "wave_id"]).index.map(answered) < 5
    per_wave.loc[small, ["score", "n"]] = np.nan  # what a door hides: fewer than k answered
    means = running_means(per_wave, group="team_id", wave="wave_id")
    pooled = pooled_team_frame(org_small, scales, min_group_size=5).set_index("team_id")
    assert set(means.index) == set(pooled.index)
    for scale in scales:
        assert np.allclose(means.loc[pooled.index, scale], pooled[scale], atol=1e-9)
    assert (means.loc[pooled.index, "waves"] == pooled["waves"]).all()
    assert (means["first_wave"] <= means["last_wave"]).all()
    assert running_means(per_wave.iloc[:0], group="team_id", wave="wave_id").empty
