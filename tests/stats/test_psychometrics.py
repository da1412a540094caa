"""Psychometrics against reference values, and the ``verloop reliability`` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from verloop.cli import main
from verloop.errors import InputError
from verloop.stats import psychometrics as pm

REFERENCE_COV = np.array([[10, 6, 6, 6], [6, 11, 6, 6], [6, 6, 12, 6], [6, 6, 6, 13]], dtype=float)
IBM = Path(__file__).resolve().parents[1].parent.parent / "shared" / "datasets" / "ibm_hr_attrition.csv"


def exact_sample(target: np.ndarray, n: int = 200, seed: int = 0, columns=None) -> pd.DataFrame:
    """Data whose sample covariance (ddof=1) equals ``target`` exactly."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, target.shape[0]))
    z -= z.mean(axis=0)
    q, _ = np.linalg.qr(z)  # orthonormal, zero-mean columns
    data = q * np.sqrt(n - 1) @ np.linalg.cholesky(target).T
    return pd.DataFrame(data + 3.0, columns=columns or [f"i{k + 1}" for k in range(target.shape[0])])


def congeneric(loadings, n=400, seed=1) -> pd.DataFrame:
    lam = np.asarray(loadings, dtype=float)
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    return exact_sample(corr, n=n, seed=seed)


# -- reference values ----------------------------------------------------------------------------


def test_alpha_reference_covariance():
    assert pm.alpha_from_covariance(REFERENCE_COV) == pytest.approx(4 / 3 * (1 - 46 / 118))
    assert round(pm.alpha_from_covariance(REFERENCE_COV), 4) == 0.8136
    dropped = pm.alpha_if_deleted_from_covariance(REFERENCE_COV)
    assert dropped.round(4).tolist() == [0.7500, 0.7606, 0.7714, 0.7826]


def test_alpha_reference_from_data_with_that_covariance():
    data = exact_sample(REFERENCE_COV)
    result = pm.cronbach_alpha(data)
    assert round(result.alpha, 4) == 0.8136 and (result.n, result.k) == (200, 4)
    assert result.ci_low < result.alpha < result.ci_high
    assert pm.alpha_if_deleted(data).round(4).tolist() == [0.7500, 0.7606, 0.7714, 0.7826]


def test_pingouin_documented_examples():
    """Values printed in pingouin.cronbach_alpha's docstring (pingouin 0.5/0.6 datasets)."""
    wide = pg.read_dataset("cronbach_wide_missing")
    pairwise = pm.cronbach_alpha(wide)
    assert pairwise.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert np.round(pairwise.ci, 3).tolist() == [0.435, 0.909]
    imputed = pm.cronbach_alpha(wide.fillna(wide.median()))
    assert imputed.alpha == pytest.approx(0.7380191693290734, abs=1e-12)
    assert np.round(imputed.ci, 3).tolist() == [0.447, 0.911]
    listwise = pm.cronbach_alpha(wide, nan_policy="listwise")
    assert listwise.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    # pingouin computes this interval with n = 12 (rows before deletion); we use the 9 rows used.
    assert listwise.n == 9
    assert listwise.ci == pytest.approx(pm.feldt_interval(listwise.alpha, 9, 11))
    long = pg.read_dataset("cronbach_alpha")
    likert = pm.cronbach_alpha(long.pivot(index="Subj", columns="Items", values="Scores"))
    assert likert.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert np.round(likert.ci, 3).tolist() == [0.195, 0.84]


def test_matches_pingouin_on_random_data_with_gaps():
    rng = np.random.default_rng(7)
    factor = rng.normal(size=300)
    data = pd.DataFrame({f"q{i}": np.round(3 + factor + rng.normal(size=300)) for i in range(5)})
    data = data.mask(rng.random(data.shape) < 0.1)
    ours = pm.cronbach_alpha(data)
    alpha, ci = pg.cronbach_alpha(data)
    assert ours.alpha == pytest.approx(alpha, abs=1e-12)
    assert np.round(ours.ci, 3).tolist() == ci.tolist()


