"""Confidence intervals of published counts: shares (Wilson, Newcombe) and rates (Garwood).

All functions are vectorised (arrays in, arrays out), return ``(low, high)`` and give NaN where
there is nothing to estimate (no trials, no exposure). The formulas are statsmodels'; this
module only fixes the conventions every figure in Verloop shares: Wilson bounds clipped to
[0, 1] (rounding can otherwise leave −1e-17 at a count of 0) and NaN rather than a warning for
empty groups.
"""

from __future__ import annotations

import numpy as np


def wilson_interval(count, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``count / n`` (``statsmodels``'
    ``proportion_confint(method="wilson")``), clipped to [0, 1] and exactly 0 (1) at a count of
    0 (n); NaN where ``n`` is 0 or missing."""
    from statsmodels.stats.proportion import proportion_confint

    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    bad = ~(n > 0) | np.isnan(count)
    safe_n = np.where(bad, 1.0, n)
    safe_count = np.where(bad, 0.0, count)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = proportion_confint(safe_count, safe_n, alpha=1 - level, method="wilson")
    low = np.where(safe_count <= 0, 0.0, np.clip(low, 0.0, 1.0))  # exact bounds at 0 and n (no ±1e-19)
    high = np.where(safe_count >= safe_n, 1.0, np.clip(high, 0.0, 1.0))
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def newcombe_difference(count1, n1, count2, n2, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval (method 10) for p2 − p1 of two independent samples.

    Written here rather than taken from ``statsmodels.stats.proportion.confint_proportions_2indep
    (method="newcomb")`` because that one is scalar only; it is checked against it in the tests."""
    l1, u1 = wilson_interval(count1, n1, level)
    l2, u2 = wilson_interval(count2, n2, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = np.asarray(count1, dtype=float) / np.asarray(n1, dtype=float)
        p2 = np.asarray(count2, dtype=float) / np.asarray(n2, dtype=float)
    d = p2 - p1
    low = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return low, high


def poisson_interval(count, exposure, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval of a rate ``count / exposure`` (``statsmodels``'
    ``confint_poisson(method="exact-c")``); the lower bound is 0 at a count of 0, NaN where the
    exposure is 0 or the count is missing."""
    from statsmodels.stats.rates import confint_poisson

    count = np.asarray(count, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    bad = ~(exposure > 0) | np.isnan(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_poisson(
            np.where(bad, 0.0, count), np.where(bad, 1.0, exposure), method="exact-c", alpha=1 - level
        )
    low = np.where(np.where(bad, 0.0, count) > 0, low, 0.0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


__all__ = ["newcombe_difference", "poisson_interval", "wilson_interval"]
