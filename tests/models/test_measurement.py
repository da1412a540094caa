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


def test_history_calibration_predicts_the_construct_now():
    """E[X(t) | several answers of different ages]: unbiased (slope 1 of the truth on the
    prediction) and closer to the truth than the last answer alone."""
    from verloop.models.measurement import HistoryCalibration

    rng = np.random.default_rng(2)
    people, phi, tau, rel, step = 8000, 0.9, 0.5, 0.8, 42.0  # monthly AR(1) state, answers 42 days apart
    monthly = lambda days: tau + (1 - tau) * phi ** (days / 30.4375)  # noqa: E731
    cov = np.array([[1.0, 0.4], [0.4, 1.0]])
    chol = np.linalg.cholesky(cov)
    trait = rng.normal(size=(people, 2)) @ chol.T
    ages = np.array([20.0, 20 + step, 20 + 2 * step])  # the last answer 20 days old
    # the state at the three answers and now (going back in time is the same AR(1))
    state_now = rng.normal(size=(people, 2)) @ chol.T
    states, s, back = [], state_now, 0.0
    for a in ages:
        r = phi ** ((a - back) / 30.4375)
        s = r * s + np.sqrt(1 - r**2) * (rng.normal(size=(people, 2)) @ chol.T)
        states.append(s)
        back = a
    truth_now = np.sqrt(tau) * trait + np.sqrt(1 - tau) * state_now
    noise = np.sqrt(1 / rel - 1)
    W = np.stack(
        [np.sqrt(tau) * trait + np.sqrt(1 - tau) * st + rng.normal(size=(people, 2)) * noise for st in states], 1
    )
    frame = pd.DataFrame(W.reshape(-1, 2), columns=["a", "b"])
    cal = RegressionCalibration(["a", "b"], {"a": rel, "b": rel}).fit(frame)
    lags = np.array([0.0, step, 2 * step, 3 * step, 4 * step])
    decay = RetestDecay(["a", "b"], lags, np.column_stack([monthly(lags)] * 2), np.zeros(len(lags), int))
    history = HistoryCalibration(cal, decay)
    all_three = history.transform(W, np.tile(ages, (people, 1)))
    last_only = history.transform(W[:, :1], np.full((people, 1), ages[0]))
    slope = np.polyfit(all_three[:, 0], truth_now[:, 0], 1)[0]
    assert slope == pytest.approx(1.0, abs=0.05)
    assert np.polyfit(last_only[:, 0], truth_now[:, 0], 1)[0] == pytest.approx(1.0, abs=0.05)
    mse_all = np.mean((all_three - truth_now) ** 2, axis=0)
    mse_last = np.mean((last_only - truth_now) ** 2, axis=0)
    assert np.all(mse_all < 0.9 * mse_last)
    predicted = history.residual_variance(np.tile(ages, (people, 1))[:5], np.ones((5, 3), bool))[0]
    np.testing.assert_allclose(predicted, mse_all, rtol=0.1)
    # a missing older answer is the same as not having it
    padded = np.concatenate([W[:10, :1], np.full((10, 2, 2), np.nan)], axis=1)
    np.testing.assert_allclose(
        history.transform(padded, np.column_stack([np.full(10, ages[0]), np.full((10, 2), np.nan)])), last_only[:10]
    )