def test_item_rest_equals_direct_correlation_on_complete_data():
    rng = np.random.default_rng(3)
    factor = rng.normal(size=250)
    data = pd.DataFrame({f"q{i}": factor * (0.5 + 0.2 * i) + rng.normal(size=250) for i in range(4)})
    rest = pm.item_rest_correlations(data)
    for column in data.columns:
        direct = np.corrcoef(data[column], data.drop(columns=column).sum(axis=1))[0, 1]
        assert rest[column] == pytest.approx(direct, abs=1e-12)


def test_two_items_have_no_alpha_if_deleted_and_small_samples_give_nan():
    data = pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [2, 2, 4, 5.0]})
    assert pm.alpha_if_deleted(data).isna().all()
    tiny = pm.cronbach_alpha(data.iloc[:1])
    assert np.isnan(tiny.alpha) and tiny.n == 1
    with pytest.raises(InputError, match="at least 2 items"):
        pm.cronbach_alpha(data[["a"]])
    with pytest.raises(InputError, match="not numeric"):
        pm.cronbach_alpha(data.assign(b=["x", "y", "z", "w"]))


# -- omega and EFA -------------------------------------------------------------------------------


def test_omega_recovers_a_known_one_factor_model():
    loadings = [0.8, 0.7, 0.6, 0.5]
    expected = sum(loadings) ** 2 / (sum(loadings) ** 2 + sum(1 - loading**2 for loading in loadings))
    assert pm.omega_from_loadings(loadings) == pytest.approx(expected)
    assert pm.mcdonald_omega(congeneric(loadings)) == pytest.approx(expected, abs=1e-4)


def test_omega_equals_standardised_alpha_for_equal_loadings():
    data = congeneric([0.7] * 4)
    r = 0.49
    standardised_alpha = 4 * r / (1 + 3 * r)
    assert pm.mcdonald_omega(data) == pytest.approx(standardised_alpha, abs=1e-4)
    two = congeneric([0.7, 0.7])
    assert pm.mcdonald_omega(two) == pytest.approx(2 * r / (1 + r), abs=1e-9)  # Spearman–Brown


def _two_factor_data() -> pd.DataFrame:
    lam = np.array([[0.8, 0], [0.7, 0], [0.75, 0], [0, 0.8], [0, 0.7], [0, 0.65]])
    corr = lam @ lam.T + 0.2 * np.outer(lam[:, 0], lam[:, 1]) + 0.2 * np.outer(lam[:, 1], lam[:, 0])
    np.fill_diagonal(corr, 1.0)
    return exact_sample(corr, n=500, seed=5, columns=["a1", "a2", "a3", "b1", "b2", "b3"])


def test_efa_finds_two_factors():
    loadings = pm.efa(_two_factor_data(), n_factors=2)
    assert list(loadings.columns) == ["F1", "F2", "communality"]
    primary = loadings[["F1", "F2"]].abs().idxmax(axis=1)
    assert primary[["a1", "a2", "a3"]].nunique() == 1 and primary[["b1", "b2", "b3"]].nunique() == 1
    assert primary["a1"] != primary["b1"]
    assert (loadings[["F1", "F2"]].abs().max(axis=1) > 0.6).all()
    assert (loadings[["F1", "F2"]].abs().min(axis=1) < 0.15).all()
    with pytest.raises(InputError, match="n_factors"):
        pm.efa(_two_factor_data(), n_factors=6)


def test_efa_matches_factor_analyzer_fit(monkeypatch):
    """Our route around factor_analyzer's scikit-learn incompatibility gives its own result."""
    import factor_analyzer.factor_analyzer as fa_module
    from sklearn.utils import check_array

    def compatible_check_array(X, force_all_finite=True, **kwargs):
        return check_array(X, ensure_all_finite=force_all_finite, **kwargs)

    monkeypatch.setattr(fa_module, "check_array", compatible_check_array)
    data = _two_factor_data()
    model = fa_module.FactorAnalyzer(n_factors=2, rotation="oblimin", is_corr_matrix=True)
    model.fit(data.corr().to_numpy())
    monkeypatch.undo()
    ours = pm.efa(data, n_factors=2)
    np.testing.assert_allclose(ours[["F1", "F2"]].to_numpy(), model.loadings_, atol=1e-8)


