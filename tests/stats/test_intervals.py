"""Wilson, Newcombe and Garwood intervals against statsmodels, scipy and published values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from verloop.stats import newcombe_difference, poisson_interval, wilson_interval


def test_wilson_matches_statsmodels_and_a_published_value():
    counts, n = np.array([0, 1, 7, 20, 40]), np.array([20, 20, 20, 20, 40])
    low, high = wilson_interval(counts, n)
    for i in range(len(counts)):
        lo, hi = proportion_confint(counts[i], n[i], method="wilson")
        assert low[i] == pytest.approx(lo, abs=1e-12) and high[i] == pytest.approx(hi, abs=1e-12)
    # Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662
    lo, hi = wilson_interval(81, 263)
    assert float(lo) == pytest.approx(0.2553, abs=1e-4) and float(hi) == pytest.approx(0.3662, abs=1e-4)
    lo, hi = wilson_interval(5, 10)
    assert float(lo) == pytest.approx(0.2366, abs=1e-4) and float(hi) == pytest.approx(0.7634, abs=1e-4)


def test_wilson_stays_in_the_unit_interval_and_is_nan_without_trials():
    low, high = wilson_interval(np.array([0, 0, 3, 3, 1]), np.array([1, 1000, 3, 0, np.nan]))
    assert low[0] == 0.0 and low[1] == 0.0 and high[2] == 1.0
    assert np.all(low[:3] >= 0) and np.all(high[:3] <= 1)
    assert np.isnan(low[3]) and np.isnan(high[3]) and np.isnan(low[4])
    assert np.isnan(wilson_interval(np.nan, 10)[0])  # a hidden count has no interval
    narrow, wide = wilson_interval(50, 100, level=0.80), wilson_interval(50, 100, level=0.99)
    assert wide[0] < narrow[0] < 0.5 < narrow[1] < wide[1]


def test_newcombe_matches_statsmodels():
    lo, hi = newcombe_difference(12, 80, 20, 60)
    ref = confint_proportions_2indep(20, 60, 12, 80, method="newcomb", compare="diff")
    assert (lo, hi) == pytest.approx(ref)
    # Newcombe (1998), table II, example (a): 56/70 − 48/80 = 0.2000, interval 0.0524 to 0.3339
    lo, hi = newcombe_difference(48, 80, 56, 70)
    assert float(lo) == pytest.approx(0.0524, abs=1e-4) and float(hi) == pytest.approx(0.3339, abs=1e-4)


def test_garwood_matches_the_chi_square_formula_and_known_values():
    counts = np.array([0, 1, 5, 10, 250])
    exposure = np.array([1.0, 2.5, 10.0, 1.0, 300.0])
    low, high = poisson_interval(counts, exposure)
    expected_low = np.where(counts > 0, chi2.ppf(0.025, 2 * np.maximum(counts, 1)) / 2, 0.0) / exposure
    expected_high = chi2.ppf(0.975, 2 * (counts + 1)) / 2 / exposure
    assert np.allclose(low, expected_low) and np.allclose(high, expected_high)
    assert low[0] == 0 and high[0] == pytest.approx(3.6889, abs=1e-4)  # x = 0: the "rule of 3.7"
    assert low[3] == pytest.approx(4.7954, abs=1e-4) and high[3] == pytest.approx(18.3904, abs=1e-4)


def test_garwood_is_nan_without_exposure_or_count():
    low, high = poisson_interval(np.array([3, np.nan, 2]), np.array([0.0, 1.0, np.nan]))
    assert np.isnan(low).all() and np.isnan(high).all()
