"""Statistics the dashboards add to the privacy door's published figures (pure functions).

* **Intervals** of a published count: the exact Poisson (Garwood) interval of a rate (count /
  person-years) and the Wilson interval of a share (e.g. early leavers / hires).
* **Kaplan–Meier retention** from HR records: time from hire to any exit, censored at the end of
  the data; Greenwood variance with a log(−log) 95 % interval (as lifelines computes it). Only
  the curves of groups the door lets through (``suppress_people``) are shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.25
Z95 = 1.959963984540054


def _ts(day) -> pd.Timestamp:
    return pd.Timestamp(day).normalize()


def poisson_interval(count, exposure, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a rate ``count / exposure``; NaN where exposure is 0."""
    from scipy.special import gammaincinv

    count = np.asarray(count, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(count > 0, gammaincinv(np.maximum(count, 1e-12), alpha / 2), 0.0) / exposure
        upper = gammaincinv(count + 1, 1 - alpha / 2) / exposure
    bad = ~(exposure > 0)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def wilson_interval(successes, trials, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion; NaN where there are no trials."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    bad = ~(n > 0)
    return np.where(bad, np.nan, centre - half), np.where(bad, np.nan, centre + half)


def kaplan_meier(durations, observed) -> pd.DataFrame:
    """Kaplan–Meier survival with a log(−log) Greenwood interval: ``months, survival, lower,
    upper, at_risk`` (a row at time 0, then one per distinct event time)."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if d.size == 0:
        return pd.DataFrame(columns=["months", "survival", "lower", "upper", "at_risk"])
    times = np.unique(d[e])
    order_d = np.sort(d)
    at_risk = d.size - np.searchsorted(order_d, times, side="left")
    deaths = pd.Series(d[e]).value_counts().reindex(times).to_numpy(dtype=float)
    surv = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
        z = Z95
        log_s = np.log(surv)
        se = np.sqrt(green) / np.abs(log_s)
        lower = np.exp(-np.exp(np.log(-log_s) + z * se))
        upper = np.exp(-np.exp(np.log(-log_s) - z * se))
    lower = np.where(np.isfinite(lower), lower, surv)  # S = 0 or 1: the interval collapses
    upper = np.where(np.isfinite(upper), upper, surv)
    frame = pd.DataFrame({"months": times, "survival": surv, "lower": lower, "upper": upper, "at_risk": at_risk})
    start = pd.DataFrame({"months": [0.0], "survival": [1.0], "lower": [1.0], "upper": [1.0], "at_risk": [d.size]})
    return pd.concat([start, frame[frame["months"] > 0]], ignore_index=True)


def tenure_months(emp: pd.DataFrame, as_of) -> tuple[np.ndarray, np.ndarray]:
    """Months from hire to exit (observed) or to ``as_of`` (censored)."""
    end = emp["exit_date"].fillna(_ts(as_of))
    months = ((end - emp["hire_date"]).dt.days / (DAYS_PER_YEAR / 12)).clip(lower=0).to_numpy()
    return months, emp["exit_date"].notna().to_numpy()


def retention_by(emp: pd.DataFrame, by: str, as_of, max_months: float = 36.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier curves per group: (curves, groups) with ``groups`` = group, n, leavers,
    median_months. Curves are cut at ``max_months`` (few people beyond it in 24 months of data)."""
    curves, groups = [], []
    for name, part in emp.groupby(by, sort=True, observed=True):
        months, observed = tenure_months(part, as_of)
        curve = kaplan_meier(months, observed)
        curve = curve[curve["months"] <= max_months]
        curve.insert(0, "group", name)
        curves.append(curve)
        below = curve[curve["survival"] <= 0.5]
        groups.append(
            {
                "group": name,
                "n": int(len(part)),
                "leavers": int(observed.sum()),
                "median_months": float(below["months"].iloc[0]) if len(below) else np.nan,
            }
        )
    curves_frame = (
        pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame(columns=["group", "months", "survival", "lower", "upper", "at_risk"])
    )
    return curves_frame, pd.DataFrame(groups, columns=["group", "n", "leavers", "median_months"])


def as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Employees frame with hire/exit as datetime64 (the functions above expect that)."""
    frame = frame.copy()
    for column in ("hire_date", "exit_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def cohort_label(hire_date: pd.Series, first_year: int | None = None) -> pd.Series:
    """Hiring cohort by year ('2025'); people hired before ``first_year`` as '< first_year'."""
    years = hire_date.dt.year
    if first_year is None:
        return years.astype(str)
    return years.where(years >= first_year).astype("Int64").astype(str).where(years >= first_year, f"< {first_year}")
