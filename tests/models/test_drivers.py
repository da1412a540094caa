import numpy as np
import pandas as pd
import pytest

from verloop.models.drivers import (
    Effect,
    effects_frame,
    model_effects,
    partial_dependence_table,
    permutation_importance_table,
    rank_drivers,
    scale_label,
    sentence,
)


def test_the_issue_sentence_in_english_and_dutch():
    effect = Effect("mandate", "team", 0.82, 0.74, 0.91, "point", 40)
    assert sentence(effect, "en") == (
        "Teams scoring one point higher on mandate lose 18 % (9–26 %) fewer agents a year."
    )
    assert sentence(effect, "nl") == (
        "Teams die één punt hoger scoren op mandaat verliezen per jaar 18 % (9–26 %) minder medewerkers."
    )
    assert effect.clear


def test_sentences_for_increases_unclear_effects_and_people():
    up = Effect("workload", "team", 1.25, 1.10, 1.40, "SD", 40)
    assert sentence(up).startswith(
        "Teams scoring one standard deviation higher on workload lose 25 % (10–40 %) more agents"
    )
    unclear = Effect("growth", "team", 0.95, 0.88, 1.03, "point", 40)
    assert "includes no effect" in sentence(unclear)
    assert "from 3 % more to 12 % fewer" in sentence(unclear)
    assert "omvat ook geen effect" in sentence(unclear, "nl")
    person = Effect("wellbeing", "individual", 0.90, 0.85, 0.95, "10 points", 900)
    assert sentence(person) == (
        "Agents scoring ten points higher on wellbeing are 10 % (5–15 %) less likely to leave in any given month."
    )
    assert "minder kans" in sentence(person, "nl")
    with pytest.raises(ValueError):
        sentence(person, "de")
    row = person.to_dict()
    assert row["sentence_en"] == sentence(person) and row["clear"] is True


def test_labels_come_from_the_instrument(org_small):
    inst = org_small.pulse_instrument()
    assert scale_label("team_mandate", "nl", inst) == "mandaat"
    assert scale_label("wellbeing", "en", inst) == "wellbeing"
    assert scale_label("share_part_time", "en") == "share part time"


def test_team_and_cox_effects_have_both_units(panel_small, org_small):
    from verloop.models.individual import team_context_cox
    from verloop.models.team import TeamPoissonModel, driver_features, panel_xy

    inst = org_small.pulse_instrument()
    X, y, weight, teams = panel_xy(panel_small, 6, driver_features(panel_small))
    model = TeamPoissonModel(n_boot=30).fit(X, y, sample_weight=weight, groups=teams)
    effects = model_effects(model, inst)
    units = {(e.factor, e.unit) for e in effects}
    assert ("wellbeing", "10 points") in units and ("mandate", "point") in units
    assert ("mandate", "SD") in units and all(e.n == model.n_teams_ for e in effects)
    assert set(rank_drivers(effects)) == {e.factor for e in effects}
    frame = effects_frame(effects)
    assert {"sentence_en", "sentence_nl", "clear", "ratio", "low", "high"} <= set(frame.columns)
    cox, _ = team_context_cox(org_small, scales=["mandate"])
    ce = model_effects(cox, inst)
    assert {e.unit for e in ce} == {"point", "SD"} and ce[0].level == "individual"
    assert ce[0].factor == "mandate" and ce[0].n == cox.n_people_
    # one result shape: the per-point effect is the summary's exp(coef) and its bounds
    row = cox.summary.loc["team_mandate"]
    assert ce[0].ratio == pytest.approx(row["exp(coef)"]) and ce[0].low == pytest.approx(row["exp(coef) lower 95%"])
    assert ce[1].ratio == pytest.approx(row["exp(coef*sd)"]) and ce[1].high == pytest.approx(
        row["exp(coef*sd) upper 95%"]
    )


def test_permutation_importance_and_partial_dependence_on_a_known_function():
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    y = 3 * frame["a"].to_numpy()
    model = LinearRegression().fit(frame, y)
    imp = permutation_importance_table(model, frame, y, scoring="neg_mean_squared_error", n_repeats=3)
    assert list(imp["feature"]) == ["a", "b"] and imp["importance"].iloc[1] == pytest.approx(0, abs=1e-12)
    assert imp["importance"].iloc[0] == pytest.approx(2 * 9 * frame["a"].var(ddof=0), rel=0.2)
    pd_table = partial_dependence_table(model, frame, "a", points=5)
    assert len(pd_table) == 5
    np.testing.assert_allclose(pd_table["value"], np.linspace(*np.quantile(frame["a"], [0.05, 0.95]), 5))
    np.testing.assert_allclose(
        pd_table["prediction"], 3 * pd_table["value"] + model.intercept_ + model.coef_[1] * frame["b"].mean(), atol=1e-9
    )
