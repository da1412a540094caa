import numpy as np
import pandas as pd
import pytest

from verloop.models.measurement import RegressionCalibration, RetestDecay, scale_reliabilities


def test_regression_calibration_removes_attenuation():
    rng = np.random.default_rng(0)
    n = 20000
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])
    X = rng.multivariate_normal([3, 3], cov * 0.5, n)
    rel = {"a": 0.8, "b": 0.7}
    noise_var = np.diag(cov * 0.5) * np.array([1 / 0.8 - 1, 1 / 0.7 - 1])
    W = X + rng.normal(size=(n, 2)) * np.sqrt(noise_var)
    y = 1.0 * X[:, 0] - 0.5 * X[:, 1] + rng.normal(size=n) * 0.1
    frame = pd.DataFrame(W, columns=["a", "b"])
    naive = np.linalg.lstsq(np.column_stack([np.ones(n), W]), y, rcond=None)[0][1:]
    cal = RegressionCalibration(["a", "b"], rel).fit(frame)
    fixed = np.linalg.lstsq(np.column_stack([np.ones(n), cal.transform(frame)]), y, rcond=None)[0][1:]
    assert abs(naive[0] - 1.0) > 0.15  # attenuated
    np.testing.assert_allclose(fixed, [1.0, -0.5], atol=0.05)
    np.testing.assert_allclose(cal.true_sd_, np.sqrt(0.5), rtol=0.05)


def test_retest_decay_recovers_an_ar1_with_trait():
    rng = np.random.default_rng(1)
    people, waves, phi, tau, rel = 3000, 6, 0.8, 0.5, 0.8
    trait = rng.normal(size=people)
    state = rng.normal(size=people)
    rows = []
    for w in range(waves):
        if w:
            state = phi * state + np.sqrt(1 - phi**2) * rng.normal(size=people)
        true = np.sqrt(tau) * trait + np.sqrt(1 - tau) * state
        score = true + rng.normal(size=people) * np.sqrt(1 / rel - 1)
        rows.append(
            pd.DataFrame(
                {
                    "employee_id": np.arange(people),
                    "s": score,
                    "submitted_on": pd.Timestamp("2025-01-01") + pd.Timedelta(days=42 * w),
                }
            )
        )
    decay = RetestDecay.estimate(pd.concat(rows), ["s"], {"s": rel})
    assert decay.lags[1] == 42
    for k in (1, 3):
        expected = tau + (1 - tau) * phi**k
        assert decay.rho[k, 0] == pytest.approx(expected, abs=0.03)
    assert decay(np.array([0.0, 21.0, 10_000.0])).shape == (3, 1)
    assert decay(np.array([21.0]))[0, 0] == pytest.approx((1 + decay.rho[1, 0]) / 2)
    assert set(decay.to_dict()) == {"lags_days", "rho", "pairs"}


def test_reliabilities_of_the_synthetic_pulse(org_small):
    rel = scale_reliabilities(org_small)
    assert set(rel) >= {"mandate", "wellbeing", "autonomy"} and "enps" not in rel
    assert all(0.6 < v < 0.97 for v in rel.values())