# -- reports -------------------------------------------------------------------------------------


def test_reliability_report_agrees_with_the_single_functions():
    data = pd.concat([_two_factor_data(), exact_sample(REFERENCE_COV, columns=["r1", "r2", "r3", "r4"])], axis=1)
    scales = {"a": ["a1", "a2", "a3"], "ref": ["r1", "r2", "r3", "r4"]}
    report = pm.reliability_report(data, scales).set_index("scale")
    assert list(report.columns) == [
        "items",
        "k",
        "n",
        "alpha",
        "alpha_ci_low",
        "alpha_ci_high",
        "omega",
        "min_item_rest",
        "mean_inter_item_r",
    ]
    assert report.loc["ref", "alpha"] == pytest.approx(0.8135593, abs=1e-6)
    assert report.loc["a", "alpha"] == pytest.approx(pm.cronbach_alpha(data[scales["a"]]).alpha)
    assert report.loc["a", "omega"] == pytest.approx(pm.mcdonald_omega(data[scales["a"]]))
    assert report.loc["ref", "items"] == "r1,r2,r3,r4" and report.loc["ref", "k"] == 4
    items = pm.item_report(data, scales)
    ref = items[items["scale"] == "ref"].set_index("item")
    assert ref["alpha_if_deleted"].round(4).tolist() == [0.7500, 0.7606, 0.7714, 0.7826]
    assert report.loc["ref", "min_item_rest"] == pytest.approx(ref["item_rest_r"].min())


def test_reliability_report_refuses_bad_scales():
    data = _two_factor_data()
    with pytest.raises(InputError, match="column"):
        pm.reliability_report(data, {"a": ["a1", "zz"]})
    with pytest.raises(InputError, match="alpha needs at least 2"):
        pm.reliability_report(data, {"a": ["a1"]})
    with pytest.raises(InputError, match="at least one scale"):
        pm.reliability_report(data, {})


# -- the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def reference_csv(tmp_path) -> Path:
    path = tmp_path / "items.csv"
    data = exact_sample(REFERENCE_COV, columns=["r1", "r2", "r3", "r4"])
    data["team"] = "A"
    data.to_csv(path, index=False)
    return path


def test_cli_json_reproduces_the_reference(reference_csv, capsys):
    code = main(
        [
            "reliability",
            "--csv",
            str(reference_csv),
            "--scale",
            "ref=r1,r2,r3,r4",
            "--scale",
            "half=r1,r2",
            "--json",
            "--db",
            "sqlite:///unused.db",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    first = out["scales"][0]
    assert first["scale"] == "ref" and first["n"] == 200 and first["items"] == ["r1", "r2", "r3", "r4"]
    assert round(first["alpha"], 4) == 0.8136
    assert [round(v, 4) for v in first["alpha_if_deleted"].values()] == [0.7500, 0.7606, 0.7714, 0.7826]
    assert first["alpha_ci"][0] < first["alpha"] < first["alpha_ci"][1]
    assert set(first["item_rest"]) == {"r1", "r2", "r3", "r4"} and 0 < first["omega"] <= 1
    assert out["scales"][1]["alpha_if_deleted"] == {"r1": None, "r2": None}


def test_cli_table(reference_csv, capsys):
    assert main(["reliability", "--csv", str(reference_csv), "--scale", "ref=r1,r2,r3,r4"]) == 0
    out = capsys.readouterr().out
    assert "0.814" in out and "alpha if deleted" in out and "0.750" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--csv", "{dir}/missing.csv", "--scale", "s=r1,r2"], "does not exist"),
        (["--csv", "{csv}", "--scale", "s=r1,nope"], "column 'nope' of --scale 's' is not in"),
        (["--csv", "{csv}", "--scale", "s=r1,team"], "column 'team' in '{csv}' is not numeric: row 2 has 'A'"),
        (["--csv", "{csv}", "--scale", "s=r1"], "needs at least two"),
        (["--csv", "{csv}", "--scale", "s:r1,r2"], "is not NAME=COL,COL"),
        (["--csv", "{csv}"], "give at least one --scale"),
        (["--scale", "s=r1,r2"], "give the data file with --csv"),
        (["--csv", "{csv}", "--scale", "s=r1,r2", "--missing", "mean"], "--missing must be"),
    ],
)
def test_cli_errors_are_one_sentence(reference_csv, capsys, args, message):
    args = [a.format(dir=reference_csv.parent, csv=reference_csv) for a in args]
    assert main(["reliability", *args]) == 1
    err = capsys.readouterr().err
    assert message.format(csv=reference_csv) in err
    assert err.startswith("Error: ") and "Traceback" not in err


def test_cli_on_the_ibm_satisfaction_columns(capsys):
    if not IBM.exists():
        pytest.skip(f"reference data set {IBM} is absent (expected ../shared/datasets beside the checkout)")
    columns = ["EnvironmentSatisfaction", "JobSatisfaction", "RelationshipSatisfaction", "WorkLifeBalance"]
    code = main(["reliability", "--csv", str(IBM), "--scale", "satisfaction=" + ",".join(columns), "--json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)["scales"][0]
    data = pd.read_csv(IBM, usecols=columns)
    alpha, ci = pg.cronbach_alpha(data[columns])
    assert result["n"] == len(data) == 1470
    assert result["alpha"] == pytest.approx(alpha, abs=1e-12)
    assert np.round(result["alpha_ci"], 3).tolist() == ci.tolist()
    # The IBM satisfaction ratings are (near-)independent: no internal consistency to speak of.
    assert abs(result["alpha"]) < 0.2


def test_pulse_pipeline_keys_items_before_reliability():
    """Answers simulated from one latent trait per scale (reverse items answered reversed):
    after reverse keying every multi-item pulse scale is consistent; without keying it is not."""
    from verloop.surveys import item_matrix, load_instrument

    pulse = load_instrument("pulse")
    rng = np.random.default_rng(11)
    n = 400
    rows = []
    for scale in pulse.scales:
        trait = rng.normal(size=n)
        for item in scale.items:
            z = 0.85 * trait + 0.5 * rng.normal(size=n)
            z = -z if item.reverse else z
            mid, half = (item.min + item.max) / 2, (item.max - item.min) / 2
            values = np.clip(np.round(mid + z * half / 1.6), item.min, item.max)
            rows.append(pd.DataFrame({"response_id": [f"r{i}" for i in range(n)], "item_id": item.id, "value": values}))
    answers = pd.concat(rows, ignore_index=True)
    scales = pulse.scale_items(min_items=2)
    report = pm.reliability_report(item_matrix(answers, pulse), scales).set_index("scale")
    assert (report["alpha"] >= 0.70).all(), report["alpha"].to_dict()
    assert (report["min_item_rest"] > 0.3).all()
    unkeyed = pm.reliability_report(item_matrix(answers, pulse, keyed=False), scales).set_index("scale")
    reversed_scales = {s.key for s in pulse.scales if any(i.reverse for i in s.items)}
    assert (unkeyed.loc[sorted(reversed_scales), "alpha"] < 0.5).all()


def test_icc_of_the_generator_agrees_with_icc_oneway():
    from verloop.synth.truth import latent_icc

    rng = np.random.default_rng(5)
    teams = rng.integers(0, 12, 600)
    waves = rng.integers(0, 3, 600)
    team_effect = rng.normal(0, 0.6, 12)
    frame = pd.DataFrame(
        {
            "team_id": teams,
            "wave_id": waves,
            "a": team_effect[teams] + rng.normal(size=600),
            "b": rng.normal(size=600),
        }
    )
    together = latent_icc(frame, ["a", "b"])
    for column in ("a", "b"):
        per_wave = [
            pm.icc_oneway(part[column], part["team_id"], min_group=1)["icc1"] for _, part in frame.groupby("wave_id")
        ]
        assert together[column] == pytest.approx(float(np.mean(per_wave)), rel=1e-9)
    assert together["a"] > 0.1 > together["b"]
